//! Every drill screen, rendered on a TestBackend at 80×24 and 120×40.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::{App, Msg, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::ui::{self, theme::Theme};

const BANK: &str = r#"
[[question]]
id = "co-01"
text = "Tell me about a time you put a customer's needs ahead of your own goals."
principles = ["customer-obsession", "ownership"]
kind = "behavioral"
follow_ups = ["How did you measure the effect on the customer?", "What would you do differently?"]

[[question]]
id = "intl-01"
text = "请讲一次你为客户着想的经历 🚀 — and what you measured."
principles = ["Dive Deep"]
kind = "behavioral"
follow_ups = ["How did you know it worked?", "What alternatives did you consider?"]
"#;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn app(clock: &FakeClock) -> App {
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        framework: 0,
        bell: false,
        count: None,
        ..Settings::default()
    };
    // The pool holds only the first question so the screen is fixed.
    App::new(catalog, settings, vec![0], Some(1), clock)
}

fn keys(app: &mut App, clock: &FakeClock, keys: &[KeyCode]) {
    for code in keys {
        app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)), clock);
    }
}

fn typed(app: &mut App, clock: &FakeClock, text: &str) {
    let codes: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
    keys(app, clock, &codes);
}

fn render(app: &App, clock: &FakeClock, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::draw(frame.buffer_mut(), app, clock.now(), Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

fn snapshot_all_sizes(name: &str, app: &App, clock: &FakeClock) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, clock, w, h));
    }
}

#[test]
fn drill_fresh() {
    let clock = FakeClock::fixed();
    let app = app(&clock);
    snapshot_all_sizes("drill_fresh", &app, &clock);
}

#[test]
fn drill_mid_answer_with_a_long_situation() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    clock.advance(Duration::from_secs(42));
    keys(&mut app, &clock, &[KeyCode::Char(' ')]);
    clock.advance(Duration::from_secs(12));
    keys(&mut app, &clock, &[KeyCode::Char(' ')]);
    clock.advance(Duration::from_millis(40_500));
    snapshot_all_sizes("drill_mid_answer", &app, &clock);
}

#[test]
fn drill_situation_running_long() {
    let clock = FakeClock::fixed();
    let app = app(&clock);
    clock.advance(Duration::from_secs(38));
    snapshot_all_sizes("drill_situation_long", &app, &clock);
}

#[test]
fn the_situation_warning_waits_for_the_30_second_ceiling_not_the_target() {
    let clock = FakeClock::fixed();
    let app = app(&clock);
    clock.advance(Duration::from_secs(25));
    let screen = render(&app, &clock, 80, 24);
    assert!(
        screen.contains("0:25/0:20"),
        "past its 20 s target:\n{screen}"
    );
    assert!(!screen.contains('⚠'), "no warning before 30 s:\n{screen}");
    clock.advance(Duration::from_secs(6));
    let screen = render(&app, &clock, 80, 24);
    assert!(
        screen.contains("⚠ Situation at 0:31, past 0:30: move on."),
        "{screen}"
    );
}

#[test]
fn drill_paused_in_the_last_ten_seconds() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    clock.advance(Duration::from_secs(112));
    keys(&mut app, &clock, &[KeyCode::Char('p')]);
    clock.advance(Duration::from_secs(300));
    snapshot_all_sizes("drill_paused", &app, &clock);
}

#[test]
fn drill_overtime_spsil_with_notes() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    keys(&mut app, &clock, &[KeyCode::Char('f'), KeyCode::Tab]);
    typed(&mut app, &clock, "cut churn 12% → 3%, 面试 notes 🚀");
    clock.advance(Duration::from_secs(133));
    snapshot_all_sizes("drill_overtime_notes", &app, &clock);
}

#[test]
fn wrap_up_card() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    for _ in 0..4 {
        clock.advance(Duration::from_secs(25));
        keys(&mut app, &clock, &[KeyCode::Char(' ')]);
    }
    keys(
        &mut app,
        &clock,
        &[
            KeyCode::Enter,
            KeyCode::Char('4'),
            KeyCode::Char(' '),
            KeyCode::Down,
        ],
    );
    snapshot_all_sizes("wrap_up", &app, &clock);
}

#[test]
fn help_overlay() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    keys(&mut app, &clock, &[KeyCode::Char('?')]);
    snapshot_all_sizes("help", &app, &clock);
}

