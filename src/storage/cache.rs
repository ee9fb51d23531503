//! The history cache: `<data dir>/cache/history.bin`, a derived copy of every
//! parsed session log, so that opening a big history reads one file instead of
//! one per session. The log files stay the source of truth; this file can be
//! deleted at any time and is rebuilt by the next load.
//!
//! Every entry carries the stamp of the file it came from (name, size, mtime
//! and, on Unix, ctime and inode); the loader only takes an entry whose file
//! still has exactly that stamp, and parses every other file afresh. Files
//! changed in the last few seconds are not cached at all (see `Stamp::settled`),
//! so a rewrite within one timestamp tick cannot hide behind an unchanged stamp.
//!
//! Layout (little-endian): magic, `CACHE_VERSION` (u32), the stardrill version
//! that wrote it, the body's length (u64) and checksum (u64), then the body:
//! sessions (stamp + compact session), skipped files (stamp + reason), then
//! the questions and strings the sessions refer to by number. Integers are LEB128 varints, f64s their 8 raw bytes. A
//! file that differs in any header field, fails the checksum or does not
//! decode cleanly is ignored and rewritten, never reported as an error.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset};

use super::atomic::replace_atomic;
use crate::domain::bank::QuestionKind;
use crate::domain::history::{
    History, NOT_OURS_LASTING, QuestionRec, Session, SkipReason, Skipped, StepRec, Sym,
};
use crate::domain::session::{LoggedStory, Outcome, Rubric};

pub const CACHE_DIR: &str = "cache";
pub const CACHE_FILE: &str = "history.bin";
/// Bump whenever what is written below changes: a cache of another version is
/// ignored (and rebuilt). The `layout_is_pinned` test fails until it is bumped.
pub const CACHE_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"SDHCACHE";
/// A cache bigger than this is not one we wrote (100,000 sessions take ~30 MB).
const MAX_CACHE_BYTES: u64 = 1 << 30;
/// A file changed this recently is parsed but not cached: filesystems stamp
/// times in ticks (2 s on FAT), and a second write within the tick of the
/// first, at the same size, would leave the stamp as it was.
const SETTLE: Duration = Duration::from_secs(3);
/// A temp file in `cache/` older than this is left over from a cut-short write.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// What identifies one version of a file's content, for the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Seconds and nanoseconds since the Unix epoch.
    pub mtime: (i64, u32),
    /// Status change time: moves on every write, rename or `touch -d`, and
    /// cannot be set back. (0, 0) where the platform has none.
    pub ctime: (i64, u32),
    /// The inode: a file replaced by another (a rename over it) differs here.
    /// 0 where the platform has none.
    pub ino: u64,
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        let nanos = |n: i64| u32::try_from(n).unwrap_or(0);
        Self {
            size: meta.size(),
            mtime: (meta.mtime(), nanos(meta.mtime_nsec())),
            ctime: (meta.ctime(), nanos(meta.ctime_nsec())),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &Metadata) -> Self {
        Self {
            size: meta.len(),
            mtime: meta.modified().map_or((0, 0), since_epoch),
            ctime: (0, 0),
            ino: 0,
        }
    }

    /// True when the file last changed at least `SETTLE` before `now`, so any
    /// later change is bound to give it another stamp.
    pub fn settled(&self, now: SystemTime) -> bool {
        let newest = self.mtime.max(self.ctime);
        let (s, n) = since_epoch(now);
        let now_ns = i128::from(s) * 1_000_000_000 + i128::from(n);
        let newest_ns = i128::from(newest.0) * 1_000_000_000 + i128::from(newest.1);
        newest_ns + SETTLE.as_nanos() as i128 <= now_ns
    }
}

fn since_epoch(t: SystemTime) -> (i64, u32) {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(e) => {
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (secs, 0),
                n => (secs - 1, 1_000_000_000 - n),
            }
        }
    }
}

/// A cache as read back: the tables of a history and, per file, its stamp.
#[derive(Debug, Default)]
pub struct Cached {
    pub strings: Vec<Box<str>>,
    pub questions: Vec<QuestionRec>,
    pub sessions: Vec<(Stamp, Session)>,
    pub skipped: Vec<(Stamp, Skipped)>,
}

