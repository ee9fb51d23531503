//! Fixed session logs for the review tests, and helpers to put them on disk.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, NaiveDate};
use stardrill::domain::bank::QuestionKind;
use stardrill::domain::delivery::{Delivery, Pause, StepTalk};
use stardrill::domain::session::{
    LoggedQuestion, LoggedStep, Outcome, Rubric, SCHEMA_VERSION, SessionLog,
};
use stardrill::domain::transcript::{FilledPause, TRANSCRIPT_SCHEMA_VERSION, Transcript, Word};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default()
}

const QUESTIONS: &[(&str, &str, &[&str], QuestionKind)] = &[
    (
        "co-01",
        "Tell me about a time you put the customer first.",
        &["customer-obsession", "ownership"],
        QuestionKind::Behavioral,
    ),
    (
        "dd-02",
        "Tell me about a time you dug into the data to find the root cause of a problem nobody else could explain.",
        &["dive-deep"],
        QuestionKind::Behavioral,
    ),
    (
        "hb-01",
        "Tell me about a time you strongly disagreed with your manager.",
        &["have-backbone", "earn-trust"],
        QuestionKind::Behavioral,
    ),
    (
        "bfa-03",
        "A key metric drops 15% overnight and nobody knows why. What do you do in the first hour?",
        &["bias-for-action", "dive-deep"],
        QuestionKind::Hypothetical,
    ),
    (
        "why-01",
        "Why Amazon?",
        &["customer-obsession"],
        QuestionKind::Motivation,
    ),
];

/// Star steps with ticks at these answer times (None: not ticked).
fn steps(ticks: [Option<f64>; 4]) -> Vec<LoggedStep> {
    [
        ("situation", "Situation", 30),
        ("task", "Task", 15),
        ("action", "Action", 50),
        ("result", "Result", 25),
    ]
    .iter()
    .zip(ticks)
    .map(|(&(key, name, target), tick)| LoggedStep {
        key: key.into(),
        name: name.into(),
        target_secs: target,
        checked_at_secs: tick,
    })
    .collect()
}

struct Spec {
    when: &'static str,
    q: usize,
    outcome: Outcome,
    answer: f64,
    rating: Option<u8>,
    ticks: [Option<f64>; 4],
    notes: &'static str,
}

const SPECS: &[Spec] = &[
    Spec {
        when: "2025-12-20T08:15:00+01:00",
        q: 0,
        outcome: Outcome::Completed,
        answer: 131.4,
        rating: Some(2),
        ticks: [Some(48.2), Some(61.0), Some(105.5), Some(128.9)],
        notes: "Rambled on the context.\nSay the number: refunds down 40%.",
    },
    Spec {
        when: "2025-12-21T19:02:00+01:00",
        q: 1,
        outcome: Outcome::Completed,
        answer: 118.0,
        rating: Some(3),
        ticks: [Some(33.5), Some(47.0), Some(95.2), Some(117.0)],
        notes: "p99 latency story; name the dashboard",
    },
    Spec {
        when: "2025-12-22T07:45:00+01:00",
        q: 2,
        outcome: Outcome::Skipped,
        answer: 41.3,
        rating: None,
        ticks: [Some(29.0), None, None, None],
        notes: "",
    },
    Spec {
        when: "2025-12-29T21:10:00+01:00",
        q: 3,
        outcome: Outcome::Completed,
        answer: 109.9,
        rating: Some(4),
        ticks: [Some(24.0), Some(38.5), Some(88.0), Some(108.0)],
        notes: "Rollback first, then dig. Mention the on-call runbook.",
    },
    Spec {
        when: "2026-01-02T08:00:00+01:00",
        q: 0,
        outcome: Outcome::Completed,
        answer: 115.2,
        rating: Some(4),
        ticks: [Some(28.4), Some(40.0), Some(90.1), Some(114.0)],
        notes: "Much tighter. I, not we.",
    },
    Spec {
        when: "2026-01-03T12:30:00+01:00",
        q: 4,
        outcome: Outcome::Abandoned,
        answer: 22.0,
        rating: None,
        ticks: [None, None, None, None],
        notes: "",
    },
    Spec {
        when: "2026-01-04T09:05:00+01:00",
        q: 1,
        outcome: Outcome::Completed,
        answer: 126.7,
        rating: Some(3),
        ticks: [Some(36.0), Some(52.5), Some(99.0), Some(125.0)],
        notes: "Over again on Situation — cut the org chart.",
    },
    Spec {
        when: "2026-01-05T07:30:00+01:00",
        q: 0,
        outcome: Outcome::Completed,
        answer: 102.5,
        rating: Some(5),
        ticks: [Some(22.1), Some(35.0), Some(80.0), Some(101.0)],
        notes: "Best one yet. Quantified: 3 days to 4 hours.",
    },
];

/// Delivery figures for a recorded answer: `wpm` words a minute, long
/// pauses of these lengths in the Action, `steps` ticked as in the log.
fn delivery(audio_secs: f64, wpm: Option<f64>, pauses: &[f64], steps: &[LoggedStep]) -> Delivery {
    // Hundredths, as the analysis gives them (and as they read back exactly).
    let r = |x: f64| (x * 100.0).round() / 100.0;
    let silence = r(6.0 + pauses.iter().sum::<f64>());
    let mut before = 0.0;
    Delivery {
        audio_secs,
        speaking_secs: r(audio_secs - silence),
        silence_secs: silence,
        first_word_secs: Some(1.4),
        syllables: wpm.map_or(0, |w| (w * 1.5 * (audio_secs - silence) / 60.0) as u32),
        wpm,
        pauses: pauses
            .iter()
            .enumerate()
            .map(|(i, &secs)| Pause {
                at_secs: 60.0 + 10.0 * i as f64,
                secs,
                step: Some("action".into()),
            })
            .collect(),
        steps: steps
            .iter()
            .filter_map(|s| {
                let at = s.checked_at_secs?;
                let span = r(at - before);
                before = at;
                Some(StepTalk {
                    key: s.key.clone(),
                    span_secs: span,
                    spoke_secs: r(span * 0.85),
                })
            })
            .collect(),
    }
}

