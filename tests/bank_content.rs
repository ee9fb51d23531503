//! The built-in content: every principle covered, every seed question present,
//! near-twins linked, motivation questions kept out of principle rounds.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use stardrill::domain::Catalog;
use stardrill::domain::bank::{Audience, Candidate, QuestionKind};
use stardrill::domain::interview_loop::{BarRaiserAt, LoopPlan, LoopShape};
use stardrill::domain::picker::Picker;

/// Questions stated in the user's source material (the seed articles), as
/// the seeds put them.
const SEED_QUESTIONS: &[&str] = &[
    "Tell me about a time you put the customer first.",
    "Tell me about a time you put a customer's needs ahead of your own goals.",
    "Tell me about a time you took on something outside your role.",
    "Tell me about a time you took ownership of a problem that wasn't yours.",
    "Tell me about a time you failed at work. What did you learn from it?",
    "Tell me about a time where you took a decision that was counterproductive for your short term objectives but that you knew was good in the long run.",
    "Tell me about a time you simplified a complex process.",
    "Tell me how you deal with ambiguity.",
    "Tell me about a time when you were faced with a problem that had a number of possible solutions.",
    "Tell me about a time you applied judgment to a decision when data was not available.",
    "Tell me about a time you had to make a decision without all the data.",
    "Tell me about a time you failed. What did you learn?",
    "Tell me about a time you set a bar higher than people expected.",
    "Tell me about the most successful project you've done.",
    "Tell me about a project that you wish you had done better and how you would do it differently today.",
    "Tell me a time that a goal was hard to achieve. What did you learn from that?",
    "How would you improve this [project on your resume] if you had more time?",
    "Tell me about your most significant accomplishment. Why was it significant?",
    "Tell me about a time you proposed a non-intuitive solution to a problem and how you identified that it required a different way of thinking.",
    "What was the largest project you've executed?",
    "Tell me about a time when you evaluated the customer experience of your product or service.",
    "We don't always make the right decision all the time. Tell me about a time when you made a bad decision.",
    "We don't always make the right judgment all the time. Tell me about a time when you made an error in judgment.",
    "Tell me about a time when you discovered that your idea was not the best course of action.",
    "Describe a time when you had to decide whether or not to award or ask for additional resources.",
    "Tell me about a time you moved fast with limited information.",
    "How do you earn trust with a team?",
    "Tell me a piece of difficult feedback you received and how you handled it.",
    "A co-worker constantly arrives late to a recurring meeting. What would you do?",
    "Tell me about a time you had to earn a teammate's trust.",
    "Tell me about a time you used data to find a root cause.",
    "Tell me about a time you dug into data to find the real cause of an issue.",
    "Tell me about a time you disagreed with your manager.",
    "Tell me about a time you missed a deadline. What happened?",
    "How do you manage a low performer in the team?",
    "Tell me about a time that you went above and beyond for an employee.",
    "Tell me about a time you saw an issue that would negatively impact your team. How did you deal with it?",
    "How do you identify a good performer in the team and help in their career growth?",
    "Tell me about a time when you made a decision which impacted the team or the company.",
    "Tell me about a decision that you made about your work and you regret now.",
    "Tell me about a time when you failed to do the right thing.",
    "Why Amazon?",
];

/// The only seed questions the bank words differently: what an interviewer
/// would actually say (a placeholder in brackets, "Tell me a time that…",
/// "don't always… all the time", "took a decision… short term").
const WORDING_FIXES: &[(&str, &str)] = &[
    (
        "Tell me about a time where you took a decision that was counterproductive for your short term objectives but that you knew was good in the long run.",
        "Tell me about a time you made a decision that was counterproductive for your short-term objectives but that you knew was good in the long run.",
    ),
    (
        "Tell me a time that a goal was hard to achieve. What did you learn from that?",
        "Tell me about a time a goal was hard to achieve. What did you learn from that?",
    ),
    (
        "How would you improve this [project on your resume] if you had more time?",
        "Pick a project on your resume. How would you improve it if you had more time?",
    ),
    (
        "We don't always make the right decision all the time. Tell me about a time when you made a bad decision.",
        "We don't always make the right decision. Tell me about a time when you made a bad decision.",
    ),
    (
        "We don't always make the right judgment all the time. Tell me about a time when you made an error in judgment.",
        "We don't always make the right judgment. Tell me about a time when you made an error in judgment.",
    ),
    (
        "Tell me a piece of difficult feedback you received and how you handled it.",
        "Tell me about a piece of difficult feedback you received and how you handled it.",
    ),
];

/// Near-twins an interviewer would call the same question: each set must be
/// one variant group.
const NEAR_TWINS: &[&[&str]] = &[
    &["co-01", "co-02", "co-03"],
    &["own-01", "own-02"],
    &["own-03", "lbc-01"],
    &["dd-01", "dd-02"],
    &["arl-03", "arl-04", "bfa-06"],
    &["tb-01", "ihs-02"],
    &["bfa-02", "bfa-03", "sbr-02", "arl-09"],
    &["bfa-04", "arl-05"],
    &["et-01", "et-04"],
    &["fru-01", "fru-03"],
    &["intro-01", "intro-02"],
];

