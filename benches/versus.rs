//! The drill as a user meets it, beside a reference: thokr 0.7, a typing
//! trainer in Rust of the same shape (a prompt, a timer, a history), when it
//! is installed. Run it with `cargo bench --bench versus`.
//!
//! The programs run in turn (stardrill, thokr, the floor below; each round
//! starting with the next of them) in a 120×40 pseudo-terminal, each in a
//! fresh sandbox (its own HOME and data dir), and the medians of the runs
//! are printed with their range:
//!
//! - exec → first complete frame: from just before the program is started to
//!   the arrival of the output that completes its first screen (stardrill:
//!   question, countdown, checklist and the footer, drawn last; thokr: its
//!   prompt of 15 words). Goal: below thokr, and ≤ 3.5 ms.
//! - key → screen changed: from just before a key is written to the arrival
//!   of the output that shows it (stardrill: `1` ticks, or unticks, the first
//!   step; thokr: the next character of its prompt is typed). Several keys
//!   per run, 50 ms apart; a run's figure is its median. Goal: below thokr,
//!   and ≤ 0.3 ms.
//! - CPU per key: the CPU time the program used from before a key until
//!   it waited again, its own and the kernel's on its behalf (reading the
//!   key, writing the screen), from the scheduler's accounting of every
//!   thread, over as many keys again after the timed ones; a run's figure
//!   is its median, which leaves out the keys a countdown tick fell beside.
//!   No goal of its own: it is the work behind the key's time, whatever
//!   CPU the scheduler runs the program and the harness on.
//! - peak resident memory (`VmHWM` in /proc/PID/status) after those keys.
//!   Goal: below thokr, and ≤ 3.5 MB.
//! - CPU while left alone with its timer running (stardrill's countdown,
//!   thokr's test once typing started), from the scheduler's nanosecond
//!   accounting of every thread. Goal: ≤ 0.05 % of a core.
//!
//! Arrival times are taken by the harness's reader thread the moment `read`
//! returns, before it parses the output (see `Pty::watch` in tests/common).
//! The harness's own costs (the pty, fork and exec from a threaded process)
//! are in every program's figures alike. So that they can be told apart,
//! the floor (benches/support/floor.c, compiled with `CC` or `cc` when there
//! is one; `VERSUS_FLOOR=0` leaves it out) is measured in the same rounds: a
//! program that writes a screen the harness takes for the drill's and ticks
//! on `1`, and does nothing else. After the table, each pair of programs
//! is compared round by round (the median of the differences within a
//! round, which the machine's state moves far less than the medians): a
//! program less the floor is its own share of a figure.
//!
//! Then review, for stardrill and the older build (thokr has none): from
//! just before `stardrill review` is started on a data dir of
//! `VERSUS_REVIEW` synthetic logs (10,000; 0 skips this; each build its own
//! dir) with its history cache up to date, to the arrival of the output that
//! shows the newest session. Goal: ≤ 50 ms at 10,000.
//!
//! Where the scheduler runs the program and the harness decides much of the
//! key's time on a small VM: waking a task on the other, idle CPU costs far
//! more than the program's own work. `VERSUS_PIN` fixes the placement for
//! the keys (pinned after the first frame; the harness is let go after the
//! last key): `same` puts
//! the harness's threads and the program's on the first CPU the harness may
//! use, `split` the harness's there and the program's on the second. Unset,
//! the scheduler places them, as for a user.
//!
//! Settings (environment): `VERSUS_RUNS` (runs of each program, 3),
//! `VERSUS_KEYS` (keys per run, 6), `VERSUS_IDLE_SECS` (the CPU window, 10),
//! `THOKR` (the reference's path; otherwise `thokr` on PATH or in
//! ~/.cargo/bin), `STARDRILL_BIN` (another build of stardrill to measure in
//! place of this one, which the bench otherwise builds as users get it, a
//! plain `cargo build --release` into target/versus), `STARDRILL_BEFORE` (an
//! older build to measure too, in the same rounds: a before-and-after beside
//! the reference).
//!
//! Linux only (/proc). Under `cargo test --benches` it only says how to run it.
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/synth.rs"]
mod synth;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Pty, Sandbox, Spawn, TIMEOUT};

