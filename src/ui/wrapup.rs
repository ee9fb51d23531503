//! The wrap-up card: self-rating, rubric and a follow-up to answer out loud.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{key_hints, wrap_indented};
use super::{draw_notes, draw_question, draw_status};
use crate::app::attempt::{Attempt, WrapUp};
use crate::app::countdown::clock_face;
use crate::app::{App, Focus, WRAP_UP_KEYS};
use crate::domain::session::{RATING_LABELS, RUBRIC_HINTS, RUBRIC_ITEMS};

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    attempt: &Attempt,
    wrap: &WrapUp,
    now: Duration,
    theme: Theme,
) {
    let body = draw_question(frame, area, app, attempt, theme);
    let [panes, status, footer] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(body);
    let [card, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(panes);
    draw_card(frame, card, app, attempt, wrap, now, theme);

    let follow_up_lines = wrap.follow_up.as_ref().map_or(0, |_| 5);
    let [follow_up, notes] =
        Layout::vertical([Constraint::Length(follow_up_lines), Constraint::Fill(1)]).areas(side);
    if let Some(text) = &wrap.follow_up {
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(theme.muted())
            .title(Span::styled(
                " Follow-up: answer it out loud ",
                theme.title(),
            ));
        frame.render_widget(
            Paragraph::new(Line::styled(text.as_str(), theme.question()))
                .wrap(Wrap { trim: true })
                .block(block),
            follow_up,
        );
    }
    draw_notes(frame, notes, attempt, app.focus == Focus::Notes, theme);
    draw_status(frame, status, app, None, theme);

    let hints = match app.focus {
        Focus::Notes => app.notes_keys().footer_as_written(),
        Focus::Checklist => WRAP_UP_KEYS.footer_as_written(),
    };
    frame.render_widget(key_hints(&hints, footer.width, theme), footer);
}

fn draw_card(
    frame: &mut Frame,
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
    for (i, item) in RUBRIC_ITEMS.iter().enumerate() {
        let on_cursor = i == wrap.cursor && app.focus == Focus::Checklist;
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
        lines.push(Line::from(vec![
            Span::styled(if on_cursor { "▸ " } else { "  " }, theme.title()),
            Span::styled(mark, mark_style),
            Span::raw(" "),
            Span::styled(
                label,
                if on_cursor {
                    theme.selected()
                } else {
                    theme.text()
                },
            ),
        ]));
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

    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(app.focus == Focus::Checklist))
        .title(Span::styled(" Wrap-up ", theme.title()))
        .padding(Padding::horizontal(1));
    // In a short window the spacing goes first, then the step summary (review
    // shows it in full), so the rating and the whole rubric stay on screen.
    let inner = block.inner(area);
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
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
