//! Figures derived from the history: per principle, practice days and streaks,
//! and weekly trends. Pure: "today" is an input.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};

use super::cues::{Cues, Flag, StepRole};
use super::delivery::{COMFORTABLE_WPM, Delivery};
use super::history::{History, SITUATION_KEY, SITUATION_TARGET_SECS, Session};
use super::principles::Principles;

#[derive(Debug, Clone, PartialEq)]
pub struct PrincipleRow {
    pub slug: String,
    pub name: String,
    pub attempts: usize,
    pub last: Option<NaiveDate>,
    pub avg_rating: Option<f64>,
    pub avg_answer_secs: Option<f64>,
    /// Share of attempts that ran past their time limit, 0 to 1.
    pub overrun_share: Option<f64>,
}

impl PrincipleRow {
    pub fn never_practised(&self) -> bool {
        self.attempts == 0
    }
}

/// One calendar week (Monday first) of the trends.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub monday: NaiveDate,
    pub sessions: usize,
    pub avg_rating: Option<f64>,
    pub avg_situation_secs: Option<f64>,
    /// Estimated words per minute, over the week's recorded answers.
    pub avg_wpm: Option<f64>,
    /// Of the week's "I" and "we" in transcripts, the share that was "I".
    pub i_share: Option<f64>,
    /// Fillers a minute over the week's transcribed answers (a lower bound).
    pub fillers_per_min: Option<f64>,
}

/// The cues of the transcribed answers, summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CueTotals {
    /// Answers with a transcript.
    pub answers: usize,
    pub words: usize,
    pub i: usize,
    pub we: usize,
    /// Answers whose Action (Solution) step had more "we" than "I".
    pub we_in_action: usize,
    /// Answers with a Result (Impact) step that was spoken, and those with a number in it.
    pub results: usize,
    pub quantified: usize,
    /// Filler words and unworded filled pauses (a lower bound), and the
    /// answers' length they were counted over.
    pub fillers: usize,
    pub audio_secs: f64,
    pub hedges: usize,
    /// Words per minute from the words' own times, averaged over the answers.
    pub avg_wpm: Option<f64>,
}

impl CueTotals {
    /// Fillers a minute over every transcribed answer.
    pub fn fillers_per_min(&self) -> Option<f64> {
        (self.audio_secs >= 5.0).then(|| self.fillers as f64 * 60.0 / self.audio_secs)
    }
}

/// The delivery of the recorded answers, summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryTotals {
    /// Answers with delivery figures.
    pub answers: usize,
    pub audio_secs: f64,
    pub speaking_secs: f64,
    /// Long pauses (2 s or more) in all, and their seconds.
    pub long_pauses: usize,
    pub long_pause_secs: f64,
    pub avg_first_word_secs: Option<f64>,
    pub avg_wpm: Option<f64>,
    /// Answers with a rate, and how many of them were in the comfortable range.
    pub paced: usize,
    pub comfortable: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub today: NaiveDate,
    pub sessions: usize,
    pub rated: usize,
    pub avg_rating: Option<f64>,
    pub principles: Vec<PrincipleRow>,
    /// Sessions per practice day.
    pub days: BTreeMap<NaiveDate, u32>,
    /// Consecutive practice days up to today (or yesterday, if today has none yet).
    pub current_streak: u32,
    pub longest_streak: u32,
    /// The last `TREND_WEEKS` weeks, oldest first, ending with this week.
    pub weeks: Vec<Week>,
    /// Sessions whose Situation step was ticked, and how many kept to 30 s.
    pub situation_timed: usize,
    pub situation_within: usize,
    pub avg_situation_secs: Option<f64>,
    pub delivery: DeliveryTotals,
    pub cues: CueTotals,
}

pub const TREND_WEEKS: usize = 26;

#[derive(Default, Clone, Copy)]
struct Acc {
    n: usize,
    sum: f64,
}

