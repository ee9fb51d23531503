//! Delivery: how an answer was said, measured from its audio alone (no speech model).
//!
//! The audio is reduced, 10 ms at a time, to a few numbers ([`Envelope`]): its
//! loudness, the loudness of the band where vowels carry their energy, and how
//! often the wave crosses zero. Everything else is computed from that envelope:
//!
//! - **Speaking vs silence.** A frame is speech when it is clearly louder than the
//!   noise floor (the quietest moment in the five seconds before it or after it,
//!   whichever is louder, so the floor follows a fan that starts mid-answer) and not
//!   far below the answer's loud parts. Gaps shorter than 0.3 s are part of speech;
//!   blips shorter than 0.1 s (a click, a knock) are not.
//! - **Long pauses**: silences of 2 s or more between two stretches of speech.
//! - **Speech rate** in the manner of de Jong & Wempe (2009, "Praat script to detect
//!   syllable nuclei and measure speech rate automatically"): peaks of the vowel-band
//!   intensity that are loud enough, stand at least 2 dB above the dip before the
//!   next peak, and are voiced, are counted as syllable nuclei; syllables per minute
//!   over the talking time, divided by 1.5 syllables per English word, give an
//!   estimate of words per minute.
//!
//! Audio time is answer time (the recorder leaves paused time out), so the step
//! tick times of the session log line up with it.

use std::collections::VecDeque;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::session::LoggedStep;

/// The sample rate the analysis (and the recorder) works at.
pub const SAMPLE_RATE: u32 = 16_000;
/// A silence at least this long between two stretches of speech is a long pause.
pub const LONG_PAUSE_SECS: f64 = 2.0;
/// The speech rate most listeners find comfortable, in words per minute.
pub const COMFORTABLE_WPM: RangeInclusive<f64> = 130.0..=160.0;
/// Average syllables per word in spoken English; turns syllable rate into words.
pub const SYLLABLES_PER_WORD: f64 = 1.5;

/// Samples per frame: 10 ms.
const HOP: usize = (SAMPLE_RATE / 100) as usize;
const HOP_SECS: f64 = 0.01;
/// Gaps shorter than this many frames (0.3 s) are part of speech (stops, breaths).
const MERGE_GAP: usize = 30;
/// Speech shorter than this many frames (0.1 s), once gaps are merged, is a click.
const MIN_SPEECH: usize = 10;
/// The noise floor looks this many frames (5 s) back and ahead.
const FLOOR_REACH: usize = 500;
/// Speech stands this far above the noise floor…
const ABOVE_FLOOR_DB: f32 = 12.0;
/// …and no further than this below the answer's loud parts (its 99th percentile).
const BELOW_LOUD_DB: f32 = 35.0;
/// Anything quieter than this is silence, whatever the floor (digital silence).
const QUIETEST_SPEECH_DB: f32 = -65.0;
/// A syllable nucleus: the vowel-band peak is within this of the band's loud parts…
const NUCLEUS_BELOW_LOUD_DB: f32 = 25.0;
/// …and rises this far above the dip before the next peak.
const NUCLEUS_DIP_DB: f32 = 2.0;
/// Voiced sound crosses zero rarely; hiss and fricatives cross it often.
const VOICED_MAX_ZCR: f32 = 0.3;
/// Too little talking to estimate a rate from.
const MIN_RATE_SECS: f64 = 5.0;
const MIN_RATE_SYLLABLES: u32 = 10;

/// The delivery figures of one answer, saved in its session log as `[delivery]`.
/// Every field has a default, so logs written before a field existed still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Delivery {
    /// Seconds of audio analysed (the answer, pauses of the countdown left out).
    pub audio_secs: f64,
    /// Seconds of speech, short gaps between words included.
    pub speaking_secs: f64,
    /// Seconds of silence: `audio_secs - speaking_secs`.
    pub silence_secs: f64,
    /// Seconds from the start of the answer to the first word; absent when no speech was heard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_word_secs: Option<f64>,
    /// Syllable nuclei counted.
    pub syllables: u32,
    /// Estimated words per minute over the talking time (first word to last, long
    /// pauses left out); absent when there was too little speech to tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wpm: Option<f64>,
    /// Silences of [`LONG_PAUSE_SECS`] or more between words, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// Talking time in each ticked step, in step order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepTalk>,
}

