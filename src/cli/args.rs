//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::storage::paths::DATA_DIR_ENV;

#[derive(Debug, Parser)]
#[command(
    name = "stardrill",
    version,
    about = "Practise Amazon-style behavioral interviews alone: a random question, a two-minute countdown, a STAR/SPSIL checklist, and a log of every attempt.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `stardrill` alone runs a drill with these options.
    #[command(flatten)]
    pub drill: DrillArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer random questions against the clock (the default).
    Drill(DrillArgs),
    /// Validate a question bank and summarise it per principle.
    Questions(QuestionsArgs),
    /// Browse past sessions, compare attempts, see stats and trends.
    Review(super::review::ReviewArgs),
    /// Print the review stats as text: per principle, practice days, trends.
    Stats(super::review::StatsArgs),
    /// Write past sessions as a Markdown journal, CSV or JSON.
    Export(super::export::ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrameworkArg {
    Star,
    Spsil,
}

impl FrameworkArg {
    pub fn key(self) -> &'static str {
        match self {
            Self::Star => "star",
            Self::Spsil => "spsil",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Behavioral,
    Hypothetical,
    Motivation,
}

#[derive(Debug, Clone, Args)]
pub struct DrillArgs {
    /// Only questions testing this principle (slug or name, any case); repeat for several.
    #[arg(long = "principle", short = 'p', value_name = "PRINCIPLE")]
    pub principles: Vec<String>,
    /// Only questions of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Seconds per answer.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(10..=3600))]
    pub seconds: u64,
    /// Checklist to start with (f switches during the drill).
    #[arg(long, value_enum, default_value_t = FrameworkArg::Star)]
    pub framework: FrameworkArg,
    /// Stop after this many answered questions.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Seed for the question order: the same seed gives the same order.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Use this question bank instead of the built-in one.
    #[arg(long, value_name = "PATH")]
    pub questions: Option<PathBuf>,
    /// Where session logs are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
    /// Don't ring the terminal bell when time runs out.
    #[arg(long)]
    pub no_bell: bool,
}

#[derive(Debug, Clone, Args)]
pub struct QuestionsArgs {
    /// The bank to validate [default: the built-in bank].
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}
