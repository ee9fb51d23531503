//! Panes kept from one frame to the next.
//!
//! Most keys change one pane, or a row of one: a tick changes two rows of
//! the checklist (each of its rows and border edges is a pane of its own),
//! a letter the notes. The question pane and the notes box are the costliest
//! to draw (wrapping, the editor's layout), the countdown changes once a
//! second and the key hints with the mode, and the code that draws them is
//! cold after a pause between keys. The buffer a frame is drawn on still
//! holds the frame before, so a pane whose inputs are the same as last
//! frame's (summed up in a key) is left as it is instead of being drawn
//! again.
//!
//! A kept pane must be exactly what drawing it would give. So a pane's key
//! covers everything its drawing reads; nothing but an overlay draws inside
//! a pane; after a frame with an overlay every pane is drawn; and whenever a
//! frame's panes do not line up with the last frame's (a new screen, a pane
//! that moved or shrank), the frame is drawn again from blank. Debug builds
//! check every frame that keeps a pane against a fresh drawing.

use std::hash::{BuildHasher, Hash};
use std::rc::Rc;

use foldhash::fast::FixedState;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::pane::Edge;
use super::widgets::wrap_indented;

/// The panes that can be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneId {
    Question,
    Notes,
    Timer,
    Footer,
    Status,
    /// One row inside the checklist's border, counted from its top.
    ChecklistRow(u16),
    /// One edge of the checklist's border.
    ChecklistEdge(Edge),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Drawn {
    id: PaneId,
    key: u64,
    rect: Rect,
}

/// Text as `wrap_indented` wrapped it.
#[derive(Debug)]
struct Wrapped {
    text: String,
    width: usize,
    indent: String,
    lines: Rc<[String]>,
}

/// The panes of the last frame and of the one being drawn.
#[derive(Debug, Default)]
pub struct Keep {
    /// Whether the buffer drawn on holds the last frame's panes.
    holding: bool,
    /// The last frame's panes in the order drawn, each taken out when kept
    /// or drawn over in this frame.
    last: Vec<Option<Drawn>>,
    /// How many of `last` are not taken yet.
    left: usize,
    /// This frame's panes, kept or drawn.
    drawn: Vec<Drawn>,
    /// Something was drawn over the panes in this frame.
    overlaid: bool,
    /// No two of the last frame's panes overlap: then a pane drawn afresh
    /// over its own last cells blanks no other, and the overlap scan (a
    /// tenth of a key's work) is not needed for it.
    last_apart: bool,
    /// This frame's panes do not line up with the last frame's.
    spoiled: bool,
    /// Where this frame's panes drawn afresh are; the rest of `drawn` were
    /// kept.
    redrawn: Vec<Rect>,
    /// Text wrapped in recent frames, with the width and indent: hints are
    /// the same every frame, and wrapping them was a tenth of a key's work.
    wrapped: Vec<Wrapped>,
}

/// The key of a pane drawn from `inputs`: equal keys, equal drawings.
/// foldhash rather than std's SipHash: a key is hashed on every frame from
/// many small fields (a line's spans and styles), where SipHash's cost per
/// write was a tenth of a key's work, and nothing here needs its resistance
/// to chosen inputs.
pub fn key(inputs: &impl Hash) -> u64 {
    const KEYS: FixedState = FixedState::with_seed(0);
    KEYS.hash_one(inputs)
}

impl Keep {
    /// Keeps nothing until a frame has been drawn.
    pub const fn new() -> Self {
        Self {
            holding: false,
            last: Vec::new(),
            left: 0,
            drawn: Vec::new(),
            overlaid: false,
            last_apart: false,
            spoiled: false,
            redrawn: Vec::new(),
            wrapped: Vec::new(),
        }
    }

