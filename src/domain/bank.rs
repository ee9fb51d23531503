//! The question bank: loading, validation and filtering.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::principles::Principles;
use super::source::{Diagnostic, LoadError, Source, normalize_key};

/// The default bank, compiled in so an installed binary works from any folder.
pub const EMBEDDED_QUESTIONS: &str = include_str!("../../questions.toml");

pub const MAX_PRINCIPLES_PER_QUESTION: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    /// "Tell me about a time…": a story from the past.
    Behavioral,
    /// "A co-worker constantly arrives late… What would you do?"
    Hypothetical,
    /// "Why Amazon?"
    Motivation,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 3] = [Self::Behavioral, Self::Hypothetical, Self::Motivation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Behavioral => "behavioral",
            Self::Hypothetical => "hypothetical",
            Self::Motivation => "motivation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let key = normalize_key(s);
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == key || (key == "behavioural" && *k == Self::Behavioral))
    }
}

impl fmt::Display for QuestionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// Canonical slugs, primary principle first.
    pub principles: Vec<String>,
    pub kind: QuestionKind,
    pub follow_ups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Bank {
    questions: Vec<Question>,
}

#[derive(Deserialize)]
struct RawBank {
    #[serde(default)]
    question: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    text: Spanned<String>,
    principles: Spanned<Vec<Spanned<String>>>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    follow_ups: Vec<Spanned<String>>,
}

impl Bank {
    pub fn embedded(principles: &Principles) -> Result<Self, LoadError> {
        Self::parse(
            &Source::new("questions.toml", EMBEDDED_QUESTIONS),
            principles,
        )
    }

    /// Parses and validates a bank, reporting every problem with its line.
    pub fn parse(source: &Source<'_>, principles: &Principles) -> Result<Self, LoadError> {
        let raw: RawBank = source.parse()?;
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut first_line_of_id: HashMap<String, usize> = HashMap::new();
        let mut questions = Vec::with_capacity(raw.question.len());

        for entry in raw.question {
            let entry_line = source.line_of(entry.span().start);
            let q = entry.into_inner();
            let id = q.id.get_ref().trim().to_string();
            let label = if id.is_empty() {
                format!("question at line {entry_line}")
            } else {
                format!("question {id:?}")
            };
            let mut problems = Vec::new();

            if id.is_empty() {
                problems.push(source.diagnostic(q.id.span(), format!("{label}: `id` is empty")));
            } else if let Some(first) = first_line_of_id.get(&id) {
                problems.push(source.diagnostic(
                    q.id.span(),
                    format!("{label}: duplicate id (first used at line {first})"),
                ));
            } else {
                first_line_of_id.insert(id.clone(), source.line_of(q.id.span().start));
            }

            let text = collapse_whitespace(q.text.get_ref());
            if text.is_empty() {
                problems
                    .push(source.diagnostic(q.text.span(), format!("{label}: `text` is empty")));
            }

            let listed = q.principles.get_ref();
            if listed.is_empty() || listed.len() > MAX_PRINCIPLES_PER_QUESTION {
                problems.push(source.diagnostic(
                    q.principles.span(),
                    format!(
                        "{label}: `principles` must name 1 to {MAX_PRINCIPLES_PER_QUESTION} principles, found {}",
                        listed.len()
                    ),
                ));
            }
            let mut slugs: Vec<String> = Vec::new();
            for name in listed {
                match principles.find(name.get_ref()) {
                    Some(p) if slugs.contains(&p.slug) => problems.push(source.diagnostic(
                        name.span(),
                        format!("{label}: principle {:?} is listed twice", name.get_ref()),
                    )),
                    Some(p) => slugs.push(p.slug.clone()),
                    None => {
                        let hint = principles
                            .suggest(name.get_ref())
                            .map(|s| format!(" (did you mean {s:?}?)"))
                            .unwrap_or_else(|| " (run `stardrill questions` to list them)".into());
                        problems.push(source.diagnostic(
                            name.span(),
                            format!("{label}: unknown principle {:?}{hint}", name.get_ref()),
                        ));
                    }
                }
            }

            let kind = match &q.kind {
                None => QuestionKind::Behavioral,
                Some(kind) => QuestionKind::parse(kind.get_ref()).unwrap_or_else(|| {
                    problems.push(source.diagnostic(
                        kind.span(),
                        format!(
                            "{label}: unknown kind {:?} (expected behavioral, hypothetical or motivation)",
                            kind.get_ref()
                        ),
                    ));
                    QuestionKind::Behavioral
                }),
            };

            let mut follow_ups = Vec::with_capacity(q.follow_ups.len());
            for f in &q.follow_ups {
                let text = collapse_whitespace(f.get_ref());
                if text.is_empty() {
                    problems.push(
                        source.diagnostic(f.span(), format!("{label}: a follow-up is empty")),
                    );
                } else {
                    follow_ups.push(text);
                }
            }

            if problems.is_empty() {
                questions.push(Question {
                    id,
                    text,
                    principles: slugs,
                    kind,
                    follow_ups,
                });
            } else {
                diagnostics.extend(problems);
            }
        }

        if diagnostics.is_empty() && questions.is_empty() {
            diagnostics.push(Diagnostic {
                file: source.name.to_string(),
                line: None,
                message: "no questions found (expected [[question]] tables)".into(),
            });
        }
        if diagnostics.is_empty() {
            Ok(Self { questions })
        } else {
            Err(LoadError { diagnostics })
        }
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn get(&self, index: usize) -> &Question {
        &self.questions[index]
    }

    /// Indices of the questions that test any of `principles` (all when empty)
    /// and are of `kind` (any when `None`).
    pub fn filter(&self, principles: &[String], kind: Option<QuestionKind>) -> Vec<usize> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                principles.is_empty() || q.principles.iter().any(|p| principles.contains(p))
            })
            .filter(|(_, q)| kind.is_none_or(|k| q.kind == k))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Multi-line TOML strings are for the author's convenience; on screen a
