//! What a Bar Raiser listens for, read from a transcript: "I" or "we", numbers
//! in the result, fillers and hedges, a lesson at the end, and the pace.
//!
//! Text is compared word by word after lower-casing and dropping punctuation
//! (apostrophes inside words, and the points, commas, `%` and currency signs of
//! numbers, are kept), so "I, um, think" and "i um think" count the same.
//!
//! Filler counts are a lower bound: speech models tend to leave out "um" and
//! "uh", and a filled pause the audio analysis heard but the transcript has no
//! word for can be added with [`Cues::add_filled_pauses`].

use serde::Serialize;

use super::session::LoggedStep;
use super::transcript::{Transcript, Word};

/// Counts for one stretch of text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextCues {
    /// Words, not counting filled pauses ("um", "uh").
    pub words: usize,
    /// I, me, my, mine, myself, I'm, I've, I'd, I'll (not the "I" of "I mean").
    pub i: usize,
    /// we, us, our, ours, ourselves, we're, we've, we'd, we'll.
    pub we: usize,
    /// Each number or metric as said: "40%", "$2m", "two hundred", "half".
    pub numbers: Vec<String>,
    /// um, uh, er, hmm, "you know", "I mean", "kind of", "sort of".
    pub fillers: usize,
    /// "like" where it may be a filler (not "I'd like", "looks like", "I like").
    pub possible_fillers: usize,
    /// "I think", "I guess", "I suppose", "maybe", "probably", "perhaps".
    pub hedges: usize,
    /// "learned", "lesson", "next time", "now I", "would have", "in hindsight", ...
    pub lesson_cues: usize,
}

impl TextCues {
    fn add(&mut self, other: &TextCues) {
        self.words += other.words;
        self.i += other.i;
        self.we += other.we;
        self.numbers.extend(other.numbers.iter().cloned());
        self.fillers += other.fillers;
        self.possible_fillers += other.possible_fillers;
        self.hedges += other.hedges;
        self.lesson_cues += other.lesson_cues;
    }
}

/// What part a step plays, for the cues that only make sense in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepRole {
    /// STAR's Action, SPSIL's Solution: where "I" matters most.
    Action,
    /// STAR's Result, SPSIL's Impact: where the numbers belong.
    Result,
    /// SPSIL's Lessons.
    Lessons,
    Other,
}

impl StepRole {
    pub fn of(key: &str) -> Self {
        match key {
            "action" | "solution" => Self::Action,
            "result" | "impact" => Self::Result,
            "lessons" | "lesson" => Self::Lessons,
            _ => Self::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepCues {
    pub key: String,
    pub name: String,
    pub role: StepRole,
    pub text: TextCues,
    /// Talking time: the step's first word to its last, less pauses of
    /// [`LONG_PAUSE_SECS`] or more.
    pub speaking_secs: f64,
}

impl StepCues {
    pub fn wpm(&self) -> Option<f64> {
        wpm(self.text.words, self.speaking_secs)
    }
}

/// A cue worth pointing out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// "We" outnumbers "I" in the Action (Solution) step.
    WeInAction { step: String, i: usize, we: usize },
    /// The Result (Impact) step carries no number: quantify the result.
    UnquantifiedResult { step: String },
    /// The Lessons step has no lesson cue.
    NoLesson { step: String },
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WeInAction { step, i, we } => {
                write!(f, "{step}: {we} \"we\" to {i} \"I\": say what you did")
            }
            Self::UnquantifiedResult { step } => {
                write!(f, "{step}: no number: quantify the result")
            }
            Self::NoLesson { step } => write!(f, "{step}: no lesson heard: say what you learned"),
        }
    }
}

pub use super::transcript::FilledPause;

/// Silence between words this long or longer is a pause, not talking time.
pub const LONG_PAUSE_SECS: f64 = 2.0;
/// Voice the transcript has no word for, this short, is most likely a filled
/// pause ("uhm") the speech model left out; longer stretches are more likely
/// words it missed.
pub const FILLED_PAUSE_SECS: std::ops::RangeInclusive<f64> = 0.15..=1.5;

/// From the stretches of voice the audio analysis heard (start and end, in
/// seconds), those no transcript word overlaps and short enough to be a filled
/// pause: the input to [`Cues::add_filled_pauses`].
pub fn unworded_voice(voiced: &[(f64, f64)], transcript: &Transcript) -> Vec<FilledPause> {
    voiced
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite() && FILLED_PAUSE_SECS.contains(&(b - a)))
        .filter(|(a, b)| !transcript.words.iter().any(|w| w.start < *b && *a < w.end))
        .map(|&(start, end)| FilledPause { start, end })
        .collect()
}

