//! Answer frameworks (STAR, SPSIL): the steps a good answer walks through.

use serde::Deserialize;
use toml::Spanned;

use super::source::{LoadError, Source};

pub const EMBEDDED_FRAMEWORKS: &str = include_str!("../../data/frameworks.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub key: String,
    pub name: String,
    pub hint: String,
    /// Where the step should end in a two-minute answer.
    pub target_secs: u64,
    /// When the drill warns that the step has run too long, if later than
    /// the target: the Situation aims for 20 s but is warned about past 30.
    pub warn_after_secs: Option<u64>,
}

impl Step {
    /// Seconds after which the step is flagged as running long.
    pub fn warn_after(&self) -> u64 {
        self.warn_after_secs.unwrap_or(self.target_secs)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    pub key: String,
    pub name: String,
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: Vec<Spanned<RawFramework>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    key: String,
    name: String,
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    key: String,
    name: String,
    hint: String,
    target_secs: Spanned<u64>,
    warn_after_secs: Option<Spanned<u64>>,
}

/// Steps are toggled with the digit keys, so a framework has at most nine.
pub const MAX_STEPS: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frameworks {
    list: Vec<Framework>,
}

impl Frameworks {
    pub fn embedded() -> Result<Self, LoadError> {
        if super::compiled::FRESH {
            return Ok(super::compiled::frameworks());
        }
        Self::parse(&Source::new("data/frameworks.toml", EMBEDDED_FRAMEWORKS))
    }

    /// Frameworks already checked (the compiled-in copy of the embedded file).
    pub(super) fn from_checked(list: Vec<Framework>) -> Self {
        Self { list }
    }

    pub fn parse(source: &Source<'_>) -> Result<Self, LoadError> {
        let raw: RawFile = source.parse()?;
        let mut diagnostics = Vec::new();
        let mut list: Vec<Framework> = Vec::new();
        for entry in raw.framework {
            let span = entry.span();
            let f = entry.into_inner();
            if f.step.is_empty() || f.step.len() > MAX_STEPS {
                diagnostics.push(source.diagnostic(
                    span.clone(),
                    format!("framework {:?} needs 1 to {MAX_STEPS} steps", f.key),
                ));
            }
            if list.iter().any(|g| g.key == f.key) {
                diagnostics
                    .push(source.diagnostic(span, format!("duplicate framework {:?}", f.key)));
                continue;
            }
            let mut steps = Vec::with_capacity(f.step.len());
            for step in f.step {
                let s = step.into_inner();
                let target = *s.target_secs.get_ref();
                if target == 0 {
                    diagnostics.push(source.diagnostic(
                        s.target_secs.span(),
                        format!(
                            "step {:?} of {:?}: `target_secs` must be above 0",
                            s.key, f.key
                        ),
                    ));
                }
                if let Some(warn) = &s.warn_after_secs
                    && *warn.get_ref() < target
                {
                    diagnostics.push(source.diagnostic(
                        warn.span(),
                        format!(
                            "step {:?} of {:?}: `warn_after_secs` ({}) must not come before `target_secs` ({target})",
                            s.key,
                            f.key,
                            warn.get_ref()
                        ),
                    ));
                }
                steps.push(Step {
                    key: s.key,
                    name: s.name,
                    hint: s.hint,
                    target_secs: target,
                    warn_after_secs: s.warn_after_secs.map(|w| w.into_inner()),
                });
            }
            list.push(Framework {
                key: f.key,
                name: f.name,
                steps,
            });
        }
        if diagnostics.is_empty() {
            Ok(Self { list })
        } else {
            Err(LoadError { diagnostics })
        }
    }

    pub fn all(&self) -> &[Framework] {
        &self.list
    }

    pub fn get(&self, index: usize) -> &Framework {
        &self.list[index % self.list.len()]
    }

    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.list
            .iter()
            .position(|f| f.key.eq_ignore_ascii_case(key))
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_frameworks_are_star_and_spsil() {
        let frameworks = Frameworks::embedded().expect("embedded frameworks parse");
        let keys: Vec<_> = frameworks.all().iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["star", "spsil"]);
        let star = &frameworks.all()[0];
        let names: Vec<_> = star.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Situation", "Task", "Action", "Result"]);
        let spsil = &frameworks.all()[1];
        let names: Vec<_> = spsil.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Situation", "Problem", "Solution", "Impact", "Lessons"]
        );
        for f in frameworks.all() {
            // A two-minute answer, most of it on what the candidate did…
            let total: u64 = f.steps.iter().map(|s| s.target_secs).sum();
            assert_eq!(total, 120, "{}", f.key);
            let longest = f
                .steps
                .iter()
                .max_by_key(|s| s.target_secs)
                .map(|s| s.key.as_str());
            assert!(matches!(longest, Some("action" | "solution")), "{}", f.key);
            // …a short Situation, warned about past the seeds' 30 seconds.
            assert_eq!(f.steps[0].target_secs, 20, "{}", f.key);
            assert_eq!(f.steps[0].warn_after(), 30, "{}", f.key);
            // Later steps warn at their target.
            assert!(f.steps[1..].iter().all(|s| s.warn_after() == s.target_secs));
        }
        // The lesson gets real time: it carries a failure story.
        assert!(spsil.steps[4].target_secs >= 15);
        let hints: String = frameworks
            .all()
            .iter()
            .flat_map(|f| f.steps.iter().map(|s| s.hint.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" ");
        for advice in [
            "specific, recent",
            "data",
            "obstacle",
            "credit the team",
            "failure",
            "weakness",
        ] {
            assert!(hints.contains(advice), "no hint mentions {advice:?}");
        }
    }

    fn parse(text: &str) -> Result<Frameworks, LoadError> {
        Frameworks::parse(&Source::new("frameworks.toml", text))
    }

    const ONE: &str = r#"
[[framework]]
key = "star"
name = "STAR"

[[framework.step]]
key = "situation"
name = "Situation"
hint = "Set the scene."
target_secs = 20
warn_after_secs = 30
"#;

    #[test]
    fn a_warning_before_the_target_is_rejected_with_its_line() {
        assert_eq!(parse(ONE).expect("valid").get(0).steps[0].warn_after(), 30);
        let err = parse(&ONE.replace("warn_after_secs = 30", "warn_after_secs = 10"))
            .expect_err("warns before the target");
        assert_eq!(
            err.to_string(),
            "frameworks.toml:11: step \"situation\" of \"star\": `warn_after_secs` (10) must not come before `target_secs` (20)"
        );
        let err = parse(&ONE.replace("target_secs = 20", "target_secs = 0")).expect_err("zero");
        assert_eq!(
            err.to_string(),
            "frameworks.toml:10: step \"situation\" of \"star\": `target_secs` must be above 0"
        );
        let no_warning = parse(&ONE.replace("warn_after_secs = 30\n", "")).expect("valid");
        assert_eq!(no_warning.get(0).steps[0].warn_after(), 20);
    }
}