    /// `text` wrapped as `wrap_indented` wraps it, from the last frames when
    /// they wrapped the same.
    pub fn wrapped(&mut self, text: &str, width: usize, indent: &str) -> Rc<[String]> {
        /// Enough for every hint of a screen; past it the oldest go.
        const ROOM: usize = 32;
        let same = |w: &&Wrapped| w.width == width && w.text == text && w.indent == indent;
        if let Some(wrapped) = self.wrapped.iter().find(same) {
            return Rc::clone(&wrapped.lines);
        }
        if self.wrapped.len() == ROOM {
            self.wrapped.remove(0);
        }
        let lines: Rc<[String]> = wrap_indented(text, width, indent).into();
        self.wrapped.push(Wrapped {
            text: text.to_string(),
            width,
            indent: indent.to_string(),
            lines: Rc::clone(&lines),
        });
        lines
    }

    /// Starts a frame. `holding`: the buffer holds the last frame as drawn.
    pub fn begin(&mut self, holding: bool) {
        let holding = holding && !self.overlaid;
        if holding {
            // A frame drawn on the one before it is apart when that one
            // was and its scans found no overlap; a frame drawn from blank
            // was not scanned, so it is checked here, once.
            self.last_apart = if self.holding {
                self.last_apart && !self.spoiled
            } else {
                apart(&self.drawn)
            };
        }
        self.holding = holding;
        self.last.clear();
        if self.holding {
            self.last.extend(self.drawn.iter().copied().map(Some));
        }
        self.left = self.last.len();
        self.drawn.clear();
        self.overlaid = false;
        self.spoiled = false;
        self.redrawn.clear();
    }

    /// Where pane `id` is in `last`, if not taken yet. A frame draws its
    /// panes in the order the last one did, so the pane about to be drawn
    /// is looked for first where this frame has got to.
    fn find(&self, id: PaneId) -> Option<usize> {
        let here = self.drawn.len();
        if let Some(Some(pane)) = self.last.get(here)
            && pane.id == id
        {
            return Some(here);
        }
        self.last
            .iter()
            .position(|pane| pane.is_some_and(|pane| pane.id == id))
    }

    /// Takes the last frame's pane at `at` out of `last`.
    fn take(&mut self, at: usize) -> Option<Drawn> {
        let pane = self.last.get_mut(at)?.take();
        if pane.is_some() {
            self.left -= 1;
        }
        pane
    }

    /// Where the last frame's panes are, which blanking the buffer for this
    /// frame leaves alone.
    pub fn held(&self) -> impl Iterator<Item = Rect> + '_ {
        self.last.iter().flatten().map(|pane| pane.rect)
    }

    /// The area of pane `id` if the last frame drew it with `key` and the
    /// buffer still holds it: then it is not to be drawn again.
    pub fn kept(&mut self, id: PaneId, key: u64) -> Option<Rect> {
        let at = self.find(id)?;
        if self.last[at].is_none_or(|pane| pane.key != key) {
            return None;
        }
        let pane = self.take(at)?;
        self.drawn.push(pane);
        Some(pane.rect)
    }

    /// Readies `rect` for pane `id`, about to be drawn with `key`: blank,
    /// whatever the last frame left there.
    pub fn fresh(&mut self, buf: &mut Buffer, id: PaneId, key: u64, rect: Rect) {
        if self.holding {
            let before = self.find(id).and_then(|at| self.take(at));
            // What it covered beyond `rect` is left as the last frame had it.
            if before.is_some_and(|before| before.rect.union(rect) != rect) {
                self.spoiled = true;
            }
            // Another pane's cells are about to be blanked. Where it was
            // before, no pane of the last frame was; a pane moved there
            // finds this one in its own scan.
            let in_place = self.last_apart && before.is_some_and(|before| before.rect == rect);
            let overlaps = |pane: &Drawn| pane.rect.intersects(rect);
            if !in_place && self.last.iter().flatten().chain(&self.drawn).any(overlaps) {
                self.spoiled = true;
            }
            let rect = rect.intersection(buf.area);
            for y in rect.top()..rect.bottom() {
                let start = buf.index_of(rect.x, y);
                for cell in &mut buf.content[start..start + usize::from(rect.width)] {
                    cell.reset();
                }
            }
        }
        self.drawn.push(Drawn { id, key, rect });
        self.redrawn.push(rect);
    }

    /// Draws pane `id` over `rect` with `draw`, unless the last frame drew
    /// it with the same `key` and the buffer still holds it.
    pub fn pane(
        &mut self,
        buf: &mut Buffer,
        id: PaneId,
        key: u64,
        rect: Rect,
        draw: impl FnOnce(&mut Buffer),
    ) {
        if self.kept(id, key).is_none() {
            self.fresh(buf, id, key, rect);
            draw(buf);
        }
    }

    /// Something is drawn over the panes: the next frame draws them all.
    pub fn overlay(&mut self) {
        self.overlaid = true;
    }

    /// Whether the frame is whole: every pane of the last frame was kept or
    /// drawn again over the same cells, and no pane blanked another's. If
    /// not, the frame is to be drawn again on a blank buffer.
    pub fn finish(&self) -> bool {
        !self.spoiled && self.left == 0
    }

    /// Whether this frame kept a pane.
    pub fn kept_any(&self) -> bool {
        self.drawn.len() > self.redrawn.len()
    }

    /// Where this frame's panes are, kept or drawn, in the order drawn.
    pub fn panes(&self) -> impl Iterator<Item = Rect> + '_ {
        self.drawn.iter().map(|pane| pane.rect)
    }

    /// Where this frame's panes drawn afresh are.
    pub fn redrawn(&self) -> &[Rect] {
        &self.redrawn
    }

    /// Whether this frame kept a pane and nothing was drawn over it: there
    /// the frame is what the terminal shows already.
    pub fn kept_unchanged(&self) -> bool {
        !self.overlaid && self.kept_any()
    }
}

