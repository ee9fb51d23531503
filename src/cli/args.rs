//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::bank::Candidate;
use crate::domain::config::SECONDS_RANGE;
use crate::domain::interview_loop::BarRaiserAt;
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

// Each subcommand's arguments are built only when it is the one run:
// building all of them cost every drill's start 0.16 M instructions (8 %).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Answer random questions against the clock (the default).
    Drill(DrillArgs),
    /// A simulated onsite loop: 4–5 interviewers, a Bar Raiser, follow-up probes.
    Loop(LoopArgs),
    /// Validate a question bank and summarise it per principle.
    Questions(QuestionsArgs),
    /// Edit your story bank and see which principles it covers.
    Stories(StoriesArgs),
    /// Show where the settings file is, or create it.
    Config(ConfigArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    Man,
    /// Browse past sessions, compare attempts, see stats and trends.
    Review(super::review::ReviewArgs),
    /// Print the review stats as text: per principle, practice days, trends.
    Stats(super::review::StatsArgs),
    /// Write past sessions as a Markdown journal, CSV or JSON.
    Export(super::export::ExportArgs),
    /// Where recordings are kept and how much room they take; delete old ones.
    Audio(super::audio::AudioArgs),
    /// Transcribe recorded answers with a Whisper model you supply (offline).
    Transcribe(super::transcribe::TranscribeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct StoriesArgs {
    /// Merge stories from a CSV grid (columns by header: id, title, principles, situation, task, action, result, lessons, numbers).
    #[arg(long, value_name = "FILE.csv", conflicts_with = "export")]
    pub import: Option<PathBuf>,
    /// Write the grid as CSV to FILE (never replacing one), or to standard output.
    #[arg(long, value_name = "FILE.csv", num_args = 0..=1)]
    pub export: Option<Option<PathBuf>>,
    /// Where the story bank and session logs are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Print the settings file's path.
    #[arg(long)]
    pub path: bool,
    /// Write a commented settings file with every default (an existing one is kept).
    #[arg(long)]
    pub init: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
pub enum ModeArg {
    Random,
    Weak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Behavioral,
    Hypothetical,
    Motivation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// An individual contributor: no questions only a people manager can answer.
    Ic,
    /// A people manager: every question.
    Manager,
}

impl From<AudienceArg> for Candidate {
    fn from(arg: AudienceArg) -> Self {
        match arg {
            AudienceArg::Ic => Candidate::Ic,
            AudienceArg::Manager => Candidate::Manager,
        }
    }
}

// Options shared by the drill and the interview loop. (A plain comment: a doc
// comment here would become the `about` of both subcommands, which are
// built deferred, after their own.)
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Seconds per answer [default: 120, or `seconds` in config.toml].
    #[arg(long, value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub seconds: Option<u64>,
    /// Seconds to think before the countdown starts (Space starts early) [default: 0].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=600))]
    pub think: Option<u64>,
    /// Checklist to start with (f switches during the drill) [default: star].
    #[arg(long, value_enum)]
    pub framework: Option<FrameworkArg>,
    /// Who is practising: `ic` leaves out questions only a people manager can
    /// answer [default: every question, or `audience` in config.toml].
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
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
    #[arg(long, conflicts_with = "bell")]
    pub no_bell: bool,
    /// Ring the bell even if config.toml turns it off.
    #[arg(long)]
    pub bell: bool,
    /// Record each answer to the data dir and measure its delivery (a build
    /// with the `audio` feature) [default: `record` in config.toml].
    #[arg(long, conflicts_with = "no_record")]
    pub record: bool,
    /// Don't record, even if config.toml turns recording on.
    #[arg(long)]
    pub no_record: bool,
    /// Transcribe each recorded answer in the background with this Whisper
    /// model (a build with the `transcribe` feature) [default:
    /// `whisper_model` in config.toml, else $STARDRILL_WHISPER_MODEL].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DrillArgs {
    /// Only questions testing this principle (slug or name, any case); repeat for several.
    #[arg(long = "principle", short = 'p', value_name = "PRINCIPLE")]
    pub principles: Vec<String>,
    /// Only questions of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// How questions are chosen [default: weak once you have 10 session logs, else random].
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Stop after this many answered questions.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LoopArgs {
    /// Interviews in the loop, one of them the Bar Raiser's.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=5))]
    pub rounds: u64,
    /// Where the Bar Raiser sits: any round after the hiring manager's
    /// (random), or first or last.
    #[arg(long, value_enum, default_value_t = BarRaiserArg::Random)]
    pub bar_raiser: BarRaiserArg,
    /// Seconds for each follow-up probe after an answer [default: 60].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub follow_up_secs: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BarRaiserArg {
    Random,
    First,
    Last,
}

impl From<BarRaiserArg> for BarRaiserAt {
    fn from(arg: BarRaiserArg) -> Self {
        match arg {
            BarRaiserArg::Random => Self::Random,
            BarRaiserArg::First => Self::First,
            BarRaiserArg::Last => Self::Last,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct QuestionsArgs {
    /// The bank to validate [default: the built-in bank].
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Subcommands are built deferred: the drill's and the loop's shared
    /// options must not lend them their description.
    #[test]
    fn each_subcommand_keeps_its_own_description() {
        let mut command = Cli::command();
        command.build();
        let about = |name: &str| {
            command
                .find_subcommand(name)
                .and_then(|sub| sub.get_about())
                .map(ToString::to_string)
        };
        assert_eq!(
            about("drill").as_deref(),
            Some("Answer random questions against the clock (the default)")
        );
        assert_eq!(
            about("loop").as_deref(),
            Some("A simulated onsite loop: 4–5 interviewers, a Bar Raiser, follow-up probes")
        );
        assert_eq!(
            about("review").as_deref(),
            Some("Browse past sessions, compare attempts, see stats and trends")
        );
    }
}
