//! CPU used by a drill left alone (run with `cargo bench --bench idle`).
//!
//! The event loop should sleep until the countdown's next second, so a drill
//! that is counting down, or paused, should use next to no CPU. Goal: ≤ 1% of
//! one core in both cases. The program runs in a pseudo-terminal; its CPU time
//! (user + system, all threads) comes from `/proc/<pid>/stat`.
//!
//! Linux only. Under `cargo test --benches` (no `--bench` argument) it only
//! says how to run it, so test runs stay quick.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Spawn;

const WINDOW: Duration = Duration::from_secs(6);
const GOAL_PERCENT: f64 = 1.0;

/// utime + stime of the whole process, in clock ticks.
fn cpu_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces or parentheses; fields resume after the last ')'.
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions. Same value as `getconf CLK_TCK`.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

/// Percent of one core the process used over `WINDOW`.
fn measure(pid: i32, hz: f64) -> f64 {
    let before = cpu_ticks(pid).expect("read /proc/<pid>/stat");
    let start = Instant::now();
    std::thread::sleep(WINDOW);
    let after = cpu_ticks(pid).expect("read /proc/<pid>/stat");
    let wall = start.elapsed().as_secs_f64();
    (after.saturating_sub(before)) as f64 / hz / wall * 100.0
}

fn report(what: &str, percent: f64) {
    let verdict = if percent <= GOAL_PERCENT {
        "ok"
    } else {
        "OVER GOAL"
    };
    println!("idle cpu {what}: {percent:.2}% of a core (goal <= {GOAL_PERCENT}%) {verdict}");
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("idle: measures for ~12 s; run it with `cargo bench --bench idle`");
        return;
    }
    if !std::path::Path::new("/proc/self/stat").exists() {
        println!("idle: needs /proc (Linux); skipped");
        return;
    }
    let hz = clock_ticks_per_second();
    let mut pty = Spawn::new(["--seed", "1", "--seconds", "600"]).start();
    pty.wait_for_text(" left ");
    // Let start-up work settle before measuring.
    std::thread::sleep(Duration::from_secs(1));

    let counting = measure(pty.pid(), hz);
    report("while counting down", counting);

    pty.send("p");
    pty.wait_for_text("PAUSED");
    std::thread::sleep(Duration::from_millis(500));
    let paused = measure(pty.pid(), hz);
    report("while paused", paused);

    println!(
        "idle: {:.0} s windows, {hz} clock ticks/s (one tick = {:.2}% over a window)",
        WINDOW.as_secs_f64(),
        100.0 / hz / WINDOW.as_secs_f64()
    );
}
