//! Drawing the review browser: a pure function of `&Review`. One file per pane.

pub mod detail;
pub mod empty;
pub mod help;
pub mod list;
pub mod prompt;
pub mod stats;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use crate::ui::widgets::Draw;

use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{centered, draw_line, key_hints};
use crate::app::review::{
    LIST_KEYS, ListKey, Overlay, PLAYBACK_KEYS, Phase, PlayKey, Review, SEARCH_KEYS, STATS_KEYS,
    Tab,
};
use crate::domain::text::visible_line;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// From this height the detail pane sits under the list; below it, Enter shows it.
pub const SPLIT_HEIGHT: u16 = 30;

/// Where the parts of the screen go for a terminal of this size.
struct Areas {
    header: Rect,
    list: Rect,
    detail: Option<Rect>,
    status: Rect,
    footer: Rect,
}

fn areas(area: Rect, review: &Review) -> Areas {
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (list, detail) = if review.zoom {
        (Rect::new(body.x, body.y, body.width, 0), Some(body))
    } else if area.height >= SPLIT_HEIGHT {
        let [list, detail] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
        (list, Some(detail))
    } else {
        (body, None)
    };
    Areas {
        header,
        list,
        detail,
        status,
        footer,
    }
}

/// Rows of sessions the list shows at this terminal size (the loop tells the state).
pub fn list_rows(width: u16, height: u16, review: &Review) -> usize {
    let a = areas(Rect::new(0, 0, width, height), review);
    usize::from(a.list.height.saturating_sub(1)).max(1)
}

pub fn draw(buf: &mut Buffer, review: &Review, theme: Theme) {
    let area = buf.area;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        crate::ui::draw_too_small(buf, area, (MIN_WIDTH, MIN_HEIGHT), theme);
        return;
    }
    if let Phase::Loading { done, total } = review.phase {
        draw_loading(buf, area, done, total, theme);
        return;
    }
    let a = areas(area, review);
    draw_header(buf, a.header, review, theme);
    // Everything between the header and the status line.
    let body = Rect::new(
        area.x,
        a.header.bottom(),
        area.width,
        a.status.y.saturating_sub(a.header.bottom()),
    );
    match review.tab {
        Tab::Stats => stats::draw(buf, body, review, theme),
        Tab::List if review.history.is_empty() => empty::draw(buf, body, review, theme),
        Tab::List => {
            if a.list.height > 0 {
                list::draw(buf, a.list, review, theme);
            }
            if let Some(detail) = a.detail {
                detail::draw(buf, detail, review, theme);
            }
        }
    }
    draw_status(buf, a.status, review, theme);
    draw_footer(buf, a.footer, review, theme);
    match &review.overlay {
        Overlay::None | Overlay::Search { .. } => {}
        Overlay::Help => help::draw(buf, area, theme),
        Overlay::Filter(form) => prompt::draw_filter(buf, area, review, form, theme),
        Overlay::Confirm { file } => prompt::draw_confirm(buf, area, review, file, theme),
    }
}

fn draw_header(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let tab = |name: &'static str, on: bool| {
        if on {
            Span::styled(format!(" {name} "), theme.selected().patch(theme.title()))
        } else {
            Span::styled(format!(" {name} "), theme.muted())
        }
    };
    let left = Line::from(vec![
        Span::styled(" stardrill review ", theme.title()),
        tab("Sessions", review.tab == Tab::List),
        Span::raw(" "),
        tab("Stats", review.tab == Tab::Stats),
    ]);
    let shown = review.view.len();
    let total = review.history.len();
    let count = if shown == total {
        sessions(total)
    } else {
        format!("{} of {} sessions", thousands(shown), thousands(total))
    };
    let right = Line::from(vec![
        Span::styled(count, theme.text()),
        Span::styled(
            format!(" · {} ", review.sort.label(review.descending)),
            theme.muted(),
        ),
    ])
    .alignment(Alignment::Right);
    buf.render_widget(Paragraph::new(left), area);
    if review.tab == Tab::List && !review.history.is_empty() {
        buf.render_widget(Paragraph::new(right), area);
    }
}

