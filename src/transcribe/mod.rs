//! Offline transcripts of recorded answers with whisper.cpp (the `transcribe`
//! feature). The user supplies the model file; nothing is ever downloaded.
//!
//! - [`model`]: finding the model file and checking it really is one;
//! - [`engine`]: samples in, words with times out;
//! - [`worker`]: the same on a background thread, saving each transcript
//!   beside its session log.
//!
//! What the words mean for the answer is pure domain logic, in
//! `domain::transcript` (the sidecar and step alignment) and `domain::cues`.

pub mod engine;
pub mod model;
pub mod worker;

pub use engine::{Engine, FILLER_PROMPT, Options, SAMPLE_RATE, TranscribeError};
pub use model::{
    MODEL_ENV, ModelChoice, ModelError, ModelInfo, ModelSource, choose_model, inspect,
    missing_model_message,
};
pub use worker::{AudioLoader, Event, Job, JobError, Transcriber, spawn};