#[test]
fn saved_card_between_questions() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    keys(&mut app, &clock, &[KeyCode::Enter]);
    let effects = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &clock,
    );
    for effect in effects {
        if let stardrill::app::Effect::Save(log) = effect {
            app.on_saved(
                *log,
                Ok("/data/sessions/20260105T080000Z-abc123.toml".into()),
            );
        }
    }
    snapshot_all_sizes("between", &app, &clock);
}

#[test]
fn wide_characters_in_the_question() {
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        framework: 0,
        bell: false,
        count: None,
        ..Settings::default()
    };
    let app = App::new(catalog, settings, vec![1], Some(1), &clock);
    snapshot_all_sizes("drill_wide_chars", &app, &clock);
}

#[test]
fn window_too_small() {
    let clock = FakeClock::fixed();
    let app = app(&clock);
    insta::assert_snapshot!("too_small_50x15", render(&app, &clock, 50, 15));
    insta::assert_snapshot!("too_small_20x3", render(&app, &clock, 20, 3));
    // Tiny sizes never panic.
    for (w, h) in [(0, 0), (1, 1), (59, 40), (200, 17)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal
            .draw(|frame| ui::draw(frame.buffer_mut(), &app, clock.now(), Theme::COLOR))
            .expect("draw");
    }
}

#[test]
fn no_color_theme_draws_the_same_text() {
    let clock = FakeClock::fixed();
    let app = app(&clock);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|frame| ui::draw(frame.buffer_mut(), &app, clock.now(), Theme::MONO))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| cell.fg == ratatui::style::Color::Reset),
        "NO_COLOR: no foreground colours"
    );
    assert_eq!(terminal.backend().to_string(), render(&app, &clock, 80, 24));
}

#[test]
fn long_principle_names_never_eat_the_border() {
    let clock = FakeClock::fixed();
    let bank = r#"
[[question]]
id = "hdb-06"
text = "Tell me about a time you argued against hiring someone that others on the panel wanted to hire."
principles = ["hire-and-develop-the-best", "have-backbone", "insist-on-the-highest-standards"]
"#;
    let catalog = Catalog::load(Some(("long.toml", bank))).expect("bank");
    let app = App::new(
        catalog,
        Settings {
            seconds: 120,
            ..Settings::default()
        },
        vec![0],
        Some(1),
        &clock,
    );
    for (w, h) in [(60, 18), (80, 24)] {
        let screen = render(&app, &clock, w, h);
        let bottom = screen
            .lines()
            .find(|l| l.starts_with("\"╰") && l.contains("Hire"))
            .unwrap_or_else(|| panic!("principles line\n{screen}"));
        assert!(bottom.starts_with("\"╰"), "{bottom}");
        assert!(bottom.trim_end_matches('"').ends_with('╯'), "{bottom}");
        // Cut at the end, with an ellipsis, never at the start of the first name.
        assert!(bottom.contains("Hire and Develop"), "{bottom}");
    }
}

#[test]
fn smallest_window_keeps_every_step_and_the_whole_rubric() {
    let clock = FakeClock::fixed();
    let mut app = app(&clock);
    keys(&mut app, &clock, &[KeyCode::Char('f')]);
    let (w, h) = (ui::MIN_WIDTH, ui::MIN_HEIGHT);
    let drill = render(&app, &clock, w, h);
    assert!(drill.contains("5 Lessons"), "{drill}");
    insta::assert_snapshot!("drill_spsil_60x18", drill);
    keys(&mut app, &clock, &[KeyCode::Enter]);
    let wrap_up = render(&app, &clock, w, h);
    assert!(wrap_up.contains("Finished in time"), "{wrap_up}");
    insta::assert_snapshot!("wrap_up_60x18", wrap_up);
}

#[test]
fn last_question_asked_for() {
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(Some(("snapshot.toml", BANK))).expect("test bank");
    let settings = Settings {
        seconds: 120,
        count: Some(1),
        ..Settings::default()
    };
    let mut app = App::new(catalog, settings, vec![0], Some(1), &clock);
    keys(&mut app, &clock, &[KeyCode::Enter, KeyCode::Enter]);
    insta::assert_snapshot!("between_last_80x24", render(&app, &clock, 80, 24));
}