/// The search being typed, else an error or message, else filters and skipped files.
fn draw_status(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let line = if let Overlay::Search { .. } = review.overlay {
        Line::from(vec![
            Span::styled(" /", theme.key()),
            Span::styled(review.search.clone(), theme.text()),
            Span::styled("█", theme.key()),
            Span::styled("  Enter keep · Esc cancel", theme.muted()),
        ])
    } else if let Some(status) = &review.status {
        let style = if status.is_error {
            theme.danger()
        } else {
            theme.muted()
        };
        Line::styled(format!(" {}", visible_line(&status.text)), style)
    } else {
        let mut spans = Vec::new();
        let mut part = |text: String, style| {
            let sep = if spans.is_empty() { " " } else { " · " };
            spans.push(Span::styled(format!("{sep}{text}"), style));
        };
        if !review.search.is_empty() {
            part(format!("search \"{}\"", review.search), theme.key());
        }
        if review.filter.is_active() {
            part(
                format!("filter: {}", review.filter.summary(&review.catalogue)),
                theme.key(),
            );
        }
        if !review.skipped.is_empty() {
            let n = review.skipped.len();
            part(
                format!(
                    "{n} file{} skipped: stardrill review --check",
                    if n == 1 { "" } else { "s" }
                ),
                theme.warn(),
            );
        }
        Line::from(spans)
    };
    buf.render_widget(Paragraph::new(line), area);
}

fn draw_footer(buf: &mut Buffer, area: Rect, review: &Review, theme: Theme) {
    let empty = review.history.is_empty();
    let hints = match (&review.overlay, review.tab) {
        (Overlay::Search { .. }, _) => SEARCH_KEYS.footer_as_written(),
        (_, Tab::Stats) => STATS_KEYS.footer_as_written(),
        (_, Tab::List) => {
            let recorded =
                review.zoom && review.selected_session().is_some_and(|s| s.audio.is_some());
            let playing = review.is_playing();
            let mut hints: Vec<_> = if recorded {
                PLAYBACK_KEYS.footer(|action, text| match action {
                    PlayKey::Toggle if playing => Some("pause"),
                    _ => Some(text),
                })
            } else {
                Vec::new()
            };
            hints.extend(LIST_KEYS.footer(|action, text| match action {
                ListKey::SwitchTab | ListKey::Quit => Some(text),
                _ if empty => None,
                ListKey::Zoom if review.zoom => Some("list"),
                _ => Some(text),
            }));
            hints
        }
    };
    draw_line(&key_hints(&hints, area.width, theme), area, buf);
}

fn draw_loading(buf: &mut Buffer, area: Rect, done: usize, total: usize, theme: Theme) {
    let rect = centered(area, 50.min(area.width), 5);
    let ratio = if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    };
    let pane = Pane::new(theme.muted()).title(Span::styled(" Loading sessions ", theme.title()));
    let inner = pane.draw(rect, buf);
    let [label, gauge] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
    buf.render_widget(
        Paragraph::new(Line::styled(
            format!("{} of {} files read", thousands(done), thousands(total)),
            theme.text(),
        ))
        .alignment(Alignment::Center),
        label,
    );
    buf.render_widget(
        Gauge::default()
            .gauge_style(theme.ok())
            .ratio(ratio.clamp(0.0, 1.0))
            .use_unicode(true),
        gauge,
    );
}

/// 12345 → "12,345".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as m:ss, for answer times and step times.
pub fn mmss(secs: f64) -> String {
    crate::app::countdown::clock_face(secs.max(0.0).round() as u64)
}

/// "★★★☆☆", or a dash when unrated.
pub fn stars(rating: Option<u8>) -> String {
    match rating {
        Some(r) => {
            let r = usize::from(r.min(5));
            format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
        }
        None => "  –  ".into(),
    }
}

/// "1 session", "12,400 sessions".
pub(super) fn sessions(n: usize) -> String {
    let noun = if n == 1 { "session" } else { "sessions" };
    format!("{} {noun}", thousands(n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(100_000), "100,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
