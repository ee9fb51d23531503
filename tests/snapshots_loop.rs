//! Interview loop screens on a TestBackend: the next interviewer, the
//! follow-up probe, the summary.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod loop_support;

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::interview::Stage;
use stardrill::app::{App, Effect, Mode, Msg, Screen, Settings};
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::ui::{self, theme::Theme};

fn app(clock: &FakeClock) -> App {
    let settings = Settings {
        seconds: 120,
        ..Settings::default()
    };
    loop_support::two_round_loop(clock, settings, 60)
}

fn press(app: &mut App, clock: &FakeClock, codes: &[KeyCode]) {
    for code in codes {
        let effects = app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)), clock);
        for effect in effects {
            if let Effect::Save(log) = effect {
                let path = format!("/data/sessions/20260105T080000Z-{}.toml", log.question.id);
                app.on_saved(*log, Ok(path.into()));
            }
        }
    }
}

fn stage(app: &App) -> Option<&Stage> {
    match &app.mode {
        Mode::Loop(run) => Some(&run.stage),
        Mode::Drill { .. } => None,
    }
}

fn render(app: &App, clock: &FakeClock, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| ui::draw(f.buffer_mut(), app, clock.now(), Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

fn both_sizes(name: &str, app: &App, clock: &FakeClock) {
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, clock, w, h));
    }
}

#[test]
fn loop_screens() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    both_sizes("loop_round_intro", &app, &clock);

    press(&mut app, &clock, &[KeyCode::Enter]);
    clock.advance(Duration::from_secs(20));
    both_sizes("loop_answering", &app, &clock);

    clock.advance(Duration::from_secs(80));
    press(&mut app, &clock, &[KeyCode::Enter]);
    clock.advance(Duration::from_secs(41));
    both_sizes("loop_probe", &app, &clock);

    // Deeper into the same story, with a countdown of its own.
    press(&mut app, &clock, &[KeyCode::Enter]);
    clock.advance(Duration::from_secs(12));
    both_sizes("loop_probe_deeper", &app, &clock);

    // Finish the loop: every remaining answer in time, rated 4.
    while !matches!(stage(&app), Some(Stage::Closing)) {
        match (stage(&app), app.screen()) {
            (Some(Stage::Probe(..)), _) => press(&mut app, &clock, &[KeyCode::Enter]),
            (_, Some(Screen::Answering(_))) => {
                clock.advance(Duration::from_secs(90));
                press(&mut app, &clock, &[KeyCode::Enter]);
            }
            (_, Some(Screen::WrapUp(..))) => {
                press(&mut app, &clock, &[KeyCode::Char('4'), KeyCode::Enter])
            }
            _ => press(&mut app, &clock, &[KeyCode::Enter]),
        }
    }
    both_sizes("loop_closing", &app, &clock);
    press(&mut app, &clock, &[KeyCode::Enter]);
    both_sizes("loop_summary", &app, &clock);
}
