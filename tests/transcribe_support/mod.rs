//! Helpers for the transcription tests and benchmark.
#![allow(dead_code)]

pub mod random_model;
pub mod speech;
