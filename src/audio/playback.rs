//! The player: a recording, decoded into memory, through the default output.
//!
//! The caller's thread sets atomics (play, pause, seek) and opens or closes the
//! device stream: it is open only while something plays, so an open player costs
//! no CPU, and each play starts on a fresh stream (some devices cannot resume a
//! paused one: ALSA's file plugin fails the next write). The audio callback
//! reads the samples from where the cursor is, converts them to the device's
//! rate and reports the position back, for a playhead.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, SupportedStreamConfig};

use super::error::Role;
use super::ogg_opus::RATE;
use super::resample::Converter;
use super::{AudioError, decode_file, quiet};

/// No seek asked for.
const NO_SEEK: u64 = u64::MAX;
/// Samples read from the recording per conversion step (64 ms).
const STEP: usize = 1024;

/// How playback is set up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayOptions {
    /// Ask the output for this rate rather than 16 kHz (converted on the fly).
    /// For devices that misreport what they can do, and for testing the conversion.
    pub device_rate: Option<u32>,
}

#[derive(Debug)]
struct Shared {
    playing: AtomicBool,
    /// Where playback is, in 16 kHz samples.
    position: AtomicU64,
    /// A seek for the callback to carry out, in 16 kHz samples, or `NO_SEEK`.
    seek: AtomicU64,
    error: Mutex<Option<String>>,
}

/// Plays a recording; pause, seek and jump at any time.
pub struct Player {
    device: cpal::Device,
    config: SupportedStreamConfig,
    clip: Arc<[f32]>,
    /// The device stream, while something plays.
    stream: Mutex<Option<cpal::Stream>>,
    shared: Arc<Shared>,
    len: u64,
}

/// The callback's side: the samples, the cursor, the conversion.
struct Feed {
    clip: Arc<[f32]>,
    converter: Converter,
    fifo: VecDeque<f32>,
    /// Next sample of `clip` to convert.
    cursor: usize,
    /// Where the last seek landed, in samples of `clip`.
    base: u64,
    /// Device frames played since then.
    played: u64,
    flushed: bool,
}

impl Feed {
    fn seek(&mut self, to: u64) {
        let to = to.min(self.clip.len() as u64);
        self.cursor = usize::try_from(to).unwrap_or(self.clip.len());
        self.base = to;
        self.played = 0;
        self.converter.reset();
        self.fifo.clear();
        self.flushed = false;
    }

    /// Fills `out` (one value per frame) and says where playback now is, and
    /// whether the recording has run out.
    fn fill(&mut self, out: &mut [f32]) -> (u64, bool) {
        while self.fifo.len() < out.len() && !self.flushed {
            let fifo = &mut self.fifo;
            if self.cursor < self.clip.len() {
                let end = (self.cursor + STEP).min(self.clip.len());
                self.converter
                    .push(&self.clip[self.cursor..end], &mut |s| fifo.extend(s));
                self.cursor = end;
            } else {
                self.converter.finish(&mut |s| fifo.extend(s));
                self.flushed = true;
            }
        }
        let n = out.len().min(self.fifo.len());
        for (o, s) in out.iter_mut().zip(self.fifo.drain(..n)) {
            *o = s;
        }
        out[n..].fill(0.0);
        self.played += n as u64;
        let len = self.clip.len() as u64;
        let at = self.base + (self.played as f64 / self.converter.ratio()).round() as u64;
        let ended = self.flushed && self.fifo.is_empty();
        (if ended { len } else { at.min(len) }, ended)
    }
}

/// The output format to ask for: `want` Hz (16 kHz unless told, so nothing
/// needs converting), else 48 kHz, else the device's default.
fn pick_config(
    device: &cpal::Device,
    want: Option<u32>,
) -> Result<SupportedStreamConfig, cpal::Error> {
    let usable = |f: SampleFormat| {
        matches!(
            f,
            SampleFormat::F32 | SampleFormat::I16 | SampleFormat::I32 | SampleFormat::U16
        )
    };
    let rank = |f: SampleFormat| match f {
        SampleFormat::F32 => 0,
        SampleFormat::I16 => 1,
        SampleFormat::I32 => 2,
        _ => 3,
    };
    let ranges: Vec<_> = device
        .supported_output_configs()?
        .filter(|r| usable(r.sample_format()) && r.channels() > 0)
        .collect();
    let targets = match want {
        Some(w) => vec![w],
        None => vec![RATE, 48_000],
    };
    for target in targets {
        if let Some(best) = ranges
            .iter()
            .filter(|r| r.contains_rate(target))
            .min_by_key(|r| (r.channels(), rank(r.sample_format())))
        {
            return Ok(best.with_sample_rate(target));
        }
    }
    if want.is_some() {
        return Err(cpal::Error::new(cpal::ErrorKind::UnsupportedConfig));
    }
    let default = device.default_output_config()?;
    if usable(default.sample_format()) {
        Ok(default)
    } else {
        Err(cpal::Error::new(cpal::ErrorKind::UnsupportedConfig))
    }
}

