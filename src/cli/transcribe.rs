//! Transcripts on this machine: the worker behind the drill's [`Scribe`] and
//! `stardrill transcribe` for recordings already made. Both need the
//! `transcribe` feature and a model file the user names; without them the
//! drill runs as before and the command says what to get.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::domain::config::Config;
use crate::storage::paths::DATA_DIR_ENV;

/// Whether this build can transcribe.
pub const AVAILABLE: bool = cfg!(feature = "transcribe");

/// The line shown when transcription is asked of a build without it.
pub const NO_TRANSCRIBE_BUILD: &str = "this build has no transcription: build stardrill with `--features transcribe` (see \"What was said: transcripts\" in the README)";

#[derive(Debug, Clone, Args)]
pub struct TranscribeArgs {
    /// Every recorded session without a transcript yet.
    #[arg(long, conflicts_with = "sessions")]
    pub all: bool,
    /// Sessions to transcribe (again): a log's file name, its stem or its id.
    #[arg(value_name = "SESSION", required_unless_present = "all")]
    pub sessions: Vec<String>,
    /// The Whisper model file (ggml) [default: `whisper_model` in config.toml,
    /// else $STARDRILL_WHISPER_MODEL].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Threads for whisper.cpp; more is faster on a machine with the cores to spare.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
    /// Where session logs and recordings are kept [default: the platform data dir].
    #[arg(long, value_name = "PATH", env = DATA_DIR_ENV)]
    pub data_dir: Option<PathBuf>,
}

/// The drill's transcriber: with the feature and a model named by `--model`,
/// config.toml or the environment, a worker thread; `Ok(None)` when no model
/// is named (nothing is transcribed, nothing else changes). A model that is
/// named but unusable is an error line: the caller decides whether it stops
/// the drill (`--model`) or only shows (config, environment).
pub fn drill_scribe(
    flag: Option<&Path>,
    config: &Config,
    data_dir: &Path,
) -> Result<Option<Box<dyn crate::app::scribe::Scribe>>, String> {
    #[cfg(feature = "transcribe")]
    {
        worker::drill_scribe(flag, config, data_dir)
    }
    #[cfg(not(feature = "transcribe"))]
    {
        let _ = (config, data_dir);
        match flag {
            Some(_) => Err(format!("--model: {NO_TRANSCRIBE_BUILD}")),
            None => Ok(None),
        }
    }
}

/// `stardrill transcribe`.
pub fn run(args: TranscribeArgs) -> ExitCode {
    #[cfg(feature = "transcribe")]
    {
        worker::run(args)
    }
    #[cfg(not(feature = "transcribe"))]
    {
        let _ = args;
        super::output::error(&format!("stardrill transcribe: {NO_TRANSCRIBE_BUILD}"));
        ExitCode::from(super::EXIT_INPUT)
    }
}

/// Whether `wanted` (a file name, stem or id) names the log `file`.
pub fn names_session(wanted: &str, file: &str) -> bool {
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    let wanted = wanted.strip_suffix(".toml").unwrap_or(wanted);
    !wanted.is_empty()
        && (stem == wanted
            || stem
                .rsplit_once('-')
                .is_some_and(|(_, id)| id == wanted && !wanted.contains('-')))
}

