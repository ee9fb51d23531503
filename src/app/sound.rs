//! Sound as the app sees it: a microphone to record answers with and a
//! speaker to play them back, behind two small traits. The cli hands the app
//! the real devices (the `audio` feature); tests hand it fakes; a build
//! without the feature has neither. The app holds no audio types: recordings
//! are file names in `<data dir>/audio/`, and what it learns from one is the
//! delivery envelope, a domain type.

use std::time::Duration;

use crate::domain::delivery::{Delivery, Envelope};

/// How often the screen is redrawn while recording, so the level meter moves.
pub const METER_EVERY: Duration = Duration::from_millis(100);
/// How often the screen is redrawn while playing, so the playhead moves.
pub const PLAYHEAD_EVERY: Duration = Duration::from_millis(250);

/// A finished recording.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its file name in the audio folder.
    pub file: String,
    /// Seconds of audio: answer time, pauses left out.
    pub secs: f64,
    /// For the delivery figures.
    pub envelope: Envelope,
    /// The device error that cut it short, if one did (it holds what came before).
    pub interrupted: Option<String>,
}

/// What the drill asks of the microphone. One recording at a time.
pub trait Mic {
    /// Starts recording into the file named after `stem`. `late` is how long
    /// ago the answer began, so the recording starts in line with it. Returns
    /// the file's name, or one line saying why there is no recording.
    fn start(&mut self, stem: &str, late: Duration) -> Result<String, String>;
    /// Leaves paused time out of the recording.
    fn pause(&mut self);
    fn resume(&mut self);
    /// Stops and keeps the recording; `None` when nothing was being recorded.
    fn stop(&mut self) -> Option<Result<Recorded, String>>;
    /// The level for the meter, 0 (silent) to 1, while recording.
    fn level(&self) -> Option<f32>;
    /// The device error that stopped the sound coming, as one line.
    fn fault(&self) -> Option<String>;
}

/// What the wrap-up card and review ask of the speaker: one recording open
/// at a time.
pub trait Speaker {
    /// Opens a recording of the audio folder by its file name; its length in seconds.
    fn open(&mut self, file: &str) -> Result<f64, String>;
    fn play(&mut self);
    fn pause(&mut self);
    /// Jumps to `secs` from the start (clamped).
    fn seek_to(&mut self, secs: f64);
    /// Seconds from the start to what is playing now.
    fn position(&self) -> f64;
    fn is_playing(&self) -> bool;
    /// The device error that stopped playback, as one line.
    fn fault(&self) -> Option<String>;
    /// Closes the recording (and the device).
    fn close(&mut self);
}

/// The line shown when recording or playback is asked of a build without them.
pub const NO_AUDIO_BUILD: &str = "this build has no recording: build stardrill with `--features audio` (see \"Recording your answers\" in the README)";

/// No microphone: a build without the `audio` feature.
#[derive(Debug, Default)]
pub struct NoMic;

impl Mic for NoMic {
    fn start(&mut self, _stem: &str, _late: Duration) -> Result<String, String> {
        Err(NO_AUDIO_BUILD.into())
    }
    fn pause(&mut self) {}
    fn resume(&mut self) {}
    fn stop(&mut self) -> Option<Result<Recorded, String>> {
        None
    }
    fn level(&self) -> Option<f32> {
        None
    }
    fn fault(&self) -> Option<String> {
        None
    }
}

/// No speaker: a build without the `audio` feature.
#[derive(Debug, Default)]
pub struct NoSpeaker;

impl Speaker for NoSpeaker {
    fn open(&mut self, _file: &str) -> Result<f64, String> {
        Err(NO_AUDIO_BUILD.into())
    }
    fn play(&mut self) {}
    fn pause(&mut self) {}
    fn seek_to(&mut self, _secs: f64) {}
    fn position(&self) -> f64 {
        0.0
    }
    fn is_playing(&self) -> bool {
        false
    }
    fn fault(&self) -> Option<String> {
        None
    }
    fn close(&mut self) {}
}

/// Whether an answer (or a probe's answer) is recorded, and where.
#[derive(Debug, Clone, PartialEq)]
pub enum Rec {
    /// Not recorded: recording is off, or the microphone could not be used.
    Off,
    /// To be recorded once the countdown starts (during think time).
    Waiting,
    /// Being recorded into this file.
    On { file: String },
    /// Recorded into this file; the figures of how it was said, for an answer.
    Saved {
        file: String,
        delivery: Option<Box<Delivery>>,
    },
}

impl Rec {
    /// The recording's file, once it is being made or made.
    pub fn file(&self) -> Option<&str> {
        match self {
            Self::On { file } | Self::Saved { file, .. } => Some(file),
            Self::Off | Self::Waiting => None,
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self, Self::On { .. })
    }

