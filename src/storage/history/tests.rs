//! A load, end to end: the history it gives and what the cache keeps.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::classify::MAX_LOG_BYTES;
use super::*;
use crate::domain::history::tests::log;
use crate::domain::history::{Loaded, Skipped};
use crate::storage::cache::{self, Stamp};

pub(super) fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap_or_else(|e| panic!("{e}"));
}

// The history cache. `load_at` is given a "now" a minute ahead, so the
// files just written count as settled and are cached.

fn later() -> SystemTime {
    SystemTime::now() + std::time::Duration::from_secs(60)
}

fn run(data_dir: &Path) -> Run {
    let listing = Listing::read(data_dir).unwrap_or_else(|e| panic!("{e}"));
    load_at(&listing, &|_| {}, later())
}

/// Loads and saves the refreshed cache; panics if saving fails.
fn run_and_save(data_dir: &Path) -> Run {
    let mut run = run(data_dir);
    if let Some(update) = run.update.take() {
        update.save().unwrap_or_else(|e| panic!("{e}"));
    }
    run
}

/// Every session as its log file would read, and every skipped file.
fn contents(loaded: &Loaded) -> (Vec<(String, String)>, Vec<Skipped>) {
    let h = &loaded.history;
    let sessions = h
        .sessions()
        .iter()
        .map(|s| {
            let text = h.to_log(s).to_toml().unwrap_or_default();
            (s.file.to_string(), text)
        })
        .collect();
    (sessions, loaded.skipped.clone())
}

fn cached_entries(data_dir: &Path) -> (usize, usize) {
    match cache::read(data_dir) {
        cache::Found::Cache(c) => (c.sessions.len(), c.skipped.len()),
        other => panic!("no usable cache: {other:?}"),
    }
}

/// A data dir of six varied logs and five files that are skipped.
fn seeded() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sessions = tmp.path().join(SESSIONS_DIR);
    std::fs::create_dir_all(&sessions).unwrap_or_else(|e| panic!("{e}"));
    for day in 1..=6u32 {
        let mut l = log(
            &format!("{day:06}"),
            day,
            if day % 2 == 0 { "co-01" } else { "dd-02" },
            &["customer-obsession", "dive-deep"][..(day as usize % 2) + 1],
        );
        match day {
            2 => {
                l.rating = None;
                l.follow_up = None;
                l.notes = "ünïcode — notes\nover two lines".into();
            }
            3 => {
                l.loop_id = Some("loop-1".into());
                l.round = Some(2);
                l.follow_up_secs = Some(41.5);
                l.story = Some(crate::domain::session::LoggedStory {
                    id: "s1".into(),
                    title: "The outage".into(),
                });
            }
            4 => {
                let offset = chrono::FixedOffset::west_opt(5 * 3600 + 1800)
                    .unwrap_or_else(|| panic!("offset"));
                l.started_at = l.started_at.with_timezone(&offset);
                l.ended_at = l.ended_at.with_timezone(&offset);
                l.rubric.quantified_result = true;
                l.rubric.finished_in_time = true;
                l.outcome = crate::domain::session::Outcome::Abandoned;
            }
            _ => {}
        }
        write(&sessions, &l.file_name(), &l.to_toml().unwrap_or_default());
    }
    write(
        &sessions,
        "broken.toml",
        "schema_version = 1\nid = \"x\"\nbroken = [\n",
    );
    write(&sessions, "empty.toml", "\n");
    write(&sessions, "newer.toml", "schema_version = 7\n");
    write(&sessions, "foreign.toml", "[package]\nname = \"x\"\n");
    write(&sessions, "notes.txt", "hello");
    tmp
}

fn session_path(data_dir: &Path, day: u32) -> PathBuf {
    let l = log(&format!("{day:06}"), day, "co-01", &[]);
    data_dir.join(SESSIONS_DIR).join(l.file_name())
}

fn set_mtime(path: &Path, at: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(at))
        .unwrap_or_else(|e| panic!("{e}"));
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_cache_gives_the_same_history_as_parsing_every_file() {
    let dir = seeded();
    let first = run_and_save(dir.path());
    assert_eq!(first.parsed, 11);
    assert_eq!(first.loaded.history.len(), 6);
    assert_eq!(first.loaded.skipped.len(), 5);
    assert_eq!(cached_entries(dir.path()), (6, 5));

    let second = run(dir.path());
    assert_eq!(second.parsed, 0, "every file came from the cache");
    assert!(
        second.update.is_none(),
        "an unchanged cache is not rewritten"
    );
    assert_eq!(contents(&second.loaded), contents(&first.loaded));
    // The index by question is rebuilt too.
    let h = &second.loaded.history;
    let s = &h.sessions()[0];
    assert_eq!(h.attempts_at(s).len(), 3);
    assert_eq!(
        h.principles(s).collect::<Vec<_>>(),
        first
            .loaded
            .history
            .principles(&first.loaded.history.sessions()[0])
            .collect::<Vec<_>>()
    );
}

#[test]
fn skipped_files_stay_reported_with_their_reasons_from_the_cache() {
    let dir = seeded();
    let sessions = dir.path().join(SESSIONS_DIR);
    std::fs::write(sessions.join("latin1.toml"), b"notes = \"caf\xe9\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        sessions.join("huge.toml"),
        vec![b' '; (MAX_LOG_BYTES + 1) as usize],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let first = run_and_save(dir.path());
    let second = run(dir.path());
    assert_eq!(second.parsed, 0);
    assert_eq!(second.loaded.skipped, first.loaded.skipped);
    let reasons: Vec<String> = second
        .loaded
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.file, s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            "broken.toml: line 3: unclosed array, expected `]`",
            "empty.toml: empty file",
            "foreign.toml: not a stardrill session log (no schema_version)",
            "huge.toml: not a stardrill session log (larger than 1 MiB)",
            "latin1.toml: not a stardrill session log (not UTF-8 text)",
            "newer.toml: schema_version 7 is newer than this stardrill reads (1); upgrade to see it",
            "notes.txt: not a stardrill session log (not a .toml file)",
        ]
        .map(String::from)
        .to_vec(),
        "{reasons:#?}"
    );
}

