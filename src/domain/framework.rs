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
    pub target_secs: u64,
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
    step: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    key: String,
    name: String,
    hint: String,
    target_secs: u64,
}

/// Steps are toggled with the digit keys, so a framework has at most nine.
pub const MAX_STEPS: usize = 9;

#[derive(Debug, Clone)]
pub struct Frameworks {
    list: Vec<Framework>,
}

impl Frameworks {
    pub fn embedded() -> Result<Self, LoadError> {
        Self::parse(&Source::new("data/frameworks.toml", EMBEDDED_FRAMEWORKS))
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
            list.push(Framework {
                key: f.key,
                name: f.name,
                steps: f
                    .step
                    .into_iter()
                    .map(|s| Step {
                        key: s.key,
                        name: s.name,
                        hint: s.hint,
                        target_secs: s.target_secs,
                    })
                    .collect(),
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
        // Both open with the 30-second situation rule from the seeds.
        assert!(
            frameworks
                .all()
                .iter()
                .all(|f| f.steps[0].target_secs == 30)
        );
    }
}
