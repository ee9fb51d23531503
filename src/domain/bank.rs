//! The question bank: loading, validation and filtering.

use std::collections::HashMap;
use std::fmt;

use foldhash::fast::FixedState;
use rand::Rng;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::principles::Principles;
use super::source::{Diagnostic, LoadError, Source, normalize_key};
use super::{Text, Texts};

/// The default bank, compiled in so an installed binary works from any folder.
pub const EMBEDDED_QUESTIONS: &str = include_str!("../../questions.toml");

pub const MAX_PRINCIPLES_PER_QUESTION: usize = 3;

/// Marks a follow-up that asks for a brand-new story rather than probing the
/// one just told (matched case-insensitively, then removed).
pub const NEW_STORY_PREFIX: &str = "new story:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    /// "Tell me about a time…": a story from the past.
    Behavioral,
    /// "A co-worker constantly arrives late… What would you do?"
    Hypothetical,
    /// "Why Amazon?", "Tell me about yourself": a loop's opening, testing no
    /// principle of its own.
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

/// Who can answer a question from their own experience.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Audience {
    #[default]
    Everyone,
    /// Only someone who has managed people: hiring, promoting, letting go.
    Manager,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::Manager => "manager",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match normalize_key(s).as_str() {
            "everyone" => Some(Self::Everyone),
            "manager" => Some(Self::Manager),
            _ => None,
        }
    }
}

/// Who is practising (`--audience`, `audience` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Candidate {
    /// An individual contributor: questions only a manager can answer are left out.
    Ic,
    /// A people manager: every question.
    Manager,
}

