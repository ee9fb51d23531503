//! The terminal side: a sleeping event loop that reads the terminal itself,
//! and a terminal that is given back on every exit path.

use std::io::{BufWriter, IsTerminal, Read, Stdin, Stdout, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::{execute, queue};
use ratatui::layout::Size;
use rustix::event::{PollFd, PollFlags};
use signal_hook::iterator::backend::SignalDelivery;
use signal_hook::iterator::exfiltrator::SignalOnly;

use super::ansi::AnsiBackend;
use super::screen::Screen;
use super::terminal_input::{self, InputDecoder, Suspend, Waiting};
use crate::app::{App, Effect, Msg};
use crate::domain::clock::Clock;
use crate::domain::interview_loop::LoopRecord;
use crate::storage::sessions::SessionSink;
use crate::ui::keep::Keep;
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
    /// Draws on `buf`, which holds the panes `keep` says it can keep.
    fn draw(&self, buf: &mut Buffer, keep: &mut Keep, now: Duration, theme: Theme);
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
    events: &mut impl Events<P::Msg>,
    control: &Control,
    clock: &dyn Clock,
    theme: Theme,
    perform: &mut dyn FnMut(&mut P, P::Effect),
) -> Result<(), B::Error> {
    // The terminal's size, asked again only after a resize: each ask opens
    // /dev/tty. The screen asked it when it was made.
    let mut known: Option<Size> = Some(terminal.area().as_size());
    while !program.should_quit() {
        let drawn = control.size(terminal, &mut known).and_then(|size| {
            program.fit(size);
            // One time for the frame, however often it is drawn.
            let now = clock.now();
            terminal.draw(size, |buf, keep| program.draw(buf, keep, now, theme))
        });
        if let Err(err) = drawn {
            // The terminal is gone (closed window, broken pty): save what
            // there is before reporting the error.
            for effect in program.update(Msg::Terminate.into(), clock) {
                perform(program, effect);
            }
            return Err(err);
        }
        let msg = events
            .next(program.next_deadline(clock.now()))
            .unwrap_or_else(|| Msg::Tick.into());
        if control.suspend.swap(false, Ordering::AcqRel) {
            suspend_process();
            control.ask_repaint();
        }
        if control.repaint.swap(false, Ordering::AcqRel) {
            // What was on screen is gone (the shell used it): a blank frame
            // makes the next one draw every cell, not just what changed. A
            // failure shows at the next draw, which saves before leaving.
            if let Some(size) = known {
                let _ = terminal.draw(size, |_, _| {});
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
                next = events.ready();
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

    fn draw(&self, buf: &mut Buffer, keep: &mut Keep, now: Duration, theme: Theme) {
        ui::draw_keeping(buf, keep, self, now, theme);
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

/// Where the event loop's messages come from.
pub trait Events<M> {
    /// The next message, after waiting at most `wait` (`None`: as long as it
    /// takes); `None` when the wait ran out.
    fn next(&mut self, wait: Option<Duration>) -> Option<M>;
    /// A message that is already there, without waiting.
    fn ready(&mut self) -> Option<M>;
}

/// Messages from a channel alone (tests, and programs fed by background work).
impl<M: From<Msg>> Events<M> for Receiver<M> {
    fn next(&mut self, wait: Option<Duration>) -> Option<M> {
        match wait {
            Some(wait) => match self.recv_timeout(wait) {
                Ok(msg) => Some(msg),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Msg::Terminate.into()),
            },
            None => Some(self.recv().unwrap_or_else(|_| Msg::Terminate.into())),
        }
    }

    fn ready(&mut self) -> Option<M> {
        self.try_recv().ok()
    }
}

/// A sender into the event loop's channel that wakes the loop, for work on
/// other threads (review's loader).
pub struct LoopSender<M> {
    tx: Sender<M>,
    wake: Arc<UnixStream>,
}

impl<M> Clone for LoopSender<M> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            wake: Arc::clone(&self.wake),
        }
    }
}

/// Somewhere a background thread sends its messages.
pub trait Post<M>: Send + Sync + 'static {
    /// False once nobody is listening.
    fn post(&self, msg: M) -> bool;
}

impl<M: Send + 'static> Post<M> for LoopSender<M> {
    fn post(&self, msg: M) -> bool {
        let sent = self.tx.send(msg).is_ok();
        // A full socket already wakes the loop: nothing is lost if this fails.
        let _ = (&*self.wake).write(&[0]);
        sent
    }
}

impl<M: Send + 'static> Post<M> for Sender<M> {
    fn post(&self, msg: M) -> bool {
        self.send(msg).is_ok()
    }
}

