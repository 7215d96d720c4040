//! Text made safe for a terminal: control characters and bidirectional overrides escaped.

use std::borrow::Cow;

/// A character that must not reach a terminal as it is: control characters (escape
/// sequences, carriage returns) and bidirectional overrides.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Push `c` as a visible `\u{..}` escape.
fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns,
/// line breaks inside one field) and bidirectional overrides become visible `\u{..}`
/// escapes, so a config's keys or comments cannot move the cursor or recolour the screen.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_where(text, |_, c| hidden(c))
}

/// A whole human report safe for a terminal: as [`visible`], but line breaks, tabs and
/// CRLF line ends stay, so the layout (and a pulled document's bytes) are kept.
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    escape_where(text, |i, c| {
        hidden(c) && !(c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n')))
    })
}

fn escape_where(text: &str, escape: impl Fn(usize, char) -> bool) -> Cow<'_, str> {
    if !text.char_indices().any(|(i, c)| escape(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        if escape(i, c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(visible("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(visible("plain é"), "plain é");
        assert_eq!(
            terminal_text("k\u{202e}x\r\n\tok\rno\u{7}\n"),
            "k\\u{202e}x\r\n\tok\\u{d}no\\u{7}\n"
        );
    }
}
