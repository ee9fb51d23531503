//! Application state and its transitions: `update(msg, clock)` changes state
//! and returns effects (save, bell) for the event loop to carry out.

pub mod attempt;
pub mod countdown;
pub mod interview;
pub mod keymap;
pub mod review;
pub mod scribe;
pub mod sound;
pub mod stories;
pub mod text_box;

use std::path::PathBuf;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use ratatui::style::{Modifier, Style};

use crate::domain::Catalog;
use crate::domain::bank::Candidate;
use crate::domain::clock::{Clock, Now};
use crate::domain::interview_loop::{LoopPlan, LoopRecord};
use crate::domain::picker::Picker;
use crate::domain::session::{LoggedProbe, Outcome, Rubric, SessionLog, new_id};
use attempt::{Attempt, WrapUp};
use countdown::Countdown;
use interview::{FollowUp, InterviewLoop, LoopRun, Probe, ProbeLimits, Stage};
use keymap::{Binding, Key, Keymap, TOO_SMALL_KEYS};
use scribe::{POLL_EVERY, Scribe, ScribeJob, Scribed, Transcribing};
use sound::{Heard, METER_EVERY, PLAYHEAD_EVERY, Playback, Rec, Sound};

/// What the drill is set up to do, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub seconds: u64,
    /// Seconds to think before each countdown starts.
    pub think_secs: u64,
    pub framework: usize,
    pub bell: bool,
    /// Stop after this many completed answers.
    pub count: Option<usize>,
    /// Record each answer (and each probe's) through the app's microphone.
    pub record: bool,
}

/// What the terminal and the system tell a full-screen program. The drill
/// and the story editor take it as it is; review builds its own messages
/// from it.
/// What an interview loop is set up to do beside the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopSettings {
    /// Seconds for each follow-up probe on the story just told.
    pub follow_up_secs: u64,
    /// Who is answering (a replacement question must suit them too).
    pub candidate: Option<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    /// Plain characters that arrived together, faster than anyone types
    /// (Enter as '\n'): a paste from a terminal without bracketed paste. A
    /// text box takes them in one edit; elsewhere they act as keys.
    Typed(String),
    Paste(String),
    Resize,
    /// The moment the loop was waiting for has come (the shown second changed).
    Tick,
    /// SIGTERM, SIGHUP or SIGINT: save what there is and leave.
    Terminate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Save(Box<SessionLog>),
    Bell,
    /// Write the interview loop's record (built by `App::loop_record` once the
    /// sessions before it are saved).
    SaveLoop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Notes,
}

/// The screens a question goes through, in the drill and in a loop alike.
pub enum Screen {
    Answering(Attempt),
    WrapUp(Attempt, WrapUp),
    /// After a question: the last attempt was saved (or not); Enter goes on.
    Between,
}

impl Screen {
    pub fn attempt(&self) -> Option<&Attempt> {
        match self {
            Self::Answering(a) | Self::WrapUp(a, _) => Some(a),
            Self::Between => None,
        }
    }

    fn attempt_mut(&mut self) -> Option<&mut Attempt> {
        match self {
            Self::Answering(a) | Self::WrapUp(a, _) => Some(a),
            Self::Between => None,
        }
    }
}

/// What the sitting is: a drill of questions from the picker, or an
/// interview loop with its own rounds, probes and summary.
// One per sitting, made once and never moved about: boxing the loop would buy
// nothing but a pointer to follow.
#[allow(clippy::large_enum_variant)]
pub enum Mode {
    Drill { picker: Picker, screen: Screen },
    Loop(LoopRun),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub is_error: bool,
}

/// An attempt that could not be written; printed on exit so nothing is lost.
#[derive(Debug)]
pub struct Unsaved {
    pub log: SessionLog,
    pub error: String,
}

pub struct App {
    pub catalog: Catalog,
    pub settings: Settings,
    pub mode: Mode,
    pub focus: Focus,
    pub help_open: bool,
    pub status: Option<Status>,
    pub completed: usize,
    pub saved: Vec<PathBuf>,
    pub unsaved: Vec<Unsaved>,
    /// The interview loop's record when it could not be written, and why:
    /// printed on exit like an unsaved attempt.
    pub unsaved_loop: Option<(LoopRecord, String)>,
    pub should_quit: bool,
    /// The window is too small to show the screen: keys other than quit
    /// wait (told by the event loop from the terminal's size).
    pub too_small: bool,
    /// The microphone and speaker (none unless the cli gives them).
    pub sound: Sound,
    /// The recording open in the speaker, on the wrap-up card.
    pub playback: Option<Playback>,
    /// The devices as the last message found them: drawing reads this, never
    /// the devices, so a frame is a function of the app and the time alone.
    heard: Heard,
    /// The microphone's fault has been shown for the recording under way.
    mic_fault_shown: bool,
    /// Makes transcripts of recorded answers (none unless the cli gives one:
    /// the `transcribe` feature and a model).
    pub scribe: Option<Box<dyn Scribe>>,
    /// The transcripts asked for in this sitting, oldest first.
    pub transcripts: Vec<Transcribing>,
    /// Session ids come from a stream of their own, so a seed names the
    /// files the same way every time without changing the questions.
    ids: StdRng,
}

/// Keys that act on every drill screen, before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    Quit,
}

pub const GLOBAL_KEYS: Keymap<Global> = Keymap(&[Binding::silent(&[Key::Ctrl('c')], Global::Quit)]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    Tick,
    Toggle,
    Notes,
    Pause,
    Finish,
    Skip,
    Framework,
    Help,
    Quit,
}

pub const ANSWERING_KEYS: Keymap<Answering> = Keymap(&[
    Binding::silent(&[Key::Char(' ')], Answering::Tick)
        .help("Space", "tick the next step")
        .footer(0, "Space", "tick"),
    Binding::silent(&[Key::Range('1', '9')], Answering::Toggle)
        .help("1-5", "tick or untick a step")
        .footer(8, "1-5", "toggle"),
    Binding::silent(&[Key::Code(KeyCode::Tab)], Answering::Notes)
        .help("Tab", "type notes (Tab or Esc to leave)")
        .footer(2, "Tab", "notes"),
    Binding::silent(&[Key::Char('p')], Answering::Pause)
        .help("p", "pause / resume the countdown")
        .footer(3, "p", "pause"),
    Binding::silent(&[Key::Code(KeyCode::Enter)], Answering::Finish)
        .help("Enter", "finish the answer")
        .footer(1, "Enter", "done"),
    Binding::silent(&[Key::Char('n')], Answering::Skip)
        .help("n", "skip to a new question (saved as skipped)")
        .footer(4, "n", "skip"),
    Binding::silent(&[Key::Char('f')], Answering::Framework)
        .help("f", "switch between STAR and SPSIL")
        .footer(7, "f", "switch framework"),
    Binding::silent(&[Key::Char('?')], Answering::Help)
        .help("?", "this help")
        .footer(6, "?", "help"),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], Answering::Quit)
        .help("q Esc", "quit (the attempt is saved)")
        .footer(5, "q", "quit"),
]);

