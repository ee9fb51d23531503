//! stardrill: practise Amazon-style behavioral interviews alone, in a terminal.
//!
//! Layout: `domain` (pure data and rules), `storage` (files on disk), `app`
//! (state and transitions), `ui` (one module per screen), `cli` (commands and
//! the terminal event loop); with the `audio` feature, `audio` (recording and
//! playback); with the `transcribe` feature, `transcribe` (offline transcripts).

pub mod app;
#[cfg(feature = "audio")]
pub mod audio;
pub mod cli;
pub mod domain;
pub mod storage;
#[cfg(feature = "transcribe")]
pub mod transcribe;
pub mod ui;