/// Every cue for one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cues {
    /// One per step of the framework, in its order.
    pub steps: Vec<StepCues>,
    /// Words no step covers (before any tick, or after the last step).
    pub outside: TextCues,
    /// Everything said.
    pub total: TextCues,
    /// Filled pauses heard in the audio where the transcript has no word.
    pub filled_pauses: usize,
    /// Length of the answer's audio, seconds.
    pub answer_secs: f64,
    /// Talking time: first word to last, less pauses of [`LONG_PAUSE_SECS`] or more.
    pub speaking_secs: f64,
}

impl Cues {
    /// Reads the cues from `transcript`, whose words carry their step keys
    /// (see [`Transcript::assign_steps`]); `steps` gives the framework's order and names.
    pub fn from_transcript(transcript: &Transcript, steps: &[LoggedStep]) -> Self {
        let mut per_step: Vec<Vec<&Word>> = vec![Vec::new(); steps.len()];
        let mut outside = Vec::new();
        for w in &transcript.words {
            match w
                .step
                .as_deref()
                .and_then(|k| steps.iter().position(|s| s.key == k))
            {
                Some(i) => per_step[i].push(w),
                None => outside.push(w),
            }
        }
        let steps: Vec<StepCues> = steps
            .iter()
            .zip(&per_step)
            .map(|(s, words)| StepCues {
                key: s.key.clone(),
                name: s.name.clone(),
                role: StepRole::of(&s.key),
                text: analyze_words(words),
                speaking_secs: span_secs(words),
            })
            .collect();
        let outside = analyze_words(&outside);
        let mut total = outside.clone();
        for s in &steps {
            total.add(&s.text);
        }
        let all: Vec<&Word> = transcript.words.iter().collect();
        Self {
            steps,
            outside,
            total,
            filled_pauses: 0,
            answer_secs: finite_non_negative(transcript.audio_secs),
            speaking_secs: span_secs(&all),
        }
    }

    /// Every cue of a saved transcript: [`from_transcript`](Self::from_transcript)
    /// with the filled pauses the transcript keeps.
    pub fn of(transcript: &Transcript, steps: &[LoggedStep]) -> Self {
        let mut cues = Self::from_transcript(transcript, steps);
        cues.add_filled_pauses(transcript, &transcript.filled_pauses);
        cues
    }

    /// Counts the filled pauses that no transcript word overlaps: the ones the
    /// speech model left out. Returns how many were added.
    pub fn add_filled_pauses(&mut self, transcript: &Transcript, pauses: &[FilledPause]) -> usize {
        let missed = pauses
            .iter()
            .filter(|p| p.start.is_finite() && p.end.is_finite())
            .filter(|p| {
                !transcript
                    .words
                    .iter()
                    .any(|w| w.start < p.end && p.start < w.end)
            })
            .count();
        self.filled_pauses += missed;
        missed
    }

    /// Fillers (words and unworded filled pauses) per minute of answer; a lower bound.
    pub fn fillers_per_minute(&self) -> Option<f64> {
        (self.answer_secs >= 5.0)
            .then(|| (self.total.fillers + self.filled_pauses) as f64 * 60.0 / self.answer_secs)
    }

    /// Words per minute over the talking time, from the words' own times.
    pub fn wpm(&self) -> Option<f64> {
        wpm(self.total.words, self.speaking_secs)
    }

    pub fn flags(&self) -> Vec<Flag> {
        let mut flags = Vec::new();
        for s in self.steps.iter().filter(|s| s.text.words > 0) {
            match s.role {
                StepRole::Action if s.text.we > s.text.i => flags.push(Flag::WeInAction {
                    step: s.name.clone(),
                    i: s.text.i,
                    we: s.text.we,
                }),
                StepRole::Result if s.text.numbers.is_empty() => {
                    flags.push(Flag::UnquantifiedResult {
                        step: s.name.clone(),
                    })
                }
                StepRole::Lessons if s.text.lesson_cues == 0 => flags.push(Flag::NoLesson {
                    step: s.name.clone(),
                }),
                _ => {}
            }
        }
        flags
    }