const COLS: u16 = 120;
const ROWS: u16 = 40;

/// The figures of one run of one program.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    first_frame: Duration,
    key: Duration,
    /// CPU time the program used for a key, its own and the kernel's on
    /// its behalf (reading the key, writing the screen): a run's median.
    key_cpu: Duration,
    peak_rss_kb: u64,
    idle_percent: f64,
}

/// How one program is started and what its screens look like.
trait Subject {
    fn name(&self) -> &str;
    fn spawn(&self) -> Spawn;
    /// Whether the first screen is complete.
    fn first_frame(&self) -> Ready;
    /// Presses key number `i` and returns when the screen showed it.
    fn key(&self, pty: &mut Pty, i: usize) -> Duration;
}

type Ready = Box<dyn Fn(&vt100::Screen) -> bool + Send>;

/// A program that shows the drill's screen and ticks its first step on
/// `1`: a build of stardrill, or the floor.
struct Drill {
    name: &'static str,
    bin: OsString,
    args: &'static [&'static str],
}

/// A build of stardrill. Ten minutes, so the countdown is still running
/// when the CPU is read.
fn stardrill_build(name: &'static str, bin: OsString) -> Drill {
    Drill {
        name,
        bin,
        args: &["--seed", "1", "--seconds", "600"],
    }
}

impl Subject for Drill {
    fn name(&self) -> &str {
        self.name
    }

    fn spawn(&self) -> Spawn {
        Spawn::new(self.args).size(COLS, ROWS).program(&self.bin)
    }

    fn first_frame(&self) -> Ready {
        Box::new(|screen| {
            let text = screen.contents();
            // The countdown, the checklist and the footer (the last row drawn).
            text.contains(" left ") && text.contains("4 Result") && text.contains("1-5 toggle")
        })
    }

    fn key(&self, pty: &mut Pty, i: usize) -> Duration {
        // Odd presses tick the first step, even ones untick it.
        let want = if i.is_multiple_of(2) {
            "[x] 1 Situation"
        } else {
            "[ ] 1 Situation"
        };
        pty.watch(Box::new(move |screen| screen.contents().contains(want)));
        let start = Instant::now();
        pty.send("1");
        pty.wait_watch(want, TIMEOUT) - start
    }
}

/// The binary as users get it: a plain `cargo build --release`, into a
/// target dir of its own. Not the one `cargo bench` built: a bench's build
/// turns on features of the dev-dependencies and names every function
/// otherwise, so the link order (link/symbol-order.txt) matches none of them
/// and that binary takes over a megabyte more memory.
fn release_build() -> OsString {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/versus");
    println!(
        "versus: building the release binary in {} (set STARDRILL_BIN to measure another)",
        target.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "--bin",
            "stardrill",
            "--target-dir",
        ])
        .arg(&target)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --release: {status}");
    target.join("release/stardrill").into()
}

