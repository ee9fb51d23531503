//! How one session is written to the cache and read back, with the tables of
//! strings and questions it refers to by number.

use super::codec::{Reader, Writer};
use crate::domain::bank::QuestionKind;
use crate::domain::delivery::{Delivery, Pause, StepTalk};
use crate::domain::history::{History, QuestionRec, Session, StepRec, Sym};
use crate::domain::session::{LoggedStory, Outcome, Rubric};

/// The strings and questions the saved sessions use, renumbered densely so
/// entries of files that are gone leave nothing behind.
pub(super) struct Tables<'h> {
    history: &'h History,
    string_map: Vec<u32>,
    strings: Vec<&'h str>,
    question_map: Vec<u32>,
    questions: Writer,
    n_questions: u64,
}

const UNSET: u32 = u32::MAX;

impl<'h> Tables<'h> {
    pub(super) fn new(history: &'h History) -> Self {
        Self {
            history,
            string_map: vec![UNSET; history.strings().len()],
            strings: Vec::new(),
            question_map: vec![UNSET; history.questions().len()],
            questions: Writer(Vec::new()),
            n_questions: 0,
        }
    }

    fn sym(&mut self, sym: Sym) -> u32 {
        let text = self.history.str(sym);
        match self.string_map.get_mut(sym as usize) {
            Some(slot) if *slot != UNSET => *slot,
            slot => {
                let new = u32::try_from(self.strings.len()).unwrap_or(UNSET);
                self.strings.push(text);
                if let Some(slot) = slot {
                    *slot = new;
                }
                new
            }
        }
    }

    fn question(&mut self, index: u32) -> u32 {
        if let Some(&q) = self.question_map.get(index as usize)
            && q != UNSET
        {
            return q;
        }
        let Some(rec) = self.history.questions().get(index as usize) else {
            return UNSET;
        };
        let QuestionRec {
            id,
            text,
            principles,
            kind,
        } = rec;
        let id = self.sym(*id);
        let text = self.sym(*text);
        let principles: Vec<u32> = principles.iter().map(|&p| self.sym(p)).collect();
        let w = &mut self.questions;
        w.uint(id.into());
        w.uint(text.into());
        w.uint(principles.len() as u64);
        for p in principles {
            w.uint(p.into());
        }
        w.u8(match kind {
            QuestionKind::Behavioral => 0,
            QuestionKind::Hypothetical => 1,
            QuestionKind::Motivation => 2,
        });
        let new = u32::try_from(self.n_questions).unwrap_or(UNSET);
        self.n_questions += 1;
        if let Some(slot) = self.question_map.get_mut(index as usize) {
            *slot = new;
        }
        new
    }

    /// Writes `session`, numbering its strings and question in these tables.
    pub(super) fn session(&mut self, w: &mut Writer, session: &Session) {
        // Every field is named: a new one fails to compile here until it is
        // written (and CACHE_VERSION bumped).
        let Session {
            file,
            id,
            started_at,
            ended_at,
            outcome,
            framework,
            time_limit_secs,
            answer_secs,
            overtime_secs,
            paused_secs,
            rating,
            follow_up,
            notes,
            question,
            steps,
            rubric,
            follow_up_secs,
            loop_id,
            round,
            story,
            audio,
            delivery,
            // Read from the transcripts after every load: never cached.
            cues: _,
        } = session;
        w.str(file);
        w.str(id);
        w.time(started_at);
        w.time(ended_at);
        w.u8(match outcome {
            Outcome::Completed => 0,
            Outcome::Skipped => 1,
            Outcome::Abandoned => 2,
        });
        let framework = self.sym(*framework);
        w.uint(framework.into());
        w.uint(*time_limit_secs);
        w.f64(*answer_secs);
        w.f64(*overtime_secs);
        w.f64(*paused_secs);
        w.opt(rating.as_ref(), |w, r| w.u8(*r));
        let follow_up = follow_up.map(|f| self.sym(f));
        w.opt(follow_up.as_ref(), |w, f| w.uint((*f).into()));
        w.str(notes);
        let question = self.question(*question);
        w.uint(question.into());
        w.uint(steps.len() as u64);
        for step in steps.iter() {
            let StepRec {
                key,
                name,
                target_secs,
                checked_at_secs,
            } = step;
            let key = self.sym(*key);
            let name = self.sym(*name);
            w.uint(key.into());
            w.uint(name.into());
            w.uint(*target_secs);
            w.opt(checked_at_secs.as_ref(), |w, t| w.f64(*t));
        }
        let Rubric {
            spoke_as_i,
            quantified_result,
            stated_lesson,
            showed_principle,
            finished_in_time,
        } = *rubric;
        w.u8(u8::from(spoke_as_i)
            | u8::from(quantified_result) << 1
            | u8::from(stated_lesson) << 2
            | u8::from(showed_principle) << 3
            | u8::from(finished_in_time) << 4);
        w.opt(follow_up_secs.as_ref(), |w, t| w.f64(*t));
        w.opt(loop_id.as_deref(), |w, l| w.str(l));
        w.opt(round.as_ref(), |w, r| w.uint((*r).into()));
        w.opt(story.as_deref(), |w, s| {
            let LoggedStory { id, title } = s;
            w.str(id);
            w.str(title);
        });
        w.opt(audio.as_deref(), |w, a| w.str(a));
        w.opt(delivery.as_deref(), write_delivery);
    }

    /// Writes the questions, then the strings, that the sessions written so far use.
    pub(super) fn write(self, w: &mut Writer) {
        w.uint(self.n_questions);
        w.0.extend_from_slice(&self.questions.0);
        w.uint(self.strings.len() as u64);
        for s in &self.strings {
            w.str(s);
        }
    }
}

