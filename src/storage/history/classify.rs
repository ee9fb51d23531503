//! One file of `sessions/`: read it (bounded) and tell a log of ours from an
//! empty, broken, newer or foreign file. Log files are only ever read here.

use std::fs::{File, Metadata};
use std::path::Path;

use crate::domain::history::{NO_SCHEMA, NOT_TOML, NOT_UTF8, SkipReason, TOO_BIG};
use crate::domain::session::{SCHEMA_VERSION, SessionLog};
use crate::storage::cache::Stamp;
use crate::storage::read::{ReadError, open_regular, read_capped};

/// A session log is about 1 KB; anything this big is not one of ours, and
/// reading it whole would waste memory. `TOO_BIG` says this size in words.
pub(super) const MAX_LOG_BYTES: u64 = 1 << 20;

/// Reads and checks one file; never writes to it.
pub fn read_log(path: &Path, name: &str, buf: &mut Vec<u8>) -> Result<SessionLog, SkipReason> {
    read_stamped(path, name, buf).1
}

/// `read_log`, with the stamp the file had when it was opened (before its
/// bytes were read, so a later write gives it a new stamp).
pub(super) fn read_stamped(
    path: &Path,
    name: &str,
    buf: &mut Vec<u8>,
) -> (Option<Stamp>, Result<SessionLog, SkipReason>) {
    let (file, meta) = match open_regular(path) {
        Ok(opened) => opened,
        Err(e) => return (None, Err(SkipReason::Unreadable(e.to_string()))),
    };
    (Some(Stamp::of(&meta)), check_log(file, &meta, name, buf))
}

fn check_log(
    file: File,
    meta: &Metadata,
    name: &str,
    buf: &mut Vec<u8>,
) -> Result<SessionLog, SkipReason> {
    match read_capped(file, meta, MAX_LOG_BYTES, buf) {
        Ok(()) => {}
        Err(ReadError::TooBig(_)) => return Err(SkipReason::NotOurs(TOO_BIG)),
        Err(e) => return Err(SkipReason::Unreadable(e.to_string())),
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::Empty);
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        return Err(SkipReason::NotOurs(NOT_UTF8));
    };
    if !name.ends_with(".toml") {
        return Err(SkipReason::NotOurs(NOT_TOML));
    }
    parse_log(text)
}

/// Parses a log, telling apart a foreign TOML file, a newer schema and a broken log.
pub fn parse_log(text: &str) -> Result<SessionLog, SkipReason> {
    match SessionLog::from_toml(text) {
        Ok(log) if i64::from(log.schema_version) > i64::from(SCHEMA_VERSION) => {
            Err(SkipReason::Newer(i64::from(log.schema_version)))
        }
        Ok(log) if log.schema_version == 0 => Err(SkipReason::Invalid {
            line: None,
            message: "schema_version 0 is not a version stardrill writes".into(),
        }),
        Ok(log) => match log.out_of_range() {
            // A value no stardrill writes would skew every average it enters.
            Some(problem) => Err(SkipReason::Invalid {
                line: None,
                message: problem,
            }),
            None => Ok(log),
        },
        // Slow path, only for files that failed: look at them as plain TOML.
        Err(err) => Err(match toml::from_str::<toml::Table>(text) {
            Err(syntax) => invalid(text, &syntax),
            Ok(table) => match table.get("schema_version") {
                None => SkipReason::NotOurs(NO_SCHEMA),
                Some(toml::Value::Integer(v)) if *v > i64::from(SCHEMA_VERSION) => {
                    SkipReason::Newer(*v)
                }
                Some(_) => invalid(text, &err),
            },
        }),
    }
}

fn invalid(text: &str, err: &toml::de::Error) -> SkipReason {
    SkipReason::Invalid {
        line: err.span().map(|span| {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            before.iter().filter(|&&b| b == b'\n').count() + 1
        }),
        message: err.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::super::tests::write;
    use super::super::{Listing, load};
    use crate::domain::history::tests::log;

    fn good(id: &str, day: u32) -> (String, String) {
        let l = log(id, day, "co-01", &["customer-obsession"]);
        (l.file_name(), l.to_toml().unwrap_or_default())
    }

    #[test]
    fn loads_good_logs_and_skips_bad_ones_without_touching_them() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sessions = tmp.path().join("sessions");
        std::fs::create_dir_all(sessions.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        for day in 1..=3 {
            let (name, body) = good(&format!("00000{day}"), day);
            write(&sessions, &name, &body);
        }
        let bad = [
            (
                "broken.toml",
                "schema_version = 1\nid = \"x\"\nbroken = [\n",
            ),
            ("empty.toml", " \n"),
            ("newer.toml", "schema_version = 7\nwhatever = true\n"),
            ("foreign.toml", "[package]\nname = \"x\"\n"),
            ("missing.toml", "schema_version = 1\nid = \"x\"\n"),
            ("notes.txt", "hello"),
        ];
        for (name, body) in bad {
            write(&sessions, name, body);
        }
        write(&sessions, ".stardrill-abc.tmp", "partial");
        #[cfg(unix)]
        std::os::unix::fs::symlink(sessions.join("gone"), sessions.join("dangling.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let listing = Listing::read(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let seen = AtomicUsize::new(0);
        let loaded = load(&listing, &|n| {
            seen.fetch_max(n, Ordering::Relaxed);
        });
        assert_eq!(seen.load(Ordering::Relaxed), 9);
        assert_eq!(listing.len(), if cfg!(unix) { 10 } else { 9 });
        assert_eq!(loaded.history.len(), 3);
        assert_eq!(&*loaded.history.sessions()[0].id, "000003");
        let reasons: Vec<(String, String)> = loaded
            .skipped
            .iter()
            .map(|s| (s.file.clone(), s.reason.to_string()))
            .collect();
        let expected = [
            ("broken.toml", "line 3: unclosed array"),
            #[cfg(unix)]
            ("dangling.toml", "cannot read it: a link to nothing"),
            ("empty.toml", "empty file"),
            (
                "foreign.toml",
                "not a stardrill session log (no schema_version)",
            ),
            ("missing.toml", "line 1: missing field `started_at`"),
            ("newer.toml", "schema_version 7 is newer"),
            (
                "notes.txt",
                "not a stardrill session log (not a .toml file)",
            ),
        ];
        assert_eq!(reasons.len(), expected.len(), "{reasons:?}");
        for ((file, reason), (want_file, want)) in reasons.iter().zip(expected) {
            assert_eq!(file, want_file);
            assert!(reason.starts_with(want), "{file}: {reason}");
        }
        for (name, body) in bad {
            assert_eq!(
                std::fs::read_to_string(sessions.join(name)).unwrap_or_default(),
                body
            );
        }
    }
}
