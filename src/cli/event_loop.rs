//! The terminal side: a sleeping event loop, input and signal threads, and a
//! terminal that is given back on every exit path.

use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;

use std::time::Duration;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers,
};
use ratatui::crossterm::execute;
use ratatui::layout::Size;

use super::screen::Screen;
use crate::app::keymap::SUSPEND_KEYS;
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
    fn draw(&self, buf: &mut Buffer, now: Duration, theme: Theme);
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
    terminal: &mut Screen<B>,
    program: &mut P,
    events: &Receiver<P::Msg>,
    control: &Control,
    clock: &dyn Clock,
    theme: Theme,
    perform: &mut dyn FnMut(&mut P, P::Effect),
) -> Result<(), B::Error> {
    // The terminal's size, asked again only after a resize: each ask opens
    // /dev/tty.
    let mut known: Option<Size> = None;
    while !program.should_quit() {
        let drawn = control.size(terminal, &mut known).and_then(|size| {
            program.fit(size);
            terminal.draw(size, |buf| program.draw(buf, clock.now(), theme))
        });
        if let Err(err) = drawn {
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
        if control.suspend.swap(false, Ordering::AcqRel) {
            suspend_process();
            control.ask_repaint();
        }
        if control.repaint.swap(false, Ordering::AcqRel) {
            // What was on screen is gone (the shell used it): a blank frame
            // makes the next one draw every cell, not just what changed. A
            // failure shows at the next draw, which saves before leaving.
            if let Some(size) = known {
                let _ = terminal.draw(size, |_| {});
            }
        }
        // What arrived meanwhile is handled before the next frame: a burst
        // of keys (a paste into a terminal without bracketed paste) costs one
        // redraw, not one per key, and a signal is not kept waiting.
        let mut next = Some(msg);
        while let Some(msg) = next.take() {
            if let Ok(size) = control.size(terminal, &mut known) {
                program.fit(size);
            }
            for effect in program.update(msg, clock) {
                perform(program, effect);
            }
            if !program.should_quit() {
                next = events.try_recv().ok();
            }
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

    fn draw(&self, buf: &mut Buffer, now: Duration, theme: Theme) {
        ui::draw(buf, self, now, theme);
    }

    fn next_deadline(&self, now: Duration) -> Option<Duration> {
        App::next_deadline(self, now)
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }

    fn fit(&mut self, size: Size) {
        self.too_small = !ui::fits(size, (ui::MIN_WIDTH, ui::MIN_HEIGHT));
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
    match std::env::var("TERM") {
        Ok(term) if !term.is_empty() && term != "dumb" => Ok(()),
        found => Err(format!(
            "needs a terminal that can draw a full screen, but TERM is {}. \
             Run it in a terminal emulator, or set TERM (for example TERM=xterm-256color).",
            match found {
                Ok(term) if !term.is_empty() => format!("{term:?}"),
                _ => "not set".to_string(),
            }
        )),
    }
}

/// Forwards terminal events to the loop from a thread that blocks on input.
/// Ctrl-Z (a key in raw mode, not a signal) asks `control` to suspend.
///
/// Characters that arrive together, faster than anyone types (a paste into
/// a terminal without bracketed paste), are sent as one `Msg::Typed`, so a
/// text box takes them in one edit instead of one per character.
pub fn spawn_input<M: From<Msg> + Send + 'static>(tx: Sender<M>, control: Arc<Control>) {
    thread::spawn(move || {
        let mut pending: Option<std::io::Result<Event>> = None;
        loop {
            let event = pending.take().unwrap_or_else(event::read);
            let msg = match event {
                Ok(Event::Key(key)) if SUSPEND_KEYS.action(&key).is_some() => {
                    control.ask_suspend();
                    Msg::Resize
                }
                Ok(Event::Key(key)) => match typed_char(&key) {
                    Some(first) => {
                        let mut run = String::from(first);
                        while event::poll(GATHER).unwrap_or(false) {
                            match event::read() {
                                Ok(Event::Key(next)) if typed_char(&next).is_some() => {
                                    run.extend(typed_char(&next));
                                }
                                other => {
                                    pending = Some(other);
                                    break;
                                }
                            }
                        }
                        if run.chars().count() == 1 {
                            Msg::Key(key)
                        } else {
                            Msg::Typed(run)
                        }
                    }
                    None => Msg::Key(key),
                },
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(Event::Resize(..)) => {
                    control.ask_resize();
                    Msg::Resize
                }
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

/// How long to look for more characters after one: input already waiting
/// is found at once, and a person typing loses no time to it. (A zero wait
/// would not look at all with crossterm's /dev/tty reader.)
const GATHER: Duration = Duration::from_micros(10);

/// The character a plain key press types (Enter as a line break), if any.
fn typed_char(key: &KeyEvent) -> Option<char> {
    let plain =
        key.modifiers.difference(KeyModifiers::SHIFT).is_empty() && key.kind == KeyEventKind::Press;
    match key.code {
        KeyCode::Char(c) if plain => Some(c),
        KeyCode::Enter if plain => Some('\n'),
        _ => None,
    }
}

/// Signals that end a process unless handled: each one saves the attempt
/// and restores the terminal, as SIGTERM does.
const TERMINATING: &[i32] = {
    use signal_hook::consts::signal::*;
    &[
        SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
        SIGXFSZ, SIGIO,
    ]
};

/// Requests from outside the program's messages: stop the process for a
/// while (SIGTSTP, Ctrl-Z), and repaint everything (SIGCONT, after a stop).
#[derive(Debug, Default)]
pub struct Control {
    suspend: AtomicBool,
    repaint: AtomicBool,
    /// The terminal may have another size: set before the `Resize` message
    /// that tells of it is sent.
    resized: AtomicBool,
}

impl Control {
    fn ask_suspend(&self) {
        self.suspend.store(true, Ordering::Release);
    }

    fn ask_repaint(&self) {
        // The window may have changed while the shell had it.
        self.ask_resize();
        self.repaint.store(true, Ordering::Release);
    }

    fn ask_resize(&self) {
        self.resized.store(true, Ordering::Release);
    }

    /// The terminal's size: `known` unless there is none yet or a resize was
    /// reported since, when the terminal is asked.
    fn size<B: Backend>(
        &self,
        terminal: &Screen<B>,
        known: &mut Option<Size>,
    ) -> Result<Size, B::Error> {
        match known {
            Some(size) if !self.resized.swap(false, Ordering::AcqRel) => Ok(*size),
            _ => {
                let size = terminal.size()?;
                *known = Some(size);
                Ok(size)
            }
        }
    }
}

/// Turns terminating signals into a `Terminate` message, so the attempt is
/// saved and the terminal restored before the process ends; SIGTSTP, SIGCONT
/// and SIGWINCH go to `control` (the loop wakes on a `Resize`).
pub fn spawn_signals<M: From<Msg> + Send + 'static>(
    tx: Sender<M>,
    control: Arc<Control>,
) -> std::io::Result<()> {
    use signal_hook::consts::signal::{SIGCONT, SIGTSTP, SIGWINCH};
    let mut wanted = TERMINATING.to_vec();
    // SIGWINCH here as well as in the input thread's reader: this handler is
    // in place before the first frame, the reader's only once it first reads,
    // and the loop asks the window's size only when told it changed.
    wanted.extend([SIGTSTP, SIGCONT, SIGWINCH]);
    let mut signals = signal_hook::iterator::Signals::new(wanted)?;
    thread::spawn(move || {
        for signal in signals.forever() {
            let msg = match signal {
                SIGTSTP => {
                    control.ask_suspend();
                    Msg::Resize
                }
                SIGCONT => {
                    control.ask_repaint();
                    Msg::Resize
                }
                SIGWINCH => {
                    control.ask_resize();
                    Msg::Resize
                }
                _ => Msg::Terminate,
            };
            if tx.send(msg.into()).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Gives the terminal back, stops the whole process (as the shell expects of
/// Ctrl-Z), and when it is continued takes the terminal again.
fn suspend_process() {
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
    let _ = signal_hook::low_level::raise(signal_hook::consts::signal::SIGSTOP);
    // Continued (fg): the screen is the shell's now; take it back.
    let _ = ratatui::crossterm::terminal::enable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    );
}

/// Gives the terminal back when dropped, whatever path leaves the drill.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        // `ratatui::restore` reports failure on stderr, which panics when the
        // terminal has gone away; a vanished terminal needs no restoring.
        let _ = ratatui::try_restore();
    }
}

/// The real terminal: standard output through a buffer that holds a whole
/// frame, so a frame leaves in one write (standard output's own buffer holds
/// 1 KB: a first 120×40 frame took over a dozen writes), flushed at the end
/// of every frame.
pub type Tty = Screen<CrosstermBackend<BufWriter<Stdout>>>;

/// Bytes a frame may take before it is written in more than one piece.
const FRAME_BUFFER: usize = 64 * 1024;

/// `ratatui::try_init`, drawing through a frame-sized buffer: a panic
/// restores the terminal before it is reported, then raw mode and the
/// alternate screen.
fn init_screen() -> std::io::Result<Tty> {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
        report(info);
    }));
    ratatui::crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        ratatui::crossterm::terminal::EnterAlternateScreen
    )?;
    Screen::new(CrosstermBackend::new(BufWriter::with_capacity(
        FRAME_BUFFER,
        std::io::stdout(),
    )))
}

/// Runs `body` on the real terminal, restoring it on every exit path.
pub fn with_terminal<T>(body: impl FnOnce(&mut Tty) -> std::io::Result<T>) -> std::io::Result<T> {
    // The guard comes first: if entering the alternate screen fails after
    // raw mode was enabled, raw mode is still undone.
    let _guard = RestoreGuard;
    let mut terminal = init_screen()?;
    // A paste arrives as one message instead of a key per character. A
    // terminal without it still works: keys then come one by one.
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
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
    let control = Arc::new(Control::default());
    spawn_signals(tx.clone(), Arc::clone(&control))?;
    with_terminal(|terminal| {
        spawn_input(tx.clone(), Arc::clone(&control));
        start(tx);
        run(terminal, program, &rx, &control, clock, theme, perform)
    })
}

/// Rings the terminal bell.
pub fn ring_bell() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}
