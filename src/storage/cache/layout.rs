//! The cache file, byte by byte (little-endian): magic, `CACHE_VERSION` (u32),
//! the stardrill version that wrote it, the body's length (u64) and checksum
//! (u64), then the body: sessions (stamp + compact session), skipped files
//! (name + stamp + reason), then the questions and strings the sessions refer
//! to by number. A file that differs in any header field, fails the checksum
//! or does not decode cleanly gives `None`.

use super::Cached;
use super::codec::{Reader, Writer, checksum};
use super::session_codec::Tables;
use super::stamp::Stamp;
use crate::domain::history::{History, NOT_OURS_LASTING, Session, SkipReason, Skipped};

/// Bump whenever what is written below changes, or what a log must be to be
/// accepted (2: out-of-range values are refused; 3: recordings and their
/// delivery figures): a cache of another version is ignored (and rebuilt).
/// The `layout_is_pinned` test fails until it is bumped.
pub const CACHE_VERSION: u32 = 3;
const MAGIC: &[u8; 8] = b"SDHCACHE";

/// Encodes `sessions` (each with the stamp of its file) and `skipped`, with
/// the strings and questions of `history` that they use.
pub fn encode(
    history: &History,
    sessions: &[(Stamp, &Session)],
    skipped: &[(Stamp, &Skipped)],
) -> Vec<u8> {
    // One buffer, filled in file order: the sessions decide which strings and
    // questions are written, so those come last, and the header's length and
    // checksum are filled in at the end.
    let mut w = Writer(Vec::with_capacity(sessions.len() * 320 + 64 * 1024));
    w.0.extend_from_slice(MAGIC);
    w.0.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    w.str(env!("CARGO_PKG_VERSION"));
    let len_at = w.0.len();
    w.0.extend_from_slice(&[0; 16]);
    let body_at = w.0.len();

    let mut tables = Tables::new(history);
    w.uint(sessions.len() as u64);
    for (stamp, session) in sessions {
        w.stamp(stamp);
        tables.session(&mut w, session);
    }
    // Only reasons that hold until the file changes are remembered.
    let cacheable: Vec<_> = skipped.iter().filter(|(_, s)| s.reason.lasts()).collect();
    w.uint(cacheable.len() as u64);
    for (stamp, s) in cacheable {
        w.str(&s.file);
        w.stamp(stamp);
        w.reason(&s.reason);
    }
    tables.write(&mut w);

    let mut out = w.0;
    let body_len = (out.len() - body_at) as u64;
    let sum = checksum(&out[body_at..]);
    out[len_at..len_at + 8].copy_from_slice(&body_len.to_le_bytes());
    out[len_at + 8..len_at + 16].copy_from_slice(&sum.to_le_bytes());
    out
}

/// Reads a cache file's bytes; `None` on any mismatch or damage.
pub fn decode(bytes: &[u8]) -> Option<Cached> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    if u32::from_le_bytes(r.take(4)?.try_into().ok()?) != CACHE_VERSION {
        return None;
    }
    if r.str()? != env!("CARGO_PKG_VERSION") {
        return None;
    }
    let len = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let sum = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    if len != r.0.len() as u64 || checksum(r.0) != sum {
        return None;
    }

    let n = r.count(40)?;
    let mut sessions = Vec::with_capacity(n);
    for _ in 0..n {
        let stamp = r.stamp()?;
        sessions.push((stamp, r.session()?));
    }
    let n = r.count(8)?;
    let mut skipped = Vec::with_capacity(n);
    for _ in 0..n {
        let file = r.str()?.to_string();
        let stamp = r.stamp()?;
        let reason = r.reason()?;
        skipped.push((stamp, Skipped { file, reason }));
    }
    let (questions, strings) = r.tables()?;
    r.0.is_empty().then_some(Cached {
        strings,
        questions,
        sessions,
        skipped,
    })
}

impl Writer {
    fn stamp(&mut self, s: &Stamp) {
        let Stamp {
            size,
            mtime,
            ctime,
            ino,
        } = *s;
        self.uint(size);
        self.int(mtime.0);
        self.uint(mtime.1.into());
        self.int(ctime.0);
        self.uint(ctime.1.into());
        self.uint(ino);
    }

    fn reason(&mut self, r: &SkipReason) {
        match r {
            SkipReason::Empty => self.u8(0),
            SkipReason::Invalid { line, message } => {
                self.u8(1);
                self.opt(line.as_ref(), |w, l| w.uint(*l as u64));
                self.str(message);
            }
            SkipReason::Newer(v) => {
                self.u8(2);
                self.int(*v);
            }
            SkipReason::NotOurs(why) => {
                self.u8(3);
                self.str(why);
            }
            // Never cached (it does not last); written as "empty" would be
            // wrong, so it gets its own code that the reader rejects.
            SkipReason::Unreadable(_) => self.u8(0xFF),
        }
    }
}

