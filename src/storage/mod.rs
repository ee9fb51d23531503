//! Reading and writing user data on disk.

pub mod atomic;
pub mod history;
pub mod paths;
pub mod sessions;
