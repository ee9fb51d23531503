//! The last step of a load: the cache's entries whose files are unchanged,
//! joined with what the scan parsed, and a new cache when the old one would
//! say something else.

use super::listing::Listing;
use super::lookup::{Lookup, Slot};
use super::scan::Part;
use super::{CacheUpdate, Run};
use crate::domain::history::{History, Loaded, Session, Skipped};
use crate::storage::cache::{self, Stamp};

/// Joins the cache's entries whose files are unchanged with what the scan
/// parsed, and encodes a new cache when the old one would say something else.
pub(super) fn merge(listing: &Listing, lookup: Lookup, parts: Vec<Part>) -> Run {
    let Lookup {
        usable,
        mut base,
        skipped: cached_skipped,
        ..
    } = lookup;
    let files = &listing.files;
    let mut keep_sessions = vec![false; base.len()];
    let mut keep_skipped = vec![false; cached_skipped.len()];
    let mut stamps: Vec<Option<Stamp>> = vec![None; files.len()];
    let mut new_entries = false;
    let mut hits = 0;
    let mut parsed = 0;
    for part in &parts {
        parsed += part.parsed;
        new_entries |= part.new_entries;
        hits += part.hits.len();
        for &slot in &part.hits {
            match slot {
                Slot::Session(i) => keep_sessions[i] = true,
                Slot::Skipped(i) => keep_skipped[i] = true,
            }
        }
        for &(i, st) in &part.stamps {
            stamps[i] = Some(st);
        }
    }
    let cached_entries = keep_sessions.len() + keep_skipped.len();
    base.retain_flagged(&keep_sessions);
    let mut skipped: Vec<Skipped> = listing.odd.clone();
    skipped.extend(
        cached_skipped
            .into_iter()
            .zip(keep_skipped)
            .filter_map(|((_, s), keep)| keep.then_some(s)),
    );
    for part in parts {
        base.absorb(part.builder);
        skipped.extend(part.skipped);
    }
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    let history = base.build();

    // Rewrite the cache only when it would say something else: a parsed file
    // that can be cached, an entry whose file is gone or changed, or a cache
    // file that could not be used.
    let dirty = !usable || new_entries || hits < cached_entries;
    let update = dirty.then(|| cache_update(listing, &history, &skipped, &stamps));
    Run {
        loaded: Loaded { history, skipped },
        update,
        parsed,
    }
}

/// The cache of every session and skipped file whose file has settled
/// (`stamps`, by index into the listing's files).
fn cache_update(
    listing: &Listing,
    history: &History,
    skipped: &[Skipped],
    stamps: &[Option<Stamp>],
) -> CacheUpdate {
    let stamp_of = |file: &str| {
        listing
            .files
            .binary_search_by(|f| f.as_str().cmp(file))
            .ok()
            .and_then(|i| stamps[i])
    };
    let sessions: Vec<(Stamp, &Session)> = history
        .sessions()
        .iter()
        .filter_map(|s| Some((stamp_of(&s.file)?, s)))
        .collect();
    let skipped: Vec<(Stamp, &Skipped)> = skipped
        .iter()
        .filter_map(|s| Some((stamp_of(&s.file)?, s)))
        .collect();
    CacheUpdate {
        data_dir: listing.data_dir.clone(),
        bytes: cache::encode(history, &sessions, &skipped),
    }
}
