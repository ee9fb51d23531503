//! What interviewers say beyond the question bank: the Bar Raiser probes
//! that fit any story, and the close of an interview.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use serde::Deserialize;
use toml::Spanned;

use super::bank::{Question, QuestionKind};
use super::source::{Diagnostic, LoadError, Source};

pub const EMBEDDED_INTERVIEWER: &str = include_str!("../../data/interviewer.toml");

/// Probes go from your part and the facts (1) through how and why (2) to
/// looking back (3).
pub const LAYERS: std::ops::RangeInclusive<u8> = 1..=3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub text: String,
    pub layer: u8,
    /// Lower-case stems meaning the probe was already asked in other words.
    pub overlaps: Vec<String>,
}

impl Probe {
    /// Whether `asked` (the question or an earlier probe) already covers it.
    fn covered_by(&self, asked: &str) -> bool {
        let asked = asked.to_lowercase();
        self.overlaps
            .iter()
            .any(|stem| asked.contains(stem.as_str()))
            || asked == self.text.to_lowercase()
    }
}

/// The end of an interview: the candidate's turn to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    pub prompt: String,
    pub advice: String,
    pub examples: Vec<String>,
}

impl Closing {
    /// Up to `n` example questions in random order.
    pub fn sample(&self, n: usize, rng: &mut impl Rng) -> Vec<&str> {
        self.examples
            .choose_multiple(rng, n)
            .map(String::as_str)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interviewer {
    probes: Vec<Probe>,
    closing: Closing,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    probe: Vec<Spanned<RawProbe>>,
    closing: RawClosing,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    text: Spanned<String>,
    layer: Spanned<u8>,
    #[serde(default)]
    overlaps: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosing {
    prompt: Spanned<String>,
    advice: Spanned<String>,
    examples: Spanned<Vec<Spanned<String>>>,
}

impl Interviewer {
    pub fn embedded() -> Result<Self, LoadError> {
        if super::compiled::FRESH {
            return Ok(super::compiled::interviewer());
        }
        Self::parse(&Source::new("data/interviewer.toml", EMBEDDED_INTERVIEWER))
    }

    /// Probes and closing already checked (the compiled-in copy).
    pub(super) fn from_checked(probes: Vec<Probe>, closing: Closing) -> Self {
        Self { probes, closing }
    }

    pub fn parse(source: &Source<'_>) -> Result<Self, LoadError> {
        let raw: RawFile = source.parse()?;
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let text = |value: &Spanned<String>, what: &str, diagnostics: &mut Vec<Diagnostic>| {
            screen_text(source, value, what, diagnostics)
        };

        let mut probes: Vec<Probe> = Vec::with_capacity(raw.probe.len());
        for entry in &raw.probe {
            let p = entry.get_ref();
            let probe_text = text(&p.text, "a probe's `text`", &mut diagnostics);
            let overlaps: Vec<String> = p
                .overlaps
                .iter()
                .map(|o| text(o, "an `overlaps` stem", &mut diagnostics).to_lowercase())
                .collect();
            let layer = *p.layer.get_ref();
            if !LAYERS.contains(&layer) {
                diagnostics.push(source.diagnostic(
                    p.layer.span(),
                    format!("probe {probe_text:?}: `layer` must be 1, 2 or 3, found {layer}"),
                ));
            }
            if probes
                .iter()
                .any(|q| q.text.eq_ignore_ascii_case(&probe_text))
            {
                diagnostics.push(source.diagnostic(
                    p.text.span(),
                    format!("probe {probe_text:?} is listed twice"),
                ));
            }
            probes.push(Probe {
                text: probe_text,
                layer,
                overlaps,
            });
        }
        if probes.is_empty() {
            diagnostics.push(Diagnostic {
                file: source.name.to_string(),
                line: None,
                message: "no probes found (expected [[probe]] tables)".into(),
            });
        }

        let c = &raw.closing;
        let closing = Closing {
            prompt: text(&c.prompt, "the closing `prompt`", &mut diagnostics),
            advice: text(&c.advice, "the closing `advice`", &mut diagnostics),
            examples: c
                .examples
                .get_ref()
                .iter()
                .map(|e| text(e, "a closing example", &mut diagnostics))
                .collect(),
        };
        if closing.examples.len() < 2 {
            diagnostics.push(source.diagnostic(
                c.examples.span(),
                "the closing needs at least 2 example questions",
            ));
        }

        if diagnostics.is_empty() {
            Ok(Self { probes, closing })
        } else {
            Err(LoadError { diagnostics })
        }
    }

    pub fn probes(&self) -> &[Probe] {
        &self.probes
    }

    pub fn closing(&self) -> &Closing {
        &self.closing
    }

    /// Up to `depth` follow-ups on the story just told for `question`, in
    /// the order to ask them, as a Bar Raiser digs: the first is one of the
    /// question's own follow-ups; each deeper one is, with even odds, another
    /// of its own or a shared probe of that layer (the last layer for any
    /// depth beyond it). A shared probe is skipped when the question, its
    /// own follow-ups or an earlier probe ask it in other words. Hypothetical and
    /// motivation questions have no story to dig into, so only their own
    /// follow-ups are used. Follow-ups asking for a new story are never
    /// among these: see `Question::new_story_follow_ups`.
    pub fn layered_probes(
        &self,
        question: &Question,
        depth: usize,
        rng: &mut impl Rng,
    ) -> Vec<String> {
        let mut own: Vec<&str> = question.follow_ups.iter().map(AsRef::as_ref).collect();
        own.shuffle(rng);
        let stories = question.kind == QuestionKind::Behavioral;
        let mut asked: Vec<String> = Vec::with_capacity(depth);
        for layer in 1..=depth {
            let tier = u8::try_from(layer).unwrap_or(u8::MAX).min(*LAYERS.end());
            // Checked against every own follow-up too, as any may come later.
            let fresh = |p: &&Probe| {
                !p.covered_by(&question.text)
                    && !asked.iter().any(|a| p.covered_by(a))
                    && !question.follow_ups.iter().any(|f| p.covered_by(f))
            };
            let shared: Vec<&Probe> = if stories {
                self.probes
                    .iter()
                    .filter(|p| p.layer == tier)
                    .filter(fresh)
                    .collect()
            } else {
                Vec::new()
            };
            let use_own = match (own.is_empty(), shared.is_empty()) {
                (false, true) => true,
                (true, false) => false,
                (false, false) => layer == 1 || rng.random_bool(0.5),
                (true, true) => break,
            };
            let next = if use_own {
                own.pop().map(str::to_string)
            } else {
                shared.choose(rng).map(|p| p.text.clone())
            };
            match next {
                Some(text) => asked.push(text),
                None => break,
            }
        }
        asked
    }
}

/// Text shown on screen: trimmed, not empty, no control characters.
fn screen_text(
    source: &Source<'_>,
    value: &Spanned<String>,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let s = value.get_ref().trim();
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        diagnostics.push(source.diagnostic(
            value.span(),
            format!(
                "{what} contains a control character (U+{:04X})",
                u32::from(c)
            ),
        ));
    } else if s.is_empty() {
        diagnostics.push(source.diagnostic(value.span(), format!("{what} is empty")));
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank::{Audience, Question};
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    fn parse(text: &str) -> Result<Interviewer, LoadError> {
        Interviewer::parse(&Source::new("interviewer.toml", text))
    }

    fn only_message(text: &str) -> String {
        let err = parse(text).expect_err("should be rejected");
        assert_eq!(err.diagnostics.len(), 1, "{err}");
        err.to_string()
    }

    const GOOD: &str = r#"
[[probe]]
text = "What was your specific role?"
layer = 1
overlaps = ["your role"]

[[probe]]
text = "How did you measure it?"
layer = 2
overlaps = ["measur"]

[[probe]]
text = "What would you do differently?"
layer = 3
overlaps = ["differently"]

[closing]
prompt = "What questions do you have for me?"
advice = "Ask about the work."
examples = ["How does this role fit into the organisation?", "What does training look like?"]
"#;

    fn question(kind: QuestionKind, follow_ups: &[&str]) -> Question {
        Question {
            id: "q".into(),
            text: "Tell me about a time you simplified a complex process.".into(),
            principles: vec!["invent-and-simplify".into()].into(),
            kind,
            follow_ups: follow_ups.iter().map(|s| s.to_string().into()).collect(),
            new_story_follow_ups: vec!["Tell me about another time.".into()].into(),
            variant_of: None,
            audience: Audience::Everyone,
            intro: false,
        }
    }

    #[test]
    fn the_embedded_probes_and_closing_load() {
        let interviewer = Interviewer::embedded().expect("embedded data parses");
        let texts: Vec<&str> = interviewer
            .probes()
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        for seeded in [
            "What was your specific role?",
            "What data did you use?",
            "How did you measure it?",
            "What would you do differently?",
            "What was the hardest part?",
            "What did your manager think?",
            "What happened next?",
        ] {
            assert!(texts.contains(&seeded), "missing {seeded}");
        }
        for layer in LAYERS {
            assert!(
                interviewer
                    .probes()
                    .iter()
                    .filter(|p| p.layer == layer)
                    .count()
                    >= 3,
                "layer {layer}"
            );
        }
        let closing = interviewer.closing();
        assert!(closing.prompt.ends_with('?'));
        assert!(closing.examples.len() >= 4);
        let mut rng = StdRng::seed_from_u64(3);
        let sample = closing.sample(3, &mut rng);
        assert_eq!(sample.len(), 3);
        assert_eq!(sample.iter().collect::<HashSet<_>>().len(), 3);
    }

    #[test]
    fn a_probe_goes_layer_by_layer_from_the_questions_own_follow_ups() {
        let interviewer = parse(GOOD).expect("valid");
        let own = ["What made it complex?", "Who depended on it?"];
        let q = question(QuestionKind::Behavioral, &own);
        let mut saw_shared = HashSet::new();
        for seed in 0..40 {
            let mut rng = StdRng::seed_from_u64(seed);
            let probes = interviewer.layered_probes(&q, 3, &mut rng);
            assert_eq!(probes.len(), 3, "{probes:?}");
            assert!(
                own.contains(&probes[0].as_str()),
                "layer 1 is the question's own"
            );
            assert_eq!(probes.iter().collect::<HashSet<_>>().len(), 3, "no repeats");
            for (layer, p) in probes.iter().enumerate().skip(1) {
                let shared = ["How did you measure it?", "What would you do differently?"];
                assert!(
                    own.contains(&p.as_str()) || shared.contains(&p.as_str()),
                    "{p}"
                );
                if p == "How did you measure it?" {
                    assert_eq!(layer, 1, "a layer-2 probe at layer 2");
                    saw_shared.insert(p.clone());
                }
                if p == "What would you do differently?" {
                    assert_eq!(layer, 2, "a layer-3 probe at layer 3");
                    saw_shared.insert(p.clone());
                }
            }
            assert!(!probes.iter().any(|p| p.contains("another time")));
        }
        assert_eq!(saw_shared.len(), 2, "the shared pool is mixed in");
    }

    #[test]
    fn the_same_seed_gives_the_same_probes() {
        let interviewer = Interviewer::embedded().expect("embedded");
        let q = question(
            QuestionKind::Behavioral,
            &["What made it complex?", "Who depended on it?"],
        );
        let run = |seed| interviewer.layered_probes(&q, 3, &mut StdRng::seed_from_u64(seed));
        assert_eq!(run(5), run(5));
        let distinct: HashSet<Vec<String>> = (0..20).map(run).collect();
        assert!(distinct.len() > 5, "{distinct:?}");
    }

    #[test]
    fn a_probe_already_asked_in_other_words_is_skipped() {
        let interviewer = parse(GOOD).expect("valid");
        // The question's own follow-ups already ask about measuring and
        // doing it differently: nothing from the pool may repeat them.
        let q = question(
            QuestionKind::Behavioral,
            &[
                "How did you measure that it was simpler?",
                "What would you do differently next time?",
            ],
        );
        for seed in 0..30 {
            let probes = interviewer.layered_probes(&q, 4, &mut StdRng::seed_from_u64(seed));
            assert!(
                !probes.contains(&"How did you measure it?".to_string()),
                "{probes:?}"
            );
            assert!(
                !probes.contains(&"What would you do differently?".to_string()),
                "{probes:?}"
            );
        }
        // The question text counts too.
        let mut role = question(QuestionKind::Behavioral, &["What made it complex?"]);
        role.text = "What was your role in the largest project you've run?".into();
        for seed in 0..30 {
            let probes = interviewer.layered_probes(&role, 1, &mut StdRng::seed_from_u64(seed));
            assert_eq!(probes, ["What made it complex?"]);
        }
    }

    #[test]
    fn hypothetical_questions_use_only_their_own_follow_ups() {
        let interviewer = parse(GOOD).expect("valid");
        let q = question(
            QuestionKind::Hypothetical,
            &["What would you check first?", "Who would you tell?"],
        );
        let probes = interviewer.layered_probes(&q, 3, &mut StdRng::seed_from_u64(1));
        assert_eq!(
            probes.len(),
            2,
            "it runs out rather than inventing a story: {probes:?}"
        );
        assert!(
            interviewer
                .layered_probes(&q, 0, &mut StdRng::seed_from_u64(1))
                .is_empty()
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        assert_eq!(
            only_message(&GOOD.replace("layer = 3", "layer = 4")),
            "interviewer.toml:14: probe \"What would you do differently?\": `layer` must be 1, 2 or 3, found 4"
        );
        assert_eq!(
            only_message(&GOOD.replace("How did you measure it?", "  ")),
            "interviewer.toml:8: a probe's `text` is empty"
        );
        assert_eq!(
            only_message(&GOOD.replace("Ask about the work.", "Ask\\u0007")),
            "interviewer.toml:19: the closing `advice` contains a control character (U+0007)"
        );
        assert_eq!(
            only_message(&GOOD.replace("How did you measure it?", "What was your specific role?")),
            "interviewer.toml:8: probe \"What was your specific role?\" is listed twice"
        );
        let one_example = GOOD.replace(", \"What does training look like?\"", "");
        assert_eq!(
            only_message(&one_example),
            "interviewer.toml:20: the closing needs at least 2 example questions"
        );
        let msg = only_message(&GOOD.replace("layer = 1", "layr = 1"));
        assert!(msg.contains("unknown field `layr`"), "{msg}");
        let msg = only_message(&GOOD.replace("[closing]", "[closin]"));
        assert!(msg.contains("closin"), "{msg}");
    }
}