    /// A suggestion beside each rubric item the transcript can judge; the
    /// candidate's own tick stays the record.
    pub fn rubric_suggestions(&self) -> Vec<Suggestion> {
        let mut out = Vec::new();
        let action = self.role(StepRole::Action);
        if self.total.i + self.total.we > 0 {
            let action_we = action.filter(|a| a.text.we > a.text.i);
            let mut note = format!("{} I / {} we", self.total.i, self.total.we);
            if let Some(a) = action_we {
                note.push_str(&format!(" ({}: {} I / {} we)", a.name, a.text.i, a.text.we));
            }
            out.push(Suggestion {
                item: RubricItem::SpokeAsI,
                agrees: self.total.i > self.total.we && action_we.is_none(),
                note,
            });
        }
        if let Some(r) = self.role(StepRole::Result).filter(|r| r.text.words > 0) {
            let agrees = !r.text.numbers.is_empty();
            let note = if agrees {
                r.text.numbers.join(", ")
            } else {
                format!("no number in {}", r.name)
            };
            out.push(Suggestion {
                item: RubricItem::QuantifiedResult,
                agrees,
                note,
            });
        }
        // STAR has no Lessons step; its Result is where the lesson closes the answer.
        let lesson_step = self
            .role(StepRole::Lessons)
            .or_else(|| self.role(StepRole::Result))
            .filter(|s| s.text.words > 0);
        if let Some(s) = lesson_step {
            let n = s.text.lesson_cues;
            out.push(Suggestion {
                item: RubricItem::StatedLesson,
                agrees: n > 0,
                note: match n {
                    0 => format!("no lesson cue in {}", s.name),
                    1 => format!("1 lesson cue in {}", s.name),
                    n => format!("{n} lesson cues in {}", s.name),
                },
            });
        }
        out
    }

    /// Figures for stats and export, flat and small.
    pub fn summary(&self) -> CueSummary {
        let action = self.role(StepRole::Action);
        let result = self.role(StepRole::Result);
        CueSummary {
            words: self.total.words,
            i: self.total.i,
            we: self.total.we,
            action_i: action.map(|a| a.text.i),
            action_we: action.map(|a| a.text.we),
            result_numbers: result.map(|r| r.text.numbers.len()),
            fillers: self.total.fillers + self.filled_pauses,
            possible_fillers: self.total.possible_fillers,
            fillers_per_min: self.fillers_per_minute().map(round1),
            hedges: self.total.hedges,
            lesson_cues: self.total.lesson_cues,
            wpm: self.wpm().map(round1),
            flags: self.flags().len(),
        }
    }

    fn role(&self, role: StepRole) -> Option<&StepCues> {
        self.steps.iter().find(|s| s.role == role)
    }
}

/// The rubric items a transcript can speak to (their index in `Rubric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RubricItem {
    SpokeAsI,
    QuantifiedResult,
    StatedLesson,
}

impl RubricItem {
    /// Index into `Rubric::get` / `RUBRIC_ITEMS`.
    pub fn index(self) -> usize {
        match self {
            Self::SpokeAsI => 0,
            Self::QuantifiedResult => 1,
            Self::StatedLesson => 2,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SpokeAsI => "Spoke as I",
            Self::QuantifiedResult => "Quantified result",
            Self::StatedLesson => "Stated a lesson",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub item: RubricItem,
    /// Whether the transcript suggests ticking the item.
    pub agrees: bool,
    /// The figures behind it: "14 I / 3 we", "40%, $2m", "no number in Result".
    pub note: String,
}

impl std::fmt::Display for Suggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.item.label(), self.note)
    }
}

/// Flat per-answer figures for stats trends and export columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueSummary {
    pub words: usize,
    pub i: usize,
    pub we: usize,
    pub action_i: Option<usize>,
    pub action_we: Option<usize>,
    pub result_numbers: Option<usize>,
    /// Filler words plus unworded filled pauses; a lower bound.
    pub fillers: usize,
    pub possible_fillers: usize,
    pub fillers_per_min: Option<f64>,
    pub hedges: usize,
    pub lesson_cues: usize,
    pub wpm: Option<f64>,
    pub flags: usize,
}

/// Counts the cues in a piece of text.
pub fn analyze_text(text: &str) -> TextCues {
    analyze_tokens(&tokenize(text))
}

fn analyze_words(words: &[&Word]) -> TextCues {
    let mut tokens = Vec::new();
    for w in words {
        tokens.extend(tokenize(&w.text));
    }
    analyze_tokens(&tokens)
}

/// Talking time: first word to last, less the long pauses between words (as
/// the audio-only delivery figures count it, so the two rates compare).
fn span_secs(words: &[&Word]) -> f64 {
    let mut times: Vec<(f64, f64)> = words
        .iter()
        .filter(|w| w.start.is_finite() && w.end.is_finite())
        .map(|w| (w.start.min(w.end), w.start.max(w.end)))
        .collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (Some(first), Some(_)) = (times.first(), times.last()) else {
        return 0.0;
    };
    let mut total = 0.0;
    let (mut start, mut end) = *first;
    for &(s, e) in &times[1..] {
        if s - end >= LONG_PAUSE_SECS {
            total += end - start;
            start = s;
        }
        end = end.max(e);
    }
    total + (end - start)
}