    pub fn delivery(&self) -> Option<&Delivery> {
        match self {
            Self::Saved { delivery, .. } => delivery.as_deref(),
            _ => None,
        }
    }
}

/// What the microphone and speaker said when the app last looked: the
/// level meter and the replay's state are drawn from this.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Heard {
    pub mic_level: Option<f32>,
    pub playing: bool,
    pub position: f64,
}

/// A recording open in the speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    /// The recording's file name.
    pub file: String,
    /// Its length in seconds.
    pub secs: f64,
}

/// The microphone and speaker the app uses.
pub struct Sound {
    pub mic: Box<dyn Mic>,
    pub speaker: Box<dyn Speaker>,
}

impl Default for Sound {
    fn default() -> Self {
        Self {
            mic: Box::new(NoMic),
            speaker: Box::new(NoSpeaker),
        }
    }
}

/// A fake microphone and speaker for tests: they record what they were asked
/// and hand back what the test set up.
#[cfg(test)]
pub(crate) mod fake {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;

    /// What the fakes were asked, in order, and what they answer.
    #[derive(Debug, Default)]
    pub struct Log {
        pub calls: Vec<String>,
        /// `start` fails with this line when set.
        pub refuse: Option<String>,
        /// `fault` reports this when set.
        pub fault: Option<String>,
        /// The samples each recording "hears" (16 kHz), for its envelope.
        pub heard: Vec<f32>,
        pub recording: Option<String>,
        /// The level `level` reports while recording (0.5 unless set).
        pub level: Option<f32>,
        pub playing: bool,
        pub position: f64,
        pub open: Option<(String, f64)>,
    }

    pub type Shared = Rc<RefCell<Log>>;

    pub struct FakeMic(pub Shared);
    pub struct FakeSpeaker(pub Shared);

    impl Mic for FakeMic {
        fn start(&mut self, stem: &str, late: Duration) -> Result<String, String> {
            let mut log = self.0.borrow_mut();
            log.calls
                .push(format!("start {stem} late {}ms", late.as_millis()));
            if let Some(line) = log.refuse.clone() {
                return Err(line);
            }
            let file = format!("{stem}.ogg");
            log.recording = Some(file.clone());
            Ok(file)
        }
        fn pause(&mut self) {
            self.0.borrow_mut().calls.push("pause".into());
        }
        fn resume(&mut self) {
            self.0.borrow_mut().calls.push("resume".into());
        }
        fn stop(&mut self) -> Option<Result<Recorded, String>> {
            let mut log = self.0.borrow_mut();
            log.calls.push("stop".into());
            let file = log.recording.take()?;
            let envelope = Envelope::of(&log.heard);
            Some(Ok(Recorded {
                file,
                secs: envelope.secs(),
                envelope,
                interrupted: log.fault.clone(),
            }))
        }
        fn level(&self) -> Option<f32> {
            let log = self.0.borrow();
            log.recording.as_ref().map(|_| log.level.unwrap_or(0.5))
        }
        fn fault(&self) -> Option<String> {
            self.0.borrow().fault.clone()
        }
    }

    impl Speaker for FakeSpeaker {
        fn open(&mut self, file: &str) -> Result<f64, String> {
            let mut log = self.0.borrow_mut();
            log.calls.push(format!("open {file}"));
            if let Some(line) = log.refuse.clone() {
                return Err(line);
            }
            log.open = Some((file.to_string(), 100.0));
            log.position = 0.0;
            Ok(100.0)
        }
        fn play(&mut self) {
            let mut log = self.0.borrow_mut();
            log.calls.push("play".into());
            log.playing = true;
        }
        fn pause(&mut self) {
            let mut log = self.0.borrow_mut();
            log.calls.push("pause".into());
            log.playing = false;
        }
        fn seek_to(&mut self, secs: f64) {
            let mut log = self.0.borrow_mut();
            log.calls.push(format!("seek {secs}"));
            log.position = secs.clamp(0.0, 100.0);
        }
        fn position(&self) -> f64 {
            self.0.borrow().position
        }
        fn is_playing(&self) -> bool {
            self.0.borrow().playing
        }
        fn fault(&self) -> Option<String> {
            None
        }
        fn close(&mut self) {
            let mut log = self.0.borrow_mut();
            log.calls.push("close".into());
            log.open = None;
            log.playing = false;
        }
    }

    /// A fake microphone and speaker sharing one log.
    pub fn sound() -> (Sound, Shared) {
        let log: Shared = Rc::default();
        let sound = Sound {
            mic: Box::new(FakeMic(Rc::clone(&log))),
            speaker: Box::new(FakeSpeaker(Rc::clone(&log))),
        };
        (sound, log)
    }
}
