//! Snapshots of the review screens on a TestBackend, with fixed data and a
//! fixed "today", plus the whole browser loop driven by scripted keys.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod review_support;

use std::path::PathBuf;
use std::sync::mpsc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::review::{Msg, Review, Tab};
use stardrill::cli::screen::Screen;
use stardrill::domain::cues::Cues;
use stardrill::domain::history::History;
use stardrill::domain::history::{Loaded, SkipReason, Skipped};
use stardrill::domain::principles::Principles;
use stardrill::domain::stats::Stats;
use stardrill::ui::review::{draw, list_rows};
use stardrill::ui::theme::Theme;

fn review_of(logs: Vec<stardrill::domain::session::SessionLog>) -> Review {
    let names: Vec<String> = logs.iter().map(|l| l.file_name()).collect();
    let history = History::from_logs(names.iter().map(String::as_str).zip(logs));
    let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
    Review::ready(
        catalogue,
        review_support::today(),
        PathBuf::from("/home/me/.local/share/stardrill"),
        Loaded {
            history,
            skipped: vec![Skipped {
                file: review_support::CORRUPT_NAME.into(),
                reason: SkipReason::Empty,
            }],
        },
    )
}

fn fixture() -> Review {
    review_of(review_support::logs())
}

fn key(review: &mut Review, code: KeyCode) {
    review.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn render(review: &mut Review, width: u16, height: u16) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    review.set_page(list_rows(width, height, review));
    terminal
        .draw(|frame| draw(frame.buffer_mut(), review, Theme::MONO))
        .unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().to_string()
}

