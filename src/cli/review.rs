//! `stardrill review` (the full-screen browser, or `--check`) and `stardrill stats`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use chrono::NaiveDate;
use clap::Args;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;

use super::event_loop::{self, Post, Program, check_interactive};
use super::{fail, output, sound};
use crate::app::Status;
use crate::app::review::{Effect, Msg, Review};
use crate::app::sound::PLAYHEAD_EVERY;
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::history::{Loaded, Skipped};
use crate::domain::principles::Principles;
use crate::domain::stats::Stats;
use crate::storage::history::{self, Listing, move_to_trash};
use crate::storage::loops::load_loops;
use crate::storage::paths::{DATA_DIR_ENV, resolve_data_dir};
use crate::storage::sessions::{Leftover, recover_leftovers};
use crate::storage::{recordings, transcripts};
use crate::ui::keep::Keep;
use crate::ui::review::{draw, list_rows, thousands};
use crate::ui::theme::Theme;

/// `review --check` found files it had to skip.
pub const EXIT_SKIPPED: u8 = 1;
/// Width of the `stats` text: fits a standard terminal and reads the same in a pipe.
pub const STATS_WIDTH: u16 = 80;

#[derive(Debug, Clone, Args)]
pub struct ReviewArgs {
    /// List every session log that cannot be read, with the reason, and exit
    /// non-zero if there is any (no full screen).
    #[arg(long)]
    pub check: bool,
    /// Where session logs are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
    /// Count streaks and weeks up to this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", hide = true)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// Where session logs are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
    /// Count streaks and weeks up to this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", hide = true)]
    pub today: Option<NaiveDate>,
}

/// Resolves and lists the data dir, or explains why it can't (exit code 2).
pub fn open_data_dir(flag: Option<PathBuf>) -> Result<Listing, ExitCode> {
    let Some(data_dir) = resolve_data_dir(flag) else {
        return Err(fail(
            "no home folder to find session logs in; pass --data-dir PATH or set STARDRILL_DATA_DIR",
        ));
    };
    Listing::read(&data_dir).map_err(fail)
}

pub fn catalogue() -> Result<Principles, ExitCode> {
    Principles::embedded().map_err(|e| fail(format!("built-in principles: {e}")))
}

fn today(flag: Option<NaiveDate>) -> NaiveDate {
    flag.unwrap_or_else(|| chrono::Local::now().date_naive())
}

pub fn review(args: ReviewArgs) -> ExitCode {
    let listing = match open_data_dir(args.data_dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if args.check {
        // Logs a cut-short save left as temp files come back first, so the
        // check below counts them.
        let leftovers = recover_leftovers(&listing.dir);
        let (mut loaded, update) = history::load_deferred(&listing, &|_| {});
        let mut report = check_report(&listing.dir, &loaded);
        for leftover in &leftovers {
            let _ = writeln!(report, "  {leftover}");
        }
        let recordings_ok = check_recordings(&listing.data_dir, &mut report);
        let unread = transcripts::attach_cues(&listing.data_dir, &mut loaded.history);
        for line in &unread {
            let _ = writeln!(report, "transcript left out: {line}");
        }
        if let Some(update) = update {
            let path = update.path();
            if let Err(e) = update.save() {
                // Not a problem with the logs: the exit status stays as it is.
                let _ = writeln!(
                    report,
                    "(history cache {} not saved: {e}; the next load reads every log again)",
                    path.display()
                );
            }
        }
        let partial = leftovers
            .iter()
            .any(|l| matches!(l, Leftover::Partial { .. }));
        let code = if loaded.skipped.is_empty() && !partial && recordings_ok && unread.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_SKIPPED)
        };
        return output::report_then(&report, code);
    }
    let catalogue = match catalogue() {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(msg) = check_interactive() {
        return fail(msg.replace(
            "`stardrill questions --check FILE` works without one",
            "`stardrill stats`, `stardrill export` and `stardrill review --check` work without one",
        ));
    }
    let mut review = Review::loading(
        catalogue,
        today(args.today),
        listing.data_dir.clone(),
        listing.len(),
    );
    review.speaker = sound::devices(&recordings::audio_dir(&listing.data_dir)).speaker;
    review.loops = load_loops(&listing.data_dir)
        .into_iter()
        .map(|(_, record)| (record.id.clone(), record))
        .collect();
    match run_on_terminal(review, listing, super::configured_theme()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::error(&format!("stardrill: terminal error: {err}"));
            ExitCode::FAILURE
        }
    }
}

/// What `review --check` prints.
pub fn check_report(dir: &Path, loaded: &Loaded) -> String {
    let mut out = String::new();
    let good = loaded.history.len();
    let bad = loaded.skipped.len();
    if bad == 0 {
        let _ = writeln!(
            out,
            "{}: {} session log{}, all readable",
            dir.display(),
            thousands(good),
            if good == 1 { "" } else { "s" }
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{}: {} session log{} readable, {} file{} skipped (left untouched):",
        dir.display(),
        thousands(good),
        if good == 1 { "" } else { "s" },
        thousands(bad),
        if bad == 1 { "" } else { "s" }
    );
    for Skipped { file, reason } in &loaded.skipped {
        let _ = writeln!(out, "  {file}: {reason}");
    }
    out
}

/// Recordings a crash cut short: finished (with the `audio` feature) or
/// reported, one line each. False when one is left unfinished.
fn check_recordings(data_dir: &Path, report: &mut String) -> bool {
    let parts = match recordings::partials(data_dir) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(
                report,
                "{}: cannot read it: {e}",
                recordings::audio_dir(data_dir).display()
            );
            return false;
        }
    };
    if parts.is_empty() {
        return true;
    }
    #[cfg(feature = "audio")]
    {
        use crate::audio::{Partial, recover_partials};
        match recover_partials(&recordings::audio_dir(data_dir)) {
            Ok(done) => {
                for partial in &done {
                    let _ = writeln!(report, "{partial}");
                }
                !done.iter().any(|p| matches!(p, Partial::Failed { .. }))
            }
            Err(e) => {
                let _ = writeln!(report, "{e}");
                false
            }
        }
    }
    #[cfg(not(feature = "audio"))]
    {
        for part in &parts {
            let _ = writeln!(
                report,
                "{}: a recording cut short; this build cannot finish it ({})",
                part.display(),
                crate::app::sound::NO_AUDIO_BUILD
            );
        }
        false
    }
}