#[test]
fn a_file_edited_in_place_is_parsed_again() {
    let dir = seeded();
    run_and_save(dir.path());
    let path = session_path(dir.path(), 1);
    let before = mtime(&path);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    // Same size, new content, a new mtime.
    let edited = text.replace("notes = \"note\"", "notes = \"nope\"");
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
    set_mtime(&path, before + std::time::Duration::from_nanos(1));

    let after = run(dir.path());
    assert_eq!(after.parsed, 1);
    let h = &after.loaded.history;
    let s = h
        .sessions()
        .iter()
        .find(|s| &*s.id == "000001")
        .unwrap_or_else(|| panic!("session 1 is gone"));
    assert_eq!(&*s.notes, "nope");
    assert!(after.update.is_some(), "the changed entry is written");
}

#[cfg(unix)]
#[test]
fn a_file_replaced_with_the_same_size_and_mtime_is_parsed_again() {
    let dir = seeded();
    run_and_save(dir.path());
    let path = session_path(dir.path(), 2);
    let before = mtime(&path);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    // Another file of the same size and mtime renamed over it (as editors
    // save): only the inode tells them apart.
    let replacement = dir.path().join("replacement.toml");
    let edited = text.replace("ünïcode", "ÜNÏCODE");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&replacement, edited).unwrap_or_else(|e| panic!("{e}"));
    set_mtime(&replacement, before);
    std::fs::rename(&replacement, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mtime(&path), before);

    let after = run(dir.path());
    assert_eq!(after.parsed, 1);
    let h = &after.loaded.history;
    assert!(
        h.sessions().iter().any(|s| s.notes.starts_with("ÜNÏCODE")),
        "the new content is shown"
    );
}

#[test]
fn deleted_and_trashed_files_disappear() {
    let dir = seeded();
    run_and_save(dir.path());
    let trashed = session_path(dir.path(), 3);
    let name = trashed
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    move_to_trash(dir.path(), &name).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(session_path(dir.path(), 4)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(dir.path().join(SESSIONS_DIR).join("empty.toml"))
        .unwrap_or_else(|e| panic!("{e}"));

    let after = run_and_save(dir.path());
    assert_eq!(after.parsed, 0);
    let ids: Vec<&str> = after
        .loaded
        .history
        .sessions()
        .iter()
        .map(|s| &*s.id)
        .collect();
    assert_eq!(ids, ["000006", "000005", "000002", "000001"]);
    assert!(after.loaded.skipped.iter().all(|s| s.file != "empty.toml"));
    assert_eq!(cached_entries(dir.path()), (4, 4));
    assert!(run(dir.path()).update.is_none());
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_rebuilt() {
    let dir = seeded();
    let full = run_and_save(dir.path());
    let cache_file = cache::path(dir.path());
    let good = std::fs::read(&cache_file).unwrap_or_else(|e| panic!("{e}"));
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    let mut other_version = good.clone();
    other_version[8] = other_version[8].wrapping_add(1);
    let damaged: [(&str, Vec<u8>); 5] = [
        ("garbage", b"not a cache at all".to_vec()),
        ("empty", Vec::new()),
        ("truncated", good[..good.len() - 7].to_vec()),
        ("one byte changed", flipped),
        ("another version", other_version),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&cache_file, bytes).unwrap_or_else(|e| panic!("{e}"));
        let rebuilt = run_and_save(dir.path());
        assert_eq!(rebuilt.parsed, 11, "{what}");
        assert_eq!(contents(&rebuilt.loaded), contents(&full.loaded), "{what}");
        assert_eq!(cached_entries(dir.path()), (6, 5), "{what}");
        assert_eq!(run(dir.path()).parsed, 0, "{what}");
    }
}

#[test]
fn an_unwritable_cache_does_not_fail_the_load() {
    let dir = seeded();
    // A file where the cache folder should be: nothing can be written.
    write(dir.path(), cache::CACHE_DIR, "in the way");
    let first = run(dir.path());
    let update = first.update.unwrap_or_else(|| panic!("a cache to write"));
    assert!(update.save().is_err());
    let listing = Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let loaded = load(&listing, &|_| {});
    assert_eq!(contents(&loaded), contents(&first.loaded));
    assert_eq!(run(dir.path()).parsed, 11);
}

#[test]
fn files_changed_in_the_last_seconds_are_parsed_but_not_cached() {
    let dir = seeded();
    let path = session_path(dir.path(), 1);
    let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{e}"));
    // One second after the newest file time: every file is "just written".
    let stamp = Stamp::of(&meta);
    let newest = stamp.mtime.max(stamp.ctime);
    let soon = SystemTime::UNIX_EPOCH
        + std::time::Duration::new(u64::try_from(newest.0).unwrap_or(0) + 1, newest.1);
    let listing = Listing::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let fresh = load_at(&listing, &|_| {}, soon);
    assert_eq!(fresh.loaded.history.len(), 6);
    assert!(fresh.update.is_none(), "nothing settled, nothing to cache");
    // Once settled, they are cached.
    assert_eq!(run_and_save(dir.path()).parsed, 11);
    assert_eq!(run(dir.path()).parsed, 0);
}
