//! A small harness that drives the real `stardrill` binary.
//!
//! `Pty` runs it in a pseudo-terminal of a given size: a reader thread feeds
//! everything the program writes into a `vt100::Parser` (the screen a user
//! would see) and keeps the raw bytes (to check escape sequences). `Plain`
//! runs it without a terminal, with its output piped.
//!
//! Every wait is bounded, and a child that is still running when its handle
//! is dropped (a failed test) is killed, so no test can hang CI. Each run gets
//! its own temp folder for the data dir and for `HOME`, so tests never touch
//! the real data dir and can run in parallel.
//!
//! Shared by the end-to-end tests and the benchmarks (`#[path]`), so not every
//! user calls every function.
#![allow(dead_code)]

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use stardrill::domain::session::SessionLog;
use tempfile::TempDir;

/// The binary cargo built for integration tests and benches.
pub const BIN: &str = env!("CARGO_BIN_EXE_stardrill");

/// The binary under test: cargo's, or the one `STARDRILL_TEST_BIN` names. CI
/// runs the end-to-end tests a second time on the release build, which is
/// linked differently (a static executable where it can be; see build.rs).
pub fn bin() -> OsString {
    std::env::var_os("STARDRILL_TEST_BIN").unwrap_or_else(|| BIN.into())
}

/// How long to wait for anything the program should do "at once". Generous,
/// because CI machines are slow and busy; a correct run never waits this long.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What the reader thread has seen so far.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The terminal side was closed: the program exited (or we hung up).
    eof: bool,
    /// When the last output arrived (the moment `read` returned it).
    last_read: Option<Instant>,
    /// A condition the reader checks after every piece of output, and when
    /// it first held: for timing the program from outside (see `Pty::watch`).
    watch: Option<(Watch, Option<Instant>)>,
}

type Watch = Box<dyn Fn(&vt100::Screen) -> bool + Send>;

struct Shared {
    output: Mutex<Output>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fresh temp folder laid out as `data/` (the data dir, not created: the
/// program creates it) and `home/` (HOME and the XDG dirs, so even a program
/// that ignored the data dir setting would not reach the real one).
pub struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("stardrill-e2e-")
            .tempdir()
            .expect("create a temp dir");
        std::fs::create_dir(root.path().join("home")).expect("create temp home");
        Self { root }
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root().join("data")
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir().join("sessions")
    }

    /// The environment every run gets: nothing inherited but `PATH`.
    fn env(&self) -> Vec<(OsString, OsString)> {
        let home = self.home();
        let mut env: Vec<(OsString, OsString)> = vec![
            ("HOME".into(), home.clone().into()),
            ("XDG_DATA_HOME".into(), home.join(".local/share").into()),
            ("XDG_CONFIG_HOME".into(), home.join(".config").into()),
            ("XDG_CACHE_HOME".into(), home.join(".cache").into()),
            ("XDG_STATE_HOME".into(), home.join(".local/state").into()),
            ("TERM".into(), "xterm-256color".into()),
            ("STARDRILL_DATA_DIR".into(), self.data_dir().into()),
        ];
        if let Some(path) = std::env::var_os("PATH") {
            env.push(("PATH".into(), path));
        }
        env
    }

