//! The transcript of a recorded answer: every word with its time and the STAR
//! step it falls in, kept beside the session log as
//! `<data dir>/transcripts/<log file stem>.toml`.
//!
//! The step of a word comes from the step tick times in the log: a ticked step
//! covers the time since the tick before it, and talk after the last tick goes
//! to the next step not yet ticked (the candidate moved on but never ticked it).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::session::LoggedStep;

/// Bumped when a field changes meaning; readers skip transcripts newer than they know.
pub const TRANSCRIPT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub schema_version: u32,
    /// The session log this belongs to: its file name without `.toml`.
    pub session: String,
    /// The model file's name (not its path, which may name the user's folders).
    pub model: String,
    /// The model's size and language from its header: "tiny.en", "base", ... or "unknown".
    pub model_kind: String,
    /// The speech engine and its version, e.g. "whisper.cpp 1.8.3".
    pub engine: String,
    pub language: String,
    pub created_at: DateTime<FixedOffset>,
    /// Length of the audio that was transcribed, in seconds.
    pub audio_secs: f64,
    #[serde(default, rename = "word")]
    pub words: Vec<Word>,
    /// Short sounds the audio analysis heard where no word is: most likely
    /// "um"s the speech model left out (see `cues::unworded_voice`).
    #[serde(
        default,
        rename = "filled_pause",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub filled_pauses: Vec<FilledPause>,
}

/// A sound the audio analysis took for a filled pause ("uhm"), with its time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FilledPause {
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    /// Seconds into the answer (pauses excluded, like the step tick times).
    pub start: f64,
    pub end: f64,
    /// The key of the step the word falls in; absent when no step covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The engine's confidence in the word, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f32>,
}

impl Word {
    /// The middle of the word, which decides its step.
    pub fn mid(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

/// Why a transcript file could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TranscriptError {
    #[error("written by a newer stardrill (schema_version {0})")]
    Newer(i64),
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Invalid {
        line: Option<usize>,
        message: String,
    },
}

impl Transcript {
    /// The sidecar's file name for a session log's file name.
    pub fn file_name_for(log_file: &str) -> String {
        format!("{}.toml", log_stem(log_file))
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let mut clean = self.clone();
        for w in &mut clean.words {
            w.start = centis(w.start);
            w.end = centis(w.end);
            w.p = w.p.map(|p| ((p * 100.0).round() / 100.0).clamp(0.0, 1.0));
        }
        for p in &mut clean.filled_pauses {
            p.start = centis(p.start);
            p.end = centis(p.end);
        }
        clean.audio_secs = centis(clean.audio_secs);
        let body = toml::to_string(&clean)?;
        Ok(format!(
            "# stardrill transcript of {} ({} words, {})\n{body}",
            self.session,
            self.words.len(),
            self.model
        ))
    }

    pub fn from_toml(text: &str) -> Result<Self, TranscriptError> {
        match toml::from_str::<Transcript>(text) {
            Ok(t) if i64::from(t.schema_version) > i64::from(TRANSCRIPT_SCHEMA_VERSION) => {
                Err(TranscriptError::Newer(i64::from(t.schema_version)))
            }
            Ok(t) if t.schema_version == 0 => Err(TranscriptError::Invalid {
                line: line_of(text, "schema_version"),
                message: "schema_version 0 is not a version stardrill writes".into(),
            }),
            Ok(t) => Ok(t),
            Err(err) => {
                // A newer schema may have changed any field: say so rather than
                // report the first field this version does not understand.
                if let Ok(table) = toml::from_str::<toml::Table>(text)
                    && let Some(toml::Value::Integer(v)) = table.get("schema_version")
                    && *v > i64::from(TRANSCRIPT_SCHEMA_VERSION)
                {
                    return Err(TranscriptError::Newer(*v));
                }
                Err(TranscriptError::Invalid {
                    line: err.span().map(|span| {
                        let end = span.start.min(text.len());
                        text.as_bytes()[..end]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count()
                            + 1
                    }),
                    message: err.message().trim().to_string(),
                })
            }
        }
    }

    /// Sets each word's step from the tick times in `steps` (framework order).
    pub fn assign_steps(&mut self, steps: &[LoggedStep]) {
        let spans = step_spans(steps);
        for w in &mut self.words {
            w.step = step_at(&spans, w.mid()).map(str::to_string);
        }
    }

