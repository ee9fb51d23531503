//! Weakness-weighted question choice: questions whose principles were not
//! practised for a while, were rated low, ran over time or were skipped come
//! up more often; each question also follows a simple spaced-repetition
//! interval set by its last rating.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use super::bank::Bank;
use super::history::History;
use super::principles::Principles;
use super::session::Outcome;

/// The part of a session log the scheduler reads.
#[derive(Debug, Clone, PartialEq)]
pub struct PastAttempt {
    pub question_id: String,
    pub principles: Vec<String>,
    pub at: DateTime<FixedOffset>,
    pub outcome: Outcome,
    pub rating: Option<u8>,
    pub overtime: bool,
}

impl PastAttempt {
    /// Every session of a loaded history.
    pub fn from_history(history: &History) -> Vec<Self> {
        history
            .sessions()
            .iter()
            .map(|s| Self {
                question_id: history.str(history.question(s).id).to_string(),
                principles: history.principles(s).map(str::to_string).collect(),
                at: s.started_at,
                outcome: s.outcome,
                rating: s.rating,
                overtime: s.is_over(),
            })
            .collect()
    }
}

/// Logs needed before `weak` becomes the default mode.
pub const WEAK_MODE_THRESHOLD: usize = 10;

/// Days until a question is due again, by its last rating (1 to 5).
const INTERVAL_DAYS: [i64; 5] = [1, 2, 4, 8, 16];
/// A principle unpractised this long counts as fully stale.
const STALE_DAYS: f64 = 30.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub question: usize,
    pub weight: f64,
    /// One line for the drill: why this question came up.
    pub reason: String,
}

struct PrincipleStats {
    last: Option<DateTime<FixedOffset>>,
    ratings: Vec<u8>,
    attempts: usize,
    overruns: usize,
}

impl PrincipleStats {
    /// The last five completed attempts among `attempts`, newest first.
    fn of<'a>(attempts: impl Iterator<Item = &'a PastAttempt>) -> Self {
        let mut relevant: Vec<&PastAttempt> = attempts
            .filter(|a| a.outcome == Outcome::Completed)
            .collect();
        relevant.sort_by_key(|a| std::cmp::Reverse(a.at));
        let recent = &relevant[..relevant.len().min(5)];
        Self {
            last: relevant.first().map(|a| a.at),
            ratings: recent.iter().filter_map(|a| a.rating).collect(),
            attempts: recent.len(),
            overruns: recent.iter().filter(|a| a.overtime).count(),
        }
    }
}