/// A long pause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pause {
    /// Seconds into the answer when the silence began.
    pub at_secs: f64,
    /// How long it lasted.
    pub secs: f64,
    /// Key of the step it fell in (most of it); absent when no ticked step covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// How much of a step's time was spent talking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepTalk {
    pub key: String,
    /// The step's time: from the previous tick (or the start) to its own tick.
    pub span_secs: f64,
    /// Seconds of speech within that span.
    pub spoke_secs: f64,
}

/// One 10 ms frame of the envelope.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    /// Mean square of the samples (full band).
    power: f32,
    /// Mean square in the vowel band (about 300 Hz to 3 kHz).
    band: f32,
    /// Zero crossings per sample, 0 to 1.
    zcr: f32,
}

/// A second-order IIR section (direct form I), for the vowel-band filter.
#[derive(Debug, Clone, Copy, Default)]
struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
    x: [f32; 2],
    y: [f32; 2],
}

impl Biquad {
    /// Butterworth (Q = 1/√2) high- or low-pass at `hz`, from the RBJ cookbook.
    fn butterworth(hz: f32, high: bool) -> Self {
        let w0 = 2.0 * std::f32::consts::PI * hz / SAMPLE_RATE as f32;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / std::f32::consts::SQRT_2;
        let a0 = 1.0 + alpha;
        let (b0, b1) = if high {
            ((1.0 + cos) / 2.0, -(1.0 + cos))
        } else {
            ((1.0 - cos) / 2.0, 1.0 - cos)
        };
        Self {
            b: [b0 / a0, b1 / a0, b0 / a0],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            ..Self::default()
        }
    }

    fn run(&mut self, x: f32) -> f32 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        // Flush denormals so long digital silences stay fast.
        let y = if y.abs() < 1e-25 { 0.0 } else { y };
        self.y = [y, self.y[0]];
        y
    }
}

/// The envelope of an answer, built as its samples arrive (16 kHz mono, -1 to 1),
/// so a recorder can feed it while recording and keep no samples. Small: 12 bytes
/// per 10 ms, about 140 kB for two minutes.
#[derive(Debug, Clone)]
pub struct Envelope {
    frames: Vec<Frame>,
    high: Biquad,
    low: Biquad,
    /// DC blocker state for the zero-crossing count.
    dc_x: f32,
    dc_y: f32,
    last_positive: bool,
    // The frame being filled.
    power: f32,
    band: f32,
    crossings: u32,
    filled: usize,
}

impl Default for Envelope {
    fn default() -> Self {
        Self::new()
    }
}

impl Envelope {
    pub fn new() -> Self {
        Self {
            frames: Vec::new(),
            high: Biquad::butterworth(300.0, true),
            low: Biquad::butterworth(3000.0, false),
            dc_x: 0.0,
            dc_y: 0.0,
            last_positive: false,
            power: 0.0,
            band: 0.0,
            crossings: 0,
            filled: 0,
        }
    }

    /// The envelope of a whole answer.
    pub fn of(samples: &[f32]) -> Self {
        let mut envelope = Self::new();
        envelope.push(samples);
        envelope
    }

