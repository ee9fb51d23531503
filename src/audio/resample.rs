//! Sample-rate conversion of a mono stream (rubato's FFT resampler), its delay
//! removed so that output sample `n` lines up with input time `n / rate_out`.

use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

use super::AudioError;

/// Input frames per resampler call: about 20 ms at common device rates.
const CHUNK: usize = 1024;

pub(crate) struct Converter {
    /// `None` when the rates are equal: samples pass through untouched.
    fft: Option<Fft<f32>>,
    pending: Vec<f32>,
    out: Vec<f32>,
    /// Output frames still to drop (the resampler's delay).
    skip: usize,
    ratio: f64,
    /// Input frames taken and output frames given, to flush the right amount at the end.
    taken: u64,
    given: u64,
}

impl Converter {
    pub fn new(from: u32, to: u32) -> Result<Self, AudioError> {
        if from == to {
            return Ok(Self {
                fft: None,
                pending: Vec::new(),
                out: Vec::new(),
                skip: 0,
                ratio: 1.0,
                taken: 0,
                given: 0,
            });
        }
        let fft = Fft::<f32>::new(from as usize, to as usize, CHUNK, 1, FixedSync::Input)
            .map_err(|e| AudioError::Codec(format!("resampler {from} → {to} Hz: {e}")))?;
        let out = vec![0.0; fft.output_frames_max()];
        let skip = fft.output_delay();
        Ok(Self {
            pending: Vec::with_capacity(fft.input_frames_max()),
            fft: Some(fft),
            out,
            skip,
            ratio: f64::from(to) / f64::from(from),
            taken: 0,
            given: 0,
        })
    }

    /// Output frames per input frame.
    pub fn ratio(&self) -> f64 {
        self.ratio
    }

    /// Converts `input`, handing whole converted pieces to `sink` as they are ready.
    pub fn push(&mut self, input: &[f32], sink: &mut dyn FnMut(&[f32])) {
        self.taken += input.len() as u64;
        let Some(fft) = self.fft.as_mut() else {
            self.given += input.len() as u64;
            sink(input);
            return;
        };
        let mut rest = input;
        while !rest.is_empty() {
            let need = fft.input_frames_next() - self.pending.len();
            let take = need.min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == fft.input_frames_next() {
                Self::run(
                    fft,
                    &self.pending,
                    None,
                    &mut self.out,
                    &mut self.skip,
                    &mut self.given,
                    sink,
                );
                self.pending.clear();
            }
        }
    }

    /// Flushes what the resampler holds, so the output covers all the input.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[f32])) {
        let Some(fft) = self.fft.as_mut() else {
            return;
        };
        let wanted = (self.taken as f64 * self.ratio).round() as u64;
        let mut partial = Some(self.pending.len());
        // A handful of rounds at most: each gives a chunk's worth of output.
        for _ in 0..8 {
            if self.given >= wanted {
                break;
            }
            let n = fft.input_frames_next();
            self.pending.resize(n, 0.0);
            let limit = wanted - self.given;
            let mut capped = |piece: &[f32]| {
                let keep = piece
                    .len()
                    .min(usize::try_from(limit).unwrap_or(usize::MAX));
                sink(&piece[..keep]);
            };
            let before = self.given;
            Self::run(
                fft,
                &self.pending,
                partial.take(),
                &mut self.out,
                &mut self.skip,
                &mut self.given,
                &mut capped,
            );
            self.given = self.given.min(before + limit);
            self.pending.clear();
        }
    }

    /// Forgets everything in flight (for a seek).
    pub fn reset(&mut self) {
        if let Some(fft) = self.fft.as_mut() {
            fft.reset();
            self.skip = fft.output_delay();
        }
        self.pending.clear();
        self.taken = 0;
        self.given = 0;
    }

    fn run(
        fft: &mut Fft<f32>,
        input: &[f32],
        partial: Option<usize>,
        out: &mut [f32],
        skip: &mut usize,
        given: &mut u64,
        sink: &mut dyn FnMut(&[f32]),
    ) {
        let frames_out = out.len();
        let (Ok(adapter_in), Ok(mut adapter_out)) = (
            SequentialSlice::new(input, 1, input.len()),
            SequentialSlice::new_mut(out, 1, frames_out),
        ) else {
            return;
        };
        let indexing = partial.map(|n| Indexing::new().partial_len(n));
        let Ok((_, written)) =
            fft.process_into_buffer(&adapter_in, &mut adapter_out, indexing.as_ref())
        else {
            return;
        };
        let drop = (*skip).min(written);
        *skip -= drop;
        if written > drop {
            *given += (written - drop) as u64;
            sink(&out[drop..written]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f32, secs: f32) -> Vec<f32> {
        (0..(secs * rate as f32) as usize)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
            .collect()
    }

    fn convert(from: u32, to: u32, input: &[f32], piece: usize) -> Vec<f32> {
        let mut c = Converter::new(from, to).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            c.push(chunk, &mut |s| out.extend_from_slice(s));
        }
        c.finish(&mut |s| out.extend_from_slice(s));
        out
    }

    #[test]
    fn equal_rates_pass_samples_through() {
        let input = tone(16_000, 300.0, 0.5);
        assert_eq!(convert(16_000, 16_000, &input, 33), input);
    }

    #[test]
    fn converts_in_time_with_the_right_length() {
        for (from, piece) in [
            (48_000, 480),
            (48_000, 240),
            (44_100, 441),
            (22_050, 1000),
            (8_000, 7),
        ] {
            let input = tone(from, 300.0, 1.0);
            let out = convert(from, 16_000, &input, piece);
            assert_eq!(out.len(), 16_000, "{from}");
            // In phase with the same tone made at 16 kHz: the delay is gone.
            let want = tone(16_000, 300.0, 1.0);
            let err: f32 = out[800..15_200]
                .iter()
                .zip(&want[800..15_200])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(err < 0.03, "{from}: {err}"); // 6 % of the amplitude: a fraction of a sample
        }
    }

    #[test]
    fn removes_what_16_khz_cannot_hold() {
        // 10 kHz is above 16 kHz's 8 kHz limit: it must not fold back as a 6 kHz tone.
        let out = convert(48_000, 16_000, &tone(48_000, 10_000.0, 1.0), 512);
        let rms = (out[1000..15_000].iter().map(|x| x * x).sum::<f32>() / 14_000.0).sqrt();
        assert!(rms < 0.01, "{rms}");
    }
}