/// The machine's floor: benches/support/floor.c, which draws a screen the
/// harness takes for the drill's first frame and ticks on `1`, and does
/// nothing else. Compiled into `dir` with the C compiler (`CC`, else `cc`),
/// or `None`, said why.
fn build_floor(dir: &Path) -> Option<Drill> {
    if std::env::var_os("VERSUS_FLOOR").is_some_and(|v| v == "0") {
        println!("versus: floor skipped (VERSUS_FLOOR=0)");
        return None;
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/support/floor.c");
    let bin = dir.join("floor");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let built = std::process::Command::new(&cc)
        .args(["-O2", "-o"])
        .arg(&bin)
        .arg(&source)
        .status();
    match built {
        Ok(status) if status.success() => Some(Drill {
            name: "floor",
            bin: bin.into(),
            args: &[],
        }),
        Ok(status) => {
            println!(
                "versus: no floor: {} failed ({status})",
                cc.to_string_lossy()
            );
            None
        }
        Err(err) => {
            println!(
                "versus: no floor: no C compiler ({}: {err}); set CC",
                cc.to_string_lossy()
            );
            None
        }
    }
}

struct Thokr {
    bin: PathBuf,
}

/// thokr's prompt: the one row of words (15 by default).
fn prompt_row(screen: &vt100::Screen) -> Option<(u16, String)> {
    let (rows, cols) = screen.size();
    (0..rows.get()).find_map(|row| {
        let text = screen.contents_between(row, 0, row, cols.get());
        (text.split_whitespace().count() >= 15).then(|| (row, text.trim().to_string()))
    })
}

fn formatted_row(screen: &vt100::Screen, row: u16) -> String {
    screen
        .rows_formatted(0, screen.size().1.get())
        .nth(usize::from(row))
        .unwrap_or_default()
}

impl Subject for Thokr {
    fn name(&self) -> &str {
        "thokr"
    }

    fn spawn(&self) -> Spawn {
        Spawn::new(Vec::<OsString>::new())
            .size(COLS, ROWS)
            .program(&self.bin)
    }

    fn first_frame(&self) -> Ready {
        Box::new(|screen| prompt_row(screen).is_some())
    }

    fn key(&self, pty: &mut Pty, i: usize) -> Duration {
        let (row, text, before) = pty.with_screen(|screen| {
            let (row, text) = prompt_row(screen).expect("thokr's prompt on screen");
            (row, text, formatted_row(screen, row))
        });
        // Type the prompt as written, so each key moves the caret on.
        let c = text.chars().nth(i).unwrap_or(' ');
        pty.watch(Box::new(move |screen| formatted_row(screen, row) != before));
        let start = Instant::now();
        pty.send(c.to_string());
        pty.wait_watch("the typed character on screen", TIMEOUT) - start
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("versus: measures for about a minute; run it with `cargo bench --bench versus`");
        return;
    }
    if !Path::new("/proc/self/status").exists() {
        println!("versus: needs /proc (Linux); skipped");
        return;
    }
    let runs = setting("VERSUS_RUNS", 3);
    let keys = setting("VERSUS_KEYS", 6);
    let idle = Duration::from_secs(setting("VERSUS_IDLE_SECS", 10) as u64);

    let stardrill = stardrill_build(
        "stardrill",
        std::env::var_os("STARDRILL_BIN").unwrap_or_else(release_build),
    );
    let before = std::env::var_os("STARDRILL_BEFORE").map(|bin| stardrill_build("before", bin));
    let thokr = find_thokr().map(|bin| Thokr { bin });
    let floor_dir = tempfile::tempdir().expect("a temp dir for the floor");
    let floor = build_floor(floor_dir.path());
    let mut subjects: Vec<&dyn Subject> = vec![&stardrill];
    if let Some(before) = &before {
        println!("versus: before = {}", before.bin.to_string_lossy());
        subjects.push(before);
    }
    match &thokr {
        Some(t) => {
            println!("versus: reference {}", t.bin.display());
            subjects.push(t);
        }
        None => println!(
            "versus: thokr not found (set THOKR, or `cargo install thokr --version 0.7.0`); \
             measuring stardrill alone"
        ),
    }
    if let Some(floor) = &floor {
        println!("versus: floor {}", floor.bin.to_string_lossy());
        subjects.push(floor);
    }
    println!("versus: stardrill {}", stardrill.bin.to_string_lossy());
    println!(
        "versus: {runs} runs each, {keys} keys per run, {} s CPU window, {COLS}x{ROWS}",
        idle.as_secs()
    );
    let placement = Placement::from_env();
    println!("versus: keys {}", placement.describe());

    let mut results: Vec<Vec<Run>> = vec![Vec::new(); subjects.len()];
    for round in 0..runs {
        // Each round starts with the next program, so none always starts
        // right after the same one.
        let order = (0..subjects.len()).map(|i| (i + round) % subjects.len());
        for index in order {
            let (subject, out) = (subjects[index], &mut results[index]);
            let run = measure(subject, keys, idle, &placement);
            println!(
                "  run {} {:<9} first frame {:>6.2} ms  key {:>5.3} ms  CPU {:>5.1} µs  peak {:>5.2} MB  idle {:.3} %",
                round + 1,
                subject.name(),
                ms(run.first_frame),
                ms(run.key),
                micros(run.key_cpu),
                run.peak_rss_kb as f64 / 1024.0,
                run.idle_percent
            );
            out.push(run);
        }
    }

    println!();
    let names: Vec<String> = subjects
        .iter()
        .map(|s| format!("{:>24}", s.name()))
        .collect();
    println!("{:<30}{}", "median (min–max)", names.concat());
    let figure = |label: &str, get: &dyn Fn(&Run) -> f64, unit: &str, digits: usize| {
        let cells: Vec<String> = results
            .iter()
            .map(|runs| {
                let mut values: Vec<f64> = runs.iter().map(get).collect();
                values.sort_by(f64::total_cmp);
                format!(
                    "{:.digits$} ({:.digits$}–{:.digits$}) {unit}",
                    median(&values),
                    values[0],
                    values[values.len() - 1]
                )
            })
            .collect();
        let cells: Vec<String> = cells.iter().map(|c| format!("{c:>24}")).collect();
        println!("{label:<30}{}", cells.concat());
    };
    figure("exec -> first frame", &|r| ms(r.first_frame), "ms", 2);
    figure("key -> screen changed", &|r| ms(r.key), "ms", 3);
    figure("CPU per key", &|r| micros(r.key_cpu), "µs", 1);
    figure(
        "peak resident memory",
        &|r| r.peak_rss_kb as f64 / 1024.0,
        "MB",
        2,
    );
    figure("CPU, timer running", &|r| r.idle_percent, "%", 3);
    if subjects.len() > 1 {
        paired(&subjects, &results);
    }

    let logs = std::env::var("VERSUS_REVIEW")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(10_000);
    if logs > 0 {
        let mut builds = vec![("stardrill", stardrill.bin.clone())];
        if let Some(before) = &before {
            builds.push(("before", before.bin.clone()));
        }
        review_rounds(logs, runs, &builds);
    }
}

/// Each pair of programs, round by round: the median of the first's figure
/// less the second's in the same round. The machine's state moves every
/// program's figures from run to run together (the medians above); the
/// difference within a round moves far less. Against the floor it is the
/// program's own share; against thokr, "below thokr in the same run".
fn paired(subjects: &[&dyn Subject], results: &[Vec<Run>]) {
    println!();
    println!("per round, the first less the second (median of the rounds' differences)");
    for (a, (first, firsts)) in subjects.iter().zip(results).enumerate() {
        for (second, seconds) in subjects.iter().zip(results).skip(a + 1) {
            let less = |get: &dyn Fn(&Run) -> f64| {
                let mut diffs: Vec<f64> = firsts
                    .iter()
                    .zip(seconds)
                    .map(|(x, y)| get(x) - get(y))
                    .collect();
                diffs.sort_by(f64::total_cmp);
                median(&diffs)
            };
            println!(
                "  {:<21} first frame {:+.2} ms  key {:+.3} ms  CPU per key {:+.1} µs",
                format!("{} − {}", first.name(), second.name()),
                less(&|r| ms(r.first_frame)),
                less(&|r| ms(r.key)),
                less(&|r| micros(r.key_cpu)),
            );
        }
    }
}

/// `stardrill review` on `logs` synthetic logs, each build in turn.
fn review_rounds(logs: u64, runs: usize, builds: &[(&str, OsString)]) {
    // A data dir for each build: builds of other versions write the history
    // cache in formats of their own, and one finding another's rewrites it
    // after its first frame, so in a shared dir which of them found its own
    // depended on which last got to write before it was stopped.
    let dirs: Vec<_> = builds
        .iter()
        .map(|_| {
            let data = tempfile::tempdir().expect("temp dir");
            synth::write_data_dir(data.path(), logs, 0).expect("write the logs");
            data
        })
        .collect();
    let catalog = stardrill::domain::Catalog::load(None).expect("catalog");
    let newest = (0..logs)
        .map(|i| synth::synth_log(&catalog, i).file_name())
        .max()
        .expect("at least one log");
    // Files changed in the last 3 s are not cached: let them settle, then
    // let each build write its cache.
    std::thread::sleep(Duration::from_millis(3100));
    for ((_, bin), data) in builds.iter().zip(&dirs) {
        let mut warm = review_pty(bin, data.path());
        pty_wait(&warm, &newest);
        warm.send("q");
        warm.wait_exit(TIMEOUT);
    }

    println!();
    println!("review, {logs} logs, cache up to date: exec -> newest session on screen");
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); builds.len()];
    for _ in 0..runs {
        for (((_, bin), data), out) in builds.iter().zip(&dirs).zip(times.iter_mut()) {
            let pty = review_pty(bin, data.path());
            out.push(ms(pty_wait(&pty, &newest) - pty.started()));
        }
    }
    for ((name, _), mut values) in builds.iter().zip(times) {
        values.sort_by(f64::total_cmp);
        println!(
            "  {name:<9} {:.1} ({:.1}–{:.1}) ms",
            median(&values),
            values[0],
            values[values.len() - 1]
        );
    }
}