    /// Adds samples (16 kHz mono). Values that are not finite count as silence.
    pub fn push(&mut self, samples: &[f32]) {
        for &s in samples {
            let s = if s.is_finite() {
                s.clamp(-1.0, 1.0)
            } else {
                0.0
            };
            self.power += s * s;
            let b = self.low.run(self.high.run(s));
            self.band += b * b;
            // A one-pole DC blocker, so an offset does not hide crossings.
            let y = s - self.dc_x + 0.995 * self.dc_y;
            self.dc_x = s;
            self.dc_y = if y.abs() < 1e-25 { 0.0 } else { y };
            let positive = y > 0.0;
            if positive != self.last_positive {
                self.crossings += 1;
                self.last_positive = positive;
            }
            self.filled += 1;
            if self.filled == HOP {
                let n = HOP as f32;
                self.frames.push(Frame {
                    power: self.power / n,
                    band: self.band / n,
                    zcr: self.crossings as f32 / n,
                });
                self.power = 0.0;
                self.band = 0.0;
                self.crossings = 0;
                self.filled = 0;
            }
        }
    }

    /// Seconds of audio in whole frames so far.
    pub fn secs(&self) -> f64 {
        self.frames.len() as f64 * HOP_SECS
    }

    /// The stretches of speech heard (start and end, in seconds), in order:
    /// what a transcript's words are checked against for filled pauses.
    pub fn speech_spans(&self) -> Vec<(f64, f64)> {
        let power: Vec<f32> = self.frames.iter().map(|f| f.power).collect();
        speech_segments(&smoothed_db(&power, 1))
            .into_iter()
            .map(|(s, e)| (s as f64 * HOP_SECS, e as f64 * HOP_SECS))
            .collect()
    }

    /// The delivery figures, with talking time per step from the log's tick times.
    pub fn analyze(&self, steps: &[LoggedStep]) -> Delivery {
        analyze_frames(&self.frames, steps)
    }
}

/// The delivery figures of an answer: 16 kHz mono samples (-1 to 1) and the
/// steps of its session log (their tick times split the answer into steps).
/// Never panics, whatever the input; silence gives no speech.
pub fn analyze(samples: &[f32], steps: &[LoggedStep]) -> Delivery {
    Envelope::of(samples).analyze(steps)
}

fn db(power: f32) -> f32 {
    10.0 * power.max(1e-12).log10()
}

/// The `q` quantile (0 to 1) of `values`; `None` when empty.
fn quantile(values: &[f32], q: f64) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    let last = v.len() - 1;
    let k = ((last as f64 * q).round() as usize).min(last);
    let (_, x, _) = v.select_nth_unstable_by(k, f32::total_cmp);
    Some(*x)
}

/// The mean of `power` over `i - reach ..= i + reach`, in dB, for every frame.
fn smoothed_db(power: &[f32], reach: usize) -> Vec<f32> {
    let n = power.len();
    let mut prefix = Vec::with_capacity(n + 1);
    let mut sum = 0.0f64;
    prefix.push(0.0);
    for &p in power {
        sum += f64::from(p);
        prefix.push(sum);
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(reach);
            let hi = (i + reach + 1).min(n);
            let mean = (prefix[hi] - prefix[lo]) / (hi - lo) as f64;
            db(mean as f32)
        })
        .collect()
}

/// For every frame, the minimum of `values` over the `reach` frames before it
/// (itself included), in linear time with a monotonic queue.
fn trailing_min(values: impl Iterator<Item = f32>, reach: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let mut queue: VecDeque<(usize, f32)> = VecDeque::new();
    for (i, v) in values.enumerate() {
        while queue.back().is_some_and(|&(_, b)| b >= v) {
            queue.pop_back();
        }
        queue.push_back((i, v));
        while queue.front().is_some_and(|&(j, _)| j + reach <= i) {
            queue.pop_front();
        }
        out.push(queue.front().map_or(v, |&(_, f)| f));
    }
    out
}

/// The noise floor at each frame: the quietest moment in the `reach` frames
/// before it, or in those after it, whichever is louder. Taking the louder side
/// lets the floor step up at once when a fan starts (the frames after it are all
/// fan) and step down at once when it stops (the frames before the quiet are).
fn noise_floor(level: &[f32], reach: usize) -> Vec<f32> {
    let before = trailing_min(level.iter().copied(), reach);
    let mut after = trailing_min(level.iter().rev().copied(), reach);
    after.reverse();
    before.iter().zip(&after).map(|(b, a)| b.max(*a)).collect()
}

