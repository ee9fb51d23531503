//! The second step of a load: every listed file the cache cannot vouch for is
//! read and parsed, on all cores and more workers than cores (see
//! `IO_THREADS_PER_CORE`); the others only have their stamp checked.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use super::classify::read_stamped;
use super::listing::Listing;
use super::lookup::{Lookup, Slot};
use crate::domain::history::{HistoryBuilder, Skipped};
use crate::storage::cache::Stamp;

/// Files handed to a worker at a time.
const CHUNK: usize = 512;

/// Workers per core. After a reboot the files are on disk, not in memory, and
/// a worker spends most of its time waiting for a read: two workers read
/// 100,000 logs in 9–10 s, sixteen in about 4 (at 32 no faster). With the
/// files in memory the extra workers cost nothing measurable.
const IO_THREADS_PER_CORE: usize = 8;
const MAX_THREADS: usize = 16;

/// Progress is reported at most this often: each report is a frame the
/// screen draws on a core the workers could use, and a bar moving 20 times a
/// second looks as live as one moving 200 times.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// What one loader thread found.
#[derive(Default)]
pub(super) struct Part {
    /// The sessions it parsed.
    pub builder: HistoryBuilder,
    /// The files it parsed and left out.
    pub skipped: Vec<Skipped>,
    /// Cached entries whose file is unchanged.
    pub hits: Vec<Slot>,
    /// Stamps of settled files, by index into `Listing::files`.
    pub stamps: Vec<(usize, Stamp)>,
    /// Files read and parsed (not taken from the cache).
    pub parsed: usize,
    /// A parsed file will go into the cache.
    pub new_entries: bool,
}

/// Goes through `listing`'s files; `progress` gets, now and then and at the
/// end, the running count of files done. A file whose stamp settled before
/// `now` may be cached.
pub(super) fn scan(
    listing: &Listing,
    lookup: &Lookup,
    progress: &(dyn Fn(usize) + Sync),
    now: SystemTime,
) -> Vec<Part> {
    let index = lookup.index();
    let files = &listing.files;
    let chunks = files.len().div_ceil(CHUNK).max(1);
    // Asking for the core count reads cgroup files: not for one chunk.
    let threads = if chunks == 1 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(2, usize::from)
            .saturating_mul(IO_THREADS_PER_CORE)
            .clamp(1, MAX_THREADS)
            .min(chunks)
    };
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let started = Instant::now();
    // When progress was last reported, in milliseconds since `started`.
    let reported = AtomicU64::new(0);
    let work = || {
        let mut part = Part::default();
        let mut buf = Vec::with_capacity(4096);
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= files.len() {
                break;
            }
            let end = (start + CHUNK).min(files.len());
            for (i, name) in files.iter().enumerate().take(end).skip(start) {
                let path = listing.dir.join(name);
                // A cached entry counts only if its file has the very
                // same stamp now (stat follows links, as open does).
                let hit = index.get(name.as_str()).and_then(|&slot| {
                    let now = Stamp::of(&std::fs::metadata(&path).ok()?);
                    (lookup.stamp(slot) == Some(&now)).then_some((slot, now))
                });
                match hit {
                    Some((slot, stamp)) => {
                        part.hits.push(slot);
                        part.stamps.push((i, stamp));
                    }
                    None => part.parse(i, name, &path, now, &mut buf),
                }
            }
            let total = done.fetch_add(end - start, Ordering::Relaxed) + end - start;
            let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let last = reported.load(Ordering::Relaxed);
            let due = now.saturating_sub(last) >= PROGRESS_EVERY.as_millis() as u64;
            // One worker reports for the interval; the others go on. The
            // last files done are always reported.
            if total == files.len()
                || due
                    && reported
                        .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
            {
                progress(total);
            }
        }
        part
    };
    if threads == 1 {
        // A small history (and the drill's usual empty one) is read here:
        // a thread would cost more than the files. A panic is a bug, as in
        // a worker: its files are then missing, not wrong.
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
            .into_iter()
            .collect();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers
            .into_iter()
            // A worker only panics on a bug; its files are then missing, not wrong.
            .filter_map(|w| w.join().ok())
            .collect()
    })
}

impl Part {
    /// Reads and parses file `i` of the listing.
    fn parse(&mut self, i: usize, name: &str, path: &Path, now: SystemTime, buf: &mut Vec<u8>) {
        self.parsed += 1;
        let (stamp, result) = read_stamped(path, name, buf);
        let settled = stamp.filter(|st| st.settled(now));
        if let Some(st) = settled {
            self.stamps.push((i, st));
        }
        match result {
            Ok(log) => {
                self.new_entries |= settled.is_some();
                self.builder.push(name, log);
            }
            Err(reason) => {
                self.new_entries |= settled.is_some() && reason.lasts();
                self.skipped.push(Skipped {
                    file: name.to_string(),
                    reason,
                });
            }
        }
    }
}