/// Keys while typing notes; every other key is text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notes {
    Leave,
    Quit,
}

pub const NOTES_KEYS: Keymap<Notes> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Tab)], Notes::Leave).footer(0, "Tab", "back to checklist"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], Notes::Leave).footer(1, "Esc", "back"),
    Binding::silent(&[Key::Ctrl('c')], Notes::Quit).footer(2, "Ctrl-C", "save & quit"),
]);

/// The same keys on the wrap-up card, where leaving goes back to the card.
pub const CARD_NOTES_KEYS: Keymap<Notes> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Tab)], Notes::Leave).footer(0, "Tab", "back to card"),
    Binding::silent(&[Key::Code(KeyCode::Esc)], Notes::Leave).footer(1, "Esc", "back"),
    Binding::silent(&[Key::Ctrl('c')], Notes::Quit),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    Rate,
    Up,
    Down,
    Tick,
    Story,
    Notes,
    Play,
    Save,
    Help,
    Quit,
}

pub const WRAP_UP_KEYS: Keymap<Card> = Keymap(&[
    Binding::silent(&[Key::Range('1', '5')], Card::Rate)
        .help("1-5", "rate your answer")
        .footer(0, "1-5", "rate"),
    Binding::silent(&[Key::Code(KeyCode::Up), Key::Char('k')], Card::Up)
        .help("↑↓ j k", "move in the rubric; Space ticks")
        .footer(1, "↑↓", "move"),
    Binding::silent(&[Key::Code(KeyCode::Down), Key::Char('j')], Card::Down),
    Binding::silent(&[Key::Char(' ')], Card::Tick).footer(2, "Space", "tick"),
    Binding::silent(&[Key::Char('s')], Card::Story)
        .help("s", "pick the story you told")
        .footer(4, "s", "story"),
    Binding::silent(&[Key::Code(KeyCode::Tab)], Card::Notes).footer(5, "Tab", "notes"),
    Binding::silent(&[Key::Char('p')], Card::Play)
        .help("p", "play / pause your recorded answer")
        .footer(8, "p", "play"),
    Binding::silent(&[Key::Code(KeyCode::Enter)], Card::Save)
        .help("Enter", "save and go on")
        .footer(3, "Enter", "save"),
    Binding::silent(&[Key::Char('?')], Card::Help).footer(7, "?", "help"),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], Card::Quit).footer(
        6,
        "q",
        "save & quit",
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Between {
    /// Enter: the next question, or quit after the last one asked for.
    NextOrQuit,
    Next,
    Help,
    Quit,
}

pub const BETWEEN_KEYS: Keymap<Between> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Enter)], Between::NextOrQuit).footer(
        0,
        "Enter",
        "next question",
    ),
    Binding::silent(&[Key::Char(' '), Key::Char('n')], Between::Next),
    Binding::silent(&[Key::Char('?')], Between::Help),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], Between::Quit)
        .footer(1, "q", "quit"),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKey {
    Done,
    Pause,
    Notes,
    Help,
    Quit,
}

pub const PROBE_KEYS: Keymap<ProbeKey> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Enter)], ProbeKey::Done).footer(0, "Enter", "done"),
    Binding::silent(&[Key::Char('p')], ProbeKey::Pause).footer(1, "p", "pause"),
    Binding::silent(&[Key::Code(KeyCode::Tab)], ProbeKey::Notes).footer(2, "Tab", "notes"),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], ProbeKey::Quit).footer(
        3,
        "q",
        "stop the loop",
    ),
    Binding::silent(&[Key::Char('?')], ProbeKey::Help).footer(4, "?", "help"),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundIntro {
    Begin,
    Help,
    Quit,
}

pub const ROUND_INTRO_KEYS: Keymap<RoundIntro> = Keymap(&[
    Binding::silent(
        &[Key::Code(KeyCode::Enter), Key::Char(' ')],
        RoundIntro::Begin,
    )
    .footer(0, "Enter", "begin"),
    Binding::silent(&[Key::Char('?')], RoundIntro::Help),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], RoundIntro::Quit).footer(
        1,
        "q",
        "stop the loop",
    ),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    Next,
    Help,
    Quit,
}