/// What was found at the cache's path.
#[derive(Debug)]
pub enum Found {
    /// No cache yet.
    Nothing,
    /// A file that is not a cache this build can use: ignored, to be replaced.
    Unusable,
    Cache(Cached),
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_DIR).join(CACHE_FILE)
}

/// Reads the cache; any failure means "no usable cache", never an error.
pub fn read(data_dir: &Path) -> Found {
    let file = match File::open(path(data_dir)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Found::Nothing,
        Err(_) => return Found::Unusable,
    };
    let mut bytes = Vec::new();
    let len = file.metadata().map_or(0, |m| m.len());
    if len > MAX_CACHE_BYTES {
        return Found::Unusable;
    }
    bytes.reserve(usize::try_from(len).unwrap_or(0));
    if file
        .take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return Found::Unusable;
    }
    match decode(&bytes) {
        Some(cached) => Found::Cache(cached),
        None => Found::Unusable,
    }
}

/// Writes the cache through a temp file, fsync and rename: a reader sees the
/// old cache or the new one, whole.
pub fn write(data_dir: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = data_dir.join(CACHE_DIR);
    std::fs::create_dir_all(&dir)?;
    remove_stale_temp_files(&dir);
    replace_atomic(&dir, CACHE_FILE, bytes)
}

/// A write cut short (power loss, a kill) leaves its temp file behind; one
/// that old is no write in progress. Only this folder, only our temp names.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".stardrill-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_TEMP));
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

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
    let cacheable: Vec<_> = skipped.iter().filter(|(_, s)| s.reason.lasts()).collect();
    w.uint(cacheable.len() as u64);
    for (stamp, s) in cacheable {
        w.str(&s.file);
        w.stamp(stamp);
        w.reason(&s.reason);
    }
    w.uint(tables.n_questions);
    w.0.extend_from_slice(&tables.questions.0);
    w.uint(tables.strings.len() as u64);
    for s in &tables.strings {
        w.str(s);
    }

    let mut out = w.0;
    let body_len = (out.len() - body_at) as u64;
    let sum = checksum(&out[body_at..]);
    out[len_at..len_at + 8].copy_from_slice(&body_len.to_le_bytes());
    out[len_at + 8..len_at + 16].copy_from_slice(&sum.to_le_bytes());
    out
}

/// The strings and questions the saved sessions use, renumbered densely so
/// entries of files that are gone leave nothing behind.
struct Tables<'h> {
    history: &'h History,
    string_map: Vec<u32>,
    strings: Vec<&'h str>,
    question_map: Vec<u32>,
    questions: Writer,
    n_questions: u64,
}

const UNSET: u32 = u32::MAX;

impl<'h> Tables<'h> {
    fn new(history: &'h History) -> Self {
        Self {
            history,
            string_map: vec![UNSET; history.strings().len()],
            strings: Vec::new(),
            question_map: vec![UNSET; history.questions().len()],
            questions: Writer(Vec::new()),
            n_questions: 0,
        }
    }

    fn sym(&mut self, sym: Sym) -> u32 {
        let text = self.history.str(sym);
        match self.string_map.get_mut(sym as usize) {
            Some(slot) if *slot != UNSET => *slot,
            slot => {
                let new = u32::try_from(self.strings.len()).unwrap_or(UNSET);
                self.strings.push(text);
                if let Some(slot) = slot {
                    *slot = new;
                }
                new
            }
        }
    }

    fn question(&mut self, index: u32) -> u32 {
        if let Some(&q) = self.question_map.get(index as usize)
            && q != UNSET
        {
            return q;
        }
        let Some(rec) = self.history.questions().get(index as usize) else {
            return UNSET;
        };
        let QuestionRec {
            id,
            text,
            principles,
            kind,
        } = rec;
        let id = self.sym(*id);
        let text = self.sym(*text);
        let principles: Vec<u32> = principles.iter().map(|&p| self.sym(p)).collect();
        let w = &mut self.questions;
        w.uint(id.into());
        w.uint(text.into());
        w.uint(principles.len() as u64);
        for p in principles {
            w.uint(p.into());
        }
        w.u8(match kind {
            QuestionKind::Behavioral => 0,
            QuestionKind::Hypothetical => 1,
            QuestionKind::Motivation => 2,
        });
        let new = u32::try_from(self.n_questions).unwrap_or(UNSET);
        self.n_questions += 1;
        if let Some(slot) = self.question_map.get_mut(index as usize) {
            *slot = new;
        }
        new
    }