/// question is one paragraph.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principles() -> Principles {
        Principles::embedded().expect("embedded principles parse")
    }

    fn load(text: &str) -> Result<Bank, LoadError> {
        Bank::parse(&Source::new("bank.toml", text), &principles())
    }

    fn only_message(text: &str) -> String {
        let err = load(text).expect_err("bank should be rejected");
        assert_eq!(err.diagnostics.len(), 1, "{err}");
        err.to_string()
    }

    const GOOD: &str = r#"
[[question]]
id = "a"
text = "Tell me about a time you put the customer first."
principles = ["Customer Obsession", "ownership"]
kind = "behavioral"
follow_ups = ["How did you measure that?", "What would you do differently?"]
"#;

    #[test]
    fn a_valid_bank_loads_with_canonical_slugs() {
        let bank = load(GOOD).expect("valid");
        let q = bank.get(0);
        assert_eq!(q.principles, ["customer-obsession", "ownership"]);
        assert_eq!(q.kind, QuestionKind::Behavioral);
        assert_eq!(q.follow_ups.len(), 2);
    }

    #[test]
    fn broken_toml_names_file_and_line() {
        let msg = only_message("[[question]]\nid = \"a\"\ntext = \"unterminated\n");
        assert!(msg.starts_with("bank.toml:3: "), "{msg}");
    }

    #[test]
    fn duplicate_id_names_both_lines() {
        let text = format!("{GOOD}\n{GOOD}");
        let msg = only_message(&text);
        assert!(msg.starts_with("bank.toml:11: "), "{msg}");
        assert!(
            msg.contains("question \"a\": duplicate id (first used at line 3)"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_principle_is_named_with_a_suggestion() {
        let msg = only_message(&GOOD.replace("\"ownership\"", "\"Ownershp\""));
        assert!(msg.starts_with("bank.toml:5: "), "{msg}");
        assert!(
            msg.contains(
                "question \"a\": unknown principle \"Ownershp\" (did you mean \"ownership\"?)"
            ),
            "{msg}"
        );
    }

    #[test]
    fn empty_text_is_rejected() {
        let msg =
            only_message(&GOOD.replace("Tell me about a time you put the customer first.", "   "));
        assert_eq!(msg, "bank.toml:4: question \"a\": `text` is empty");
    }

    #[test]
    fn missing_field_is_rejected_with_its_line() {
        let msg = only_message("\n[[question]]\nid = \"a\"\nprinciples = [\"ownership\"]\n");
        assert!(msg.starts_with("bank.toml:2: "), "{msg}");
        assert!(msg.contains("missing field `text`"), "{msg}");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let msg = only_message(&GOOD.replace("kind =", "knd ="));
        assert!(msg.contains("unknown field `knd`"), "{msg}");
    }

    #[test]
    fn unknown_kind_is_rejected() {
        let msg = only_message(&GOOD.replace("\"behavioral\"", "\"riddle\""));
        assert_eq!(
            msg,
            "bank.toml:6: question \"a\": unknown kind \"riddle\" (expected behavioral, hypothetical or motivation)"
        );
    }

    #[test]
    fn too_many_or_no_principles_is_rejected() {
        let none = only_message(&GOOD.replace("[\"Customer Obsession\", \"ownership\"]", "[]"));
        assert!(
            none.contains("must name 1 to 3 principles, found 0"),
            "{none}"
        );
        let four = only_message(&GOOD.replace(
            "[\"Customer Obsession\", \"ownership\"]",
            "[\"frugality\", \"ownership\", \"think big\", \"dive deep\"]",
        ));
        assert!(four.contains("found 4"), "{four}");
    }

    #[test]
    fn repeated_principle_is_rejected() {
        let msg = only_message(&GOOD.replace("\"ownership\"", "\"customer-obsession\""));
        assert!(msg.contains("listed twice"), "{msg}");
    }

    #[test]
    fn empty_file_is_rejected() {
        assert_eq!(
            only_message(""),
            "bank.toml: no questions found (expected [[question]] tables)"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = format!(
            "{}\n{}",
            GOOD.replace("\"ownership\"", "\"nope\""),
            GOOD.replace("id = \"a\"", "id = \"\"")
        );
        let err = load(&text).expect_err("rejected");
        assert_eq!(err.diagnostics.len(), 2, "{err}");
    }

    #[test]
    fn filter_by_principle_and_kind() {
        let text = format!(
            "{GOOD}\n{}",
            GOOD.replace("id = \"a\"", "id = \"b\"")
                .replace("[\"Customer Obsession\", \"ownership\"]", "[\"frugality\"]")
                .replace("\"behavioral\"", "\"hypothetical\"")
        );
        let bank = load(&text).expect("valid");
        assert_eq!(bank.filter(&[], None), [0, 1]);
        assert_eq!(bank.filter(&["frugality".into()], None), [1]);
        assert_eq!(bank.filter(&[], Some(QuestionKind::Behavioral)), [0]);
        assert!(
            bank.filter(&["frugality".into()], Some(QuestionKind::Behavioral))
                .is_empty()
        );
    }
}
