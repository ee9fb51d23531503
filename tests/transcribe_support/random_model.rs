//! A whisper.cpp model file with random weights, written by the tests
//! themselves: the ggml layout whisper.cpp reads (header, mel filters,
//! vocabulary, then every tensor), with the shape of a real model or a much
//! smaller one. Its transcripts are meaningless, but loading, inference, word
//! timing, step alignment and the sidecar file all run on it for real.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The dimensions of a Whisper model.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub width: i32,
    pub heads: i32,
    pub audio_layers: i32,
    pub text_layers: i32,
    /// Matrices in f16 (as published models are) rather than f32.
    pub f16: bool,
}

impl Shape {
    /// Small enough to write and run in a moment.
    pub const TEST: Shape = Shape {
        width: 64,
        heads: 2,
        audio_layers: 1,
        text_layers: 1,
        f16: true,
    };
    /// The shape of ggml-tiny.en.bin.
    pub const TINY: Shape = Shape {
        width: 384,
        heads: 6,
        audio_layers: 4,
        text_layers: 4,
        f16: true,
    };
    /// The shape of ggml-base.en.bin.
    pub const BASE: Shape = Shape {
        width: 512,
        heads: 8,
        audio_layers: 6,
        text_layers: 6,
        f16: true,
    };
}

/// English-only vocabulary size, as in the `.en` models.
const N_VOCAB: i32 = 51864;
/// Text tokens in the file; whisper.cpp adds the special tokens after them.
const N_TEXT_TOKENS: usize = 50256;
/// First timestamp token of an English-only model.
const TOKEN_BEG: usize = 50363;
const N_MELS: i32 = 80;
const N_FFT_BINS: i32 = 201;
const AUDIO_CTX: i32 = 1500;
const TEXT_CTX: i32 = 448;

/// Words the random model can say, so its output reads like words.
const WORDS: &[&str] = &[
    "I",
    "we",
    "um",
    "uh",
    "the",
    "team",
    "led",
    "shipped",
    "40%",
    "customers",
    "learned",
    "next",
    "time",
    "maybe",
    "you",
    "know",
    "result",
    "two",
    "hundred",
    "so",
    "and",
];

/// Variations on the model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flaw {
    #[default]
    None,
    /// One tensor under a name whisper.cpp does not know.
    UnknownTensor,
}

pub fn write_random_model(path: &Path, shape: Shape, seed: u64) -> io::Result<()> {
    write_model(path, shape, seed, Flaw::None)
}

