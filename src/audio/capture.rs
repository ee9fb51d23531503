//! The recorder: the default microphone, streamed to an Ogg Opus file.
//!
//! The device's callback only converts samples to `f32`, measures the level and
//! hands the block to a worker thread (nothing slow on the audio thread). The
//! worker mixes to mono, converts to 16 kHz, feeds the delivery envelope and the
//! encoder, and the encoder writes a page each second to a hidden part file,
//! `.<stem>.ogg.part`. Stopping finishes the stream, syncs the file and renames
//! it to `<stem>.ogg` (never replacing a file). A crash leaves the part file,
//! with all but the last second: see [`super::recover_partials`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, SupportedStreamConfig};

use super::error::Role;
use super::ogg_opus::{BITRATE, OggOpusWriter, RATE};
use super::resample::Converter;
use super::{AudioError, EXTENSION, quiet};
use crate::domain::delivery::Envelope;
use crate::storage::atomic::{rename_no_clobber, sync_dir};
use crate::storage::paths::create_private_dir;

/// How a recording is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOptions {
    /// Opus bit rate, bits per second.
    pub bitrate: i32,
    /// Keep the 16 kHz samples in memory and hand them back with the recording
    /// (about 3.8 MB for two minutes). Off by default: the envelope is enough for
    /// the delivery figures, and [`super::decode_file`] gives the samples back.
    pub keep_samples: bool,
    /// Ask the microphone for this rate rather than 16 kHz (the recording is
    /// 16 kHz either way). For devices that misreport what they can do, and for
    /// testing the conversion.
    pub device_rate: Option<u32>,
    /// When the answer began, if before the call: the recording starts with
    /// silence from then (up to 2 s), so its time stays answer time. Unset:
    /// the answer begins with the call.
    pub began: Option<Instant>,
}

impl Default for RecordOptions {
    fn default() -> Self {
        Self {
            bitrate: BITRATE,
            keep_samples: false,
            device_rate: None,
            began: None,
        }
    }
}

/// A finished recording.
#[derive(Debug, Clone)]
pub struct Recording {
    /// `<dir>/<stem>.ogg`, readable by its owner only.
    pub path: PathBuf,
    /// Seconds of audio: answer time, pauses left out.
    pub secs: f64,
    /// Size of the file.
    pub bytes: u64,
    /// For the delivery figures: `envelope.analyze(&log.steps)`.
    pub envelope: Envelope,
    /// The 16 kHz samples, when [`RecordOptions::keep_samples`] asked for them.
    pub samples: Option<Vec<f32>>,
    /// A device error that cut the recording short (it holds what came before).
    pub interrupted: Option<String>,
}

/// State shared by the caller, the audio callback and the worker.
#[derive(Debug, Default)]
struct Shared {
    paused: AtomicBool,
    stop: AtomicBool,
    /// The meter level, 0 to 1, as `f32` bits.
    level: AtomicU32,
    /// 16 kHz samples recorded.
    samples: AtomicU64,
    /// The first device error, as one line.
    error: Mutex<Option<String>>,
}

impl Shared {
    fn fail(&self, line: String) {
        if let Ok(mut e) = self.error.lock() {
            e.get_or_insert(line);
        }
    }

    fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }
}

/// How long the writer rests between batches of blocks.
const GATHER: Duration = Duration::from_millis(50);

/// A block of captured samples (interleaved, device rate) and when it arrived.
struct Block {
    at: Instant,
    samples: Vec<f32>,
}

/// What the worker hands back.
struct Output {
    file: File,
    envelope: Envelope,
    samples: Option<Vec<f32>>,
    recorded: u64,
}

/// Records the default microphone into `<dir>/<stem>.ogg` until stopped.
/// Dropping it stops it too (and keeps the recording).
pub struct Recorder {
    stream: Option<cpal::Stream>,
    shared: Arc<Shared>,
    worker: Option<JoinHandle<Result<Output, AudioError>>>,
    dir: PathBuf,
    part: PathBuf,
    path: PathBuf,
}

/// The hidden file a recording grows in: `.<stem>.ogg.part`.
pub(crate) fn part_name(stem: &str) -> String {
    format!(".{stem}.{EXTENSION}.part")
}

/// Formats we can read, best first: 16-bit first, as most microphones give
/// it natively (no conversion on the way) and it is more than Opus needs at
/// 24 kbit/s.
fn format_rank(format: SampleFormat) -> Option<u8> {
    use SampleFormat as F;
    [
        F::I16,
        F::F32,
        F::I32,
        F::I24,
        F::F64,
        F::U16,
        F::I8,
        F::U8,
        F::U32,
    ]
    .iter()
    .position(|&f| f == format)
    .and_then(|p| u8::try_from(p).ok())
}

