//! The Whisper model file: where to find it, and whether a file really is one.
//!
//! whisper.cpp trusts its model file: a damaged one can make it allocate
//! gigabytes or read past a buffer, and a C++ failure would end the whole
//! program. So the file's layout is checked here first, in Rust: the header,
//! the mel filters, the vocabulary and every tensor's header and size, down to
//! the last byte. Only a file that passes is handed to the engine.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// Names a model when neither `--model` nor `whisper_model` in config.toml does.
pub const MODEL_ENV: &str = "STARDRILL_WHISPER_MODEL";

/// "ggml" read as a little-endian u32: the first four bytes of a whisper.cpp model.
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp reads exactly this many mel filter columns (1 + 400 / 2).
const N_FFT_BINS: i32 = 201;

/// What the header says about a model that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub path: PathBuf,
    /// The file name, which is what a transcript records.
    pub file_name: String,
    pub bytes: u64,
    /// "tiny.en", "base", "small.en", "large-v3", ... or "unknown" for other shapes.
    pub kind: String,
    /// How the weights are stored: "f16", "q5_1", ...
    pub weights: String,
    pub english_only: bool,
    pub audio_layers: i32,
    pub text_layers: i32,
    pub width: i32,
    pub tensors: usize,
}

/// Why a file cannot be used as a model. The CLI exits with status 2 on these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("{}: no such file", path.display())]
    Missing { path: PathBuf },
    #[error("{}: cannot read it: {message}", path.display())]
    Unreadable { path: PathBuf, message: String },
    #[error("{}: not a whisper.cpp model: {reason}", path.display())]
    NotAModel { path: PathBuf, reason: String },
    #[error("{}: whisper.cpp could not load it, though it looks like a model; is the file complete?", path.display())]
    Rejected { path: PathBuf },
}