pub fn write_model(path: &Path, shape: Shape, seed: u64, flaw: Flaw) -> io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    let mut rng = SplitMix(seed);
    let i32s = |w: &mut BufWriter<File>, vals: &[i32]| -> io::Result<()> {
        for v in vals {
            w.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    };

    w.write_all(&0x6767_6d6c_u32.to_le_bytes())?;
    let ftype = i32::from(shape.f16);
    i32s(
        &mut w,
        &[
            N_VOCAB,
            AUDIO_CTX,
            shape.width,
            shape.heads,
            shape.audio_layers,
            TEXT_CTX,
            shape.width,
            shape.heads,
            shape.text_layers,
            N_MELS,
            ftype,
        ],
    )?;

    // Triangular mel filters over the 201 FFT bins, as the real ones are.
    i32s(&mut w, &[N_MELS, N_FFT_BINS])?;
    for band in mel_filters() {
        for v in band {
            w.write_all(&v.to_le_bytes())?;
        }
    }

    // Every single byte (so any prompt can be tokenized), then words.
    i32s(&mut w, &[N_TEXT_TOKENS as i32])?;
    for id in 0..N_TEXT_TOKENS {
        let token: Vec<u8> = if id < 256 {
            vec![id as u8]
        } else if let Some(word) = WORDS.get(id - 256) {
            format!(" {word}").into_bytes()
        } else {
            format!(" w{id}").into_bytes()
        };
        i32s(&mut w, &[token.len() as i32])?;
        w.write_all(&token)?;
    }

    let d = shape.width as usize;
    let mut t = TensorWriter {
        w: &mut w,
        rng: &mut rng,
        f16: shape.f16,
    };
    t.tensor(
        "encoder.positional_embedding",
        &[d, AUDIO_CTX as usize],
        Init::Sin,
        false,
    )?;
    t.tensor(
        "encoder.conv1.weight",
        &[3, N_MELS as usize, d],
        Init::Fan(3 * N_MELS as usize),
        true,
    )?;
    t.tensor("encoder.conv1.bias", &[1, d], Init::Zero, false)?;
    t.tensor("encoder.conv2.weight", &[3, d, d], Init::Fan(3 * d), true)?;
    t.tensor("encoder.conv2.bias", &[1, d], Init::Zero, false)?;
    t.tensor("encoder.ln_post.weight", &[d], Init::One, false)?;
    t.tensor("encoder.ln_post.bias", &[d], Init::Zero, false)?;
    for l in 0..shape.audio_layers {
        t.block(&format!("encoder.blocks.{l}"), d, false)?;
    }
    t.tensor(
        "decoder.positional_embedding",
        &[d, TEXT_CTX as usize],
        Init::Sin,
        false,
    )?;
    let embedding = if flaw == Flaw::UnknownTensor {
        "decoder.token_embeddings.weight"
    } else {
        "decoder.token_embedding.weight"
    };
    t.tensor(embedding, &[d, N_VOCAB as usize], Init::Embedding, true)?;
    t.tensor("decoder.ln.weight", &[d], Init::One, false)?;
    t.tensor("decoder.ln.bias", &[d], Init::Zero, false)?;
    for l in 0..shape.text_layers {
        t.block(&format!("decoder.blocks.{l}"), d, true)?;
    }
    w.flush()
}

#[derive(Clone, Copy)]
enum Init {
    Zero,
    One,
    /// Uniform, scaled by the number of inputs.
    Fan(usize),
    /// Sinusoids, like Whisper's positional embeddings.
    Sin,
    /// Token embeddings: text tokens spread widely, timestamp tokens near zero,
    /// so the random model writes words rather than only timestamps.
    Embedding,
}

struct TensorWriter<'a> {
    w: &'a mut BufWriter<File>,
    rng: &'a mut SplitMix,
    f16: bool,
}

