//! Writes `link/symbol-order.txt`: the release binary's functions in the
//! order a session first runs them, which the release link follows (see
//! build.rs). The code a start, a drill frame and a key need then sits in a
//! few hundred kilobytes together instead of spread over the whole binary,
//! and the kernel, which maps 64 KB of a program's file around each page it
//! faults in, maps far less of it.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example symbol_order [BINARY]
//! cargo build --release        # links again, in the new order
//! ```
//!
//! It runs the binary under `valgrind --tool=callgrind` (from Debian's
//! packages) in a 120×40 pseudo-terminal three times: a start to the first
//! frame, ticks and a key, and quitting (each its own part of the order); a
//! whole attempt to the wrap-up card and the next
//! question; review opened on those attempts. Functions come in that order,
//! each once; the C library's among them where the release build links it
//! in (build.rs). The build names functions by path (v0 names, set in
//! `.cargo/config.toml`), so the list holds as the code changes; each
//! crate's part of a name still changes with its version and features:
//! profile a plain `cargo build --release` (a build that also makes tests,
//! benches or examples turns on features of their dependencies, and names
//! their functions otherwise), and run it again after functions are added
//! or renamed or the dependencies change (names it no longer finds only
//! lose their place).
// Measurement code, not the program: a failed set-up stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// A run of the program: its name, its arguments and the keys it is sent.
type Phase = (&'static str, &'static [&'static str], fn(&mut Pty));

/// Under valgrind everything is some fifty times slower.
const SLOW: Duration = Duration::from_secs(120);
const OUTPUT: &str = "link/symbol-order.txt";
/// crt1.o's entry point and crtbegin.o's set-up, run at every start.
const START_UP: &[&str] = &[
    "_start",
    "deregister_tm_clones",
    "register_tm_clones",
    "__do_global_dtors_aux",
    "frame_dummy",
];

fn main() {
    let binary = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/release/stardrill"), PathBuf::from);
    let binary = std::fs::canonicalize(&binary)
        .unwrap_or_else(|e| panic!("{}: {e} (build it first)", binary.display()));
    let work = tempfile::tempdir().expect("temp dir");
    let data: OsString = work.path().join("data").into();

    // The C start-up code runs before anything callgrind names in the
    // binary: first, so the first page of code a start faults in holds it.
    let mut order: Vec<String> = START_UP.iter().map(|s| (*s).to_string()).collect();
    let mut seen: HashSet<String> = order.iter().cloned().collect();
    let phases: [Phase; 3] = [
        ("start", &["--seed", "1", "--seconds", "600"], start),
        ("attempt", &["--seed", "2", "--seconds", "600"], attempt),
        ("review", &["review"], review),
    ];
    for (name, args, drive) in phases {
        let profile = work.path().join(format!("{name}.callgrind"));
        let mut command = CommandBuilder::new("valgrind");
        command.args([
            OsString::from("--tool=callgrind"),
            "--demangle=no".into(),
            format!("--callgrind-out-file={}", profile.display()).into(),
            binary.clone().into(),
        ]);
        command.args(args);
        command.args([OsString::from("--data-dir"), data.clone()]);
        command.env("HOME", work.path());
        command.env("TERM", "xterm-256color");
        let mut pty = Pty::start(command);
        drive(&mut pty);
        pty.wait_exit();
        // Dumps the run asked for come first (`profile.1`, `profile.2`, …),
        // then what ran after the last of them.
        let dumps = (1..=pty.dumps)
            .map(|n| PathBuf::from(format!("{}.{n}", profile.display())))
            .chain([profile.clone()]);
        let mut parts: Vec<Vec<String>> = dumps.map(|dump| functions_in(&dump, &binary)).collect();
        if name == "start" {
            // What the countdown's ticks and a key run, the start's too, goes
            // after the rest of the start's code, all together: a key then
            // runs code from a few pages, not from pages all over the start's.
            let hot: HashSet<String> = parts[1].iter().cloned().collect();
            parts[0].retain(|f| !hot.contains(f));
        }
        for (part, functions) in parts.into_iter().enumerate() {
            let new: Vec<String> = functions
                .into_iter()
                .filter(|f| seen.insert(f.clone()))
                .collect();
            eprintln!("symbol_order: {name} {part}: {} new functions", new.len());
            order.extend(new);
        }
    }
    std::fs::create_dir_all("link").expect("link/");
    let mut text = order.join("\n");
    text.push('\n');
    std::fs::write(OUTPUT, text).expect("write the order");
    eprintln!("symbol_order: {} functions in {OUTPUT}", order.len());
}

/// The first frame, then the countdown's ticks and a key, then quit: each
/// its own part of the order, so the code up to the first frame sits
/// together, what runs while a candidate answers right after (and what
/// both run, with the latter).
fn start(pty: &mut Pty) {
    pty.wait_for_text_within("1-5 toggle", SLOW);
    pty.dump();
    // Long enough for the countdown to tick a few times (waiting for a
    // message times out, which a key alone never does).
    std::thread::sleep(Duration::from_secs(3));
    pty.send("1");
    pty.wait_for_text_within("[x] 1 Situation", SLOW);
    pty.dump();
    pty.send("q");
}

/// A whole attempt: ticks, help, pause, notes, the wrap-up card, a rating,
/// the saved card, the next question.
fn attempt(pty: &mut Pty) {
    pty.wait_for_text_within("1-5 toggle", SLOW);
    for (key, shows) in [
        (" ", "[x] 1 Situation"),
        ("2", "[x] 2 Task"),
        ("?", "Esc"),
        ("\x1b", "1-5 toggle"),
        ("p", "PAUSED"),
        ("p", "1-5 toggle"),
        ("\t", "Tab"),
        ("numbers", "numbers"),
        ("\t", "1-5 toggle"),
        ("\r", "Rate it"),
        ("4", "★★★★"),
        ("\r", "Attempt saved"),
        ("\r", "1-5 toggle"),
    ] {
        pty.send(key);
        pty.wait_for_text_within(shows, SLOW);
    }
    pty.send("q");
}

/// Review: the list, a detail, the stats tab, a search. Each key is given
/// time to be drawn (a profile needs no more than that).
fn review(pty: &mut Pty) {
    pty.wait_for_text_within("newest first", SLOW);
    for key in ["\r", "\x1b", "\t", "\t", "/", "n", "\x1b"] {
        pty.send(key);
        std::thread::sleep(Duration::from_secs(2));
    }
    pty.send("q");
}

/// The program in a 120×40 pseudo-terminal, its output kept on a screen.
struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// How many times callgrind was asked to write its profile so far.
    dumps: usize,
    // Kept open until the program has ended.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    fn start(command: CommandBuilder) -> Self {
        let size = PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system().openpty(size).expect("a pty");
        let child = pair
            .slave
            .spawn_command(command)
            .expect("valgrind (apt install valgrind)");
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(40).unwrap(),
            std::num::NonZeroU16::new(120).unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let shared = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                shared.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            child,
            writer,
            screen,
            dumps: 0,
            _master: pair.master,
        }
    }

    /// Has callgrind write what ran so far (`PROFILE.N`) and start counting
    /// afresh; `callgrind_control` returns once the file is written.
    fn dump(&mut self) {
        let pid = self.child.process_id().expect("valgrind's pid");
        let status = std::process::Command::new("callgrind_control")
            .args(["-d", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("callgrind_control (valgrind's package)");
        assert!(status.success(), "callgrind_control -d {pid}: {status}");
        self.dumps += 1;
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("send keys");
        // An Esc with the next key right behind it reads as Alt and that key.
        std::thread::sleep(Duration::from_millis(300));
    }

    fn wait_for_text_within(&self, needle: &str, timeout: Duration) {
        let end = Instant::now() + timeout;
        while !self.contents().contains(needle) {
            assert!(
                Instant::now() < end,
                "waited for {needle:?}; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_exit(&mut self) {
        let end = Instant::now() + SLOW;
        while self
            .child
            .try_wait()
            .expect("the program's status")
            .is_none()
        {
            assert!(Instant::now() < end, "the program did not quit");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The functions of `binary` that ran, in the order callgrind's profile
/// names them (`fn=` lines, with its name compression: `(id) name` the first
/// time, `(id)` after).
fn functions_in(profile: &Path, binary: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(profile).unwrap_or_else(|e| panic!("{}: {e}", profile.display()));
    let binary = binary.to_string_lossy();
    let mut objects = HashMap::new();
    let mut names = HashMap::new();
    let mut in_binary = false;
    let mut found = Vec::new();
    for line in text.lines() {
        let Some((key, rest)) = line.split_once('=') else {
            continue;
        };
        let Some((id, name)) = rest
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .map(|(id, name)| (id.to_string(), name.trim()))
        else {
            continue;
        };
        match key {
            "ob" | "cob" => {
                if !name.is_empty() {
                    objects.insert(id.clone(), name.to_string());
                }
                if key == "ob" {
                    in_binary = objects.get(&id).is_some_and(|o| *o == binary);
                }
            }
            "fn" | "cfn" => {
                if !name.is_empty() {
                    names.insert(id.clone(), name.to_string());
                }
                if key == "fn"
                    && in_binary
                    && let Some(name) = names.get(&id)
                {
                    found.push(name.clone());
                }
            }
            _ => {}
        }
    }
    found
}