/// A stream error: glitches and reroutes are let pass; anything else stops
/// playback and is kept as the line to show.
fn stream_error(shared: &Shared, err: &cpal::Error, since: quiet::Mark) {
    match err.kind() {
        cpal::ErrorKind::Xrun
        | cpal::ErrorKind::RealtimeDenied
        | cpal::ErrorKind::DeviceChanged => {}
        _ => {
            if let Ok(mut e) = shared.error.lock() {
                e.get_or_insert(Role::Output.error(err, since).to_string());
            }
            shared.playing.store(false, Ordering::Release);
        }
    }
}

fn build_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    shared: &Arc<Shared>,
    mut feed: Feed,
    since: quiet::Mark,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels).max(1);
    let data_shared = Arc::clone(shared);
    let error_shared = Arc::clone(shared);
    let mut mono: Vec<f32> = Vec::new();
    device.build_output_stream(
        config,
        move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
            let seek = data_shared.seek.swap(NO_SEEK, Ordering::AcqRel);
            if seek != NO_SEEK {
                feed.seek(seek);
            }
            if !data_shared.playing.load(Ordering::Acquire) {
                data.fill(T::EQUILIBRIUM);
                return;
            }
            let frames = data.len() / channels;
            mono.resize(frames, 0.0);
            let (at, ended) = feed.fill(&mut mono);
            for (frame, &s) in data.chunks_mut(channels).zip(&mono) {
                frame.fill(T::from_sample(s));
            }
            // A seek asked for meanwhile wins over this report.
            if data_shared.seek.load(Ordering::Acquire) == NO_SEEK {
                data_shared.position.store(at, Ordering::Release);
            }
            if ended {
                data_shared.playing.store(false, Ordering::Release);
            }
        },
        move |err: cpal::Error| stream_error(&error_shared, &err, since),
        None,
    )
}