impl ModelError {
    /// The CLI's exit status for this error: a usage problem the user can fix.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

/// Checks that `path` is a whisper.cpp model and reads its header.
pub fn inspect(path: &Path) -> Result<ModelInfo, ModelError> {
    let file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ModelError::Missing {
            path: path.to_path_buf(),
        },
        _ => ModelError::Unreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    })?;
    let meta = file.metadata().map_err(|e| ModelError::Unreadable {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(ModelError::NotAModel {
            path: path.to_path_buf(),
            reason: "it is a folder; name the model file inside it".into(),
        });
    }
    let bytes = meta.len();
    let mut reader = Reader {
        inner: BufReader::with_capacity(1 << 16, file),
        pos: 0,
        len: bytes,
    };
    let not_a_model = |reason: String| ModelError::NotAModel {
        path: path.to_path_buf(),
        reason,
    };
    let layout = check_layout(&mut reader).map_err(|e| match e {
        Bad::Layout(reason) => not_a_model(reason),
        Bad::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => not_a_model(format!(
            "the file ends too early ({bytes} bytes): is it complete?"
        )),
        Bad::Io(e) => ModelError::Unreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    })?;
    Ok(ModelInfo {
        path: path.to_path_buf(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        kind: layout.kind(),
        weights: weights_name(layout.ftype).to_string(),
        english_only: layout.n_vocab == 51864,
        audio_layers: layout.audio_layers,
        text_layers: layout.text_layers,
        width: layout.width,
        tensors: layout.tensors,
    })
}

#[derive(Debug)]
enum Bad {
    Layout(String),
    Io(io::Error),
}

impl From<io::Error> for Bad {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

fn bad<T>(reason: impl Into<String>) -> Result<T, Bad> {
    Err(Bad::Layout(reason.into()))
}

struct Reader<R> {
    inner: R,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Reader<R> {
    fn i32(&mut self) -> io::Result<i32> {
        let mut b = [0; 4];
        self.inner.read_exact(&mut b)?;
        self.pos += 4;
        Ok(i32::from_le_bytes(b))
    }

    fn bytes(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut b = vec![0; n];
        self.inner.read_exact(&mut b)?;
        self.pos += n as u64;
        Ok(b)
    }

    /// Skips `n` bytes that must all be in the file.
    fn skip(&mut self, n: u64) -> io::Result<()> {
        if self.len.saturating_sub(self.pos) < n {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let step = i64::try_from(n).map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        self.inner.seek_relative(step)?;
        self.pos += n;
        Ok(())
    }

    fn at_end(&self) -> bool {
        self.pos >= self.len
    }
}

struct Layout {
    n_vocab: i32,
    audio_layers: i32,
    text_layers: i32,
    width: i32,
    ftype: i32,
    tensors: usize,
}

impl Layout {
    fn kind(&self) -> String {
        let size = match (self.audio_layers, self.text_layers, self.n_vocab) {
            (4, 4, _) => "tiny",
            (6, 6, _) => "base",
            (12, 12, _) => "small",
            (24, 24, _) => "medium",
            (32, 4, _) => "large-v3-turbo",
            (32, 32, 51866) => "large-v3",
            (32, 32, _) => "large",
            _ => return "unknown".into(),
        };
        if self.n_vocab == 51864 {
            format!("{size}.en")
        } else {
            size.to_string()
        }
    }
}

fn check_layout<R: Read + Seek>(r: &mut Reader<R>) -> Result<Layout, Bad> {
    let mut magic = [0; 4];
    r.inner
        .read_exact(&mut magic)
        .map_err(|_| Bad::Layout("the file is too short to be a model".into()))?;
    r.pos = 4;
    if &magic == b"GGUF" {
        return bad(
            "it is a GGUF file (the llama.cpp format); transcripts need a whisper.cpp \
             model such as ggml-base.en.bin",
        );
    }
    if u32::from_le_bytes(magic) != GGML_MAGIC {
        return bad("it does not start like a ggml model file");
    }

    let mut h = [0i32; 11];
    for v in &mut h {
        *v = r.i32()?;
    }
    let [
        n_vocab,
        n_audio_ctx,
        n_audio_state,
        n_audio_head,
        n_audio_layer,
    ] = [h[0], h[1], h[2], h[3], h[4]];
    let [
        n_text_ctx,
        n_text_state,
        n_text_head,
        n_text_layer,
        n_mels,
        ftype,
    ] = [h[5], h[6], h[7], h[8], h[9], h[10]];
    let header = |what: &str| Bad::Layout(format!("its header is not a Whisper model's ({what})"));
    if !(51864..=51866).contains(&n_vocab) {
        return Err(header(&format!("vocabulary of {n_vocab} tokens")));
    }
    if n_audio_ctx != 1500 || n_text_ctx != 448 {
        return Err(header(&format!(
            "context of {n_audio_ctx} audio frames and {n_text_ctx} tokens"
        )));
    }
    if n_mels != 80 && n_mels != 128 {
        return Err(header(&format!("{n_mels} mel bands")));
    }
    let width_ok = |state: i32, heads: i32| {
        (1..=8192).contains(&state) && (1..=128).contains(&heads) && state % heads == 0
    };
    if n_audio_state != n_text_state
        || !width_ok(n_audio_state, n_audio_head)
        || !width_ok(n_text_state, n_text_head)
    {
        return Err(header(&format!(
            "width {n_audio_state}/{n_text_state} with {n_audio_head}/{n_text_head} heads"
        )));
    }
    if !(1..=64).contains(&n_audio_layer) || !(1..=64).contains(&n_text_layer) {
        return Err(header(&format!(
            "{n_audio_layer} audio and {n_text_layer} text layers"
        )));
    }
    if weights_name(ftype % 1000) == "unknown" {
        return Err(header(&format!("weight type {ftype}")));
    }

    let (n_mel, n_fft) = (r.i32()?, r.i32()?);
    if n_mel != n_mels || n_fft != N_FFT_BINS {
        return bad(format!(
            "its mel filters are {n_mel} x {n_fft}, not {n_mels} x 201"
        ));
    }
    r.skip(4 * (n_mel as u64) * (n_fft as u64))?;

    let n_tokens = r.i32()?;
    if !(0..=n_vocab).contains(&n_tokens) {
        return bad(format!("its vocabulary holds {n_tokens} tokens"));
    }
    for _ in 0..n_tokens {
        let len = r.i32()?;
        if !(0..=1024).contains(&len) {
            return bad(format!("a vocabulary entry is {len} bytes long"));
        }
        r.skip(len as u64)?;
    }

    let expected = 7 + 15 * n_audio_layer as usize + 4 + 24 * n_text_layer as usize;
    let mut tensors = 0usize;
    while !r.at_end() {
        let (n_dims, name_len, ttype) = (r.i32()?, r.i32()?, r.i32()?);
        if !(1..=4).contains(&n_dims) || !(1..=256).contains(&name_len) {
            return bad(format!(
                "weight {} has a damaged header ({n_dims} dimensions, {name_len}-byte name)",
                tensors + 1
            ));
        }
        let mut elements: u64 = 1;
        let mut first = 0;
        for d in 0..n_dims {
            let n = r.i32()?;
            if n < 1 {
                return bad(format!("weight {} has a dimension of {n}", tensors + 1));
            }
            if d == 0 {
                first = n as u64;
            }
            elements = elements.saturating_mul(n as u64);
        }
        let name = r.bytes(name_len as usize)?;
        let name = String::from_utf8_lossy(&name).into_owned();
        let Some((block, block_bytes)) = type_size(ttype) else {
            return bad(format!("weight {name:?} is stored as unknown type {ttype}"));
        };
        if first % block != 0 {
            return bad(format!(
                "weight {name:?} does not fill whole blocks of its type"
            ));
        }
        r.skip(elements.saturating_mul(block_bytes) / block)?;
        tensors += 1;
        if tensors > expected {
            return bad(format!(
                "it holds more than the {expected} weights its header announces"
            ));
        }
    }
    if tensors != expected {
        return bad(format!(
            "it holds {tensors} of the {expected} weights its header announces: is it complete?"
        ));
    }
    Ok(Layout {
        n_vocab,
        audio_layers: n_audio_layer,
        text_layers: n_text_layer,
        width: n_audio_state,
        ftype: ftype % 1000,
        tensors,
    })
}

/// Elements per block and bytes per block of a ggml tensor type.
fn type_size(ttype: i32) -> Option<(u64, u64)> {
    Some(match ttype {
        0 => (1, 4),      // f32
        1 | 30 => (1, 2), // f16, bf16
        2 => (32, 18),    // q4_0
        3 => (32, 20),    // q4_1
        6 => (32, 22),    // q5_0
        7 => (32, 24),    // q5_1
        8 => (32, 34),    // q8_0
        10 => (256, 84),  // q2_k
        11 => (256, 110), // q3_k
        12 => (256, 144), // q4_k
        13 => (256, 176), // q5_k
        14 => (256, 210), // q6_k
        _ => return None,
    })
}

/// The name of a whole-model weight type (`ggml_ftype`).
fn weights_name(ftype: i32) -> &'static str {
    match ftype {
        0 => "f32",
        1 => "f16",
        2 => "q4_0",
        3 => "q4_1",
        4 => "q4_1",
        7 => "q8_0",
        8 => "q5_0",
        9 => "q5_1",
        10 => "q2_k",
        11 => "q3_k",
        12 => "q4_k",
        13 => "q5_k",
        14 => "q6_k",
        24 => "bf16",
        _ => "unknown",
    }
}

// ---------------------------------------------------------------------------
// Finding the model

/// Where the model path came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    Flag,
    Config,
    Env,
}

impl ModelSource {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Flag => "--model",
            Self::Config => "whisper_model in config.toml",
            Self::Env => MODEL_ENV,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChoice {
    pub path: PathBuf,
    pub source: ModelSource,
}

/// The model to use: `--model`, else `whisper_model` from config.toml (relative
/// to the config file's folder), else `STARDRILL_WHISPER_MODEL`. A leading `~/`
/// means `home`. Empty values count as unset.
pub fn choose_model(
    flag: Option<&Path>,
    config: Option<&Path>,
    config_file: Option<&Path>,
    env: Option<&OsStr>,
    home: Option<&Path>,
) -> Option<ModelChoice> {
    let nonempty = |p: &Path| !p.as_os_str().is_empty();
    if let Some(p) = flag.filter(|p| nonempty(p)) {
        return Some(ModelChoice {
            path: expand_home(p, home),
            source: ModelSource::Flag,
        });
    }
    if let Some(p) = config.filter(|p| nonempty(p)) {
        let p = expand_home(p, home);
        let base = config_file.and_then(Path::parent);
        let path = match base {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p,
        };
        return Some(ModelChoice {
            path,
            source: ModelSource::Config,
        });
    }
    env.map(Path::new)
        .filter(|p| nonempty(p))
        .map(|p| ModelChoice {
            path: expand_home(p, home),
            source: ModelSource::Env,
        })
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// The user's home folder, for `~/` in model paths.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

/// What to say when no model is named: what to get, how big it is, where to put it.
pub fn missing_model_message(data_dir: &Path) -> String {
    let models = data_dir.join("models");
    let example = models.join("ggml-base.en.bin");
    format!(
        "No Whisper model is set, so there is no transcript yet. stardrill never downloads \
         anything: get a model file yourself, once.\n\
         \n\
         Models for whisper.cpp (ggml format) are at https://huggingface.co/ggerganov/whisper.cpp\n\
         (files ggml-<size>.bin). For answers in English, take an English-only one:\n\
         \n\
         \x20 ggml-tiny.en.bin     75 MiB  fastest, rough on names and numbers\n\
         \x20 ggml-base.en.bin    142 MiB  the usual choice: good enough for the cues\n\
         \x20 ggml-small.en.bin   466 MiB  more accurate, about 3x slower than base\n\
         \x20 (the -q5_1 versions, 31 / 57 / 181 MiB, are smaller and a little faster)\n\
         \n\
         Put it in {models} and name it in one of these ways:\n\
         \n\
         \x20 stardrill transcribe --model {example}\n\
         \x20 whisper_model = \"{example}\"      (in config.toml)\n\
         \x20 export {MODEL_ENV}={example}\n",
        models = models.display(),
        example = example.display(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_config_then_environment() {
        let home = Path::new("/home/u");
        let cfg = Path::new("/home/u/.config/stardrill/config.toml");
        let env = OsStr::new("/env/model.bin");
        let pick = |flag: Option<&str>, config: Option<&str>, env: Option<&OsStr>| {
            choose_model(
                flag.map(Path::new),
                config.map(Path::new),
                Some(cfg),
                env,
                Some(home),
            )
            .map(|c| (c.path, c.source))
        };
        assert_eq!(
            pick(Some("m.bin"), Some("c.bin"), Some(env)),
            Some((PathBuf::from("m.bin"), ModelSource::Flag))
        );
        assert_eq!(
            pick(None, Some("c.bin"), Some(env)),
            Some((
                PathBuf::from("/home/u/.config/stardrill/c.bin"),
                ModelSource::Config
            ))
        );
        assert_eq!(
            pick(Some(""), Some("~/models/c.bin"), None),
            Some((PathBuf::from("/home/u/models/c.bin"), ModelSource::Config))
        );
        assert_eq!(
            pick(None, None, Some(env)),
            Some((PathBuf::from("/env/model.bin"), ModelSource::Env))
        );
        assert_eq!(pick(None, Some(""), Some(OsStr::new(""))), None);
        assert_eq!(
            pick(Some("~/m.bin"), None, None).map(|c| c.0),
            Some(PathBuf::from("/home/u/m.bin"))
        );
    }

    #[test]
    fn the_missing_model_message_says_what_to_get_and_where() {
        let text = missing_model_message(Path::new("/data/stardrill"));
        for needle in [
            "ggml-tiny.en.bin",
            "ggml-base.en.bin",
            "142 MiB",
            "/data/stardrill/models",
            "--model /data/stardrill/models/ggml-base.en.bin",
            "whisper_model = \"/data/stardrill/models/ggml-base.en.bin\"",
            MODEL_ENV,
            "never downloads",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
        p
    }

    fn reason(r: Result<ModelInfo, ModelError>) -> String {
        match r {
            Err(ModelError::NotAModel { reason, .. }) => reason,
            other => panic!("expected NotAModel, got {other:?}"),
        }
    }

    #[test]
    fn files_that_are_not_models_are_refused_with_a_reason() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let d = tmp.path();
        assert!(matches!(
            inspect(&d.join("absent.bin")),
            Err(ModelError::Missing { .. })
        ));
        assert!(reason(inspect(d)).contains("folder"));
        assert!(reason(inspect(&write(d, "empty.bin", b""))).contains("too short"));
        assert!(reason(inspect(&write(d, "text.bin", b"hello, world\n"))).contains("ggml"));
        assert!(reason(inspect(&write(d, "m.gguf", b"GGUF\x03\0\0\0"))).contains("GGUF"));
        // Right magic, wrong vocabulary.
        let mut h = b"lmgg".to_vec();
        for v in [50000i32, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1] {
            h.extend(v.to_le_bytes());
        }
        assert!(reason(inspect(&write(d, "h.bin", &h))).contains("vocabulary of 50000"));
        // Right header, then nothing.
        let mut h = b"lmgg".to_vec();
        for v in [51864i32, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1] {
            h.extend(v.to_le_bytes());
        }
        assert!(reason(inspect(&write(d, "cut.bin", &h))).contains("ends too early"));
        let e = inspect(&write(d, "cut2.bin", &h)).expect_err("cut");
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().starts_with(&format!(
                "{}: not a whisper.cpp model: ",
                d.join("cut2.bin").display()
            )),
            "{e}"
        );
    }
}
