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

    /// The whole text, each prose piece through `prose` (a face's words, escaping) and each
    /// verbatim piece through `verbatim` (escaping only where the place needs it).
    pub fn rendered(
        &self,
        prose: impl Fn(&str) -> String,
        verbatim: impl Fn(&str) -> String,
    ) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Prose(text) => prose(text),
                Piece::Verbatim(text) => verbatim(text),
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
            text.rendered(|t| t.replace("validate_config", "validate"), str::to_owned),
            "// checked with validate_config\nrun validate\n"
        );
        assert_eq!(
            text.to_string(),
            "// checked with validate_config\nrun validate_config\n"
        );
    }
}
