//! The session log: one readable TOML record per attempt.

use chrono::{DateTime, FixedOffset, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::bank::QuestionKind;
use super::delivery::Delivery;

/// Bumped when a field changes meaning; readers skip logs newer than they know.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The candidate finished the answer and reached the wrap-up card.
    Completed,
    /// The candidate moved on to another question mid-answer.
    Skipped,
    /// The program was quit or stopped mid-answer.
    Abandoned,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Skipped => "skipped",
            Self::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedQuestion {
    pub id: String,
    pub text: String,
    pub principles: Vec<String>,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedStory {
    pub id: String,
    pub title: String,
}

/// A follow-up asked in an interview loop, and how long its answer took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedProbe {
    pub question: String,
    pub secs: f64,
    /// It asked for another story, with a full answer's time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_story: bool,
    /// The recording of this probe's answer, a file in `<data dir>/audio/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedStep {
    pub key: String,
    pub name: String,
    pub target_secs: u64,
    /// Seconds into the answer (pauses excluded) when the step was ticked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at_secs: Option<f64>,
}

/// What each self-rating means, from 1 to 5.
pub const RATING_LABELS: [&str; 5] = ["missed the mark", "weak", "okay", "strong", "bar-raising"];

/// The rubric's items, in the order of `Rubric`'s fields.
pub const RUBRIC_ITEMS: [&str; Rubric::LEN] = [
    "Spoke as \"I\", not \"we\"",
    "Quantified the result",
    "Stated a lesson",
    "Showed the principle",
    "Finished in time",
];

/// What each rubric item asks, shown under the rubric for the item in focus.
pub const RUBRIC_HINTS: [&str; Rubric::LEN] = [
    "Your own actions as \"I\"; still credit the team for theirs (Earn Trust).",
    "A number for the result: before and after, and how you measured it.",
    "What you learned and do differently now; in a failure story above all.",
    "The story proves the principle the question tests, in its own words.",
    "Inside the time, with the Situation set in 30 seconds or less.",
];

/// The self-assessment ticked on the wrap-up card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rubric {
    pub spoke_as_i: bool,
    pub quantified_result: bool,
    pub stated_lesson: bool,
    pub showed_principle: bool,
    pub finished_in_time: bool,
}

impl Rubric {
    pub const LEN: usize = 5;

    pub fn get(&self, index: usize) -> bool {
        match index {
            0 => self.spoke_as_i,
            1 => self.quantified_result,
            2 => self.stated_lesson,
            3 => self.showed_principle,
            _ => self.finished_in_time,
        }
    }

    pub fn toggle(&mut self, index: usize) {
        let field = match index {
            0 => &mut self.spoke_as_i,
            1 => &mut self.quantified_result,
            2 => &mut self.stated_lesson,
            3 => &mut self.showed_principle,
            _ => &mut self.finished_in_time,
        };
        *field = !*field;
    }

    pub fn count(&self) -> usize {
        (0..Self::LEN).filter(|&i| self.get(i)).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLog {
    pub schema_version: u32,
    pub id: String,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: DateTime<FixedOffset>,
    pub outcome: Outcome,
    pub framework: String,
    pub time_limit_secs: u64,
    /// Time spent answering, pauses excluded.
    pub answer_secs: f64,
    pub overtime_secs: f64,
    pub paused_secs: f64,
    /// 1 to 5; absent when the attempt ended before the wrap-up card was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
    /// Time spent answering the follow-up probes (interview loops), in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_secs: Option<f64>,
    /// An interview loop's probes on this story, in the order asked (the
    /// first is also `follow_up`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<LoggedProbe>,
    /// The interview loop this attempt belonged to, and its round (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// The recording of the answer, a file in `<data dir>/audio/` named after
    /// this log (`<log file stem>.ogg`); absent when it was not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    #[serde(default)]
    pub notes: String,
    pub question: LoggedQuestion,
    /// The prepared story the candidate told, picked on the wrap-up card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<LoggedStory>,
    pub steps: Vec<LoggedStep>,
    #[serde(default)]
    pub rubric: Rubric,
    /// How the answer was said, measured from its recording (kept when the
    /// recording itself is pruned or deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

impl SessionLog {
    pub fn file_name(&self) -> String {
        record_file_name(self.started_at, &self.id)
    }

    /// The log's file name without `.toml`: recordings are named after it.
    pub fn file_stem(&self) -> String {
        record_stem(self.started_at, &self.id)
    }

    /// Every recording the log names: the answer's, then the probes'.
    pub fn audio_files(&self) -> impl Iterator<Item = &str> {
        self.audio
            .as_deref()
            .into_iter()
            .chain(self.probes.iter().filter_map(|p| p.audio.as_deref()))
    }

    /// The log as its file holds it. The heading comment shows the id on
    /// one line whatever it holds, so the file always reads back.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!(
            "# stardrill session log: {} ({})\n{body}",
            super::text::visible_line(&self.question.id),
            self.outcome.as_str()
        ))
    }

    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The first value no stardrill writes (a rating of 0, a negative or
    /// NaN time, a start in the year 9999), described for `review --check`;
    /// such a log is left out of stats rather than averaged in.
    pub fn out_of_range(&self) -> Option<String> {
        if let Some(rating) = self.rating.filter(|r| !(1..=5).contains(r)) {
            return Some(format!("rating {rating} is out of range (1 to 5)"));
        }
        // A day of answering is far beyond any real attempt.
        let time_ok = |t: f64| t.is_finite() && (0.0..=86_400.0).contains(&t);
        let times = [
            ("answer_secs", Some(self.answer_secs)),
            ("overtime_secs", Some(self.overtime_secs)),
            ("paused_secs", Some(self.paused_secs)),
            ("follow_up_secs", self.follow_up_secs),
        ];
        let steps = self
            .steps
            .iter()
            .map(|s| ("checked_at_secs", s.checked_at_secs));
        for (name, value) in times.into_iter().chain(steps) {
            if let Some(t) = value.filter(|&t| !time_ok(t)) {
                return Some(format!("{name} {t} is out of range (0 to 86400 seconds)"));
            }
        }
        if self.time_limit_secs == 0 || self.time_limit_secs > 86_400 {
            return Some(format!(
                "time_limit_secs {} is out of range (1 to 86400)",
                self.time_limit_secs
            ));
        }
        let year = |t: &DateTime<FixedOffset>| t.with_timezone(&Utc).format("%Y").to_string();
        let sane = |t: &DateTime<FixedOffset>| (2000..=2200).contains(&chrono::Datelike::year(t));
        for (name, at) in [
            ("started_at", &self.started_at),
            ("ended_at", &self.ended_at),
        ] {
            if !sane(at) {
                return Some(format!("{name} in the year {} is out of range", year(at)));
            }
        }
        if self.ended_at < self.started_at {
            return Some("ended_at is before started_at".into());
        }
        None
    }
}

/// File name of a record: UTC start time (so names sort by date) plus its short id.
pub fn record_file_name(started_at: DateTime<FixedOffset>, id: &str) -> String {
    format!("{}.toml", record_stem(started_at, id))
}

/// A record's file name without its extension, which its recordings share.
pub fn record_stem(started_at: DateTime<FixedOffset>, id: &str) -> String {
    format!(
        "{}-{id}",
        started_at.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ")
    )
}

/// A session's short id: six lower-case hex digits, short enough to read,
/// random enough for one person. Drawn from `rng`, so a seeded run names its
/// files the same way every time.
pub fn new_id(rng: &mut impl Rng) -> String {
    format!("{:06x}", rng.random_range(0..0x100_0000u32))
}

/// Seconds rounded to a tenth: precise enough for review, short enough to read.
pub fn secs(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 10.0).round() / 10.0
}

