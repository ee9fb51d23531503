//! The session list: only the visible window of rows is built, so a frame
//! costs the same at 100 sessions as at 100,000.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{mmss, stars};
use crate::app::review::Review;
use crate::domain::session::Outcome;
use crate::ui::theme::Theme;
use crate::ui::widgets::Draw;
use crate::ui::widgets::truncate;

/// `text` cut or padded to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

struct Columns {
    date: usize,
    principle: usize,
    question: usize,
}

fn columns(width: u16) -> Columns {
    let width = usize::from(width);
    // Narrow terminals get a two-digit year, so the question keeps some room.
    let (date, principle) = match width {
        110.. => (16, 24),
        100.. => (16, 16),
        _ => (14, 14),
    };
    // marker 1, outcome 9, time 10, rating 6, and a space after each column.
    let fixed = 1 + date + principle + 9 + 10 + 6 + 5;
    Columns {
        date,
        principle,
        question: width.saturating_sub(fixed).max(8),
    }
}

/// The first row to show, so that the selection is on screen even right after
/// a resize (the state's offset is a hint, kept stable while moving).
pub fn first_row(review: &Review, rows: usize) -> usize {
    let rows = rows.max(1);
    let mut offset = review.offset.min(review.view.len().saturating_sub(1));
    if review.selected < offset {
        offset = review.selected;
    } else if review.selected >= offset + rows {
        offset = review.selected + 1 - rows;
    }
    offset
}

fn date(s: &crate::domain::history::Session, width: usize) -> String {
    let format = if width >= 16 {
        "%Y-%m-%d %H:%M"
    } else {
        "%y-%m-%d %H:%M"
    };
    s.started_at.format(format).to_string()
}

pub fn draw(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let c = columns(area.width);
    let header = format!(
        " {} {} {} {} {} {}",
        fit("Date", c.date),
        fit("Principle", c.principle),
        fit("Question", c.question),
        fit("Outcome", 9),
        fit("Time", 10),
        "Rating"
    );
    let mut lines = vec![Line::styled(header, theme.muted())];
    let rows = usize::from(area.height.saturating_sub(1));
    if review.view.is_empty() {
        lines.push(Line::styled(
            " No session matches the search and filters. c clears them.",
            theme.warn(),
        ));
    }
    let start = first_row(review, rows);
    let history = &review.history;
    for (pos, &index) in review.view.iter().enumerate().skip(start).take(rows) {
        let Some(s) = history.get(index as usize) else {
            continue;
        };
        let selected = pos == review.selected;
        let row_style = |style: Style| {
            if selected {
                style.patch(theme.selected())
            } else {
                style
            }
        };
        let mut principles = history.principles(s);
        let first = principles
            .next()
            .map_or("", |p| review.catalogue.name_of(p));
        let more = principles.count();
        let principle = if more > 0 {
            format!("{} +{more}", truncate(first, c.principle.saturating_sub(3)))
        } else {
            first.to_string()
        };
        let outcome_style = match s.outcome {
            Outcome::Completed => theme.text(),
            Outcome::Skipped | Outcome::Abandoned => theme.muted(),
        };
        let time = format!(
            "{}/{}{}",
            mmss(s.answer_secs),
            mmss(s.time_limit_secs as f64),
            if s.is_over() { "!" } else { "" }
        );
        let time_style = if s.is_over() {
            theme.warn()
        } else {
            theme.text()
        };
        lines.push(Line::from(vec![
            Span::styled(if selected { "▸" } else { " " }, row_style(theme.title())),
            Span::styled(
                format!("{} ", fit(&date(s, c.date), c.date)),
                row_style(theme.muted()),
            ),
            Span::styled(
                format!("{} ", fit(&principle, c.principle)),
                row_style(theme.principle()),
            ),
            Span::styled(
                format!("{} ", fit(history.question_text(s), c.question)),
                row_style(theme.text()),
            ),
            Span::styled(
                format!("{} ", fit(s.outcome.as_str(), 9)),
                row_style(outcome_style),
            ),
            Span::styled(format!("{} ", fit(&time, 10)), row_style(time_style)),
            Span::styled(
                stars(s.rating),
                row_style(if s.rating.is_some() {
                    theme.warn()
                } else {
                    theme.muted()
                }),
            ),
        ]));
    }
    buf.render_widget(Paragraph::new(Text::from(lines)), area);
}
