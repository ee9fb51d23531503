//! The wrap-up card: self-rating, rubric and a follow-up to answer out loud.

use std::time::Duration;

use ratatui::buffer::Buffer;

use crate::ui::widgets::Draw;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::keep::Keep;
use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{draw_line, key_hints, wrap_indented};
use super::{draw_notes, draw_question, draw_status};
use crate::app::attempt::{Attempt, WrapUp};
use crate::app::countdown::clock_face;
use crate::app::{App, Card, Focus, WRAP_UP_KEYS};
use crate::domain::session::{RATING_LABELS, RUBRIC_HINTS, RUBRIC_ITEMS};
use crate::domain::text::visible_line;

pub fn draw(
    buf: &mut Buffer,
    keep: &mut Keep,
    app: &App,
    attempt: &Attempt,
    wrap: &WrapUp,
    now: Duration,
    theme: Theme,
) {
    let area = buf.area;
    let body = draw_question(buf, keep, area, app, attempt, theme);
    let [panes, status, footer] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(body);
    let [card, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(panes);
    draw_card(buf, card, app, attempt, wrap, now, theme);

    let follow_up_lines = wrap.follow_up.as_ref().map_or(0, |_| 5);
    let delivery = attempt.rec.delivery().map(|d| {
        let width = usize::from(side.width.saturating_sub(4));
        super::delivery::lines(d, &attempt.logged_steps(&app.catalog), width, theme)
    });
    // The figures take what they need, leaving the notes three rows at least.
    let room = side.height.saturating_sub(follow_up_lines + 3);
    let delivery_lines = delivery
        .as_ref()
        .map_or(0, |l| (l.len() as u16 + 2).min(room));
    let [follow_up, figures, notes] = Layout::vertical([
        Constraint::Length(follow_up_lines),
        Constraint::Length(delivery_lines),
        Constraint::Fill(1),
    ])
    .areas(side);
    if let Some(text) = &wrap.follow_up {
        let pane = Pane::new(theme.muted()).title(Span::styled(
            " Follow-up: answer it out loud ",
            theme.title(),
        ));
        let inner = pane.draw(follow_up, buf);
        buf.render_widget(
            Paragraph::new(Line::styled(text.as_str(), theme.question())).wrap(Wrap { trim: true }),
            inner,
        );
    }
    if let Some(lines) = delivery
        && figures.height > 0
    {
        draw_delivery(buf, figures, app, lines, theme);
    }
    draw_notes(buf, keep, notes, attempt, app.focus == Focus::Notes, theme);
    draw_status(buf, keep, status, app, None, theme);

    let recorded = attempt.rec.file().is_some();
    let playing = app.replay_playing();
    let hints = match app.focus {
        Focus::Notes => app.notes_keys().footer_as_written(),
        Focus::Checklist => WRAP_UP_KEYS.footer(|action, text| match action {
            Card::Play if !recorded => None,
            Card::Play if playing => Some("pause"),
            _ => Some(text),
        }),
    };
    draw_line(&key_hints(&hints, footer.width, theme), footer, buf);
}

/// The delivery figures, titled with the replay's state.
fn draw_delivery(buf: &mut Buffer, area: Rect, app: &App, lines: Vec<Line<'static>>, theme: Theme) {
    let title = match &app.playback {
        Some(p) => {
            let state = if app.replay_playing() { "▶" } else { "‖" };
            let at = app.replay_position();
            format!(
                " Delivery · {state} {} / {} ",
                clock_face(at.round() as u64),
                clock_face(p.secs.round() as u64)
            )
        }
        None => " Delivery · p replays ".to_string(),
    };
    let pane = Pane::new(theme.muted())
        .title(Span::styled(title, theme.title()))
        .padding(Padding::horizontal(1));
    super::widgets::lines_in_pane(buf, area, pane, lines);
}

fn draw_card(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    wrap: &WrapUp,
    now: Duration,
    theme: Theme,
) {
    let countdown = &attempt.countdown;
    let framework = app.catalog.frameworks.get(attempt.framework);
    let elapsed = countdown.elapsed(now).as_secs();
    let limit = countdown.limit().as_secs();
    let in_time = !countdown.is_over(now);
    let mut lines = vec![Line::from(vec![
        Span::styled("Answer ", theme.muted()),
        Span::styled(
            clock_face(elapsed),
            if in_time { theme.ok() } else { theme.danger() },
        ),
        Span::styled(format!(" of {}", clock_face(limit)), theme.muted()),
        Span::styled(
            if in_time {
                " · in time".to_string()
            } else {
                format!(" · {} over", clock_face(countdown.overtime(now).as_secs()))
            },
            theme.muted(),
        ),
    ])];

    let times = attempt.step_times(framework.steps.len(), now);
    let mut steps = vec![Span::styled(
        format!(
            "{} {}/{}: ",
            framework.name,
            attempt.ticked_count(framework.steps.len()),
            framework.steps.len()
        ),
        theme.muted(),
    )];
    for (i, (step, time)) in framework.steps.iter().zip(&times).enumerate() {
        if i > 0 {
            steps.push(Span::styled(" · ", theme.muted()));
        }
        let shown = match time.spent() {
            Some(d) if attempt.ticks[i].is_some() => {
                let style = if d.as_secs() > step.target_secs {
                    theme.warn()
                } else {
                    theme.ok()
                };
                Span::styled(format!("{} {}", step.name, clock_face(d.as_secs())), style)
            }
            _ => Span::styled(format!("{} –", step.name), theme.muted()),
        };
        steps.push(shown);
    }
    lines.push(Line::from(steps));
    lines.push(Line::default());

    let mut rating = vec![Span::styled("Rate it (1-5)  ", theme.text())];
    for n in 1..=5u8 {
        let filled = wrap.rating.is_some_and(|r| n <= r);
        rating.push(Span::styled(
            if filled { "★" } else { "☆" },
            if filled { theme.warn() } else { theme.muted() },
        ));
    }
    if let Some(r) = wrap.rating {
        rating.push(Span::styled(
            format!("  {r}: {}", RATING_LABELS[usize::from(r) - 1]),
            theme.text(),
        ));
    } else {
        rating.push(Span::styled("  not rated yet", theme.muted()));
    }
    lines.push(Line::from(rating));
    if !app.catalog.stories.stories.is_empty() {
        let told = wrap
            .story
            .as_deref()
            .and_then(|id| app.catalog.stories.get(id));
        lines.push(Line::from(vec![
            Span::styled("Story told (s)  ", theme.text()),
            match told {
                Some(story) => Span::styled(story.title.clone(), theme.principle()),
                None => Span::styled("none picked", theme.muted()),
            },
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Rubric", theme.text()));

    let question = app.catalog.bank.get(attempt.question);
    let principle = question
        .principles
        .first()
        .map(|p| app.catalog.principles.name_of(p))
        .unwrap_or("");
    // What the transcript heard, beside the items it can judge; the tick
    // stays the candidate's.
    let suggestions = app
        .cues_of_attempt()
        .map(|c| c.rubric_suggestions())
        .unwrap_or_default();
    for (i, item) in RUBRIC_ITEMS.iter().enumerate() {
        let on_cursor = i == wrap.cursor && app.focus == Focus::Checklist;
        let heard = suggestions.iter().find(|s| s.item.index() == i).map(|s| {
            Span::styled(
                format!("  heard: {}", visible_line(&s.note)),
                if s.agrees { theme.ok() } else { theme.warn() },
            )
        });
        let label = if i == 3 && !principle.is_empty() {
            format!("{item} ({principle})")
        } else {
            item.to_string()
        };
        let (mark, mark_style) = if wrap.rubric.get(i) {
            ("[x]", theme.ok())
        } else {
            ("[ ]", theme.text())
        };
        let label_style = if on_cursor {
            theme.selected()
        } else {
            theme.text()
        };
        // A long label wraps under itself, not under the mark; what the
        // transcript heard follows its last line.
        const UNDER_LABEL: &str = "      ";
        let width = usize::from(area.width.saturating_sub(4));
        let mut label_lines: Vec<Line> = wrap_indented(&label, width, UNDER_LABEL)
            .into_iter()
            .enumerate()
            .map(|(n, l)| {
                if n == 0 {
                    Line::from(vec![
                        Span::styled(if on_cursor { "▸ " } else { "  " }, theme.title()),
                        Span::styled(mark, mark_style),
                        Span::raw(" "),
                        Span::styled(l.trim_start().to_string(), label_style),
                    ])
                } else {
                    Line::styled(l, label_style)
                }
            })
            .collect();
        if let (Some(last), Some(heard)) = (label_lines.last_mut(), heard) {
            last.spans.push(heard);
        }
        lines.extend(label_lines);
    }

    let hint = RUBRIC_HINTS
        .get(wrap.cursor)
        .filter(|_| app.focus == Focus::Checklist)
        .map(|hint| {
            let width = usize::from(area.width.saturating_sub(4));
            wrap_indented(hint, width, "  ")
                .into_iter()
                .map(|l| Line::styled(l, theme.muted()))
                .collect::<Vec<_>>()
        });

    let pane = Pane::new(theme.border(app.focus == Focus::Checklist))
        .title(Span::styled(" Wrap-up ", theme.title()))
        .padding(Padding::horizontal(1));
    // In a short window the spacing goes first, then the step summary (review
    // shows it in full), so the rating and the whole rubric stay on screen.
    let inner = pane.inner(area);
    let height = |lines: &[Line]| {
        Paragraph::new(Text::from(lines.to_vec()))
            .wrap(Wrap { trim: false })
            .line_count(inner.width)
    };
    if height(&lines) > usize::from(inner.height) {
        lines.retain(|l| l.width() > 0);
    }
    if height(&lines) > usize::from(inner.height) && lines.len() > 1 {
        lines.remove(1);
    }
    // What the item in focus asks, when there is room for it.
    if let Some(hint) = hint {
        let before = lines.len();
        lines.extend(hint);
        if height(&lines) > usize::from(inner.height) {
            lines.truncate(before);
        }
    }
    let inner = pane.draw(area, buf);
    buf.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        inner,
    );
}