/// Eight sessions over three weeks, ids 000001.. in time order; the last
/// three completed ones were recorded (the recording of the 4 January
/// answer since pruned: its log still names it and keeps its figures).
pub fn logs() -> Vec<SessionLog> {
    let mut logs = spec_logs();
    for (i, wpm, pauses) in [
        (4, Some(171.0), &[2.6][..]),
        (6, Some(148.0), &[][..]),
        (7, Some(139.0), &[3.2, 9.4][..]),
    ] {
        let log = &mut logs[i];
        log.delivery = Some(delivery(log.answer_secs, wpm, pauses, &log.steps));
        log.audio = Some(format!("{}.ogg", log.file_stem()));
    }
    logs
}

fn spec_logs() -> Vec<SessionLog> {
    SPECS
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let started_at = DateTime::parse_from_rfc3339(s.when).unwrap_or_default();
            let (id, text, principles, kind) = QUESTIONS[s.q];
            let overtime = ((s.answer - 120.0f64).max(0.0) * 10.0).round() / 10.0;
            let completed = s.outcome == Outcome::Completed;
            SessionLog {
                schema_version: SCHEMA_VERSION,
                id: format!("{:06}", i + 1),
                started_at,
                ended_at: started_at + chrono::Duration::seconds(s.answer as i64 + 30),
                outcome: s.outcome,
                framework: "star".into(),
                time_limit_secs: 120,
                answer_secs: s.answer,
                overtime_secs: overtime,
                paused_secs: if i == 3 { 8.5 } else { 0.0 },
                rating: s.rating,
                follow_up: completed.then(|| "How did you measure it?".to_string()),
                notes: s.notes.into(),
                question: LoggedQuestion {
                    id: id.into(),
                    text: text.into(),
                    principles: principles.iter().map(|p| p.to_string()).collect(),
                    kind,
                },
                steps: steps(s.ticks),
                rubric: Rubric {
                    spoke_as_i: completed && i % 2 == 0,
                    quantified_result: completed && i > 3,
                    stated_lesson: completed,
                    showed_principle: completed && i != 1,
                    finished_in_time: completed && overtime == 0.0,
                },
                follow_up_secs: None,
                probes: Vec::new(),
                loop_id: None,
                round: None,
                story: None,
                audio: None,
                delivery: None,
            }
        })
        .collect()
}

/// Writes the logs into `<dir>/sessions`, as the drill names them.
pub fn write_logs(dir: &Path, logs: &[SessionLog]) {
    let sessions = dir.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap_or_else(|e| panic!("{e}"));
    for log in logs {
        let text = log.to_toml().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(sessions.join(log.file_name()), text).unwrap_or_else(|e| panic!("{e}"));
    }
}

pub const CORRUPT_NAME: &str = "20251230T101010Z-c0ffee.toml";
pub const CORRUPT_BODY: &str = "schema_version = 1\nid = \"c0ffee\"\nstarted_at = \"not a date\n";
pub const FOREIGN_NAME: &str = "Cargo.toml";
pub const FOREIGN_BODY: &str = "[package]\nname = \"someone-elses\"\n";

/// What the last (recorded) answer said, a sentence a step from the step's
/// start, as the transcriber would save it: "we" in the Action, a
/// number in the Result, an "um" and a hedge.
pub fn transcript(log: &SessionLog) -> Transcript {
    const SAID: [&str; 4] = [
        "Our checkout page um was timing out for customers in Europe every evening",
        "I had to find the cause before the holiday sale I think",
        "We profiled the service and we rewrote the cache and I moved the job",
        "Time to pay went from 3 days to 4 hours and I learned to measure first",
    ];
    let mut words = Vec::new();
    let mut from = 0.0;
    for (step, sentence) in log.steps.iter().zip(SAID) {
        let to = step.checked_at_secs.unwrap_or(from + 10.0);
        // 150 words a minute, then quiet until the tick.
        for (i, w) in sentence.split_whitespace().enumerate() {
            let start = from + i as f64 * 0.4;
            words.push(Word {
                text: w.to_string(),
                start,
                end: start + 0.32,
                step: None,
                p: Some(0.9),
            });
        }
        from = to;
    }
    let mut t = Transcript {
        schema_version: TRANSCRIPT_SCHEMA_VERSION,
        session: log.file_stem(),
        model: "ggml-base.en.bin".into(),
        model_kind: "base.en".into(),
        engine: "whisper.cpp 1.8.3".into(),
        language: "en".into(),
        created_at: log.ended_at,
        audio_secs: log.answer_secs,
        words,
        // An "uhm" in the quiet after the Situation, which no word covers.
        filled_pauses: vec![FilledPause {
            start: 20.0,
            end: 20.5,
        }],
    };
    t.assign_steps(&log.steps);
    t
}

/// A data dir with the fixed logs plus a corrupt and a foreign file, and a
/// transcript of the last answer.
pub fn seeded_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let logs = logs();
    write_logs(dir.path(), &logs);
    if let Some(last) = logs.last() {
        stardrill::storage::transcripts::save(dir.path(), &last.file_name(), &transcript(last))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let sessions = dir.path().join("sessions");
    std::fs::write(sessions.join(CORRUPT_NAME), CORRUPT_BODY).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(sessions.join(FOREIGN_NAME), FOREIGN_BODY).unwrap_or_else(|e| panic!("{e}"));
    dir
}
