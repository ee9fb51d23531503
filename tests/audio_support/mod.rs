//! A sound card for machines without one: ALSA's `file` plugin behind the
//! default device, set up by an `.asoundrc` in a sandboxed HOME (ALSA reads
//! `$HOME/.asoundrc`). Capture reads a raw file or a named pipe; playback
//! writes a raw file.
//!
//! The `null` device under the plugin has no clock, so capture from a plain
//! file runs as fast as the program reads. A `Pacer` makes it a microphone
//! that speaks in real time instead: it writes the samples into a named pipe
//! 10 ms at a time, on the clock, and the plugin's reads wait for them. The
//! capture side hands the program one period at a time (80 frames at
//! 16 kHz); each write is a whole number of periods, so no read comes back
//! half full. Shared by the device tests, the end-to-end tests and the
//! recording benchmark.
#![allow(dead_code)]

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Where the capture side reads from.
pub enum Capture<'a> {
    /// A raw file (16-bit little-endian mono), read as fast as asked.
    File(&'a Path),
    /// A named pipe a `Pacer` feeds in real time.
    Paced(&'a Path),
}

/// Writes `<home>/.asoundrc`: the default device captures from `capture` at
/// `rate` Hz and plays into `<home>/out.raw` at 16 kHz, both mono S16_LE.
///
/// `plug` would convert whatever the program asks for, but on capture ALSA's
/// `file` plugin loses blocks when `plug` converts above it (arecord does the
/// same), so the program is asked for the format the file has.
pub fn write_asoundrc(home: &Path, capture: &Capture<'_>, rate: usize) {
    let infile = match capture {
        Capture::File(p) | Capture::Paced(p) => p.display().to_string(),
    };
    let asoundrc = format!(
        r#"pcm.!default {{
  type asym
  playback.pcm "play"
  capture.pcm "cap"
}}
pcm.cap {{
  type plug
  slave {{ pcm "capfile"; rate {rate}; channels 1; format S16_LE }}
}}
pcm.capfile {{
  type file
  slave.pcm "null"
  file "/dev/null"
  infile "{infile}"
  format "raw"
}}
pcm.play {{
  type plug
  slave {{ pcm "playfile"; rate 16000; channels 1; format S16_LE }}
}}
pcm.playfile {{
  type file
  slave.pcm "null"
  file "{dir}/out.raw"
  format "raw"
}}
"#,
        dir = home.display()
    );
    std::fs::write(home.join(".asoundrc"), asoundrc).unwrap_or_else(|e| panic!("{e}"));
}

/// Makes a named pipe at `path`.
pub fn make_fifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Feeds a named pipe in real time, as a microphone would: from the first
/// sample each time a reader opens it, silence once the samples run out.
pub struct Pacer {
    stop: Arc<AtomicBool>,
    /// Times a reader opened the pipe.
    opened: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Pacer {
    /// Starts feeding `fifo` (made if missing) with `samples` at `rate` Hz.
    pub fn start(fifo: &Path, samples: Vec<i16>, rate: usize) -> Self {
        if !fifo.exists() {
            make_fifo(fifo);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let opened = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, opened, fifo) = (Arc::clone(&stop), Arc::clone(&opened), fifo.to_path_buf());
            thread::spawn(move || feed(&fifo, &samples, rate, &stop, &opened))
        };
        Self {
            stop,
            opened,
            thread: Some(thread),
        }
    }

    pub fn times_opened(&self) -> u64 {
        self.opened.load(Ordering::Acquire)
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn feed(fifo: &Path, samples: &[i16], rate: usize, stop: &AtomicBool, opened: &AtomicU64) {
    let per_chunk = rate / 100;
    let silence = vec![0u8; per_chunk * 2];
    while !stop.load(Ordering::Acquire) {
        // Non-blocking, so the thread can stop while nobody reads.
        let mut pipe = match OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo)
        {
            Ok(p) => p,
            Err(_) => {
                thread::sleep(Duration::from_millis(2));
                continue;
            }
        };
        opened.fetch_add(1, Ordering::AcqRel);
        let start = Instant::now();
        for n in 0.. {
            if stop.load(Ordering::Acquire) {
                return;
            }
            let bytes: Vec<u8> = samples.get(n * per_chunk..(n + 1) * per_chunk).map_or_else(
                || silence.clone(),
                |c| c.iter().flat_map(|s| s.to_le_bytes()).collect(),
            );
            // Under PIPE_BUF, so a write is whole or not at all.
            match pipe.write(&bytes) {
                Ok(_) => {}
                // The reader closed: wait for the next one.
                Err(e) if e.kind() == ErrorKind::BrokenPipe => break,
                // The reader fell behind by a whole pipe: those 10 ms are lost,
                // as a microphone's overrun loses them.
                Err(_) => {}
            }
            let next = start + Duration::from_millis(10 * (n as u64 + 1));
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
        }
    }
}

/// Raw 16-bit little-endian samples.
pub fn read_raw(path: &Path) -> Vec<i16> {
    std::fs::read(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The espeak-ng answers of tests/fixtures/audio/make.sh (Debian: apt-get
/// install espeak-ng sox), made once per test binary.
pub fn speech_fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("recording-speech");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/make.sh");
        let status = Command::new("bash")
            .arg(&script)
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
        assert!(
            status.success(),
            "{} failed (it needs espeak-ng and sox: apt-get install espeak-ng sox)",
            script.display()
        );
        dir
    })
}

/// The spoken answer at espeak-ng's `rate` (120, 160 or 200), 16 kHz.
pub fn speech(rate: u32) -> Vec<i16> {
    read_raw(&speech_fixtures().join(format!("speech-{rate}.raw")))
}