pub fn stats(args: StatsArgs) -> ExitCode {
    let listing = match open_data_dir(args.data_dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let catalogue = match catalogue() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut loaded = history::load(&listing, &|_| {});
    let unread = transcripts::attach_cues(&listing.data_dir, &mut loaded.history);
    let stats = Stats::compute(&loaded.history, &catalogue, today(args.today));
    for line in &unread {
        output::error(&format!("stardrill: transcript left out: {line}"));
    }
    if !loaded.skipped.is_empty() {
        output::error(&format!(
            "stardrill: {} file(s) skipped; `stardrill review --check` lists them",
            loaded.skipped.len()
        ));
    }
    output::report_then(
        &crate::ui::review::stats::report_text(&stats, STATS_WIDTH),
        ExitCode::SUCCESS,
    )
}

impl Program for Review {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg, _clock: &dyn Clock) -> Vec<Effect> {
        Review::update(self, msg)
    }

    fn draw(&self, buf: &mut Buffer, _keep: &mut Keep, _now: Duration, theme: Theme) {
        draw(buf, self, theme);
    }

    fn next_deadline(&self, _now: Duration) -> Option<Duration> {
        self.is_playing().then_some(PLAYHEAD_EVERY)
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }

    fn fit(&mut self, size: Size) {
        let rows = list_rows(size.width, size.height, self);
        self.set_page(rows);
        let min = (crate::ui::review::MIN_WIDTH, crate::ui::review::MIN_HEIGHT);
        self.too_small = !crate::ui::fits(size, min);
    }
}

/// Carries out review's effects: moving a session's file to the trash, and
/// its recordings with it.
pub fn perform(review: &mut Review, effect: Effect) {
    match effect {
        Effect::Trash(file) => {
            let result = move_to_trash(&review.data_dir, &file);
            // The log first: its recordings follow it, under its name there.
            let stem = |name: &str| name.strip_suffix(".toml").unwrap_or(name).to_string();
            let trashed = result.as_ref().ok().map(|to| {
                to.file_name()
                    .map(|n| stem(&n.to_string_lossy()))
                    .unwrap_or_default()
            });
            let audio = trashed
                .as_ref()
                .map(|trashed| recordings::move_to_trash(&review.data_dir, &stem(&file), trashed));
            let transcript = trashed
                .as_ref()
                .map(|trashed| transcripts::move_to_trash(&review.data_dir, &file, trashed));
            review.on_trashed(&file, result);
            let stuck = [
                audio.and_then(Result::err).map(|e| ("recording", e)),
                transcript.and_then(Result::err).map(|e| ("transcript", e)),
            ];
            if let Some((what, e)) = stuck.into_iter().flatten().next() {
                review.status = Some(Status {
                    text: format!("{file} went to the trash, but its {what} could not follow: {e}"),
                    is_error: true,
                });
            }
        }
    }
}

/// The background loader: after sending the history it saves the refreshed
/// history cache, which `finish` waits for.
#[derive(Debug)]
pub struct Loader {
    thread: thread::JoinHandle<()>,
    sent: Arc<AtomicBool>,
}

impl Loader {
    /// Waits for the cache to be saved when the history has been sent (so no
    /// half-written temp file is left behind); returns at once when the user
    /// quit before loading finished (then nothing is being written).
    pub fn finish(self) {
        if self.sent.load(Ordering::Acquire) {
            let _ = self.thread.join();
        }
    }
}

/// Loads `listing` on a background thread, feeding progress into the channel.
pub fn spawn_loader(listing: Listing, tx: impl Post<Msg>) -> Loader {
    let sent = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&sent);
    let thread = thread::spawn(move || {
        let progress = |n| {
            tx.post(Msg::Progress(n));
        };
        let (mut loaded, update) = history::load_deferred(&listing, &progress);
        // What was said, from the transcripts; one that cannot be read only
        // goes without its cues (`review --check` names it).
        let _ = transcripts::attach_cues(&listing.data_dir, &mut loaded.history);
        flag.store(true, Ordering::Release);
        tx.post(Msg::Loaded(Box::new(loaded)));
        if let Some(update) = update {
            // The cache only saves time; a failure to write it costs nothing else.
            let _ = update.save();
        }
    });
    Loader { thread, sent }
}

fn run_on_terminal(mut review: Review, listing: Listing, theme: Theme) -> std::io::Result<()> {
    let mut loader = None;
    let result = event_loop::run_on_terminal(
        &mut review,
        &SystemClock::new(),
        theme,
        |tx| loader = Some(spawn_loader(listing, tx)),
        &mut perform,
    );
    // With the terminal given back, let a cache write in progress end.
    if let Some(loader) = loader {
        loader.finish();
    }
    result
}