/// The real terminal's messages: the loop sleeps in one `poll` on the
/// terminal, on a socket background work writes to after each message, and
/// on the socket signal handlers write to. No other thread: the loop reads
/// and decodes the terminal's bytes itself (a key wakes one thread, not
/// two), and signal-hook hands signals over through its socket.
///
/// Input is read only when `poll` finds the terminal readable, and every
/// event decoded from it is taken before the loop sleeps again, so no key
/// waits in a buffer for the next one.
pub struct TerminalEvents<M> {
    rx: Receiver<M>,
    /// The read end of the wake-up socket.
    wake: UnixStream,
    /// Held so the socket's write end stays open when no background work
    /// holds a sender (a closed end would leave the socket readable: a busy
    /// loop).
    _sender: LoopSender<M>,
    /// Standard input: a terminal (checked before the loop starts).
    input: Stdin,
    /// Terminal input read and not yet taken as messages.
    decoder: InputDecoder,
    /// Signals that arrived; its socket wakes the loop too.
    signals: SignalDelivery<UnixStream, SignalOnly>,
    /// Whether the signal socket was last seen readable, or `poll` was
    /// interrupted: only then is it read (a key's wake-up then costs no
    /// reads of it at all).
    signals_waiting: bool,
    control: Arc<Control>,
}

impl<M: From<Msg> + Send + 'static> TerminalEvents<M> {
    /// Takes over the signals a session handles (terminating ones save the
    /// attempt and restore the terminal before the process ends; SIGTSTP,
    /// SIGCONT and SIGWINCH become requests to `control`) and opens the
    /// wake-up socket; the sender is for background work.
    pub fn new(control: Arc<Control>) -> std::io::Result<(Self, LoopSender<M>)> {
        use signal_hook::consts::signal::{SIGCONT, SIGTSTP, SIGWINCH};
        let (wake, waker) = UnixStream::pair()?;
        wake.set_nonblocking(true)?;
        waker.set_nonblocking(true)?;
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        // The loop asks the window's size only when SIGWINCH says it changed.
        let handled = TERMINATING
            .iter()
            .copied()
            .chain([SIGTSTP, SIGCONT, SIGWINCH]);
        let signals = SignalDelivery::with_pipe(read, write, SignalOnly, handled)?;
        let (tx, rx) = mpsc::channel();
        let sender = LoopSender {
            tx,
            wake: Arc::new(waker),
        };
        let events = Self {
            rx,
            wake,
            _sender: sender.clone(),
            input: std::io::stdin(),
            decoder: InputDecoder::default(),
            signals,
            signals_waiting: true,
            control,
        };
        Ok((events, sender))
    }

    /// What the signals that arrived ask for: `Terminate`, or a `Resize`
    /// that makes the loop look at the requests they made.
    fn signalled(&mut self) -> Option<Msg> {
        use signal_hook::consts::signal::{SIGCONT, SIGTSTP, SIGWINCH};
        if !std::mem::take(&mut self.signals_waiting) {
            return None;
        }
        let mut msg = None;
        // Reads the socket empty, then takes the signals the handlers
        // noted; a handler notes its signal before it writes, so none is
        // missed.
        for signal in self.signals.pending() {
            match signal {
                SIGTSTP => self.control.ask_suspend(),
                SIGCONT => self.control.ask_repaint(),
                SIGWINCH => self.control.ask_resize(),
                _ => return Some(Msg::Terminate),
            }
            msg = Some(Msg::Resize);
        }
        msg
    }
}

impl<M: From<Msg> + Send + 'static> Events<M> for TerminalEvents<M> {
    fn next(&mut self, wait: Option<Duration>) -> Option<M> {
        let deadline = wait.map(|wait| Instant::now() + wait);
        loop {
            if let Some(msg) = self.ready() {
                return Some(msg);
            }
            let left = deadline.map(|at| at.saturating_duration_since(Instant::now()));
            if left == Some(Duration::ZERO) {
                return None;
            }
            let timeout = left.and_then(|left| rustix::event::Timespec::try_from(left).ok());
            let mut fds = [
                PollFd::new(&self.input, PollFlags::IN),
                PollFd::new(&self.wake, PollFlags::IN),
                PollFd::new(self.signals.get_read(), PollFlags::IN),
            ];
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Ok(_) => {}
                // Interrupted by a signal: taken at the top of the loop.
                Err(rustix::io::Errno::INTR) => self.signals_waiting = true,
                Err(_) => return Some(Msg::Terminate.into()),
            }
            let [input, wake, signals] = fds.map(|fd| fd.revents());
            // A hang-up or error is read too: the read reports the end
            // (otherwise the terminal would stay "ready": a busy loop).
            if input.intersects(PollFlags::IN | PollFlags::HUP | PollFlags::ERR)
                && let Err(gone) = read_terminal(&self.input, &mut self.decoder)
            {
                return Some(gone.into());
            }
            // What woke the loop is read at the top; the wake-up socket's
            // bytes only woke it.
            if wake.contains(PollFlags::IN) {
                drain(&self.wake);
            }
            if signals.contains(PollFlags::IN) {
                self.signals_waiting = true;
            }
        }
    }

    fn ready(&mut self) -> Option<M> {
        if let Some(msg) = self.signalled() {
            return Some(msg.into());
        }
        if !self.decoder.is_empty() {
            let mut terminal = WaitingInput(&self.input);
            if let Some(msg) = self.decoder.next_msg(&mut terminal, &*self.control) {
                return Some(msg.into());
            }
        }
        // No sender left only means no background work: not an end.
        self.rx.try_recv().ok()
    }
}