/// Generic probes that now live once in the shared pool, never copied into
/// a question's own follow-ups.
const COPIED_PROBES: &[&str] = &["your part, not the team", "what happened next?"];

fn catalog() -> Catalog {
    Catalog::load(None).expect("the embedded bank is valid")
}

#[test]
fn every_principle_has_at_least_10_questions_as_its_first_tag() {
    let catalog = catalog();
    let questions = catalog.bank.questions();
    assert!(questions.len() >= 180, "{} questions", questions.len());
    for p in catalog.principles.all() {
        let first = questions
            .iter()
            .filter(|q| q.principles.first().is_some_and(|first| *first == p.slug))
            .count();
        assert!(
            first >= 10,
            "{} is the first tag of only {first} questions",
            p.name
        );
    }
}

#[test]
fn every_question_is_well_formed() {
    let catalog = catalog();
    let mut texts = HashSet::new();
    for q in catalog.bank.questions() {
        if q.kind == QuestionKind::Motivation {
            assert!(q.principles.is_empty(), "{}", q.id);
        } else {
            assert!((1..=3).contains(&q.principles.len()), "{}", q.id);
            assert!(!q.intro, "{}", q.id);
        }
        let total = q.follow_ups.len() + q.new_story_follow_ups.len();
        assert!((2..=3).contains(&total), "{} has {total} follow-ups", q.id);
        assert!(
            !q.follow_ups.is_empty(),
            "{} needs a follow-up on the same story",
            q.id
        );
        assert!(
            q.new_story_follow_ups.len() <= 1,
            "{}: one new story is enough",
            q.id
        );
        for f in q.follow_ups.iter().chain(q.new_story_follow_ups.iter()) {
            let lower = f.to_lowercase();
            assert!(
                !COPIED_PROBES.iter().any(|p| lower.contains(p)),
                "{}: {f:?} belongs in the shared probe pool",
                q.id
            );
        }
        assert!(
            texts.insert(q.text.to_lowercase()),
            "duplicate text: {}",
            q.text
        );
    }
    for kind in QuestionKind::ALL {
        assert!(
            catalog.bank.questions().iter().any(|q| q.kind == kind),
            "no {kind} question"
        );
    }
}

#[test]
fn no_question_is_worded_in_a_way_an_interviewer_would_not_say() {
    for q in catalog().bank.questions() {
        let t = q.text.to_lowercase();
        assert!(
            !t.contains('[') && !t.contains(']'),
            "placeholder: {}",
            q.text
        );
        assert!(!t.starts_with("tell me a time"), "{}", q.text);
        assert!(!t.contains("all the time"), "{}", q.text);
        assert!(!t.contains("took a decision"), "{}", q.text);
        // A list of examples hands the candidate the answer.
        assert!(!t.contains("such as"), "leading list: {}", q.text);
    }
}

#[test]
fn every_seed_question_is_in_the_bank_word_for_word_but_the_listed_fixes() {
    let catalog = catalog();
    let texts: HashSet<&str> = catalog
        .bank
        .questions()
        .iter()
        .map(|q| q.text.as_ref())
        .collect();
    let fixes: HashMap<&str, &str> = WORDING_FIXES.iter().copied().collect();
    let missing: Vec<_> = SEED_QUESTIONS
        .iter()
        .map(|q| fixes.get(q).copied().unwrap_or(q))
        .filter(|q| !texts.contains(q))
        .collect();
    assert!(missing.is_empty(), "missing seed questions: {missing:#?}");
    for (original, _) in WORDING_FIXES {
        assert!(SEED_QUESTIONS.contains(original), "not a seed: {original}");
        assert!(!texts.contains(original), "still unfixed: {original}");
    }
}

#[test]
fn the_questions_filed_under_bias_for_action_by_a_list_test_what_they_ask() {
    let catalog = catalog();
    let primary = |id: &str| {
        let q = catalog.bank.get(catalog.bank.index_of(id).expect(id));
        q.principles[0].clone()
    };
    assert_eq!(primary("bfa-01"), "customer-obsession");
    assert_eq!(primary("bfa-02"), "are-right-a-lot");
    assert_eq!(primary("bfa-03"), "are-right-a-lot");
    assert_eq!(primary("bfa-04"), "are-right-a-lot");
    assert_eq!(primary("bfa-05"), "frugality");
}

#[test]
fn near_twins_are_linked_as_variants() {
    let catalog = catalog();
    let bank = &catalog.bank;
    for twins in NEAR_TWINS {
        let groups: HashSet<usize> = twins
            .iter()
            .map(|id| bank.group_of_id(id).unwrap_or_else(|| panic!("no {id}")))
            .collect();
        assert_eq!(groups.len(), 1, "{twins:?} should be one group");
        let group = *groups.iter().next().expect("one");
        assert_eq!(
            bank.variants(group).len(),
            twins.len(),
            "{twins:?} should be the whole group"
        );
    }
}