impl TensorWriter<'_> {
    fn block(&mut self, prefix: &str, d: usize, cross: bool) -> io::Result<()> {
        let mut parts: Vec<(&str, Vec<usize>, Init, bool)> = vec![
            ("mlp_ln.weight", vec![d], Init::One, false),
            ("mlp_ln.bias", vec![d], Init::Zero, false),
            ("mlp.0.weight", vec![d, 4 * d], Init::Fan(d), true),
            ("mlp.0.bias", vec![4 * d], Init::Zero, false),
            ("mlp.2.weight", vec![4 * d, d], Init::Fan(4 * d), true),
            ("mlp.2.bias", vec![d], Init::Zero, false),
            ("attn_ln.weight", vec![d], Init::One, false),
            ("attn_ln.bias", vec![d], Init::Zero, false),
            ("attn.query.weight", vec![d, d], Init::Fan(d), true),
            ("attn.query.bias", vec![d], Init::Zero, false),
            ("attn.key.weight", vec![d, d], Init::Fan(d), true),
            ("attn.value.weight", vec![d, d], Init::Fan(d), true),
            ("attn.value.bias", vec![d], Init::Zero, false),
            ("attn.out.weight", vec![d, d], Init::Fan(d), true),
            ("attn.out.bias", vec![d], Init::Zero, false),
        ];
        if cross {
            parts.extend([
                ("cross_attn_ln.weight", vec![d], Init::One, false),
                ("cross_attn_ln.bias", vec![d], Init::Zero, false),
                ("cross_attn.query.weight", vec![d, d], Init::Fan(d), true),
                ("cross_attn.query.bias", vec![d], Init::Zero, false),
                ("cross_attn.key.weight", vec![d, d], Init::Fan(d), true),
                ("cross_attn.value.weight", vec![d, d], Init::Fan(d), true),
                ("cross_attn.value.bias", vec![d], Init::Zero, false),
                ("cross_attn.out.weight", vec![d, d], Init::Fan(d), true),
                ("cross_attn.out.bias", vec![d], Init::Zero, false),
            ]);
        }
        for (name, ne, init, matrix) in parts {
            self.tensor(&format!("{prefix}.{name}"), &ne, init, matrix)?;
        }
        Ok(())
    }

    /// Writes one tensor; `ne` in ggml order (fastest-varying first).
    /// Matrices are f16 in an f16 model; vectors and embeddings of position stay f32.
    fn tensor(&mut self, name: &str, ne: &[usize], init: Init, matrix: bool) -> io::Result<()> {
        let half = self.f16 && matrix;
        for v in [ne.len() as i32, name.len() as i32, i32::from(half)] {
            self.w.write_all(&v.to_le_bytes())?;
        }
        for &n in ne {
            self.w.write_all(&(n as i32).to_le_bytes())?;
        }
        self.w.write_all(name.as_bytes())?;
        let count: usize = ne.iter().product();
        let row = ne[0];
        for i in 0..count {
            let v = match init {
                Init::Zero => 0.0,
                Init::One => 1.0,
                Init::Fan(fan) => self.rng.uniform() * (3.0 / fan as f32).sqrt(),
                Init::Sin => {
                    let (pos, dim) = ((i / row) as f32, i % row);
                    let rate = 10_000f32.powf(-((dim / 2 * 2) as f32) / row as f32);
                    if dim % 2 == 0 {
                        (pos * rate).sin()
                    } else {
                        (pos * rate).cos()
                    }
                }
                Init::Embedding => {
                    let token = i / row;
                    let scale = if token >= TOKEN_BEG { 0.01 } else { 0.5 };
                    self.rng.uniform() * scale
                }
            };
            if half {
                self.w.write_all(&f16_bits(v).to_le_bytes())?;
            } else {
                self.w.write_all(&v.to_le_bytes())?;
            }
        }
        Ok(())
    }
}

/// 80 triangular filters spread evenly over 0-8 kHz on the mel scale.
fn mel_filters() -> Vec<Vec<f32>> {
    let mel = |hz: f32| 2595.0 * (1.0 + hz / 700.0).log10();
    let hz = |m: f32| 700.0 * (10f32.powf(m / 2595.0) - 1.0);
    let top = mel(8000.0);
    let edges: Vec<f32> = (0..N_MELS + 2)
        .map(|i| hz(top * i as f32 / (N_MELS + 1) as f32))
        .collect();
    (0..N_MELS as usize)
        .map(|b| {
            (0..N_FFT_BINS)
                .map(|k| {
                    let f = k as f32 * 8000.0 / (N_FFT_BINS - 1) as f32;
                    let (lo, mid, hi) = (edges[b], edges[b + 1], edges[b + 2]);
                    if f <= lo || f >= hi {
                        0.0
                    } else if f <= mid {
                        (f - lo) / (mid - lo)
                    } else {
                        (hi - f) / (hi - mid)
                    }
                })
                .collect()
        })
        .collect()
}

/// IEEE half-precision bits of `v` (round to nearest, no NaN payloads needed here).
pub fn f16_bits(v: f32) -> u16 {
    let bits = v.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    let mant = bits & 0x7f_ffff;
    if exp >= 31 {
        sign | 0x7c00
    } else if exp <= 0 {
        if exp < -10 {
            sign
        } else {
            let m = (mant | 0x80_0000) >> (1 - exp);
            sign | ((m + 0x1000) >> 13) as u16
        }
    } else {
        let half = sign as u32 | ((exp as u32) << 10) | (mant >> 13);
        // Round to nearest; a carry into the exponent is still the right value.
        (half + ((mant >> 12) & 1)) as u16
    }
}

/// A small, fixed-seed generator, so every run writes the same model.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}
