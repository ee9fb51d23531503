//! The Leadership Principles a question can test.

use serde::Deserialize;
use toml::Spanned;

use super::source::{LoadError, Source, normalize_key};

pub const EMBEDDED_PRINCIPLES: &str = include_str!("../../data/principles.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principle {
    pub slug: String,
    pub name: String,
    pub summary: String,
}

/// The catalogue, in the order the principles are usually listed.
#[derive(Debug, Clone)]
pub struct Principles {
    list: Vec<Principle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    principle: Vec<Spanned<RawPrinciple>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinciple {
    slug: String,
    name: String,
    summary: String,
}

impl Principles {
    pub fn embedded() -> Result<Self, LoadError> {
        Self::parse(&Source::new("data/principles.toml", EMBEDDED_PRINCIPLES))
    }

    pub fn parse(source: &Source<'_>) -> Result<Self, LoadError> {
        let raw: RawFile = source.parse()?;
        let mut diagnostics = Vec::new();
        let mut list: Vec<Principle> = Vec::new();
        for entry in raw.principle {
            let span = entry.span();
            let p = entry.into_inner();
            if p.slug != normalize_key(&p.slug) || p.slug.is_empty() {
                diagnostics.push(source.diagnostic(
                    span.clone(),
                    format!(
                        "principle slug {:?} must be lower-case words joined by '-'",
                        p.slug
                    ),
                ));
            }
            if list.iter().any(|q| q.slug == p.slug) {
                diagnostics.push(
                    source.diagnostic(span, format!("duplicate principle slug {:?}", p.slug)),
                );
                continue;
            }
            list.push(Principle {
                slug: p.slug,
                name: p.name,
                summary: p.summary,
            });
        }
        if diagnostics.is_empty() {
            Ok(Self { list })
        } else {
            Err(LoadError { diagnostics })
        }
    }

    pub fn all(&self) -> &[Principle] {
        &self.list
    }

    /// Finds a principle by slug or full name, ignoring case and punctuation.
    pub fn find(&self, slug_or_name: &str) -> Option<&Principle> {
        let key = normalize_key(slug_or_name);
        if key.is_empty() {
            return None;
        }
        self.list
            .iter()
            .find(|p| p.slug == key || normalize_key(&p.name) == key)
    }

    /// The display name for a slug; falls back to the slug for principles a
    /// newer bank might name that this build does not know.
    pub fn name_of<'a>(&'a self, slug: &'a str) -> &'a str {
        self.find(slug).map_or(slug, |p| p.name.as_str())
    }

    /// The closest known slug, for "did you mean" hints.
    pub fn suggest(&self, input: &str) -> Option<&str> {
        let key = normalize_key(input);
        self.list
            .iter()
            .map(|p| {
                let by_slug = strsim::levenshtein(&key, &p.slug);
                let by_name = strsim::levenshtein(&key, &normalize_key(&p.name));
                (by_slug.min(by_name), p.slug.as_str())
            })
            .filter(|(distance, _)| *distance <= 4.max(key.len() / 4))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, slug)| slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_has_the_sixteen_principles() {
        let principles = Principles::embedded().expect("embedded principles parse");
        assert_eq!(principles.all().len(), 16);
        assert!(
            principles
                .all()
                .iter()
                .all(|p| !p.summary.trim().is_empty())
        );
    }

    #[test]
    fn summaries_describe_the_leader_each_principle_asks_for() {
        let principles = Principles::embedded().expect("embedded principles parse");
        for p in principles.all() {
            // One style: what the leader does ("Starts…", "Has…"), never an
            // instruction to the candidate ("Start…").
            let first = p.summary.split_whitespace().next().unwrap_or_default();
            let first = first.trim_end_matches(|c: char| !c.is_alphabetic());
            assert!(first.ends_with('s'), "{}: {:?}", p.slug, p.summary);
            assert!(!p.summary.contains('\n'), "{}: one line", p.slug);
        }
        let summary = |slug: &str| {
            principles
                .find(slug)
                .map(|p| p.summary.to_lowercase())
                .unwrap_or_default()
        };
        // Judgment, not speed: acting on imperfect data is Bias for Action.
        assert!(!summary("are-right-a-lot").contains("data"));
        assert!(summary("are-right-a-lot").contains("judgment"));
        assert!(summary("think-big").contains("customers"));
        let best_employer = summary("earths-best-employer");
        for word in ["empathy", "safer", "productive", "higher-performing"] {
            assert!(best_employer.contains(word), "{word}");
        }
    }

    #[test]
    fn find_accepts_slug_or_name_in_any_case() {
        let principles = Principles::embedded().expect("embedded principles parse");
        assert_eq!(
            principles.find("ARE RIGHT, A LOT").map(|p| p.slug.as_str()),
            Some("are-right-a-lot")
        );
        assert_eq!(
            principles.find("have-backbone").map(|p| p.name.as_str()),
            Some("Have Backbone; Disagree and Commit")
        );
        assert_eq!(
            principles
                .find("Strive to be Earth's Best Employer")
                .map(|p| p.slug.as_str()),
            Some("earths-best-employer")
        );
        assert!(principles.find("Customer Obsesion").is_none());
        assert_eq!(
            principles.suggest("Customer Obsesion"),
            Some("customer-obsession")
        );
        assert!(principles.find("").is_none());
    }
}
