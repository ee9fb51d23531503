//! stardrill: practise Amazon-style behavioral interviews alone, in a terminal.
//!
//! Layout: `domain` (pure data and rules), `storage` (files on disk), `app`
//! (state and transitions), `ui` (one module per screen), `cli` (commands and
//! the terminal event loop); `transcribe` (offline transcripts, with the
//! `transcribe` feature).

pub mod app;
pub mod cli;
pub mod domain;
pub mod storage;
#[cfg(feature = "transcribe")]
pub mod transcribe;
pub mod ui;
