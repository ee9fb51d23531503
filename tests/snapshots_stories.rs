//! The story bank screens and the drill with stories, on a TestBackend.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::stories::StoriesApp;
use stardrill::app::{App, Msg, Settings};
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::domain::principles::Principles;
use stardrill::domain::story::{Story, StoryBook};
use stardrill::ui::{self, theme::Theme};

fn book() -> StoryBook {
    let story = |id: &str, title: &str, principles: &[&str]| Story {
        id: id.into(),
        title: title.into(),
        principles: principles.iter().map(|p| p.to_string()).collect(),
        situation: "Checkout failed for 3% of orders on slow connections.".into(),
        action:
            "- Read 50 tickets\n- Reproduced on a throttled link\n- Paused a feature for two days"
                .into(),
        result: "Failed checkouts in that group fell ~90%.".into(),
        numbers: "3% of orders; -90%; 2 days".into(),
        ..Story::default()
    };
    StoryBook {
        stories: vec![
            story(
                "checkout-bug",
                "Checkout bug fix",
                &["customer-obsession", "ownership", "bias-for-action"],
            ),
            story(
                "nightly-alert",
                "Nightly alert cleanup",
                &["ownership", "dive-deep", "insist-on-the-highest-standards"],
            ),
            story(
                "vendor-pick",
                "Vendor pick",
                &["are-right-a-lot", "deliver-results", "dive-deep"],
            ),
        ],
    }
}

fn stories_app() -> StoriesApp {
    let principles = Principles::embedded().expect("principles");
    StoriesApp::new(
        principles,
        book(),
        HashMap::from([("nightly-alert".to_string(), 4)]),
    )
}

fn send(app: &mut StoriesApp, codes: &[KeyCode]) {
    for code in codes {
        app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)));
    }
}

fn render_stories(app: &StoriesApp, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| ui::stories::draw(f.buffer_mut(), app, Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

fn both_sizes(name: &str, app: &StoriesApp) {
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render_stories(app, w, h));
    }
}

#[test]
fn story_list_with_detail() {
    let mut app = stories_app();
    send(&mut app, &[KeyCode::Char('j')]);
    both_sizes("stories_list", &app);
}

#[test]
fn story_list_empty() {
    let app = StoriesApp::new(
        Principles::embedded().expect("principles"),
        StoryBook::default(),
        HashMap::new(),
    );
    both_sizes("stories_empty", &app);
}

#[test]
fn coverage_grid() {
    let mut app = stories_app();
    send(&mut app, &[KeyCode::Tab]);
    both_sizes("stories_grid", &app);
}

#[test]
fn story_editor_form() {
    let mut app = stories_app();
    send(
        &mut app,
        &[
            KeyCode::Char('e'),
            KeyCode::Tab,
            KeyCode::Down,
            KeyCode::Down,
        ],
    );
    both_sizes("stories_form", &app);
}

#[test]
fn delete_confirmation() {
    let mut app = stories_app();
    send(&mut app, &[KeyCode::Char('d')]);
    insta::assert_snapshot!("stories_confirm_delete_80x24", render_stories(&app, 80, 24));
}

fn drill_app(clock: &FakeClock, think_secs: u64) -> App {
    let mut catalog = Catalog::load(Some((
        "bank.toml",
        r#"
[[question]]
id = "co-01"
text = "Tell me about a time you put the customer first."
principles = ["customer-obsession"]
follow_ups = ["How did you measure that?", "What would you do differently?"]
"#,
    )))
    .expect("bank");
    catalog.stories = book();
    let settings = Settings {
        seconds: 120,
        think_secs,
        ..Settings::default()
    };
    App::new(catalog, settings, vec![0], Some(1), clock)
}

fn render_drill(app: &App, clock: &FakeClock) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| ui::draw(f.buffer_mut(), app, clock.now(), Theme::COLOR))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn drill_lists_matching_stories_and_wrap_up_picks_one() {
    let clock = FakeClock::fixed();
    let mut app = drill_app(&clock, 0);
    insta::assert_snapshot!("drill_with_stories_100x30", render_drill(&app, &clock));
    for code in [KeyCode::Enter, KeyCode::Char('s')] {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), &clock);
    }
    insta::assert_snapshot!("wrap_up_story_picked_100x30", render_drill(&app, &clock));
    let effects = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &clock,
    );
    let Some(stardrill::app::Effect::Save(log)) = effects.first() else {
        panic!("expected a save")
    };
    assert_eq!(
        log.story.as_ref().map(|s| s.id.as_str()),
        Some("checkout-bug")
    );
}

#[test]
fn think_time_before_the_countdown() {
    let clock = FakeClock::fixed();
    let mut app = drill_app(&clock, 20);
    clock.advance(Duration::from_millis(5_500));
    insta::assert_snapshot!("drill_think_time_100x30", render_drill(&app, &clock));
    // Ticking waits for the answer; Space starts it early.
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE)),
        &clock,
    );
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE)),
        &clock,
    );
    clock.advance(Duration::from_secs(10));
    let attempt = app.attempt().expect("answering");
    assert_eq!(attempt.ticked_count(4), 0);
    assert_eq!(
        attempt.countdown.elapsed(clock.now()),
        Duration::from_secs(10)
    );
}

#[test]
fn story_form_in_the_smallest_window_shows_every_field() {
    let mut app = stories_app();
    send(&mut app, &[KeyCode::Char('e')]);
    let screen = render_stories(&app, stardrill::ui::MIN_WIDTH, stardrill::ui::MIN_HEIGHT);
    for label in [
        "Title",
        "Situation",
        "Task / Problem",
        "Action / Solution",
        "Result / Impact",
        "Lessons",
        "Numbers",
    ] {
        assert!(screen.contains(label), "{label} missing\n{screen}");
    }
    insta::assert_snapshot!("stories_form_60x18", screen);
    // Tab to Action / Solution: it takes the room and shows its text.
    send(
        &mut app,
        &[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab, KeyCode::Tab],
    );
    let screen = render_stories(&app, stardrill::ui::MIN_WIDTH, stardrill::ui::MIN_HEIGHT);
    assert!(screen.contains("Paused a feature for two days"), "{screen}");
    insta::assert_snapshot!("stories_form_focused_60x18", screen);
}

#[test]
fn story_bank_help() {
    let mut app = stories_app();
    send(&mut app, &[KeyCode::Char('?')]);
    insta::assert_snapshot!("stories_help_80x24", render_stories(&app, 80, 24));
}