/// Why a session log could not be kept. The drill shows it and keeps the log
/// to print on quit, so an answer is never lost silently.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use {path} for session logs: {source}")]
    Unusable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("could not encode the session as TOML: {0}")]
    Encode(#[from] toml::ser::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn log_with(id: String, text: String, notes: String, follow_up: String) -> SessionLog {
        let at = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap_or_default();
        SessionLog {
            schema_version: SCHEMA_VERSION,
            id: "abc123".into(),
            started_at: at,
            ended_at: at,
            outcome: Outcome::Completed,
            framework: "star".into(),
            time_limit_secs: 120,
            answer_secs: 95.5,
            overtime_secs: 0.0,
            paused_secs: 0.0,
            rating: Some(4),
            follow_up: Some(follow_up.clone()),
            follow_up_secs: Some(20.0),
            probes: vec![LoggedProbe {
                question: follow_up,
                secs: 20.0,
                new_story: false,
                audio: Some(format!("{id}-probe-1.ogg")),
            }],
            loop_id: None,
            round: None,
            notes,
            question: LoggedQuestion {
                id: id.clone(),
                text,
                principles: vec!["ownership".into()],
                kind: super::super::bank::QuestionKind::Behavioral,
            },
            story: None,
            steps: Vec::new(),
            rubric: Rubric::default(),
            audio: Some(format!("{id}.ogg")),
            delivery: None,
        }
    }

    proptest! {
        /// Whatever text a log holds (a newline or an escape in an id from
        /// someone's bank), the file written for it reads back the same.
        #[test]
        fn every_saved_log_reads_back(
            id in any::<String>(),
            text in any::<String>(),
            notes in any::<String>(),
            follow_up in any::<String>(),
        ) {
            let log = log_with(id, text, notes, follow_up);
            let written = log.to_toml().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = SessionLog::from_toml(&written);
            prop_assert_eq!(back.map_err(|e| e.to_string()), Ok(log));
        }
    }

    #[test]
    fn a_newline_in_the_id_stays_out_of_the_heading() {
        let log = log_with(
            "x\ny = 1".into(),
            String::new(),
            String::new(),
            String::new(),
        );
        let written = log.to_toml().unwrap_or_default();
        assert!(
            written.starts_with("# stardrill session log: x␊y = 1 (completed)\n"),
            "{written}"
        );
        assert_eq!(SessionLog::from_toml(&written).ok(), Some(log));
    }

    #[test]
    fn values_no_stardrill_writes_are_named() {
        let mut log = log_with("q".into(), String::new(), String::new(), String::new());
        assert_eq!(log.out_of_range(), None);
        log.rating = Some(0);
        assert_eq!(
            log.out_of_range().as_deref(),
            Some("rating 0 is out of range (1 to 5)")
        );
        log.rating = Some(255);
        assert!(log.out_of_range().is_some());
        log.rating = None;
        log.answer_secs = f64::NAN;
        assert!(
            log.out_of_range()
                .is_some_and(|p| p.starts_with("answer_secs NaN"))
        );
        log.answer_secs = -3.0;
        assert!(log.out_of_range().is_some());
        log.answer_secs = 1.0;
        log.started_at =
            DateTime::parse_from_rfc3339("9999-01-01T00:00:00+00:00").unwrap_or_default();
        log.ended_at = log.started_at;
        assert!(log.out_of_range().is_some_and(|p| p.contains("9999")));
    }
}
