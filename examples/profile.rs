//! A fixed in-process workload to run under a profiler, so instruction counts
//! can be compared before and after a change (wall-clock on a shared machine
//! is too noisy for that):
//!
//! ```text
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile WHAT [N]
//! ```
//!
//! WHAT is `catalog` (load the embedded bank, principles and frameworks N
//! times), `parse` (parse and check their TOML N times, as `--questions` is),
//! `frame` (N drill frames at 200×60, one second apart), `small` (the same at
//! 80×24), `blank` (N empty 200×60 frames: ratatui's own floor), `stats`
//! (review's stats over a synthetic history, 10 times) or `search` (type and
//! erase a letter in review's search, 10 times, after opening it). N is 100 unless given; for
//! `stats` and `search` it is the number of sessions (100,000 unless given).
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::review::{Msg, Review};
use stardrill::domain::history::{History, Loaded};
use stardrill::domain::stats::Stats;

use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use stardrill::app::{App, Settings};
use stardrill::cli::screen::Screen;
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::ui::{self, theme::Theme};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let n: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let (width, height) = match what.as_str() {
        "catalog" => {
            for _ in 0..n {
                black_box(Catalog::load(None).expect("the embedded catalog is valid"));
            }
            return;
        }
        "parse" => {
            for _ in 0..n {
                let text = stardrill::domain::bank::EMBEDDED_QUESTIONS;
                black_box(Catalog::load(Some(("questions.toml", text))).expect("valid"));
            }
            return;
        }
        "stats" | "search" => {
            history_workload(&what, if n == 100 { 100_000 } else { n });
            return;
        }
        "frame" | "blank" => (200, 60),
        "small" => (80, 24),
        _ => {
            eprintln!("usage: profile catalog|parse|frame|small|blank|stats|search [N]");
            std::process::exit(2);
        }
    };
    let clock = FakeClock::fixed();
    let catalog = Catalog::load(None).expect("the embedded catalog is valid");
    let pool = catalog.bank.filter(&[], None);
    let settings = Settings {
        seconds: 120,
        framework: 0,
        bell: false,
        count: None,
        ..Settings::default()
    };
    let app = App::new(catalog, settings, pool, Some(1), &clock);
    let mut screen = Screen::new(TestBackend::new(width, height)).expect("test screen");
    let size = Size::new(width, height);
    for second in 0..n {
        clock.set(Duration::from_secs(second % 150));
        screen
            .draw(size, |buf, _| {
                if what != "blank" {
                    ui::draw(buf, &app, clock.now(), Theme::COLOR);
                }
            })
            .expect("draw");
    }
}

/// Review's stats, or a search keystroke, over `n` synthetic sessions.
fn history_workload(what: &str, n: u64) {
    let catalog = Catalog::load(None).expect("the embedded catalog is valid");
    let names: Vec<String> = (0..n).map(|i| format!("{i:08}.toml")).collect();
    let history = History::from_logs(
        names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), synth::synth_log(&catalog, i as u64))),
    );
    let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let mut times = Vec::new();
    if what == "stats" {
        for _ in 0..10 {
            let start = std::time::Instant::now();
            stats_pass(&history, &catalog.principles, today);
            times.push(start.elapsed());
        }
    } else {
        let loaded = Loaded {
            history,
            skipped: Vec::new(),
        };
        let mut review = Review::ready(catalog.principles, today, PathBuf::new(), loaded);
        let start = std::time::Instant::now();
        key(&mut review, KeyCode::Char('/'));
        println!("opening the search: {:?}", start.elapsed());
        let (mut typed, mut erased) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            let start = std::time::Instant::now();
            search_keystrokes(&mut review, &mut typed, &mut erased);
            times.push(start.elapsed());
        }
        typed.sort();
        erased.sort();
        println!(
            "typing a letter: median {:?}, erasing it: median {:?} (of 10)",
            typed[5], erased[5]
        );
    }
    times.sort();
    println!("{what} over {n} sessions: median {:?} (of 10)", times[5]);
}

fn key(review: &mut Review, code: KeyCode) {
    review.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// One stats computation (a profiler can count just this function).
#[inline(never)]
fn stats_pass(
    history: &History,
    principles: &stardrill::domain::principles::Principles,
    today: NaiveDate,
) {
    black_box(Stats::compute(history, principles, today));
}

/// A letter typed into the search, then erased: two re-filters.
#[inline(never)]
fn search_keystrokes(review: &mut Review, typed: &mut Vec<Duration>, erased: &mut Vec<Duration>) {
    let start = std::time::Instant::now();
    key(review, KeyCode::Char('x'));
    typed.push(start.elapsed());
    let start = std::time::Instant::now();
    key(review, KeyCode::Backspace);
    erased.push(start.elapsed());
}
