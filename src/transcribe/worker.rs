//! Transcription on a background thread, so the interface never waits for it.
//!
//! The interface submits a [`Job`] per recorded answer and polls
//! [`Transcriber::try_event`] on its tick; `stardrill transcribe` blocks on
//! [`Transcriber::events`] to draw its progress bar. The model is loaded on
//! the first job and kept for the next ones until two idle minutes pass. The
//! thread runs at a lower priority than the interface, so frames and keys stay
//! as quick as before.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Local;

use super::engine::{Engine, Options, TranscribeError};
use super::model::ModelError;
use crate::domain::cues::unworded_voice;
use crate::domain::delivery::Envelope;
use crate::domain::session::LoggedStep;
use crate::domain::transcript::Transcript;
use crate::storage::transcripts;

/// How long the worker keeps the model loaded after its last job.
const KEEP_MODEL: Duration = Duration::from_secs(120);

/// Produces the answer's audio as 16 kHz mono samples; run on the worker
/// thread, so decoding a recording does not hold up the interface either.
pub type AudioLoader = Box<dyn FnOnce() -> Result<Vec<f32>, String> + Send>;

/// One recorded answer to transcribe.
pub struct Job {
    /// The session log's file name, e.g. `20261123T101500Z-ab12cd.toml`.
    pub log_file: String,
    /// The log's steps with their tick times, to place each word in a step.
    pub steps: Vec<LoggedStep>,
    pub audio: AudioLoader,
}

impl Job {
    pub fn new(log_file: impl Into<String>, steps: Vec<LoggedStep>, audio: AudioLoader) -> Self {
        Self {
            log_file: log_file.into(),
            steps,
            audio,
        }
    }

    /// A job for samples already in memory.
    pub fn from_samples(
        log_file: impl Into<String>,
        steps: Vec<LoggedStep>,
        samples: Vec<f32>,
    ) -> Self {
        Self::new(log_file, steps, Box::new(move || Ok(samples)))
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("log_file", &self.log_file)
            .field("steps", &self.steps.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JobError {
    /// The model could not be used; every job fails the same way.
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("could not read the recording: {0}")]
    Audio(String),
    #[error(transparent)]
    Transcribe(#[from] TranscribeError),
    #[error("{0}")]
    Save(String),
}

impl JobError {
    /// The CLI's exit status: 2 for a model the user must fix, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Model(e) => e.exit_code(),
            _ => 1,
        }
    }
}

/// What the worker reports, in order, for each job.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Work on the job began (the model is loaded first if needed).
    Started {
        log_file: String,
    },
    /// 0-100 through the audio.
    Progress {
        log_file: String,
        percent: u8,
    },
    /// The transcript is saved at `path`.
    Done {
        log_file: String,
        path: PathBuf,
        transcript: Box<Transcript>,
    },
    Failed {
        log_file: String,
        error: JobError,
    },
}

impl Event {
    pub fn log_file(&self) -> &str {
        match self {
            Self::Started { log_file }
            | Self::Progress { log_file, .. }
            | Self::Done { log_file, .. }
            | Self::Failed { log_file, .. } => log_file,
        }
    }

    /// Done or failed: nothing more will come for this job.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Done { .. } | Self::Failed { .. })
    }
}