impl Player {
    /// Opens a recording for playback through the default output device.
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        Self::open_with(path, &PlayOptions::default())
    }

    pub fn open_with(path: &Path, options: &PlayOptions) -> Result<Self, AudioError> {
        Self::from_samples(decode_file(path)?, options)
    }

    /// Plays 16 kHz mono samples (-1 to 1).
    pub fn from_samples(samples: Vec<f32>, options: &PlayOptions) -> Result<Self, AudioError> {
        let since = quiet::mark();
        let host = cpal::default_host();
        let device = host
            .default_output_device()
            .ok_or_else(|| Role::Output.missing(since))?;
        let config =
            pick_config(&device, options.device_rate).map_err(|e| Role::Output.error(&e, since))?;
        // Checked now, so a rate the converter cannot take fails the open,
        // not the first play.
        Converter::new(RATE, config.sample_rate())?;
        let len = samples.len() as u64;
        let shared = Arc::new(Shared {
            playing: AtomicBool::new(false),
            position: AtomicU64::new(0),
            seek: AtomicU64::new(NO_SEEK),
            error: Mutex::new(None),
        });
        Ok(Self {
            device,
            config,
            clip: samples.into(),
            stream: Mutex::new(None),
            shared,
            len,
        })
    }

    /// A device stream that plays from where the player is.
    fn open_stream(&self, since: quiet::Mark) -> Result<cpal::Stream, cpal::Error> {
        let mut feed = Feed {
            clip: Arc::clone(&self.clip),
            converter: Converter::new(RATE, self.config.sample_rate())
                .map_err(|_| cpal::Error::new(cpal::ErrorKind::UnsupportedConfig))?,
            fifo: VecDeque::with_capacity(1 << 15),
            cursor: 0,
            base: 0,
            played: 0,
            flushed: false,
        };
        feed.seek(self.shared.position.load(Ordering::Acquire));
        self.shared.seek.store(NO_SEEK, Ordering::Release);
        let (device, shared, c) = (&self.device, &self.shared, self.config.config());
        let stream = match self.config.sample_format() {
            SampleFormat::F32 => build_stream::<f32>(device, c, shared, feed, since),
            SampleFormat::I16 => build_stream::<i16>(device, c, shared, feed, since),
            SampleFormat::I32 => build_stream::<i32>(device, c, shared, feed, since),
            SampleFormat::U16 => build_stream::<u16>(device, c, shared, feed, since),
            _ => Err(cpal::Error::new(cpal::ErrorKind::UnsupportedConfig)),
        }?;
        stream.play()?;
        Ok(stream)
    }

    /// Plays from where it is; from the start again once it has reached the end.
    /// A device that fails to start is reported by [`Player::error`].
    pub fn play(&self) {
        if self.is_finished() {
            self.seek_to(0.0);
        }
        let Ok(mut stream) = self.stream.lock() else {
            return;
        };
        if let Ok(mut e) = self.shared.error.lock() {
            *e = None;
        }
        self.shared.playing.store(true, Ordering::Release);
        if stream.is_none() {
            let since = quiet::mark();
            match self.open_stream(since) {
                Ok(s) => *stream = Some(s),
                Err(e) => stream_error(&self.shared, &e, since),
            }
        }
    }

    pub fn pause(&self) {
        self.shared.playing.store(false, Ordering::Release);
        self.settle();
    }

    /// Closes the device stream once playback has stopped (paused, or at the
    /// end).
    fn settle(&self) {
        if self.shared.playing.load(Ordering::Acquire) {
            return;
        }
        let closed = self.stream.lock().ok().and_then(|mut s| s.take());
        // Dropped outside the lock: closing waits for the device's thread.
        drop(closed);
    }

    /// Play if paused, pause if playing. Returns whether it now plays.
    pub fn toggle(&self) -> bool {
        if self.is_playing() {
            self.pause();
            false
        } else {
            self.play();
            true
        }
    }

    pub fn is_playing(&self) -> bool {
        let playing = self.shared.playing.load(Ordering::Acquire);
        if !playing {
            self.settle();
        }
        playing
    }

    /// Whether playback has reached the end.
    pub fn is_finished(&self) -> bool {
        self.shared.position.load(Ordering::Acquire) >= self.len
    }

    /// Jumps to `secs` from the start (clamped to the recording).
    pub fn seek_to(&self, secs: f64) {
        let target = if secs.is_finite() {
            ((secs.max(0.0) * f64::from(RATE)) as u64).min(self.len)
        } else {
            0
        };
        self.shared.position.store(target, Ordering::Release);
        self.shared.seek.store(target, Ordering::Release);
    }

    /// Moves by `secs` (negative: back), e.g. ±5 for the arrow keys.
    pub fn seek_by(&self, secs: f64) {
        self.seek_to(self.position_secs() + secs);
    }

    /// Seconds from the start to what is playing now, for a playhead.
    pub fn position_secs(&self) -> f64 {
        self.settle();
        self.shared.position.load(Ordering::Acquire) as f64 / f64::from(RATE)
    }

    pub fn duration_secs(&self) -> f64 {
        self.len as f64 / f64::from(RATE)
    }

    /// The device error that stopped playback, as one line, if any.
    pub fn error(&self) -> Option<String> {
        self.shared.error.lock().ok().and_then(|e| e.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_output_stops_playback_with_one_line() {
        let shared = Shared {
            playing: AtomicBool::new(true),
            position: AtomicU64::new(0),
            seek: AtomicU64::new(NO_SEEK),
            error: Mutex::new(None),
        };
        let since = quiet::mark();
        stream_error(&shared, &cpal::Error::new(cpal::ErrorKind::Xrun), since);
        assert!(shared.playing.load(Ordering::Acquire));
        stream_error(
            &shared,
            &cpal::Error::new(cpal::ErrorKind::DeviceNotAvailable),
            since,
        );
        assert!(!shared.playing.load(Ordering::Acquire));
        assert_eq!(
            shared.error.lock().ok().and_then(|e| e.clone()).as_deref(),
            Some("sound output unavailable: was it unplugged?")
        );
    }

    #[test]
    fn the_feed_plays_to_the_end_and_reports_where_it_is() {
        let clip: Vec<f32> = (0..16_000).map(|i| (i % 100) as f32 / 100.0).collect();
        for rate in [16_000, 48_000, 44_100] {
            let mut feed = Feed {
                clip: clip.clone().into(),
                converter: Converter::new(RATE, rate).unwrap_or_else(|e| panic!("{e}")),
                fifo: VecDeque::new(),
                cursor: 0,
                base: 0,
                played: 0,
                flushed: false,
            };
            let mut out = vec![0.0; 441];
            let (at, ended) = feed.fill(&mut out);
            assert!(!ended);
            let expect = (441.0 * 16_000.0 / f64::from(rate)).round() as u64;
            assert_eq!(at, expect, "{rate}");
            feed.seek(8_000);
            let (at, _) = feed.fill(&mut out);
            assert_eq!(at, 8_000 + expect, "{rate}: after a seek");
            let mut last = (0, false);
            for _ in 0..200 {
                last = feed.fill(&mut out);
                if last.1 {
                    break;
                }
            }
            assert_eq!(last, (16_000, true), "{rate}");
        }
    }
}