#[test]
fn a_drill_sitting_never_asks_two_variants_of_one_question() {
    let catalog = catalog();
    let bank = &catalog.bank;
    let pool = bank.filter(&[], None);
    for seed in 0..25 {
        let mut picker = Picker::new(pool.clone(), Some(seed)).one_per_group(|q| bank.group(q));
        let mut asked: HashMap<usize, usize> = HashMap::new();
        // Twice round the whole bank: questions repeat, variants never meet.
        for _ in 0..2 * pool.len() {
            let q = picker.next_question().expect("a question");
            let first = *asked.entry(bank.group(q)).or_insert(q);
            assert_eq!(
                first,
                q,
                "seed {seed}: {} and {} in one sitting",
                bank.get(first).id,
                bank.get(q).id
            );
        }
    }
}

#[test]
fn motivation_questions_open_a_loop_and_never_enter_a_principle_round() {
    let catalog = catalog();
    let bank = &catalog.bank;
    for p in catalog.principles.all() {
        assert!(
            bank.filter(std::slice::from_ref(&p.slug), None)
                .iter()
                .all(|&q| bank.get(q).kind != QuestionKind::Motivation),
            "{}",
            p.slug
        );
    }
    for seed in 0..60 {
        let mut rng = StdRng::seed_from_u64(seed);
        let shape = LoopShape {
            rounds: 1 + (seed as usize % 5),
            candidate: None,
            bar_raiser: BarRaiserAt::Random,
        };
        let plan = LoopPlan::new(bank, &catalog.principles, shape, &mut rng);
        for round in &plan.rounds {
            // The hiring manager's opening questions are the only
            // motivation questions a loop asks.
            for &q in &round.questions[round.openers..] {
                assert_ne!(
                    bank.get(q).kind,
                    QuestionKind::Motivation,
                    "seed {seed}: {} asked {}",
                    round.interviewer,
                    bank.get(q).id
                );
            }
        }
        let opening = bank.opening(&mut rng);
        assert_eq!(opening.len(), 2, "an intro and a motivation question");
        assert!(bank.get(opening[0]).intro);
        assert!(!bank.get(opening[1]).intro);
        assert!(
            opening
                .iter()
                .all(|&q| bank.get(q).kind == QuestionKind::Motivation)
        );
    }
}

#[test]
fn questions_only_a_manager_can_answer_are_tagged_and_left_out_for_an_ic() {
    let catalog = catalog();
    let managers: Vec<&str> = catalog
        .bank
        .questions()
        .iter()
        .filter(|q| q.audience == Audience::Manager)
        .map(|q| q.id.as_ref())
        .collect();
    for id in ["hdb-09", "hdb-10", "ebe-01", "ebe-02", "ebe-04", "hdb-05"] {
        assert!(managers.contains(&id), "{id} should be for managers");
    }
    let ic: Vec<_> = catalog
        .bank
        .questions()
        .iter()
        .filter(|q| q.suits(Some(Candidate::Ic)))
        .collect();
    assert_eq!(ic.len() + managers.len(), catalog.bank.questions().len());
    // An IC still has something to practise on every principle.
    for p in catalog.principles.all() {
        assert!(
            ic.iter()
                .filter(|q| q.principles.first().is_some_and(|first| *first == p.slug))
                .count()
                >= 6,
            "{}",
            p.slug
        );
    }
}

#[test]
fn every_story_can_be_probed_three_layers_deep_without_repeating_itself() {
    let catalog = catalog();
    let shared: HashSet<String> = catalog
        .interviewer
        .probes()
        .iter()
        .map(|p| p.text.to_lowercase())
        .collect();
    for q in catalog.bank.questions() {
        for f in q.follow_ups.iter() {
            assert!(
                !shared.contains(&f.to_lowercase()),
                "{}: {f:?} is a shared probe",
                q.id
            );
        }
        if q.kind != QuestionKind::Behavioral {
            continue;
        }
        for seed in 0..8 {
            let mut rng = StdRng::seed_from_u64(seed);
            let probes = catalog.interviewer.layered_probes(q, 3, &mut rng);
            assert_eq!(probes.len(), 3, "{}: {probes:?}", q.id);
            let distinct: HashSet<&String> = probes.iter().collect();
            assert_eq!(distinct.len(), 3, "{}: {probes:?}", q.id);
        }
    }
}

#[test]
fn the_sixteen_principles_are_the_current_ones() {
    let names: Vec<String> = catalog()
        .principles
        .all()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    for expected in [
        "Customer Obsession",
        "Ownership",
        "Invent and Simplify",
        "Are Right, A Lot",
        "Learn and Be Curious",
        "Hire and Develop the Best",
        "Insist on the Highest Standards",
        "Think Big",
        "Bias for Action",
        "Frugality",
        "Earn Trust",
        "Dive Deep",
        "Have Backbone; Disagree and Commit",
        "Deliver Results",
        "Strive to be Earth's Best Employer",
        "Success and Scale Bring Broad Responsibility",
    ] {
        assert!(names.iter().any(|n| n == expected), "missing {expected}");
    }
    assert_eq!(names.len(), 16);
}