/// A background thread that transcribes jobs one after another.
pub struct Transcriber {
    jobs: Option<Sender<Job>>,
    events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Transcriber {
    /// Starts the thread; the model at `model` is loaded when the first job comes.
    pub fn start(model: PathBuf, data_dir: PathBuf, options: Options) -> std::io::Result<Self> {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (event_tx, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let handle = std::thread::Builder::new()
            .name("transcribe".into())
            .spawn(move || {
                lower_priority();
                let mut worker = Worker {
                    model,
                    data_dir,
                    options,
                    engine: None,
                    events: event_tx,
                };
                loop {
                    match job_rx.recv_timeout(KEEP_MODEL) {
                        Ok(job) if !stop.load(Ordering::Relaxed) => {
                            if !worker.run(job) {
                                break;
                            }
                        }
                        // Hundreds of MB are not worth keeping between answers
                        // minutes apart; loading again takes well under a second.
                        Err(RecvTimeoutError::Timeout) => worker.engine = None,
                        _ => break,
                    }
                }
            })?;
        Ok(Self {
            jobs: Some(job_tx),
            events,
            cancel,
            handle: Some(handle),
        })
    }

    /// Queues a job; `false` when the worker has stopped.
    pub fn submit(&self, job: Job) -> bool {
        self.jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok())
    }

    /// The next event, if one is waiting; never blocks.
    pub fn try_event(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The events, for a caller that wants to block on them.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Drops the jobs not yet started; the current one runs to its end (a
    /// transcript is saved whole or not at all).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// No more jobs: the events channel ends once the queued ones are done.
    pub fn close(&mut self) {
        self.jobs = None;
    }

    /// Waits for the queued jobs to finish (or, after [`cancel`](Self::cancel),
    /// the current one) and returns the events not yet taken.
    pub fn finish(mut self) -> Vec<Event> {
        self.jobs = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.events.try_iter().collect()
    }
}

impl Drop for Transcriber {
    fn drop(&mut self) {
        // Quitting must not wait for a long transcription: the thread is left
        // to end with the process, and jobs not started are dropped.
        self.cancel.store(true, Ordering::Relaxed);
        self.jobs = None;
    }
}

/// Transcribes one job on its own thread and hands back its events.
pub fn spawn(
    model: PathBuf,
    data_dir: PathBuf,
    options: Options,
    job: Job,
) -> std::io::Result<Receiver<Event>> {
    let (events, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("transcribe".into())
        .spawn(move || {
            lower_priority();
            Worker {
                model,
                data_dir,
                options,
                engine: None,
                events,
            }
            .run(job);
        })?;
    Ok(rx)
}

struct Worker {
    model: PathBuf,
    data_dir: PathBuf,
    options: Options,
    engine: Option<Result<Engine, ModelError>>,
    events: Sender<Event>,
}

impl Worker {
    /// Runs one job; `false` once nobody listens any more.
    fn run(&mut self, job: Job) -> bool {
        let log_file = job.log_file.clone();
        if !self.send(Event::Started {
            log_file: log_file.clone(),
        }) {
            return false;
        }
        let event = match self.transcribe(job) {
            Ok((path, transcript)) => Event::Done {
                log_file,
                path,
                transcript: Box::new(transcript),
            },
            Err(error) => Event::Failed { log_file, error },
        };
        self.send(event)
    }

    fn transcribe(&mut self, job: Job) -> Result<(PathBuf, Transcript), JobError> {
        let engine = self
            .engine
            .get_or_insert_with(|| Engine::load(&self.model))
            .as_ref()
            .map_err(|e| JobError::Model(e.clone()))?;
        let samples = (job.audio)().map_err(JobError::Audio)?;
        let events = self.events.clone();
        let name = job.log_file.clone();
        let mut last = None;
        let progress = move |percent: u8| {
            if last != Some(percent) {
                last = Some(percent);
                let _ = events.send(Event::Progress {
                    log_file: name.clone(),
                    percent,
                });
            }
        };
        let now = Local::now().fixed_offset();
        let mut transcript =
            engine.transcript(&job.log_file, &samples, &self.options, now, progress)?;
        transcript.assign_steps(&job.steps);
        // Whisper leaves out many "um"s: short sounds with no word are kept
        // as filled pauses, so the filler count comes closer to the truth.
        let voiced = Envelope::of(&samples).speech_spans();
        transcript.filled_pauses = unworded_voice(&voiced, &transcript);
        let path = transcripts::save(&self.data_dir, &job.log_file, &transcript)
            .map_err(|e| JobError::Save(e.to_string()))?;
        Ok((path, transcript))
    }

    fn send(&self, event: Event) -> bool {
        self.events.send(event).is_ok()
    }
}

/// Lets the interface thread go first when both want the CPU; threads the
/// engine starts from here inherit it. Best effort.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux the nice value is per thread; `None` is this thread.
        let _ = rustix::process::setpriority_process(None, 19);
    }
}
