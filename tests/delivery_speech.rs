//! Delivery figures on synthetic speech whose rate, pauses and first word are
//! known: espeak-ng at 120, 160 and 200 wpm with silences of exact length put in
//! by sox (tests/fixtures/audio/make.sh, run here into a temp dir).
//!
//! Part of the `audio` feature's test run, whose machines have espeak-ng and sox
//! (`.ci/run` installs them); the default `cargo test` needs neither.
#![cfg(feature = "audio")]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use stardrill::domain::delivery::{Delivery, analyze};
use stardrill::domain::session::LoggedStep;

const RATES: [u32; 3] = [120, 160, 200];
const KEYS: [&str; 5] = ["situation", "task", "action", "result", "learning"];

/// What make.sh wrote down about one answer.
#[derive(Debug, Default)]
struct Known {
    /// (start, end, words) of each paragraph, in seconds.
    segments: Vec<(f64, f64, u32)>,
    /// (start, seconds) of each silence between paragraphs.
    gaps: Vec<(f64, f64)>,
}

impl Known {
    fn long_pauses(&self) -> Vec<(f64, f64)> {
        self.gaps.iter().copied().filter(|g| g.1 >= 2.0).collect()
    }

    /// Words per minute over the talking time: first word to last, long pauses out.
    fn wpm(&self) -> f64 {
        let words: u32 = self.segments.iter().map(|s| s.2).sum();
        let first = self.segments.first().map_or(0.0, |s| s.0);
        let last = self.segments.last().map_or(0.0, |s| s.1);
        let paused: f64 = self.long_pauses().iter().map(|p| p.1).sum();
        f64::from(words) * 60.0 / (last - first - paused)
    }

    /// The candidate ticks each step 0.3 s after finishing its paragraph.
    fn steps(&self) -> Vec<LoggedStep> {
        self.segments
            .iter()
            .zip(KEYS)
            .map(|(s, key)| LoggedStep {
                key: key.into(),
                name: key.to_uppercase(),
                target_secs: 20,
                checked_at_secs: Some(s.1 + 0.3),
            })
            .collect()
    }
}

fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("delivery-speech");
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

fn load(rate: u32) -> (Vec<f32>, Known) {
    let dir = fixtures();
    let raw = std::fs::read(dir.join(format!("speech-{rate}.raw")))
        .unwrap_or_else(|e| panic!("fixture for {rate} wpm: {e}"));
    let samples = raw
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
        .collect();
    let facts = std::fs::read_to_string(dir.join(format!("speech-{rate}.txt")))
        .unwrap_or_else(|e| panic!("facts for {rate} wpm: {e}"));
    let mut known = Known::default();
    for line in facts.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| -> f64 {
            f.get(i)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("bad fact line {line:?}"))
        };
        match f.first() {
            Some(&"segment") => known.segments.push((num(1), num(2), num(3) as u32)),
            Some(&"pause") => known.gaps.push((num(1), num(2))),
            _ => panic!("unknown fact line {line:?}"),
        }
    }
    assert_eq!(known.segments.len(), 5, "five paragraphs for {rate} wpm");
    (samples, known)
}

fn measured(rate: u32) -> (Delivery, Known) {
    let (samples, known) = load(rate);
    let delivery = analyze(&samples, &known.steps());
    eprintln!(
        "{rate} wpm (espeak -s): known {:.0} wpm, {:?}\n  measured {delivery:?}",
        known.wpm(),
        known
    );
    (delivery, known)
}

#[test]
fn rate_estimates_keep_the_order_and_fall_within_a_quarter_of_the_known_rate() {
    let mut last = 0.0;
    for rate in RATES {
        let (d, known) = measured(rate);
        let wpm = d.wpm.unwrap_or_else(|| panic!("{rate}: no rate estimated"));
        let truth = known.wpm();
        assert!(
            (wpm - truth).abs() <= 0.25 * truth,
            "{rate}: estimated {wpm} wpm, known {truth:.0}"
        );
        assert!(
            wpm > last,
            "{rate}: {wpm} wpm is not above the slower answer's {last}"
        );
        last = wpm;
    }
}

#[test]
fn long_pauses_are_found_with_their_steps_within_150_ms() {
    for rate in RATES {
        let (d, known) = measured(rate);
        let expected = known.long_pauses();
        assert_eq!(d.pauses.len(), expected.len(), "{rate}: {:?}", d.pauses);
        // The 2.5 s pause follows Task's tick, so it lies in Action; the 4 s one in Learning.
        for ((found, (at, secs)), step) in
            d.pauses.iter().zip(&expected).zip(["action", "learning"])
        {
            assert!(
                (found.at_secs - at).abs() <= 0.15,
                "{rate}: {found:?} vs start {at}"
            );
            assert!(
                (found.secs - secs).abs() <= 0.15,
                "{rate}: {found:?} vs length {secs}"
            );
            assert_eq!(found.step.as_deref(), Some(step), "{rate}: {found:?}");
        }
    }
}

#[test]
fn time_to_first_word_is_within_100_ms() {
    for rate in RATES {
        let (d, known) = measured(rate);
        let truth = known.segments[0].0;
        let first = d
            .first_word_secs
            .unwrap_or_else(|| panic!("{rate}: no first word"));
        assert!((first - truth).abs() <= 0.1, "{rate}: {first} vs {truth}");
    }
}

#[test]
fn speaking_time_and_talk_per_step_match_the_paragraphs() {
    for rate in RATES {
        let (d, known) = measured(rate);
        let total = known.segments.last().map_or(0.0, |s| s.1) + 1.0;
        assert!(
            (d.audio_secs - total).abs() <= 0.02,
            "{rate}: {} vs {total}",
            d.audio_secs
        );
        // Speech is the paragraphs, less the short breaks espeak-ng makes at full stops.
        let spoken: f64 = known.segments.iter().map(|s| s.1 - s.0).sum();
        assert!(
            d.speaking_secs <= spoken + 0.3 && d.speaking_secs >= 0.85 * spoken,
            "{rate}: spoke {} s of {spoken:.2} s of paragraphs",
            d.speaking_secs
        );
        assert_eq!(d.steps.len(), 5);
        for (talk, seg) in d.steps.iter().zip(&known.segments) {
            let len = seg.1 - seg.0;
            assert!(
                talk.spoke_secs <= len + 0.3 && talk.spoke_secs >= 0.8 * len,
                "{rate}: {talk:?} vs paragraph of {len:.2} s"
            );
        }
    }
}
