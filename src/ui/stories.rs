//! The story bank editor: list and detail, the add/edit form, delete confirmation.

use ratatui::buffer::Buffer;

use crate::ui::widgets::Draw;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::card::Card;
use super::coverage;
use super::pane::Pane;
use super::theme::Theme;
use super::widgets::{confirm_keys, draw_line, draw_text_box, key_hints, truncate};
use crate::app::keymap::Hint;
use crate::app::stories::{
    FORM_KEYS, Form, GRID_KEYS, LIST_KEYS, PRINCIPLE_KEYS, PRINCIPLES_FIELD, StoriesApp, View,
};
use crate::domain::story::TEXT_FIELDS;
use crate::domain::text::visible_line;

pub fn draw(buf: &mut Buffer, app: &StoriesApp, theme: Theme) {
    let area = buf.area;
    if area.width < super::MIN_WIDTH || area.height < super::MIN_HEIGHT {
        super::draw_too_small(buf, area, (super::MIN_WIDTH, super::MIN_HEIGHT), theme);
        return;
    }
    let [body, status, footer] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let hints = match &app.view {
        View::List | View::ConfirmDelete => {
            draw_list(buf, body, app, theme);
            LIST_KEYS.footer_as_written()
        }
        View::Grid => {
            coverage::draw(buf, body, app, theme);
            GRID_KEYS.footer_as_written()
        }
        View::Edit(form) => {
            draw_form(buf, body, app, form, theme);
            FORM_KEYS.footer_as_written()
        }
    };
    let status_line = match &app.status {
        Some(s) if s.is_error => {
            Line::styled(format!(" {}", visible_line(&s.text)), theme.danger())
        }
        Some(s) => Line::styled(format!(" {}", visible_line(&s.text)), theme.muted()),
        None => uncovered_line(app, theme),
    };
    buf.render_widget(Paragraph::new(status_line), status);
    draw_line(&key_hints(&hints, footer.width, theme), footer, buf);
    if matches!(app.view, View::ConfirmDelete) {
        draw_confirm(buf, area, app, theme);
    }
    if app.help_open {
        draw_help(buf, area, theme);
    }
}

fn uncovered_line(app: &StoriesApp, theme: Theme) -> Line<'static> {
    let coverage = app.book.coverage(&app.principles);
    let missing: Vec<&str> = app
        .principles
        .all()
        .iter()
        .zip(&coverage)
        .filter(|(_, n)| **n == 0)
        .map(|(p, _)| p.name.as_str())
        .collect();
    if missing.is_empty() {
        Line::styled(" Every principle has a story.", theme.ok())
    } else {
        Line::styled(
            format!(
                " No story yet for {}: {}",
                missing.len(),
                missing.join(" · ")
            ),
            theme.warn(),
        )
    }
}

fn draw_list(buf: &mut Buffer, area: Rect, app: &StoriesApp, theme: Theme) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(area);
    let pane = Pane::new(theme.border(true)).title(Line::from(vec![
        Span::styled(" Story bank ", theme.title()),
        Span::styled(
            format!("{} stories ", app.book.stories.len()),
            theme.muted(),
        ),
    ]));
    let inner = pane.draw(list, buf);
    if app.book.stories.is_empty() {
        let text = Text::from(vec![
            Line::styled("No stories yet.", theme.text()),
            Line::default(),
            Line::styled(
                "Aim for a story for every principle, each proving 2–3;",
                theme.muted(),
            ),
            Line::styled(
                "in a loop, tell each interviewer a different one.",
                theme.muted(),
            ),
            Line::default(),
            Line::from(vec![
                Span::styled("a", theme.key()),
                Span::raw(" adds your first."),
            ]),
        ]);
        buf.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    }
    // Only the visible window of rows is built.
    let rows = usize::from(inner.height);
    let first = app.selected.saturating_sub(rows.saturating_sub(1));
    let width = usize::from(inner.width);
    let lines: Vec<Line> = app
        .book
        .stories
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, story)| {
            let selected = i == app.selected;
            let flag = if app.is_overused(&story.id) {
                " ⚠"
            } else {
                ""
            };
            let count = format!(" {}P", story.principles.len());
            let title = truncate(
                &story.title,
                width.saturating_sub(4 + count.len() + flag.len()),
            );
            let mut spans = vec![
                Span::styled(if selected { "▸ " } else { "  " }, theme.title()),
                Span::styled(
                    title,
                    if selected {
                        theme.selected()
                    } else {
                        theme.text()
                    },
                ),
                Span::styled(count, theme.muted()),
            ];
            if !flag.is_empty() {
                spans.push(Span::styled(flag, theme.warn()));
            }
            Line::from(spans)
        })
        .collect();
    buf.render_widget(Paragraph::new(Text::from(lines)), inner);
    draw_detail(buf, detail, app, theme);
}