impl Acc {
    fn add(&mut self, v: f64) {
        self.n += 1;
        self.sum += v;
    }
    fn avg(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

#[derive(Default, Clone, Copy)]
struct PAcc {
    attempts: usize,
    last: Option<NaiveDate>,
    rating: Acc,
    answer: Acc,
    over: usize,
}

pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl Stats {
    pub fn compute(history: &History, catalogue: &Principles, today: NaiveDate) -> Self {
        Self::compute_over(history, history.sessions().iter(), catalogue, today)
    }

    /// Stats over some of the sessions (a filtered view).
    pub fn compute_over<'a>(
        history: &History,
        sessions: impl Iterator<Item = &'a Session>,
        catalogue: &Principles,
        today: NaiveDate,
    ) -> Self {
        let this_monday = monday_of(today);
        let first_monday = this_monday - Duration::weeks(TREND_WEEKS as i64 - 1);
        // By slug, in a short list (a bank has a few dozen principles at
        // most): comparing a slug or two is cheaper than hashing one.
        let mut per_slug: Vec<(&str, PAcc)> = Vec::new();
        // Each principle's `Sym` → its place in `per_slug`, found by its slug
        // once (equal slugs share a place, as before).
        let mut slot_of: Vec<Option<usize>> = vec![None; history.symbol_count()];
        let situation_key = history.marks(SITUATION_KEY);
        let mut days: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        // Sessions come newest first, so a day's come together: counted as a
        // run, then added to `days` once.
        // The run also keeps the day's week in the trend, if it is in it.
        let mut run: Option<(NaiveDate, Option<usize>, u32)> = None;
        let mut week_rating = vec![Acc::default(); TREND_WEEKS];
        let mut week_situation = vec![Acc::default(); TREND_WEEKS];
        let mut week_sessions = vec![0usize; TREND_WEEKS];
        let mut rating = Acc::default();
        let mut situation = Acc::default();
        let mut situation_within = 0;
        let mut count = 0;
        let mut week_wpm = vec![Acc::default(); TREND_WEEKS];
        // (I, we) and (fillers, seconds) per week.
        let mut week_voice = vec![(0usize, 0usize); TREND_WEEKS];
        let mut week_fillers = vec![(0usize, 0.0f64); TREND_WEEKS];
        let mut cues = CueTotals::default();
        let mut cue_wpm = Acc::default();
        let mut delivery = DeliveryTotals::default();
        let mut first_word = Acc::default();
        let mut wpm = Acc::default();

        for s in sessions {
            count += 1;
            if let Some(d) = s.delivery.as_deref() {
                add_delivery(&mut delivery, &mut first_word, &mut wpm, d);
            }
            if let Some(c) = s.cues.as_deref() {
                add_cues(&mut cues, &mut cue_wpm, c);
            }
            let day = s.day();
            let week = match &mut run {
                Some((d, week, n)) if *d == day => {
                    *n += 1;
                    *week
                }
                _ => {
                    if let Some((d, _, n)) = run.take() {
                        *days.entry(d).or_default() += n;
                    }
                    let monday = monday_of(day);
                    let week = (monday >= first_monday && monday <= this_monday)
                        .then(|| (monday - first_monday).num_weeks() as usize);
                    run = Some((day, week, 1));
                    week
                }
            };
            if let Some(r) = s.rating {
                rating.add(f64::from(r));
            }
            let sit = history.situation_secs_marked(s, &situation_key);
            if let Some(t) = sit {
                situation.add(t);
                if t <= SITUATION_TARGET_SECS {
                    situation_within += 1;
                }
            }
            if let Some(w) = week
                && let Some(n) = week_sessions.get_mut(w)
            {
                *n += 1;
                if let Some(r) = s.rating {
                    week_rating[w].add(f64::from(r));
                }
                if let Some(t) = sit {
                    week_situation[w].add(t);
                }
                if let Some(rate) = s.delivery.as_deref().and_then(|d| d.wpm) {
                    week_wpm[w].add(rate);
                }
                if let Some(c) = s.cues.as_deref() {
                    week_voice[w].0 += c.total.i;
                    week_voice[w].1 += c.total.we;
                    week_fillers[w].0 += c.total.fillers + c.filled_pauses;
                    week_fillers[w].1 += c.answer_secs;
                }
            }
            for &sym in history.question(s).principles.iter() {
                let known = slot_of.get(sym as usize).copied().flatten();
                let at = known.unwrap_or_else(|| {
                    let slug = history.str(sym);
                    let at = per_slug
                        .iter()
                        .position(|(known, _)| *known == slug)
                        .unwrap_or_else(|| {
                            per_slug.push((slug, PAcc::default()));
                            per_slug.len() - 1
                        });
                    if let Some(slot) = slot_of.get_mut(sym as usize) {
                        *slot = Some(at);
                    }
                    at
                });
                let p = &mut per_slug[at].1;
                p.attempts += 1;
                p.last = p.last.max(Some(day));
                if let Some(r) = s.rating {
                    p.rating.add(f64::from(r));
                }
                p.answer.add(s.answer_secs);
                if s.is_over() {
                    p.over += 1;
                }
            }
        }

        if let Some((d, _, n)) = run {
            *days.entry(d).or_default() += n;
        }
        let mut per: HashMap<&str, PAcc> = per_slug.into_iter().collect();

        let row = |slug: &str, name: &str, p: PAcc| PrincipleRow {
            slug: slug.to_string(),
            name: name.to_string(),
            attempts: p.attempts,
            last: p.last,
            avg_rating: p.rating.avg(),
            avg_answer_secs: p.answer.avg(),
            overrun_share: (p.attempts > 0).then(|| p.over as f64 / p.attempts as f64),
        };
        let mut principles: Vec<PrincipleRow> = catalogue
            .all()
            .iter()
            .map(|p| {
                row(
                    &p.slug,
                    &p.name,
                    per.remove(p.slug.as_str()).unwrap_or_default(),
                )
            })
            .collect();
        // Principles this build does not know (a newer bank) still get a row.
        let mut unknown: Vec<_> = per.into_iter().collect();
        unknown.sort_by(|a, b| a.0.cmp(b.0));
        principles.extend(unknown.into_iter().map(|(slug, p)| row(slug, slug, p)));

        let (current_streak, longest_streak) = streaks(&days, today);
        let weeks = (0..TREND_WEEKS)
            .map(|w| Week {
                monday: first_monday + Duration::weeks(w as i64),
                sessions: week_sessions[w],
                avg_rating: week_rating[w].avg(),
                avg_situation_secs: week_situation[w].avg(),
                avg_wpm: week_wpm[w].avg(),
                i_share: {
                    let (i, we) = week_voice[w];
                    (i + we > 0).then(|| i as f64 / (i + we) as f64)
                },
                fillers_per_min: {
                    let (n, secs) = week_fillers[w];
                    (secs >= 5.0).then(|| n as f64 * 60.0 / secs)
                },
            })
            .collect();
        delivery.avg_first_word_secs = first_word.avg();
        delivery.avg_wpm = wpm.avg();
        cues.avg_wpm = cue_wpm.avg();
        Self {
            today,
            sessions: count,
            rated: rating.n,
            avg_rating: rating.avg(),
            principles,
            days,
            current_streak,
            longest_streak,
            weeks,
            situation_timed: situation.n,
            situation_within,
            avg_situation_secs: situation.avg(),
            delivery,
            cues,
        }
    }

    pub fn never_practised(&self) -> impl Iterator<Item = &PrincipleRow> {
        self.principles.iter().filter(|p| p.never_practised())
    }
}

fn add_delivery(totals: &mut DeliveryTotals, first_word: &mut Acc, wpm: &mut Acc, d: &Delivery) {
    totals.answers += 1;
    totals.audio_secs += d.audio_secs;
    totals.speaking_secs += d.speaking_secs;
    totals.long_pauses += d.pauses.len();
    totals.long_pause_secs += d.pauses.iter().map(|p| p.secs).sum::<f64>();
    if let Some(t) = d.first_word_secs {
        first_word.add(t);
    }
    if let Some(rate) = d.wpm {
        wpm.add(rate);
        totals.paced += 1;
        if COMFORTABLE_WPM.contains(&rate) {
            totals.comfortable += 1;
        }
    }
}

fn add_cues(totals: &mut CueTotals, wpm: &mut Acc, c: &Cues) {
    totals.answers += 1;
    totals.words += c.total.words;
    totals.i += c.total.i;
    totals.we += c.total.we;
    totals.fillers += c.total.fillers + c.filled_pauses;
    totals.audio_secs += c.answer_secs;
    totals.hedges += c.total.hedges;
    for flag in c.flags() {
        if matches!(flag, Flag::WeInAction { .. }) {
            totals.we_in_action += 1;
        }
    }
    if let Some(r) = c
        .steps
        .iter()
        .find(|s| s.role == StepRole::Result && s.text.words > 0)
    {
        totals.results += 1;
        totals.quantified += usize::from(!r.text.numbers.is_empty());
    }
    if let Some(rate) = c.wpm() {
        wpm.add(rate);
    }
}

/// (current, longest) runs of consecutive practice days.
fn streaks(days: &BTreeMap<NaiveDate, u32>, today: NaiveDate) -> (u32, u32) {
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<NaiveDate> = None;
    for &day in days.keys() {
        run = match previous {
            Some(p) if p.succ_opt() == Some(day) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(day);
    }
    // The streak is still alive if today has no session yet but yesterday did.
    let mut day = if days.contains_key(&today) {
        today
    } else {
        today - Duration::days(1)
    };
    let mut current = 0;
    while days.contains_key(&day) {
        current += 1;
        day -= Duration::days(1);
    }
    (current, longest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::tests::log;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, day).unwrap_or_default()
    }

    #[test]
    fn streaks_count_consecutive_days() {
        let days: BTreeMap<NaiveDate, u32> =
            [1, 2, 3, 6, 7].into_iter().map(|x| (d(x), 1)).collect();
        assert_eq!(streaks(&days, d(7)), (2, 3));
        // Not practised today yet: yesterday's run still counts.
        assert_eq!(streaks(&days, d(8)), (2, 3));
        assert_eq!(streaks(&days, d(9)), (0, 3));
        assert_eq!(streaks(&BTreeMap::new(), d(9)), (0, 0));
    }

    #[test]
    fn per_principle_figures_and_never_practised() {
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut over = log("b", 5, "co-01", &["customer-obsession"]);
        over.overtime_secs = 10.0;
        over.answer_secs = 130.0;
        over.rating = Some(5);
        let mut unrated = log("c", 6, "own-01", &["ownership", "customer-obsession"]);
        unrated.rating = None;
        let h = History::from_logs([
            ("a.toml", log("a", 4, "co-01", &["customer-obsession"])),
            ("b.toml", over),
            ("c.toml", unrated),
        ]);
        let s = Stats::compute(&h, &catalogue, d(6));
        let co = &s.principles[0];
        assert_eq!(co.slug, "customer-obsession");
        assert_eq!(co.attempts, 3);
        assert_eq!(co.last, Some(d(6)));
        assert_eq!(co.avg_rating, Some(4.0));
        assert_eq!(co.avg_answer_secs, Some(350.0 / 3.0));
        assert_eq!(co.overrun_share, Some(1.0 / 3.0));
        assert_eq!(s.never_practised().count(), 14);
        assert_eq!((s.current_streak, s.longest_streak), (3, 3));
        assert_eq!(s.sessions, 3);
        assert_eq!(s.avg_rating, Some(4.0));
        // Situation ticked at 35 s in every fixture log: over the 30 s rule.
        assert_eq!((s.situation_timed, s.situation_within), (3, 0));
        let this_week = s.weeks.last().map(|w| (w.monday, w.sessions));
        assert_eq!(this_week, Some((d(5), 2)));
        assert_eq!(s.weeks[TREND_WEEKS - 2].sessions, 1);
    }

    #[test]
    fn transcribed_answers_are_summed_and_their_voice_and_fillers_trended() {
        use crate::domain::session::LoggedStep;
        use crate::domain::transcript::{TRANSCRIPT_SCHEMA_VERSION, Transcript, Word};
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        // Each answer is 60 s: Situation to 20 s, Action to 40 s, Result to 60 s.
        let said = |action: &str, result: &str| {
            let mut words = Vec::new();
            for (step, text, from) in [
                ("situation", "um the team was late", 0.0),
                ("action", action, 20.0),
                ("result", result, 40.0),
            ] {
                for (i, w) in text.split_whitespace().enumerate() {
                    let start = from + i as f64 * 0.4;
                    words.push(Word {
                        text: w.into(),
                        start,
                        end: start + 0.3,
                        step: Some(step.into()),
                        p: None,
                    });
                }
            }
            Transcript {
                schema_version: TRANSCRIPT_SCHEMA_VERSION,
                session: "s".into(),
                model: "m".into(),
                model_kind: "base.en".into(),
                engine: "test".into(),
                language: "en".into(),
                created_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00+01:00")
                    .unwrap_or_else(|e| panic!("{e}")),
                audio_secs: 60.0,
                words,
                filled_pauses: Vec::new(),
            }
        };
        let a = said("I rewrote it and I shipped it", "latency fell 40%");
        let b = said("we rewrote it and we shipped it", "it went well");
        let h = {
            let mut h = History::from_logs([
                ("a.toml", log("a", 4, "co-01", &["customer-obsession"])),
                ("b.toml", log("b", 5, "co-01", &["customer-obsession"])),
                ("c.toml", log("c", 5, "co-01", &["customer-obsession"])),
            ]);
            let steps: Vec<LoggedStep> = ["situation", "task", "action", "result"]
                .iter()
                .map(|k| LoggedStep {
                    key: (*k).into(),
                    name: (*k).into(),
                    target_secs: 30,
                    checked_at_secs: None,
                })
                .collect();
            let with = h.set_cues(|file, _| match file {
                "a.toml" => Some(Cues::of(&a, &steps)),
                "b.toml" => Some(Cues::of(&b, &steps)),
                _ => None,
            });
            assert_eq!(with, 2);
            h
        };
        let s = Stats::compute(&h, &catalogue, d(6));
        let t = &s.cues;
        assert_eq!(t.answers, 2);
        assert_eq!((t.i, t.we), (2, 2));
        assert_eq!(t.we_in_action, 1);
        assert_eq!((t.results, t.quantified), (2, 1));
        // One "um" in each minute of answer.
        assert_eq!(t.fillers, 2);
        assert_eq!(t.fillers_per_min(), Some(1.0));
        // 2026-01-04 is a Sunday: a's week before b's.
        let weeks: Vec<(Option<f64>, Option<f64>)> = s
            .weeks
            .iter()
            .rev()
            .take(2)
            .map(|w| (w.i_share, w.fillers_per_min))
            .collect();
        assert_eq!(weeks, [(Some(0.0), Some(1.0)), (Some(1.0), Some(1.0))]);
    }

    #[test]
    fn recorded_answers_are_summed_and_their_pace_trended() {
        use crate::domain::delivery::Pause;
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        let figures = |wpm: Option<f64>, pauses: usize| Delivery {
            audio_secs: 100.0,
            speaking_secs: 80.0,
            silence_secs: 20.0,
            first_word_secs: Some(2.0),
            syllables: 200,
            wpm,
            pauses: (0..pauses)
                .map(|i| Pause {
                    at_secs: 10.0 * i as f64,
                    secs: 3.0,
                    step: None,
                })
                .collect(),
            steps: Vec::new(),
        };
        let mut a = log("a", 4, "co-01", &["customer-obsession"]);
        a.delivery = Some(figures(Some(150.0), 1));
        let mut b = log("b", 5, "co-01", &["customer-obsession"]);
        b.delivery = Some(figures(Some(190.0), 2));
        let mut c = log("c", 6, "co-01", &["customer-obsession"]);
        c.delivery = Some(figures(None, 0));
        let unrecorded = log("d", 6, "co-01", &["customer-obsession"]);
        let h = History::from_logs([
            ("a.toml", a),
            ("b.toml", b),
            ("c.toml", c),
            ("d.toml", unrecorded),
        ]);
        let s = Stats::compute(&h, &catalogue, d(6));
        let t = &s.delivery;
        assert_eq!(t.answers, 3);
        assert_eq!((t.audio_secs, t.speaking_secs), (300.0, 240.0));
        assert_eq!((t.long_pauses, t.long_pause_secs), (3, 9.0));
        assert_eq!(t.avg_first_word_secs, Some(2.0));
        assert_eq!(t.avg_wpm, Some(170.0));
        assert_eq!((t.paced, t.comfortable), (2, 1));
        // 2026-01-04 is a Sunday: a week of its own before this one.
        let weeks: Vec<Option<f64>> = s.weeks.iter().rev().take(2).map(|w| w.avg_wpm).collect();
        assert_eq!(weeks, [Some(190.0), Some(150.0)]);
    }

    #[test]
    fn unknown_principles_get_a_row() {
        let catalogue = Principles::embedded().unwrap_or_else(|e| panic!("{e}"));
        let h = History::from_logs([("a.toml", log("a", 4, "x", &["be-kind"]))]);
        let s = Stats::compute(&h, &catalogue, d(6));
        assert_eq!(s.principles.len(), 17);
        assert_eq!(s.principles[16].name, "be-kind");
    }
}
