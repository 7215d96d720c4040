//! Human output in two kinds of pieces: prose this tool wrote (a face may reword it in its own
//! words) and verbatim text that is the user's or the gateway's (a document, a diff, a
//! generated file), which is shown as it is.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Prose(String),
    Verbatim(String),
}

/// A rendered report whose verbatim pieces no rewording touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HumanText(Vec<Piece>);

impl HumanText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add text this tool wrote.
    pub fn prose(mut self, text: impl Into<String>) -> Self {
        self.0.push(Piece::Prose(text.into()));
        self
    }

    /// Add the user's (or the gateway's) own text: a document, a diff, a generated file.
    pub fn verbatim(mut self, text: impl Into<String>) -> Self {
        self.0.push(Piece::Verbatim(text.into()));
        self
    }

    /// The whole text with every prose piece passed through `words`.
    pub fn reworded(&self, words: impl Fn(&str) -> String) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Prose(text) => words(text),
                Piece::Verbatim(text) => text.clone(),
            })
            .collect()
    }
}

impl From<String> for HumanText {
    fn from(text: String) -> Self {
        Self::new().prose(text)
    }
}

impl fmt::Display for HumanText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.0 {
            match piece {
                Piece::Prose(text) | Piece::Verbatim(text) => f.write_str(text)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_prose_is_reworded() {
        let text = HumanText::new()
            .verbatim("// checked with validate_config\n")
            .prose("run validate_config\n");
        assert_eq!(
            text.reworded(|t| t.replace("validate_config", "validate")),
            "// checked with validate_config\nrun validate\n"
        );
        assert_eq!(
            text.to_string(),
            "// checked with validate_config\nrun validate_config\n"
        );
    }
}
