//! Recording answers and playing them back (the `audio` feature).
//!
//! - [`Recorder`] records the default microphone into `<dir>/<stem>.ogg`: Opus
//!   in Ogg, 16 kHz mono, 24 kbit/s, streamed to disk a page a second, pauses
//!   left out, with a level for a meter and the envelope for the delivery
//!   figures ([`crate::domain::delivery`]).
//! - [`Player`] plays a recording through the default output: play, pause, seek,
//!   and the position for a playhead.
//! - [`decode_file`] gives a recording back as 16 kHz mono samples; [`encode`]
//!   makes one from them.
//! - [`recover_partials`] finishes recordings a crash cut short.
//! - [`quiet_library_messages`] keeps ALSA's own messages off the terminal.
//!
//! Every error is an [`AudioError`], whose message is one line for a status bar.

mod capture;
mod error;
mod ogg_opus;
mod playback;
mod quiet;
mod recover;
mod resample;

use crate::storage::read::{RECORDING_LIMIT, open_regular, read_bytes};
use std::path::Path;

pub use capture::{RecordOptions, Recorder, Recording};
pub use error::AudioError;
pub use ogg_opus::{BITRATE, RATE};
pub use playback::{PlayOptions, Player};
pub use quiet::{last_library_message, quiet_library_messages};
pub use recover::{Partial, find_partials, recover_partials};

/// The extension of recordings.
pub const EXTENSION: &str = crate::storage::recordings::EXTENSION;

/// Decodes a recording (Ogg Opus) to 16 kHz mono samples, -1.0 to 1.0, the
/// format speech-to-text models such as whisper take. The encoder's start-up
/// delay is removed, so sample `n` is `n / 16000` seconds into the answer,
/// in line with the session log's tick times. A file cut short by a crash gives
/// its audio up to the cut.
pub fn decode_file(path: &Path) -> Result<Vec<f32>, AudioError> {
    let bytes = read_bytes(path, RECORDING_LIMIT)
        .map_err(|e| AudioError::io("open", path, std::io::Error::other(e.to_string())))?;
    ogg_opus::decode(std::io::Cursor::new(bytes)).map_err(|reason| AudioError::BadFile {
        path: path.to_path_buf(),
        reason,
    })
}

/// 16 kHz mono samples (-1.0 to 1.0) as the bytes of an Ogg Opus file, encoded
/// as the recorder does at `bitrate` bits per second (for importing audio, and
/// for measuring sizes and encoding cost).
pub fn encode(samples: &[f32], bitrate: i32) -> Result<Vec<u8>, AudioError> {
    let mut writer = ogg_opus::OggOpusWriter::new(Vec::new(), bitrate)?;
    writer
        .write(samples)
        .and_then(|()| writer.finish())
        .map_err(|e| AudioError::Codec(e.to_string()))
}

/// The length of a recording in seconds, read from its last page (no decoding).
/// `None` when the file cannot be read as a recording.
pub fn recording_secs(path: &Path) -> Option<f64> {
    let (file, _) = open_regular(path).ok()?;
    ogg_opus::duration(std::io::BufReader::new(file))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_recorder_and_the_player_can_live_in_another_thread() {
        fn send<T: Send>() {}
        send::<super::Recorder>();
        send::<super::Player>();
    }
}
