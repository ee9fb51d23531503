//! The built-in content: every principle covered, every seed question present.

use std::collections::HashSet;

use stardrill::domain::Catalog;
use stardrill::domain::bank::QuestionKind;

/// Questions stated in the user's source material (the seed articles).
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

fn catalog() -> Catalog {
    Catalog::load(None).expect("the embedded bank is valid")
}

#[test]
fn the_bank_has_at_least_100_questions_and_6_per_principle() {
    let catalog = catalog();
    let questions = catalog.bank.questions();
    assert!(questions.len() >= 100, "{} questions", questions.len());
    for p in catalog.principles.all() {
        let n = questions
            .iter()
            .filter(|q| q.principles.contains(&p.slug))
            .count();
        assert!(n >= 6, "{} has only {n} questions", p.name);
    }
}

#[test]
fn every_question_is_well_formed() {
    let catalog = catalog();
    let mut texts = HashSet::new();
    for q in catalog.bank.questions() {
        if q.kind == QuestionKind::Motivation {
            // Motivation questions open a loop and test no principle.
            assert!(q.principles.is_empty(), "{}", q.id);
        } else {
            assert!((1..=3).contains(&q.principles.len()), "{}", q.id);
        }
        assert!(
            (2..=3).contains(&(q.follow_ups.len() + q.new_story_follow_ups.len())),
            "{} has {} follow-ups",
            q.id,
            q.follow_ups.len() + q.new_story_follow_ups.len()
        );
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
fn every_seed_question_is_in_the_bank() {
    let catalog = catalog();
    let texts: HashSet<&str> = catalog
        .bank
        .questions()
        .iter()
        .map(|q| q.text.as_str())
        .collect();
    let missing: Vec<_> = SEED_QUESTIONS
        .iter()
        .filter(|q| !texts.contains(*q))
        .collect();
    assert!(missing.is_empty(), "missing seed questions: {missing:#?}");
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
