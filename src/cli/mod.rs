//! Commands: parse arguments, check inputs before the terminal is touched, run.

pub mod args;
pub mod event_loop;
pub mod export;
pub mod questions;
pub mod review;

use std::process::ExitCode;

use crate::app::{App, Settings};
use crate::domain::Catalog;
use crate::domain::bank::QuestionKind;
use crate::domain::clock::SystemClock;
use crate::storage::paths::resolve_data_dir;
use crate::storage::sessions::SessionStore;
use crate::ui::theme::Theme;
use args::{Cli, Command, DrillArgs, KindArg, QuestionsArgs};

/// Bad input: a broken bank, an unknown principle, no terminal, an unusable data dir.
pub const EXIT_INPUT: u8 = 2;
/// An attempt could not be saved (it was printed on stderr instead).
pub const EXIT_UNSAVED: u8 = 1;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Drill(args)) => drill(args),
        Some(Command::Questions(args)) => questions(args),
        Some(Command::Review(args)) => review::review(args),
        Some(Command::Stats(args)) => review::stats(args),
        Some(Command::Export(args)) => export::export(args),
        None => drill(cli.drill),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("stardrill: {message}");
    ExitCode::from(EXIT_INPUT)
}

fn questions(args: QuestionsArgs) -> ExitCode {
    let name = args
        .check
        .as_ref()
        .map_or("built-in bank".to_string(), |p| p.display().to_string());
    match questions::load_catalog(args.check.as_deref()) {
        Ok(catalog) => {
            print!("{}", questions::summary(&catalog, &name));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            let n = err.diagnostics.len();
            fail(format!(
                "{name}: {n} problem{} found",
                if n == 1 { "" } else { "s" }
            ))
        }
    }
}

/// Resolves `--principle` values to slugs, with a hint for near misses.
fn principle_filter(catalog: &Catalog, names: &[String]) -> Result<Vec<String>, String> {
    names
        .iter()
        .map(|name| match catalog.principles.find(name) {
            Some(p) => Ok(p.slug.clone()),
            None => Err(match catalog.principles.suggest(name) {
                Some(s) => {
                    format!("unknown principle {name:?} for --principle (did you mean {s:?}?)")
                }
                None => format!(
                    "unknown principle {name:?} for --principle; known: {}",
                    catalog
                        .principles
                        .all()
                        .iter()
                        .map(|p| p.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        })
        .collect()
}

fn drill(args: DrillArgs) -> ExitCode {
    let catalog = match questions::load_catalog(args.questions.as_deref()) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("{err}");
            return fail("the question bank has problems; nothing was started");
        }
    };
    let principles = match principle_filter(&catalog, &args.principles) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let kind = args.kind.map(|k| match k {
        KindArg::Behavioral => QuestionKind::Behavioral,
        KindArg::Hypothetical => QuestionKind::Hypothetical,
        KindArg::Motivation => QuestionKind::Motivation,
    });
    let pool = catalog.bank.filter(&principles, kind);
    if pool.is_empty() {
        return fail("no question matches the --principle/--kind filters");
    }
    let Some(framework) = catalog.frameworks.index_of(args.framework.key()) else {
        return fail(format!(
            "framework {:?} is missing from data/frameworks.toml",
            args.framework.key()
        ));
    };
    if let Err(msg) = event_loop::check_interactive() {
        return fail(msg);
    }
    let Some(data_dir) = resolve_data_dir(args.data_dir) else {
        return fail(
            "no home folder to keep session logs in; pass --data-dir PATH or set STARDRILL_DATA_DIR",
        );
    };
    let mut store = match SessionStore::open(&data_dir) {
        Ok(store) => store,
        Err(err) => {
            return fail(format!(
                "{err}\n  (choose another folder with --data-dir PATH)"
            ));
        }
    };

    let settings = Settings {
        seconds: args.seconds,
        framework,
        bell: !args.no_bell,
        count: args.count.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let clock = SystemClock::new();
    let mut app = App::new(catalog, settings, pool, args.seed, &clock);
    let result = event_loop::run_on_terminal(&mut app, &clock, &mut store, Theme::from_env());

    // The terminal is back to normal here: report what happened in plain text.
    let mut code = ExitCode::SUCCESS;
    if let Err(err) = result {
        eprintln!("stardrill: terminal error: {err}");
        code = ExitCode::from(EXIT_UNSAVED);
    }
    for unsaved in &app.unsaved {
        eprintln!(
            "stardrill: could not save an attempt ({}); here it is, so nothing is lost:",
            unsaved.error
        );
        match unsaved.log.to_toml() {
            Ok(text) => eprintln!("{text}"),
            Err(err) => eprintln!("{:#?}\n(could not encode as TOML: {err})", unsaved.log),
        }
        code = ExitCode::from(EXIT_UNSAVED);
    }
    if !app.saved.is_empty() {
        let n = app.saved.len();
        println!(
            "stardrill: {n} attempt{} saved in {}",
            if n == 1 { "" } else { "s" },
            store.dir().display()
        );
    }
    code
}
