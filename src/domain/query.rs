//! Which past sessions to look at: the review list's filter and the sessions
//! `stardrill export` writes are the same question asked of a history.

use chrono::NaiveDate;

use super::history::{History, Session};
use super::principles::Principles;
use super::session::Outcome;

/// A choice of sessions; the default takes every one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Only sessions on or after this day (the day they started, as logged).
    pub since: Option<NaiveDate>,
    /// Only sessions on or before this day.
    pub until: Option<NaiveDate>,
    /// Principle slugs: a session is taken if its question tests any of them.
    /// Empty takes every principle.
    pub principles: Vec<String>,
    pub outcome: Option<Outcome>,
    pub rating: RatingFilter,
}

impl Query {
    /// True when some session could be left out.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    pub fn accepts(&self, history: &History, s: &Session) -> bool {
        self.outcome.is_none_or(|o| o == s.outcome)
            && self.rating.accepts(s.rating)
            && self.since.is_none_or(|d| s.day() >= d)
            && self.until.is_none_or(|d| s.day() <= d)
            && (self.principles.is_empty()
                || history
                    .principles(s)
                    .any(|p| self.principles.iter().any(|q| q == p)))
    }

    /// The sessions taken, newest first (as the history holds them).
    pub fn select<'h>(
        &'h self,
        history: &'h History,
    ) -> impl DoubleEndedIterator<Item = &'h Session> + 'h {
        history
            .sessions()
            .iter()
            .filter(move |s| self.accepts(history, s))
    }

    /// A short description for a status line, e.g. "Dive Deep · completed · rating 4 or more".
    pub fn summary(&self, catalogue: &Principles) -> String {
        let mut parts: Vec<String> = self
            .principles
            .iter()
            .map(|p| catalogue.name_of(p).to_string())
            .collect();
        if let Some(o) = self.outcome {
            parts.push(o.as_str().to_string());
        }
        if self.rating != RatingFilter::Any {
            parts.push(format!("rating {}", self.rating.label()));
        }
        match (self.since, self.until) {
            (Some(f), Some(t)) => parts.push(format!("{f} to {t}")),
            (Some(f), None) => parts.push(format!("since {f}")),
            (None, Some(t)) => parts.push(format!("until {t}")),
            (None, None) => {}
        }
        parts.join(" · ")
    }
}

/// Which ratings a query takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RatingFilter {
    #[default]
    Any,
    Unrated,
    AtMost(u8),
    AtLeast(u8),
}

impl RatingFilter {
    /// The choices the review filter form offers, in order.
    pub const CHOICES: [RatingFilter; 6] = [
        Self::Any,
        Self::Unrated,
        Self::AtMost(2),
        Self::AtLeast(3),
        Self::AtLeast(4),
        Self::AtLeast(5),
    ];

    pub fn label(self) -> String {
        match self {
            Self::Any => "any".into(),
            Self::Unrated => "unrated".into(),
            Self::AtMost(n) => format!("{n} or less"),
            Self::AtLeast(5) => "5 only".into(),
            Self::AtLeast(n) => format!("{n} or more"),
        }
    }

    pub fn accepts(self, rating: Option<u8>) -> bool {
        match (self, rating) {
            (Self::Any, _) => true,
            (Self::Unrated, r) => r.is_none(),
            (Self::AtMost(n), Some(r)) => r <= n,
            (Self::AtLeast(n), Some(r)) => r >= n,
            (_, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::tests::log;

    fn history() -> History {
        let mut unrated = log("c", 3, "q3", &["ownership", "dive-deep"]);
        unrated.rating = None;
        unrated.outcome = Outcome::Abandoned;
        let mut five = log("b", 2, "q2", &["dive-deep"]);
        five.rating = Some(5);
        History::from_logs([
            ("a.toml", log("a", 1, "q1", &["customer-obsession"])),
            ("b.toml", five),
            ("c.toml", unrated),
        ])
    }

    fn ids(history: &History, query: &Query) -> Vec<String> {
        query.select(history).map(|s| s.id.to_string()).collect()
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 1, d)
    }

    #[test]
    fn the_default_takes_everything_newest_first() {
        let h = history();
        assert!(!Query::default().is_active());
        assert_eq!(ids(&h, &Query::default()), ["c", "b", "a"]);
    }

    #[test]
    fn every_condition_narrows() {
        let h = history();
        let q = |f: fn(&mut Query)| {
            let mut q = Query::default();
            f(&mut q);
            assert!(q.is_active());
            ids(&h, &q)
        };
        assert_eq!(q(|q| q.since = day(2)), ["c", "b"]);
        assert_eq!(q(|q| q.until = day(2)), ["b", "a"]);
        assert_eq!(
            q(|q| {
                q.since = day(2);
                q.until = day(2);
            }),
            ["b"]
        );
        assert_eq!(q(|q| q.principles = vec!["dive-deep".into()]), ["c", "b"]);
        assert_eq!(
            q(|q| q.principles = vec!["ownership".into(), "customer-obsession".into()]),
            ["c", "a"]
        );
        assert_eq!(q(|q| q.outcome = Some(Outcome::Abandoned)), ["c"]);
        assert_eq!(q(|q| q.rating = RatingFilter::Unrated), ["c"]);
        assert_eq!(q(|q| q.rating = RatingFilter::AtMost(3)), ["a"]);
        assert_eq!(q(|q| q.rating = RatingFilter::AtLeast(5)), ["b"]);
    }

    #[test]
    fn the_summary_names_each_condition() {
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        let q = Query {
            since: day(2),
            until: day(9),
            principles: vec!["dive-deep".into()],
            outcome: Some(Outcome::Completed),
            rating: RatingFilter::AtLeast(4),
        };
        assert_eq!(
            q.summary(&catalogue),
            "Dive Deep · completed · rating 4 or more · 2026-01-02 to 2026-01-09"
        );
        assert_eq!(Query::default().summary(&catalogue), "");
    }
}
