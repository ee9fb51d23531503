//! Transcripts as the app sees them: a recorded answer is handed to a
//! [`Scribe`] when the answer ends, and the app polls it for news while the
//! candidate moves on. The cli gives the real one (a worker thread running
//! whisper.cpp, with the `transcribe` feature and a model); tests give a fake;
//! otherwise there is none and nothing is transcribed. The app holds no engine
//! types: a transcript is a domain type, and its cues are read here.

use std::time::Duration;

use crate::domain::cues::Cues;
use crate::domain::session::LoggedStep;
use crate::domain::transcript::Transcript;

/// How often the app looks for news while a transcript is being made.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// One recorded answer to transcribe.
#[derive(Debug, Clone, PartialEq)]
pub struct ScribeJob {
    /// The session log's file name (`<stem>.toml`), which names the transcript.
    pub log_file: String,
    /// The recording's file name in the audio folder.
    pub audio_file: String,
    /// The answer's steps with their tick times.
    pub steps: Vec<LoggedStep>,
}

/// What a scribe reports about a job.
#[derive(Debug, Clone, PartialEq)]
pub enum ScribeNews {
    Started {
        log_file: String,
    },
    /// 0-100 through the audio.
    Progress {
        log_file: String,
        percent: u8,
    },
    /// Saved beside the session log.
    Ready {
        log_file: String,
        transcript: Box<Transcript>,
    },
    Failed {
        log_file: String,
        error: String,
    },
}

/// What the app asks of the transcriber.
pub trait Scribe {
    /// Queues a job; one line saying why when it cannot be taken.
    fn submit(&mut self, job: ScribeJob) -> Result<(), String>;
    /// The next piece of news, if any; never blocks.
    fn poll(&mut self) -> Option<ScribeNews>;
}

/// Where a recorded answer's transcript is.
#[derive(Debug, Clone, PartialEq)]
pub enum Scribed {
    Queued,
    Working(u8),
    Ready(Box<Cues>),
    Failed(String),
}

/// A transcript asked for in this sitting.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcribing {
    pub log_file: String,
    pub steps: Vec<LoggedStep>,
    pub state: Scribed,
}

impl Transcribing {
    pub fn is_pending(&self) -> bool {
        matches!(self.state, Scribed::Queued | Scribed::Working(_))
    }

    /// Takes in one piece of news about this job.
    pub fn apply(&mut self, news: ScribeNews) {
        self.state = match news {
            ScribeNews::Started { .. } => Scribed::Working(0),
            ScribeNews::Progress { percent, .. } => Scribed::Working(percent.min(100)),
            ScribeNews::Ready { transcript, .. } => {
                Scribed::Ready(Box::new(Cues::of(&transcript, &self.steps)))
            }
            ScribeNews::Failed { error, .. } => Scribed::Failed(error),
        };
    }
}

impl ScribeNews {
    pub fn log_file(&self) -> &str {
        match self {
            Self::Started { log_file }
            | Self::Progress { log_file, .. }
            | Self::Ready { log_file, .. }
            | Self::Failed { log_file, .. } => log_file,
        }
    }
}

/// A fake scribe for tests: it records the jobs and hands back the news the
/// test queues.
#[cfg(test)]
pub(crate) mod fake {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    use super::*;

    #[derive(Debug, Default)]
    pub struct Log {
        pub jobs: Vec<ScribeJob>,
        pub news: VecDeque<ScribeNews>,
        /// `submit` fails with this line when set.
        pub refuse: Option<String>,
    }

    pub type Shared = Rc<RefCell<Log>>;

    pub struct FakeScribe(pub Shared);

    impl Scribe for FakeScribe {
        fn submit(&mut self, job: ScribeJob) -> Result<(), String> {
            let mut log = self.0.borrow_mut();
            if let Some(line) = log.refuse.clone() {
                return Err(line);
            }
            log.jobs.push(job);
            Ok(())
        }
        fn poll(&mut self) -> Option<ScribeNews> {
            self.0.borrow_mut().news.pop_front()
        }
    }

    pub fn scribe() -> (Box<dyn Scribe>, Shared) {
        let log: Shared = Rc::default();
        (Box::new(FakeScribe(Rc::clone(&log))), log)
    }
}
