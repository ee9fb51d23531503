//! Panes kept from frame to frame are exactly what drawing them afresh
//! gives: random keys, waits and resizes in the drill and the interview
//! loop, each frame drawn as the program draws it (keeping what it can) and
//! compared with the same frame drawn whole on a blank terminal.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod loop_support;

use std::time::Duration;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;
use stardrill::app::{App, Effect, Msg, Settings};
use stardrill::cli::screen::Screen;
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::ui::{self, theme::Theme};

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode),
    Wait(u64),
    Resize(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    let typed = "1235 pfn?sjaé".chars().map(KeyCode::Char);
    let key = proptest::sample::select(
        typed
            .chain([
                KeyCode::Tab,
                KeyCode::Enter,
                KeyCode::Backspace,
                KeyCode::Left,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Esc,
            ])
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        12 => key.prop_map(Step::Key),
        3 => (1u64..40).prop_map(Step::Wait),
        1 => proptest::sample::select(vec![(80, 24), (120, 40), (100, 30), (60, 18), (40, 10)])
            .prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

fn settings() -> Settings {
    Settings {
        seconds: 60,
        bell: false,
        ..Settings::default()
    }
}

fn drill(clock: &FakeClock) -> App {
    let catalog = Catalog::load(None).expect("catalog");
    let pool = catalog.bank.filter(&[], None);
    App::new(catalog, settings(), pool, Some(7), clock)
}

fn interview(clock: &FakeClock) -> App {
    loop_support::two_round_loop(clock, settings(), 30)
}

/// The frame drawn whole on a blank terminal.
fn fresh(app: &App, now: Duration, size: Size) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    terminal
        .draw(|frame| ui::draw(frame.buffer_mut(), app, now, Theme::COLOR))
        .unwrap();
    terminal.backend().buffer().clone()
}

fn run(mut app: App, clock: &FakeClock, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut size = Size::new(120, 40);
    let mut screen = Screen::new(TestBackend::new(size.width, size.height)).unwrap();
    for (i, step) in steps.iter().enumerate() {
        let msg = match step {
            Step::Key(code) => Some(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE))),
            Step::Wait(secs) => {
                clock.advance(Duration::from_secs(*secs));
                Some(Msg::Tick)
            }
            Step::Resize(w, h) => {
                size = Size::new(*w, *h);
                screen.backend_mut().resize(*w, *h);
                None
            }
        };
        if let Some(msg) = msg {
            for effect in app.update(msg, clock) {
                if let Effect::Save(log) = effect {
                    let path = format!("/data/sessions/{}-{i}.toml", log.id);
                    app.on_saved(*log, Ok(path.into()));
                }
            }
        }
        if app.should_quit {
            break;
        }
        let now = clock.now();
        screen
            .draw(size, |buf, keep| {
                ui::draw_keeping(buf, keep, &app, now, Theme::COLOR)
            })
            .unwrap();
        let shown = screen.backend().buffer();
        prop_assert_eq!(
            shown,
            &fresh(&app, now, size),
            "after step {} ({:?})",
            i,
            step
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kept_drill_panes_are_what_drawing_gives(steps in proptest::collection::vec(step(), 1..60)) {
        let clock = FakeClock::fixed();
        run(drill(&clock), &clock, &steps)?;
    }

    #[test]
    fn kept_loop_panes_are_what_drawing_gives(steps in proptest::collection::vec(step(), 1..60)) {
        let clock = FakeClock::fixed();
        run(interview(&clock), &clock, &steps)?;
    }
}
