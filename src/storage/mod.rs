//! Reading and writing user data on disk.

pub mod atomic;
pub mod cache;
pub mod config;
pub mod history;
pub mod loops;
pub mod paths;
pub mod read;
pub mod recordings;
pub mod sessions;
pub mod stories;
pub mod transcripts;