/// "Do you have any questions for me?": Enter goes on to the summary.
pub const CLOSING_KEYS: Keymap<Closing> = Keymap(&[
    Binding::silent(&[Key::Code(KeyCode::Enter), Key::Char(' ')], Closing::Next).footer(
        0,
        "Enter",
        "see how the loop went",
    ),
    Binding::silent(&[Key::Char('?')], Closing::Help),
    Binding::silent(&[Key::Char('q'), Key::Code(KeyCode::Esc)], Closing::Quit)
        .footer(1, "q", "finish"),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    Finish,
    Help,
}

pub const SUMMARY_KEYS: Keymap<Summary> = Keymap(&[
    Binding::silent(
        &[
            Key::Code(KeyCode::Enter),
            Key::Char('q'),
            Key::Code(KeyCode::Esc),
        ],
        Summary::Finish,
    )
    .footer(0, "Enter q", "finish"),
    Binding::silent(&[Key::Char('?')], Summary::Help),
]);

impl App {
    /// Starts the first attempt at once; `pool` is the filtered bank.
    pub fn new(
        catalog: Catalog,
        settings: Settings,
        pool: Vec<usize>,
        seed: Option<u64>,
        clock: &dyn Clock,
    ) -> Self {
        Self::with_picker(catalog, settings, Picker::new(pool, seed), seed, clock)
    }

    /// Starts the first attempt with questions from `picker` (weak mode
    /// passes a weighted one).
    pub fn with_picker(
        catalog: Catalog,
        settings: Settings,
        picker: Picker,
        seed: Option<u64>,
        clock: &dyn Clock,
    ) -> Self {
        let mode = Mode::Drill {
            picker,
            screen: Screen::Between,
        };
        let mut app = Self::with_mode(catalog, settings, mode, seed);
        app.start_attempt(Now::read(clock));
        app
    }

    /// An interview loop: opens on the first interviewer's introduction.
    pub fn interview(
        catalog: Catalog,
        settings: Settings,
        plan: LoopPlan,
        loop_settings: LoopSettings,
        seed: Option<u64>,
        clock: &dyn Clock,
    ) -> Self {
        let now = Now::read(clock);
        let mut ids = id_stream(seed);
        let interview = InterviewLoop::new(
            new_id(&mut ids),
            plan,
            loop_settings.follow_up_secs,
            now.wall,
            now.mono,
        );
        let run = LoopRun {
            interview,
            stage: Stage::RoundIntro,
            rng: seeded(seed),
            candidate: loop_settings.candidate,
        };
        let mut app = Self::with_mode(catalog, settings, Mode::Loop(run), seed);
        app.ids = ids;
        app
    }

    fn with_mode(catalog: Catalog, settings: Settings, mode: Mode, seed: Option<u64>) -> Self {
        Self {
            catalog,
            settings,
            mode,
            focus: Focus::Checklist,
            help_open: false,
            status: None,
            completed: 0,
            saved: Vec::new(),
            unsaved: Vec::new(),
            unsaved_loop: None,
            should_quit: false,
            too_small: false,
            sound: Sound::default(),
            playback: None,
            heard: Heard::default(),
            mic_fault_shown: false,
            scribe: None,
            transcripts: Vec::new(),
            ids: id_stream(seed),
        }
    }

    /// Gives the app its microphone and speaker (the cli's devices, or a
    /// test's fakes). An answer already under way starts recording now.
    pub fn set_sound(&mut self, sound: Sound, clock: &dyn Clock) {
        self.sound = sound;
        self.tend_sound(Now::read(clock));
    }

    /// Gives the app its transcriber: each recorded answer from now on is
    /// transcribed in the background.
    pub fn set_scribe(&mut self, scribe: Box<dyn Scribe>) {
        self.scribe = Some(scribe);
    }

    /// Hands the answer on screen, just recorded, to the transcriber.
    fn transcribe_answer(&mut self) {
        let Some(scribe) = self.scribe.as_mut() else {
            return;
        };
        let catalog = &self.catalog;
        let job = match &self.mode {
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            }
            | Mode::Loop(LoopRun {
                stage: Stage::Question(Screen::Answering(a)),
                ..
            }) => match &a.rec {
                Rec::Saved { file, .. } => ScribeJob {
                    log_file: format!("{}.toml", a.file_stem()),
                    audio_file: file.clone(),
                    steps: a.logged_steps(catalog),
                },
                _ => return,
            },
            _ => return,
        };
        let log_file = job.log_file.clone();
        let steps = job.steps.clone();
        match scribe.submit(job) {
            Ok(()) => self.transcripts.push(Transcribing {
                log_file,
                steps,
                state: Scribed::Queued,
            }),
            Err(line) => {
                self.status = Some(Status {
                    text: format!("No transcript: {line}"),
                    is_error: true,
                });
            }
        }
    }

    /// Takes in what the transcriber has to say; a failure is shown once.
    fn tend_scribe(&mut self) {
        let Some(scribe) = self.scribe.as_mut() else {
            return;
        };
        while let Some(news) = scribe.poll() {
            let Some(job) = self
                .transcripts
                .iter_mut()
                .find(|t| t.log_file == news.log_file())
            else {
                continue;
            };
            job.apply(news);
            if let Scribed::Failed(error) = &job.state {
                self.status = Some(Status {
                    text: format!("No transcript of this answer: {error}"),
                    is_error: true,
                });
            }
        }
    }

    /// The transcript of the attempt on screen, as far as it has come.
    pub fn transcript_of_attempt(&self) -> Option<&Transcribing> {
        let stem = self.attempt()?.file_stem();
        self.transcripts
            .iter()
            .find(|t| crate::domain::transcript::log_stem(&t.log_file) == stem)
    }

    /// The transcript's cues for the attempt on screen, once it is ready.
    pub fn cues_of_attempt(&self) -> Option<&crate::domain::cues::Cues> {
        match &self.transcript_of_attempt()?.state {
            Scribed::Ready(cues) => Some(cues),
            _ => None,
        }
    }

    /// The status line's note on transcripts: the one under way, or how the
    /// attempt on screen's came out.
    pub fn scribe_note(&self) -> Option<String> {
        let pending = self.transcripts.iter().filter(|t| t.is_pending()).count();
        let working = self.transcripts.iter().find(|t| t.is_pending());
        let queued = match pending {
            0 | 1 => String::new(),
            n => format!(" ({} more queued)", n - 1),
        };
        let on_screen = self.transcript_of_attempt();
        match (on_screen.map(|t| &t.state), working) {
            (Some(Scribed::Ready(_)), _) if pending == 0 => {
                Some("Transcript ready: the rubric shows what it heard".into())
            }
            (Some(Scribed::Ready(_)), Some(_)) => Some(format!(
                "Transcript ready: the rubric shows what it heard · another in progress{queued}"
            )),
            (_, Some(t)) => Some(match t.state {
                Scribed::Working(p) => format!("Transcribing the answer… {p}%{queued}"),
                _ => format!("Transcript queued{queued}"),
            }),
            _ => None,
        }
    }

    /// The answer or probe being spoken now, and its recording.
    fn live_take(mode: &mut Mode) -> Option<LiveTake<'_>> {
        match mode {
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            }
            | Mode::Loop(LoopRun {
                stage: Stage::Question(Screen::Answering(a)),
                ..
            }) => {
                let (rec, countdown, answer_stem) = a.live_parts();
                Some(LiveTake {
                    rec,
                    countdown,
                    answer_stem,
                    probe: None,
                })
            }
            Mode::Loop(LoopRun {
                stage: Stage::Probe(a, probe),
                ..
            }) => Some(LiveTake {
                answer_stem: a.file_stem(),
                probe: Some(probe.number),
                rec: &mut probe.rec,
                countdown: &probe.countdown,
            }),
            _ => None,
        }
    }

    /// The recording of the answer or probe being spoken now, if any is on screen.
    pub fn live_rec(&self) -> Option<&Rec> {
        match &self.mode {
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            }
            | Mode::Loop(LoopRun {
                stage: Stage::Question(Screen::Answering(a)),
                ..
            }) => Some(&a.rec),
            Mode::Loop(LoopRun {
                stage: Stage::Probe(_, probe),
                ..
            }) => Some(&probe.rec),
            _ => None,
        }
    }

    /// The level meter's reading while recording (not while paused).
    pub fn meter(&self) -> Option<f32> {
        let (rec, countdown) = match &self.mode {
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            }
            | Mode::Loop(LoopRun {
                stage: Stage::Question(Screen::Answering(a)),
                ..
            }) => (&a.rec, &a.countdown),
            Mode::Loop(LoopRun {
                stage: Stage::Probe(_, probe),
                ..
            }) => (&probe.rec, &probe.countdown),
            _ => return None,
        };
        if !rec.is_on() || countdown.is_paused() {
            return None;
        }
        Some(self.heard.mic_level.unwrap_or(0.0))
    }

    /// Whether the replay on the wrap-up card is playing, as of the last message.
    pub fn replay_playing(&self) -> bool {
        self.playback.is_some() && self.heard.playing
    }

    /// Seconds into the replay, as of the last message.
    pub fn replay_position(&self) -> f64 {
        self.heard.position
    }

    /// Starts a recording whose countdown has begun, and shows a fault of
    /// the microphone or the speaker once; closes the speaker off the card.
    fn tend_sound(&mut self, now: Now) {
        if let Some(LiveTake {
            rec,
            countdown,
            answer_stem,
            probe,
        }) = Self::live_take(&mut self.mode)
        {
            if *rec == Rec::Waiting && !countdown.is_waiting(now.mono) {
                let stem = match probe {
                    Some(number) => crate::app::interview::probe_stem(answer_stem, number),
                    None => answer_stem.to_string(),
                };
                let late = now.mono.saturating_sub(countdown.started());
                match self.sound.mic.start(&stem, late) {
                    Ok(file) => {
                        *rec = Rec::On { file };
                        self.mic_fault_shown = false;
                        if countdown.is_paused() {
                            self.sound.mic.pause();
                        }
                    }
                    Err(line) => {
                        *rec = Rec::Off;
                        self.status = Some(Status {
                            text: format!("Not recording: {line}. The drill goes on."),
                            is_error: true,
                        });
                    }
                }
            }
            if rec.is_on()
                && !self.mic_fault_shown
                && let Some(line) = self.sound.mic.fault()
            {
                self.mic_fault_shown = true;
                self.status = Some(Status {
                    text: format!(
                        "Recording stopped: {line}. The drill goes on; what was recorded is kept."
                    ),
                    is_error: true,
                });
            }
        }
        if self.playback.is_some() {
            if !matches!(self.screen(), Some(Screen::WrapUp(..))) {
                self.sound.speaker.close();
                self.playback = None;
            } else if let Some(line) = self.sound.speaker.fault() {
                self.sound.speaker.close();
                self.playback = None;
                self.status = Some(Status {
                    text: format!("Playback stopped: {line}"),
                    is_error: true,
                });
            }
        }
        self.heard = Heard {
            mic_level: self.sound.mic.level(),
            playing: self.sound.speaker.is_playing(),
            position: self.sound.speaker.position(),
        };
    }

    /// Stops the recording of the answer or probe on screen and keeps it;
    /// an answer's delivery is measured from it there and then.
    fn stop_recording(&mut self) {
        let catalog = &self.catalog;
        let (rec, steps) = match &mut self.mode {
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            }
            | Mode::Loop(LoopRun {
                stage: Stage::Question(Screen::Answering(a)),
                ..
            }) => {
                let steps = a.logged_steps(catalog);
                (&mut a.rec, Some(steps))
            }
            Mode::Loop(LoopRun {
                stage: Stage::Probe(_, probe),
                ..
            }) => (&mut probe.rec, None),
            _ => return,
        };
        match rec {
            Rec::On { .. } => {}
            Rec::Waiting => {
                *rec = Rec::Off;
                return;
            }
            Rec::Off | Rec::Saved { .. } => return,
        }
        match self.sound.mic.stop() {
            Some(Ok(recorded)) => {
                let delivery = steps.map(|steps| Box::new(recorded.envelope.analyze(&steps)));
                if let Some(line) = recorded.interrupted
                    && !self.mic_fault_shown
                {
                    self.status = Some(Status {
                        text: format!("Recording cut short: {line}. What came before is kept."),
                        is_error: true,
                    });
                }
                *rec = Rec::Saved {
                    file: recorded.file,
                    delivery,
                };
            }
            Some(Err(line)) => {
                *rec = Rec::Off;
                self.status = Some(Status {
                    text: format!("Recording not kept: {line}"),
                    is_error: true,
                });
            }
            None => *rec = Rec::Off,
        }
    }

    /// p on the wrap-up card: plays the recorded answer, or pauses it.
    fn toggle_replay(&mut self) {
        let Some(file) = self
            .attempt()
            .and_then(|a| a.rec.file())
            .map(str::to_string)
        else {
            self.status = Some(Status {
                text: "This answer was not recorded (--record, or record = true in config.toml)"
                    .into(),
                is_error: false,
            });
            return;
        };
        let speaker = &mut self.sound.speaker;
        if self.playback.as_ref().is_some_and(|p| p.file == file) {
            if speaker.is_playing() {
                speaker.pause();
            } else {
                speaker.play();
            }
            return;
        }
        match speaker.open(&file) {
            Ok(secs) => {
                speaker.play();
                self.playback = Some(Playback { file, secs });
            }
            Err(line) => {
                self.status = Some(Status {
                    text: format!("Cannot play the answer: {line}"),
                    is_error: true,
                });
            }
        }
    }

    /// Whether the answer or probe on screen is being recorded (not paused).
    fn recording_now(&self) -> bool {
        self.meter().is_some()
    }

    /// The interview loop, when this sitting is one.
    pub fn interview_loop(&self) -> Option<&InterviewLoop> {
        match &self.mode {
            Mode::Loop(run) => Some(&run.interview),
            Mode::Drill { .. } => None,
        }
    }

    /// The shared question screen, unless a loop-only stage is showing.
    pub fn screen(&self) -> Option<&Screen> {
        match &self.mode {
            Mode::Drill { screen, .. } => Some(screen),
            Mode::Loop(run) => match &run.stage {
                Stage::Question(screen) => Some(screen),
                _ => None,
            },
        }
    }

    fn screen_mut(&mut self) -> Option<&mut Screen> {
        match &mut self.mode {
            Mode::Drill { screen, .. } => Some(screen),
            Mode::Loop(run) => match &mut run.stage {
                Stage::Question(screen) => Some(screen),
                _ => None,
            },
        }
    }

    /// Why the current question came up, in weak mode.
    pub fn reason(&self) -> Option<&str> {
        match &self.mode {
            Mode::Drill { picker, screen } => picker.reason(screen.attempt()?.question),
            Mode::Loop(_) => None,
        }
    }

    /// The loop's record, naming the sessions saved so far.
    pub fn loop_record(&self) -> Option<LoopRecord> {
        self.interview_loop().map(InterviewLoop::record)
    }

    pub fn on_loop_saved(&mut self, record: LoopRecord, result: Result<PathBuf, String>) {
        match result {
            Ok(path) => {
                if let Mode::Loop(run) = &mut self.mode {
                    run.interview.record_path = Some(path);
                }
                self.unsaved_loop = None;
            }
            Err(err) => {
                self.status = Some(Status {
                    text: format!(
                        "Could not save the loop record: {err}. It will be printed when you quit."
                    ),
                    is_error: true,
                });
                self.unsaved_loop = Some((record, err));
            }
        }
    }

    pub fn pool_len(&self) -> usize {
        match &self.mode {
            Mode::Drill { picker, .. } => picker.pool_len(),
            Mode::Loop(run) => run.interview.plan.question_count(),
        }
    }

    pub fn attempt(&self) -> Option<&Attempt> {
        match &self.mode {
            Mode::Drill { screen, .. } => screen.attempt(),
            Mode::Loop(run) => run.attempt(),
        }
    }

    fn attempt_mut(&mut self) -> Option<&mut Attempt> {
        match &mut self.mode {
            Mode::Drill { screen, .. } => screen.attempt_mut(),
            Mode::Loop(run) => run.attempt_mut(),
        }
    }

    /// The seeded stream follow-ups and replacements are drawn from.
    fn rng(&mut self) -> &mut StdRng {
        match &mut self.mode {
            Mode::Drill { picker, .. } => picker.rng(),
            Mode::Loop(run) => &mut run.rng,
        }
    }

    /// True once `--count` answers are done: the next Enter quits.
    pub fn is_last(&self) -> bool {
        self.settings.count.is_some_and(|n| self.completed >= n)
    }

    /// The note-taking keys of the screen on show.
    pub fn notes_keys(&self) -> &'static Keymap<Notes> {
        match self.screen() {
            Some(Screen::WrapUp(..)) => &CARD_NOTES_KEYS,
            _ => &NOTES_KEYS,
        }
    }

    /// When the loop must wake even without input: the countdown's next
    /// second, and while recording or playing, the meter's or playhead's
    /// next frame.
    pub fn next_deadline(&self, now: Duration) -> Option<Duration> {
        let countdown = self.countdown_deadline(now);
        let meter = self.recording_now().then_some(METER_EVERY);
        let scribe = self
            .transcripts
            .iter()
            .any(Transcribing::is_pending)
            .then_some(POLL_EVERY);
        let playhead =
            (self.playback.is_some() && self.sound.speaker.is_playing()).then_some(PLAYHEAD_EVERY);
        [countdown, meter, playhead, scribe]
            .into_iter()
            .flatten()
            .min()
    }

    fn countdown_deadline(&self, now: Duration) -> Option<Duration> {
        match &self.mode {
            Mode::Loop(run) => match &run.stage {
                Stage::Probe(_, probe) => probe.countdown.until_next_change(now),
                Stage::Question(Screen::Answering(a)) => a.countdown.until_next_change(now),
                _ => None,
            },
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            } => a.countdown.until_next_change(now),
            Mode::Drill { .. } => None,
        }
    }

    /// Reads the clock once: every step of one message sees the same time.
    pub fn update(&mut self, msg: Msg, clock: &dyn Clock) -> Vec<Effect> {
        let now = Now::read(clock);
        let mut effects = Vec::new();
        match msg {
            Msg::Tick | Msg::Resize => {}
            Msg::Terminate => self.quit(now, &mut effects),
            Msg::Paste(text) => {
                if self.focus == Focus::Notes
                    && let Some(a) = self.attempt_mut()
                    && let Err(why) = text_box::paste(a.notes_mut(), &text)
                {
                    self.status = Some(Status {
                        text: why,
                        is_error: true,
                    });
                }
            }
            Msg::Key(key) if key.kind != KeyEventKind::Release => {
                self.on_key(key, now, &mut effects)
            }
            Msg::Key(_) => {}
            Msg::Typed(text) => {
                if self.focus == Focus::Notes && !self.too_small {
                    return self.update(Msg::Paste(text), clock);
                }
                for key in keys_typed(&text) {
                    self.on_key(key, now, &mut effects);
                    if self.should_quit {
                        break;
                    }
                }
            }
        }
        self.ring_bell_if_due(now.mono, &mut effects);
        self.tend_sound(now);
        self.tend_scribe();
        effects
    }

    /// Records the result of a `Save` effect.
    pub fn on_saved(&mut self, log: SessionLog, result: Result<PathBuf, String>) {
        match result {
            Ok(path) => {
                if let Mode::Loop(run) = &mut self.mode
                    && let Some(name) = path.file_name().and_then(|n| n.to_str())
                {
                    run.on_session_saved(&log, name);
                }
                self.status = Some(Status {
                    text: format!("Saved {}", path.display()),
                    is_error: false,
                });
                self.saved.push(path);
            }
            Err(err) => {
                self.status = Some(Status {
                    text: format!(
                        "Could not save this attempt: {err}. It will be printed when you quit."
                    ),
                    is_error: true,
                });
                self.unsaved.push(Unsaved { log, error: err });
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        if let Some(Global::Quit) = GLOBAL_KEYS.action(&key) {
            self.quit(now, effects);
            return;
        }
        if self.too_small {
            if TOO_SMALL_KEYS.action(&key).is_some() {
                self.quit(now, effects);
            }
            return;
        }
        if self.help_open {
            self.help_open = false;
            return;
        }
        if self.focus == Focus::Notes {
            self.on_notes_key(key, now, effects);
            return;
        }
        let stage = match &self.mode {
            Mode::Drill { .. } => None,
            Mode::Loop(run) => match &run.stage {
                Stage::Question(_) => None,
                Stage::RoundIntro => Some(LoopStage::RoundIntro),
                Stage::Probe(..) => Some(LoopStage::Probe),
                Stage::Closing => Some(LoopStage::Closing),
                Stage::Summary => Some(LoopStage::Summary),
            },
        };
        match stage {
            Some(LoopStage::RoundIntro) => match ROUND_INTRO_KEYS.action(&key) {
                Some(RoundIntro::Begin) => self.start_attempt(now),
                Some(RoundIntro::Help) => self.help_open = true,
                Some(RoundIntro::Quit) => self.quit(now, effects),
                None => {}
            },
            Some(LoopStage::Closing) => match CLOSING_KEYS.action(&key) {
                Some(Closing::Next) => {
                    if let Mode::Loop(run) = &mut self.mode {
                        run.stage = Stage::Summary;
                    }
                }
                Some(Closing::Help) => self.help_open = true,
                // The loop and its record are complete: leaving loses nothing.
                Some(Closing::Quit) => self.should_quit = true,
                None => {}
            },
            Some(LoopStage::Summary) => match SUMMARY_KEYS.action(&key) {
                Some(Summary::Finish) => self.should_quit = true,
                Some(Summary::Help) => self.help_open = true,
                None => {}
            },
            Some(LoopStage::Probe) => self.on_probe_key(key, now, effects),
            None => match self.screen() {
                Some(Screen::Answering(_)) => self.on_answering_key(key, now, effects),
                Some(Screen::WrapUp(..)) => self.on_wrap_up_key(key, now, effects),
                Some(Screen::Between) | None => self.on_between_key(key, now, effects),
            },
        }
    }

    fn on_notes_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        match self.notes_keys().action(&key) {
            Some(Notes::Leave) => self.set_focus(Focus::Checklist),
            Some(Notes::Quit) => self.quit(now, effects),
            None => {
                if let Some(a) = self.attempt_mut()
                    && let Err(why) = text_box::type_key(a.notes_mut(), key)
                {
                    self.status = Some(Status {
                        text: why,
                        is_error: true,
                    });
                }
            }
        }
    }

    fn on_between_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        match BETWEEN_KEYS.action(&key) {
            Some(Between::NextOrQuit) if self.is_last() => self.quit(now, effects),
            Some(Between::Next | Between::NextOrQuit) if !self.is_last() => self.start_attempt(now),
            Some(Between::Help) => self.help_open = true,
            Some(Between::Quit) => self.quit(now, effects),
            _ => {}
        }
    }

    fn on_answering_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        let Some(action) = ANSWERING_KEYS.action(&key) else {
            return;
        };
        let steps = self.step_count();
        let frameworks = self.catalog.frameworks.len();
        let Some(Screen::Answering(attempt)) = self.screen_mut() else {
            return;
        };
        let paused = attempt.countdown.is_paused();
        if attempt.countdown.is_waiting(now.mono) {
            // Think time: Space or Enter starts the answer; ticking waits.
            match action {
                Answering::Tick | Answering::Finish => {
                    attempt.countdown.start_now(now.mono);
                    return;
                }
                Answering::Toggle | Answering::Pause => return,
                _ => {}
            }
        }
        match action {
            Answering::Tick | Answering::Toggle if paused => {
                self.status = Some(Status {
                    text: "Paused: press p to resume before ticking steps".into(),
                    is_error: false,
                });
            }
            Answering::Tick => {
                attempt.tick_next(steps, now.mono);
            }
            Answering::Toggle => {
                if let KeyCode::Char(digit) = key.code {
                    let index = (digit as usize).saturating_sub('1' as usize);
                    if index < steps {
                        attempt.toggle(index, now.mono);
                    }
                }
            }
            Answering::Pause if paused => {
                attempt.countdown.resume(now.mono);
                if attempt.rec.is_on() {
                    self.sound.mic.resume();
                }
            }
            Answering::Pause => {
                attempt.countdown.pause(now.mono);
                if attempt.rec.is_on() {
                    self.sound.mic.pause();
                }
            }
            Answering::Finish => self.finish_answer(now),
            Answering::Notes => self.set_focus(Focus::Notes),
            Answering::Skip => self.skip(now, effects),
            Answering::Framework => {
                attempt.framework = (attempt.framework + 1) % frameworks;
                let framework = attempt.framework;
                let name = &self.catalog.frameworks.get(framework).name;
                self.status = Some(Status {
                    text: format!("Checklist switched to {name}"),
                    is_error: false,
                });
            }
            Answering::Help => self.help_open = true,
            Answering::Quit => self.quit(now, effects),
        }
    }

    fn on_wrap_up_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        let Some(action) = WRAP_UP_KEYS.action(&key) else {
            return;
        };
        let Some(Screen::WrapUp(attempt, wrap)) = self.screen_mut() else {
            return;
        };
        match action {
            Card::Rate => {
                if let KeyCode::Char(digit) = key.code {
                    wrap.rating = Some(digit as u8 - b'0');
                }
            }
            Card::Up => wrap.cursor = wrap.cursor.saturating_sub(1),
            Card::Down => wrap.cursor = (wrap.cursor + 1).min(Rubric::LEN - 1),
            Card::Tick => wrap.rubric.toggle(wrap.cursor),
            Card::Story => {
                let (question, current) = (attempt.question, wrap.story.take());
                let principles = &self.catalog.bank.get(question).principles;
                let order = self.catalog.stories.story_order(principles);
                let story = next_story(&order, current.as_deref());
                self.status = self.story_warning(story.as_deref());
                if let Some(Screen::WrapUp(_, wrap)) = self.screen_mut() {
                    wrap.story = story;
                }
            }
            Card::Notes => self.set_focus(Focus::Notes),
            Card::Play => self.toggle_replay(),
            Card::Save => {
                let log = self.save_current(Outcome::Completed, now);
                self.completed += 1;
                if let Some(screen) = self.screen_mut() {
                    *screen = Screen::Between;
                }
                if let Some(log) = log {
                    if let Mode::Loop(run) = &mut self.mode
                        && run.advance(&log, now.mono)
                    {
                        effects.push(Effect::Save(Box::new(log)));
                        effects.push(Effect::SaveLoop);
                        return;
                    }
                    effects.push(Effect::Save(Box::new(log)));
                }
            }
            Card::Help => self.help_open = true,
            Card::Quit => self.quit(now, effects),
        }
    }

    fn on_probe_key(&mut self, key: KeyEvent, now: Now, effects: &mut Vec<Effect>) {
        let Some(action) = PROBE_KEYS.action(&key) else {
            return;
        };
        let Mode::Loop(run) = &mut self.mode else {
            return;
        };
        let Stage::Probe(_, probe) = &mut run.stage else {
            return;
        };
        match action {
            ProbeKey::Done => self.finish_probe(now),
            ProbeKey::Pause if probe.countdown.is_paused() => {
                probe.countdown.resume(now.mono);
                if probe.rec.is_on() {
                    self.sound.mic.resume();
                }
            }
            ProbeKey::Pause => {
                probe.countdown.pause(now.mono);
                if probe.rec.is_on() {
                    self.sound.mic.pause();
                }
            }
            ProbeKey::Notes => self.set_focus(Focus::Notes),
            ProbeKey::Help => self.help_open = true,
            ProbeKey::Quit => self.quit(now, effects),
        }
    }

    /// In a loop, a story already told to an earlier interviewer: they
    /// compare notes in the debrief, so each should hear a different one.
    fn story_warning(&self, story: Option<&str>) -> Option<Status> {
        let (Mode::Loop(run), Some(id)) = (&self.mode, story) else {
            return None;
        };
        let (round, interviewer) = run.heard_before(id)?;
        let title = self
            .catalog
            .stories
            .get(id)
            .map_or(id, |s| s.title.as_str());
        Some(Status {
            text: format!(
                "⚠ \"{title}\" was told to the {interviewer} in round {round}: interviewers compare notes in the debrief, so tell each a different story"
            ),
            is_error: false,
        })
    }

    /// Stories proving the current question's principles, for the checklist.
    pub fn stories_for_question(&self) -> Vec<&crate::domain::story::Story> {
        self.attempt().map_or_else(Vec::new, |a| {
            let question = self.catalog.bank.get(a.question);
            self.catalog.stories.proving(&question.principles).collect()
        })
    }

    fn step_count(&self) -> usize {
        self.attempt()
            .map_or(0, |a| self.catalog.frameworks.get(a.framework).steps.len())
    }

    fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
        let cursor = match focus {
            Focus::Notes => Style::default().add_modifier(Modifier::REVERSED),
            Focus::Checklist => Style::default(),
        };
        if let Some(a) = self.attempt_mut() {
            a.notes_mut().set_cursor_style(cursor);
        }
    }

    fn start_attempt(&mut self, now: Now) {
        let next = match &mut self.mode {
            Mode::Drill { picker, .. } => picker.next_question(),
            Mode::Loop(run) => run.interview.current_question(),
        };
        let Some(question) = next else {
            self.should_quit = true;
            return;
        };
        let limit = Duration::from_secs(self.settings.seconds);
        // With think time the countdown starts in the future; until then the
        // candidate is thinking.
        let starts = now.mono + Duration::from_secs(self.settings.think_secs);
        let mut attempt = Attempt::new(
            new_id(&mut self.ids),
            question,
            self.settings.framework,
            limit,
            now.mono,
            starts,
            now.wall,
        );
        if self.settings.record {
            attempt.rec = Rec::Waiting;
        }
        match &mut self.mode {
            Mode::Drill { screen, .. } => *screen = Screen::Answering(attempt),
            Mode::Loop(run) => run.stage = Stage::Question(Screen::Answering(attempt)),
        }
        self.set_focus(Focus::Checklist);
        self.help_open = false;
        if self.status.as_ref().is_some_and(|s| !s.is_error) {
            self.status = None;
        }
    }

    fn skip(&mut self, now: Now, effects: &mut Vec<Effect>) {
        self.stop_recording();
        if let Some(log) = self.save_current(Outcome::Skipped, now) {
            effects.push(Effect::Save(Box::new(log)));
        }
        if let Mode::Loop(run) = &mut self.mode {
            run.replace_current(&self.catalog.bank);
        }
        self.start_attempt(now);
    }

    /// Takes the attempt off the screen it is on (leaving `Between`).
    fn take_attempt(&mut self) -> Option<Attempt> {
        let screen = self.screen_mut()?;
        match std::mem::replace(screen, Screen::Between) {
            Screen::Answering(attempt) => Some(attempt),
            other => {
                *screen = other;
                None
            }
        }
    }

    fn finish_answer(&mut self, now: Now) {
        if let Some(Screen::Answering(a)) = self.screen_mut() {
            a.countdown.stop(now.mono);
        }
        self.stop_recording();
        self.transcribe_answer();
        let Some(mut attempt) = self.take_attempt() else {
            return;
        };
        attempt.countdown.stop(now.mono);
        let question = attempt.question;
        if let Mode::Loop(run) = &mut self.mode {
            let follow_ups = loop_follow_ups(&self.catalog, question, &mut run.rng);
            let limits = ProbeLimits {
                probe: Duration::from_secs(run.interview.follow_up_secs),
                new_story: Duration::from_secs(self.settings.seconds),
            };
            if let Some(mut probe) = Probe::start(follow_ups, limits, now.mono) {
                if self.settings.record {
                    probe.rec = Rec::Waiting;
                }
                run.stage = Stage::Probe(attempt, probe);
                self.set_focus(Focus::Checklist);
                return;
            }
        }
        let count = self.catalog.bank.get(question).follow_ups.len();
        let follow_up = pick_index(self.rng(), count)
            .map(|i| self.catalog.bank.get(question).follow_ups[i].to_string());
        self.open_wrap_up(attempt, follow_up, None, Vec::new(), now);
    }

    fn open_wrap_up(
        &mut self,
        attempt: Attempt,
        follow_up: Option<String>,
        probe_secs: Option<f64>,
        probes: Vec<LoggedProbe>,
        now: Now,
    ) {
        let rubric = Rubric {
            finished_in_time: !attempt.countdown.is_over(now.mono),
            ..Rubric::default()
        };
        let card = Screen::WrapUp(
            attempt,
            WrapUp {
                rating: None,
                rubric,
                cursor: 0,
                follow_up,
                story: None,
                probe_secs,
                probes,
            },
        );
        match &mut self.mode {
            Mode::Drill { screen, .. } => *screen = card,
            Mode::Loop(run) => run.stage = Stage::Question(card),
        }
        // Notes like "switched to SPSIL" belong to the answer, not the card.
        if self.status.as_ref().is_some_and(|s| !s.is_error) {
            self.status = None;
        }
        self.set_focus(Focus::Checklist);
    }

    /// Enter on a probe: the next one on the same story, or the wrap-up
    /// card once the last is answered.
    fn finish_probe(&mut self, now: Now) {
        if let Mode::Loop(LoopRun {
            stage: Stage::Probe(_, probe),
            ..
        }) = &mut self.mode
        {
            probe.countdown.stop(now.mono);
        }
        self.stop_recording();
        let seconds = self.settings.seconds;
        let Mode::Loop(run) = &mut self.mode else {
            return;
        };
        let limits = ProbeLimits {
            probe: Duration::from_secs(run.interview.follow_up_secs),
            new_story: Duration::from_secs(seconds),
        };
        if let Stage::Probe(_, probe) = &mut run.stage
            && probe.advance(limits, now.mono)
        {
            return;
        }
        let Stage::Probe(attempt, probe) =
            std::mem::replace(&mut run.stage, Stage::Question(Screen::Between))
        else {
            return;
        };
        let asked = probe.asked;
        let first = asked.first().map(|p| p.question.clone());
        let total: f64 = asked.iter().map(|p| p.secs).sum();
        self.open_wrap_up(attempt, first, Some(tenths(total)), asked, now);
    }

    /// The log of the attempt on screen, as it stands.
    fn save_current(&mut self, outcome: Outcome, now: Now) -> Option<SessionLog> {
        let catalog = &self.catalog;
        let mut log = match &self.mode {
            Mode::Loop(run) => match &run.stage {
                Stage::Probe(a, probe) => {
                    let probes = probe.logged(Some(now.mono));
                    let total: f64 = probes.iter().map(|p| p.secs).sum();
                    let wrap = WrapUp {
                        rating: None,
                        rubric: Rubric::default(),
                        cursor: 0,
                        follow_up: probes.first().map(|p| p.question.clone()),
                        story: None,
                        probe_secs: Some(tenths(total)),
                        probes,
                    };
                    a.to_log(catalog, outcome, Some(&wrap), now.mono)
                }
                Stage::Question(screen) => screen_log(screen, catalog, outcome, now)?,
                Stage::RoundIntro | Stage::Closing | Stage::Summary => return None,
            },
            Mode::Drill { screen, .. } => screen_log(screen, catalog, outcome, now)?,
        };
        if let Mode::Loop(run) = &self.mode {
            log.loop_id = Some(run.interview.id.clone());
            log.round = u32::try_from(run.interview.round + 1).ok();
        }
        Some(log)
    }

    /// Leaving never loses an answer: mid-answer it is saved as abandoned,
    /// on the wrap-up card as completed with whatever was filled in.
    fn quit(&mut self, now: Now, effects: &mut Vec<Effect>) {
        let answering = matches!(self.screen(), Some(Screen::Answering(_)));
        self.stop_recording();
        let outcome = if answering {
            Outcome::Abandoned
        } else {
            Outcome::Completed
        };
        let log = self.save_current(outcome, now);
        if log.is_some() && !answering {
            self.completed += 1;
        }
        if let Mode::Loop(run) = &mut self.mode {
            let record = run.abandon(log.as_ref(), now.mono);
            run.stage = Stage::Question(Screen::Between);
            effects.extend(log.map(|l| Effect::Save(Box::new(l))));
            if record {
                effects.push(Effect::SaveLoop);
            }
        } else {
            effects.extend(log.map(|l| Effect::Save(Box::new(l))));
            if let Some(screen) = self.screen_mut() {
                *screen = Screen::Between;
            }
        }
        self.should_quit = true;
    }

    fn ring_bell_if_due(&mut self, now: Duration, effects: &mut Vec<Effect>) {
        let (countdown, rung) = match &mut self.mode {
            Mode::Loop(run) => match &mut run.stage {
                Stage::Probe(_, p) => (&p.countdown, &mut p.bell_rung),
                Stage::Question(Screen::Answering(a)) => (&a.countdown, &mut a.bell_rung),
                _ => return,
            },
            Mode::Drill {
                screen: Screen::Answering(a),
                ..
            } => (&a.countdown, &mut a.bell_rung),
            Mode::Drill { .. } => return,
        };
        if !*rung && countdown.is_over(now) {
            *rung = true;
            if self.settings.bell {
                effects.push(Effect::Bell);
            }
        }
    }
}