#[test]
fn list() {
    let mut r = fixture();
    insta::assert_snapshot!("list_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Char('j'));
    insta::assert_snapshot!("list_with_detail_120x40", render(&mut r, 120, 40));
}

#[test]
fn detail() {
    let mut r = fixture();
    // The oldest attempt at the question answered three times.
    key(&mut r, KeyCode::End);
    key(&mut r, KeyCode::Enter);
    assert!(r.zoom);
    insta::assert_snapshot!("detail_80x24", render(&mut r, 80, 24));
    insta::assert_snapshot!("detail_120x40", render(&mut r, 120, 40));
}

/// The fixture with the last answer's transcript read, as the loader does.
fn fixture_with_transcript() -> Review {
    let logs = review_support::logs();
    let last = logs.last().cloned().unwrap_or_else(|| panic!("no logs"));
    let transcript = review_support::transcript(&last);
    let mut r = fixture();
    let with = r
        .history
        .set_cues(|file, steps| (file == last.file_name()).then(|| Cues::of(&transcript, steps)));
    assert_eq!(with, 1);
    r.stats = Stats::compute(&r.history, &r.catalogue, review_support::today());
    r
}

#[test]
fn detail_and_stats_show_what_was_said() {
    let mut r = fixture_with_transcript();
    // Newest first: the transcribed answer is selected.
    key(&mut r, KeyCode::Enter);
    let wide = render(&mut r, 120, 40);
    assert!(wide.contains("What was said (transcript)"), "{wide}");
    assert!(
        wide.contains("Action: 2 \"we\" to 1 \"I\": say what you did"),
        "{wide}"
    );
    insta::assert_snapshot!("detail_transcript_120x40", wide);
    insta::assert_snapshot!("detail_transcript_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Esc);
    key(&mut r, KeyCode::Tab);
    assert_eq!(r.tab, Tab::Stats);
    let stats = render(&mut r, 120, 40);
    assert!(
        stats.contains("What was said in 1 transcribed answer"),
        "{stats}"
    );
    insta::assert_snapshot!("stats_transcript_120x40", stats);
}

#[test]
fn stats() {
    let mut r = fixture();
    key(&mut r, KeyCode::Tab);
    assert_eq!(r.tab, Tab::Stats);
    insta::assert_snapshot!("stats_80x24", render(&mut r, 80, 24));
    insta::assert_snapshot!("stats_120x40", render(&mut r, 120, 40));
}

#[test]
fn empty() {
    let mut r = review_of(Vec::new());
    r.skipped.clear();
    insta::assert_snapshot!("empty_80x24", render(&mut r, 80, 24));
    insta::assert_snapshot!("empty_120x40", render(&mut r, 120, 40));
}

#[test]
fn overlays_and_states() {
    let mut r = fixture();
    key(&mut r, KeyCode::Char('f'));
    key(&mut r, KeyCode::Right);
    insta::assert_snapshot!("filter_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Enter);
    insta::assert_snapshot!("filtered_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Char('d'));
    insta::assert_snapshot!("confirm_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Esc);
    key(&mut r, KeyCode::Char('/'));
    for c in "nobody".chars() {
        key(&mut r, KeyCode::Char(c));
    }
    insta::assert_snapshot!("search_80x24", render(&mut r, 80, 24));
    key(&mut r, KeyCode::Esc);
    key(&mut r, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", render(&mut r, 80, 24));

    let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut loading = Review::loading(catalogue, review_support::today(), PathBuf::new(), 100_000);
    loading.update(Msg::Progress(25_000));
    insta::assert_snapshot!("loading_80x24", render(&mut loading, 80, 24));
    insta::assert_snapshot!("too_small", render(&mut loading, 50, 10));
}

/// The real loop on a TestBackend: progress, then the history, then keys.
#[test]
fn loop_runs_the_whole_browser() {
    let dir = review_support::seeded_dir();
    let listing =
        stardrill::storage::history::Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut review = Review::loading(
        catalogue,
        review_support::today(),
        dir.path().to_path_buf(),
        listing.len(),
    );
    let (tx, mut rx) = mpsc::channel();
    stardrill::cli::review::spawn_loader(listing, tx.clone());
    let press = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    // Keys queue behind the loader's messages; keys while loading only quit,
    // so wait for the history before sending them.
    let mut terminal = Screen::new(TestBackend::new(100, 30)).unwrap_or_else(|e| panic!("{e}"));
    loop {
        let msg = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("loader: {e}"));
        let done = matches!(msg, Msg::Loaded(_));
        review.update(msg);
        if done {
            break;
        }
    }
    for code in [
        KeyCode::Char('j'),
        KeyCode::Char('d'),
        KeyCode::Char('y'),
        KeyCode::Char('q'),
    ] {
        tx.send(press(code)).unwrap_or_else(|e| panic!("{e}"));
    }
    stardrill::cli::event_loop::run(
        &mut terminal,
        &mut review,
        &mut rx,
        &stardrill::cli::event_loop::Control::default(),
        &stardrill::domain::clock::FakeClock::fixed(),
        Theme::MONO,
        &mut stardrill::cli::review::perform,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(review.should_quit);
    assert_eq!(review.history.len(), 7);
    assert_eq!(review.skipped.len(), 2);
    let trashed: Vec<_> = std::fs::read_dir(dir.path().join("trash"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(trashed, ["20260104T080500Z-000007.toml"]);
    assert_eq!(
        std::fs::read_to_string(
            dir.path()
                .join("sessions")
                .join(review_support::CORRUPT_NAME)
        )
        .unwrap_or_default(),
        review_support::CORRUPT_BODY
    );
}

/// The loader reads the transcripts too, and deleting the transcribed session
/// takes its transcript to the trash with its log.
#[test]
fn a_deleted_session_takes_its_transcript_to_the_trash() {
    let dir = review_support::seeded_dir();
    let listing =
        stardrill::storage::history::Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut review = Review::loading(
        catalogue,
        review_support::today(),
        dir.path().to_path_buf(),
        listing.len(),
    );
    let (tx, mut rx) = mpsc::channel();
    stardrill::cli::review::spawn_loader(listing, tx.clone());
    loop {
        let msg = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("loader: {e}"));
        let done = matches!(msg, Msg::Loaded(_));
        review.update(msg);
        if done {
            break;
        }
    }
    let selected = review.selected_session().unwrap_or_else(|| panic!("none"));
    let file = selected.file.to_string();
    assert!(selected.cues.is_some(), "the newest session has its cues");
    let stem = file.trim_end_matches(".toml").to_string();
    let press = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    for code in [KeyCode::Char('d'), KeyCode::Char('y'), KeyCode::Char('q')] {
        tx.send(press(code)).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut terminal = Screen::new(TestBackend::new(100, 30)).unwrap_or_else(|e| panic!("{e}"));
    stardrill::cli::event_loop::run(
        &mut terminal,
        &mut review,
        &mut rx,
        &stardrill::cli::event_loop::Control::default(),
        &stardrill::domain::clock::FakeClock::fixed(),
        Theme::MONO,
        &mut stardrill::cli::review::perform,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        review.status.as_ref().is_none_or(|s| !s.is_error),
        "{:?}",
        review.status
    );
    assert!(dir.path().join("trash").join(&file).is_file());
    assert!(
        dir.path()
            .join("trash/transcripts")
            .join(format!("{stem}.toml"))
            .is_file()
    );
    assert!(!dir.path().join("transcripts").join(&file).exists());
}

#[test]
fn detail_names_the_interview_loop_and_the_story_told() {
    use stardrill::domain::interview_loop::{LoggedRound, LoopOutcome, LoopRecord};
    use stardrill::domain::session::LoggedStory;
    let mut logs = review_support::logs();
    let newest = logs
        .iter_mut()
        .max_by_key(|l| l.started_at)
        .unwrap_or_else(|| panic!("fixture has logs"));
    newest.loop_id = Some("a1b2c3".into());
    newest.round = Some(2);
    newest.follow_up_secs = Some(42.0);
    newest.story = Some(LoggedStory {
        id: "checkout-bug".into(),
        title: "Checkout bug fix".into(),
    });
    let started_at = newest.started_at;
    let mut r = review_of(logs);
    let round = |interviewer: &str, bar_raiser| LoggedRound {
        interviewer: interviewer.into(),
        bar_raiser,
        principles: vec!["ownership".into()],
        sessions: Vec::new(),
    };
    r.loops.insert(
        "a1b2c3".into(),
        LoopRecord {
            schema_version: 1,
            id: "a1b2c3".into(),
            started_at,
            ended_at: started_at,
            outcome: LoopOutcome::Completed,
            rounds: vec![round("Hiring manager", false), round("Bar Raiser", true)],
        },
    );
    key(&mut r, KeyCode::Enter);
    let screen = render(&mut r, 120, 40);
    assert!(
        screen.contains("Interview loop a1b2c3, round 2 of 2 · Bar Raiser"),
        "{screen}"
    );
    assert!(screen.contains("Story told: Checkout bug fix"), "{screen}");
    assert!(screen.contains("(answered in 0:42)"), "{screen}");
    insta::assert_snapshot!("detail_loop_and_story_120x40", screen);
}

/// The help overlay and the search prompt's footer, both drawn from the key table.
#[test]
fn help_and_search() {
    let mut r = fixture();
    key(&mut r, KeyCode::Char('?'));
    insta::assert_snapshot!("help_100x30", render(&mut r, 100, 30));
    key(&mut r, KeyCode::Esc);
    key(&mut r, KeyCode::Char('/'));
    key(&mut r, KeyCode::Char('x'));
    insta::assert_snapshot!("search_100x30", render(&mut r, 100, 30));
    key(&mut r, KeyCode::Esc);
    key(&mut r, KeyCode::Enter);
    insta::assert_snapshot!("zoomed_100x30", render(&mut r, 100, 30));
}

/// A log from someone else with terminal escapes in its text: the browser
/// shows them as visible characters, through the same function the printed
/// reports use.
#[test]
fn escapes_in_a_log_are_shown_not_obeyed() {
    let mut logs = review_support::logs();
    for log in &mut logs {
        log.question.text = "Q \u{1b}]0;PWNED\u{7} \u{1b}]52;c;cHduZWQ=\u{7} \u{1b}[2J".into();
        log.notes = "note \u{1b}[31mred".into();
    }
    let mut r = review_of(logs);
    let screen = render(&mut r, 120, 40);
    assert!(screen.contains("␛]0;PWNED␇"), "{screen}");
    assert!(screen.contains("note ␛[31mred"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
}

/// A speaker that plays nothing and is where the test puts it.
struct FakeSpeaker(std::rc::Rc<std::cell::Cell<(f64, bool)>>);

impl stardrill::app::sound::Speaker for FakeSpeaker {
    fn open(&mut self, _file: &str) -> Result<f64, String> {
        Ok(102.5)
    }
    fn play(&mut self) {
        self.0.set((self.0.get().0, true));
    }
    fn pause(&mut self) {
        self.0.set((self.0.get().0, false));
    }
    fn seek_to(&mut self, secs: f64) {
        self.0.set((secs, self.0.get().1));
    }
    fn position(&self) -> f64 {
        self.0.get().0
    }
    fn is_playing(&self) -> bool {
        self.0.get().1
    }
    fn fault(&self) -> Option<String> {
        None
    }
    fn close(&mut self) {
        self.0.set((0.0, false));
    }
}

/// The detail of a recorded session while its recording plays: the playhead
/// in the step playing, where it is, and the playback keys in the footer.
#[test]
fn detail_playing_a_recording() {
    let mut r = fixture();
    let state = std::rc::Rc::new(std::cell::Cell::new((0.0, false)));
    r.speaker = Box::new(FakeSpeaker(std::rc::Rc::clone(&state)));
    key(&mut r, KeyCode::Enter);
    // Step 3 (Action) began at the Task's tick, 35 s in.
    key(&mut r, KeyCode::Char('3'));
    assert_eq!(state.get(), (35.0, true));
    state.set((64.2, true));
    let screen = render(&mut r, 120, 40);
    assert!(screen.contains("▶ 1:04 / 1:43 · Action"), "{screen}");
    assert!(screen.contains('┃'), "a playhead: {screen}");
    assert!(screen.contains("Space pause"), "{screen}");
    insta::assert_snapshot!("detail_playing_120x40", screen);
    key(&mut r, KeyCode::Char(' '));
    insta::assert_snapshot!("detail_paused_80x24", render(&mut r, 80, 24));
    // The stats tab sums the recorded answers and trends their pace.
    key(&mut r, KeyCode::Tab);
    assert_eq!(state.get(), (0.0, false), "leaving the detail stops it");
    let stats = render(&mut r, 120, 40);
    assert!(stats.contains("Delivery of 3 recorded answers"), "{stats}");
}
