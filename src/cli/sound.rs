//! The app's microphone and speaker on this machine: the audio devices with
//! the `audio` feature, none without it.

use std::path::Path;

use crate::app::sound::Sound;
#[cfg(feature = "audio")]
pub use devices::{DeviceMic, DeviceSpeaker};

/// Whether this build can record and play answers.
pub const AVAILABLE: bool = cfg!(feature = "audio");

/// The microphone and speaker for recordings kept in `audio_dir`: the
/// default devices with the `audio` feature, none without it.
pub fn devices(audio_dir: &Path) -> Sound {
    #[cfg(feature = "audio")]
    {
        crate::audio::quiet_library_messages();
        Sound {
            mic: Box::new(DeviceMic::new(audio_dir)),
            speaker: Box::new(DeviceSpeaker::new(audio_dir)),
        }
    }
    #[cfg(not(feature = "audio"))]
    {
        let _ = audio_dir;
        Sound::default()
    }
}

#[cfg(feature = "audio")]
mod devices {
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use crate::app::sound::{Mic, Recorded, Speaker};
    use crate::audio::{AudioError, Player, RecordOptions, Recorder};

    /// The default microphone, recording into the audio folder.
    pub struct DeviceMic {
        dir: PathBuf,
        recorder: Option<Recorder>,
    }

    impl DeviceMic {
        pub fn new(dir: &Path) -> Self {
            Self {
                dir: dir.to_path_buf(),
                recorder: None,
            }
        }
    }

    fn file_name(path: &Path) -> String {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    impl Mic for DeviceMic {
        fn start(&mut self, stem: &str, late: Duration) -> Result<String, String> {
            // One recording at a time: a forgotten one is finished first.
            drop(self.recorder.take());
            let options = RecordOptions {
                began: Instant::now().checked_sub(late),
                ..RecordOptions::default()
            };
            let recorder = Recorder::start(&self.dir, stem, &options).map_err(|e| e.to_string())?;
            let file = file_name(recorder.path());
            self.recorder = Some(recorder);
            Ok(file)
        }

        fn pause(&mut self) {
            if let Some(r) = &self.recorder {
                r.pause();
            }
        }

        fn resume(&mut self) {
            if let Some(r) = &self.recorder {
                r.resume();
            }
        }

        fn stop(&mut self) -> Option<Result<Recorded, String>> {
            let recorder = self.recorder.take()?;
            Some(match recorder.stop() {
                Ok(r) => Ok(Recorded {
                    file: file_name(&r.path),
                    secs: r.secs,
                    envelope: r.envelope,
                    interrupted: r.interrupted,
                }),
                Err(AudioError::Empty) => Err("no sound came from the microphone".into()),
                Err(e) => Err(e.to_string()),
            })
        }

        fn level(&self) -> Option<f32> {
            self.recorder.as_ref().map(Recorder::level)
        }

        fn fault(&self) -> Option<String> {
            self.recorder.as_ref().and_then(Recorder::error)
        }
    }

    /// The default output, playing recordings of the audio folder.
    pub struct DeviceSpeaker {
        dir: PathBuf,
        player: Option<Player>,
    }

    impl DeviceSpeaker {
        pub fn new(dir: &Path) -> Self {
            Self {
                dir: dir.to_path_buf(),
                player: None,
            }
        }
    }

    impl Speaker for DeviceSpeaker {
        fn open(&mut self, file: &str) -> Result<f64, String> {
            self.player = None;
            if file.contains(['/', '\\']) || file.starts_with('.') {
                return Err(format!("{file:?} is not a recording's file name"));
            }
            let path = self.dir.join(file);
            if !path.exists() {
                return Err(format!(
                    "{} is gone (pruned or deleted; the figures stay in the log)",
                    path.display()
                ));
            }
            let player = Player::open(&path).map_err(|e| e.to_string())?;
            let secs = player.duration_secs();
            self.player = Some(player);
            Ok(secs)
        }

        fn play(&mut self) {
            if let Some(p) = &self.player {
                p.play();
            }
        }

        fn pause(&mut self) {
            if let Some(p) = &self.player {
                p.pause();
            }
        }

        fn seek_to(&mut self, secs: f64) {
            if let Some(p) = &self.player {
                p.seek_to(secs);
            }
        }

        fn position(&self) -> f64 {
            self.player.as_ref().map_or(0.0, Player::position_secs)
        }

        fn is_playing(&self) -> bool {
            self.player.as_ref().is_some_and(Player::is_playing)
        }

        fn fault(&self) -> Option<String> {
            self.player.as_ref().and_then(Player::error)
        }

        fn close(&mut self) {
            self.player = None;
        }
    }
}