impl Candidate {
    /// Whether a question for `audience` suits this candidate.
    pub fn can_answer(self, audience: Audience) -> bool {
        match self {
            Self::Ic => audience == Audience::Everyone,
            Self::Manager => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: Text,
    pub text: Text,
    /// Canonical slugs, primary principle first; empty for motivation questions.
    pub principles: Texts,
    pub kind: QuestionKind,
    /// Probes on the story just told, as an interviewer would ask next.
    pub follow_ups: Texts,
    /// Follow-ups that ask for a brand-new story, so they need the full
    /// answer time rather than a probe's.
    pub new_story_follow_ups: Texts,
    /// The id of the first question of its near-twin group, for a variant.
    pub variant_of: Option<Text>,
    pub audience: Audience,
    /// A loop's very first question: "Tell me about yourself" and its variants.
    pub intro: bool,
}

impl Question {
    /// Whether `candidate` (everyone when `None`) can answer it.
    pub fn suits(&self, candidate: Option<Candidate>) -> bool {
        candidate.is_none_or(|c| c.can_answer(self.audience))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    questions: Vec<Question>,
    /// Per question, the index of its group's first question (itself when it
    /// has no variants or is the first).
    groups: Vec<usize>,
    /// Hashed with foldhash: std's SipHash over every id was a third of
    /// loading the compiled bank, and ids come from the bank itself.
    by_id: HashMap<Text, usize, FixedState>,
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
    principles: Option<Spanned<Vec<Spanned<String>>>>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    follow_ups: Vec<Spanned<String>>,
    variant_of: Option<Spanned<String>>,
    audience: Option<Spanned<String>>,
    intro: Option<Spanned<bool>>,
}

/// Strings read from a file, as a list of `Text`.
fn owned(list: Vec<String>) -> Texts {
    list.into_iter().map(Text::Owned).collect::<Vec<_>>().into()
}

/// The first control character in `s`; line breaks and tabs are allowed
/// where `multi_line` (they fold into spaces), never in ids or keys.
fn control_char(s: &str, multi_line: bool) -> Option<char> {
    s.chars()
        .find(|&c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

impl Bank {
    pub fn embedded(principles: &Principles) -> Result<Self, LoadError> {
        if super::compiled::FRESH {
            return Ok(super::compiled::bank());
        }
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

        // Every id and the question it names as its group's first, so a
        // variant may name a question further down the file.
        let mut links: HashMap<String, Option<String>> = HashMap::new();
        for entry in &raw.question {
            let q = entry.get_ref();
            links
                .entry(q.id.get_ref().trim().to_string())
                .or_insert_with(|| {
                    q.variant_of
                        .as_ref()
                        .map(|v| v.get_ref().trim().to_string())
                });
        }

        for entry in raw.question {
            let entry_line = source.line_of(entry.span().start);
            let entry_span = entry.span();
            let q = entry.into_inner();
            let id = q.id.get_ref().trim().to_string();
            let label = if id.is_empty() {
                format!("question at line {entry_line}")
            } else {
                format!("question {id:?}")
            };
            let mut problems = Vec::new();
            let no_control = |value: &Spanned<String>, field: &str, multi_line: bool| {
                control_char(value.get_ref(), multi_line).map(|c| {
                    source.diagnostic(
                        value.span(),
                        format!(
                            "{label}: {field} contains a control character (U+{:04X})",
                            u32::from(c)
                        ),
                    )
                })
            };

            if let Some(problem) = no_control(&q.id, "`id`", false) {
                problems.push(problem);
            } else if id.is_empty() {
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
            if let Some(problem) = no_control(&q.text, "`text`", true) {
                problems.push(problem);
            } else if text.is_empty() {
                problems
                    .push(source.diagnostic(q.text.span(), format!("{label}: `text` is empty")));
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

            let listed: &[Spanned<String>] = q.principles.as_ref().map_or(&[], |p| p.get_ref());
            let principles_span = q
                .principles
                .as_ref()
                .map_or(entry_span.clone(), |p| p.span());
            if kind == QuestionKind::Motivation {
                if !listed.is_empty() {
                    problems.push(source.diagnostic(
                        principles_span,
                        format!(
                            "{label}: a motivation question opens a loop and tests no principle; remove `principles`"
                        ),
                    ));
                }
            } else if listed.is_empty() || listed.len() > MAX_PRINCIPLES_PER_QUESTION {
                problems.push(source.diagnostic(
                    principles_span,
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

            let mut follow_ups = Vec::with_capacity(q.follow_ups.len());
            let mut new_story_follow_ups = Vec::new();
            for f in &q.follow_ups {
                if let Some(problem) = no_control(f, "a follow-up", true) {
                    problems.push(problem);
                    continue;
                }
                let (new_story, rest) = strip_new_story(f.get_ref());
                let text = collapse_whitespace(rest);
                if text.is_empty() {
                    problems.push(
                        source.diagnostic(f.span(), format!("{label}: a follow-up is empty")),
                    );
                } else if new_story {
                    new_story_follow_ups.push(text);
                } else {
                    follow_ups.push(text);
                }
            }

            let variant_of = q.variant_of.as_ref().and_then(|target| {
                let name = target.get_ref().trim();
                let problem = if let Some(problem) = no_control(target, "`variant_of`", false) {
                    Some(problem)
                } else if name.is_empty() {
                    Some(format!("{label}: `variant_of` is empty"))
                        .map(|m| source.diagnostic(target.span(), m))
                } else if name == id {
                    Some(format!("{label}: `variant_of` names the question itself"))
                        .map(|m| source.diagnostic(target.span(), m))
                } else {
                    match links.get(name) {
                        None => Some(format!(
                            "{label}: `variant_of` names an unknown question {name:?}"
                        )),
                        // Groups are one level deep: every variant names the
                        // same first question, so there are no chains or cycles.
                        Some(Some(next)) => Some(format!(
                            "{label}: `variant_of` must name the first question of its group, but {name:?} is itself a variant of {next:?}"
                        )),
                        Some(None) => None,
                    }
                    .map(|m| source.diagnostic(target.span(), m))
                };
                match problem {
                    Some(p) => {
                        problems.push(p);
                        None
                    }
                    None => Some(name.to_string()),
                }
            });

            let audience = match &q.audience {
                None => Audience::Everyone,
                Some(value) => {
                    if let Some(problem) = no_control(value, "`audience`", false) {
                        problems.push(problem);
                        Audience::Everyone
                    } else {
                        Audience::parse(value.get_ref()).unwrap_or_else(|| {
                            problems.push(source.diagnostic(
                                value.span(),
                                format!(
                                    "{label}: unknown audience {:?} (expected \"everyone\" or \"manager\")",
                                    value.get_ref()
                                ),
                            ));
                            Audience::Everyone
                        })
                    }
                }
            };

            let intro = q.intro.as_ref().is_some_and(|i| *i.get_ref());
            if let Some(flag) = q.intro.as_ref().filter(|_| intro)
                && kind != QuestionKind::Motivation
            {
                problems.push(source.diagnostic(
                    flag.span(),
                    format!("{label}: `intro` is only for motivation questions"),
                ));
            }

            if problems.is_empty() {
                questions.push(Question {
                    id: id.into(),
                    text: text.into(),
                    principles: owned(slugs),
                    kind,
                    follow_ups: owned(follow_ups),
                    new_story_follow_ups: owned(new_story_follow_ups),
                    variant_of: variant_of.map(Into::into),
                    audience,
                    intro,
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
        if !diagnostics.is_empty() {
            return Err(LoadError { diagnostics });
        }
        Ok(Self::from_checked(questions))
    }

    /// A bank of questions already checked (by `parse`, or the compiled-in
    /// copy of the embedded bank): every `variant_of` names a question here.
    pub(super) fn from_checked(questions: Vec<Question>) -> Self {
        let mut by_id = HashMap::with_capacity_and_hasher(questions.len(), FixedState::default());
        by_id.extend(questions.iter().enumerate().map(|(i, q)| (q.id.clone(), i)));
        // Every link was checked above, so each names a loaded question.
        let groups = questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                q.variant_of
                    .as_ref()
                    .and_then(|v| by_id.get(v.as_ref()).copied())
                    .unwrap_or(i)
            })
            .collect();
        Self {
            questions,
            groups,
            by_id,
        }
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn get(&self, index: usize) -> &Question {
        &self.questions[index]
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The group of question `index`: the index of the group's first
    /// question. Two questions are near-twins when their groups are equal.
    pub fn group(&self, index: usize) -> usize {
        self.groups.get(index).copied().unwrap_or(index)
    }

    /// The group of the question with this id, if the bank has it.
    pub fn group_of_id(&self, id: &str) -> Option<usize> {
        self.index_of(id).map(|i| self.group(i))
    }

    /// Whether two questions are the same question asked two ways.
    pub fn same_group(&self, a: usize, b: usize) -> bool {
        self.group(a) == self.group(b)
    }

    /// Every question of `index`'s group, itself included, in bank order.
    pub fn variants(&self, index: usize) -> Vec<usize> {
        let group = self.group(index);
        (0..self.questions.len())
            .filter(|&i| self.groups[i] == group)
            .collect()
    }

    /// Indices of the questions that test any of `principles` (all when empty)
    /// and are of `kind` (any when `None`). Motivation questions test no
    /// principle, so a principle filter never returns one.
    pub fn filter(&self, principles: &[String], kind: Option<QuestionKind>) -> Vec<usize> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                principles.is_empty()
                    || q.principles
                        .iter()
                        .any(|p| principles.iter().any(|s| s == p))
            })
            .filter(|(_, q)| kind.is_none_or(|k| q.kind == k))
            .map(|(i, _)| i)
            .collect()
    }

    /// A loop's opening, in the order asked: one intro question ("Tell me
    /// about yourself" or a variant), then one other motivation question
    /// ("Why Amazon?"). Either is left out when the bank has none.
    pub fn opening(&self, rng: &mut impl Rng) -> Vec<usize> {
        let of = |intro: bool| -> Vec<usize> {
            self.questions
                .iter()
                .enumerate()
                .filter(|(_, q)| q.kind == QuestionKind::Motivation && q.intro == intro)
                .map(|(i, _)| i)
                .collect()
        };
        [of(true), of(false)]
            .iter()
            .filter_map(|pool| pool.choose(rng).copied())
            .collect()
    }
}

/// Splits the "new story:" mark off a follow-up.
fn strip_new_story(text: &str) -> (bool, &str) {
    let trimmed = text.trim_start();
    match trimmed.get(..NEW_STORY_PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(NEW_STORY_PREFIX) => {
            (true, &trimmed[NEW_STORY_PREFIX.len()..])
        }
        _ => (false, text),
    }
}

/// Multi-line TOML strings are for the author's convenience; on screen a
/// question is one paragraph.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

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

    /// `GOOD` under another id, with extra lines after its follow-ups.
    fn another(id: &str, extra: &str) -> String {
        format!(
            "{}{extra}\n",
            GOOD.replace("id = \"a\"", &format!("id = \"{id}\""))
        )
    }

    #[test]
    fn a_valid_bank_loads_with_canonical_slugs() {
        let bank = load(GOOD).expect("valid");
        let q = bank.get(0);
        assert_eq!(*q.principles, ["customer-obsession", "ownership"]);
        assert_eq!(q.kind, QuestionKind::Behavioral);
        assert_eq!(q.follow_ups.len(), 2);
        assert!(q.new_story_follow_ups.is_empty());
        assert_eq!(q.audience, Audience::Everyone);
        assert_eq!(q.variant_of, None);
        assert!(!q.intro);
        assert_eq!(bank.group(0), 0);
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
        let missing = only_message(
            &GOOD.replace("principles = [\"Customer Obsession\", \"ownership\"]\n", ""),
        );
        assert_eq!(
            missing,
            "bank.toml:2: question \"a\": `principles` must name 1 to 3 principles, found 0"
        );
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

    const WHY: &str = r#"
[[question]]
id = "why"
text = "Why Amazon?"
kind = "motivation"
follow_ups = ["Why now?", "new story: Tell me about a time Amazon's culture would have helped you."]
"#;

    const ABOUT_YOU: &str = r#"
[[question]]
id = "intro"
text = "Tell me about yourself."
kind = "motivation"
intro = true
follow_ups = ["Which part are you proudest of?", "What made you move on each time?"]
"#;

    #[test]
    fn motivation_questions_test_no_principle_and_never_match_a_principle_filter() {
        let bank = load(&format!("{GOOD}{WHY}{ABOUT_YOU}")).expect("valid");
        assert!(bank.get(1).principles.is_empty());
        assert_eq!(bank.filter(&["customer-obsession".into()], None), [0]);
        assert_eq!(bank.filter(&[], None), [0, 1, 2]);
        let tagged = WHY.replace(
            "kind = \"motivation\"",
            "kind = \"motivation\"\nprinciples = [\"earn-trust\"]",
        );
        assert_eq!(
            only_message(&tagged),
            "bank.toml:6: question \"why\": a motivation question opens a loop and tests no principle; remove `principles`"
        );
    }

    #[test]
    fn the_opening_is_an_intro_then_another_motivation_question() {
        let bank = load(&format!("{GOOD}{WHY}{ABOUT_YOU}")).expect("valid");
        assert!(bank.get(2).intro);
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(bank.opening(&mut rng), [2, 1]);
        let no_intro = load(&format!("{GOOD}{WHY}")).expect("valid");
        assert_eq!(no_intro.opening(&mut rng), [1]);
        assert!(load(GOOD).expect("valid").opening(&mut rng).is_empty());
    }

    #[test]
    fn intro_is_only_for_motivation_questions() {
        let msg = only_message(&format!("{GOOD}intro = true\n"));
        assert_eq!(
            msg,
            "bank.toml:8: question \"a\": `intro` is only for motivation questions"
        );
    }

    #[test]
    fn new_story_follow_ups_are_kept_apart() {
        let bank = load(WHY).expect("valid");
        let q = bank.get(0);
        assert_eq!(*q.follow_ups, ["Why now?"]);
        assert_eq!(
            *q.new_story_follow_ups,
            ["Tell me about a time Amazon's culture would have helped you."]
        );
        let upper = load(&WHY.replace("new story:", "New Story:")).expect("valid");
        assert_eq!(upper.get(0).new_story_follow_ups.len(), 1);
        let empty = only_message(&WHY.replace(
            "new story: Tell me about a time Amazon's culture would have helped you.",
            "new story:   ",
        ));
        assert_eq!(empty, "bank.toml:6: question \"why\": a follow-up is empty");
    }

    #[test]
    fn variants_form_one_level_groups() {
        // The variant comes first: a link may point further down the file.
        let text = format!(
            "{}{}{}",
            another("b", "variant_of = \"a\""),
            GOOD,
            another("c", "variant_of = \"a\"")
        );
        let bank = load(&text).expect("valid");
        let a = bank.index_of("a").expect("a");
        let b = bank.index_of("b").expect("b");
        let c = bank.index_of("c").expect("c");
        assert_eq!(bank.get(b).variant_of.as_deref(), Some("a"));
        assert_eq!((bank.group(a), bank.group(b), bank.group(c)), (a, a, a));
        assert!(bank.same_group(b, c));
        assert_eq!(bank.variants(c), [0, 1, 2]);
        assert_eq!(bank.group_of_id("b"), Some(a));
        assert_eq!(bank.group_of_id("zz"), None);
    }

    #[test]
    fn a_variant_link_to_nowhere_is_rejected_with_its_line() {
        let msg = only_message(&format!("{GOOD}variant_of = \"co-99\"\n"));
        assert_eq!(
            msg,
            "bank.toml:8: question \"a\": `variant_of` names an unknown question \"co-99\""
        );
    }

    #[test]
    fn a_question_cannot_be_its_own_variant() {
        let msg = only_message(&format!("{GOOD}variant_of = \" a \"\n"));
        assert_eq!(
            msg,
            "bank.toml:8: question \"a\": `variant_of` names the question itself"
        );
        let empty = only_message(&format!("{GOOD}variant_of = \"\"\n"));
        assert_eq!(empty, "bank.toml:8: question \"a\": `variant_of` is empty");
    }

    #[test]
    fn chains_and_cycles_are_rejected() {
        let chain = format!(
            "{GOOD}{}{}",
            another("b", "variant_of = \"a\""),
            another("c", "variant_of = \"b\"")
        );
        assert_eq!(
            only_message(&chain),
            "bank.toml:23: question \"c\": `variant_of` must name the first question of its group, but \"b\" is itself a variant of \"a\""
        );
        let cycle = format!(
            "{}{}",
            another("a", "variant_of = \"b\""),
            another("b", "variant_of = \"a\"")
        );
        let err = load(&cycle).expect_err("a cycle");
        assert_eq!(err.diagnostics.len(), 2, "{err}");
        assert!(
            err.diagnostics
                .iter()
                .all(|d| d.message.contains("is itself a variant of")),
            "{err}"
        );
    }

    #[test]
    fn audience_is_everyone_or_manager() {
        let bank = load(&format!("{GOOD}audience = \"Manager\"\n")).expect("valid");
        let q = bank.get(0);
        assert_eq!(q.audience, Audience::Manager);
        assert!(!q.suits(Some(Candidate::Ic)));
        assert!(q.suits(Some(Candidate::Manager)));
        assert!(q.suits(None));
        let everyone = load(&format!("{GOOD}audience = \"everyone\"\n")).expect("valid");
        assert!(everyone.get(0).suits(Some(Candidate::Ic)));
        assert_eq!(
            only_message(&format!("{GOOD}audience = \"managers\"\n")),
            "bank.toml:8: question \"a\": unknown audience \"managers\" (expected \"everyone\" or \"manager\")"
        );
    }

    #[test]
    fn control_characters_are_rejected_with_their_line() {
        // A newline in an id would split the log's heading and the screen.
        let id = only_message(&GOOD.replace("id = \"a\"", "id = \"a\\nb\""));
        assert_eq!(
            id,
            "bank.toml:3: question \"a\\nb\": `id` contains a control character (U+000A)"
        );
        let text = only_message(&GOOD.replace("customer first.", "customer first.\\u001b[2J"));
        assert_eq!(
            text,
            "bank.toml:4: question \"a\": `text` contains a control character (U+001B)"
        );
        let follow_up = only_message(&GOOD.replace("measure that?", "measure\\u0007 that?"));
        assert_eq!(
            follow_up,
            "bank.toml:7: question \"a\": a follow-up contains a control character (U+0007)"
        );
        let link = only_message(&format!("{GOOD}variant_of = \"b\\tc\"\n"));
        assert!(link.starts_with("bank.toml:8: "), "{link}");
        assert!(
            link.contains("`variant_of` contains a control character (U+0009)"),
            "{link}"
        );
        let audience = only_message(&format!("{GOOD}audience = \"manager\\r\"\n"));
        assert!(
            audience.contains("`audience` contains a control character (U+000D)"),
            "{audience}"
        );
    }

    #[test]
    fn line_breaks_in_multi_line_text_fold_into_spaces() {
        let bank = load(&GOOD.replace(
            "\"Tell me about a time you put the customer first.\"",
            "\"\"\"Tell me about a time\n\tyou put the customer first.\"\"\"",
        ))
        .expect("valid");
        assert_eq!(
            bank.get(0).text,
            "Tell me about a time you put the customer first."
        );
    }
}