/// Weighs every question in `pool` against the history (oldest first or any order).
pub fn weigh(
    bank: &Bank,
    principles: &Principles,
    pool: &[usize],
    history: &[PastAttempt],
    now: DateTime<FixedOffset>,
) -> Vec<Weighted> {
    let stats: Vec<PrincipleStats> = principles
        .all()
        .iter()
        .map(|p| PrincipleStats::of(history.iter().filter(|a| a.principles.contains(&p.slug))))
        .collect();
    let index_of = |slug: &str| principles.all().iter().position(|p| p.slug == slug);
    // Attempts per near-twin group, so practice on one variant counts for all;
    // one lookup per attempt keeps this linear in the history.
    let mut by_group: HashMap<usize, Vec<&PastAttempt>> = HashMap::new();
    for attempt in history {
        if let Some(group) = bank.group_of_id(&attempt.question_id) {
            by_group.entry(group).or_default().push(attempt);
        }
    }

    pool.iter()
        .map(|&qi| {
            let question = bank.get(qi);
            let mine: &[&PastAttempt] = by_group.get(&bank.group(qi)).map_or(&[], Vec::as_slice);
            // The question's weakest principle drives its weight and reason.
            let mut best: (f64, String) = (0.0, String::new());
            // A motivation question tests no principle: its own group's
            // record stands in for one.
            let own_stats = question
                .principles
                .is_empty()
                .then(|| PrincipleStats::of(mine.iter().copied()));
            let sources: Vec<(String, Option<&PrincipleStats>)> = match &own_stats {
                Some(s) => vec![(capitalised(question.kind.as_str()), Some(s))],
                None => question
                    .principles
                    .iter()
                    .map(|slug| {
                        (
                            principles.name_of(slug).to_string(),
                            index_of(slug).map(|i| &stats[i]),
                        )
                    })
                    .collect(),
            };
            for (name, s) in sources {
                let Some(s) = s else {
                    continue;
                };
                let (stale, stale_reason) = match s.last {
                    None => (1.0, format!("{name}: never practised")),
                    Some(last) => {
                        let days = (now - last).num_days().max(0);
                        let unit = if days == 1 { "day" } else { "days" };
                        (
                            (days as f64 / STALE_DAYS).min(1.0),
                            format!("{name}: not practised for {days} {unit}"),
                        )
                    }
                };
                let average = (!s.ratings.is_empty()).then(|| {
                    s.ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / s.ratings.len() as f64
                });
                let weakness = average.map_or(0.5, |r| ((5.0 - r) / 4.0).clamp(0.0, 1.0));
                let overrun = if s.attempts == 0 {
                    0.0
                } else {
                    s.overruns as f64 / s.attempts as f64
                };
                let weight = (1.0 + 3.0 * stale) * (1.0 + 2.0 * weakness) * (1.0 + overrun);
                let reason = if stale >= 0.2 || s.last.is_none() {
                    stale_reason
                } else if average.is_some_and(|r| r < 3.0) {
                    format!(
                        "{name}: average rating {:.1} lately",
                        average.unwrap_or_default()
                    )
                } else if overrun >= 0.5 {
                    format!(
                        "{name}: ran over time in {} of the last {}",
                        s.overruns, s.attempts
                    )
                } else {
                    stale_reason
                };
                if weight > best.0 {
                    best = (weight, reason);
                }
            }
            let (mut weight, mut reason) = best;

            // Spaced repetition on the question and its variants.
            let last_done = mine
                .iter()
                .filter(|a| a.outcome == Outcome::Completed)
                .max_by_key(|a| a.at);
            let skipped = mine
                .iter()
                .filter(|a| a.outcome == Outcome::Skipped)
                .count();
            match last_done {
                None if skipped > 0 => {
                    weight *= 1.0 + 0.5 * skipped.min(4) as f64;
                    reason = format!("{reason}; skipped {skipped}× before");
                }
                None => weight *= 1.2,
                Some(done) => {
                    let rating = done.rating.unwrap_or(3).clamp(1, 5);
                    let interval = INTERVAL_DAYS[usize::from(rating) - 1];
                    let since = (now - done.at).num_days();
                    if since < interval {
                        weight *= 0.15;
                    } else {
                        weight *= 1.5;
                        reason = format!("{reason}; due again (rated {rating} {since} days ago)");
                    }
                }
            }
            Weighted {
                question: qi,
                weight: weight.max(0.01),
                reason,
            }
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::picker::Picker;
    use std::collections::HashMap;

    fn catalog() -> crate::domain::Catalog {
        crate::domain::Catalog::load(None).expect("catalog")
    }

    fn at(days_ago: i64) -> DateTime<FixedOffset> {
        now() - chrono::Duration::days(days_ago)
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-01T09:00:00+00:00").expect("date")
    }

    /// A history where every principle but Frugality was practised yesterday
    /// and rated well.
    fn history_neglecting_frugality(catalog: &crate::domain::Catalog) -> Vec<PastAttempt> {
        catalog
            .bank
            .questions()
            .iter()
            .filter(|q| !q.principles.iter().any(|p| p == "frugality"))
            .map(|q| PastAttempt {
                question_id: q.id.to_string(),
                principles: q.principles.iter().map(|p| p.to_string()).collect(),
                at: at(1),
                outcome: Outcome::Completed,
                rating: Some(4),
                overtime: false,
            })
            .collect()
    }

    #[test]
    fn the_neglected_principle_comes_up_most() {
        let catalog = catalog();
        let pool = catalog.bank.filter(&[], None);
        let history = history_neglecting_frugality(&catalog);
        let weights = weigh(&catalog.bank, &catalog.principles, &pool, &history, now());
        let mut picker = Picker::weighted(weights, Some(3));
        let mut per_principle: HashMap<String, usize> = HashMap::new();
        // Twelve frugality questions exist; no-repeat caps a round at those.
        for _ in 0..10 {
            let q = picker.next_question().expect("question");
            for p in catalog.bank.get(q).principles.iter() {
                *per_principle.entry(p.to_string()).or_default() += 1;
            }
        }
        let (top, _) = per_principle.iter().max_by_key(|(_, n)| **n).expect("some");
        assert_eq!(top, "frugality", "{per_principle:?}");
        assert!(per_principle["frugality"] >= 8, "{per_principle:?}");
    }

    #[test]
    fn reasons_name_the_principle_and_the_gap() {
        let catalog = catalog();
        let pool = catalog.bank.filter(&["frugality".into()], None);
        let mut history = history_neglecting_frugality(&catalog);
        let frugal = catalog.bank.get(pool[0]);
        history.push(PastAttempt {
            question_id: frugal.id.to_string(),
            principles: vec!["frugality".into()],
            at: at(9),
            outcome: Outcome::Completed,
            rating: Some(2),
            overtime: true,
        });
        let weights = weigh(&catalog.bank, &catalog.principles, &pool, &history, now());
        let other = weights
            .iter()
            .find(|w| w.question != pool[0])
            .expect("another frugality question");
        assert!(
            other
                .reason
                .starts_with("Frugality: not practised for 9 days"),
            "{}",
            other.reason
        );
        let due = weights
            .iter()
            .find(|w| w.question == pool[0])
            .expect("the practised one");
        assert!(
            due.reason.contains("due again (rated 2 9 days ago)"),
            "{}",
            due.reason
        );
    }

    #[test]
    fn a_recently_well_rated_question_waits_for_its_interval() {
        let catalog = catalog();
        let pool = catalog.bank.filter(&["dive-deep".into()], None);
        let q = catalog.bank.get(pool[0]);
        let history = vec![PastAttempt {
            question_id: q.id.to_string(),
            principles: q.principles.iter().map(|p| p.to_string()).collect(),
            at: at(2),
            outcome: Outcome::Completed,
            rating: Some(5),
            overtime: false,
        }];
        let weights = weigh(&catalog.bank, &catalog.principles, &pool, &history, now());
        let rested = weights
            .iter()
            .find(|w| w.question == pool[0])
            .expect("weighed")
            .weight;
        let fresh = weights
            .iter()
            .find(|w| w.question == pool[1])
            .expect("weighed")
            .weight;
        assert!(rested < fresh / 3.0, "rested {rested} fresh {fresh}");
    }

    #[test]
    fn skipped_questions_come_back_sooner() {
        let catalog = catalog();
        let pool = catalog.bank.filter(&["think-big".into()], None);
        let q = catalog.bank.get(pool[0]);
        let history = vec![PastAttempt {
            question_id: q.id.to_string(),
            principles: q.principles.iter().map(|p| p.to_string()).collect(),
            at: at(0),
            outcome: Outcome::Skipped,
            rating: None,
            overtime: false,
        }];
        let weights = weigh(&catalog.bank, &catalog.principles, &pool, &history, now());
        let skipped = weights
            .iter()
            .find(|w| w.question == pool[0])
            .expect("weighed");
        let fresh = weights
            .iter()
            .find(|w| w.question == pool[1])
            .expect("weighed");
        assert!(skipped.weight > fresh.weight);
        assert!(skipped.reason.contains("skipped 1×"), "{}", skipped.reason);
    }

    fn fixture_bank(catalog: &crate::domain::Catalog) -> Bank {
        let text = r#"
[[question]]
id = "a"
text = "Tell me about a time you used data to find a root cause."
principles = ["dive-deep"]
follow_ups = ["Which data first?", "How did you confirm it?"]

[[question]]
id = "b"
text = "Tell me about a time you dug into data to find the real cause of an issue."
principles = ["dive-deep"]
variant_of = "a"
follow_ups = ["What did others think?", "How far down did you go?"]

[[question]]
id = "c"
text = "Tell me about a time you audited a process."
principles = ["dive-deep"]
follow_ups = ["Why audit it?", "What did you find?"]

[[question]]
id = "why"
text = "Why Amazon?"
kind = "motivation"
follow_ups = ["Why now?", "What will you find hard?"]
"#;
        Bank::parse(
            &crate::domain::source::Source::new("bank.toml", text),
            &catalog.principles,
        )
        .expect("fixture bank")
    }

    #[test]
    fn practice_on_one_variant_counts_for_its_whole_group() {
        let catalog = catalog();
        let bank = fixture_bank(&catalog);
        let history = vec![PastAttempt {
            question_id: "a".into(),
            principles: vec!["dive-deep".into()],
            at: at(1),
            outcome: Outcome::Completed,
            rating: Some(5),
            overtime: false,
        }];
        let weights = weigh(&bank, &catalog.principles, &[0, 1, 2], &history, now());
        // The variant waits out the interval of the answer just given…
        assert!(
            (weights[1].weight - weights[0].weight).abs() < 1e-9,
            "{weights:?}"
        );
        // …while a different question on the same principle does not.
        assert!(weights[1].weight < weights[2].weight / 3.0, "{weights:?}");
    }

    #[test]
    fn motivation_questions_are_weighed_by_their_own_record() {
        let catalog = catalog();
        let bank = fixture_bank(&catalog);
        let fresh = weigh(&bank, &catalog.principles, &[2, 3], &[], now());
        assert_eq!(fresh[1].reason, "Motivation: never practised");
        assert!(
            (fresh[1].weight - fresh[0].weight).abs() < 1e-9,
            "as likely as an unpractised principle: {fresh:?}"
        );
        let history = vec![PastAttempt {
            question_id: "why".into(),
            principles: vec![],
            at: at(12),
            outcome: Outcome::Completed,
            rating: Some(4),
            overtime: false,
        }];
        let practised = weigh(&bank, &catalog.principles, &[3], &history, now());
        assert!(
            practised[0]
                .reason
                .starts_with("Motivation: not practised for 12 days"),
            "{}",
            practised[0].reason
        );
    }

    #[test]
    fn weighted_order_is_deterministic_under_a_seed() {
        let catalog = catalog();
        let pool = catalog.bank.filter(&[], None);
        let history = history_neglecting_frugality(&catalog);
        let order = || {
            let weights = weigh(&catalog.bank, &catalog.principles, &pool, &history, now());
            let mut picker = Picker::weighted(weights, Some(11));
            (0..20)
                .filter_map(|_| picker.next_question())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(), order());
    }
}
