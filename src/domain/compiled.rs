//! The embedded principles, frameworks, interviewer and question bank as Rust
//! data, so a start does not parse and check 80 KB of TOML (that was most of
//! the time and heap before the first frame).
//!
//! The TOML files stay the source of truth: `compiled_data.rs` is written
//! from them, through the same parsers and checks, by a test
//! (`UPDATE_COMPILED=1 cargo test --lib compiled`), which fails while the copy
//! is out of date. The copy records a hash of the files it was made from; a
//! build whose files differ (edited, not yet regenerated) parses the TOML
//! as before, so a stale copy is never used.

use super::Text;
use super::bank::{Audience, Bank, Question, QuestionKind};
use super::framework::{Framework, Frameworks, Step};
use super::interviewer::EMBEDDED_INTERVIEWER;
use super::interviewer::{Closing, Interviewer, Probe};
use super::principles::{EMBEDDED_PRINCIPLES, Principle, Principles};
use super::{bank::EMBEDDED_QUESTIONS, framework::EMBEDDED_FRAMEWORKS};

/// 64-bit FNV-1a, at compile time.
const fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The hash of the four embedded files, in a fixed order.
const fn source_hash() -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    hash = fnv1a(hash, EMBEDDED_PRINCIPLES.as_bytes());
    hash = fnv1a(hash, EMBEDDED_FRAMEWORKS.as_bytes());
    hash = fnv1a(hash, EMBEDDED_INTERVIEWER.as_bytes());
    fnv1a(hash, EMBEDDED_QUESTIONS.as_bytes())
}

/// Whether the compiled copy was made from the files built into this binary.
pub(super) const FRESH: bool = SOURCE_HASH == source_hash();

struct P {
    slug: &'static str,
    name: &'static str,
    /// `normalize_key` of the name.
    name_key: &'static str,
    summary: &'static str,
}

struct F {
    key: &'static str,
    name: &'static str,
    steps: &'static [S],
}

struct S {
    key: &'static str,
    name: &'static str,
    hint: &'static str,
    target_secs: u64,
    warn_after_secs: Option<u64>,
}

struct Pr {
    text: &'static str,
    layer: u8,
    overlaps: &'static [&'static str],
}

struct C {
    prompt: &'static str,
    advice: &'static str,
    examples: &'static [&'static str],
}

struct Q {
    id: &'static str,
    text: &'static str,
    principles: &'static [Text],
    kind: QuestionKind,
    follow_ups: &'static [Text],
    new_story_follow_ups: &'static [Text],
    variant_of: Option<&'static str>,
    audience: Audience,
    intro: bool,
}

/// A borrowed `Text`, in the compiled lists.
use std::borrow::Cow::Borrowed as B;

include!("compiled_data.rs");

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

pub(super) fn principles() -> Principles {
    Principles::with_name_keys(
        PRINCIPLES
            .iter()
            .map(|p| Principle {
                slug: p.slug.into(),
                name: p.name.into(),
                summary: p.summary.into(),
            })
            .collect(),
        PRINCIPLES.iter().map(|p| p.name_key.into()).collect(),
    )
}

pub(super) fn frameworks() -> Frameworks {
    Frameworks::from_checked(
        FRAMEWORKS
            .iter()
            .map(|f| Framework {
                key: f.key.into(),
                name: f.name.into(),
                steps: f
                    .steps
                    .iter()
                    .map(|s| Step {
                        key: s.key.into(),
                        name: s.name.into(),
                        hint: s.hint.into(),
                        target_secs: s.target_secs,
                        warn_after_secs: s.warn_after_secs,
                    })
                    .collect(),
            })
            .collect(),
    )
}

pub(super) fn interviewer() -> Interviewer {
    let probes = PROBES
        .iter()
        .map(|p| Probe {
            text: p.text.into(),
            layer: p.layer,
            overlaps: strings(p.overlaps),
        })
        .collect();
    let closing = Closing {
        prompt: CLOSING.prompt.into(),
        advice: CLOSING.advice.into(),
        examples: strings(CLOSING.examples),
    };
    Interviewer::from_checked(probes, closing)
}

pub(super) fn bank() -> Bank {
    Bank::from_checked(
        QUESTIONS
            .iter()
            .map(|q| Question {
                id: B(q.id),
                text: B(q.text),
                principles: B(q.principles),
                kind: q.kind,
                follow_ups: B(q.follow_ups),
                new_story_follow_ups: B(q.new_story_follow_ups),
                variant_of: q.variant_of.map(B),
                audience: q.audience,
                intro: q.intro,
            })
            .collect(),
    )
}