    /// Words sorted by start time, with times made finite, non-negative and in order.
    pub fn tidy_words(&mut self) {
        for w in &mut self.words {
            let (a, b) = (finite_or_zero(w.start), finite_or_zero(w.end));
            w.start = a.min(b).max(0.0);
            w.end = a.max(b).max(0.0);
        }
        self.words.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
}

/// `20261123T101500Z-ab12cd.toml` → `20261123T101500Z-ab12cd`.
pub fn log_stem(log_file: &str) -> &str {
    log_file.strip_suffix(".toml").unwrap_or(log_file)
}

/// The part of the answer a step covers, from the tick times.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSpan {
    pub key: String,
    /// Seconds into the answer; the span holds times after `start`, up to and
    /// including `end` (the first span also holds time 0 and before).
    pub start: f64,
    /// `None`: the span runs to the end of the answer.
    pub end: Option<f64>,
}

/// Spans for the ticked steps in time order, then one open span after the last
/// tick for the next step (in framework order) that was not ticked, if any.
/// With no tick at all there is nothing to go by, and no span.
pub fn step_spans(steps: &[LoggedStep]) -> Vec<StepSpan> {
    let mut ticked: Vec<(usize, f64)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.checked_at_secs
                .filter(|t| t.is_finite())
                .map(|t| (i, t.max(0.0)))
        })
        .collect();
    ticked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut spans = Vec::with_capacity(ticked.len() + 1);
    let mut start = 0.0;
    for &(i, at) in &ticked {
        spans.push(StepSpan {
            key: steps[i].key.clone(),
            start,
            end: Some(at),
        });
        start = at;
    }
    if let Some(&(last, at)) = ticked.last()
        && let Some(next) = steps
            .iter()
            .skip(last + 1)
            .find(|s| s.checked_at_secs.is_none_or(|t| !t.is_finite()))
    {
        spans.push(StepSpan {
            key: next.key.clone(),
            start: at,
            end: None,
        });
    }
    spans
}

/// The step whose span holds time `t`, if any.
pub fn step_at(spans: &[StepSpan], t: f64) -> Option<&str> {
    if !t.is_finite() {
        return None;
    }
    spans
        .iter()
        .enumerate()
        .find(|(i, s)| (*i == 0 || t > s.start) && s.end.is_none_or(|end| t <= end))
        .map(|(_, s)| s.key.as_str())
}