/// The input format to ask for: `want` Hz (16 kHz unless told), the fewest
/// channels and the best sample format; else the device's default.
fn pick_config(
    device: &cpal::Device,
    want: Option<u32>,
) -> Result<SupportedStreamConfig, cpal::Error> {
    let target = want.unwrap_or(RATE);
    let ranges: Vec<_> = device
        .supported_input_configs()?
        .filter(|r| format_rank(r.sample_format()).is_some() && r.channels() > 0)
        .collect();
    if let Some(best) = ranges
        .iter()
        .filter(|r| r.contains_rate(target))
        .min_by_key(|r| (r.channels(), format_rank(r.sample_format())))
    {
        return Ok(best.with_sample_rate(target));
    }
    if want.is_some() {
        return Err(cpal::Error::with_message(
            cpal::ErrorKind::UnsupportedConfig,
            format!("no {target} Hz input"),
        ));
    }
    let default = device.default_input_config()?;
    if format_rank(default.sample_format()).is_some() {
        return Ok(default);
    }
    ranges
        .into_iter()
        .min_by_key(|r| (r.channels(), format_rank(r.sample_format())))
        .map(|r| r.with_standard_sample_rate())
        .ok_or_else(|| cpal::Error::new(cpal::ErrorKind::UnsupportedConfig))
}

/// The meter: block RMS on a 60 dB scale, 0 (quiet) to 1 (full scale).
fn meter(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let mean = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
    let db = 10.0 * mean.max(1e-12).log10();
    ((db + 60.0) / 60.0).clamp(0.0, 1.0)
}

/// A stream error: glitches and reroutes are let pass (the recording goes on);
/// anything else (the microphone unplugged…) is kept as the line to show.
fn stream_error(shared: &Shared, err: &cpal::Error, since: quiet::Mark) {
    match err.kind() {
        cpal::ErrorKind::Xrun
        | cpal::ErrorKind::RealtimeDenied
        | cpal::ErrorKind::DeviceChanged => {}
        _ => shared.fail(Role::Microphone.error(err, since).to_string()),
    }
}

fn build_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    shared: &Arc<Shared>,
    tx: Sender<Block>,
    since: quiet::Mark,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let data_shared = Arc::clone(shared);
    let error_shared = Arc::clone(shared);
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| {
            if data_shared.paused.load(Ordering::Relaxed) {
                data_shared.level.store(0, Ordering::Relaxed);
                return;
            }
            let samples: Vec<f32> = data.iter().map(|&s| s.to_sample::<f32>()).collect();
            data_shared
                .level
                .store(meter(&samples).to_bits(), Ordering::Relaxed);
            let _ = tx.send(Block {
                at: Instant::now(),
                samples,
            });
        },
        move |err: cpal::Error| stream_error(&error_shared, &err, since),
        None,
    )
}

fn open_stream(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    shared: &Arc<Shared>,
    tx: Sender<Block>,
    since: quiet::Mark,
) -> Result<cpal::Stream, cpal::Error> {
    use SampleFormat as F;
    let c = config.config();
    match config.sample_format() {
        F::F32 => build_stream::<f32>(device, c, shared, tx, since),
        F::I16 => build_stream::<i16>(device, c, shared, tx, since),
        F::I32 => build_stream::<i32>(device, c, shared, tx, since),
        F::I24 => build_stream::<cpal::I24>(device, c, shared, tx, since),
        F::F64 => build_stream::<f64>(device, c, shared, tx, since),
        F::U16 => build_stream::<u16>(device, c, shared, tx, since),
        F::I8 => build_stream::<i8>(device, c, shared, tx, since),
        F::U8 => build_stream::<u8>(device, c, shared, tx, since),
        F::U32 => build_stream::<u32>(device, c, shared, tx, since),
        _ => Err(cpal::Error::new(cpal::ErrorKind::UnsupportedConfig)),
    }
}

/// Creates the part file, owner-only, failing if it exists.
fn create_part(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // Tells `recover_partials` in another process that this one is still growing.
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{FlockOperation, flock};
        let _ = flock(&file, FlockOperation::NonBlockingLockExclusive);
    }
    Ok(file)
}

