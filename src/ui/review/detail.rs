//! The detail pane: the full question, a step timeline against the targets,
//! rubric, follow-up, notes, and every attempt at the same question.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Padding, Paragraph};

use super::list::fit;
use super::{mmss, stars};
use crate::app::review::Review;
use crate::domain::history::{History, Session};
use crate::domain::session::{RATING_LABELS, RUBRIC_ITEMS};
use crate::domain::text::visible_line;
use crate::ui::pane::Pane;
use crate::ui::theme::Theme;
use crate::ui::widgets::Draw;
use crate::ui::widgets::wrap_indented;

/// Wide enough to show the other attempts beside the session.
const TWO_COLUMNS: u16 = 110;

pub fn draw(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let pane = Pane::new(theme.muted()).padding(Padding::horizontal(1));
    let Some(session) = review.selected_session() else {
        pane.draw(area, buf);
        return;
    };
    let pane = pane.title(Span::styled(
        format!(
            " {} · {} ",
            session.started_at.format("%a %Y-%m-%d %H:%M"),
            visible_line(&session.file)
        ),
        theme.title(),
    ));
    let inner = pane.draw(area, buf);
    let history = &review.history;
    if inner.width >= TWO_COLUMNS - 4 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .spacing(2)
                .areas(inner);
        let lines = session_lines(review, session, left.width, theme);
        buf.render_widget(Paragraph::new(Text::from(lines)), left);
        // How it was said sits beside the rest, above the other attempts.
        let mut side = delivery_lines(history, session, right.width, theme);
        if !side.is_empty() {
            side.push(Line::default());
        }
        let room = right.height.saturating_sub(side.len() as u16);
        side.extend(attempt_lines(history, session, right.width, room, theme));
        buf.render_widget(Paragraph::new(Text::from(side)), right);
    } else {
        let mut lines = session_lines(review, session, inner.width, theme);
        let delivery = delivery_lines(history, session, inner.width, theme);
        if !delivery.is_empty() {
            lines.push(Line::default());
            lines.extend(delivery);
        }
        let room = usize::from(inner.height).saturating_sub(lines.len() + 1);
        if room >= 2 {
            lines.push(Line::default());
            lines.extend(attempt_lines(
                history,
                session,
                inner.width,
                room as u16,
                theme,
            ));
        }
        buf.render_widget(Paragraph::new(Text::from(lines)), inner);
    }
}

/// Which interview loop and interviewer the session belonged to, and the
/// story told, each wrapped to `width`.
fn context_lines(review: &Review, s: &Session, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let (Some(id), Some(round)) = (s.loop_id.as_deref(), s.round) {
        let record = review.loops.get(id);
        let total = record.map_or(String::new(), |r| format!(" of {}", r.rounds.len()));
        let interviewer = record
            .and_then(|r| r.rounds.get((round as usize).saturating_sub(1)))
            .map_or(String::new(), |r| format!(" · {}", r.interviewer));
        let text = format!("Interview loop {id}, round {round}{total}{interviewer}");
        lines.extend(
            wrap_indented(&text, width, "")
                .into_iter()
                .map(|l| Line::styled(l, theme.title())),
        );
    }
    if let Some(story) = &s.story {
        let text = format!("Story told: {}", story.title);
        lines.extend(
            wrap_indented(&text, width, "")
                .into_iter()
                .map(|l| Line::styled(l, theme.principle())),
        );
    }
    lines
}