fn wpm(words: usize, secs: f64) -> Option<f64> {
    (words > 0 && secs >= 1.0).then(|| words as f64 * 60.0 / secs)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn finite_non_negative(x: f64) -> f64 {
    if x.is_finite() { x.max(0.0) } else { 0.0 }
}

// ---------------------------------------------------------------------------
// Words

const I_WORDS: &[&str] = &[
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll",
];
const WE_WORDS: &[&str] = &[
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "we're",
    "we've",
    "we'd",
    "we'll",
];
const HEDGE_WORDS: &[&str] = &["maybe", "probably", "perhaps"];
const HEDGE_AFTER_I: &[&str] = &["think", "guess", "suppose"];
const LESSON_WORDS: &[&str] = &[
    "learned",
    "learnt",
    "learning",
    "lesson",
    "lessons",
    "hindsight",
];
const LESSON_PAIRS: &[(&str, &str)] = &[
    ("next", "time"),
    ("now", "i"),
    ("would", "have"),
    ("taught", "me"),
    ("since", "then"),
    ("going", "forward"),
];
const LESSON_SINGLE: &[&str] = &["would've", "i'd've"];
/// Before "kind of" / "sort of", these make it a noun ("what kind of database").
const KIND_OF_NOUN_AFTER: &[&str] = &[
    "what",
    "which",
    "this",
    "that",
    "these",
    "those",
    "the",
    "a",
    "an",
    "any",
    "some",
    "every",
    "each",
    "same",
    "other",
    "one",
    "no",
    "its",
    "my",
    "your",
    "our",
    "their",
    "his",
    "her",
    "different",
    "right",
    "wrong",
    "new",
    "all",
];
/// Before "you know", these make it a question or a clause ("do you know").
const YOU_KNOW_NOT_AFTER: &[&str] = &[
    "do", "did", "don't", "didn't", "if", "would", "could", "can", "will", "whether",
];
/// Before "like", these make it a verb or comparison, not a filler.
const LIKE_NOT_AFTER: &[&str] = &[
    "would",
    "i'd",
    "we'd",
    "you'd",
    "they'd",
    "he'd",
    "she'd",
    "i",
    "we",
    "you",
    "they",
    "he",
    "she",
    "don't",
    "didn't",
    "doesn't",
    "do",
    "does",
    "did",
    "look",
    "looks",
    "looked",
    "seem",
    "seems",
    "seemed",
    "sound",
    "sounds",
    "sounded",
    "feel",
    "feels",
    "felt",
    "something",
    "anything",
    "nothing",
    "more",
    "much",
    "really",
    "just",
    "not",
    "would've",
];

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "dozen",
    "dozens",
    "half",
    "twice",
    "double",
    "doubled",
    "triple",
    "tripled",
    "quadrupled",
    "tenfold",
];
/// Units that make "one" a number ("one percent") and extend a number ("40 percent").
const NUMBER_UNITS: &[&str] = &[
    "percent", "dollar", "dollars", "euro", "euros", "pound", "pounds", "cents", "k", "x", "grand",
    "bucks",
];
/// Words that scale a figure before them: "2 million".
const SCALE_WORDS: &[&str] = &[
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "dozen",
];
const YEAR_AFTER: &[&str] = &["in", "since", "until", "till", "during", "from", "of"];

/// Lower-cased words, split on anything that is not part of a word or a number.
pub fn tokenize(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let last_is = |cur: &String, f: fn(char) -> bool| cur.chars().last().is_some_and(f);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if is_apostrophe(c)
            && last_is(&cur, char::is_alphabetic)
            && next.is_some_and(char::is_alphabetic)
        {
            cur.push('\'');
        } else if (c == '.' || c == ',')
            && last_is(&cur, |d| d.is_ascii_digit())
            && next.is_some_and(|d| d.is_ascii_digit())
        {
            cur.push(c);
        } else if c == '%' && last_is(&cur, |d| d.is_ascii_digit()) {
            cur.push('%');
        } else if is_currency(c) && next.is_some_and(|d| d.is_ascii_digit()) {
            flush(&mut tokens, &mut cur);
            cur.push(c);
        } else {
            flush(&mut tokens, &mut cur);
        }
    }
    flush(&mut tokens, &mut cur);
    tokens
}

fn flush(tokens: &mut Vec<String>, cur: &mut String) {
    // A lone currency sign (no digits followed) is not a word.
    if !cur.is_empty() && cur.chars().any(char::is_alphanumeric) {
        tokens.push(std::mem::take(cur));
    }
    cur.clear();
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹')
}

