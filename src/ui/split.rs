//! The drill's three splits of the screen, worked out directly. Ratatui's
//! `Layout` hands them to a constraint solver; before its cache holds them
//! (a first frame) that cost 0.7 M instructions, a sixth of a start. Each
//! split here is `Layout`'s own answer for every area (tests compare them
//! over every size up to 1000), and hands what it does not cover to `Layout`.

use ratatui::layout::{Constraint, Layout, Rect};

/// `Layout::vertical([Length(height), Fill(1)])`: a top of `height` rows
/// and the rest.
pub fn top(area: Rect, height: u16) -> [Rect; 2] {
    let height = height.min(area.height);
    let (top, rest) = rows(area, height);
    [top, rest]
}

/// `Layout::vertical([Length(3), Fill(1), Length(1), Length(1)])`: the
/// answering screen's timer, panes, status line and keys.
pub fn answer_rows(area: Rect) -> [Rect; 4] {
    if area.height < 5 {
        return Layout::vertical([
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
    }
    let (timer, rest) = rows(area, 3);
    let (panes, rest) = rows(rest, rest.height - 2);
    let (status, keys) = rows(rest, 1);
    [timer, panes, status, keys]
}

/// `Layout::horizontal([Percentage(60), Percentage(40)])`: the checklist
/// and the notes.
pub fn sixty_forty(area: Rect) -> [Rect; 2] {
    let left = (u32::from(area.width) * 60 + 50) / 100;
    // At most the width: a u16.
    let left = left as u16;
    let mut right = area;
    right.x += left;
    right.width -= left;
    [
        Rect {
            width: left,
            ..area
        },
        right,
    ]
}

/// The first `height` rows of `area` (at most its height) and the rest.
fn rows(area: Rect, height: u16) -> (Rect, Rect) {
    let mut rest = area;
    rest.y += height;
    rest.height -= height;
    (Rect { height, ..area }, rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Constraint::{Fill, Length, Percentage};

    /// Every square area up to 1000×1000, at two offsets.
    fn areas() -> impl Iterator<Item = Rect> {
        (0..=1000u16).flat_map(|size| {
            [(0, 0), (3, 7)]
                .into_iter()
                .map(move |(x, y)| Rect::new(x, y, size, size))
        })
    }

    #[test]
    fn top_is_layouts_answer() {
        for area in areas() {
            for height in [0, 1, 3, 5, 9, 40, 301] {
                let expected: [Rect; 2] = Layout::vertical([Length(height), Fill(1)]).areas(area);
                assert_eq!(top(area, height), expected, "{area:?} {height}");
            }
        }
    }

    #[test]
    fn answer_rows_are_layouts_answer() {
        for area in areas() {
            let expected: [Rect; 4] =
                Layout::vertical([Length(3), Fill(1), Length(1), Length(1)]).areas(area);
            assert_eq!(answer_rows(area), expected, "{area:?}");
        }
    }

    #[test]
    fn sixty_forty_is_layouts_answer() {
        for area in areas() {
            let expected: [Rect; 2] =
                Layout::horizontal([Percentage(60), Percentage(40)]).areas(area);
            assert_eq!(sixty_forty(area), expected, "{area:?}");
        }
    }
}
