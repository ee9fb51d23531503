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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principles {
    list: Vec<Principle>,
    /// Each name as `normalize_key` sees it, so a lookup normalises only
    /// what it is given.
    name_keys: Vec<String>,
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

/// The words of `text` as `normalize_key` sees them (lower case, no
/// apostrophes), each with where it stands in `text`.
fn words_with_spans(text: &str) -> Vec<(String, (usize, usize))> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize, usize)> = None;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            let (word, _, to) = current.get_or_insert_with(|| (String::new(), at, end));
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            }
            *to = end;
        } else if let Some((word, from, to)) = current.take()
            && !word.is_empty()
        {
            words.push((word, (from, to)));
        }
    }
    if let Some((word, from, to)) = current
        && !word.is_empty()
    {
        words.push((word, (from, to)));
    }
    words
}

impl Principles {
    pub fn embedded() -> Result<Self, LoadError> {
        if super::compiled::FRESH {
            return Ok(super::compiled::principles());
        }
        Self::parse(&Source::new("data/principles.toml", EMBEDDED_PRINCIPLES))
    }

    /// Principles already checked (the compiled-in copy, or a parse).
    pub(super) fn from_checked(list: Vec<Principle>) -> Self {
        let name_keys = list.iter().map(|p| normalize_key(&p.name)).collect();
        Self::with_name_keys(list, name_keys)
    }

    /// Principles already checked, each name's `normalize_key` worked out
    /// before (the compiled-in copy: normalising the names, letter by
    /// letter through Unicode's tables, was a tenth of loading the bank).
    pub(super) fn with_name_keys(list: Vec<Principle>, name_keys: Vec<String>) -> Self {
        Self { list, name_keys }
    }

    /// Each name as `normalize_key` sees it, in the catalogue's order.
    #[cfg(test)]
    pub(super) fn name_keys(&self) -> &[String] {
        &self.name_keys
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
            Ok(Self::from_checked(list))
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
            .zip(&self.name_keys)
            .find(|(p, name)| p.slug == key || **name == key)
            .map(|(p, _)| p)
    }

    /// Principles named in one cell of text, by slug or by name, in any
    /// case, separated by anything (`;`, `,`, `|`): "Are Right, A Lot; Have
    /// Backbone; Disagree and Commit" is two. The longest known name wins at
    /// each word, so names that hold a separator still read back. Returns
    /// the slugs, in order and without repeats, and the words that name no
    /// principle.
    pub fn parse_list(&self, text: &str) -> (Vec<String>, Vec<String>) {
        let words = words_with_spans(text);
        let known: Vec<(Vec<String>, &str)> = self
            .list
            .iter()
            .zip(&self.name_keys)
            .flat_map(|(p, name)| [p.slug.clone(), name.clone()].map(|k| (k, p.slug.as_str())))
            .map(|(k, slug)| (k.split('-').map(str::to_string).collect(), slug))
            .collect();
        let mut slugs: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        // The span of text, from the first word no principle claimed.
        let mut stray: Option<(usize, usize)> = None;
        let flush = |stray: &mut Option<(usize, usize)>, unknown: &mut Vec<String>| {
            if let Some((from, to)) = stray.take() {
                unknown.push(text[from..to].to_string());
            }
        };
        let mut at = 0;
        while at < words.len() {
            let rest = &words[at..];
            let longest = known
                .iter()
                .filter(|(k, _)| {
                    k.len() <= rest.len() && k.iter().zip(rest).all(|(a, (w, _))| *a == *w)
                })
                .max_by_key(|(k, _)| k.len());
            match longest {
                Some((k, slug)) => {
                    flush(&mut stray, &mut unknown);
                    if !slugs.iter().any(|s| s == slug) {
                        slugs.push((*slug).to_string());
                    }
                    at += k.len();
                }
                None => {
                    let (_, (from, to)) = &words[at];
                    stray = Some((stray.map_or(*from, |s| s.0), *to));
                    at += 1;
                }
            }
        }
        flush(&mut stray, &mut unknown);
        (slugs, unknown)
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
            .zip(&self.name_keys)
            .map(|(p, name)| {
                let by_slug = strsim::levenshtein(&key, &p.slug);
                let by_name = strsim::levenshtein(&key, name);
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