/// um, umm, uh, uhh, uhm, er, erm, hmm, mm: a filled pause written as a word.
pub fn is_filled_pause(token: &str) -> bool {
    let mut squeezed = String::new();
    for c in token.chars() {
        if !squeezed.ends_with(c) {
            squeezed.push(c);
        }
    }
    matches!(
        squeezed.as_str(),
        "um" | "uh" | "uhm" | "er" | "erm" | "hm" | "m" | "ehm" | "mhm"
    ) && token != "m"
}

fn is_digit_number(t: &str) -> bool {
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if is_currency(c) => chars.next().is_some_and(|d| d.is_ascii_digit()),
        _ => false,
    }
}

fn is_year(t: &str) -> bool {
    t.len() == 4
        && t.chars().all(|c| c.is_ascii_digit())
        && t.parse::<u32>().is_ok_and(|y| (1950..=2099).contains(&y))
}

fn analyze_tokens(tokens: &[String]) -> TextCues {
    let t = |i: usize| tokens.get(i).map_or("", String::as_str);
    let prev = |i: usize| if i == 0 { "" } else { t(i - 1) };
    let mut c = TextCues::default();
    for i in 0..tokens.len() {
        let (w, next) = (t(i), t(i + 1));
        if is_filled_pause(w) {
            c.fillers += 1;
            continue;
        }
        c.words += 1;
        // The "I" of the filler "I mean" is not the candidate speaking as I.
        let mut filler_i = false;
        match (w, next) {
            ("you", "know") if !YOU_KNOW_NOT_AFTER.contains(&prev(i)) => c.fillers += 1,
            ("i", "mean") if prev(i) != "what" => {
                c.fillers += 1;
                filler_i = true;
            }
            ("kind" | "sort", "of") if !KIND_OF_NOUN_AFTER.contains(&prev(i)) => c.fillers += 1,
            _ => {}
        }
        if w == "like" && !LIKE_NOT_AFTER.contains(&prev(i)) {
            c.possible_fillers += 1;
        }
        if I_WORDS.contains(&w) && !filler_i {
            c.i += 1;
        }
        if WE_WORDS.contains(&w) {
            c.we += 1;
        }
        if HEDGE_WORDS.contains(&w) || (w == "i" && HEDGE_AFTER_I.contains(&next)) {
            c.hedges += 1;
        }
        if LESSON_WORDS.contains(&w)
            || LESSON_SINGLE.contains(&w)
            || LESSON_PAIRS.contains(&(w, next))
        {
            c.lesson_cues += 1;
        }
    }
    c.numbers = number_mentions(tokens);
    c
}

