//! The terminal side: a sleeping event loop, input and signal threads, and a
//! terminal that is given back on every exit path.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;

use std::time::Duration;

use ratatui::crossterm::event::{self, Event};
use ratatui::layout::Size;
use ratatui::{DefaultTerminal, Frame, Terminal, backend::Backend};

use crate::app::{App, Effect, Msg};
use crate::domain::clock::Clock;
use crate::domain::interview_loop::LoopRecord;
use crate::storage::sessions::SessionSink;
use crate::ui::{self, theme::Theme};

/// A full-screen program the event loop can drive: pure state that takes
/// messages, returns effects, and draws itself from `&self`. The drill, the
/// story editor and review all run through `run`.
pub trait Program {
    /// The program's own messages: terminal input and signals arrive as
    /// `Msg` and are turned into these; background work sends them directly.
    type Msg: From<Msg> + Send + 'static;
    type Effect;
    fn update(&mut self, msg: Self::Msg, clock: &dyn Clock) -> Vec<Self::Effect>;
    fn draw(&self, frame: &mut Frame, now: Duration, theme: Theme);
    /// When the loop must wake even without input; `None` sleeps until input.
    fn next_deadline(&self, _now: Duration) -> Option<Duration> {
        None
    }
    fn should_quit(&self) -> bool;
    /// Told the terminal's size before each draw and update, for state that
    /// depends on it (how many rows a page of review's list holds).
    fn fit(&mut self, _size: Size) {}
}

/// Runs until the program wants to quit. Sleeps until input, a signal, a
/// background result, or the next moment the screen must change (the
/// countdown's next second): no busy loop.
pub fn run<B: Backend, P: Program>(
    terminal: &mut Terminal<B>,
    program: &mut P,
    events: &Receiver<P::Msg>,
    clock: &dyn Clock,
    theme: Theme,
    perform: &mut dyn FnMut(&mut P, P::Effect),
) -> Result<(), B::Error> {
    while !program.should_quit() {
        program.fit(terminal.size()?);
        if let Err(err) = terminal.draw(|frame| program.draw(frame, clock.now(), theme)) {
            // The terminal is gone (closed window, broken pty): save what
            // there is before reporting the error.
            for effect in program.update(Msg::Terminate.into(), clock) {
                perform(program, effect);
            }
            return Err(err);
        }
        let msg = match program.next_deadline(clock.now()) {
            Some(wait) => match events.recv_timeout(wait) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) => Msg::Tick.into(),
                Err(RecvTimeoutError::Disconnected) => Msg::Terminate.into(),
            },
            None => events.recv().unwrap_or_else(|_| Msg::Terminate.into()),
        };
        program.fit(terminal.size()?);
        for effect in program.update(msg, clock) {
            perform(program, effect);
        }
    }
    Ok(())
}

impl Program for App {
    type Msg = Msg;
    type Effect = Effect;

    fn update(&mut self, msg: Msg, clock: &dyn Clock) -> Vec<Effect> {
        App::update(self, msg, clock)
    }

    fn draw(&self, frame: &mut Frame, now: Duration, theme: Theme) {
        ui::draw(frame, self, now, theme);
    }

    fn next_deadline(&self, now: Duration) -> Option<Duration> {
        App::next_deadline(self, now)
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }
}

/// Where the drill's effects go: session logs, loop records, the bell.
pub struct DrillOutputs<'a> {
    pub sessions: &'a mut dyn SessionSink,
    pub loops: &'a mut dyn FnMut(&LoopRecord) -> Result<std::path::PathBuf, String>,
    pub bell: &'a mut dyn FnMut(),
}

impl DrillOutputs<'_> {
    pub fn perform(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::Save(log) => {
                let result = self.sessions.save(&log).map_err(|e| e.to_string());
                app.on_saved(*log, result);
            }
            Effect::SaveLoop => {
                if let Some(record) = app.loop_record() {
                    let result = (self.loops)(&record);
                    app.on_loop_saved(record, result);
                }
            }
            Effect::Bell => (self.bell)(),
        }
    }
}

/// Why the drill could not start on this terminal.
pub fn check_interactive() -> Result<(), String> {
    if !std::io::stdout().is_terminal() {
        return Err("needs an interactive terminal, but standard output is not one (piped or redirected). \
                    Run it directly in a terminal; `stardrill questions --check FILE` works without one."
            .into());
    }
    if !std::io::stdin().is_terminal() {
        return Err("needs an interactive terminal, but standard input is not one.".into());
    }
    Ok(())
}

/// Forwards terminal events to the loop from a thread that blocks on input.
pub fn spawn_input<M: From<Msg> + Send + 'static>(tx: Sender<M>) {
    thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(Event::Resize(..)) => Msg::Resize,
                Ok(_) => continue,
                Err(_) => Msg::Terminate,
            };
            let stop = msg == Msg::Terminate;
            if tx.send(msg.into()).is_err() || stop {
                break;
            }
        }
    });
}

/// Turns SIGTERM, SIGHUP, SIGINT and SIGQUIT into a `Terminate` message, so the
/// attempt is saved and the terminal restored before the process ends.
pub fn spawn_signals<M: From<Msg> + Send + 'static>(tx: Sender<M>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    thread::spawn(move || {
        for _ in signals.forever() {
            if tx.send(Msg::Terminate.into()).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Gives the terminal back when dropped, whatever path leaves the drill.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        // `ratatui::restore` reports failure on stderr, which panics when the
        // terminal has gone away; a vanished terminal needs no restoring.
        let _ = ratatui::try_restore();
    }
}

/// Runs `body` on the real terminal, restoring it on every exit path.
pub fn with_terminal<T>(
    body: impl FnOnce(&mut DefaultTerminal) -> std::io::Result<T>,
) -> std::io::Result<T> {
    // The guard comes first: if entering the alternate screen fails after
    // raw mode was enabled, raw mode is still undone.
    let _guard = RestoreGuard;
    let mut terminal = ratatui::try_init()?;
    let result = body(&mut terminal);
    // Dropping a terminal whose cursor cannot be shown writes to stderr,
    // which panics on a closed terminal; show it here and skip the drop if
    // that fails.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    result
}

/// Runs a program on the real terminal. `start` gets a sender into the
/// loop's channel before the first frame, for background work whose results
/// arrive as messages (review's loader).
pub fn run_on_terminal<P: Program>(
    program: &mut P,
    clock: &dyn Clock,
    theme: Theme,
    start: impl FnOnce(Sender<P::Msg>),
    perform: &mut dyn FnMut(&mut P, P::Effect),
) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    with_terminal(|terminal| {
        spawn_input(tx.clone());
        start(tx);
        run(terminal, program, &rx, clock, theme, perform)
    })
}

/// Rings the terminal bell.
pub fn ring_bell() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}
