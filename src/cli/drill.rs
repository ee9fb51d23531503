//! `stardrill drill` and `stardrill loop`: check every input before the
//! terminal is touched, run, then report in plain text.

use std::path::PathBuf;
use std::process::ExitCode;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::args::{CommonArgs, DrillArgs, KindArg, LoopArgs, ModeArg};
use super::{EXIT_UNSAVED, event_loop, fail, output, questions, sound, transcribe};
use crate::app::scribe::Scribe;
use crate::app::sound::NO_AUDIO_BUILD;
use crate::app::{App, LoopSettings, Settings, Status};
use crate::domain::Catalog;
use crate::domain::bank::{Candidate, QuestionKind};
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::config::{Config, Mode};
use crate::domain::interview_loop::{LoopPlan, LoopRecord, LoopShape};
use crate::domain::picker::Picker;
use crate::domain::schedule::PastAttempt;
use crate::domain::schedule::{self, WEAK_MODE_THRESHOLD};
use crate::storage::config::{config_path, load_config};
use crate::storage::history::{Listing, load};
use crate::storage::loops::save_loop;
use crate::storage::paths::resolve_data_dir;
use crate::storage::recordings::{self, Pruned};
use crate::storage::sessions::SessionStore;
use crate::storage::stories::StoryStore;
use crate::ui::theme::Theme;

/// Everything a drill or a loop needs beside the catalog, checked and loaded.
struct Prepared {
    config: Config,
    data_dir: PathBuf,
    store: SessionStore,
    settings: Settings,
    /// A line for the status bar before the first key (recording asked of a
    /// build without it).
    notice: Option<String>,
    /// Recordings deleted at start for being older than `keep_audio_days`.
    pruned: Option<(Pruned, u32)>,
    /// Transcribes recorded answers (a model named, the `transcribe` feature).
    scribe: Option<Box<dyn Scribe>>,
}

/// The question bank, checked; every problem is printed with its line.
fn load_bank(common: &CommonArgs) -> Result<Catalog, ExitCode> {
    questions::load_catalog(common.questions.as_deref()).map_err(|err| {
        output::error(&err.to_string());
        fail("the question bank has problems; nothing was started")
    })
}

/// Checks settings, terminal and data dir, and adds the story bank to `catalog`.
fn prepare(mut catalog: Catalog, common: &CommonArgs) -> Result<(Catalog, Prepared), ExitCode> {
    let config = config_path()
        .map_or(Ok(Config::default()), |p| load_config(Some(&p)))
        .map_err(|err| {
            output::error(&err.to_string());
            fail("the settings file has problems (see `stardrill config --path`)")
        })?;
    let framework_key = common
        .framework
        .map_or(config.framework.to_ascii_lowercase(), |f| {
            f.key().to_string()
        });
    let framework = catalog.frameworks.index_of(&framework_key).ok_or_else(|| {
        fail(format!(
            "framework {framework_key:?} is missing from data/frameworks.toml"
        ))
    })?;
    if common.record && !sound::AVAILABLE {
        return Err(fail(format!("--record: {NO_AUDIO_BUILD}")));
    }
    event_loop::check_interactive().map_err(fail)?;
    let data_dir = resolve_data_dir(common.data_dir.clone()).ok_or_else(|| {
        fail("no home folder to keep session logs in; pass --data-dir PATH or set STARDRILL_DATA_DIR")
    })?;
    let store = SessionStore::open(&data_dir).map_err(|err| {
        fail(format!(
            "{err}\n  (choose another folder with --data-dir PATH)"
        ))
    })?;
    catalog.stories = StoryStore::new(&data_dir)
        .load(&catalog.principles)
        .map_err(|err| {
            output::error(&err.to_string());
            fail("the story bank has problems; fix it or run with another --data-dir")
        })?;
    let record = (config.record || common.record) && !common.no_record;
    let mut notice = (record && !sound::AVAILABLE)
        .then(|| format!("record = true in config.toml, but {NO_AUDIO_BUILD}"));
    // Old recordings go first, so the folder never holds more than asked.
    let pruned = config.keep_audio_days.and_then(|days| {
        recordings::prune(&data_dir, days, recordings::now())
            .ok()
            .filter(|p| !p.files.is_empty())
            .map(|p| (p, days))
    });
    // Transcripts need recordings; a model named on the command line that
    // cannot be used stops here, one from the settings only says so.
    let scribe = if record && sound::AVAILABLE {
        match transcribe::drill_scribe(common.model.as_deref(), &config, &data_dir) {
            Ok(scribe) => scribe,
            Err(line) if common.model.is_some() => return Err(fail(line)),
            Err(line) => {
                notice = Some(format!("No transcripts: {line}"));
                None
            }
        }
    } else if common.model.is_some() && !transcribe::AVAILABLE {
        return Err(fail(format!(
            "--model: {}",
            transcribe::NO_TRANSCRIBE_BUILD
        )));
    } else {
        if common.model.is_some() && notice.is_none() {
            notice = Some(
                "--model: only recorded answers are transcribed; add --record (or record = true)"
                    .into(),
            );
        }
        None
    };
    let settings = Settings {
        seconds: common.seconds.unwrap_or(config.seconds),
        think_secs: common.think.unwrap_or(config.think_secs),
        framework,
        bell: (config.bell || common.bell) && !common.no_bell,
        count: None,
        record: record && sound::AVAILABLE,
    };
    Ok((
        catalog,
        Prepared {
            config,
            data_dir,
            store,
            settings,
            notice,
            pruned,
            scribe,
        },
    ))
}