/// `compiled_data.rs` for the given (parsed and checked) embedded data.
#[cfg(test)]
fn render(
    principles: &Principles,
    frameworks: &Frameworks,
    interviewer: &Interviewer,
    bank: &Bank,
) -> String {
    use std::fmt::Write as _;

    fn list(items: &[String]) -> String {
        let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
        format!("&[{}]", quoted.join(", "))
    }
    fn texts(items: &[Text]) -> String {
        let quoted: Vec<String> = items.iter().map(|s| format!("B({s:?})")).collect();
        format!("&[{}]", quoted.join(", "))
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Written from data/principles.toml, data/frameworks.toml, data/interviewer.toml\n\
         // and questions.toml by `UPDATE_COMPILED=1 cargo test --lib compiled`; do not edit.\n\
         // Included by compiled.rs.\n"
    );
    let _ = writeln!(out, "const SOURCE_HASH: u64 = {:#018x};\n", source_hash());
    let _ = writeln!(out, "static PRINCIPLES: &[P] = &[");
    for (p, name_key) in principles.all().iter().zip(principles.name_keys()) {
        let _ = writeln!(
            out,
            "    P {{ slug: {:?}, name: {:?}, name_key: {:?}, summary: {:?} }},",
            p.slug, p.name, name_key, p.summary
        );
    }
    let _ = writeln!(out, "];\n\nstatic FRAMEWORKS: &[F] = &[");
    for f in frameworks.all() {
        let _ = writeln!(
            out,
            "    F {{ key: {:?}, name: {:?}, steps: &[",
            f.key, f.name
        );
        for s in &f.steps {
            let _ = writeln!(
                out,
                "        S {{ key: {:?}, name: {:?}, hint: {:?}, target_secs: {}, warn_after_secs: {:?} }},",
                s.key, s.name, s.hint, s.target_secs, s.warn_after_secs
            );
        }
        let _ = writeln!(out, "    ] }},");
    }
    let _ = writeln!(out, "];\n\nstatic PROBES: &[Pr] = &[");
    for p in interviewer.probes() {
        let _ = writeln!(
            out,
            "    Pr {{ text: {:?}, layer: {}, overlaps: {} }},",
            p.text,
            p.layer,
            list(&p.overlaps)
        );
    }
    let c = interviewer.closing();
    let _ = writeln!(
        out,
        "];\n\nstatic CLOSING: C = C {{\n    prompt: {:?},\n    advice: {:?},\n    examples: {},\n}};\n",
        c.prompt,
        c.advice,
        list(&c.examples)
    );
    let _ = writeln!(out, "static QUESTIONS: &[Q] = &[");
    for q in bank.questions() {
        let _ = writeln!(
            out,
            "    Q {{\n        id: {:?},\n        text: {:?},\n        principles: {},\n        \
             kind: QuestionKind::{:?},\n        follow_ups: {},\n        new_story_follow_ups: {},\n        \
             variant_of: {:?},\n        audience: Audience::{:?},\n        intro: {},\n    }},",
            q.id,
            q.text,
            texts(&q.principles),
            q.kind,
            texts(&q.follow_ups),
            texts(&q.new_story_follow_ups),
            q.variant_of,
            q.audience,
            q.intro
        );
    }
    let _ = writeln!(out, "];");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::source::Source;

    fn parsed() -> (Principles, Frameworks, Interviewer, Bank) {
        let principles =
            Principles::parse(&Source::new("data/principles.toml", EMBEDDED_PRINCIPLES))
                .expect("principles");
        let frameworks =
            Frameworks::parse(&Source::new("data/frameworks.toml", EMBEDDED_FRAMEWORKS))
                .expect("frameworks");
        let interviewer =
            Interviewer::parse(&Source::new("data/interviewer.toml", EMBEDDED_INTERVIEWER))
                .expect("interviewer");
        let bank = Bank::parse(
            &Source::new("questions.toml", EMBEDDED_QUESTIONS),
            &principles,
        )
        .expect("bank");
        (principles, frameworks, interviewer, bank)
    }

    /// Fails while compiled_data.rs is not what the TOML files make;
    /// `UPDATE_COMPILED=1` rewrites it.
    #[test]
    fn compiled_data_is_up_to_date() {
        let (principles, frameworks, interviewer, bank) = parsed();
        let want = render(&principles, &frameworks, &interviewer, &bank);
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/compiled_data.rs");
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if std::env::var_os("UPDATE_COMPILED").is_some() {
                std::fs::write(&path, want).expect("write compiled_data.rs");
                return;
            }
            panic!(
                "src/domain/compiled_data.rs is out of date with the embedded TOML files \
                 (the program parses the TOML until it is updated): run \
                 `UPDATE_COMPILED=1 cargo test --lib compiled`"
            );
        }
        // Checked when the test runs, not at compile time: a stale copy
        // must still build, so that this test can rewrite it.
        assert!(
            std::hint::black_box(FRESH),
            "the copy is up to date, so the build must use it"
        );
    }

    /// The compiled copy is exactly what parsing the files gives.
    #[test]
    fn compiled_copy_equals_the_parsed_files() {
        if !std::hint::black_box(FRESH) {
            // A stale copy is not used; `compiled_data_is_up_to_date` says so.
            return;
        }
        let (principles, frameworks, interviewer, bank) = parsed();
        assert_eq!(self::principles(), principles);
        assert_eq!(self::frameworks(), frameworks);
        assert_eq!(self::interviewer(), interviewer);
        assert_eq!(self::bank(), bank);
    }
}
