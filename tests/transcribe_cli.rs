//! `stardrill transcribe` in a build without the `transcribe` feature: it says
//! how to get one and exits 2, touching nothing.
#![cfg(not(feature = "transcribe"))]
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Plain, Sandbox};

#[test]
fn a_build_without_the_feature_says_how_to_get_it() {
    let sandbox = Sandbox::new();
    let out = Plain::run(&sandbox, &["transcribe", "--all"]);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("--features transcribe"),
        "{}",
        out.stderr
    );
    assert!(!sandbox.data_dir().join("transcripts").exists());
    // Naming a session or nothing at all is a usage error, as in any build.
    let out = Plain::run(&sandbox, &["transcribe"]);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
}