/// Stretches of speech as frame ranges `[start, end)`, in order.
fn speech_segments(level: &[f32]) -> Vec<(usize, usize)> {
    let Some(loud) = quantile(level, 0.99) else {
        return Vec::new();
    };
    let floor = noise_floor(level, FLOOR_REACH);
    let mut raw: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, (&l, &f)) in level.iter().zip(&floor).enumerate() {
        let threshold = (f + ABOVE_FLOOR_DB)
            .max(loud - BELOW_LOUD_DB)
            .max(QUIETEST_SPEECH_DB);
        match (l > threshold, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                raw.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        raw.push((s, level.len()));
    }
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in raw {
        match merged.last_mut() {
            Some(last) if s - last.1 < MERGE_GAP => last.1 = e,
            _ => merged.push((s, e)),
        }
    }
    merged.retain(|&(s, e)| e - s >= MIN_SPEECH);
    merged
}

/// Frames of syllable nuclei within the speech segments.
fn nuclei(frames: &[Frame], band: &[f32], segments: &[(usize, usize)]) -> Vec<usize> {
    let Some(loud) = quantile(band, 0.99) else {
        return Vec::new();
    };
    let threshold = loud - NUCLEUS_BELOW_LOUD_DB;
    let mut in_speech = vec![false; band.len()];
    for &(s, e) in segments {
        in_speech[s..e].fill(true);
    }
    let peaks: Vec<usize> = (1..band.len().saturating_sub(1))
        .filter(|&i| band[i] > band[i - 1] && band[i] >= band[i + 1] && band[i] > threshold)
        .filter(|&i| in_speech[i])
        .collect();
    let mut found = Vec::new();
    for (k, &p) in peaks.iter().enumerate() {
        let dip = match peaks.get(k + 1) {
            Some(&q) => band[p..=q].iter().copied().fold(f32::INFINITY, f32::min),
            None => band[p..].iter().copied().fold(f32::INFINITY, f32::min),
        };
        let voiced = frames[p].zcr <= VOICED_MAX_ZCR;
        if band[p] - dip >= NUCLEUS_DIP_DB && voiced {
            found.push(p);
        }
    }
    found
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0.0)
}

fn round2(x: f64) -> f64 {
    // + 0.0 turns -0.0 (an empty float sum) into 0.0, which logs show as 0.0.
    (x * 100.0).round() / 100.0 + 0.0
}

/// Each ticked step's span: from the latest earlier tick (or 0) to its tick.
fn step_spans(steps: &[LoggedStep]) -> Vec<(&str, (f64, f64))> {
    steps
        .iter()
        .filter_map(|s| {
            let at = s.checked_at_secs.filter(|t| t.is_finite() && *t >= 0.0)?;
            let before = steps
                .iter()
                .filter_map(|o| o.checked_at_secs)
                .filter(|&o| o.is_finite() && o < at)
                .fold(0.0, f64::max);
            Some((s.key.as_str(), (before, at)))
        })
        .collect()
}

