//! Drawing: a pure function of `&App` and the current time. One module per screen.

pub mod between;
pub mod card;
pub mod coverage;
pub mod cues;
pub mod delivery;
pub mod drill;
pub mod help;
pub mod interview;
pub mod keep;
pub mod pane;
pub mod review;
pub mod split;
pub mod stories;
pub mod theme;
pub mod widgets;
pub mod wrapup;

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::ui::widgets::Draw;
use widgets::wrap_indented;

use crate::app::attempt::Attempt;
use crate::app::interview::Stage;
use crate::app::{App, Mode, Screen};
use crate::domain::text::visible_line;
use keep::{Keep, PaneId};
use pane::Pane;
use theme::Theme;

/// Below this the checklist and notes no longer fit side by side.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

/// Draws the screen on a blank buffer.
pub fn draw(buf: &mut Buffer, app: &App, now: Duration, theme: Theme) {
    let mut keep = Keep::new();
    keep.begin(false);
    draw_keeping(buf, &mut keep, app, now, theme);
}

/// Draws the screen on `buf`, which holds the panes `keep` can keep.
pub fn draw_keeping(buf: &mut Buffer, keep: &mut Keep, app: &App, now: Duration, theme: Theme) {
    let area = buf.area;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(buf, area, (MIN_WIDTH, MIN_HEIGHT), theme);
        return;
    }
    match &app.mode {
        Mode::Drill { screen, .. } => draw_screen(buf, keep, area, app, screen, now, theme),
        Mode::Loop(run) => match &run.stage {
            Stage::Question(screen) => draw_screen(buf, keep, area, app, screen, now, theme),
            Stage::Probe(attempt, probe) => {
                interview::draw_probe(buf, keep, app, attempt, probe, now, theme)
            }
            Stage::RoundIntro => interview::draw_round_intro(buf, area, app, &run.interview, theme),
            Stage::Closing => interview::draw_closing(buf, area, app, theme),
            Stage::Summary => interview::draw_summary(buf, area, app, &run.interview, theme),
        },
    }
    if app.help_open {
        keep.overlay();
        help::draw(buf, area, theme);
    }
}

/// The screens a question goes through, in the drill and in a loop alike.
fn draw_screen(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    screen: &Screen,
    now: Duration,
    theme: Theme,
) {
    match screen {
        Screen::Answering(attempt) => drill::draw(buf, keep, app, attempt, now, theme),
        Screen::WrapUp(attempt, wrap) => wrapup::draw(buf, keep, app, attempt, wrap, now, theme),
        Screen::Between => between::draw(buf, area, app, theme),
    }
}

/// True when a screen of at least `min` (width, height) fits in `size`.
pub fn fits(size: ratatui::layout::Size, min: (u16, u16)) -> bool {
    size.width >= min.0 && size.height >= min.1
}

/// Below `min` (width, height) a screen shows this instead of a broken
/// layout, and only the quit keys act until the window grows.
pub(crate) fn draw_too_small(buf: &mut Buffer, area: Rect, min: (u16, u16), theme: Theme) {
    let text = Text::from(vec![
        Line::styled("Window too small", theme.warn()),
        Line::raw(format!(
            "{}×{} now; stardrill needs {}×{}.",
            area.width, area.height, min.0, min.1
        )),
        Line::styled(
            format!(
                "Enlarge the window, or press {} to quit.",
                crate::app::keymap::TOO_SMALL_KEYS.key_of(()).unwrap_or("q")
            ),
            theme.muted(),
        ),
    ]);
    let height = 3.min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    let rect = Rect::new(area.x, y, area.width, height);
    buf.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}

