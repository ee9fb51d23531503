//! Speed goals for the drill (run with `cargo bench --bench drill`):
//!
//! - one frame of the drill screen at 200×60: ≤ 300 µs (80×24 and the wrap-up
//!   card are measured too);
//! - exec to the first full frame in a pseudo-terminal: ≤ 30 ms;
//! - loading and validating the embedded catalog (part of every start).
//!
//! Frames are drawn on ratatui's `TestBackend` with a fake clock, each one a
//! second later than the last so the countdown and its bar change as they do
//! on a real tick.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;
use stardrill::app::{App, Msg, Settings};
use stardrill::cli::screen::Screen;
use stardrill::domain::Catalog;
use stardrill::domain::clock::{Clock, FakeClock};
use stardrill::ui::{self, theme::Theme};

use common::{Sandbox, Spawn};

fn new_app(clock: &FakeClock) -> App {
    let catalog = Catalog::load(None).expect("the embedded catalog is valid");
    let pool = catalog.bank.filter(&[], None);
    let settings = Settings {
        seconds: 120,
        framework: 0,
        bell: false,
        count: None,
        ..Settings::default()
    };
    App::new(catalog, settings, pool, Some(1), clock)
}

/// One frame a second on: drawn whole, or (`keeping`) as the program draws,
/// keeping the panes that did not change.
fn bench_frame(c: &mut Criterion, name: &str, size: (u16, u16), wrap_up: bool, keeping: bool) {
    let (width, height) = size;
    let clock = FakeClock::fixed();
    let mut app = new_app(&clock);
    if wrap_up {
        clock.set(Duration::from_secs(75));
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        app.update(Msg::Key(enter), &clock);
    }
    let mut terminal = Screen::new(TestBackend::new(width, height)).expect("test screen");
    let mut second = 0u64;
    c.bench_function(name, |b| {
        b.iter(|| {
            second = (second + 1) % 150;
            clock.set(Duration::from_secs(second));
            terminal
                .draw(Size::new(width, height), |buf, keep| {
                    if keeping {
                        ui::draw_keeping(buf, keep, &app, clock.now(), Theme::COLOR);
                    } else {
                        ui::draw(buf, &app, clock.now(), Theme::COLOR);
                    }
                })
                .expect("draw");
            black_box(&mut terminal);
        });
    });
}

/// ratatui's own cost per frame (clearing, diffing, the backend) with nothing
/// drawn: the floor under the drill's figure at the same size.
fn bench_blank(c: &mut Criterion, name: &str, width: u16, height: u16) {
    let mut terminal = Screen::new(TestBackend::new(width, height)).expect("test screen");
    c.bench_function(name, |b| {
        b.iter(|| {
            terminal
                .draw(Size::new(width, height), |_, _| {})
                .expect("draw");
            black_box(&mut terminal);
        });
    });
}

fn frames(c: &mut Criterion) {
    bench_blank(c, "frame/nothing drawn 200x60", 200, 60);
    bench_frame(c, "frame/drill 200x60", (200, 60), false, false);
    bench_frame(
        c,
        "frame/drill 200x60 keeping panes",
        (200, 60),
        false,
        true,
    );
    bench_frame(c, "frame/drill 80x24", (80, 24), false, false);
    bench_frame(c, "frame/wrap-up 200x60", (200, 60), true, false);
    bench_frame(c, "frame/wrap-up 80x24", (80, 24), true, false);
}

/// A megabyte of notes pasted in one step: the paste itself and the frame
/// after it (goal: the screen answers within 100 ms), and a frame with that
/// much text in the notes.
fn paste(c: &mut Criterion) {
    let line = "Cut p99 latency 40% by caching the catalog; owned the rollout, 3 teams\n";
    let megabyte = line.repeat(1_000_000 / line.len());
    let tab = Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let mut group = c.benchmark_group("paste");
    group.sample_size(10);
    group.bench_function("1 MB into the notes, then one frame 200x60", |b| {
        b.iter_batched(
            || {
                let clock = FakeClock::fixed();
                let mut app = new_app(&clock);
                app.update(tab.clone(), &clock);
                let terminal = Screen::new(TestBackend::new(200, 60)).expect("test screen");
                (clock, app, terminal)
            },
            |(clock, mut app, mut terminal)| {
                app.update(Msg::Paste(megabyte.clone()), &clock);
                terminal
                    .draw(Size::new(200, 60), |buf, _| {
                        ui::draw(buf, &app, clock.now(), Theme::COLOR);
                    })
                    .expect("draw");
                black_box(&mut terminal);
            },
            BatchSize::LargeInput,
        );
    });
    let clock = FakeClock::fixed();
    let mut app = new_app(&clock);
    app.update(tab, &clock);
    app.update(Msg::Paste(megabyte), &clock);
    let mut terminal = Screen::new(TestBackend::new(200, 60)).expect("test screen");
    group.bench_function("one frame with 1 MB of notes 200x60", |b| {
        b.iter(|| {
            terminal
                .draw(Size::new(200, 60), |buf, _| {
                    ui::draw(buf, &app, clock.now(), Theme::COLOR);
                })
                .expect("draw");
            black_box(&mut terminal);
        });
    });
    group.finish();
}

fn catalog(c: &mut Criterion) {
    c.bench_function("catalog/load and validate embedded", |b| {
        b.iter(|| black_box(Catalog::load(None).expect("valid")));
    });
}

/// From spawning the release binary in a 100×30 pty to the first frame being
/// complete on screen (question title, countdown, and the footer, drawn last).
fn first_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("exec to first frame (pty 100x30)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // A fresh data dir each time, made before the clock starts.
                let sandbox = Sandbox::new();
                let start = Instant::now();
                let pty = Spawn::new(["--seed", "1"]).start_in(sandbox);
                pty.wait_until("the first full frame", common::TIMEOUT, |screen| {
                    let text = screen.contents();
                    text.contains(" left ") && text.contains("toggle")
                });
                total += start.elapsed();
                drop(pty); // SIGKILL and reap, outside the measurement
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, frames, paste, catalog, first_frame);
criterion_main!(benches);
