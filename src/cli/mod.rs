//! Commands: parse arguments, check inputs before the terminal is touched, run.

pub mod ansi;
pub mod args;
pub mod audio;
pub mod drill;
pub mod event_loop;
pub mod export;
pub mod output;
pub mod questions;
pub mod review;
pub mod screen;
pub mod short_turns;
pub mod sound;
pub mod stories;
pub mod terminal_input;
pub mod transcribe;

use std::process::ExitCode;

use crate::storage::config::{config_path, init_config, load_config};
use crate::ui::theme::Theme;
use args::{Cli, Command, ConfigArgs, QuestionsArgs};

/// Bad input: a broken bank, an unknown principle, no terminal, an unusable data dir.
pub const EXIT_INPUT: u8 = 2;
/// An attempt could not be saved (it was printed on stderr instead).
pub const EXIT_UNSAVED: u8 = 1;

pub fn run(cli: Cli) -> ExitCode {
    // From the start: a drill's first frame is drawn sooner too.
    short_turns::ask_short_turns();
    match cli.command {
        Some(Command::Drill(args)) => drill::drill(args),
        Some(Command::Loop(args)) => drill::interview_loop(args),
        Some(Command::Questions(args)) => questions(args),
        Some(Command::Review(args)) => review::review(args),
        Some(Command::Stats(args)) => review::stats(args),
        Some(Command::Export(args)) => export::export(args),
        Some(Command::Audio(args)) => audio::run(args),
        Some(Command::Transcribe(args)) => transcribe::run(args),
        Some(Command::Stories(args)) => stories::run(args, configured_theme()),
        Some(Command::Config(args)) => config(args),
        Some(Command::Completions(args)) => {
            // Made in memory first: the generator panics on a failed write.
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "stardrill", &mut script);
            output::print_bytes(&script).map_or_else(|s| s.exit_code(), |()| ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Subcommands are built when used (args::Command): the page
            // describes them all.
            command.build();
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => output::print_bytes(&page)
                    .map_or_else(|s| s.exit_code(), |()| ExitCode::SUCCESS),
                Err(e) => fail(format!("could not make the manual page: {e}")),
            }
        }
        None => drill::drill(cli.drill),
    }
}

fn config(args: ConfigArgs) -> ExitCode {
    let Some(path) = config_path() else {
        return fail("no home folder for the settings file; set STARDRILL_CONFIG to a path");
    };
    if args.init {
        return match init_config(&path) {
            Ok(()) => {
                output::report_then(&format!("Wrote {}\n", path.display()), ExitCode::SUCCESS)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => output::report_then(
                &format!("{} already exists; it was left as it is\n", path.display()),
                ExitCode::SUCCESS,
            ),
            Err(e) => fail(format!("could not write {}: {e}", path.display())),
        };
    }
    if args.path {
        return output::report_then(&format!("{}\n", path.display()), ExitCode::SUCCESS);
    }
    match load_config(Some(&path)) {
        Ok(config) => {
            let exists = if path.exists() {
                ""
            } else {
                " (not created yet: stardrill config --init)"
            };
            match toml::to_string(&config) {
                Ok(text) => output::report_then(
                    &format!("# {}{exists}\n{text}", path.display()),
                    ExitCode::SUCCESS,
                ),
                Err(e) => fail(e),
            }
        }
        Err(err) => fail(err),
    }
}

/// The theme from config.toml; screens that don't otherwise read the settings
/// fall back to `NO_COLOR` alone when the file has problems (the drill reports them).
pub(crate) fn configured_theme() -> Theme {
    config_path()
        .and_then(|path| load_config(Some(&path)).ok())
        .map_or_else(Theme::from_env, |config| Theme::choose(config.theme))
}

pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    output::error(&format!("stardrill: {message}"));
    ExitCode::from(EXIT_INPUT)
}

fn questions(args: QuestionsArgs) -> ExitCode {
    let name = args
        .check
        .as_ref()
        .map_or("built-in bank".to_string(), |p| p.display().to_string());
    match questions::load_catalog(args.check.as_deref()) {
        Ok(catalog) => output::report_then(&questions::summary(&catalog, &name), ExitCode::SUCCESS),
        Err(err) => {
            output::error(&err.to_string());
            let n = err.diagnostics.len();
            fail(format!(
                "{name}: {n} problem{} found",
                if n == 1 { "" } else { "s" }
            ))
        }
    }
}