    fn session(&mut self, w: &mut Writer, session: &Session) {
        // Every field is named: a new one fails to compile here until it is
        // written (and CACHE_VERSION bumped).
        let Session {
            file,
            id,
            started_at,
            ended_at,
            outcome,
            framework,
            time_limit_secs,
            answer_secs,
            overtime_secs,
            paused_secs,
            rating,
            follow_up,
            notes,
            question,
            steps,
            rubric,
            follow_up_secs,
            loop_id,
            round,
            story,
        } = session;
        w.str(file);
        w.str(id);
        w.time(started_at);
        w.time(ended_at);
        w.u8(match outcome {
            Outcome::Completed => 0,
            Outcome::Skipped => 1,
            Outcome::Abandoned => 2,
        });
        let framework = self.sym(*framework);
        w.uint(framework.into());
        w.uint(*time_limit_secs);
        w.f64(*answer_secs);
        w.f64(*overtime_secs);
        w.f64(*paused_secs);
        w.opt(rating.as_ref(), |w, r| w.u8(*r));
        let follow_up = follow_up.map(|f| self.sym(f));
        w.opt(follow_up.as_ref(), |w, f| w.uint((*f).into()));
        w.str(notes);
        let question = self.question(*question);
        w.uint(question.into());
        w.uint(steps.len() as u64);
        for step in steps.iter() {
            let StepRec {
                key,
                name,
                target_secs,
                checked_at_secs,
            } = step;
            let key = self.sym(*key);
            let name = self.sym(*name);
            w.uint(key.into());
            w.uint(name.into());
            w.uint(*target_secs);
            w.opt(checked_at_secs.as_ref(), |w, t| w.f64(*t));
        }
        let Rubric {
            spoke_as_i,
            quantified_result,
            stated_lesson,
            showed_principle,
            finished_in_time,
        } = *rubric;
        w.u8(u8::from(spoke_as_i)
            | u8::from(quantified_result) << 1
            | u8::from(stated_lesson) << 2
            | u8::from(showed_principle) << 3
            | u8::from(finished_in_time) << 4);
        w.opt(follow_up_secs.as_ref(), |w, t| w.f64(*t));
        w.opt(loop_id.as_deref(), |w, l| w.str(l));
        w.opt(round.as_ref(), |w, r| w.uint((*r).into()));
        w.opt(story.as_deref(), |w, s| {
            let LoggedStory { id, title } = s;
            w.str(id);
            w.str(title);
        });
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }

    fn time(&mut self, t: &DateTime<FixedOffset>) {
        self.int(t.timestamp());
        self.uint(t.timestamp_subsec_nanos().into());
        self.int(t.offset().local_minus_utc().into());
    }

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
    let n = r.count(4)?;
    let mut questions = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.sym()?;
        let text = r.sym()?;
        let np = r.count(1)?;
        let principles = (0..np).map(|_| r.sym()).collect::<Option<_>>()?;
        let kind = match r.u8()? {
            0 => QuestionKind::Behavioral,
            1 => QuestionKind::Hypothetical,
            2 => QuestionKind::Motivation,
            _ => return None,
        };
        questions.push(QuestionRec {
            id,
            text,
            principles,
            kind,
        });
    }
    let n = r.count(1)?;
    let mut strings = Vec::with_capacity(n);
    for _ in 0..n {
        strings.push(Box::from(r.str()?));
    }
    r.0.is_empty().then_some(Cached {
        strings,
        questions,
        sessions,
        skipped,
    })
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn int(&mut self) -> Option<i64> {
        let v = self.uint()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    fn sym(&mut self) -> Option<Sym> {
        self.u32()
    }

    /// A count of items of at least `min` bytes each: never more than the
    /// bytes left could hold, so a damaged count cannot allocate wildly.
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.uint()?).ok()?;
        (n <= self.0.len() / min.max(1)).then_some(n)
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(u64::from_le_bytes(
            self.take(8)?.try_into().ok()?,
        )))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.uint()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.flag()? {
            f(self).map(Some)
        } else {
            Some(None)
        }
    }

    fn time(&mut self) -> Option<DateTime<FixedOffset>> {
        let secs = self.int()?;
        let nanos = self.u32()?;
        let offset = FixedOffset::east_opt(i32::try_from(self.int()?).ok()?)?;
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&offset))
    }

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

    fn session(&mut self) -> Option<Session> {
        let file = self.str()?.into();
        let id = self.str()?.into();
        let started_at = self.time()?;
        let ended_at = self.time()?;
        let outcome = match self.u8()? {
            0 => Outcome::Completed,
            1 => Outcome::Skipped,
            2 => Outcome::Abandoned,
            _ => return None,
        };
        let framework = self.sym()?;
        let time_limit_secs = self.uint()?;
        let answer_secs = self.f64()?;
        let overtime_secs = self.f64()?;
        let paused_secs = self.f64()?;
        let rating = self.opt(Self::u8)?;
        let follow_up = self.opt(Self::sym)?;
        let notes = self.str()?.into();
        let question = self.u32()?;
        let n = self.count(4)?;
        let mut steps = Vec::with_capacity(n);
        for _ in 0..n {
            steps.push(StepRec {
                key: self.sym()?,
                name: self.sym()?,
                target_secs: self.uint()?,
                checked_at_secs: self.opt(Self::f64)?,
            });
        }
        let bits = self.u8()?;
        if bits >> 5 != 0 {
            return None;
        }
        let rubric = Rubric {
            spoke_as_i: bits & 1 != 0,
            quantified_result: bits & 2 != 0,
            stated_lesson: bits & 4 != 0,
            showed_principle: bits & 8 != 0,
            finished_in_time: bits & 16 != 0,
        };
        let follow_up_secs = self.opt(Self::f64)?;
        let loop_id = self.opt(|r| r.str().map(Box::from))?;
        let round = self.opt(Self::u32)?;
        let story = self.opt(|r| {
            Some(Box::new(LoggedStory {
                id: r.str()?.to_string(),
                title: r.str()?.to_string(),
            }))
        })?;
        Some(Session {
            file,
            id,
            started_at,
            ended_at,
            outcome,
            framework,
            time_limit_secs,
            answer_secs,
            overtime_secs,
            paused_secs,
            rating,
            follow_up,
            notes,
            question,
            steps: steps.into(),
            rubric,
            follow_up_secs,
            loop_id,
            round,
            story,
        })
    }
}

/// FNV-1a over 8-byte words, with a rotation so high bits reach low ones:
/// catches damage, not tampering (the cache is ours, in the user's own folder).
fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(PRIME)
            .rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME).rotate_left(29);
    }
    h ^ bytes.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::HistoryBuilder;
    use crate::domain::history::tests::log;
    use crate::domain::session::SessionLog;

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
        let mut b = log("bbbbbb", 2, "dd-01", &["dive-deep", "ownership"]);
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
            (1, 730, 9_134_170_106_627_823),
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

    #[test]
    fn writing_clears_temp_files_left_by_cut_short_writes_only() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join(CACHE_DIR);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let old = SystemTime::now() - 2 * STALE_TEMP;
        for name in [".stardrill-old.tmp", ".stardrill-new.tmp", "notes.txt"] {
            std::fs::write(dir.join(name), "x").unwrap_or_else(|e| panic!("{e}"));
        }
        for name in [".stardrill-old.tmp", "notes.txt"] {
            File::options()
                .write(true)
                .open(dir.join(name))
                .and_then(|f| f.set_modified(old))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        write(tmp.path(), b"cache").unwrap_or_else(|e| panic!("{e}"));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".stardrill-new.tmp", CACHE_FILE, "notes.txt"]);
        assert_eq!(
            std::fs::read(path(tmp.path())).unwrap_or_default(),
            b"cache"
        );
    }

    #[test]
    fn only_files_that_settled_are_trusted() {
        let at = |secs: i64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64);
        let s = Stamp {
            size: 1,
            mtime: (1000, 0),
            ctime: (1000, 500),
            ino: 1,
        };
        assert!(!s.settled(at(1000)));
        assert!(!s.settled(at(1003)), "ctime is 0.5 s later than mtime");
        assert!(s.settled(at(1004)));
        // A file stamped in the future (clock skew) is never trusted.
        assert!(!s.settled(at(900)));
        assert_eq!(since_epoch(at(5)), (5, 0));
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(since_epoch(before), (-2, 500_000_000));
    }
}