/// Whether no two of `panes` overlap.
fn apart(panes: &[Drawn]) -> bool {
    panes.iter().enumerate().all(|(at, pane)| {
        panes[at + 1..]
            .iter()
            .all(|other| !other.rect.intersects(pane.rect))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn frame(keep: &mut Keep, buf: &mut Buffer, key: u64, rect: Rect) -> bool {
        if keep.kept(PaneId::Question, key).is_none() {
            keep.fresh(buf, PaneId::Question, key, rect);
            buf.set_string(rect.x, rect.y, format!("{key}"), Style::default());
        }
        keep.finish()
    }

    #[test]
    fn a_pane_with_the_same_key_is_kept() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let mut keep = Keep::new();
        keep.begin(false);
        assert!(frame(&mut keep, &mut buf, 1, Rect::new(0, 0, 4, 1)));
        assert!(!keep.kept_any());
        keep.begin(true);
        assert_eq!(keep.held().collect::<Vec<_>>(), [Rect::new(0, 0, 4, 1)]);
        assert!(frame(&mut keep, &mut buf, 1, Rect::new(0, 0, 4, 1)));
        assert!(keep.kept_any());
    }

    #[test]
    fn a_new_key_blanks_the_pane_before_it_is_drawn() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let mut keep = Keep::new();
        keep.begin(false);
        buf.set_string(0, 0, "1234", Style::default());
        keep.fresh(&mut buf, PaneId::Question, 1, Rect::new(0, 0, 4, 1));
        keep.begin(true);
        assert!(frame(&mut keep, &mut buf, 7, Rect::new(0, 0, 4, 1)));
        assert_eq!(buf, Buffer::with_lines(["7   ", "    "]));
    }

    #[test]
    fn frames_that_do_not_line_up_are_drawn_again() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let mut keep = Keep::new();
        keep.begin(false);
        assert!(frame(&mut keep, &mut buf, 1, Rect::new(0, 0, 4, 2)));
        // Smaller: the row it leaves would keep the last frame's cells.
        keep.begin(true);
        assert!(!frame(&mut keep, &mut buf, 2, Rect::new(0, 0, 4, 1)));
        // Gone: its cells were not blanked.
        keep.begin(false);
        assert!(frame(&mut keep, &mut buf, 2, Rect::new(0, 0, 4, 1)));
        keep.begin(true);
        assert!(!keep.finish());
        // Blanked by another pane drawn over it.
        keep.begin(false);
        assert!(frame(&mut keep, &mut buf, 2, Rect::new(0, 0, 4, 1)));
        keep.begin(true);
        keep.fresh(&mut buf, PaneId::Notes, 3, Rect::new(0, 0, 2, 2));
        assert!(!frame(&mut keep, &mut buf, 2, Rect::new(0, 0, 4, 1)));
    }

    #[test]
    fn a_pane_redrawn_in_place_over_another_still_spoils_the_frame() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let (over, under) = (Rect::new(0, 0, 4, 2), Rect::new(0, 0, 2, 1));
        let mut keep = Keep::new();
        // Drawn from blank, one pane over another.
        keep.begin(false);
        keep.fresh(&mut buf, PaneId::Notes, 1, over);
        keep.fresh(&mut buf, PaneId::Question, 1, under);
        assert!(keep.finish());
        // Drawn again where it was, it blanks the other.
        keep.begin(true);
        keep.fresh(&mut buf, PaneId::Notes, 2, over);
        assert!(keep.kept(PaneId::Question, 1).is_some());
        assert!(!keep.finish());
    }

    #[test]
    fn a_pane_moved_onto_one_redrawn_in_place_spoils_the_frame() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let (top, bottom) = (Rect::new(0, 0, 4, 1), Rect::new(0, 1, 4, 1));
        for in_place_first in [true, false] {
            let mut keep = Keep::new();
            keep.begin(false);
            keep.fresh(&mut buf, PaneId::Question, 1, top);
            keep.fresh(&mut buf, PaneId::Notes, 1, bottom);
            // Every pane kept: the panes are apart, and stay so.
            keep.begin(true);
            assert!(keep.kept(PaneId::Question, 1).is_some());
            assert!(keep.kept(PaneId::Notes, 1).is_some());
            assert!(keep.finish());
            keep.begin(true);
            if in_place_first {
                keep.fresh(&mut buf, PaneId::Question, 2, top);
                keep.fresh(&mut buf, PaneId::Notes, 2, top);
            } else {
                keep.fresh(&mut buf, PaneId::Notes, 2, top);
                keep.fresh(&mut buf, PaneId::Question, 2, top);
            }
            assert!(!keep.finish(), "in place first: {in_place_first}");
        }
    }

    #[test]
    fn text_is_wrapped_as_wrap_indented_wraps_it_whatever_was_wrapped_before() {
        let mut keep = Keep::new();
        let text = "What YOU had to achieve, and why it mattered to the customer.";
        for (width, indent) in [(30, "  "), (20, "  "), (30, "  "), (30, "    "), (30, "  ")] {
            let lines = keep.wrapped(text, width, indent);
            assert_eq!(
                *lines,
                *wrap_indented(text, width, indent),
                "{width} {indent:?}"
            );
        }
        // Past its room the oldest are dropped, and wrapped again when asked.
        for width in 10..60 {
            keep.wrapped(text, width, "");
        }
        assert_eq!(keep.wrapped.len(), 32);
        assert_eq!(*keep.wrapped(text, 10, ""), *wrap_indented(text, 10, ""));
        assert_eq!(
            *keep.wrapped("Other words.", 30, "  "),
            *wrap_indented("Other words.", 30, "  ")
        );
    }

    #[test]
    fn nothing_is_kept_after_an_overlay_or_from_a_buffer_drawn_over() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let mut keep = Keep::new();
        keep.begin(false);
        frame(&mut keep, &mut buf, 1, Rect::new(0, 0, 4, 1));
        keep.overlay();
        keep.begin(true);
        assert_eq!(keep.held().count(), 0);
        assert!(frame(&mut keep, &mut buf, 1, Rect::new(0, 0, 4, 1)));
        assert!(!keep.kept_any());
        keep.begin(false);
        assert_eq!(keep.held().count(), 0);
    }
}
