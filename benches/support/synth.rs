//! Synthetic session logs for benchmarks and manual trials: deterministic,
//! shaped like real ones (questions from the built-in bank, STAR/SPSIL steps,
//! notes of varying length), about 1 KB each.

use std::path::Path;

use chrono::{DateTime, Duration as ChronoDuration, FixedOffset};
use stardrill::domain::Catalog;
use stardrill::domain::session::{
    LoggedQuestion, LoggedStep, Outcome, Rubric, SCHEMA_VERSION, SessionLog,
};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "latency",
    "customer",
    "rollback",
    "metrics",
    "I",
    "led",
    "migrated",
    "p99",
    "on-call",
    "escalation",
    "trade-off",
    "deadline",
    "budget",
    "design",
    "review",
    "cut",
    "30%",
    "shipped",
    "stakeholder",
    "disagreed",
    "data",
    "dashboard",
    "owner",
    "root",
    "cause",
];

/// The `i`th synthetic log: sessions step back about 23 minutes each from the origin.
pub fn synth_log(catalog: &Catalog, i: u64) -> SessionLog {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1));
    for _ in 0..3 {
        rng.next();
    }
    let origin = DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00").unwrap_or_default();
    let started_at: DateTime<FixedOffset> =
        origin - ChronoDuration::minutes(i as i64 * 23 + rng.below(20) as i64);
    let questions = catalog.bank.questions();
    let q = &questions[rng.below(questions.len() as u64) as usize];
    let framework = catalog.frameworks.get(rng.below(2) as usize);
    let limit = 120u64;
    let answer = 60.0 + rng.below(1200) as f64 / 10.0;
    let outcome = match rng.below(10) {
        0 => Outcome::Skipped,
        1 => Outcome::Abandoned,
        _ => Outcome::Completed,
    };
    let mut at = 0.0f64;
    let steps = framework
        .steps
        .iter()
        .map(|s| {
            at += s.target_secs as f64 * (0.6 + rng.below(90) as f64 / 100.0);
            let ticked = at <= answer && rng.below(8) != 0;
            LoggedStep {
                key: s.key.clone(),
                name: s.name.clone(),
                target_secs: s.target_secs,
                checked_at_secs: ticked.then_some((at * 10.0).round() / 10.0),
            }
        })
        .collect();
    let words = rng.below(40) as usize;
    let notes = (0..words)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ");
    let completed = outcome == Outcome::Completed;
    let rubric_bits = rng.below(32);
    SessionLog {
        schema_version: SCHEMA_VERSION,
        id: format!("{:06x}", i & 0xFF_FFFF),
        started_at,
        ended_at: started_at + ChronoDuration::seconds(answer as i64 + 20),
        outcome,
        framework: framework.key.clone(),
        time_limit_secs: limit,
        answer_secs: answer,
        overtime_secs: ((answer - limit as f64).max(0.0) * 10.0).round() / 10.0,
        paused_secs: if rng.below(5) == 0 { 12.5 } else { 0.0 },
        rating: (completed && rng.below(6) != 0).then(|| 1 + rng.below(5) as u8),
        follow_up: if completed {
            q.follow_ups.first().map(|f| f.to_string())
        } else {
            None
        },
        notes,
        question: LoggedQuestion {
            id: q.id.to_string(),
            text: q.text.to_string(),
            principles: q.principles.iter().map(|p| p.to_string()).collect(),
            kind: q.kind,
        },
        steps,
        rubric: if completed {
            Rubric {
                spoke_as_i: rubric_bits & 1 != 0,
                quantified_result: rubric_bits & 2 != 0,
                stated_lesson: rubric_bits & 4 != 0,
                showed_principle: rubric_bits & 8 != 0,
                finished_in_time: answer <= limit as f64,
            }
        } else {
            Rubric::default()
        },
        follow_up_secs: None,
        probes: Vec::new(),
        loop_id: None,
        round: None,
        story: None,
        audio: None,
        delivery: None,
    }
}

/// Fills `<data_dir>/sessions` with `n` logs plus `corrupt` broken files
/// (bad TOML, empty, a newer schema, a foreign TOML file, in turn).
pub fn write_data_dir(data_dir: &Path, n: u64, corrupt: u64) -> std::io::Result<()> {
    let catalog = Catalog::load(None).map_err(|e| std::io::Error::other(e.to_string()))?;
    let dir = data_dir.join("sessions");
    std::fs::create_dir_all(&dir)?;
    for i in 0..n {
        let log = synth_log(&catalog, i);
        let text = log.to_toml().map_err(std::io::Error::other)?;
        std::fs::write(dir.join(log.file_name()), text)?;
    }
    for c in 0..corrupt {
        let (name, body) = match c % 4 {
            0 => (
                format!("20200101T0000{:02}Z-bad{c:03}.toml", c % 60),
                "schema_version = 1\nid = \"x\nbroken".to_string(),
            ),
            1 => (
                format!("20200101T0001{:02}Z-empty{c:03}.toml", c % 60),
                String::new(),
            ),
            2 => (
                format!("20200101T0002{:02}Z-new{c:03}.toml", c % 60),
                "schema_version = 99\nid = \"future\"\n".to_string(),
            ),
            _ => (
                format!("foreign-{c:03}.toml"),
                "[package]\nname = \"not-a-session\"\n".to_string(),
            ),
        };
        std::fs::write(dir.join(name), body)?;
    }
    Ok(())
}
