//! Opus in Ogg (RFC 7845), 16 kHz mono: the streaming writer, the reader, and
//! the repair of a file cut short.
//!
//! Ogg Opus counts time in 48 kHz samples whatever the input rate: a page's
//! granule position is the number of samples decoded up to its last packet,
//! including the encoder's look-ahead ("pre-skip") that players drop at the
//! start. The last page's granule may stop short of its last packet, which is
//! how the padding of the final 20 ms frame is trimmed.

use std::io::{Cursor, Read, Seek, Write};

use ogg::{PacketReader, PacketWriteEndInfo, PacketWriter};
use opus::{Application, Bitrate, Channels, Decoder, Encoder, Signal};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::AudioError;

/// The rate of everything stored and analysed.
pub const RATE: u32 = 16_000;
/// Opus bit rate: wideband speech is clear at this rate, and two minutes take
/// about 0.36 MB (less in practice, as VBR spends little on silence).
pub const BITRATE: i32 = 24_000;
/// Encoder effort, 0 to 10 (libopus defaults to 10). At 5, encoding costs about
/// 0.6 % of a core while recording, against about 1.5 % at 10, for a
/// difference in speech quality that is hard to hear at this bit rate.
const COMPLEXITY: i32 = 5;
/// Samples per Opus frame: 20 ms.
const FRAME: usize = 320;
/// 48 kHz granules per 16 kHz sample.
const GRANULE_PER_SAMPLE: u64 = 3;
/// A page ends every second of audio, so a crash loses at most the last second.
const PACKETS_PER_PAGE: u64 = 50;
/// The largest packet libopus recommends allowing for.
const MAX_PACKET: usize = 4000;
/// The longest Opus frame (120 ms) at 16 kHz, per channel.
const MAX_FRAME_16K: usize = 1920;

/// Streams 16 kHz mono samples into an Ogg Opus file, a page each second.
pub(crate) struct OggOpusWriter<W: Write> {
    ogg: PacketWriter<'static, W>,
    encoder: Encoder,
    serial: u32,
    /// Encoder delay in 16 kHz samples.
    lookahead: u64,
    pending: Vec<f32>,
    /// Real samples accepted so far.
    samples: u64,
    packets: u64,
    packet: Vec<u8>,
}

impl<W: Write> OggOpusWriter<W> {
    /// Writes the two header pages and readies the encoder.
    pub fn new(out: W, bitrate: i32) -> Result<Self, AudioError> {
        let mut encoder = Encoder::new(RATE, Channels::Mono, Application::Voip)?;
        encoder.set_bitrate(Bitrate::Bits(bitrate))?;
        encoder.set_vbr(true)?;
        encoder.set_signal(Signal::Voice)?;
        encoder.set_complexity(COMPLEXITY)?;
        let lookahead = u64::try_from(encoder.get_lookahead()?.max(0)).unwrap_or(0);
        let pre_skip = u16::try_from(lookahead * GRANULE_PER_SAMPLE).unwrap_or(u16::MAX);
        let mut ogg = PacketWriter::new(out);
        let serial: u32 = StdRng::from_os_rng().random();
        let io = |e| AudioError::Codec(format!("writing the header: {e}"));
        ogg.write_packet(opus_head(pre_skip), serial, PacketWriteEndInfo::EndPage, 0)
            .map_err(io)?;
        ogg.write_packet(opus_tags(), serial, PacketWriteEndInfo::EndPage, 0)
            .map_err(io)?;
        Ok(Self {
            ogg,
            encoder,
            serial,
            lookahead,
            pending: Vec::with_capacity(FRAME),
            samples: 0,
            packets: 0,
            packet: vec![0; MAX_PACKET],
        })
    }

    /// Encodes `samples` (16 kHz mono, -1 to 1); a page reaches `out` each second.
    pub fn write(&mut self, samples: &[f32]) -> Result<(), std::io::Error> {
        self.samples += samples.len() as u64;
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (FRAME - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == FRAME {
                let frame = std::mem::take(&mut self.pending);
                let end = if (self.packets + 1).is_multiple_of(PACKETS_PER_PAGE) {
                    PacketWriteEndInfo::EndPage
                } else {
                    PacketWriteEndInfo::NormalPacket
                };
                let granule = (self.packets + 1) * FRAME as u64 * GRANULE_PER_SAMPLE;
                self.encode(&frame, end, granule)?;
                self.pending = frame;
                self.pending.clear();
            }
        }
        Ok(())
    }

    fn encode(
        &mut self,
        frame: &[f32],
        end: PacketWriteEndInfo,
        granule: u64,
    ) -> Result<(), std::io::Error> {
        let len = self
            .encoder
            .encode_float(frame, &mut self.packet)
            .map_err(std::io::Error::other)?;
        self.packets += 1;
        self.ogg
            .write_packet(self.packet[..len].to_vec(), self.serial, end, granule)?;
        if end != PacketWriteEndInfo::NormalPacket {
            self.ogg.inner_mut().flush()?;
        }
        Ok(())
    }

