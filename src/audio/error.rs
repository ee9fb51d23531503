//! Audio errors, each one short line for the status bar.

use std::io;
use std::path::PathBuf;

use super::quiet;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// No capture device (no card, no server, nothing configured).
    #[error("no microphone found{}", detail(.0))]
    NoInput(Option<String>),
    /// No playback device.
    #[error("no sound output found{}", detail(.0))]
    NoOutput(Option<String>),
    /// The device exists but refused or failed: busy, unplugged, no permission…
    #[error("{0}")]
    Device(String),
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file that is not a recording we can play (or is damaged from its start).
    #[error("{} is not a playable recording: {reason}", path.display())]
    BadFile { path: PathBuf, reason: String },
    #[error("speech codec: {0}")]
    Codec(String),
    /// Recording stopped before any sound arrived.
    #[error("nothing was recorded")]
    Empty,
}

fn detail(extra: &Option<String>) -> String {
    extra
        .as_deref()
        .map_or_else(String::new, |e| format!(" ({e})"))
}

impl AudioError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl From<opus::Error> for AudioError {
    fn from(e: opus::Error) -> Self {
        Self::Codec(e.to_string())
    }
}

/// Which end of the audio path an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Microphone,
    Output,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Microphone => "microphone",
            Self::Output => "sound output",
        }
    }

    /// "no microphone found" or "no sound output found", with what the audio library said.
    pub(crate) fn missing(self, since: quiet::Mark) -> AudioError {
        let said = quiet::said_since(since);
        match self {
            Self::Microphone => AudioError::NoInput(said),
            Self::Output => AudioError::NoOutput(said),
        }
    }

    /// One line for a device error from cpal, with what the audio library said, if anything.
    pub(crate) fn error(self, err: &cpal::Error, since: quiet::Mark) -> AudioError {
        use cpal::ErrorKind as K;
        let role = self.name();
        let said = quiet::said_since(since);
        let text = match err.kind() {
            // Opening a device that is not there comes back as one of these on ALSA.
            K::DeviceNotAvailable | K::HostUnavailable | K::InvalidInput | K::BackendError
                if self == Self::Microphone && said.is_some() =>
            {
                return AudioError::NoInput(said);
            }
            K::DeviceNotAvailable | K::HostUnavailable | K::InvalidInput | K::BackendError
                if self == Self::Output && said.is_some() =>
            {
                return AudioError::NoOutput(said);
            }
            K::DeviceNotAvailable => format!("{role} unavailable: was it unplugged?"),
            K::HostUnavailable => "no audio system is running".to_string(),
            K::DeviceBusy => format!("{role} busy: another program is using it"),
            K::PermissionDenied => format!("no permission to use the {role}"),
            K::UnsupportedConfig => format!("the {role} offers no format stardrill can use"),
            K::StreamInvalidated => format!("the {role} changed format mid-way"),
            _ => format!("{role} error: {}", one_line(&err.to_string())),
        };
        AudioError::Device(match said {
            Some(s) => format!("{text} ({s})"),
            None => text,
        })
    }
}

/// Text on one line, for the status bar.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