fn session_lines(review: &Review, s: &Session, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let history = &review.history;
    let width = usize::from(width.max(1));
    let q = history.question(s);
    let mut lines: Vec<Line> = wrap_indented(history.str(q.text), width, "")
        .into_iter()
        .map(|l| Line::styled(l, theme.question()))
        .collect();
    let names: Vec<&str> = history
        .principles(s)
        .map(|p| review.catalogue.name_of(p))
        .collect();
    lines.push(Line::from(vec![
        Span::styled(names.join(" · "), theme.principle()),
        Span::styled(
            format!(" · {} · {}", q.kind, history.str(q.id)),
            theme.muted(),
        ),
    ]));
    let over = s.is_over();
    let mut meta = vec![
        Span::styled(s.outcome.as_str().to_string(), theme.text()),
        Span::styled(
            format!(" · {} · ", history.str(s.framework).to_uppercase()),
            theme.muted(),
        ),
        Span::styled(
            mmss(s.answer_secs),
            if over { theme.warn() } else { theme.ok() },
        ),
        Span::styled(
            format!(" of {}", mmss(s.time_limit_secs as f64)),
            theme.muted(),
        ),
    ];
    if over {
        meta.push(Span::styled(
            format!(" ({} over)", mmss(s.overtime_secs)),
            theme.warn(),
        ));
    }
    if s.paused_secs > 0.0 {
        meta.push(Span::styled(
            format!(" · paused {}", mmss(s.paused_secs)),
            theme.muted(),
        ));
    }
    meta.push(Span::styled(" · ", theme.muted()));
    meta.push(Span::styled(
        stars(s.rating).trim().to_string(),
        theme.warn(),
    ));
    if let Some(r) = s.rating {
        let label = RATING_LABELS
            .get(usize::from(r).saturating_sub(1))
            .unwrap_or(&"");
        meta.push(Span::styled(format!(" {label}"), theme.text()));
    } else {
        meta.push(Span::styled(" not rated", theme.muted()));
    }
    lines.push(Line::from(meta));
    lines.extend(context_lines(review, s, width, theme));
    lines.push(Line::default());
    // The playhead, when this session's recording is open.
    let playhead = review
        .playing
        .as_ref()
        .filter(|p| p.file == s.file)
        .and_then(|_| review.playhead());
    lines.extend(timeline(history, s, playhead.map(|p| p.0), width, theme));
    if s.audio.is_some() {
        lines.push(recording_line(review, s, playhead, theme));
    }
    lines.push(Line::default());

    // Rubric, packed into as few lines as fit.
    let mut rubric: Vec<Span> = Vec::new();
    let mut used = 0;
    for (i, item) in RUBRIC_ITEMS.iter().enumerate() {
        let on = s.rubric.get(i);
        let text = format!("{} {item}  ", if on { "[x]" } else { "[ ]" });
        let w = unicode_width::UnicodeWidthStr::width(text.as_str());
        if used + w > width && !rubric.is_empty() {
            lines.push(Line::from(std::mem::take(&mut rubric)));
            used = 0;
        }
        used += w;
        rubric.push(Span::styled(
            text,
            if on { theme.ok() } else { theme.muted() },
        ));
    }
    lines.push(Line::from(rubric));
    if let Some(c) = &s.cues {
        lines.extend(crate::ui::cues::rubric_lines(c, width, theme));
    }
    if let Some(f) = s.follow_up {
        let answered = s
            .follow_up_secs
            .map(|secs| format!(" (answered in {})", mmss(secs)))
            .unwrap_or_default();
        let text = format!("Follow-up: {}{answered}", history.str(f));
        lines.extend(
            wrap_indented(&text, width, "")
                .into_iter()
                .map(|l| Line::styled(l, theme.text())),
        );
    }
    if s.notes.trim().is_empty() {
        lines.push(Line::styled("No notes.", theme.muted()));
    } else {
        lines.push(Line::styled("Notes", theme.title()));
        for para in s.notes.lines() {
            lines.extend(
                wrap_indented(para, width, "  ")
                    .into_iter()
                    .map(|l| Line::styled(l, theme.text())),
            );
        }
    }
    lines
}

/// "Delivery" and the figures of how the answer was said; none when it
/// was not recorded.
/// With a transcript, "What was said" and its cues follow.
fn delivery_lines(history: &History, s: &Session, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(d) = &s.delivery {
        lines.push(Line::styled("Delivery", theme.title()));
        lines.extend(crate::ui::delivery::lines(
            d,
            &history.logged_steps(s),
            usize::from(width.max(1)),
            theme,
        ));
    }
    if let Some(c) = &s.cues {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled("What was said (transcript)", theme.title()));
        lines.extend(crate::ui::cues::lines(c, usize::from(width.max(1)), theme));
    }
    lines
}

/// "▶ 0:42 / 1:40 · Action", or how to play the recording.
fn recording_line(
    review: &Review,
    s: &Session,
    playhead: Option<(f64, bool)>,
    theme: Theme,
) -> Line<'static> {
    let Some((at, playing)) = playhead else {
        let hint = if review.zoom {
            "Space plays it · 1-5 from a step"
        } else {
            "Enter, then Space plays it"
        };
        return Line::from(vec![
            Span::styled("Recorded · ", theme.text()),
            Span::styled(hint, theme.muted()),
        ]);
    };
    let secs = review.playing.as_ref().map_or(0.0, |p| p.secs);
    let step = s
        .step_at(at)
        .and_then(|i| s.steps.get(i))
        .map_or(String::new(), |st| {
            format!(" · {}", review.history.str(st.name))
        });
    Line::from(vec![
        Span::styled(
            format!(
                "{} {} / {}",
                if playing { "▶" } else { "‖" },
                mmss(at),
                mmss(secs)
            ),
            theme.title(),
        ),
        Span::styled(step, theme.principle()),
        Span::styled(
            if playing {
                " · Space pauses · ←→ 5 s"
            } else {
                " · Space plays · ←→ 5 s"
            },
            theme.muted(),
        ),
    ])
}