/// `--audience`, else `audience` in config.toml; `None` asks every question.
pub(crate) fn audience(common: &CommonArgs, config: &Config) -> Option<Candidate> {
    common.audience.map(Candidate::from).or(config.audience)
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

pub fn drill(args: DrillArgs) -> ExitCode {
    // Filters are checked before anything else so a typo fails fast.
    let catalog = match load_bank(&args.common) {
        Ok(c) => c,
        Err(code) => return code,
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
    let mut pool = catalog.bank.filter(&principles, kind);
    // "Why Amazon?" and "Tell me about yourself" test no principle and have
    // no STAR shape: the drill asks them when asked for (--kind motivation);
    // a loop's hiring manager opens with them.
    if kind.is_none() {
        pool.retain(|&q| catalog.bank.get(q).kind != QuestionKind::Motivation);
    }
    if pool.is_empty() {
        return fail("no question matches the --principle/--kind filters");
    }
    let (catalog, mut prepared) = match prepare(catalog, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let audience = audience(&args.common, &prepared.config);
    pool.retain(|&q| catalog.bank.get(q).suits(audience));
    if pool.is_empty() {
        return fail("no question matches the --principle/--kind filters for --audience ic");
    }
    prepared.settings.count = args.count.map(|n| usize::try_from(n).unwrap_or(usize::MAX));

    let clock = SystemClock::new();
    // Weak mode weighs against every readable log (review reports bad ones);
    // random mode, or settings that ask for it, need no history at all.
    let wants_weak = match args.mode {
        Some(ModeArg::Random) => false,
        Some(ModeArg::Weak) => true,
        None => prepared.config.mode == Mode::Weak,
    };
    let history = if wants_weak {
        Listing::read(&prepared.data_dir)
            .map(|listing| PastAttempt::from_history(&load(&listing, &|_| {}).history))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mode = match args.mode {
        Some(ModeArg::Weak) => Mode::Weak,
        // Without a flag, weighting waits until there is history to weigh against.
        None if wants_weak && history.len() >= WEAK_MODE_THRESHOLD => Mode::Weak,
        _ => Mode::Random,
    };
    let picker = match mode {
        Mode::Random => Picker::new(pool, args.common.seed),
        Mode::Weak => {
            let weights = schedule::weigh(
                &catalog.bank,
                &catalog.principles,
                &pool,
                &history,
                clock.wall_now(),
            );
            Picker::weighted(weights, args.common.seed)
        }
    };
    // One wording of each near-twin question per sitting.
    let picker = picker.one_per_group(|q| catalog.bank.group(q));
    let app = App::with_picker(
        catalog,
        prepared.settings.clone(),
        picker,
        args.common.seed,
        &clock,
    );
    run(app, prepared, &clock)
}

pub fn interview_loop(args: LoopArgs) -> ExitCode {
    let prepared = load_bank(&args.common).and_then(|catalog| prepare(catalog, &args.common));
    let (catalog, prepared) = match prepared {
        Ok(p) => p,
        Err(code) => return code,
    };
    let clock = SystemClock::new();
    let mut rng = match args.common.seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_os_rng(),
    };
    let candidate = audience(&args.common, &prepared.config);
    let shape = LoopShape {
        rounds: usize::try_from(args.rounds).unwrap_or(4),
        candidate,
        bar_raiser: args.bar_raiser.into(),
    };
    let plan = LoopPlan::new(&catalog.bank, &catalog.principles, shape, &mut rng);
    let loop_settings = LoopSettings {
        follow_up_secs: args
            .follow_up_secs
            .unwrap_or(prepared.config.follow_up_secs),
        candidate,
    };
    let app = App::interview(
        catalog,
        prepared.settings.clone(),
        plan,
        loop_settings,
        args.common.seed,
        &clock,
    );
    run(app, prepared, &clock)
}

fn run(mut app: App, mut prepared: Prepared, clock: &dyn Clock) -> ExitCode {
    let data_dir = prepared.data_dir.clone();
    if let Some(text) = prepared.notice.take() {
        app.status = Some(Status {
            text,
            is_error: false,
        });
    }
    app.set_sound(sound::devices(&recordings::audio_dir(&data_dir)), clock);
    if let Some(scribe) = prepared.scribe.take() {
        app.set_scribe(scribe);
    }
    let mut bell = event_loop::ring_bell;
    let mut loops = |record: &LoopRecord| save_loop(&data_dir, record);
    let mut outputs = event_loop::DrillOutputs {
        sessions: &mut prepared.store,
        loops: &mut loops,
        bell: &mut bell,
    };
    let theme = Theme::choose(prepared.config.theme);
    let result = event_loop::run_on_terminal(&mut app, clock, theme, |_| {}, &mut |app, effect| {
        outputs.perform(app, effect)
    });

    // The terminal is back to normal here: report what happened in plain
    // text. The terminal may also be gone (window closed): what cannot be
    // written is dropped rather than panicking.
    let mut code = ExitCode::SUCCESS;
    if let Err(err) = result {
        output::error(&format!("stardrill: terminal error: {err}"));
        code = ExitCode::from(EXIT_UNSAVED);
    }
    for unsaved in &app.unsaved {
        output::error(&format!(
            "stardrill: could not save an attempt ({}); here it is, so nothing is lost:",
            unsaved.error
        ));
        output::error(&match unsaved.log.to_toml() {
            Ok(text) => text,
            Err(err) => format!("{:#?}\n(could not encode as TOML: {err})", unsaved.log),
        });
        code = ExitCode::from(EXIT_UNSAVED);
    }
    if let Some((record, error)) = &app.unsaved_loop {
        output::error(&format!(
            "stardrill: could not save the interview loop's record ({error}); here it is, so nothing is lost:"
        ));
        output::error(&match record.to_toml() {
            Ok(text) => text,
            Err(err) => format!("{record:#?}\n(could not encode as TOML: {err})"),
        });
        code = ExitCode::from(EXIT_UNSAVED);
    }
    let mut report = String::new();
    if let Some((pruned, days)) = &prepared.pruned {
        report.push_str(&super::audio::prune_report(pruned, *days));
    }
    if !app.saved.is_empty() {
        let n = app.saved.len();
        report.push_str(&format!(
            "stardrill: {n} attempt{} saved in {}\n",
            if n == 1 { "" } else { "s" },
            prepared.store.dir().display()
        ));
    }
    // Quitting does not wait for a transcript being made; say how to finish it.
    let unfinished = app.transcripts.iter().filter(|t| t.is_pending()).count();
    if unfinished > 0 {
        report.push_str(&format!(
            "stardrill: {unfinished} answer{} not transcribed yet; `stardrill transcribe --all` finishes {}\n",
            if unfinished == 1 { " was" } else { "s were" },
            if unfinished == 1 { "it" } else { "them" },
        ));
    }
    if let Some(path) = app.interview_loop().and_then(|i| i.record_path.as_ref()) {
        report.push_str(&format!(
            "stardrill: interview loop recorded in {}\n",
            path.display()
        ));
    }
    let _ = output::print(&report, output::Kind::Report);
    code
}
