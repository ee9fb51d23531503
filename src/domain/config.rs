//! User settings from `config.toml`: defaults that command-line flags override.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::bank::Candidate;
use super::source::{LoadError, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Uniformly random, no repeat until the bank is used up.
    Random,
    /// Weighted towards what needs practice (the default once there is history).
    #[default]
    Weak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    /// Colour unless `NO_COLOR` is set.
    #[default]
    Auto,
    Color,
    Mono,
}

/// Every field has a default, so a partial file still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seconds per answer.
    pub seconds: u64,
    /// Seconds to think before each answer's countdown starts (0: none).
    pub think_secs: u64,
    /// Seconds for the follow-up probe in an interview loop.
    pub follow_up_secs: u64,
    /// "star" or "spsil".
    pub framework: String,
    pub mode: Mode,
    pub bell: bool,
    pub theme: ThemeChoice,
    /// "ic" leaves out questions only a people manager can answer; unset
    /// asks every question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<Candidate>,
    /// Record each answer (builds with the `audio` feature).
    pub record: bool,
    /// Delete recordings older than this many days (their logs and delivery
    /// figures stay); unset keeps them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_audio_days: Option<u32>,
    /// Whisper model for transcripts of recorded answers; `""` is none.
    #[serde(
        deserialize_with = "empty_path_is_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub whisper_model: Option<PathBuf>,
}

fn empty_path_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    let path = PathBuf::deserialize(d)?;
    Ok((!path.as_os_str().is_empty()).then_some(path))
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seconds: 120,
            think_secs: 0,
            follow_up_secs: 60,
            framework: "star".into(),
            mode: Mode::Weak,
            bell: true,
            theme: ThemeChoice::Auto,
            audience: None,
            record: false,
            keep_audio_days: None,
            whisper_model: None,
        }
    }
}

/// Answer and probe lengths: up to an hour, and as short as a second (a
/// quick elevator pitch, or a test that must not wait).
pub const SECONDS_RANGE: std::ops::RangeInclusive<u64> = 1..=3600;

/// How long recordings may be kept: a day to ten years.
pub const KEEP_AUDIO_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=3650;

impl Config {
    pub fn parse(source: &Source<'_>) -> Result<Self, LoadError> {
        let config: Config = source.parse()?;
        let mut problems = Vec::new();
        for (name, value) in [
            ("seconds", config.seconds),
            ("follow_up_secs", config.follow_up_secs),
        ] {
            if !SECONDS_RANGE.contains(&value) {
                problems.push(format!(
                    "`{name}` must be between 1 and 3600, found {value}"
                ));
            }
        }
        if config.think_secs > 600 {
            problems.push(format!(
                "`think_secs` must be at most 600, found {}",
                config.think_secs
            ));
        }
        if let Some(days) = config.keep_audio_days
            && !KEEP_AUDIO_DAYS_RANGE.contains(&days)
        {
            problems.push(format!(
                "`keep_audio_days` must be between {} and {}, found {days}",
                KEEP_AUDIO_DAYS_RANGE.start(),
                KEEP_AUDIO_DAYS_RANGE.end()
            ));
        }
        if !["star", "spsil"].contains(&config.framework.to_ascii_lowercase().as_str()) {
            problems.push(format!(
                "`framework` must be \"star\" or \"spsil\", found {:?}",
                config.framework
            ));
        }
        if problems.is_empty() {
            return Ok(config);
        }
        Err(LoadError {
            diagnostics: problems
                .into_iter()
                .map(|message| {
                    let key = message.split('`').nth(1).unwrap_or_default();
                    let line = source
                        .text
                        .lines()
                        .position(|l| l.trim_start().starts_with(key))
                        .map(|i| i + 1);
                    super::source::Diagnostic {
                        file: source.name.to_string(),
                        line,
                        message,
                    }
                })
                .collect(),
        })
    }
}

/// Written by `stardrill config --init`: every setting, commented, at its default.
pub const TEMPLATE: &str = r#"# stardrill settings. Every line is optional; command-line flags override these.

# Seconds per answer (1-3600).
# seconds = 120

# Seconds to think before each answer's countdown starts (0 = start at once).
# think_secs = 0

# Seconds for the follow-up probe in `stardrill loop` (1-3600).
# follow_up_secs = 60

# Checklist to start with: "star" or "spsil".
# framework = "star"