fn analyze_frames(frames: &[Frame], steps: &[LoggedStep]) -> Delivery {
    let audio_secs = frames.len() as f64 * HOP_SECS;
    let power: Vec<f32> = frames.iter().map(|f| f.power).collect();
    let band_power: Vec<f32> = frames.iter().map(|f| f.band).collect();
    let level = smoothed_db(&power, 1);
    let band = smoothed_db(&band_power, 2);
    let segments = speech_segments(&level);
    let secs = |(s, e): (usize, usize)| (s as f64 * HOP_SECS, e as f64 * HOP_SECS);
    let spans: Vec<(f64, f64)> = segments.iter().map(|&seg| secs(seg)).collect();

    let speaking_secs: f64 = spans.iter().map(|(s, e)| e - s).sum();
    let step_spans = step_spans(steps);
    let pauses: Vec<Pause> = spans
        .windows(2)
        .filter_map(|w| {
            let gap = (w[0].1, w[1].0);
            (gap.1 - gap.0 >= LONG_PAUSE_SECS).then(|| Pause {
                at_secs: round2(gap.0),
                secs: round2(gap.1 - gap.0),
                step: step_spans
                    .iter()
                    .map(|(key, span)| (key, overlap(gap, *span)))
                    .filter(|(_, o)| *o > 0.0)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(key, _)| key.to_string()),
            })
        })
        .collect();

    let syllables = u32::try_from(nuclei(frames, &band, &segments).len()).unwrap_or(u32::MAX);
    let talk_secs = match (spans.first(), spans.last()) {
        (Some(first), Some(last)) => last.1 - first.0 - pauses.iter().map(|p| p.secs).sum::<f64>(),
        _ => 0.0,
    };
    let wpm = (talk_secs >= MIN_RATE_SECS && syllables >= MIN_RATE_SYLLABLES)
        .then(|| (f64::from(syllables) / talk_secs * 60.0 / SYLLABLES_PER_WORD).round());

    Delivery {
        audio_secs: round2(audio_secs),
        speaking_secs: round2(speaking_secs),
        silence_secs: round2(audio_secs - speaking_secs),
        first_word_secs: spans.first().map(|s| round2(s.0)),
        syllables,
        wpm,
        pauses,
        steps: step_spans
            .iter()
            .map(|(key, span)| StepTalk {
                key: key.to_string(),
                span_secs: round2(span.1 - span.0),
                spoke_secs: round2(spans.iter().map(|s| overlap(*s, *span)).sum()),
            })
            .collect(),
    }
}

/// `m:ss`.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

impl Delivery {
    /// Whether the rate is within the comfortable range.
    pub fn comfortable_pace(&self) -> Option<bool> {
        self.wpm.map(|w| COMFORTABLE_WPM.contains(&w))
    }

    /// Advice from the figures, most useful first, at most three lines, e.g.
    /// "you paused 9 s in Action" or "about 190 wpm: slow down". `steps` (the
    /// session log's) give step names for the keys.
    pub fn suggestions(&self, steps: &[LoggedStep]) -> Vec<String> {
        let name = |key: &str| {
            steps
                .iter()
                .find(|s| s.key == key)
                .map_or_else(|| key.to_string(), |s| s.name.clone())
        };
        let mut out = Vec::new();
        if self.first_word_secs.is_none() {
            if self.audio_secs >= 3.0 {
                out.push("no speech was heard: is the microphone on?".to_string());
            }
            return out;
        }
        if let Some(wpm) = self.wpm {
            let w = wpm.round();
            if wpm > 175.0 {
                out.push(format!("about {w} wpm: slow down"));
            } else if wpm > *COMFORTABLE_WPM.end() {
                out.push(format!("about {w} wpm: a touch fast"));
            } else if wpm < 110.0 {
                out.push(format!("about {w} wpm: pick up the pace"));
            } else if wpm < *COMFORTABLE_WPM.start() {
                out.push(format!("about {w} wpm: a touch slow"));
            }
        }
        if let Some(longest) = self.pauses.iter().max_by(|a, b| a.secs.total_cmp(&b.secs)) {
            let place = longest
                .step
                .as_deref()
                .map_or_else(String::new, |k| format!(" in {}", name(k)));
            let more = match self.pauses.len() {
                1 => String::new(),
                2 => " and once more".to_string(),
                n => format!(" and {} more times", n - 1),
            };
            out.push(format!(
                "you paused {}{place}{more}",
                short_secs(longest.secs)
            ));
        }
        if let Some(first) = self.first_word_secs.filter(|&t| t >= 5.0) {
            out.push(format!(
                "{} before your first word: open with the situation",
                short_secs(first)
            ));
        }
        if let Some(quiet) = self
            .steps
            .iter()
            .filter(|s| s.span_secs >= 10.0 && s.spoke_secs < 0.5 * s.span_secs)
            .min_by(|a, b| (a.spoke_secs / a.span_secs).total_cmp(&(b.spoke_secs / b.span_secs)))
        {
            out.push(format!(
                "you spoke for {} of {}'s {}",
                clock(quiet.spoke_secs),
                name(&quiet.key),
                clock(quiet.span_secs)
            ));
        }
        out.truncate(3);
        out
    }
}