impl Recorder {
    /// Starts recording the default microphone into `<dir>/<stem>.ogg` (the
    /// folder is created if need be). Fails, with one line to show, when there
    /// is no microphone, it is busy or refused, or the file cannot be made.
    pub fn start(dir: &Path, stem: &str, options: &RecordOptions) -> Result<Self, AudioError> {
        if stem.is_empty() || stem.starts_with('.') || stem.contains(['/', '\\']) {
            return Err(AudioError::io(
                "record to",
                dir.join(stem),
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
            ));
        }
        let started = options
            .began
            .filter(|&t| t <= Instant::now())
            .unwrap_or_else(Instant::now);
        let since = quiet::mark();
        let host = cpal::default_host();
        let device = host
            .default_input_device()
            .ok_or_else(|| Role::Microphone.missing(since))?;
        let config = pick_config(&device, options.device_rate)
            .map_err(|e| Role::Microphone.error(&e, since))?;
        let shared = Arc::new(Shared::default());
        let (tx, rx) = mpsc::channel();
        let stream = open_stream(&device, &config, &shared, tx, since)
            .map_err(|e| Role::Microphone.error(&e, since))?;

        create_private_dir(dir).map_err(|e| AudioError::io("create", dir, e))?;
        let path = dir.join(format!("{stem}.{EXTENSION}"));
        if path.exists() {
            return Err(AudioError::io(
                "record to",
                &path,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "it already exists"),
            ));
        }
        let part = dir.join(part_name(stem));
        let file = create_part(&part).map_err(|e| AudioError::io("create", &part, e))?;
        let writer = match OggOpusWriter::new(file, options.bitrate) {
            Ok(w) => w,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        };
        let converter = Converter::new(config.sample_rate(), RATE)?;
        let job = Job {
            rx,
            writer,
            converter,
            channels: usize::from(config.channels()).max(1),
            device_rate: config.sample_rate(),
            started,
            shared: Arc::clone(&shared),
            keep: options.keep_samples,
        };
        let worker = std::thread::Builder::new()
            .name("stardrill-record".into())
            .spawn(move || job.run())
            .map_err(|e| AudioError::io("start recording to", &part, e))?;
        let mut recorder = Self {
            stream: Some(stream),
            shared,
            worker: Some(worker),
            dir: dir.to_path_buf(),
            part,
            path,
        };
        if let Some(stream) = &recorder.stream
            && let Err(e) = stream.play()
        {
            let error = Role::Microphone.error(&e, since);
            recorder.discard();
            return Err(error);
        }
        Ok(recorder)
    }

    /// Stops taking sound (the countdown is paused); paused time is left out.
    pub fn pause(&self) {
        self.shared.paused.store(true, Ordering::Relaxed);
    }

    pub fn resume(&self) {
        self.shared.paused.store(false, Ordering::Relaxed);
    }

    pub fn is_paused(&self) -> bool {
        self.shared.paused.load(Ordering::Relaxed)
    }

    /// The microphone level for a meter, 0 (silent) to 1 (full scale) on a 60 dB
    /// scale, from the latest block (about every 10 to 40 ms). An atomic load.
    pub fn level(&self) -> f32 {
        f32::from_bits(self.shared.level.load(Ordering::Relaxed))
    }

    /// Seconds recorded so far.
    pub fn secs(&self) -> f64 {
        self.shared.samples.load(Ordering::Relaxed) as f64 / f64::from(RATE)
    }

    /// The device error that stopped the sound coming, as one line, if any. The
    /// recording keeps what came before; `stop` still saves it.
    pub fn error(&self) -> Option<String> {
        self.shared.error()
    }

    /// The file the recording will have once stopped.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops, finishes the file and names it `<stem>.ogg`. `AudioError::Empty`
    /// when no sound ever came (nothing is left on disk then).
    pub fn stop(mut self) -> Result<Recording, AudioError> {
        self.finish()
    }

    fn halt(&mut self) -> Option<Result<Output, AudioError>> {
        // Dropping the stream ends the callbacks; their sender goes with them.
        drop(self.stream.take());
        self.shared.stop.store(true, Ordering::Relaxed);
        let worker = self.worker.take()?;
        Some(
            worker
                .join()
                .unwrap_or_else(|_| Err(AudioError::Codec("the recording thread failed".into()))),
        )
    }

    /// Stops and deletes what was recorded.
    fn discard(&mut self) {
        let _ = self.halt();
        let _ = std::fs::remove_file(&self.part);
    }

    fn finish(&mut self) -> Result<Recording, AudioError> {
        let Some(done) = self.halt() else {
            return Err(AudioError::Empty);
        };
        let out = done?;
        let interrupted = self.shared.error();
        if out.recorded == 0 {
            drop(out.file);
            let _ = std::fs::remove_file(&self.part);
            return Err(match interrupted {
                Some(line) => AudioError::Device(line),
                None => AudioError::Empty,
            });
        }
        out.file
            .sync_all()
            .map_err(|e| AudioError::io("save", &self.part, e))?;
        let bytes = out.file.metadata().map(|m| m.len()).unwrap_or(0);
        drop(out.file);
        rename_no_clobber(&self.part, &self.path)
            .map_err(|e| AudioError::io("save", &self.path, e))?;
        sync_dir(&self.dir);
        Ok(Recording {
            path: self.path.clone(),
            secs: out.recorded as f64 / f64::from(RATE),
            bytes,
            envelope: out.envelope,
            samples: out.samples,
            interrupted,
        })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.worker.is_some() {
            let _ = self.finish();
        }
    }
}