# Question choice: "weak" favours what needs practice once you have 10 logs; "random".
# mode = "weak"

# Ring the terminal bell when time runs out.
# bell = true

# "auto" (colour unless NO_COLOR is set), "color" or "mono".
# theme = "auto"

# Who is practising: "ic" leaves out questions only a people manager can
# answer (hiring, letting someone go); "manager" keeps them. Unset: every question.
# audience = "ic"

# Record each answer to <data dir>/audio/ and measure its delivery (needs a
# build with the audio feature; --record / --no-record override it).
# record = false

# Delete recordings older than this many days (1-3650); their session logs
# and delivery figures are kept. Unset: recordings are kept until you delete them.
# keep_audio_days = 90

# Whisper model file for transcripts of recorded answers (a build with
# `--features transcribe`), e.g. "~/models/ggml-base.en.bin"; "" is none.
# `--model` and STARDRILL_WHISPER_MODEL name one too.
# whisper_model = ""
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, LoadError> {
        Config::parse(&Source::new("config.toml", text))
    }

    #[test]
    fn empty_and_partial_files_load_with_defaults() {
        assert_eq!(parse("").expect("empty"), Config::default());
        let c = parse("seconds = 90\nmode = \"random\"\n").expect("partial");
        assert_eq!(c.seconds, 90);
        assert_eq!(c.mode, Mode::Random);
        assert!(c.bell);
    }

    #[test]
    fn whisper_model_is_a_path_and_empty_means_none() {
        let c = parse("whisper_model = \"~/m/ggml-base.en.bin\"\n").expect("model");
        assert_eq!(
            c.whisper_model.as_deref(),
            Some(std::path::Path::new("~/m/ggml-base.en.bin"))
        );
        assert_eq!(
            parse("whisper_model = \"\"\n")
                .expect("empty")
                .whisper_model,
            None
        );
    }

    #[test]
    fn the_template_parses_to_the_defaults() {
        assert_eq!(parse(TEMPLATE).expect("template"), Config::default());
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| {
                        r.split(" = ")
                            .next()
                            .is_some_and(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    })
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        // Every line but `audience` and `keep_audio_days` shows its default;
        // those have none.
        assert_eq!(
            parse(&uncommented).expect("uncommented"),
            Config {
                audience: Some(Candidate::Ic),
                keep_audio_days: Some(90),
                ..Config::default()
            }
        );
    }

    #[test]
    fn audience_is_ic_or_manager_with_its_line_when_wrong() {
        assert_eq!(
            parse("audience = \"manager\"\n").expect("manager").audience,
            Some(Candidate::Manager)
        );
        assert_eq!(parse("").expect("unset").audience, None);
        let err = parse("seconds = 90\naudience = \"boss\"\n").expect_err("bad audience");
        assert!(err.to_string().starts_with("config.toml:2: "), "{err}");
        assert!(err.to_string().contains("unknown variant `boss`"), "{err}");
    }

    #[test]
    fn recording_settings_load_and_name_their_line_when_wrong() {
        let c = parse("record = true\nkeep_audio_days = 30\n").expect("recording");
        assert!(c.record);
        assert_eq!(c.keep_audio_days, Some(30));
        assert!(!parse("").expect("defaults").record);
        let err = parse("bell = true\n\nkeep_audio_days = 0\n").expect_err("zero days");
        assert_eq!(
            err.to_string(),
            "config.toml:3: `keep_audio_days` must be between 1 and 3650, found 0"
        );
        let err = parse("record = \"yes\"\n").expect_err("not a bool");
        assert!(err.to_string().starts_with("config.toml:1: "), "{err}");
    }

    #[test]
    fn bad_values_name_the_line() {
        let err = parse("bell = true\nmode = \"sometimes\"\n").expect_err("bad mode");
        assert!(err.to_string().starts_with("config.toml:2: "), "{err}");
        assert!(err.to_string().contains("unknown variant"), "{err}");
        let err = parse("\nseconds = 0\n").expect_err("too short");
        assert_eq!(
            err.to_string(),
            "config.toml:2: `seconds` must be between 1 and 3600, found 0"
        );
        let err = parse("whisper_model = 3\n").expect_err("not a path");
        assert!(err.to_string().starts_with("config.toml:1: "), "{err}");
        let err = parse("colour = 1\n").expect_err("unknown key");
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
