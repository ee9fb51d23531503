//! whisper.cpp, through whisper-rs: load a model once, then turn 16 kHz mono
//! samples into words with their times.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use chrono::{DateTime, FixedOffset};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use super::model::{ModelError, ModelInfo, inspect};
use crate::domain::transcript::{TRANSCRIPT_SCHEMA_VERSION, Transcript, Word, log_stem};

/// Samples per second the engine expects.
pub const SAMPLE_RATE: u32 = 16_000;

/// Whisper was trained on text that leaves out "um" and "uh"; starting its
/// context with speech that keeps them makes it far likelier to write them down.
pub const FILLER_PROMPT: &str =
    "Um, so, uh, I was, like, the lead. Hmm, I mean, you know, er, we kind of, um, shipped it.";

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Threads for the engine; two leaves a laptop usable, and the worker runs
    /// at a lower priority than the interface anyway.
    pub threads: u16,
    /// Spoken language ("en"); English-only models accept nothing else.
    pub language: String,
    /// Context the model sees before the first words.
    pub prompt: String,
    /// Decode again at a higher temperature when the output looks like a loop
    /// or gibberish (whisper.cpp's default). Off makes runs deterministic.
    pub fallback: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            threads: 2,
            language: "en".into(),
            prompt: FILLER_PROMPT.into(),
            fallback: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscribeError {
    #[error("the recording is empty")]
    NoAudio,
    #[error("the recording is too long to transcribe in one piece")]
    TooLong,
    #[error("whisper.cpp failed: {0}")]
    Engine(String),
}

/// The caller's progress callback, until the run is over.
type ProgressSlot = Rc<RefCell<Option<Box<dyn FnMut(u8)>>>>;

/// A loaded model, ready to transcribe one recording after another.
pub struct Engine {
    ctx: WhisperContext,
    info: ModelInfo,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("info", &self.info).finish()
    }
}

impl Engine {
    /// Checks the file, then loads it. whisper.cpp's own messages are silenced:
    /// they would draw over the full-screen interface.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let info = inspect(path)?;
        whisper_rs::install_logging_hooks();
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false);
        let ctx =
            WhisperContext::new_with_params(path, params).map_err(|_| ModelError::Rejected {
                path: path.to_path_buf(),
            })?;
        Ok(Self { ctx, info })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// "whisper.cpp 1.8.3".
    pub fn name() -> String {
        format!("whisper.cpp {}", whisper_rs::WHISPER_CPP_VERSION)
    }

    /// Words with their times (seconds from the first sample). `progress` is
    /// called with 0-100 as the engine works through the audio.
    pub fn words(
        &self,
        samples: &[f32],
        options: &Options,
        progress: impl FnMut(u8) + 'static,
    ) -> Result<Vec<Word>, TranscribeError> {
        if samples.is_empty() {
            return Err(TranscribeError::NoAudio);
        }
        if i32::try_from(samples.len()).is_err() {
            return Err(TranscribeError::TooLong);
        }
        let mut state = self
            .ctx
            .create_state()
            .map_err(|e| TranscribeError::Engine(e.to_string()))?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 5 });
        params.set_n_threads(i32::from(options.threads.max(1)));
        // whisper-rs panics on a NUL byte in either string.
        let language =
            Some(options.language.as_str()).filter(|l| !l.is_empty() && !l.contains('\0'));
        params.set_language(Some(language.unwrap_or("en")));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        if !options.prompt.is_empty() && !options.prompt.contains('\0') {
            params.set_initial_prompt(&options.prompt);
        }
        if !options.fallback {
            params.set_temperature_inc(0.0);
        }
        // whisper-rs never frees the callback it is given, so it gets only a
        // handle; the caller's closure (which may own a channel end that must
        // close) is dropped here as soon as the run is over.
        let slot: ProgressSlot = Rc::new(RefCell::new(Some(Box::new(progress))));
        let handle = Rc::clone(&slot);
        params.set_progress_callback_safe(move |p: i32| {
            if let Some(f) = handle.borrow_mut().as_mut() {
                f(p.clamp(0, 100) as u8);
            }
        });
        let result = state.full(params, samples);
        slot.borrow_mut().take();
        result.map_err(|e| TranscribeError::Engine(e.to_string()))?;

        let eot = self.ctx.token_eot();
        let mut tokens = Vec::new();
        for (si, segment) in state.as_iter().enumerate() {
            for ti in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(ti) else {
                    continue;
                };
                let data = token.token_data();
                tokens.push(RawToken {
                    text: token.to_bytes().map(<[u8]>::to_vec).unwrap_or_default(),
                    t0: data.t0,
                    t1: data.t1,
                    p: data.p,
                    special: data.id >= eot,
                    segment: si,
                });
            }
        }
        let duration = samples.len() as f64 / f64::from(SAMPLE_RATE);
        Ok(words_from_tokens(&tokens, duration))
    }

    /// A whole transcript for the session log `log_file`, words not yet
    /// assigned to steps.
    pub fn transcript(
        &self,
        log_file: &str,
        samples: &[f32],
        options: &Options,
        now: DateTime<FixedOffset>,
        progress: impl FnMut(u8) + 'static,
    ) -> Result<Transcript, TranscribeError> {
        let words = self.words(samples, options, progress)?;
        let mut t = Transcript {
            filled_pauses: Vec::new(),
            schema_version: TRANSCRIPT_SCHEMA_VERSION,
            session: log_stem(log_file).to_string(),
            model: self.info.file_name.clone(),
            model_kind: self.info.kind.clone(),
            engine: Self::name(),
            language: options.language.clone(),
            created_at: now,
            audio_secs: samples.len() as f64 / f64::from(SAMPLE_RATE),
            words,
        };
        t.tidy_words();
        Ok(t)
    }
}

