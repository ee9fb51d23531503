//! The stamp that tells whether a file changed since it was cached.

use std::fs::Metadata;
use std::time::{Duration, SystemTime};

/// A file changed this recently is parsed but not cached: filesystems stamp
/// times in ticks (2 s on FAT), and a second write within the tick of the
/// first, at the same size, would leave the stamp as it was.
const SETTLE: Duration = Duration::from_secs(3);

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

#[cfg(test)]
mod tests {
    use super::*;

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