/// The worker's side: blocks in, 16 kHz mono out to the file and the envelope.
struct Job {
    rx: Receiver<Block>,
    writer: OggOpusWriter<File>,
    converter: Converter,
    channels: usize,
    device_rate: u32,
    started: Instant,
    shared: Arc<Shared>,
    keep: bool,
}

impl Job {
    fn run(mut self) -> Result<Output, AudioError> {
        let mut envelope = Envelope::new();
        let mut kept = self.keep.then(Vec::new);
        let mut failed: Option<std::io::Error> = None;
        let mut mono = Vec::new();
        let mut first = true;
        let shared = Arc::clone(&self.shared);
        let mut sink = |s: &[f32]| {
            if failed.is_some() {
                return;
            }
            if let Err(e) = self.writer.write(s) {
                failed = Some(e);
                return;
            }
            envelope.push(s);
            if let Some(k) = kept.as_mut() {
                k.extend_from_slice(s);
            }
            shared.samples.fetch_add(s.len() as u64, Ordering::Relaxed);
        };
        loop {
            let first_block = match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(b) => b,
                Err(RecvTimeoutError::Timeout) if self.shared.stop.load(Ordering::Relaxed) => {
                    break;
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            // Devices hand over blocks of a few milliseconds: waking for each
            // would cost more than encoding them. Take what has gathered, then
            // rest (a send to a thread that is not waiting wakes nobody).
            let blocks: Vec<Block> = std::iter::once(first_block)
                .chain(self.rx.try_iter())
                .collect();
            for block in blocks {
                mono.clear();
                mono.extend(
                    block
                        .samples
                        .chunks(self.channels)
                        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32),
                );
                if first {
                    first = false;
                    // The device took a moment to open: the first block began that
                    // long after the answer did. Silence fills the gap, so audio time
                    // stays answer time.
                    let block_secs = mono.len() as f64 / f64::from(self.device_rate);
                    let began = block
                        .at
                        .checked_sub(Duration::from_secs_f64(block_secs))
                        .unwrap_or(block.at);
                    let late = began
                        .saturating_duration_since(self.started)
                        .min(Duration::from_secs(2));
                    let gap = (late.as_secs_f64() * f64::from(self.device_rate)) as usize;
                    self.converter.push(&vec![0.0; gap], &mut sink);
                }
                self.converter.push(&mono, &mut sink);
            }
            if !self.shared.stop.load(Ordering::Relaxed) {
                std::thread::sleep(GATHER);
            }
        }
        self.converter.finish(&mut sink);
        let recorded = shared.samples.load(Ordering::Relaxed);
        if let Some(e) = failed {
            return Err(AudioError::io("write", "the recording", e));
        }
        let file = self
            .writer
            .finish()
            .map_err(|e| AudioError::io("write", "the recording", e))?;
        Ok(Output {
            file,
            envelope,
            samples: kept,
            recorded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_spans_sixty_decibels() {
        assert_eq!(meter(&[]), 0.0);
        assert_eq!(meter(&[0.0; 100]), 0.0);
        assert!((meter(&[1.0, -1.0]) - 1.0).abs() < 1e-6);
        let m = meter(&[0.03, -0.03]); // about -30 dB
        assert!((m - 0.5).abs() < 0.02, "{m}");
    }

    #[test]
    fn a_glitch_is_let_pass_and_a_lost_microphone_is_one_line_kept() {
        let shared = Shared::default();
        let since = quiet::mark();
        stream_error(&shared, &cpal::Error::new(cpal::ErrorKind::Xrun), since);
        stream_error(
            &shared,
            &cpal::Error::new(cpal::ErrorKind::DeviceChanged),
            since,
        );
        assert_eq!(shared.error(), None);
        let gone = cpal::Error::new(cpal::ErrorKind::DeviceNotAvailable);
        stream_error(&shared, &gone, since);
        let busy = cpal::Error::new(cpal::ErrorKind::DeviceBusy);
        stream_error(&shared, &busy, since);
        assert_eq!(
            shared.error().as_deref(),
            Some("microphone unavailable: was it unplugged?"),
            "the first error is the one kept"
        );
    }

    #[test]
    fn part_files_are_hidden_and_named_after_the_log() {
        assert_eq!(
            part_name("20260105T101500Z-a1b2c3"),
            ".20260105T101500Z-a1b2c3.ogg.part"
        );
    }

    #[test]
    fn refuses_names_that_are_not_plain_file_names() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for stem in ["", ".hidden", "a/b", "..\\x"] {
            let err = Recorder::start(dir.path(), stem, &RecordOptions::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("not a file name"), "{stem:?}: {err}");
        }
    }
}