/// One token as whisper.cpp gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawToken {
    pub text: Vec<u8>,
    /// Centiseconds from the start of the audio.
    pub t0: i64,
    pub t1: i64,
    pub p: f32,
    /// Timestamps, start and end markers: not text.
    pub special: bool,
    pub segment: usize,
}

/// Joins tokens into words: a token that starts with a space, or the first of a
/// segment, begins a new word. Bracketed notes the model adds ("[BLANK_AUDIO]",
/// "(laughs)") and words with no letter or digit are left out.
pub fn words_from_tokens(tokens: &[RawToken], duration: f64) -> Vec<Word> {
    struct Partial {
        text: Vec<u8>,
        t0: i64,
        t1: i64,
        p_sum: f32,
        n: usize,
    }
    let mut partials: Vec<Partial> = Vec::new();
    let mut last_segment = None;
    for tok in tokens.iter().filter(|t| !t.special && !t.text.is_empty()) {
        let new_word = tok.text.first() == Some(&b' ') || last_segment != Some(tok.segment);
        last_segment = Some(tok.segment);
        match partials.last_mut() {
            Some(w) if !new_word => {
                w.text.extend_from_slice(&tok.text);
                w.t1 = w.t1.max(tok.t1);
                w.p_sum += tok.p;
                w.n += 1;
            }
            _ => partials.push(Partial {
                text: tok.text.clone(),
                t0: tok.t0,
                t1: tok.t1,
                p_sum: tok.p,
                n: 1,
            }),
        }
    }
    let clamp = |cs: i64| (cs.max(0) as f64 / 100.0).min(duration.max(0.0));
    // Tokens can split a character; decode each word whole.
    let texts: Vec<String> = partials
        .iter()
        .map(|w| String::from_utf8_lossy(&w.text).trim().to_string())
        .collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < partials.len() {
        if let Some(end) = note_end(&texts, i) {
            i = end + 1;
            continue;
        }
        let (w, text) = (&partials[i], &texts[i]);
        i += 1;
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let (a, b) = (clamp(w.t0), clamp(w.t1));
        words.push(Word {
            text: text.clone(),
            start: a.min(b),
            end: a.max(b),
            step: None,
            p: Some((w.p_sum / w.n as f32).clamp(0.0, 1.0)),
        });
    }
    words
}

/// If the word at `i` opens a note such as "[BLANK_AUDIO]" or "(clears throat)"
/// that closes within a few words, the index of its last word.
fn note_end(texts: &[String], i: usize) -> Option<usize> {
    let open = texts[i].chars().next()?;
    let close = match open {
        '[' => ']',
        '(' => ')',
        '*' => '*',
        _ => return None,
    };
    let first = &texts[i][open.len_utf8()..];
    if first.ends_with(close) {
        return Some(i);
    }
    (i + 1..texts.len().min(i + 6)).find(|&j| texts[j].ends_with(close))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, t0: i64, t1: i64, segment: usize) -> RawToken {
        RawToken {
            text: text.as_bytes().to_vec(),
            t0,
            t1,
            p: 0.5,
            special: false,
            segment,
        }
    }

    fn texts(words: &[Word]) -> Vec<(&str, f64, f64)> {
        words
            .iter()
            .map(|w| (w.text.as_str(), w.start, w.end))
            .collect()
    }

    #[test]
    fn tokens_join_into_words_at_spaces_and_segments() {
        let mut marker = tok("[_BEG_]", 0, 0, 0);
        marker.special = true;
        let tokens = [
            marker,
            tok(" I", 10, 30, 0),
            tok(" sh", 40, 50, 0),
            tok("ipped", 50, 80, 0),
            tok(" it", 80, 95, 0),
            tok(".", 95, 96, 0),
            tok("Um", 300, 340, 1),
            tok(",", 340, 341, 1),
            tok(" 40", 400, 420, 1),
            tok("%", 420, 430, 1),
        ];
        assert_eq!(
            texts(&words_from_tokens(&tokens, 10.0)),
            [
                ("I", 0.1, 0.3),
                ("shipped", 0.4, 0.8),
                ("it.", 0.8, 0.96),
                ("Um,", 3.0, 3.41),
                ("40%", 4.0, 4.3)
            ]
        );
    }

    #[test]
    fn notes_and_bare_punctuation_are_dropped_and_times_clamped() {
        let tokens = [
            tok(" [", 0, 10, 0),
            tok("BL", 10, 20, 0),
            tok("ANK", 20, 30, 0),
            tok("_AUDIO", 30, 40, 0),
            tok("]", 40, 50, 0),
            tok(" (", 50, 60, 0),
            tok("clears", 60, 70, 0),
            tok(" throat", 70, 80, 0),
            tok(")", 80, 90, 0),
            tok(" -", 90, 95, 0),
            tok(" So", -5, 120, 0),
            tok(" done", 1100, 900, 0),
        ];
        assert_eq!(
            texts(&words_from_tokens(&tokens, 10.0)),
            [("So", 0.0, 1.2), ("done", 9.0, 10.0)]
        );
    }

    #[test]
    fn a_character_split_across_tokens_is_decoded_whole() {
        let e_acute = "é".as_bytes();
        let tokens = [
            RawToken {
                text: vec![b' ', b'c', b'a', b'f', e_acute[0]],
                ..tok("", 0, 10, 0)
            },
            RawToken {
                text: vec![e_acute[1]],
                ..tok("", 10, 20, 0)
            },
        ];
        assert_eq!(words_from_tokens(&tokens, 1.0)[0].text, "café");
    }
}
