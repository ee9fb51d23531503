//! What recording costs while the candidate speaks: the real binary in a
//! pseudo-terminal, in the drill's countdown, with `--record` and with
//! `--no-record` in turn, the microphone an espeak-ng answer spoken in real
//! time through ALSA's file device (tests/audio_support). Run it with
//! `cargo bench --features audio --bench recording` (Linux; it needs
//! espeak-ng and sox for the speech, as the feature's tests do).
//!
//! For each run, after the recording has settled (2 s), over a window of
//! `RECORDING_BENCH_SECS` (10) seconds:
//! - CPU: the scheduler's nanoseconds on a core, summed over every thread of
//!   the process (`/proc/PID/task/*/schedstat`), as a share of one core.
//!   Goal: recording adds ≤ 2 % of a core.
//! - resident memory (`VmRSS`) at the end of the window and its peak
//!   (`VmHWM`). Goal: recording adds ≤ 8 MB.
//!
//! Medians of `RECORDING_BENCH_RUNS` (3) runs of each, interleaved so a busy
//! machine weighs on both alike. The file device reads the named pipe inside
//! the program, as a sound card's driver would deliver the samples: that cost
//! is in the figure.
#![cfg_attr(not(all(feature = "audio", target_os = "linux")), allow(unused))]
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(all(feature = "audio", target_os = "linux"))]
#[path = "../tests/audio_support/mod.rs"]
mod audio_support;
#[cfg(all(feature = "audio", target_os = "linux"))]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(all(feature = "audio", target_os = "linux"))]
fn main() {
    // `cargo test --benches` runs this too: there, only say how to run it.
    if !std::env::args().any(|a| a == "--bench") {
        println!("recording: run with `cargo bench --features audio --bench recording`");
        return;
    }
    bench::run();
}

#[cfg(not(all(feature = "audio", target_os = "linux")))]
fn main() {
    println!("recording: needs `--features audio` on Linux");
}

#[cfg(all(feature = "audio", target_os = "linux"))]
mod bench {
    use std::thread::sleep;
    use std::time::{Duration, Instant};

    use super::audio_support::{Capture, Pacer, speech, write_asoundrc};
    use super::common::{Pty, Sandbox, Spawn};

    #[derive(Debug, Clone, Copy)]
    struct Figures {
        cpu_percent: f64,
        rss_kb: u64,
        peak_kb: u64,
    }

    fn setting(name: &str, default: u64) -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// Nanoseconds on a core of every thread alive in `pid` now.
    fn cpu_ns(pid: i32) -> u64 {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
        tasks
            .filter_map(|t| {
                let text = std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok()?;
                text.split_whitespace().next()?.parse::<u64>().ok()
            })
            .sum()
    }

    fn status_kb(pid: i32, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    fn one_run(record: bool, samples: &[i16], window: Duration) -> Figures {
        let sandbox = Sandbox::new();
        let fifo = sandbox.home().join("mic.fifo");
        let _pacer = Pacer::start(&fifo, samples.to_vec(), 16_000);
        write_asoundrc(&sandbox.home(), &Capture::Paced(&fifo), 16_000);
        let flag = if record { "--record" } else { "--no-record" };
        let mut pty: Pty = Spawn::new([flag, "--seed", "5"])
            .size(120, 40)
            .start_in(sandbox);
        pty.wait_for_text("Situation");
        if record {
            pty.wait_until("the R light", Duration::from_secs(10), |s| {
                let text = s.contents();
                text.contains(" R █") || text.contains(" R ░")
            });
        }
        sleep(Duration::from_secs(2));
        let pid = pty.pid();
        let (t0, c0) = (Instant::now(), cpu_ns(pid));
        sleep(window);
        let (elapsed, used) = (t0.elapsed(), cpu_ns(pid) - c0);
        let figures = Figures {
            cpu_percent: used as f64 / elapsed.as_nanos() as f64 * 100.0,
            rss_kb: status_kb(pid, "VmRSS:"),
            peak_kb: status_kb(pid, "VmHWM:"),
        };
        pty.send("q");
        let _ = pty.wait_exit(Duration::from_secs(10));
        figures
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn run() {
        let runs = setting("RECORDING_BENCH_RUNS", 3).max(1) as usize;
        let window = Duration::from_secs(setting("RECORDING_BENCH_SECS", 10).max(1));
        let samples = speech(160);
        let mut with = Vec::new();
        let mut without = Vec::new();
        for _ in 0..runs {
            without.push(one_run(false, &samples, window));
            with.push(one_run(true, &samples, window));
        }
        let show = |name: &str, f: &dyn Fn(&Figures) -> f64, unit: &str| {
            let a = median(without.iter().map(f).collect());
            let b = median(with.iter().map(f).collect());
            println!(
                "{name:<22} not recording {a:>8.2} {unit}   recording {b:>8.2} {unit}   added {:>+8.2} {unit}",
                b - a
            );
        };
        println!(
            "recording: {runs} runs of each, {} s windows, medians",
            window.as_secs()
        );
        show("CPU (% of a core)", &|f| f.cpu_percent, "%");
        show("resident memory", &|f| f.rss_kb as f64 / 1024.0, "MB");
        show("peak resident memory", &|f| f.peak_kb as f64 / 1024.0, "MB");
    }
}