fn review_pty(bin: &OsString, data: &Path) -> Pty {
    Spawn::new([OsString::from("review"), "--data-dir".into(), data.into()])
        .size(COLS, ROWS)
        .program(bin)
        .start_in(Sandbox::new())
}

/// When the output showing `newest` (the detail pane of the first row) arrived.
fn pty_wait(pty: &Pty, newest: &str) -> Instant {
    let newest = newest.to_string();
    pty.watch(Box::new(move |screen| screen.contents().contains(&newest)));
    pty.wait_watch("the newest session", TIMEOUT)
}

/// One run: start, first frame, keys, peak memory, then CPU left alone.
fn measure(subject: &dyn Subject, keys: usize, idle: Duration, placement: &Placement) -> Run {
    let sandbox = Sandbox::new();
    let spawn = subject.spawn();
    let mut pty = spawn.start_in(sandbox);
    let started = pty.started();
    // The program needs milliseconds to draw, so this is in place long
    // before its first output (and `watch` would catch it if not).
    pty.watch(subject.first_frame());
    let first_frame = pty.wait_watch("the first complete frame", TIMEOUT) - started;
    placement.apply(pty.pid());
    std::thread::sleep(Duration::from_millis(300));

    let mut times: Vec<f64> = (0..keys)
        .map(|i| {
            std::thread::sleep(Duration::from_millis(50));
            ms(subject.key(&mut pty, i))
        })
        .collect();
    // The same keys again, for the CPU each one costs the program. Apart
    // from the timed keys: reading the program's CPU time around each key
    // changed the harness's rhythm, and with it the keys' times (every
    // program's key measured about 0.1 ms faster that way).
    let mut cpu: Vec<f64> = (keys..2 * keys)
        .map(|i| {
            let before = cpu_ns(pty.pid());
            std::thread::sleep(Duration::from_millis(50));
            subject.key(&mut pty, i);
            // The program waits again right after it writes, and the
            // scheduler brings its CPU time up to date when it does.
            std::thread::sleep(Duration::from_millis(5));
            cpu_ns(pty.pid()).saturating_sub(before) as f64
        })
        .collect();
    placement.release();
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let key = Duration::from_secs_f64(median(&times) / 1000.0);
    // A countdown tick falls in some keys' windows; the median leaves them out.
    let key_cpu = Duration::from_nanos(median(&cpu) as u64);
    let peak_rss_kb = status_kb(pty.pid(), "VmHWM:").expect("VmHWM in /proc/PID/status");

    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ns(pty.pid());
    let start = Instant::now();
    std::thread::sleep(idle);
    let used = cpu_ns(pty.pid()).saturating_sub(before);
    let idle_percent = used as f64 / start.elapsed().as_nanos() as f64 * 100.0;
    Run {
        first_frame,
        key,
        key_cpu,
        peak_rss_kb,
        idle_percent,
    }
}

