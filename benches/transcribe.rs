//! Transcription time for a two-minute answer on 2 threads
//! (`STARDRILL_BENCH_THREADS=1` or more to compare).
//!
//! With a real model, the whole path (mel, encoder, decoder, word times):
//!   STARDRILL_BENCH_MODEL=/path/to/ggml-base.en.bin \
//!     cargo bench --features transcribe --bench transcribe -- real
//!
//! Always, on models with random weights in the shapes of tiny.en and base.en:
//! the engine's two costs, one 30-second window through the encoder and one
//! token step of the decoder. Random weights do exactly the arithmetic of the
//! real ones; only what they would write is meaningless. A two-minute answer
//! is about four windows and, at 150 words a minute, some 450 decoder steps
//! (words, timestamps and punctuation), which the bench prints as an estimate.
//! The answer is espeak-ng speech (install espeak-ng and sox).
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/transcribe_support/mod.rs"]
mod transcribe_support;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use stardrill::transcribe::{Engine, Event, Job, Options, Transcriber};
use transcribe_support::random_model::{Flaw, Shape, write_model};
use transcribe_support::speech::espeak;
use whisper_rs::{WhisperContext, WhisperContextParameters};

const ANSWER: &str = "Last spring I was the engineer on call for our payments service, \
    which handled about forty thousand checkouts a day. One Monday the error rate on \
    card payments jumped from half a percent to six percent, and the support queue \
    filled with angry customers. My task was to find the cause and stop the failures \
    before the weekend sale, when traffic would triple. I started with the data. I \
    split the failures by card network, by region and by app version, and I saw that \
    almost all of them came from one bank's cards after a certificate change. I called \
    their integration team, and while we waited for them, I wrote a fallback that sent \
    those payments through our second processor. I tested it on five percent of the \
    traffic for a day, then I rolled it out to everyone. I also added an alarm on the \
    error rate per bank, so the next change like this would page us in minutes instead \
    of hours. The error rate fell back under one percent within two days, the weekend \
    sale went through without a single outage, and we kept about two hundred thousand \
    dollars of sales that would have failed. The bank fixed their side the week after. \
    What I learned is to split a problem by every dimension before I guess at a cause. \
    Next time I would set up alarms per partner from the start, and now I ask for them \
    in every design review I join. The team adopted the same rule, and we have caught \
    two similar problems early since then.";

fn two_minutes(dir: &Path) -> Vec<f32> {
    let mut samples = espeak(dir, ANSWER);
    let want = 120 * 16_000;
    while samples.len() < want {
        let again = samples.clone();
        samples.extend(again);
    }
    samples.truncate(want);
    samples
}

/// Two threads, as stardrill uses; `STARDRILL_BENCH_THREADS` to compare.
fn threads() -> u16 {
    std::env::var("STARDRILL_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(2)
}

fn options() -> Options {
    Options {
        threads: threads(),
        ..Options::default()
    }
}

/// A two-minute answer: about four windows, and 300 words make some 450 steps.
const WINDOWS: f64 = 4.0;
const STEPS: f64 = 450.0;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let samples = two_minutes(dir.path());
    let n = usize::from(threads());
    let mut group = c.benchmark_group(format!("transcribe, {n} threads"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(1));
    group.warm_up_time(Duration::from_millis(1));

    if let Some(path) = std::env::var_os("STARDRILL_BENCH_MODEL").filter(|p| !p.is_empty()) {
        let engine = Engine::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
        let name = format!("real {}: two-minute answer", engine.info().kind);
        let started = Instant::now();
        let words = engine
            .words(&samples, &options(), |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        println!("{name}: {} words in {:.1?}", words.len(), started.elapsed());
        group.bench_function(&name, |b| {
            b.iter(|| engine.words(&samples, &options(), |_| {}))
        });
    } else {
        println!("STARDRILL_BENCH_MODEL not set: random-weight models only");
    }

    interface_latency(dir.path(), &samples);

    let window = &samples[..30 * 16_000];
    for (shape_name, shape) in [("tiny.en", Shape::TINY), ("base.en", Shape::BASE)] {
        let path = dir.path().join(format!("{shape_name}.bin"));
        write_model(&path, shape, 7, Flaw::None).unwrap_or_else(|e| panic!("{e}"));
        // The engine's own checks and loading, then its parts, as it runs them.
        Engine::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let ctx = WhisperContext::new_with_params(&path, WhisperContextParameters::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut state = ctx.create_state().unwrap_or_else(|e| panic!("{e}"));
        state
            .pcm_to_mel(window, n)
            .unwrap_or_else(|e| panic!("{e}"));

        let encode = time_it(5, || state.encode(0, n).unwrap_or_else(|e| panic!("{e}")));
        let token = [ctx.token_sot()];
        let decode = time_it(20, || {
            state
                .decode(&token, 100, n)
                .unwrap_or_else(|e| panic!("{e}"))
        });
        println!(
            "random {shape_name}: encoder {encode:.2?} per 30 s window, decoder {decode:.1?} \
             per step; a two-minute answer ~ {:.1} s",
            WINDOWS * encode.as_secs_f64() + STEPS * decode.as_secs_f64()
        );
        group.bench_function(
            format!("random {shape_name}: encode one 30 s window"),
            |b| b.iter(|| state.encode(0, n)),
        );
        group.bench_function(format!("random {shape_name}: decode one token"), |b| {
            b.iter(|| state.decode(&token, 100, n))
        });
    }
    group.finish();
}

/// How late a 10 ms timer wakes the calling thread (as the interface's event
/// loop waits for its next frame), with nothing else of ours running and then
/// while the worker transcribes with a tiny.en-shaped model on 2 threads.
fn interface_latency(dir: &Path, samples: &[f32]) {
    let lateness = || {
        let mut late: Vec<Duration> = (0..300)
            .map(|_| {
                let t = Instant::now();
                std::thread::sleep(Duration::from_millis(10));
                t.elapsed().saturating_sub(Duration::from_millis(10))
            })
            .collect();
        late.sort();
        (late[150], late[297], late[299])
    };
    let (p50, p99, max) = lateness();
    println!("interface timer, idle: late by {p50:.2?} median, {p99:.2?} p99, {max:.2?} max");

    let path = dir.join("latency-tiny.en.bin");
    write_model(&path, Shape::TINY, 7, Flaw::None).unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        threads: 2,
        fallback: false,
        ..Options::default()
    };
    let t = Transcriber::start(path, dir.join("data"), opts).unwrap_or_else(|e| panic!("{e}"));
    t.submit(Job::from_samples(
        "latency.toml",
        Vec::new(),
        samples.to_vec(),
    ));
    // Let the model load and the encoder start.
    std::thread::sleep(Duration::from_secs(2));
    let (p50, p99, max) = lateness();
    let early = t
        .events()
        .try_iter()
        .any(|e| matches!(e, Event::Done { .. }));
    println!(
        "interface timer, transcribing{}: late by {p50:.2?} median, {p99:.2?} p99, {max:.2?} max",
        if early {
            " (it finished before the end!)"
        } else {
            ""
        }
    );
    // Wait, so the measurements that follow have the machine to themselves.
    t.finish();
}

/// The median of `n` runs of `f`, for the printed estimate.
fn time_it(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

criterion_group!(benches, bench);
criterion_main!(benches);