/// Runs of number words and figures, each counted once: "two hundred and fifty
/// users" is one mention, as are "40 percent" and "2 million"; "$2m, two" is two.
fn number_mentions(tokens: &[String]) -> Vec<String> {
    let t = |i: usize| tokens.get(i).map_or("", String::as_str);
    let figure = |i: usize| {
        let w = t(i);
        is_digit_number(w) && !(is_year(w) && i > 0 && YEAR_AFTER.contains(&t(i - 1)))
    };
    let word = |i: usize| NUMBER_WORDS.contains(&t(i));
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let one = t(i) == "one" && (word(i + 1) || NUMBER_UNITS.contains(&t(i + 1)));
        if !(figure(i) || word(i) || one) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < tokens.len() {
            let w = t(j);
            let after_figure = figure(j - 1);
            let continues = if after_figure {
                // "2 million", "40 percent", but "2, three" is two mentions.
                SCALE_WORDS.contains(&w) || NUMBER_UNITS.contains(&w)
            } else {
                word(j) || w == "one" || NUMBER_UNITS.contains(&w) || (w == "and" && word(j + 1))
            };
            if !continues {
                break;
            }
            j += 1;
        }
        out.push(tokens[i..j].join(" "));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transcript::TRANSCRIPT_SCHEMA_VERSION;
    use chrono::DateTime;
    use proptest::prelude::*;

    fn words_of(text: &str, step: &str, start: f64, secs_per_word: f64) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| Word {
                text: w.to_string(),
                start: start + i as f64 * secs_per_word,
                end: start + (i as f64 + 0.8) * secs_per_word,
                step: Some(step.into()),
                p: None,
            })
            .collect()
    }

    fn transcript(words: Vec<Word>, audio_secs: f64) -> Transcript {
        Transcript {
            filled_pauses: Vec::new(),
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            session: "s".into(),
            model: "m".into(),
            model_kind: "tiny.en".into(),
            engine: "test".into(),
            language: "en".into(),
            created_at: DateTime::parse_from_rfc3339("2026-01-05T09:03:00+01:00").expect("date"),
            audio_secs,
            words,
        }
    }

    fn steps(keys: &[(&str, &str)]) -> Vec<LoggedStep> {
        keys.iter()
            .map(|(k, n)| LoggedStep {
                key: (*k).into(),
                name: (*n).into(),
                target_secs: 30,
                checked_at_secs: None,
            })
            .collect()
    }

    fn star() -> Vec<LoggedStep> {
        steps(&[
            ("situation", "Situation"),
            ("task", "Task"),
            ("action", "Action"),
            ("result", "Result"),
        ])
    }

    fn spsil() -> Vec<LoggedStep> {
        steps(&[
            ("situation", "Situation"),
            ("problem", "Problem"),
            ("solution", "Solution"),
            ("impact", "Impact"),
            ("lessons", "Lessons"),
        ])
    }

    #[test]
    fn tokens_keep_contractions_and_figures_and_drop_punctuation() {
        assert_eq!(
            tokenize("I'm sure: we’re at 40%, saving $2.5M (1,000 users)... Um."),
            [
                "i'm", "sure", "we're", "at", "40%", "saving", "$2.5m", "1,000", "users", "um"
            ]
        );
        assert_eq!(
            tokenize("'quoted' -- end. 3.5, 4"),
            ["quoted", "end", "3.5", "4"]
        );
        assert_eq!(tokenize("$ alone, and I,we"), ["alone", "and", "i", "we"]);
    }

    #[test]
    fn counts_i_and_we_but_not_the_i_of_i_mean() {
        let c = analyze_text("I led it. My team and I, we shipped; I mean, our launch went to us.");
        assert_eq!((c.i, c.we), (3, 3));
        assert_eq!(c.fillers, 1);
    }

    #[test]
    fn fillers_hedges_and_possible_likes() {
        let c = analyze_text(
            "Um, so, uh, I think it was, you know, kind of late. Umm, maybe, like, \
             probably. I'd like that; it looks like rain. What kind of bug? Do you know? Er.",
        );
        // um, uh, you know, kind of, umm, er
        assert_eq!(c.fillers, 6);
        assert_eq!(c.possible_fillers, 1);
        // I think, maybe, probably
        assert_eq!(c.hedges, 3);
        assert_eq!(c.words, 27);
    }

    #[test]
    fn numbers_are_counted_once_per_mention() {
        let c = analyze_text(
            "We cut costs by 40%, saved $2m, two hundred and fifty users, forty percent \
             fewer tickets, one percent churn, and half the latency. One of us, in 2019.",
        );
        assert_eq!(
            c.numbers,
            [
                "40%",
                "$2m",
                "two hundred and fifty",
                "forty percent",
                "one percent",
                "half"
            ]
        );
        let none = analyze_text("I was the one who fixed it, and that was it, in 2021.");
        assert!(none.numbers.is_empty(), "{:?}", none.numbers);
        assert_eq!(analyze_text("by 2000 users").numbers, ["2000"]);
    }

    #[test]
    fn lesson_cues() {
        assert_eq!(
            analyze_text("I learned to ask early; next time I would have.").lesson_cues,
            3
        );
        assert_eq!(analyze_text("Now I always write it down.").lesson_cues, 1);
        assert_eq!(analyze_text("It went fine.").lesson_cues, 0);
    }

    #[test]
    fn flags_we_in_action_an_unquantified_result_and_a_missing_lesson() {
        let mut words = words_of("I joined as lead", "situation", 0.0, 0.5);
        words.extend(words_of(
            "we rebuilt it and we tested and I helped",
            "solution",
            10.0,
            0.5,
        ));
        words.extend(words_of("customers were happier", "impact", 30.0, 0.5));
        words.extend(words_of("it was a good project", "lessons", 40.0, 0.5));
        let t = transcript(words, 60.0);
        let cues = Cues::from_transcript(&t, &spsil());
        let flags: Vec<String> = cues.flags().iter().map(ToString::to_string).collect();
        assert_eq!(
            flags,
            [
                "Solution: 2 \"we\" to 1 \"I\": say what you did",
                "Impact: no number: quantify the result",
                "Lessons: no lesson heard: say what you learned",
            ]
        );
        let s: Vec<String> = cues
            .rubric_suggestions()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            s,
            [
                "Spoke as I: 2 I / 2 we (Solution: 1 I / 2 we)",
                "Quantified result: no number in Impact",
                "Stated a lesson: no lesson cue in Lessons",
            ]
        );
        assert!(cues.rubric_suggestions().iter().all(|s| !s.agrees));
    }

    #[test]
    fn a_good_star_answer_earns_every_suggestion() {
        let mut words = words_of("Last year I owned billing", "situation", 0.0, 0.4);
        words.extend(words_of("I had to cut the errors", "task", 5.0, 0.4));
        words.extend(words_of(
            "I traced the bug, I wrote the fix and we reviewed it",
            "action",
            10.0,
            0.4,
        ));
        words.extend(words_of(
            "Errors fell 90%, um, and I learned to measure first",
            "result",
            20.0,
            0.4,
        ));
        let t = transcript(words, 30.0);
        let cues = Cues::from_transcript(&t, &star());
        assert!(cues.flags().is_empty(), "{:?}", cues.flags());
        let s = cues.rubric_suggestions();
        assert_eq!(s.len(), 3);
        assert!(s.iter().all(|s| s.agrees), "{s:?}");
        assert_eq!(s[0].to_string(), "Spoke as I: 5 I / 1 we");
        assert_eq!(s[1].note, "90%");
        assert_eq!(s[1].item.index(), 1);
        assert_eq!(s[2].note, "1 lesson cue in Result");
        let sum = cues.summary();
        assert_eq!(
            (sum.fillers, sum.result_numbers, sum.flags),
            (1, Some(1), 0)
        );
        assert_eq!(sum.fillers_per_min, Some(2.0));
    }

    #[test]
    fn steps_without_words_are_not_judged() {
        let t = transcript(words_of("I did it", "situation", 0.0, 0.5), 10.0);
        let cues = Cues::from_transcript(&t, &star());
        assert!(cues.flags().is_empty());
        let items: Vec<_> = cues.rubric_suggestions().iter().map(|s| s.item).collect();
        assert_eq!(items, [RubricItem::SpokeAsI]);
        let empty = Cues::from_transcript(&transcript(Vec::new(), 0.0), &star());
        assert!(empty.rubric_suggestions().is_empty());
        assert_eq!((empty.wpm(), empty.fillers_per_minute()), (None, None));
    }

    #[test]
    fn words_per_minute_from_word_times() {
        // 60 words, one every half second: 29.9 s from first start to last end.
        let text = vec!["word"; 60].join(" ");
        let t = transcript(words_of(&text, "action", 3.0, 0.5), 40.0);
        let cues = Cues::from_transcript(&t, &star());
        let wpm = cues.wpm().expect("wpm");
        assert!((wpm - 60.0 * 60.0 / 29.9).abs() < 0.01, "{wpm}");
        assert_eq!(cues.steps[2].wpm(), Some(wpm));
        assert_eq!(cues.steps[0].wpm(), None);
    }

    #[test]
    fn filled_pauses_count_only_where_no_word_was_heard() {
        let mut words = words_of("so I um fixed it", "action", 0.0, 1.0);
        words[0].step = None;
        let t = transcript(words, 60.0);
        let mut cues = Cues::from_transcript(&t, &star());
        assert_eq!(cues.total.fillers, 1);
        assert_eq!(cues.outside.words, 1);
        let pauses = [
            FilledPause {
                start: 2.1,
                end: 2.5,
            }, // the "um" the model heard
            FilledPause {
                start: 10.0,
                end: 10.6,
            },
            FilledPause {
                start: 12.0,
                end: 12.4,
            },
            FilledPause {
                start: f64::NAN,
                end: 1.0,
            },
        ];
        assert_eq!(cues.add_filled_pauses(&t, &pauses), 2);
        assert_eq!(cues.summary().fillers, 3);
        assert_eq!(cues.fillers_per_minute(), Some(3.0));
    }

    #[test]
    fn long_pauses_are_not_talking_time() {
        let mut words = words_of("one two three", "action", 0.0, 1.0);
        // A 5-second silence, then two more words.
        words.extend(words_of("four five", "action", 7.8, 1.0));
        let t = transcript(words, 20.0);
        let cues = Cues::from_transcript(&t, &star());
        // 0-2.8 s and 7.8-9.6 s.
        assert!(
            (cues.speaking_secs - 4.6).abs() < 1e-9,
            "{}",
            cues.speaking_secs
        );
        assert!((cues.wpm().expect("wpm") - 5.0 * 60.0 / 4.6).abs() < 1e-9);
    }

    #[test]
    fn short_unworded_voice_counts_as_filled_pauses() {
        let t = transcript(words_of("so I fixed it", "action", 0.0, 1.0), 30.0);
        let voiced = [
            (0.0, 3.8),    // the words themselves
            (10.0, 10.5),  // an "uhm" with no word
            (12.0, 16.0),  // too long for a filler: words the model missed
            (20.0, 20.05), // a click
            (f64::NAN, 1.0),
        ];
        let pauses = unworded_voice(&voiced, &t);
        assert_eq!(
            pauses,
            [FilledPause {
                start: 10.0,
                end: 10.5
            }]
        );
        let mut cues = Cues::from_transcript(&t, &star());
        assert_eq!(cues.add_filled_pauses(&t, &pauses), 1);
    }

    #[test]
    fn filled_pause_spellings() {
        for w in ["um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "mm"] {
            assert!(is_filled_pause(w), "{w}");
        }
        for w in ["m", "mum", "her", "hum", "umbrella", "were"] {
            assert!(!is_filled_pause(w), "{w}");
        }
    }

    const VOCAB: &[&str] = &[
        "I", "we", "we're", "I'm", "our", "my", "um", "uh", "you", "know", "mean", "kind", "sort",
        "of", "like", "would", "maybe", "probably", "think", "guess", "learned", "next", "time",
        "now", "have", "40%", "$3", "two", "hundred", "and", "percent", "one", "half", "the",
        "team", "shipped", "what", "do", "2019", "in", "3.5",
    ];

    fn counts(c: &TextCues) -> (usize, usize, usize, usize, usize, usize, usize, usize) {
        (
            c.words,
            c.i,
            c.we,
            c.numbers.len(),
            c.fillers,
            c.possible_fillers,
            c.hedges,
            c.lesson_cues,
        )
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}", raw in any::<Vec<u8>>()) {
            let _ = analyze_text(&text);
            let _ = analyze_text(&String::from_utf8_lossy(&raw));
        }

        #[test]
        fn counts_do_not_depend_on_case_or_punctuation(
            picks in proptest::collection::vec((0..VOCAB.len(), 0..8usize, any::<u64>()), 0..40)
        ) {
            let plain: Vec<&str> = picks.iter().map(|(i, _, _)| VOCAB[*i]).collect();
            let seps = [" ", ", ", ". ", "! ", "? ", " - ", "; ", ": ", "... "];
            let wraps = [("", ""), ("\"", "\""), ("(", ")"), ("'", "'"), ("", ","), ("", ".")];
            let mut noisy = String::new();
            for (w, (_, k, bits)) in plain.iter().zip(&picks) {
                let (open, close) = wraps[*k % wraps.len()];
                let cased: String = w
                    .chars()
                    .enumerate()
                    .map(|(j, ch)| if bits >> (j % 64) & 1 == 1 {
                        ch.to_ascii_uppercase()
                    } else {
                        ch.to_ascii_lowercase()
                    })
                    .collect();
                noisy.push_str(open);
                noisy.push_str(&cased);
                noisy.push_str(close);
                noisy.push_str(seps[*k % seps.len()]);
            }
            let a = analyze_text(&plain.join(" "));
            let b = analyze_text(&noisy);
            prop_assert_eq!(counts(&a), counts(&b), "{:?} vs {:?}", plain, noisy);
        }

        #[test]
        fn cues_from_any_words_never_panic(
            texts in proptest::collection::vec(("\\PC{0,12}", any::<f64>(), any::<f64>(), 0..6usize), 0..30),
            audio in any::<f64>(),
        ) {
            let keys = ["situation", "task", "action", "result", "nope", ""];
            let words = texts
                .into_iter()
                .map(|(text, start, end, k)| Word {
                    text,
                    start,
                    end,
                    step: Some(keys[k].to_string()).filter(|k| !k.is_empty()),
                    p: None,
                })
                .collect();
            let t = transcript(words, audio);
            let mut cues = Cues::from_transcript(&t, &star());
            cues.add_filled_pauses(&t, &[FilledPause { start: 0.0, end: 1.0 }]);
            let _ = (cues.flags(), cues.rubric_suggestions(), cues.summary());
            prop_assert!(cues.wpm().is_none_or(f64::is_finite));
            prop_assert!(cues.fillers_per_minute().is_none_or(f64::is_finite));
        }
    }

    #[test]
    fn a_saved_transcripts_filled_pauses_count_as_fillers_once() {
        let mut words = words_of("so um I fixed it", "action", 0.0, 0.5);
        words.extend(words_of("and it worked", "result", 10.0, 0.5));
        let mut t = transcript(words, 20.0);
        t.filled_pauses = vec![
            // In the quiet between the steps: counted.
            FilledPause {
                start: 5.0,
                end: 5.4,
            },
            // Over a word: the word is what was heard.
            FilledPause {
                start: 0.2,
                end: 0.6,
            },
        ];
        let cues = Cues::of(&t, &star());
        assert_eq!(cues.filled_pauses, 1);
        assert_eq!(cues.summary().fillers, 2, "the um and the unworded one");
        assert_eq!(cues.fillers_per_minute(), Some(6.0));
    }
}