/// The question, wrapped and bold, with its principles in the title: shared by
/// the answering and wrap-up screens. Returns the area below it.
fn draw_question(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    theme: Theme,
) -> Rect {
    // Everything the pane shows comes from these (the bank and the
    // principles do not change while the program runs).
    let badge = loop_badge(app);
    let key = keep::key(&(attempt.question, app.reason(), &badge, area, theme));
    if let Some(kept) = keep.kept(PaneId::Question, key) {
        return split::top(area, kept.height)[1];
    }
    let question = app.catalog.bank.get(attempt.question);
    // The principles ride on the bottom border; long names are cut so the
    // corners stay intact.
    let names: Vec<&str> = question
        .principles
        .iter()
        .map(|slug| app.catalog.principles.name_of(slug))
        .collect();
    let principles = Span::styled(
        widgets::truncate(
            &names.join(" · "),
            usize::from(area.width.saturating_sub(4)),
        ),
        theme.principle(),
    );
    let pane = Pane::new(theme.muted())
        .title(Line::from(vec![
            Span::styled(" stardrill ", theme.title()),
            Span::styled(
                format!("{} · {} ", question.id, question.kind),
                theme.muted(),
            ),
            Span::styled(badge, theme.principle()),
        ]))
        .title_bottom(Line::from(principles).alignment(Alignment::Right));
    let text_width = usize::from(area.width.saturating_sub(4).max(1));
    let mut lines: Vec<Line> = wrap_indented(&question.text, text_width, "")
        .into_iter()
        .map(|l| Line::styled(l, theme.question()))
        .collect();
    if let Some(reason) = app.reason() {
        lines.push(Line::styled(format!("↳ why now: {reason}"), theme.muted()));
    }
    // What each principle means, when there is room: it is what the answer must prove.
    let budget = if area.height >= 30 {
        usize::from(area.height / 3).saturating_sub(2)
    } else {
        0
    };
    // Wrapped only when some could fit: this runs every frame.
    let summaries: Vec<Line> = if budget > lines.len() {
        question
            .principles
            .iter()
            .filter_map(|slug| app.catalog.principles.find(slug))
            .flat_map(|p| wrap_indented(&format!("{}: {}", p.name, p.summary), text_width, ""))
            .map(|l| Line::styled(l, theme.muted()))
            .collect()
    } else {
        Vec::new()
    };
    if lines.len() + summaries.len() <= budget {
        lines.extend(summaries);
    }
    let height = (lines.len() as u16 + 2).min(area.height / 3).max(3);
    let [top, rest] = split::top(area, height);
    keep.fresh(buf, PaneId::Question, key, top);
    widgets::lines_in_pane(buf, top, pane.padding(Padding::horizontal(1)), lines);
    rest
}

/// The answering layout shared by the drill and the follow-up probe: the
/// question on top, then a timer row, the panes, a status line and the keys.
fn answer_layout(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    theme: Theme,
) -> [Rect; 4] {
    let body = draw_question(buf, keep, area, app, attempt, theme);
    split::answer_rows(body)
}

/// "Round 2/4 · Peer on the team · Q1/2" in an interview loop.
fn loop_badge(app: &App) -> String {
    let Some(interview) = app.interview_loop() else {
        return String::new();
    };
    let Some(round) = interview.plan.rounds.get(interview.round) else {
        return String::new();
    };
    format!(
        "Round {}/{} · {} · Q{}/{} ",
        interview.round + 1,
        interview.plan.rounds.len(),
        round.interviewer,
        interview.asked + 1,
        round.questions.len()
    )
}

/// The status line: an error first, then the given warning, then information,
/// then the transcript's progress.
fn draw_status(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    app: &App,
    warning: Option<Line<'static>>,
    theme: Theme,
) {
    let line = match (&app.status, warning) {
        (Some(status), _) if status.is_error => {
            Line::styled(format!(" {}", visible_line(&status.text)), theme.danger())
        }
        (_, Some(warning)) => warning,
        (Some(status), None) => {
            Line::styled(format!(" {}", visible_line(&status.text)), theme.muted())
        }
        // Below everything else, how the answer's transcript is coming on.
        (None, None) => app
            .scribe_note()
            .map(|note| Line::styled(format!(" {}", visible_line(&note)), theme.muted()))
            .unwrap_or_default(),
    };
    // Kept while it says the same: most of the time, nothing.
    let key = keep::key(&(&line, area));
    keep.pane(buf, PaneId::Status, key, area, |buf| {
        widgets::draw_line(&line, area, buf);
    });
}

/// Notes pane shared by answering and wrap-up.
fn draw_notes(
    buf: &mut Buffer,
    keep: &mut Keep,
    area: Rect,
    attempt: &Attempt,
    focused: bool,
    theme: Theme,
) {
    // The notes' version changes with every edit, cursor move and style.
    let key = keep::key(&(attempt.notes_version(), area, focused, theme));
    keep.pane(buf, PaneId::Notes, key, area, |buf| {
        let title = if focused {
            " Notes (Tab: back) "
        } else {
            " Notes (Tab: type) "
        };
        widgets::draw_text_box(buf, area, attempt.notes(), title, focused, theme);
    });
}

/// The key hints of an answering screen, kept while `inputs`, everything
/// `hints` makes them from, are the same: the hints (from a keymap, sorted)
/// and their line of forty styled spans are made only when drawn.
fn draw_footer<'a>(
    buf: &mut Buffer,
    keep: &mut Keep,
    inputs: &impl std::hash::Hash,
    hints: impl FnOnce() -> Vec<(&'a str, &'a str)>,
    footer: Rect,
    theme: Theme,
) {
    let key = keep::key(&(inputs, footer, theme));
    keep.pane(buf, PaneId::Footer, key, footer, |buf| {
        widgets::draw_line(
            &widgets::key_hints(&hints(), footer.width, theme),
            footer,
            buf,
        );
    });
}
