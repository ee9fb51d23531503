//! Audio costs (run with `cargo bench --bench audio`, and `--features audio` for
//! the codec):
//!
//! - the delivery figures of a two-minute answer, from its samples: goal ≤ 100 ms;
//! - the same from the envelope a recorder builds while recording (what the drill
//!   does when the answer ends);
//! - with `--features audio`: encoding two minutes to Ogg Opus (the CPU a
//!   recording costs, spread over its two minutes) and the size of the file,
//!   printed, goal ≤ 0.5 MB; decoding it back (playback and transcription).
//!
//! The answer is synthetic: voiced "syllables" four a second over a quiet hiss,
//! with three long pauses, so every part of the analysis has work to do.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use stardrill::domain::delivery::{Envelope, SAMPLE_RATE, analyze};
use stardrill::domain::session::LoggedStep;

const SECS: usize = 120;

fn answer() -> Vec<f32> {
    let rate = SAMPLE_RATE as f64;
    let mut state = 7u32;
    (0..SECS * SAMPLE_RATE as usize)
        .map(|i| {
            let t = i as f64 / rate;
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let hiss = ((state >> 16) as f64 / 65_536.0 - 0.5) * 0.004;
            // Long pauses at 30, 60 and 90 s.
            let pause = [30.0, 60.0, 90.0]
                .iter()
                .any(|p| (p..&(p + 3.0)).contains(&&t));
            if pause || t < 1.0 {
                return hiss as f32;
            }
            let phase = (t * 4.0).fract();
            let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * phase).cos();
            let voice: f64 = (1..=8)
                .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                .sum();
            (0.15 * swell * swell * voice + hiss) as f32
        })
        .collect()
}

fn steps() -> Vec<LoggedStep> {
    ["situation", "task", "action", "result", "learning"]
        .iter()
        .enumerate()
        .map(|(i, key)| LoggedStep {
            key: (*key).into(),
            name: key.to_uppercase(),
            target_secs: 24,
            checked_at_secs: Some(24.0 * (i + 1) as f64),
        })
        .collect()
}

fn delivery(c: &mut Criterion) {
    let samples = answer();
    let steps = steps();
    let envelope = Envelope::of(&samples);
    let mut group = c.benchmark_group("delivery");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("analyze two minutes of samples", |b| {
        b.iter(|| black_box(analyze(black_box(&samples), &steps)));
    });
    group.bench_function("analyze the envelope of two minutes", |b| {
        b.iter(|| black_box(envelope.analyze(&steps)));
    });
    group.finish();
}

#[cfg(feature = "audio")]
fn codec(c: &mut Criterion) {
    use stardrill::audio::{BITRATE, encode};
    let samples = answer();
    let bytes = encode(&samples, BITRATE).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "Ogg Opus at {} kbit/s: {} bytes for two minutes ({:.2} MB)",
        BITRATE / 1000,
        bytes.len(),
        bytes.len() as f64 / 1e6
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("answer.ogg");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("codec");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("encode two minutes", |b| {
        b.iter(|| black_box(encode(black_box(&samples), BITRATE)));
    });
    group.bench_function("decode two minutes", |b| {
        b.iter(|| black_box(stardrill::audio::decode_file(&path)));
    });
    group.finish();
}

#[cfg(not(feature = "audio"))]
fn codec(_: &mut Criterion) {
    println!("codec benches: run with --features audio");
}

criterion_group!(benches, delivery, codec);
criterion_main!(benches);