/// The loop-only stages, for dispatching keys without holding a borrow.
enum LoopStage {
    RoundIntro,
    Probe,
    Closing,
    Summary,
}

fn screen_log(
    screen: &Screen,
    catalog: &Catalog,
    outcome: Outcome,
    now: Now,
) -> Option<SessionLog> {
    match screen {
        Screen::Answering(a) => Some(a.to_log(catalog, outcome, None, now.mono)),
        Screen::WrapUp(a, w) => Some(a.to_log(catalog, outcome, Some(w), now.mono)),
        Screen::Between => None,
    }
}

fn seeded(seed: Option<u64>) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_os_rng(),
    }
}

/// Session ids: seeded apart from the question order, so drawing an id
/// never changes which question comes next.
fn id_stream(seed: Option<u64>) -> StdRng {
    seeded(seed.map(|s| s ^ 0x5e55_1011_d5ee_d5ee))
}

/// Seconds rounded to a tenth, as logs keep them.
fn tenths(secs: f64) -> f64 {
    (secs * 10.0).round() / 10.0
}

/// The follow-ups a loop's interviewer asks after an answer to `question`:
/// two or three probes digging into the same story, and now and then a
/// request for another story (with a full answer's time).
fn loop_follow_ups(catalog: &Catalog, question: usize, rng: &mut StdRng) -> Vec<FollowUp> {
    use rand::Rng;
    let question = catalog.bank.get(question);
    let depth = rng.random_range(2..=3);
    let mut follow_ups: Vec<FollowUp> = catalog
        .interviewer
        .layered_probes(question, depth, rng)
        .into_iter()
        .map(|question| FollowUp {
            question,
            new_story: false,
        })
        .collect();
    let new_story = &question.new_story_follow_ups;
    if !new_story.is_empty() && rng.random_bool(1.0 / 3.0) {
        let pick = rng.random_range(0..new_story.len());
        follow_ups.push(FollowUp {
            question: new_story[pick].to_string(),
            new_story: true,
        });
    }
    follow_ups
}

