//! `stardrill audio`: where recordings are kept and how much room they take,
//! and `--prune` to delete old ones (their logs and delivery figures stay).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{fail, output, sound};
use crate::domain::config::KEEP_AUDIO_DAYS_RANGE;
use crate::storage::config::{config_path, load_config};
use crate::storage::paths::{DATA_DIR_ENV, resolve_data_dir};
use crate::storage::recordings::{self, Pruned, Summary};

#[derive(Debug, Clone, Args)]
pub struct AudioArgs {
    /// Delete recordings older than `--days`, or `keep_audio_days` in
    /// config.toml; session logs and their delivery figures are kept.
    #[arg(long)]
    pub prune: bool,
    /// With --prune: delete recordings made more than this many days ago.
    #[arg(long, value_name = "DAYS", requires = "prune",
          value_parser = clap::value_parser!(u32).range(i64::from(*KEEP_AUDIO_DAYS_RANGE.start())..=i64::from(*KEEP_AUDIO_DAYS_RANGE.end())))]
    pub days: Option<u32>,
    /// Where session logs and recordings are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
}

pub fn run(args: AudioArgs) -> ExitCode {
    let config = match config_path().map_or(Ok(Default::default()), |p| load_config(Some(&p))) {
        Ok(c) => c,
        Err(err) => {
            output::error(&err.to_string());
            return fail("the settings file has problems (see `stardrill config --path`)");
        }
    };
    let Some(data_dir) = resolve_data_dir(args.data_dir) else {
        return fail(
            "no home folder to find recordings in; pass --data-dir PATH or set STARDRILL_DATA_DIR",
        );
    };
    if args.prune {
        let Some(days) = args.days.or(config.keep_audio_days) else {
            return fail(
                "--prune needs an age: pass --days N, or set keep_audio_days in config.toml",
            );
        };
        return match recordings::prune(&data_dir, days, recordings::now()) {
            Ok(pruned) => output::report_then(&prune_report(&pruned, days), ExitCode::SUCCESS),
            Err(e) => fail(format!(
                "could not prune {}: {e}",
                recordings::audio_dir(&data_dir).display()
            )),
        };
    }
    match recordings::summary(&data_dir) {
        Ok(sum) => output::report_then(
            &summary_report(&sum, &data_dir, config.record, config.keep_audio_days),
            ExitCode::SUCCESS,
        ),
        Err(e) => fail(format!(
            "could not read {}: {e}",
            recordings::audio_dir(&data_dir).display()
        )),
    }
}

/// "12 recordings (4.1 MB)".
fn count(n: usize, bytes: u64) -> String {
    format!(
        "{n} recording{} ({:.1} MB)",
        if n == 1 { "" } else { "s" },
        bytes as f64 / 1e6
    )
}

pub fn prune_report(pruned: &Pruned, days: u32) -> String {
    if pruned.files.is_empty() {
        return format!("stardrill: no recording is older than {days} days\n");
    }
    format!(
        "stardrill: deleted {} older than {days} days; their session logs and delivery figures are kept\n",
        count(pruned.files.len(), pruned.bytes)
    )
}

fn summary_report(
    sum: &Summary,
    data_dir: &std::path::Path,
    record: bool,
    keep: Option<u32>,
) -> String {
    let mut out = String::new();
    let dir = recordings::audio_dir(data_dir);
    let _ = writeln!(out, "{}: {}", dir.display(), count(sum.count, sum.bytes));
    if let (Some(oldest), Some(newest)) = (sum.oldest, sum.newest) {
        let _ = writeln!(
            out,
            "  from {} to {}",
            oldest.format("%Y-%m-%d"),
            newest.format("%Y-%m-%d")
        );
    }
    if sum.partials > 0 {
        let _ = writeln!(
            out,
            "  {} cut short by a crash: `stardrill review --check` finishes them",
            sum.partials
        );
    }
    let _ = writeln!(
        out,
        "Recording is {} (record in config.toml; --record / --no-record for one drill).",
        if record { "on" } else { "off" }
    );
    if !sound::AVAILABLE {
        let _ = writeln!(
            out,
            "This build cannot record: {}.",
            crate::app::sound::NO_AUDIO_BUILD
        );
    }
    let _ = match keep {
        Some(days) => writeln!(
            out,
            "Recordings older than {days} days are deleted when a drill starts (keep_audio_days)."
        ),
        None => writeln!(
            out,
            "Recordings are kept until deleted: set keep_audio_days in config.toml, or run `stardrill audio --prune --days N`."
        ),
    };
    out
}
