//! Review at scale: loading 1k/10k/100k synthetic logs (plus corrupt files),
//! with and without the history cache, computing the stats, and drawing one
//! frame of each screen. The data dirs are generated once per run into temp
//! dirs and reused; the files stay in the OS page cache (a cold start, after
//! a reboot, is measured by hand: see README-review.md).
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use stardrill::app::review::{Msg, Review};
use stardrill::cli::screen::Screen;
use stardrill::domain::history::Loaded;
use stardrill::domain::principles::Principles;
use stardrill::domain::stats::Stats;
use stardrill::storage::cache;
use stardrill::storage::history::{self, Listing};
use stardrill::ui::review::{draw, list_rows};
use stardrill::ui::theme::Theme;

const SIZES: [(u64, &str); 3] = [(1_000, "1k"), (10_000, "10k"), (100_000, "100k")];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default()
}

fn catalogue() -> Principles {
    Principles::embedded().unwrap_or_else(|e| panic!("{e}"))
}

/// Loads without writing the cache: with no cache file in `dir`, this parses
/// every log (and encodes the cache a first load would write).
fn load(dir: &std::path::Path) -> Loaded {
    let listing = Listing::read(dir).unwrap_or_else(|e| panic!("{e}"));
    history::load_deferred(&listing, &|_| {}).0
}

/// Loads and writes the cache.
fn load_and_save(dir: &std::path::Path) {
    let listing = Listing::read(dir).unwrap_or_else(|e| panic!("{e}"));
    if let (_, Some(update)) = history::load_deferred(&listing, &|_| {}) {
        update.save().unwrap_or_else(|e| panic!("{e}"));
    }
}

fn first_frame(dir: &std::path::Path) -> usize {
    let mut review = Review::ready(catalogue(), today(), PathBuf::new(), load(dir));
    let mut terminal = Screen::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    frame(&mut terminal, &mut review);
    review.view.len()
}

fn frame(terminal: &mut Screen<TestBackend>, review: &mut Review) {
    let area = terminal.size().unwrap_or_default();
    review.set_page(list_rows(area.width, area.height, review));
    terminal
        .draw(area, |buf, _| draw(buf, review, Theme::COLOR))
        .unwrap_or_else(|e| panic!("{e}"));
}

fn key(review: &mut Review, code: KeyCode) {
    review.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn bench(c: &mut Criterion) {
    let dirs: Vec<(tempfile::TempDir, &str)> = SIZES
        .iter()
        .map(|&(n, name)| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            synth::write_data_dir(dir.path(), n, 8).unwrap_or_else(|e| panic!("{e}"));
            (dir, name)
        })
        .collect();
    // Files changed in the last 3 s are not cached (their stamp could still
    // hide a change): let the ones just generated settle, so that every load
    // below, like a user's, caches or reads what it finds.
    std::thread::sleep(Duration::from_millis(3100));

    // No cache yet (a first load, or a cache of another version): list the
    // folder and parse every file on both cores.
    per_dir(c, "load", &dirs, load);

    // What a user waits for: list the folder, parse, build the view, draw.
    per_dir(c, "first_frame", &dirs, first_frame);

    // Write the caches.
    for (dir, name) in &dirs {
        load_and_save(dir.path());
        let bytes = std::fs::metadata(cache::path(dir.path())).map_or(0, |m| m.len());
        eprintln!("cache for {name}: {bytes} bytes");
    }

    // Every file unchanged since the cache was written: stat each file, read
    // the cache, no parsing, nothing written.
    per_dir(c, "load_cached", &dirs, load);

    per_dir(c, "first_frame_cached", &dirs, first_frame);

    let Some((big, _)) = dirs.last() else { return };
    let loaded = load(big.path());
    let principles = catalogue();
    c.bench_function("stats/100k", |b| {
        b.iter(|| black_box(Stats::compute(&loaded.history, &principles, today())))
    });

    let mut review = Review::ready(catalogue(), today(), PathBuf::new(), load(big.path()));
    let mut group = c.benchmark_group("frame_100k_120x40");
    let mut terminal = Screen::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("list_and_detail", |b| {
        b.iter(|| frame(&mut terminal, &mut review))
    });
    group.bench_function("scroll_one_row", |b| {
        b.iter(|| {
            key(&mut review, KeyCode::Char('j'));
            frame(&mut terminal, &mut review)
        })
    });
    key(&mut review, KeyCode::Enter);
    group.bench_function("detail", |b| b.iter(|| frame(&mut terminal, &mut review)));
    key(&mut review, KeyCode::Enter);
    key(&mut review, KeyCode::Tab);
    group.bench_function("stats", |b| b.iter(|| frame(&mut terminal, &mut review)));
    key(&mut review, KeyCode::Tab);
    let mut empty = Review::ready(catalogue(), today(), PathBuf::new(), Loaded::default());
    group.bench_function("empty", |b| b.iter(|| frame(&mut terminal, &mut empty)));
    group.finish();

    // Typing one more letter of a search re-filters all 100k sessions.
    let mut group = c.benchmark_group("search_100k");
    group.sample_size(20);
    group.bench_function("type_and_erase_a_letter", |b| {
        key(&mut review, KeyCode::Char('/'));
        b.iter(|| {
            key(&mut review, KeyCode::Char('x'));
            key(&mut review, KeyCode::Backspace);
        });
        key(&mut review, KeyCode::Esc);
    });
    group.finish();
}

/// One benchmark per data dir in a group of slow, whole-folder measurements.
fn per_dir<T>(
    c: &mut Criterion,
    group: &str,
    dirs: &[(tempfile::TempDir, &str)],
    f: fn(&Path) -> T,
) {
    let mut group = c.benchmark_group(group);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (dir, name) in dirs {
        group.bench_function(*name, |b| b.iter(|| black_box(f(dir.path()))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