/// One line per step: a bar of the time it took, the target marked with │,
/// the part past the target drawn differently (so it shows without colour
/// too); while a recording plays, ┃ marks the playhead in the step it is in.
fn timeline(
    history: &History,
    s: &Session,
    playhead: Option<f64>,
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let times = s.step_times();
    let playing_step = playhead.and_then(|at| s.step_at(at));
    let starts = s.step_starts();
    let name_w = s
        .steps
        .iter()
        .map(|st| history.str(st.name).chars().count())
        .max()
        .unwrap_or(4)
        .min(12);
    let bar_w = width.saturating_sub(name_w + 20).clamp(6, 40);
    let scale = s
        .steps
        .iter()
        .zip(&times)
        .map(|(st, t)| t.unwrap_or(0.0).max(st.target_secs as f64))
        .fold(1.0, f64::max);
    let cells = |secs: f64| ((secs / scale) * bar_w as f64).round() as usize;
    let mut lines = Vec::new();
    for (i, (st, took)) in s.steps.iter().zip(times).enumerate() {
        let target = st.target_secs as f64;
        let mark = cells(target).min(bar_w.saturating_sub(1));
        let here = playing_step == Some(i);
        let mut spans = vec![Span::styled(
            format!("{} ", fit(history.str(st.name), name_w)),
            if here { theme.title() } else { theme.text() },
        )];
        // The playhead's cell within this step's bar.
        let head = playhead
            .filter(|_| here)
            .zip(starts.get(i).copied().flatten())
            .map(|(at, start)| cells(at - start).min(bar_w.saturating_sub(1)));
        match took {
            Some(t) => {
                let filled = cells(t).min(bar_w);
                let bar: Vec<(char, Style)> = (0..bar_w)
                    .map(|c| {
                        if c < filled.min(mark) {
                            ('█', theme.ok())
                        } else if c < filled {
                            ('▓', theme.warn())
                        } else if c == mark {
                            ('│', theme.muted())
                        } else {
                            ('·', theme.muted())
                        }
                    })
                    .collect();
                spans.extend(bar_spans(&bar, head, theme));
                // Compared as shown (whole seconds), so 0:15 / 0:15 is never "over".
                let over = t.round() > target;
                spans.push(Span::styled(
                    format!(" {} / {}", mmss(t), mmss(target)),
                    if over { theme.warn() } else { theme.text() },
                ));
                if over {
                    spans.push(Span::styled(" over", theme.warn()));
                }
            }
            None => {
                let bar: Vec<(char, Style)> = (0..bar_w)
                    .map(|c| (if c == mark { '│' } else { '·' }, theme.muted()))
                    .collect();
                spans.extend(bar_spans(&bar, head, theme));
                spans.push(Span::styled(
                    format!("   – / {} not ticked", mmss(target)),
                    theme.muted(),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// A bar's cells as spans, one per run of a style, with the playhead's cell
/// drawn over it.
fn bar_spans(bar: &[(char, Style)], head: Option<usize>, theme: Theme) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut style = None;
    for (c, (ch, st)) in bar.iter().enumerate() {
        let (ch, st) = if head == Some(c) {
            ('┃', theme.title())
        } else {
            (*ch, *st)
        };
        if style.is_some_and(|s| s != st) {
            spans.push(Span::styled(std::mem::take(&mut run), style.unwrap_or(st)));
        }
        style = Some(st);
        run.push(ch);
    }
    if let Some(st) = style {
        spans.push(Span::styled(run, st));
    }
    spans
}

fn attempt_lines(
    history: &History,
    s: &Session,
    width: u16,
    height: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let attempts = history.attempts_at(s);
    let mut lines = vec![Line::styled(
        format!(
            "Attempts at this question: {}",
            super::thousands(attempts.len())
        ),
        theme.title(),
    )];
    let room = usize::from(height).saturating_sub(1);
    // Keep the selected session in view when there are many attempts.
    let me = attempts
        .iter()
        .position(|&i| history.get(i as usize).is_some_and(|a| a.file == s.file))
        .unwrap_or(0);
    let start = me
        .saturating_sub(room / 2)
        .min(attempts.len().saturating_sub(room));
    for &i in attempts.iter().skip(start).take(room) {
        let Some(a) = history.get(i as usize) else {
            continue;
        };
        let this = a.file == s.file;
        let situation = history.situation_secs(a).map_or("  – ".to_string(), mmss);
        let text = format!(
            "{} {}  {}/{}{} {}  Sit {}",
            if this { "▸" } else { " " },
            a.started_at.format("%Y-%m-%d %H:%M"),
            mmss(a.answer_secs),
            mmss(a.time_limit_secs as f64),
            if a.is_over() { "!" } else { " " },
            stars(a.rating),
            situation,
        );
        let style = if this { theme.selected() } else { theme.text() };
        lines.push(Line::styled(fit(&text, usize::from(width)), style));
    }
    lines
}