/// Delivery figures, every field named (a new one fails to compile here).
fn write_delivery(w: &mut Writer, d: &Delivery) {
    let Delivery {
        audio_secs,
        speaking_secs,
        silence_secs,
        first_word_secs,
        syllables,
        wpm,
        pauses,
        steps,
    } = d;
    w.f64(*audio_secs);
    w.f64(*speaking_secs);
    w.f64(*silence_secs);
    w.opt(first_word_secs.as_ref(), |w, t| w.f64(*t));
    w.uint((*syllables).into());
    w.opt(wpm.as_ref(), |w, t| w.f64(*t));
    w.uint(pauses.len() as u64);
    for Pause {
        at_secs,
        secs,
        step,
    } in pauses
    {
        w.f64(*at_secs);
        w.f64(*secs);
        w.opt(step.as_deref(), |w, s| w.str(s));
    }
    w.uint(steps.len() as u64);
    for StepTalk {
        key,
        span_secs,
        spoke_secs,
    } in steps
    {
        w.str(key);
        w.f64(*span_secs);
        w.f64(*spoke_secs);
    }
}

impl Reader<'_> {
    fn sym(&mut self) -> Option<Sym> {
        self.u32()
    }

    fn delivery(&mut self) -> Option<Box<Delivery>> {
        let audio_secs = self.f64()?;
        let speaking_secs = self.f64()?;
        let silence_secs = self.f64()?;
        let first_word_secs = self.opt(Self::f64)?;
        let syllables = self.u32()?;
        let wpm = self.opt(Self::f64)?;
        let n = self.count(17)?;
        let mut pauses = Vec::with_capacity(n);
        for _ in 0..n {
            pauses.push(Pause {
                at_secs: self.f64()?,
                secs: self.f64()?,
                step: self.opt(|r| r.str().map(str::to_string))?,
            });
        }
        let n = self.count(17)?;
        let mut steps = Vec::with_capacity(n);
        for _ in 0..n {
            steps.push(StepTalk {
                key: self.str()?.to_string(),
                span_secs: self.f64()?,
                spoke_secs: self.f64()?,
            });
        }
        Some(Box::new(Delivery {
            audio_secs,
            speaking_secs,
            silence_secs,
            first_word_secs,
            syllables,
            wpm,
            pauses,
            steps,
        }))
    }

    /// The questions and strings as `Tables::write` wrote them.
    pub(super) fn tables(&mut self) -> Option<(Vec<QuestionRec>, Vec<Box<str>>)> {
        let n = self.count(4)?;
        let mut questions = Vec::with_capacity(n);
        for _ in 0..n {
            questions.push(self.question()?);
        }
        let n = self.count(1)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            strings.push(Box::from(self.str()?));
        }
        Some((questions, strings))
    }

    fn question(&mut self) -> Option<QuestionRec> {
        let id = self.sym()?;
        let text = self.sym()?;
        let np = self.count(1)?;
        let principles = (0..np).map(|_| self.sym()).collect::<Option<_>>()?;
        let kind = match self.u8()? {
            0 => QuestionKind::Behavioral,
            1 => QuestionKind::Hypothetical,
            2 => QuestionKind::Motivation,
            _ => return None,
        };
        Some(QuestionRec {
            id,
            text,
            principles,
            kind,
        })
    }

    /// A session as `Tables::session` wrote it.
    pub(super) fn session(&mut self) -> Option<Session> {
        let file = self.str()?.into();
        let id = self.str()?.into();
        let started_at = self.time()?;
        let ended_at = self.time()?;
        let outcome = match self.u8()? {
            0 => Outcome::Completed,
            1 => Outcome::Skipped,
            2 => Outcome::Abandoned,
            _ => return None,
        };
        let framework = self.sym()?;
        let time_limit_secs = self.uint()?;
        let answer_secs = self.f64()?;
        let overtime_secs = self.f64()?;
        let paused_secs = self.f64()?;
        let rating = self.opt(Self::u8)?;
        let follow_up = self.opt(Self::sym)?;
        let notes = self.str()?.into();
        let question = self.u32()?;
        let n = self.count(4)?;
        let mut steps = Vec::with_capacity(n);
        for _ in 0..n {
            steps.push(StepRec {
                key: self.sym()?,
                name: self.sym()?,
                target_secs: self.uint()?,
                checked_at_secs: self.opt(Self::f64)?,
            });
        }
        let bits = self.u8()?;
        if bits >> 5 != 0 {
            return None;
        }
        let rubric = Rubric {
            spoke_as_i: bits & 1 != 0,
            quantified_result: bits & 2 != 0,
            stated_lesson: bits & 4 != 0,
            showed_principle: bits & 8 != 0,
            finished_in_time: bits & 16 != 0,
        };
        let follow_up_secs = self.opt(Self::f64)?;
        let loop_id = self.opt(|r| r.str().map(Box::from))?;
        let round = self.opt(Self::u32)?;
        let story = self.opt(|r| {
            Some(Box::new(LoggedStory {
                id: r.str()?.to_string(),
                title: r.str()?.to_string(),
            }))
        })?;
        let audio = self.opt(|r| r.str().map(Box::from))?;
        let delivery = self.opt(Self::delivery)?;
        Some(Session {
            file,
            id,
            started_at,
            ended_at,
            outcome,
            framework,
            time_limit_secs,
            answer_secs,
            overtime_secs,
            paused_secs,
            rating,
            follow_up,
            notes,
            question,
            steps: steps.into(),
            rubric,
            follow_up_secs,
            loop_id,
            round,
            story,
            audio,
            delivery,
            cues: None,
        })
    }
}