/// A random index below `len`, from the given seeded stream.
fn pick_index(rng: &mut StdRng, len: usize) -> Option<usize> {
    use rand::Rng;
    (len > 0).then(|| rng.random_range(0..len))
}

/// The key presses that typed `text`: its characters, with '\n' as Enter.
pub fn keys_typed(text: &str) -> impl Iterator<Item = KeyEvent> + '_ {
    text.chars().map(|c| {
        let code = match c {
            '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        KeyEvent::new(code, ratatui::crossterm::event::KeyModifiers::NONE)
    })
}

/// The story after `current` in `order`, wrapping to none after the last.
fn next_story(order: &[String], current: Option<&str>) -> Option<String> {
    let next = match current {
        None => 0,
        Some(id) => order.iter().position(|s| s == id).map_or(0, |i| i + 1),
    };
    order.get(next).cloned()
}

#[cfg(test)]
mod scribe_tests;
#[cfg(test)]
mod sound_tests;
#[cfg(test)]
mod tests;

/// The answer or probe being spoken now: its recording, its countdown, and
/// what its recording is named after.
struct LiveTake<'a> {
    rec: &'a mut Rec,
    countdown: &'a Countdown,
    /// The answer's log file stem.
    answer_stem: &'a str,
    /// The follow-up's number, when a follow-up is being spoken.
    probe: Option<usize>,
}