    /// Every entry in `sessions/`, hidden ones included, sorted by name.
    pub fn session_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.sessions_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.expect("read a sessions/ entry").path())
            .collect();
        files.sort();
        files
    }

    /// Waits until `sessions/` holds `n` entries.
    pub fn wait_for_sessions(&self, n: usize, timeout: Duration) -> Vec<PathBuf> {
        let deadline = Instant::now() + timeout;
        loop {
            let files = self.session_files();
            if files.len() >= n {
                return files;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {n} session log(s) in {}; found {files:?}",
                self.sessions_dir().display()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every session log, parsed; panics on a file that is not one.
    pub fn logs(&self) -> Vec<SessionLog> {
        self.session_files()
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                SessionLog::from_toml(&text).unwrap_or_else(|e| {
                    panic!("{} is not a session log: {e}\n{text}", path.display())
                })
            })
            .collect()
    }

    /// Every path under the root, relative to it, sorted.
    pub fn tree(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
                if path.is_dir() {
                    walk(&path, root, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.root(), self.root(), &mut out);
        out.sort();
        out
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// How to start the program in a pseudo-terminal.
pub struct Spawn {
    cols: u16,
    rows: u16,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    /// A launcher to run the program through: `LAUNCHER… stardrill ARGS…`.
    via: Vec<OsString>,
    /// Another program to run in place of stardrill (a benchmark's reference).
    program: Option<OsString>,
}

impl Spawn {
    /// `stardrill ARGS` in a 100×30 terminal.
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self {
            cols: 100,
            rows: 30,
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            via: Vec::new(),
            program: None,
        }
    }

    /// Runs `program ARGS` instead of stardrill, in the same sandbox and
    /// terminal: a reference for the benchmarks, or another build.
    pub fn program(mut self, program: impl Into<OsString>) -> Self {
        self.program = Some(program.into());
        self
    }

    /// Runs the program through a launcher (for example a shell), which then
    /// is the process `Pty` waits for and signals.
    pub fn via<I, S>(mut self, launcher: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.via = launcher.into_iter().map(Into::into).collect();
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Self {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn start(self) -> Pty {
        Pty::start(self, Sandbox::new())
    }

    /// Starts in a sandbox the caller prepared (for files the test needs).
    pub fn start_in(self, sandbox: Sandbox) -> Pty {
        Pty::start(self, sandbox)
    }
}

/// The program running in a pseudo-terminal.
pub struct Pty {
    pub sandbox: Sandbox,
    child: Box<dyn Child + Send + Sync>,
    pid: i32,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<File>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    /// Just before the program was started.
    started: Instant,
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal is at least 1×1")
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Pty {
    fn start(spawn: Spawn, sandbox: Sandbox) -> Self {
        let pair = native_pty_system()
            .openpty(pty_size(spawn.cols, spawn.rows))
            .expect("open a pty");
        let mut argv = spawn.via;
        argv.push(spawn.program.unwrap_or_else(bin));
        argv.extend(spawn.args);
        let mut cmd = CommandBuilder::from_argv(argv);
        cmd.env_clear();
        for (key, value) in sandbox.env().into_iter().chain(spawn.env) {
            cmd.env(key, value);
        }
        cmd.cwd(sandbox.root());
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn stardrill");
        // Only the child may hold the terminal side: when it exits, reads on
        // our side end, which is how the reader thread knows it is done.
        drop(pair.slave);
        let pid = child
            .process_id()
            .and_then(|p| i32::try_from(p).ok())
            .expect("child pid");

        // Our own copies of the master fd. portable-pty's writer sends "\n^D"
        // when dropped, which the program would read as keys; a plain dup does not.
        let master_fd = pair.master.as_raw_fd().expect("pty master fd");
        // SAFETY: `master_fd` is open for as long as `pair.master` lives, and
        // it lives until after these calls.
        let master_fd = unsafe { BorrowedFd::borrow_raw(master_fd) };
        let reader = File::from(master_fd.try_clone_to_owned().expect("dup pty fd"));
        let writer = File::from(master_fd.try_clone_to_owned().expect("dup pty fd"));

        let shared = Arc::new(Shared {
            output: Mutex::new(Output {
                parser: vt100::Parser::new(nonzero(spawn.rows), nonzero(spawn.cols), 0),
                raw: Vec::new(),
                eof: false,
                last_read: None,
                watch: None,
            }),
            changed: Condvar::new(),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            thread::spawn(move || read_loop(reader, &shared, &stop))
        };
        Self {
            sandbox,
            child,
            pid,
            master: Some(pair.master),
            writer: Some(writer),
            shared,
            stop,
            reader: Some(reader),
            status: None,
            started,
        }
    }

    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The moment just before the program was started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// From now on, notes when the output that makes `ready(screen)` hold
    /// arrives: the time the reader got it, before parsing it, so the
    /// figure is the program's and not this harness's. If it holds already,
    /// the last output's arrival is taken. `wait_watch` returns the moment.
    pub fn watch(&self, ready: Box<dyn Fn(&vt100::Screen) -> bool + Send>) {
        let mut out = self.shared.lock();
        let hit = if ready(out.parser.screen()) {
            Some(out.last_read.unwrap_or_else(Instant::now))
        } else {
            None
        };
        out.watch = Some((ready, hit));
    }

    /// Waits until the condition given to `watch` holds, and returns when
    /// the output that made it hold arrived.
    pub fn wait_watch(&self, what: &str, timeout: Duration) -> Instant {
        self.wait_for(what, timeout, |out| match &out.watch {
            Some((_, Some(at))) => {
                let at = *at;
                out.watch = None;
                Some(at)
            }
            Some((_, None)) => None,
            None => panic!("wait_watch without watch"),
        })
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// Looks at the screen as it is now.
    pub fn with_screen<R>(&self, look: impl FnOnce(&vt100::Screen) -> R) -> R {
        look(self.shared.lock().parser.screen())
    }

    /// Row `n` of the screen (0 is the top).
    pub fn row(&self, n: u16) -> String {
        let out = self.shared.lock();
        let (_, cols) = out.parser.screen().size();
        out.parser
            .screen()
            .rows(0, cols.get())
            .nth(usize::from(n))
            .unwrap_or_default()
    }

    /// How many raw bytes the program has written so far: a mark for `raw_since`.
    pub fn raw_len(&self) -> usize {
        self.shared.lock().raw.len()
    }

    pub fn raw_since(&self, mark: usize) -> Vec<u8> {
        self.shared
            .lock()
            .raw
            .get(mark..)
            .unwrap_or_default()
            .to_vec()
    }

    /// Whether the terminal is showing the alternate screen.
    pub fn in_alternate_screen(&self) -> bool {
        self.shared.lock().parser.screen().alternate_screen()
    }

    /// The screen and the tail of the raw output, for failure messages.
    fn describe(out: &Output) -> String {
        let tail_start = out.raw.len().saturating_sub(300);
        format!(
            "--- screen ---\n{}\n--- last raw bytes ---\n{}\n--------------",
            out.parser.screen().contents(),
            String::from_utf8_lossy(&out.raw[tail_start..]).escape_debug()
        )
    }

    /// Waits until `ready(screen)` holds, or panics with `what` and the screen.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&vt100::Screen) -> bool,
    ) {
        self.wait_for(what, timeout, |out| {
            ready(out.parser.screen()).then_some(())
        });
    }

    /// Waits until `done` gives a value, or panics with `what` and the screen
    /// when the time runs out or the program closes the terminal.
    fn wait_for<R>(
        &self,
        what: &str,
        timeout: Duration,
        mut done: impl FnMut(&mut Output) -> Option<R>,
    ) -> R {
        let deadline = Instant::now() + timeout;
        let mut out = self.shared.lock();
        loop {
            if let Some(value) = done(&mut out) {
                return value;
            }
            let now = Instant::now();
            if out.eof || now >= deadline {
                let problem = if out.eof {
                    "the program closed the terminal"
                } else {
                    "timed out"
                };
                let screen = Self::describe(&out);
                drop(out);
                panic!("{problem} waiting for {what} (after {timeout:?})\n{screen}");
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits (up to `TIMEOUT`) until the screen shows `needle`.
    pub fn wait_for_text(&self, needle: &str) {
        self.wait_for_text_within(needle, TIMEOUT);
    }

    pub fn wait_for_text_within(&self, needle: &str, timeout: Duration) {
        self.wait_until(&format!("{needle:?} on screen"), timeout, |screen| {
            screen.contents().contains(needle)
        });
    }

    /// Waits (up to `TIMEOUT`) until `needle` is no longer on screen.
    pub fn wait_for_text_gone(&self, needle: &str) {
        self.wait_until(&format!("{needle:?} to leave the screen"), TIMEOUT, |s| {
            !s.contents().contains(needle)
        });
    }

    /// Types bytes as if at the keyboard.
    /// Types bytes as if at the keyboard. Like a terminal emulator, the
    /// writes never block: when the program's input is full they wait and
    /// go on, so a large paste arrives in pieces as the program reads it.
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let writer = self.writer.as_mut().expect("the terminal was hung up");
        let fd = writer.as_raw_fd();
        // SAFETY: F_GETFL/F_SETFL on an fd we own; O_NONBLOCK only changes
        // how reads and writes wait (the reader polls before reading).
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
        let deadline = Instant::now() + TIMEOUT;
        let mut rest = bytes.as_ref();
        while !rest.is_empty() {
            match writer.write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(
                        Instant::now() < deadline,
                        "the program stopped reading its input ({} bytes left)",
                        rest.len()
                    );
                    thread::sleep(Duration::from_millis(1));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => panic!("write to the pty: {e}"),
            }
        }
    }

    /// Sends a signal (`libc::SIGTERM`, …) to the program.
    pub fn kill_with(&self, signal: i32) {
        assert!(self.status.is_none(), "the program has already exited");
        // SAFETY: plain syscall; `pid` is our child, not yet reaped while
        // `status` is None, so the pid cannot have been reused.
        let rc = unsafe { libc::kill(self.pid, signal) };
        assert_eq!(
            rc,
            0,
            "kill({}, {signal}): {}",
            self.pid,
            std::io::Error::last_os_error()
        );
    }

    /// Resizes the terminal, as a user dragging the window corner would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let mut out = self.shared.lock();
        out.parser.set_size(nonzero(rows), nonzero(cols));
        self.master
            .as_ref()
            .expect("the terminal was hung up")
            .resize(pty_size(cols, rows))
            .expect("resize the pty");
    }

    /// Closes the terminal side we hold, as closing a terminal window does:
    /// the kernel sends SIGHUP and the program's terminal stops working.
    pub fn hang_up(&mut self) {
        self.stop_reader();
        self.writer = None;
        self.master = None;
    }

    fn stop_reader(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            // The reader polls with a short timeout, so this returns quickly.
            let _ = reader.join();
        }
    }

    /// Waits until the program exits, then until all its output is read.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = &self.status {
            return status.clone();
        }
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => panic!("waiting for the program: {e}"),
            }
            if Instant::now() >= deadline {
                self.force_kill();
                let screen = Self::describe(&self.shared.lock());
                panic!("the program did not exit within {timeout:?}\n{screen}");
            }
            thread::sleep(Duration::from_millis(10));
        };
        self.status = Some(status.clone());
        if self.reader.is_some() {
            let deadline = Instant::now() + TIMEOUT;
            let mut out = self.shared.lock();
            while !out.eof && Instant::now() < deadline {
                out = self
                    .shared
                    .changed
                    .wait_timeout(out, Duration::from_millis(50))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
        status
    }

    /// SIGKILL and a bounded reap; for cleanup.
    pub fn force_kill(&mut self) {
        if self.status.is_some() {
            return;
        }
        // The child leads its own session and process group; kill the whole
        // group so a launcher's children (see `Spawn::via`) go too.
        // SAFETY: see `kill_with`.
        unsafe {
            libc::kill(-self.pid, libc::SIGKILL);
            libc::kill(self.pid, libc::SIGKILL);
        }
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.status = Some(status);
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        self.force_kill();
        self.stop_reader();
    }
}

fn read_loop(mut file: File, shared: &Shared, stop: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    while !stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; the fd stays open (we own `file`).
        let ready = unsafe { libc::poll(&mut pfd, 1, 50) };
        if ready == 0 {
            continue;
        }
        if ready < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let at = Instant::now();
                let mut out = shared.lock();
                out.raw.extend_from_slice(&buf[..n]);
                out.parser.process(&buf[..n]);
                out.last_read = Some(at);
                let Output { parser, watch, .. } = &mut *out;
                if let Some((ready, hit @ None)) = watch
                    && ready(parser.screen())
                {
                    *hit = Some(at);
                }
                drop(out);
                shared.changed.notify_all();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock
                ) => {}
            // EIO: every terminal-side fd is closed, the program is gone.
            Err(_) => break,
        }
    }
    shared.lock().eof = true;
    shared.changed.notify_all();
}

/// `stardrill` as a command in `sandbox`: its own HOME, XDG dirs and data
/// dir, and nothing else inherited but `PATH`.
pub fn command(sandbox: &Sandbox) -> Command {
    let mut command = Command::new(bin());
    command
        .env_clear()
        .envs(sandbox.env())
        .current_dir(sandbox.root());
    command
}

/// The program run without a terminal: stdin empty, stdout and stderr piped.
pub struct Plain {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Plain {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Runs `stardrill ARGS` in `sandbox`, bounded by `TIMEOUT`.
    pub fn run<S: AsRef<std::ffi::OsStr>>(sandbox: &Sandbox, args: &[S]) -> Self {
        let mut child = command(sandbox)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn stardrill");
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            thread::spawn(move || {
                let mut text = String::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_string(&mut text);
                }
                text
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for stardrill") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "stardrill {:?} did not exit within {TIMEOUT:?}",
                    args_debug(args)
                );
            }
            thread::sleep(Duration::from_millis(10));
        };
        Self {
            status,
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

fn args_debug<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<String> {
    args.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect()
}