    /// Encodes what is left (the encoder's delay flushed with silence), ends the
    /// stream, and hands back the output.
    pub fn finish(mut self) -> Result<W, std::io::Error> {
        let needed = self.samples + self.lookahead;
        let pre_skip = self.lookahead * GRANULE_PER_SAMPLE;
        let final_granule = pre_skip + self.samples * GRANULE_PER_SAMPLE;
        let mut frame = std::mem::take(&mut self.pending);
        loop {
            frame.resize(FRAME, 0.0);
            let last = (self.packets + 1) * FRAME as u64 >= needed;
            if last {
                self.encode(&frame, PacketWriteEndInfo::EndStream, final_granule)?;
                break;
            }
            let granule = (self.packets + 1) * FRAME as u64 * GRANULE_PER_SAMPLE;
            self.encode(&frame, PacketWriteEndInfo::NormalPacket, granule)?;
            frame.clear();
        }
        let mut out = self.ogg.into_inner();
        out.flush()?;
        Ok(out)
    }
}

/// The identification header: version 1, mono, pre-skip, 16 kHz input, no gain,
/// channel mapping family 0.
fn opus_head(pre_skip: u16) -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(1);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&RATE.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

/// The comment header: the vendor string, no comments.
fn opus_tags() -> Vec<u8> {
    let vendor = format!(
        "stardrill {} ({})",
        env!("CARGO_PKG_VERSION"),
        opus::version()
    );
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&u32::try_from(vendor.len()).unwrap_or(0).to_le_bytes());
    tags.extend_from_slice(vendor.as_bytes());
    tags.extend_from_slice(&0u32.to_le_bytes());
    tags
}

/// What the identification header says.
#[derive(Debug, Clone, Copy)]
struct Head {
    channels: u8,
    /// In 48 kHz samples.
    pre_skip: u64,
}

fn parse_head(packet: &[u8]) -> Result<Head, String> {
    if packet.len() < 19 || &packet[..8] != b"OpusHead" {
        return Err("no Opus header".into());
    }
    if packet[8] & 0xf0 != 0 {
        return Err(format!("Opus header version {} is unknown", packet[8]));
    }
    let channels = packet[9];
    if !(1..=2).contains(&channels) || packet[18] != 0 {
        return Err(format!(
            "{channels}-channel Opus with mapping {}",
            packet[18]
        ));
    }
    Ok(Head {
        channels,
        pre_skip: u64::from(u16::from_le_bytes([packet[10], packet[11]])),
    })
}

/// Decodes an Ogg Opus stream to 16 kHz mono samples (-1 to 1), start padding
/// and end padding trimmed. A stream cut short (a crash while recording) gives
/// the audio up to its last whole page; a stream damaged before any audio is an
/// error.
pub(crate) fn decode<R: Read + Seek>(input: R) -> Result<Vec<f32>, String> {
    let mut reader = PacketReader::new(input);
    let first = reader
        .read_packet()
        .map_err(|e| e.to_string())?
        .ok_or("the file is empty")?;
    let head = parse_head(&first.data)?;
    let tags = reader
        .read_packet()
        .map_err(|e| e.to_string())?
        .ok_or("the file ends after its first header")?;
    if !tags.data.starts_with(b"OpusTags") {
        return Err("no Opus comment header".into());
    }
    let channels = if head.channels == 2 {
        Channels::Stereo
    } else {
        Channels::Mono
    };
    let mut decoder = Decoder::new(RATE, channels).map_err(|e| e.to_string())?;
    let width = usize::from(head.channels);
    let mut buf = vec![0f32; MAX_FRAME_16K * width];
    let mut out: Vec<f32> = Vec::new();
    let mut granule = None;
    // Until the end, or a damaged tail: what came before it is kept.
    while let Ok(Some(packet)) = reader.read_packet() {
        let Ok(n) = decoder.decode_float(&packet.data, &mut buf, false) else {
            break;
        };
        if width == 1 {
            out.extend_from_slice(&buf[..n]);
        } else {
            out.extend(buf[..n * 2].chunks_exact(2).map(|p| (p[0] + p[1]) / 2.0));
        }
        granule = Some(packet.absgp_page());
        if packet.last_in_stream() {
            break;
        }
    }
    let skip = usize::try_from(head.pre_skip / GRANULE_PER_SAMPLE).unwrap_or(usize::MAX);
    let keep = granule
        .map(|g| g.saturating_sub(head.pre_skip) / GRANULE_PER_SAMPLE)
        .and_then(|k| usize::try_from(k).ok())
        .unwrap_or(0);
    let end = skip.saturating_add(keep).min(out.len());
    Ok(out.get(skip..end).map(<[f32]>::to_vec).unwrap_or_default())
}

