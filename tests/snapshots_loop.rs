//! Interview loop screens on a TestBackend: the next interviewer, the
//! follow-up probe, the summary.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use rand::SeedableRng;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::interview::Stage;
use stardrill::app::{App, Effect, Mode, Msg, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::domain::interview_loop::LoopPlan;
use stardrill::ui::{self, theme::Theme};

fn app(clock: &FakeClock) -> App {
    let catalog = Catalog::load(None).expect("catalog");
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let plan = LoopPlan::new(&catalog.bank, &catalog.principles, 2, &mut rng);
    let settings = Settings {
        seconds: 120,
        ..Settings::default()
    };
    App::interview(catalog, settings, plan, 60, Some(4), clock)
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

fn render(app: &App, clock: &FakeClock, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| ui::draw(f, app, clock.now(), Theme::COLOR))
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

    // Finish the loop: every remaining answer in time, rated 4.
    press(
        &mut app,
        &clock,
        &[KeyCode::Enter, KeyCode::Char('4'), KeyCode::Enter],
    );
    while !matches!(&app.mode, Mode::Loop(run) if matches!(run.stage, Stage::Summary)) {
        press(&mut app, &clock, &[KeyCode::Enter]);
        clock.advance(Duration::from_secs(90));
        press(
            &mut app,
            &clock,
            &[
                KeyCode::Enter,
                KeyCode::Enter,
                KeyCode::Char('4'),
                KeyCode::Enter,
            ],
        );
    }
    both_sizes("loop_summary", &app, &clock);
}