/// Which CPUs the keys are measured on (`VERSUS_PIN`): the first two the
/// harness may run on.
#[derive(Clone, Copy)]
enum Placement {
    /// Wherever the scheduler puts them.
    Free,
    /// Harness and program on the first CPU; `allowed` is the harness's
    /// own set, given back after the keys.
    Same {
        first: usize,
        allowed: libc::cpu_set_t,
    },
    /// Harness on the first CPU, program on the second.
    Split {
        first: usize,
        second: usize,
        allowed: libc::cpu_set_t,
    },
}

impl Placement {
    fn from_env() -> Self {
        let pin = std::env::var("VERSUS_PIN").unwrap_or_default();
        if pin.is_empty() {
            return Self::Free;
        }
        // SAFETY: a zeroed cpu_set_t is a valid empty set, which
        // sched_getaffinity fills in.
        let allowed = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            let got = libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
            assert_eq!(got, 0, "the CPUs this process may run on");
            set
        };
        // SAFETY: CPU_ISSET reads within the set (cpu < CPU_SETSIZE).
        let mut cpus = (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) });
        let first = cpus.next().expect("at least one CPU");
        match pin.as_str() {
            "same" => Self::Same { first, allowed },
            "split" => Self::Split {
                first,
                second: cpus.next().expect("VERSUS_PIN=split needs two CPUs"),
                allowed,
            },
            other => panic!("VERSUS_PIN={other}: use `same` or `split`"),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Free => "where the scheduler places them (VERSUS_PIN unset)".into(),
            Self::Same { first, .. } => {
                format!("with the harness and the program on CPU {first} (VERSUS_PIN=same)")
            }
            Self::Split { first, second, .. } => format!(
                "with the harness on CPU {first} and the program on CPU {second} (VERSUS_PIN=split)"
            ),
        }
    }

    /// Pins every thread of the harness and of the program `pid`; threads
    /// they start later inherit it.
    fn apply(&self, pid: i32) {
        let (harness, program) = match *self {
            Self::Free => return,
            Self::Same { first, .. } => (first, first),
            Self::Split { first, second, .. } => (first, second),
        };
        pin_threads("self", &cpu_set(harness));
        pin_threads(&pid.to_string(), &cpu_set(program));
    }

    /// Gives the harness back the CPUs it had, so the next program starts as
    /// it would unpinned.
    fn release(&self) {
        if let Self::Same { allowed, .. } | Self::Split { allowed, .. } = self {
            pin_threads("self", allowed);
        }
    }
}

fn cpu_set(cpu: usize) -> libc::cpu_set_t {
    // SAFETY: a zeroed cpu_set_t is a valid empty set, and CPU_SET writes
    // within it (the cpu came from one).
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        set
    }
}

/// Sets the CPUs every thread of /proc/PROCESS may run on.
fn pin_threads(process: &str, set: &libc::cpu_set_t) {
    let tasks = std::fs::read_dir(format!("/proc/{process}/task")).expect("/proc/PID/task");
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        // SAFETY: `set` is a valid cpu_set_t of the size given, only read.
        let pinned =
            unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), set) };
        assert_eq!(pinned, 0, "set the CPUs of thread {tid} of {process}");
    }
}

fn find_thokr() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("THOKR") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("thokr"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|dir| dir.join("bin/thokr"));
    on_path.chain(cargo_home).find(|p| p.is_file())
}

/// A `kB` line of /proc/PID/status.
fn status_kb(pid: i32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU time of every thread of the process, in nanoseconds (the first field
/// of each /proc/PID/task/TID/schedstat). Threads that ended meanwhile are
/// not counted; the programs measured keep theirs.
fn cpu_ns(pid: i32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