fn centis(x: f64) -> f64 {
    (finite_or_zero(x) * 100.0).round() / 100.0
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(key: &str, at: Option<f64>) -> LoggedStep {
        LoggedStep {
            key: key.into(),
            name: key.into(),
            target_secs: 30,
            checked_at_secs: at,
        }
    }

    fn word(text: &str, start: f64, end: f64) -> Word {
        Word {
            text: text.into(),
            start,
            end,
            step: None,
            p: Some(0.9),
        }
    }

    fn transcript(words: Vec<Word>) -> Transcript {
        Transcript {
            filled_pauses: Vec::new(),
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            session: "20260105T080000Z-abc123".into(),
            model: "ggml-base.en.bin".into(),
            model_kind: "base.en".into(),
            engine: "whisper.cpp 1.8.3".into(),
            language: "en".into(),
            created_at: DateTime::parse_from_rfc3339("2026-01-05T09:03:00+01:00").expect("date"),
            audio_secs: 118.0,
            words,
        }
    }

    fn star(ticks: [Option<f64>; 4]) -> Vec<LoggedStep> {
        ["situation", "task", "action", "result"]
            .iter()
            .zip(ticks)
            .map(|(k, t)| step(k, t))
            .collect()
    }

    fn steps_of(t: &Transcript) -> Vec<Option<&str>> {
        t.words.iter().map(|w| w.step.as_deref()).collect()
    }

    #[test]
    fn words_fall_in_the_step_ticked_after_them() {
        let mut t = transcript(vec![
            word("So", 0.0, 0.3),
            word("last", 24.0, 24.4),
            word("my", 30.5, 30.8),
            word("I", 60.0, 60.2),
            word("saved", 100.0, 100.4),
        ]);
        t.assign_steps(&star([Some(25.0), Some(40.0), Some(90.0), Some(118.0)]));
        assert_eq!(
            steps_of(&t),
            [
                Some("situation"),
                Some("situation"),
                Some("task"),
                Some("action"),
                Some("result")
            ]
        );
    }

    #[test]
    fn a_word_straddling_a_tick_goes_by_its_middle() {
        let mut t = transcript(vec![word("before", 24.5, 25.3), word("after", 24.9, 25.5)]);
        t.assign_steps(&star([Some(25.0), None, None, None]));
        assert_eq!(steps_of(&t), [Some("situation"), Some("task")]);
    }

    #[test]
    fn talk_after_the_last_tick_goes_to_the_next_unticked_step() {
        let mut t = transcript(vec![word("a", 10.0, 10.2), word("b", 50.0, 50.2)]);
        // Task ticked, Situation never: Situation's talk counts as Task's.
        t.assign_steps(&star([None, Some(30.0), None, None]));
        assert_eq!(steps_of(&t), [Some("task"), Some("action")]);
        // Every step ticked: talk after the last tick belongs to none.
        t.assign_steps(&star([Some(5.0), Some(10.0), Some(20.0), Some(40.0)]));
        assert_eq!(steps_of(&t), [Some("action"), None]);
        // Nothing ticked: nothing to go by.
        t.assign_steps(&star([None; 4]));
        assert_eq!(steps_of(&t), [None, None]);
    }

    #[test]
    fn ticks_out_of_order_still_cover_the_answer_in_time_order() {
        let spans = step_spans(&star([Some(20.0), Some(80.0), Some(50.0), None]));
        let keys: Vec<_> = spans
            .iter()
            .map(|s| (s.key.as_str(), s.start, s.end))
            .collect();
        assert_eq!(
            keys,
            [
                ("situation", 0.0, Some(20.0)),
                ("action", 20.0, Some(50.0)),
                ("task", 50.0, Some(80.0)),
                ("result", 80.0, None)
            ]
        );
        assert_eq!(step_at(&spans, f64::NAN), None);
        assert_eq!(step_at(&spans, -1.0), Some("situation"));
    }

    #[test]
    fn round_trips_through_toml_with_times_in_centiseconds() {
        let mut t = transcript(vec![word("I", 1.234_56, 1.5), word("we're", 2.0, 2.345)]);
        t.assign_steps(&star([Some(2.0), None, None, None]));
        let text = t.to_toml().expect("encode");
        assert!(text.starts_with("# stardrill transcript of 20260105T080000Z-abc123"));
        assert!(text.contains("[[word]]"), "{text}");
        let back = Transcript::from_toml(&text).expect("decode");
        assert_eq!(back.words[0].start, 1.23);
        assert_eq!(back.words[1].end, 2.35);
        assert_eq!(back.words[1].step.as_deref(), Some("task"));
        assert_eq!(back.session, t.session);
    }

    #[test]
    fn newer_and_broken_files_are_told_apart() {
        assert_eq!(
            Transcript::from_toml("schema_version = 9\nsomething = \"else\"\n"),
            Err(TranscriptError::Newer(9))
        );
        let err = Transcript::from_toml("schema_version = 1\nsession = [\n").expect_err("broken");
        assert!(
            matches!(err, TranscriptError::Invalid { line: Some(_), .. }),
            "{err:?}"
        );
        let err = Transcript::from_toml("schema_version = 0\n").expect_err("zero");
        assert!(matches!(err, TranscriptError::Invalid { .. }));
    }

    #[test]
    fn tidy_words_orders_and_repairs_times() {
        let mut t = transcript(vec![
            word("b", 5.0, 4.0),
            word("a", f64::NAN, 1.0),
            word("c", -3.0, 6.0),
        ]);
        t.tidy_words();
        let got: Vec<_> = t
            .words
            .iter()
            .map(|w| (w.text.as_str(), w.start, w.end))
            .collect();
        assert_eq!(got, [("a", 0.0, 1.0), ("c", 0.0, 6.0), ("b", 4.0, 5.0)]);
    }

    #[test]
    fn file_name_follows_the_log() {
        assert_eq!(
            Transcript::file_name_for("20260105T080000Z-abc123.toml"),
            "20260105T080000Z-abc123.toml"
        );
        assert_eq!(log_stem("x"), "x");
    }
}