/// Reads what the terminal has (after `poll` found it ready: one read, which
/// does not wait) into the decoder. `Err(Msg::Terminate)` when the terminal
/// is gone: end of input or a read error other than an interruption.
fn read_terminal(input: &Stdin, decoder: &mut InputDecoder) -> Result<(), Msg> {
    let mut bytes = [0; terminal_input::READ_SIZE];
    match rustix::io::read(input.as_fd(), &mut bytes) {
        Ok(0) => Err(Msg::Terminate),
        Ok(read) => {
            decoder.feed(&bytes[..read], read == bytes.len());
            Ok(())
        }
        Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => Ok(()),
        Err(_) => Err(Msg::Terminate),
    }
}

/// The terminal as a typed run looks at it: what is waiting now is read,
/// nothing is waited for.
struct WaitingInput<'a>(&'a Stdin);

impl Waiting for WaitingInput<'_> {
    fn read_waiting(&mut self, decoder: &mut InputDecoder) {
        let mut fds = [PollFd::new(self.0, PollFlags::IN)];
        let now = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let ready = matches!(rustix::event::poll(&mut fds, Some(&now)), Ok(n) if n > 0);
        if ready && fds[0].revents().contains(PollFlags::IN) {
            // An end of input shows at the loop's next poll.
            let _ = read_terminal(self.0, decoder);
        }
    }
}

/// Reads a non-blocking socket empty: a read that does not fill the buffer
/// took all there was (one byte per message, usually one).
fn drain(mut socket: &UnixStream) {
    let mut buffer = [0; 64];
    while matches!(socket.read(&mut buffer), Ok(n) if n == buffer.len()) {}
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
/// while (SIGTSTP, Ctrl-Z), repaint everything (SIGCONT, after a stop), and
/// the window's new size (SIGWINCH).
#[derive(Debug, Default)]
pub struct Control {
    suspend: AtomicBool,
    repaint: AtomicBool,
    /// The terminal may have another size: set before the `Resize` message
    /// that tells of it is sent.
    resized: AtomicBool,
}

impl Suspend for Control {
    fn ask_suspend(&self) {
        self.suspend.store(true, Ordering::Release);
    }
}

impl Control {
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
pub type Tty = Screen<AnsiBackend<BufWriter<Stdout>>>;

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
    // The alternate screen and bracketed paste (a paste arrives as one
    // message instead of a key per character; a terminal without it sends
    // keys one by one) are asked for in the first frame's write.
    let mut out = BufWriter::with_capacity(FRAME_BUFFER, std::io::stdout());
    queue!(
        out,
        ratatui::crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    Screen::new(AnsiBackend::new(out))
}

/// Runs `body` on the real terminal, restoring it on every exit path.
pub fn with_terminal<T>(body: impl FnOnce(&mut Tty) -> std::io::Result<T>) -> std::io::Result<T> {
    // The guard comes first: if entering the alternate screen fails after
    // raw mode was enabled, raw mode is still undone.
    let _guard = RestoreGuard;
    let mut terminal = init_screen()?;
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
    start: impl FnOnce(LoopSender<P::Msg>),
    perform: &mut dyn FnMut(&mut P, P::Effect),
) -> std::io::Result<()> {
    let control = Arc::new(Control::default());
    let (mut events, sender) = TerminalEvents::new(Arc::clone(&control))?;
    with_terminal(|terminal| {
        start(sender);
        run(
            terminal,
            program,
            &mut events,
            &control,
            clock,
            theme,
            perform,
        )
    })
}

/// Rings the terminal bell.
pub fn ring_bell() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}