impl Reader<'_> {
    fn stamp(&mut self) -> Option<Stamp> {
        Some(Stamp {
            size: self.uint()?,
            mtime: (self.int()?, self.u32()?),
            ctime: (self.int()?, self.u32()?),
            ino: self.uint()?,
        })
    }

    fn reason(&mut self) -> Option<SkipReason> {
        Some(match self.u8()? {
            0 => SkipReason::Empty,
            1 => SkipReason::Invalid {
                line: self.opt(|r| usize::try_from(r.uint()?).ok())?,
                message: self.str()?.to_string(),
            },
            2 => SkipReason::Newer(self.int()?),
            3 => {
                let why = self.str()?;
                SkipReason::NotOurs(NOT_OURS_LASTING.iter().find(|&&w| w == why).copied()?)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank::QuestionKind;
    use crate::domain::delivery::{Delivery, Pause, StepTalk};
    use crate::domain::history::tests::log;
    use crate::domain::history::{HistoryBuilder, NOT_OURS_LASTING};
    use crate::domain::session::{LoggedStory, Outcome, Rubric, SessionLog};
    use chrono::FixedOffset;

    fn stamp(n: u64) -> Stamp {
        Stamp {
            size: 1000 + n,
            mtime: (1_767_600_000 + n as i64, 123_456_789),
            ctime: (1_767_600_100 + n as i64, 5),
            ino: 4242 + n,
        }
    }

    /// Logs that between them set every optional field and every variant.
    fn logs() -> Vec<(String, SessionLog)> {
        let mut a = log("aaaaaa", 1, "co-01", &["customer-obsession"]);
        a.rating = None;
        a.follow_up = None;
        a.notes = "multi\nline — ünïcode".into();
        a.audio = Some("20260101T080000Z-aaaaaa.ogg".into());
        a.delivery = Some(Delivery {
            audio_secs: 110.0,
            speaking_secs: 92.5,
            silence_secs: 17.5,
            first_word_secs: Some(1.25),
            syllables: 311,
            wpm: Some(151.0),
            pauses: vec![
                Pause {
                    at_secs: 40.5,
                    secs: 2.75,
                    step: Some("action".into()),
                },
                Pause {
                    at_secs: 100.0,
                    secs: 2.0,
                    step: None,
                },
            ],
            steps: vec![StepTalk {
                key: "situation".into(),
                span_secs: 35.0,
                spoke_secs: 30.25,
            }],
        });
        let mut b = log("bbbbbb", 2, "dd-01", &["dive-deep", "ownership"]);
        // Figures with nothing heard: every optional part absent.
        b.delivery = Some(Delivery::default());
        b.question.kind = QuestionKind::Hypothetical;
        b.outcome = Outcome::Skipped;
        b.loop_id = Some("loop".into());
        b.round = Some(3);
        b.follow_up_secs = Some(0.1 + 0.2);
        b.story = Some(LoggedStory {
            id: "st".into(),
            title: "Story".into(),
        });
        b.rubric = Rubric {
            spoke_as_i: true,
            quantified_result: false,
            stated_lesson: true,
            showed_principle: false,
            finished_in_time: true,
        };
        let offset = FixedOffset::west_opt(9 * 3600 + 30 * 60).unwrap_or_else(|| panic!());
        b.started_at = b.started_at.with_timezone(&offset);
        let mut c = log("cccccc", 3, "mo-01", &["earn-trust"]);
        c.question.kind = QuestionKind::Motivation;
        c.outcome = Outcome::Abandoned;
        c.steps.clear();
        c.answer_secs = f64::MIN_POSITIVE;
        vec![
            ("a.toml".into(), a),
            ("b.toml".into(), b),
            ("c.toml".into(), c),
        ]
    }

    fn skipped() -> Vec<Skipped> {
        let s = |file: &str, reason| Skipped {
            file: file.into(),
            reason,
        };
        vec![
            s("e.toml", SkipReason::Empty),
            s(
                "i.toml",
                SkipReason::Invalid {
                    line: Some(3),
                    message: "bad".into(),
                },
            ),
            s(
                "j.toml",
                SkipReason::Invalid {
                    line: None,
                    message: "worse".into(),
                },
            ),
            s("n.toml", SkipReason::Newer(-7)),
            s("o.toml", SkipReason::NotOurs(NOT_OURS_LASTING[2])),
            s("u.toml", SkipReason::Unreadable("denied".into())),
            s("x.toml", SkipReason::NotOurs("not a regular file")),
        ]
    }

    fn encoded(history: &History, skipped: &[Skipped]) -> Vec<u8> {
        let sessions: Vec<_> = history
            .sessions()
            .iter()
            .enumerate()
            .map(|(i, s)| (stamp(i as u64), s))
            .collect();
        let skipped: Vec<_> = skipped
            .iter()
            .enumerate()
            .map(|(i, s)| (stamp(100 + i as u64), s))
            .collect();
        encode(history, &sessions, &skipped)
    }

    fn rebuild(cached: Cached) -> History {
        let sessions = cached.sessions.into_iter().map(|(_, s)| s).collect();
        HistoryBuilder::from_tables(cached.strings, cached.questions, sessions)
            .unwrap_or_else(|| panic!("tables refer to nothing"))
            .build()
    }

    #[test]
    fn round_trips_every_field_and_every_cacheable_reason() {
        let logs = logs();
        let history = History::from_logs(logs.iter().map(|(f, l)| (f.as_str(), l.clone())));
        let skipped = skipped();
        let bytes = encoded(&history, &skipped);
        let cached = decode(&bytes).unwrap_or_else(|| panic!("does not decode"));
        for (i, (st, _)) in cached.sessions.iter().enumerate() {
            assert_eq!(*st, stamp(i as u64));
        }
        // I/O errors and reasons found by listing are not remembered.
        let reasons: Vec<_> = cached.skipped.iter().map(|(_, s)| s.clone()).collect();
        assert_eq!(reasons, skipped[..5]);
        let back = rebuild(cached);
        assert_eq!(back.len(), 3);
        for (s, t) in back.sessions().iter().zip(history.sessions()) {
            assert_eq!(s.file, t.file);
            let (a, b) = (back.to_log(s), history.to_log(t));
            assert_eq!(a, b);
            // Equality of times ignores the offset; the text does not.
            assert_eq!(a.to_toml().ok(), b.to_toml().ok());
            let (_, want) = logs
                .iter()
                .find(|(f, _)| *f == *s.file)
                .unwrap_or_else(|| panic!("{}", s.file));
            assert_eq!(a.to_toml().ok(), want.to_toml().ok());
        }
    }

    #[test]
    fn strings_of_sessions_that_are_gone_are_not_written() {
        let logs = logs();
        let mut history = History::from_logs(logs.iter().map(|(f, l)| (f.as_str(), l.clone())));
        let all = decode(&encoded(&history, &[])).map_or(0, |c| c.strings.len());
        history.remove_file("b.toml");
        let cached = decode(&encoded(&history, &[])).unwrap_or_else(|| panic!("decode"));
        assert!(cached.strings.len() < all);
        assert!(!cached.strings.iter().any(|s| &**s == "dive-deep"));
        assert_eq!(cached.questions.len(), 2);
        assert_eq!(rebuild(cached).len(), 2);
    }

    /// Fails when the bytes written change. Then bump `CACHE_VERSION` (old
    /// caches would otherwise be misread) and put the new checksum here.
    #[test]
    fn layout_is_pinned() {
        let history = History::from_logs(logs().iter().map(|(f, l)| (f.as_str(), l.clone())));
        let bytes = encoded(&history, &skipped());
        let body_at = MAGIC.len() + 4 + 1 + env!("CARGO_PKG_VERSION").len() + 16;
        assert_eq!(
            (
                CACHE_VERSION,
                bytes.len() - body_at,
                checksum(&bytes[body_at..])
            ),
            (3, 906, 7_001_980_433_487_934_108),
            "the cache layout changed: bump CACHE_VERSION and update this test"
        );
    }

    /// Damage that the checksum would catch, with the checksum fixed up: the
    /// decoder and the history built from it answer without a panic.
    #[test]
    fn damaged_bytes_never_panic() {
        let history = History::from_logs(logs().iter().map(|(f, l)| (f.as_str(), l.clone())));
        let bytes = encoded(&history, &skipped());
        let body_at = MAGIC.len() + 4 + 1 + env!("CARGO_PKG_VERSION").len() + 16;
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none());
        }
        let reseal = |mut b: Vec<u8>| {
            let len = (b.len() - body_at) as u64;
            let sum = checksum(&b[body_at..]);
            b[body_at - 16..body_at - 8].copy_from_slice(&len.to_le_bytes());
            b[body_at - 8..body_at].copy_from_slice(&sum.to_le_bytes());
            b
        };
        assert!(decode(&reseal(bytes.clone())).is_some());
        for at in body_at..bytes.len() {
            for x in [0x01, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[at] ^= x;
                if let Some(cached) = decode(&reseal(b)) {
                    let sessions = cached.sessions.into_iter().map(|(_, s)| s).collect();
                    if let Some(builder) =
                        HistoryBuilder::from_tables(cached.strings, cached.questions, sessions)
                    {
                        let h = builder.build();
                        for s in h.sessions() {
                            let _ = h.to_log(s);
                            let _ = h.attempts_at(s);
                            let _ = h.situation_secs(s);
                        }
                    }
                }
            }
        }
    }
}