#[cfg(feature = "transcribe")]
mod worker {
    use std::io::{IsTerminal, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use super::TranscribeArgs;
    use crate::app::scribe::{Scribe, ScribeJob, ScribeNews};
    use crate::cli::{EXIT_INPUT, fail, output};
    use crate::domain::config::Config;
    use crate::storage::config::{config_path, load_config};
    use crate::storage::history::{Listing, read_log};
    use crate::storage::paths::resolve_data_dir;
    use crate::storage::{recordings, transcripts};
    use crate::transcribe::{
        Event, Job, JobError, MODEL_ENV, ModelChoice, ModelSource, Options, Transcriber,
        choose_model, inspect, missing_model_message,
    };

    fn choose(flag: Option<&Path>, config: &Config) -> Option<ModelChoice> {
        let config_file = config_path();
        choose_model(
            flag,
            config.whisper_model.as_deref(),
            config_file.as_deref(),
            std::env::var_os(MODEL_ENV).as_deref(),
            crate::transcribe::model::home_dir().as_deref(),
        )
    }

    /// A job reading its recording from the audio folder, on the worker thread.
    fn job(
        audio_dir: &Path,
        log_file: String,
        audio_file: &str,
        steps: Vec<crate::domain::session::LoggedStep>,
    ) -> Job {
        let path = audio_dir.join(audio_file);
        Job::new(
            log_file,
            steps,
            Box::new(move || crate::audio::decode_file(&path).map_err(|e| e.to_string())),
        )
    }

    /// The worker thread as the app's scribe.
    struct WorkerScribe {
        transcriber: Transcriber,
        audio_dir: PathBuf,
    }

    impl Scribe for WorkerScribe {
        fn submit(&mut self, job: ScribeJob) -> Result<(), String> {
            let job = self::job(&self.audio_dir, job.log_file, &job.audio_file, job.steps);
            if self.transcriber.submit(job) {
                Ok(())
            } else {
                Err("the transcriber has stopped".into())
            }
        }

        fn poll(&mut self) -> Option<ScribeNews> {
            self.transcriber.try_event().map(|event| match event {
                Event::Started { log_file } => ScribeNews::Started { log_file },
                Event::Progress { log_file, percent } => ScribeNews::Progress { log_file, percent },
                Event::Done {
                    log_file,
                    transcript,
                    ..
                } => ScribeNews::Ready {
                    log_file,
                    transcript,
                },
                Event::Failed { log_file, error } => ScribeNews::Failed {
                    log_file,
                    error: error.to_string(),
                },
            })
        }
    }

    pub fn drill_scribe(
        flag: Option<&Path>,
        config: &Config,
        data_dir: &Path,
    ) -> Result<Option<Box<dyn Scribe>>, String> {
        let Some(choice) = choose(flag, config) else {
            return Ok(None);
        };
        // The header is checked now, so a wrong file is said at once rather
        // than after the first answer; loading waits for that answer.
        inspect(&choice.path).map_err(|e| format!("{} ({})", e, choice.source.describe()))?;
        let transcriber =
            Transcriber::start(choice.path, data_dir.to_path_buf(), Options::default())
                .map_err(|e| format!("could not start the transcriber: {e}"))?;
        Ok(Some(Box::new(WorkerScribe {
            transcriber,
            audio_dir: recordings::audio_dir(data_dir),
        })))
    }

    /// A recorded session to transcribe.
    struct Todo {
        log_file: String,
        audio: String,
        steps: Vec<crate::domain::session::LoggedStep>,
    }

    pub fn run(args: TranscribeArgs) -> ExitCode {
        let config = match config_path().map_or(Ok(Config::default()), |p| load_config(Some(&p))) {
            Ok(c) => c,
            Err(err) => {
                output::error(&err.to_string());
                return fail("the settings file has problems (see `stardrill config --path`)");
            }
        };
        let Some(data_dir) = resolve_data_dir(args.data_dir.clone()) else {
            return fail(
                "no home folder to find session logs in; pass --data-dir PATH or set STARDRILL_DATA_DIR",
            );
        };
        let Some(choice) = choose(args.model.as_deref(), &config) else {
            output::error(&missing_model_message(&data_dir));
            return ExitCode::from(EXIT_INPUT);
        };
        let info = match inspect(&choice.path) {
            Ok(info) => info,
            Err(e) => {
                let hint = match choice.source {
                    ModelSource::Flag => String::new(),
                    source => format!(" (named by {})", source.describe()),
                };
                output::error(&format!("stardrill transcribe: {e}{hint}"));
                return ExitCode::from(EXIT_INPUT);
            }
        };
        let (todo, mut problems) = match sessions(&data_dir, &args) {
            Ok(found) => found,
            Err(code) => return code,
        };
        for p in &problems {
            output::error(&format!("stardrill transcribe: {p}"));
        }
        if todo.is_empty() {
            let _ = output::print(
                if args.all {
                    "stardrill transcribe: every recorded session has its transcript\n"
                } else {
                    "stardrill transcribe: nothing to transcribe\n"
                },
                output::Kind::Report,
            );
            return if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            };
        }
        let options = Options {
            threads: args.threads,
            ..Options::default()
        };
        let mut transcriber =
            match Transcriber::start(choice.path.clone(), data_dir.clone(), options) {
                Ok(t) => t,
                Err(e) => return fail(format!("could not start the transcriber: {e}")),
            };
        let total = todo.len();
        let audio_dir = recordings::audio_dir(&data_dir);
        for t in todo {
            transcriber.submit(job(&audio_dir, t.log_file, &t.audio, t.steps));
        }
        transcriber.close();
        let mut bar = Bar::new(total, &info.file_name);
        let mut done = 0;
        let mut model_error = false;
        for event in transcriber.events().iter() {
            match &event {
                Event::Started { log_file } => bar.start(log_file),
                Event::Progress { percent, .. } => bar.progress(*percent),
                Event::Done {
                    log_file,
                    path,
                    transcript,
                } => {
                    done += 1;
                    bar.done(log_file, transcript.words.len(), path);
                }
                Event::Failed { log_file, error } => {
                    model_error |= matches!(error, JobError::Model(_));
                    bar.failed(log_file, &error.to_string());
                    problems.push(format!("{log_file}: {error}"));
                    if model_error {
                        // Every job fails the same way with a model that does not load.
                        transcriber.cancel();
                    }
                }
            }
        }
        bar.finish();
        let _ = output::print(
            &format!(
                "stardrill transcribe: {done} of {total} transcribed into {}\n",
                data_dir.join(transcripts::TRANSCRIPTS_DIR).display()
            ),
            output::Kind::Report,
        );
        if model_error {
            ExitCode::from(EXIT_INPUT)
        } else if problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    /// The sessions asked for that have a recording, and a line for each that
    /// cannot be transcribed.
    fn sessions(
        data_dir: &Path,
        args: &TranscribeArgs,
    ) -> Result<(Vec<Todo>, Vec<String>), ExitCode> {
        let listing = Listing::read(data_dir).map_err(|e| fail(e.to_string()))?;
        let audio_dir = recordings::audio_dir(data_dir);
        let mut todo = Vec::new();
        let mut problems = Vec::new();
        let mut buf = Vec::new();
        let mut found = vec![false; args.sessions.len()];
        for file in listing.files() {
            let asked: Vec<usize> = (0..args.sessions.len())
                .filter(|&i| super::names_session(&args.sessions[i], file))
                .collect();
            if !args.all && asked.is_empty() {
                continue;
            }
            for i in &asked {
                found[*i] = true;
            }
            if args.all && transcripts::transcript_path(data_dir, file).exists() {
                continue;
            }
            let log = match read_log(&listing.dir.join(file), file, &mut buf) {
                Ok(log) => log,
                Err(reason) => {
                    if !args.all {
                        problems.push(format!("{file}: {reason}"));
                    }
                    continue;
                }
            };
            match log.audio {
                Some(audio) if audio_dir.join(&audio).is_file() => todo.push(Todo {
                    log_file: file.clone(),
                    audio,
                    steps: log.steps,
                }),
                Some(audio) if !args.all => {
                    problems.push(format!(
                        "{file}: its recording {audio} is no longer in {}",
                        audio_dir.display()
                    ));
                }
                None if !args.all => problems.push(format!("{file}: this answer was not recorded")),
                _ => {}
            }
        }
        for (wanted, found) in args.sessions.iter().zip(found) {
            if !found {
                problems.push(format!(
                    "no session {wanted:?} in {}",
                    listing.dir.display()
                ));
            }
        }
        Ok((todo, problems))
    }

    /// Progress on stderr: a bar redrawn in place on a terminal, plain lines
    /// otherwise (a log file, a pipe).
    struct Bar {
        total: usize,
        index: usize,
        current: String,
        tty: bool,
        drawn: bool,
    }

    const WIDTH: usize = 30;

    impl Bar {
        fn new(total: usize, model: &str) -> Self {
            let tty = std::io::stderr().is_terminal();
            let noun = if total == 1 {
                "recording"
            } else {
                "recordings"
            };
            output::error(&format!("transcribing {total} {noun} with {model}"));
            Self {
                total,
                index: 0,
                current: String::new(),
                tty,
                drawn: false,
            }
        }

        fn start(&mut self, log_file: &str) {
            self.index += 1;
            self.current = crate::domain::transcript::log_stem(log_file).to_string();
            if self.tty {
                self.progress(0);
            } else {
                output::error(&format!(
                    "[{}/{}] {} …",
                    self.index, self.total, self.current
                ));
            }
        }

        fn progress(&mut self, percent: u8) {
            if !self.tty {
                return;
            }
            let filled = usize::from(percent.min(100)) * WIDTH / 100;
            let line = format!(
                "\r[{}{}] {:>3}%  {}/{} {}",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                percent,
                self.index,
                self.total,
                self.current
            );
            let mut err = std::io::stderr();
            let _ = err.write_all(line.as_bytes()).and_then(|()| err.flush());
            self.drawn = true;
        }

        fn clear(&mut self) {
            if self.drawn {
                let mut err = std::io::stderr();
                let _ = err.write_all(b"\r\x1b[2K").and_then(|()| err.flush());
                self.drawn = false;
            }
        }

        fn done(&mut self, log_file: &str, words: usize, path: &Path) {
            self.clear();
            let stem = crate::domain::transcript::log_stem(log_file);
            output::error(&format!(
                "[{}/{}] {stem}: {words} words → {}",
                self.index,
                self.total,
                path.display()
            ));
        }

        fn failed(&mut self, log_file: &str, error: &str) {
            self.clear();
            let stem = crate::domain::transcript::log_stem(log_file);
            output::error(&format!("[{}/{}] {stem}: {error}", self.index, self.total));
        }

        fn finish(&mut self) {
            self.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_session;

    #[test]
    fn a_session_is_named_by_file_stem_or_id() {
        let file = "20261123T101500Z-ab12cd.toml";
        for wanted in [
            "20261123T101500Z-ab12cd.toml",
            "20261123T101500Z-ab12cd",
            "ab12cd",
        ] {
            assert!(names_session(wanted, file), "{wanted}");
        }
        for wanted in ["", "ab12c", "20261123T101500Z", "x-ab12cd", ".toml"] {
            assert!(!names_session(wanted, file), "{wanted}");
        }
    }
}
