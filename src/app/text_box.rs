//! Typing and pasting into a text box (the notes pane, the story form),
//! within a size limit that is stated, never silently enforced.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

/// Notes and each story field hold at most this much text (1 MiB): far more
/// than anyone types while answering, and every frame stays quick.
pub const TEXT_LIMIT: usize = 1 << 20;

/// Bytes of text in `area`, counting line breaks.
pub fn text_len(area: &TextArea<'_>) -> usize {
    let lines = area.lines();
    lines.iter().map(String::len).sum::<usize>() + lines.len().saturating_sub(1)
}

/// Pastes `text` in one step, or refuses the whole of it with a message
/// saying why (nothing is cut off unseen).
pub fn paste(area: &mut TextArea<'_>, text: &str) -> Result<(), String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let after = text_len(area) + text.len();
    if after > TEXT_LIMIT {
        return Err(format!(
            "Not pasted: {} would make this text {}, past its limit of {}",
            size(text.len()),
            size(after),
            size(TEXT_LIMIT)
        ));
    }
    area.insert_str(text);
    Ok(())
}

/// Hands a key to the text box; returns whether the text changed. A key
/// that would add text past the limit is refused with a message.
pub fn type_key(area: &mut TextArea<'_>, key: KeyEvent) -> Result<bool, String> {
    let adds = matches!(key.code, KeyCode::Char(_) | KeyCode::Enter | KeyCode::Tab);
    if adds && text_len(area) >= TEXT_LIMIT {
        return Err(format!(
            "This text is at its limit of {}: nothing more can be added",
            size(TEXT_LIMIT)
        ));
    }
    Ok(area.input(key))
}

fn size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.0} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    #[test]
    fn a_megabyte_pastes_in_one_step_and_more_is_refused_whole() {
        let mut area = TextArea::default();
        let line = "x".repeat(99) + "\n";
        let megabyte = line.repeat(10_000);
        assert_eq!(paste(&mut area, &megabyte), Ok(()));
        assert_eq!(text_len(&area), megabyte.len());
        let err = paste(&mut area, &megabyte).expect_err("past the limit");
        assert!(err.contains("limit of 1.0 MiB"), "{err}");
        assert_eq!(text_len(&area), megabyte.len(), "nothing of it was added");
    }

    #[test]
    fn windows_line_ends_become_lines() {
        let mut area = TextArea::default();
        paste(&mut area, "one\r\ntwo\rthree").expect("pasted");
        assert_eq!(area.lines(), ["one", "two", "three"]);
    }

    #[test]
    fn typing_stops_at_the_limit_with_a_message() {
        let mut area = TextArea::default();
        paste(&mut area, &"y".repeat(TEXT_LIMIT)).expect("exactly the limit");
        let key = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
        assert!(type_key(&mut area, key).is_err());
        let back = KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(type_key(&mut area, back), Ok(true), "deleting still works");
    }
}