/// Seconds with one decimal under ten, whole above: "1.2 s", "14 s" (the
/// same figure on the card and in its advice).
pub fn short_secs(secs: f64) -> String {
    if secs < 9.95 {
        format!("{secs:.1} s")
    } else {
        format!("{secs:.0} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RATE: f64 = SAMPLE_RATE as f64;

    fn step(key: &str, at: Option<f64>) -> LoggedStep {
        LoggedStep {
            key: key.into(),
            name: key.to_uppercase(),
            target_secs: 20,
            checked_at_secs: at,
        }
    }

    /// A cheap stand-in for noise: a fixed-seed linear congruential generator.
    fn noise(secs: f64, amplitude: f32, seed: u32) -> Vec<f32> {
        let mut state = seed;
        (0..(secs * RATE) as usize)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1 << 24) as f32 * 2.0 * amplitude - amplitude
            })
            .collect()
    }

    /// Speech-like sound: voiced "syllables" (a 140 Hz tone with harmonics, in a
    /// raised-cosine swell) at `per_sec` syllables a second, for `secs` seconds.
    fn syllables(secs: f64, per_sec: f64) -> Vec<f32> {
        (0..(secs * RATE) as usize)
            .map(|i| {
                let t = i as f64 / RATE;
                let phase = (t * per_sec).fract();
                let swell = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * phase).cos();
                let voice: f64 = (1..=8)
                    .map(|h| (2.0 * std::f64::consts::PI * 140.0 * h as f64 * t).sin() / h as f64)
                    .sum();
                (0.15 * swell * swell * voice) as f32
            })
            .collect()
    }

    fn silence(secs: f64) -> Vec<f32> {
        vec![0.0; (secs * RATE) as usize]
    }

    fn mix(mut a: Vec<f32>, b: &[f32]) -> Vec<f32> {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
        a
    }

    #[test]
    fn nothing_gives_nothing() {
        let d = analyze(&[], &[step("s", Some(3.0))]);
        assert_eq!(d.audio_secs, 0.0);
        assert!(d.speaking_secs.is_sign_positive(), "no -0.0 in a log");
        assert!(d.steps[0].spoke_secs.is_sign_positive());
        assert_eq!(d.first_word_secs, None);
        assert_eq!(d.wpm, None);
        assert!(d.pauses.is_empty());
        assert_eq!(d.suggestions(&[]), Vec::<String>::new());
    }

    #[test]
    fn silence_and_steady_noise_give_no_speech() {
        for samples in [silence(10.0), noise(10.0, 0.01, 1), noise(10.0, 0.3, 2)] {
            let d = analyze(&samples, &[]);
            assert_eq!(d.speaking_secs, 0.0, "{d:?}");
            assert_eq!(d.silence_secs, 10.0);
            assert_eq!(d.first_word_secs, None);
            assert_eq!(d.syllables, 0);
            assert_eq!(
                d.suggestions(&[]),
                ["no speech was heard: is the microphone on?"]
            );
        }
    }

    #[test]
    fn a_click_is_not_a_word() {
        let mut samples = noise(6.0, 0.003, 3);
        for s in &mut samples[32_000..32_400] {
            *s = 0.9;
        }
        let d = analyze(&samples, &[]);
        assert_eq!(d.first_word_secs, None, "{d:?}");
    }

    #[test]
    fn finds_speech_pauses_and_rate_in_speech_like_sound() {
        let bed = noise(21.0, 0.003, 4);
        let samples = [
            silence(1.5),
            syllables(8.0, 4.0),
            silence(3.0),
            syllables(8.0, 4.0),
            silence(0.5),
        ]
        .concat();
        let d = analyze(
            &mix(samples, &bed),
            &[step("a", Some(10.0)), step("b", Some(20.0))],
        );
        let first = d.first_word_secs.unwrap_or(-1.0);
        assert!((first - 1.5).abs() < 0.15, "{d:?}");
        assert_eq!(d.pauses.len(), 1, "{d:?}");
        // The swell is quiet at its ends, so each edge of the pause blurs a little.
        assert!((d.pauses[0].at_secs - 9.5).abs() < 0.2, "{d:?}");
        assert!((d.pauses[0].secs - 3.0).abs() < 0.3, "{d:?}");
        assert_eq!(
            d.pauses[0].step.as_deref(),
            Some("b"),
            "most of it is after 10 s"
        );
        // 4 syllables a second, 1.5 syllables a word: 160 wpm.
        let wpm = d.wpm.unwrap_or(0.0);
        assert!((140.0..=180.0).contains(&wpm), "{d:?}");
        assert!((d.speaking_secs - 16.0).abs() < 0.6, "{d:?}");
        assert_eq!(d.steps.len(), 2);
        assert!((d.steps[0].spoke_secs - 8.0).abs() < 0.4, "{d:?}");
        // Step b ends at 20 s, half a second before the speech does.
        assert!((d.steps[1].spoke_secs - 7.5).abs() < 0.4, "{d:?}");
    }

    #[test]
    fn the_rate_follows_the_syllables() {
        let wpm = |per_sec| {
            analyze(&syllables(20.0, per_sec), &[])
                .wpm
                .unwrap_or_default()
        };
        let (slow, mid, fast) = (wpm(3.0), wpm(4.0), wpm(5.0));
        assert!(slow < mid && mid < fast, "{slow} {mid} {fast}");
        assert!((fast - 200.0).abs() <= 20.0, "{fast}");
    }

    #[test]
    fn the_floor_follows_a_noise_that_starts_mid_answer() {
        // Quiet room, then a fan 20 dB louder: the fan alone is not speech.
        let samples = [noise(12.0, 0.002, 5), noise(12.0, 0.02, 6)].concat();
        let d = analyze(&samples, &[]);
        assert!(d.speaking_secs < 0.3, "{d:?}");
    }

    #[test]
    fn feeding_in_pieces_is_the_same_as_all_at_once() {
        let samples = mix(syllables(5.0, 4.0), &noise(5.0, 0.002, 7));
        let whole = Envelope::of(&samples);
        let mut pieces = Envelope::new();
        for chunk in samples.chunks(77) {
            pieces.push(chunk);
        }
        assert_eq!(whole.frames, pieces.frames);
        assert_eq!(whole.secs(), 5.0);
    }

    #[test]
    fn steps_without_ticks_are_left_out_and_spans_follow_the_latest_earlier_tick() {
        let samples = syllables(12.0, 4.0);
        let d = analyze(
            &samples,
            &[
                step("a", Some(4.0)),
                step("b", None),
                step("c", Some(10.0)),
                step("d", Some(f64::NAN)),
            ],
        );
        let keys: Vec<&str> = d.steps.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["a", "c"]);
        assert_eq!(d.steps[1].span_secs, 6.0);
    }

    #[test]
    fn suggestions_name_the_step_and_the_pace() {
        let d = Delivery {
            audio_secs: 120.0,
            speaking_secs: 100.0,
            silence_secs: 20.0,
            first_word_secs: Some(6.2),
            syllables: 400,
            wpm: Some(191.4),
            pauses: vec![
                Pause {
                    at_secs: 40.0,
                    secs: 9.2,
                    step: Some("action".into()),
                },
                Pause {
                    at_secs: 80.0,
                    secs: 2.5,
                    step: None,
                },
            ],
            steps: vec![StepTalk {
                key: "result".into(),
                span_secs: 40.0,
                spoke_secs: 12.0,
            }],
        };
        let steps = [step("action", Some(60.0)), step("result", Some(100.0))];
        let mut named = steps.clone();
        named[0].name = "Action".into();
        named[1].name = "Result".into();
        assert_eq!(
            d.suggestions(&named),
            [
                "about 191 wpm: slow down",
                "you paused 9.2 s in Action and once more",
                "6.2 s before your first word: open with the situation",
            ]
        );
        let calm = Delivery {
            wpm: Some(145.0),
            pauses: vec![],
            first_word_secs: Some(1.0),
            ..d
        };
        assert_eq!(calm.comfortable_pace(), Some(true));
        assert_eq!(
            calm.suggestions(&named),
            ["you spoke for 0:12 of Result's 0:40"]
        );
    }

    /// The log carries the figures as a `[delivery]` table.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Log {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<Delivery>,
    }

    #[test]
    fn reads_and_writes_as_a_toml_table_and_old_logs_still_read() {
        let log = Log {
            id: "a1b2c3".into(),
            delivery: Some(Delivery {
                audio_secs: 74.19,
                speaking_secs: 61.0,
                silence_secs: 13.19,
                first_word_secs: Some(1.19),
                syllables: 234,
                wpm: Some(143.0),
                pauses: vec![Pause {
                    at_secs: 26.54,
                    secs: 2.55,
                    step: Some("action".into()),
                }],
                steps: vec![StepTalk {
                    key: "situation".into(),
                    span_secs: 14.8,
                    spoke_secs: 12.74,
                }],
            }),
        };
        let text = toml::to_string(&log).unwrap_or_default();
        assert!(text.contains("[delivery]\n"), "{text}");
        assert!(text.contains("[[delivery.pauses]]\n"), "{text}");
        assert_eq!(toml::from_str::<Log>(&text).ok(), Some(log));
        let old: Log = toml::from_str("id = \"x\"\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.delivery, None);
        let partial: Log = toml::from_str("id = \"x\"\n[delivery]\nwpm = 150.0\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            partial.delivery.map(|d| (d.wpm, d.syllables)),
            Some((Some(150.0), 0))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn never_panics_and_the_figures_add_up(
            samples in prop::collection::vec(
                prop_oneof![
                    -1.0f32..1.0,
                    Just(f32::NAN),
                    Just(f32::INFINITY),
                    Just(f32::NEG_INFINITY),
                    Just(1e30f32),
                ],
                0..6_000,
            ),
            ticks in prop::collection::vec(
                prop::option::of(prop_oneof![-5.0f64..10.0, Just(f64::NAN), Just(f64::INFINITY)]),
                0..6,
            ),
        ) {
            let steps: Vec<LoggedStep> =
                ticks.iter().enumerate().map(|(i, t)| step(&i.to_string(), *t)).collect();
            let d = analyze(&samples, &steps);
            prop_assert!(d.speaking_secs >= 0.0 && d.speaking_secs <= d.audio_secs + 1e-9);
            prop_assert!((d.speaking_secs + d.silence_secs - d.audio_secs).abs() < 0.011);
            prop_assert!(d.first_word_secs.is_none_or(|t| t >= 0.0 && t <= d.audio_secs));
            prop_assert!(d.pauses.iter().all(|p| p.secs >= LONG_PAUSE_SECS - 0.01));
            prop_assert!(d.steps.iter().all(|s| s.spoke_secs <= s.span_secs + 0.01));
            prop_assert!(d.wpm.is_none_or(f64::is_finite));
            let _ = d.suggestions(&steps);
        }
    }
}