/// A file cut short, made whole: its complete pages copied into a new stream
/// whose last page is marked as the end. `None` when it holds no audio.
/// Returns the new file's bytes and its length in seconds.
pub(crate) fn repair(bytes: &[u8]) -> Result<Option<(Vec<u8>, f64)>, String> {
    let mut reader = PacketReader::new(Cursor::new(bytes));
    let mut packets = Vec::new();
    // Until the end, or the first page that is cut short or damaged.
    while let Ok(Some(p)) = reader.read_packet() {
        let stop = p.last_in_stream();
        packets.push(p);
        if stop {
            break;
        }
    }
    let head = match packets.first() {
        Some(p) => parse_head(&p.data)?,
        None => return Err("no whole Ogg page".into()),
    };
    if packets.len() <= 2 {
        return Ok(None);
    }
    let mut writer = PacketWriter::new(Vec::with_capacity(bytes.len()));
    let last = packets.len() - 1;
    let mut final_granule = 0;
    for (i, p) in packets.iter().enumerate() {
        let end = if i == last {
            PacketWriteEndInfo::EndStream
        } else if p.last_in_page() {
            PacketWriteEndInfo::EndPage
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        final_granule = p.absgp_page();
        writer
            .write_packet(p.data.clone(), p.stream_serial(), end, p.absgp_page())
            .map_err(|e| e.to_string())?;
    }
    let secs = final_granule.saturating_sub(head.pre_skip) as f64
        / (f64::from(RATE) * GRANULE_PER_SAMPLE as f64);
    Ok(Some((writer.into_inner(), secs)))
}

/// The length of an Ogg Opus file in seconds, from its last page, without
/// decoding. `None` when it cannot be read.
pub(crate) fn duration<R: Read + Seek>(input: R) -> Option<f64> {
    let mut reader = PacketReader::new(input);
    let head = parse_head(&reader.read_packet().ok()??.data).ok()?;
    let mut granule = None;
    while let Ok(Some(p)) = reader.read_packet() {
        granule = Some(p.absgp_page());
    }
    Some(granule?.saturating_sub(head.pre_skip) as f64 / 48_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(secs: f64) -> Vec<f32> {
        (0..(secs * f64::from(RATE)) as usize)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                0.3 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()
            })
            .collect()
    }

    fn encode(samples: &[f32], pieces: usize) -> Vec<u8> {
        let mut w = OggOpusWriter::new(Vec::new(), BITRATE).unwrap_or_else(|e| panic!("{e}"));
        for chunk in samples.chunks(pieces.max(1)) {
            w.write(chunk).unwrap_or_else(|e| panic!("{e}"));
        }
        w.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Correlation of two signals at zero lag, 1 when equal up to scale.
    fn correlation(a: &[f32], b: &[f32]) -> f64 {
        let n = a.len().min(b.len());
        let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            let (x, y) = (f64::from(a[i]), f64::from(b[i]));
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        ab / (aa.sqrt() * bb.sqrt()).max(1e-12)
    }

    #[test]
    fn round_trips_with_its_exact_length_and_in_time() {
        for len in [0.0, 0.013, 1.0, 2.345] {
            let input = tone(len);
            let bytes = encode(&input, 77);
            let output = decode(Cursor::new(&bytes)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(output.len(), input.len(), "{len} s");
            assert_eq!(
                duration(Cursor::new(&bytes)),
                Some(input.len() as f64 / 16_000.0)
            );
            if len >= 1.0 {
                // Pre-skip removed: the decoded tone lines up with the input.
                let c = correlation(&input[1600..], &output[1600..]);
                assert!(c > 0.95, "{len} s: correlation {c}");
            }
        }
    }

    #[test]
    fn a_page_is_written_each_second() {
        let mut w = OggOpusWriter::new(Vec::new(), BITRATE).unwrap_or_else(|e| panic!("{e}"));
        let headers = w.ogg.inner().len();
        w.write(&tone(0.99)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            w.ogg.inner().len(),
            headers,
            "nothing before a second is up"
        );
        w.write(&tone(0.02)).unwrap_or_else(|e| panic!("{e}"));
        assert!(w.ogg.inner().len() > headers, "a page after one second");
    }

    #[test]
    fn a_file_cut_short_is_repaired_to_its_last_whole_page() {
        let input = tone(3.5);
        let bytes = encode(&input, 1000);
        // Cut in the middle of the last page, as kill -9 might.
        let cut = &bytes[..bytes.len() - 100];
        let (fixed, secs) = repair(cut)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no audio"));
        assert!((2.9..=3.1).contains(&secs), "{secs}");
        let decoded = decode(Cursor::new(&fixed)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decoded.len() as f64 / 16_000.0, secs);
        // The cut file itself also decodes, to the same audio.
        let from_cut = decode(Cursor::new(cut)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_cut.len(), decoded.len());
    }

    #[test]
    fn headers_alone_hold_no_audio_and_garbage_is_an_error() {
        let w = OggOpusWriter::new(Vec::new(), BITRATE).unwrap_or_else(|e| panic!("{e}"));
        let headers = w.ogg.inner().clone();
        assert_eq!(repair(&headers), Ok(None));
        assert!(repair(b"not ogg at all").is_err());
        assert!(decode(Cursor::new(b"not ogg at all")).is_err());
        assert!(decode(Cursor::new(Vec::<u8>::new())).is_err());
    }
}
