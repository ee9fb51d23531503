//! Pure domain types: principles, frameworks, the question bank, interviewer
//! probes, session logs, time.

pub mod bank;
pub mod clock;
mod compiled;
pub mod config;
pub mod cues;
pub mod delivery;
pub mod framework;
pub mod history;
pub mod interview_loop;
pub mod interviewer;
pub mod picker;
pub mod principles;
pub mod query;
pub mod schedule;
pub mod session;
pub mod source;
pub mod stats;
pub mod story;
pub mod text;
pub mod transcript;

/// Text of the catalog: borrowed from the embedded copy the program is
/// built with (a start copies none of it), owned when read from a file.
pub type Text = std::borrow::Cow<'static, str>;
/// A list of `Text`, borrowed or owned the same way.
pub type Texts = std::borrow::Cow<'static, [Text]>;

use bank::Bank;
use framework::Frameworks;
use interviewer::Interviewer;
use principles::Principles;
use source::{LoadError, Source};

/// Everything the drill reads: principles, frameworks, the question bank and
/// what interviewers say beyond it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub principles: Principles,
    pub frameworks: Frameworks,
    pub bank: Bank,
    /// Shared Bar Raiser probes and the close of an interview.
    pub interviewer: Interviewer,
    /// The candidate's prepared stories (empty until they write some).
    pub stories: story::StoryBook,
}

impl Catalog {
    /// The embedded data, with the bank optionally replaced by a user file.
    pub fn load(questions: Option<(&str, &str)>) -> Result<Self, LoadError> {
        let principles = Principles::embedded()?;
        let frameworks = Frameworks::embedded()?;
        let interviewer = Interviewer::embedded()?;
        let bank = match questions {
            Some((name, text)) => Bank::parse(&Source::new(name, text), &principles)?,
            None => Bank::embedded(&principles)?,
        };
        Ok(Self {
            principles,
            frameworks,
            bank,
            interviewer,
            stories: story::StoryBook::default(),
        })
    }
}
