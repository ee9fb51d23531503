//! A fixed in-process workload to run under a profiler, so instruction counts
//! can be compared before and after a change (wall-clock on a shared machine
//! is too noisy for that):
//!
//! ```text
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile WHAT [N]
//! ```
//!
//! WHAT is `catalog` (load and validate the embedded bank, principles and
//! frameworks N times), `frame` (N drill frames at 200×60, one second apart),
//! `small` (the same at 80×24) or `blank` (N empty 200×60 frames: ratatui's own
//! floor). N is 100 unless given.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use stardrill::app::{App, Settings};
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
        "frame" | "blank" => (200, 60),
        "small" => (80, 24),
        _ => {
            eprintln!("usage: profile catalog|frame|small|blank [N]");
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
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    for second in 0..n {
        clock.set(Duration::from_secs(second % 150));
        terminal
            .draw(|frame| {
                if what != "blank" {
                    ui::draw(frame, &app, clock.now(), Theme::COLOR);
                }
            })
            .expect("draw");
    }
}