fn draw_detail(buf: &mut Buffer, area: Rect, app: &StoriesApp, theme: Theme) {
    let Some(story) = app.selected_story() else {
        return;
    };
    let mut lines = Vec::new();
    let names: Vec<&str> = story
        .principles
        .iter()
        .map(|p| app.principles.name_of(p))
        .collect();
    lines.push(Line::from(vec![
        Span::styled("Proves  ", theme.muted()),
        Span::styled(
            if names.is_empty() {
                "no principle yet".to_string()
            } else {
                names.join(" · ")
            },
            theme.principle(),
        ),
    ]));
    let used = app.recent_use.get(&story.id).copied().unwrap_or(0);
    if used > 0 {
        let style = if app.is_overused(&story.id) {
            theme.warn()
        } else {
            theme.muted()
        };
        lines.push(Line::styled(
            format!("Told in {used} of your last 10 drills"),
            style,
        ));
    }
    for field in &TEXT_FIELDS[1..] {
        let value = field.of(story);
        if value.is_empty() {
            continue;
        }
        lines.push(Line::default());
        lines.push(Line::styled(field.label, theme.title()));
        lines.extend(
            value
                .lines()
                .map(|l| Line::raw(visible_line(l).into_owned())),
        );
    }
    let pane = Pane::new(theme.muted())
        .title(Span::styled(
            format!(" {} ", visible_line(&story.title)),
            theme.title(),
        ))
        .padding(Padding::horizontal(1));
    let inner = pane.draw(area, buf);
    buf.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        inner,
    );
}

fn draw_form(buf: &mut Buffer, area: Rect, app: &StoriesApp, form: &Form, theme: Theme) {
    let title = if form.original_id.is_some() {
        " Edit story "
    } else {
        " New story "
    };
    let outer = Pane::new(theme.title()).title(Span::styled(title, theme.title()));
    let inner = outer.draw(area, buf);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(inner);

    // Left: title on top, the principle checklist below.
    let [title_area, principles_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(left);
    draw_field(buf, title_area, form, 0, theme);
    let focused = form.focus == PRINCIPLES_FIELD;
    let pane = Pane::new(theme.border(focused)).title(Span::styled(
        " Principles (Space ticks) ",
        if focused {
            theme.title()
        } else {
            theme.muted()
        },
    ));
    let rows = usize::from(pane.inner(principles_area).height);
    let first = form.principle_cursor.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = app
        .principles
        .all()
        .iter()
        .zip(&form.principles)
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, (p, on))| {
            let cursor = focused && i == form.principle_cursor;
            Line::from(vec![
                Span::styled(if cursor { "▸" } else { " " }, theme.title()),
                Span::styled(
                    if *on { "[x] " } else { "[ ] " },
                    if *on { theme.ok() } else { theme.text() },
                ),
                Span::styled(
                    p.name.clone(),
                    if cursor {
                        theme.selected()
                    } else {
                        theme.text()
                    },
                ),
            ])
        })
        .collect();
    super::widgets::lines_in_pane(buf, principles_area, pane, lines);

    // Right: the bullets, sharing the height. When they can't all show a line
    // of text, the focused one takes the room and the others fold to their titles.
    let fields = TEXT_FIELDS.len() - 1;
    let focused_field = Form::text_index(form.focus).filter(|&i| i >= 1);
    let constraints: Vec<Constraint> =
        if usize::from(right.height) >= fields * 3 || focused_field.is_none() {
            vec![Constraint::Fill(1); fields]
        } else {
            (1..=fields)
                .map(|field| {
                    if Some(field) == focused_field {
                        Constraint::Fill(1)
                    } else {
                        Constraint::Length(2)
                    }
                })
                .collect()
        };
    let areas = Layout::vertical(constraints).split(right);
    for (offset, rect) in areas.iter().enumerate() {
        let field = offset + 1;
        draw_field(buf, *rect, form, field, theme);
    }
}

/// One text field of the form; `field` indexes `TEXT_FIELDS`.
fn draw_field(buf: &mut Buffer, area: Rect, form: &Form, field: usize, theme: Theme) {
    let focus_position = if field == 0 { 0 } else { field + 1 };
    let focused = form.focus == focus_position;
    draw_text_box(
        buf,
        area,
        &form.texts[field],
        &format!(" {} ", TEXT_FIELDS[field].label),
        focused,
        theme,
    );
}

fn draw_confirm(buf: &mut Buffer, area: Rect, app: &StoriesApp, theme: Theme) {
    let Some(story) = app.selected_story() else {
        return;
    };
    let text = Text::from(vec![
        Line::raw(truncate(&format!("Delete \"{}\"?", story.title), 50)),
        confirm_keys(theme),
    ]);
    Card::new(text, 56, theme.danger())
        .title(Span::styled(" Delete story? ", theme.danger()))
        .padding(Padding::horizontal(1))
        .height(5)
        .render(buf, area);
}

fn draw_help(buf: &mut Buffer, area: Rect, theme: Theme) {
    let row = |Hint { key, text }: Hint| {
        Line::from(vec![
            Span::styled(format!("  {key:<11}"), theme.key()),
            Span::raw(text),
        ])
    };
    let mut lines: Vec<Line> = LIST_KEYS.help().map(row).collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("  {:<11}", "In the form"),
        theme.key(),
    ));
    // The form's rows, with the principle checklist's after the first.
    let mut form = FORM_KEYS.help();
    lines.extend(form.next().map(row));
    lines.extend(PRINCIPLE_KEYS.help().map(row));
    lines.extend(form.map(row));
    Card::new(lines, 52, theme.title())
        .title(Span::styled(" Story bank help ", theme.title()))
        .bottom(Span::styled(" any key closes ", theme.muted()))
        .render(buf, area);
}
