//! Loading a config document: guards against hostile input, HuJSON parsing, and line/column lookup.

use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy};

use super::tree::{Node, Span};
use crate::hujson::hujson_options;

/// Largest document we read. Real configs are kilobytes; 32 MiB leaves room for
/// generated configs with tens of thousands of grants.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// jsonc-parser's own nesting limit; Aperture configs nest about six levels deep.
pub const MAX_NESTING_DEPTH: usize = 512;

/// A parsed document: the source text, its position index, and the positioned tree.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    index: LineIndex,
    pub root: Node,
}

/// Byte offset → 1-based line and column in O(log n + BLOCK): the line by binary search over
/// line starts, the column as the number of characters (UTF-8 lead bytes) between the line
/// start and the offset, read from per-block running counts. Counting from the line start
/// made every lookup on a one-line document cost the whole line.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Characters before each `BLOCK`-byte boundary; empty for ASCII text (bytes = characters).
    chars_before_block: Vec<u32>,
}

impl LineIndex {
    const BLOCK: usize = 256;

    /// Index `text` in one pass.
    pub fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(newline_ends(text.as_bytes()))
            .collect();
        let chars_before_block = if text.is_ascii() {
            Vec::new()
        } else {
            let mut count = 0u32;
            text.as_bytes()
                .chunks(Self::BLOCK)
                .map(|chunk| {
                    let before = count;
                    count += chunk.iter().filter(|b| is_lead_byte(**b)).count() as u32;
                    before
                })
                .collect()
        };
        LineIndex {
            line_starts,
            chars_before_block,
        }
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset in `text`, the
    /// text this index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.chars_before(text, offset) - self.chars_before(text, start);
        (line as u32 + 1, column as u32 + 1)
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: u32) -> Option<std::ops::Range<usize>> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(text.len());
        let trimmed = text[start..end].trim_end_matches(['\n', '\r']).len();
        Some(start..start + trimmed)
    }

    /// Byte offset of a 1-based line and column (clamped to the line's end): the inverse of
    /// [`LineIndex::line_col`], found through the same block counts.
    pub fn offset(&self, text: &str, line: u32, column: u32) -> Option<usize> {
        let range = self.line_range(text, line)?;
        let target = self.chars_before(text, range.start) + (column.max(1) as usize - 1);
        if self.chars_before_block.is_empty() {
            return Some((range.start + column.max(1) as usize - 1).min(range.end));
        }
        let block = self
            .chars_before_block
            .partition_point(|&c| (c as usize) <= target)
            .saturating_sub(1);
        let mut count = self.chars_before_block[block] as usize;
        for (i, b) in text.as_bytes()[block * Self::BLOCK..].iter().enumerate() {
            let at = block * Self::BLOCK + i;
            if is_lead_byte(*b) {
                if count == target || at >= range.end {
                    return Some(at.clamp(range.start, range.end));
                }
                count += 1;
            }
        }
        Some(range.end)
    }

    /// Characters in `text[..offset]` (a lead byte at `offset - 1` counts, so an offset inside
    /// a character counts that character, as the column of its first byte plus one).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return offset;
        }
        let block = offset / Self::BLOCK;
        let base = self.chars_before_block.get(block).copied().unwrap_or(0) as usize;
        let from = (block * Self::BLOCK).min(offset);
        base + text.as_bytes()[from..offset]
            .iter()
            .filter(|b| is_lead_byte(**b))
            .count()
    }
}

/// A byte that starts a UTF-8 character (not a continuation byte).
fn is_lead_byte(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// Offsets just after each `\n`.
fn newline_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// What kind of failure stopped the load; the rule layer maps each kind to its rule
/// (`rules::load_error_diagnostic`), so the config core needs no rule codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// Not valid HuJSON.
    Syntax,
    /// Empty, or only comments.
    Empty,
    /// The top-level value is not an object (or is the config wrapped in a string/response).
    RootNotObject,
    /// Larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// Nested deeper than [`MAX_NESTING_DEPTH`].
    TooDeep,
    /// Not UTF-8 text.
    NotText,
}

/// Why a document could not be parsed at all: what, where (1-based line and column when the
/// input was text) and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub kind: LoadErrorKind,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub fix: String,
    /// Aperture itself refuses this input with its documented text (only an empty document).
    pub reported_by_aperture: bool,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " at line {line}, column {column}"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    fn new(kind: LoadErrorKind, message: String, position: Option<(u32, u32)>, fix: &str) -> Self {
        LoadError {
            kind,
            message,
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            fix: fix.into(),
            reported_by_aperture: false,
        }
    }

    fn reported_by_aperture(mut self) -> Self {
        self.reported_by_aperture = true;
        self
    }
}

impl Document {
    /// Parse raw bytes (a file or stdin).
    pub fn from_bytes(bytes: &[u8]) -> Result<Document, LoadError> {
        Document::parse(decode(bytes)?)
    }

    /// Parse document text.
    pub fn parse(text: &str) -> Result<Document, LoadError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(too_large(text.len()));
        }
        let text = without_bom(text);
        if looks_utf16(text.as_bytes()) {
            return Err(utf16_error());
        }
        if let Some(pos) = text.find('\0') {
            let (line, column) = line_col_in(text, pos);
            return Err(LoadError::new(
                LoadErrorKind::NotText,
                "the input contains NUL bytes: it is binary data, not a HuJSON config".into(),
                Some((line, column)),
                "pass the Aperture config file (HuJSON text), not a binary file",
            ));
        }
        if text.trim().is_empty() {
            return Err(LoadError::new(
                    LoadErrorKind::Empty,
                    "the document is empty: Aperture refuses to save an empty config".into(),
                    Some((1, 1)),
                    "start from a minimal config: a `providers` object and a `grants` array with an admin grant",
                )
                .reported_by_aperture(),
            );
        }
        // Fast path: build the tree from scanner tokens. Only a document that fails it is
        // parsed again by `parse_to_ast`, for jsonc-parser's own error message and position.
        let root = match super::tree::parse_tokens(text, MAX_NESTING_DEPTH) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(LoadError::new(
                    LoadErrorKind::Empty,
                    "the document holds only comments".into(),
                    Some((1, 1)),
                    "add the config object",
                ));
            }
            Err(()) => Self::slow_parse(text)?,
        };
        let document = Document {
            index: LineIndex::new(text),
            text: text.to_owned(),
            root,
        };
        if let Some(error) = wrapped_config(&document) {
            return Err(error);
        }
        if !document.root.is_object() {
            let (line, column) = document.line_col(document.root.span.start as usize);
            return Err(LoadError::new(
                LoadErrorKind::RootNotObject,
                format!(
                    "the top-level value is {}, but an Aperture config is an object",
                    article(document.root.kind())
                ),
                Some((line, column)),
                "wrap the content in `{ ... }` with keys such as `providers` and `grants`",
            ));
        }
        Ok(document)
    }

    /// Parse with `parse_to_ast` to report jsonc-parser's error (the fast path failed).
    fn slow_parse(text: &str) -> Result<Node, LoadError> {
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        let parsed = jsonc_parser::parse_to_ast(text, &collect, &hujson_options()).map_err(|e| {
            let (rule, hint) = match e.kind() {
                ParseErrorKind::NestingDepthExceeded => (
                    LoadErrorKind::TooDeep,
                    "an Aperture config nests about six levels deep; check for runaway brackets or a file that is not a config",
                ),
                kind => (LoadErrorKind::Syntax, syntax_hint(kind)),
            };
            let message = match e.kind() {
                ParseErrorKind::NestingDepthExceeded => {
                    format!("nesting deeper than {MAX_NESTING_DEPTH} levels")
                }
                kind => format!("syntax error: {}", lowercase_first(&kind.to_string())),
            };
            LoadError::new(
                rule,
                message,
                Some((e.line_display() as u32, e.column_display() as u32)),
                hint,
            )
        })?;
        let Some(ast) = parsed.value else {
            return Err(LoadError::new(
                LoadErrorKind::Empty,
                "the document holds only comments".into(),
                Some((1, 1)),
                "add the config object",
            ));
        };
        Ok(Node::from_ast(&ast))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        self.index.line_col(&self.text, offset)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        self.index
            .line_range(&self.text, line)
            .map(|range| &self.text[range])
    }

    /// Position of a span's start.
    pub fn span_position(&self, span: Span) -> (u32, u32) {
        self.line_col(span.start as usize)
    }
}

/// The document text of raw bytes, as every reader of a config sees it (validate, the
/// generators, the editor): at most [`MAX_DOCUMENT_BYTES`], UTF-8 (UTF-16 named as such), a
/// leading byte order mark removed.
pub fn decode(bytes: &[u8]) -> Result<&str, LoadError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(bytes.len()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(without_bom(text)),
        Err(_) if looks_utf16(bytes) => Err(utf16_error()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_col_in(prefix, prefix.len());
            Err(LoadError::new(
                LoadErrorKind::NotText,
                format!(
                    "the input is not UTF-8 text: invalid byte 0x{:02x} at byte offset {}",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
                Some((line, column)),
                "save the config as UTF-8 (HuJSON is always UTF-8); if this is a binary file, pass the config file instead",
            ))
        }
    }
}

/// A leading UTF-8 byte order mark is not part of the document (editors on Windows add one);
/// defined once so the parser and the editor start at the same character.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// UTF-16 text (a BOM, or ASCII with every other byte NUL), as PowerShell's `>` writes it.
fn looks_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64)];
    sample.len() >= 4
        && (sample.iter().skip(1).step_by(2).all(|b| *b == 0)
            || sample.iter().step_by(2).all(|b| *b == 0))
}

fn utf16_error() -> LoadError {
    LoadError::new(
        LoadErrorKind::NotText,
        "the input is UTF-16 text (as PowerShell's `>` and some Windows editors write it), not UTF-8".into(),
        Some((1, 1)),
        "save the config as UTF-8 (PowerShell: `Out-File -Encoding utf8`, or `Set-Content -Encoding utf8`)",
    )
}

/// The config wrapped the way the config API carries it: a JSON string, or the whole
/// `GET /api/config` response (`{config, hash, exists}`).
fn wrapped_config(document: &Document) -> Option<LoadError> {
    let root = &document.root;
    let (line, column) = document.line_col(root.span.start as usize);
    let inner_is_config = |text: &str| text.trim_start().starts_with('{');
    if let Some(text) = root.as_str()
        && inner_is_config(text)
    {
        return Some(LoadError::new(
            LoadErrorKind::RootNotObject,
            "the document is a JSON string holding the config (as the config API carries it), not the config itself".into(),
            Some((line, column)),
            "decode the string first, e.g. `jq -r . < file > aperture.hujson`",
        ));
    }
    if root.get_str("config").is_some_and(inner_is_config)
        && (root.get("hash").is_some() || root.get("exists").is_some())
    {
        return Some(LoadError::new(
            LoadErrorKind::RootNotObject,
            "this is a `GET /api/config` response: the config is the string in its `config` field"
                .into(),
            Some((line, column)),
            "extract it first, e.g. `jq -r .config < response.json > aperture.hujson`",
        ));
    }
    None
}

fn too_large(len: usize) -> LoadError {
    LoadError::new(
        LoadErrorKind::TooLarge,
        // Exact byte counts: a rounded "32.0 MiB" next to "at most 32 MiB" reads as a contradiction.
        format!(
            "the document is {len} bytes; this tool reads at most {MAX_DOCUMENT_BYTES} bytes (32 MiB)"
        ),
        None,
        "an Aperture config is normally a few kilobytes: check that this is the right file",
    )
}

fn syntax_hint(kind: &ParseErrorKind) -> &'static str {
    match kind {
        ParseErrorKind::ExpectedComma => "add a comma between the two values or members",
        ParseErrorKind::ExpectedColonAfterObjectKey => "put `:` between the key and its value",
        ParseErrorKind::ExpectedStringObjectProperty | ParseErrorKind::UnexpectedWord => {
            "quote object keys and string values with double quotes (HuJSON does not allow bare words)"
        }
        ParseErrorKind::SingleQuotedStringsNotAllowed => {
            "use double quotes: HuJSON does not allow single-quoted strings"
        }
        ParseErrorKind::UnterminatedObject => "close the object with `}`",
        ParseErrorKind::UnterminatedArray => "close the array with `]`",
        ParseErrorKind::UnterminatedCommentBlock => "close the block comment with `*/`",
        ParseErrorKind::MultipleRootJsonValues => {
            "a config is one object: remove the text after the closing `}`"
        }
        ParseErrorKind::HexadecimalNumbersNotAllowed
        | ParseErrorKind::UnaryPlusNumbersNotAllowed
        | ParseErrorKind::BareDecimalPointNumbersNotAllowed
        | ParseErrorKind::NonFiniteNumbersNotAllowed => {
            "write numbers in plain JSON form (e.g. `10`, `0.5`)"
        }
        _ => "fix the HuJSON syntax at this position (JSON with `//` comments and trailing commas)",
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn article(kind: &str) -> String {
    match kind {
        "array" | "integer" | "object" => format!("an {kind}"),
        other => format!("a {other}"),
    }
}

fn line_col_in(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, before[line_start..].chars().count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<Document, LoadError>) -> Option<LoadErrorKind> {
        r.err().map(|e| e.kind)
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let doc = Document::parse("{\n  \"é\": \"x\"\n}").unwrap();
        let member = &doc.root.members().unwrap()[0];
        assert_eq!(doc.span_position(member.key_span), (2, 3));
        assert_eq!(doc.span_position(member.value.span), (2, 8));
        assert_eq!(doc.line_text(2), Some("  \"é\": \"x\""));
    }

    #[test]
    fn the_line_index_counts_characters_across_blocks() {
        let text = format!("{}\n{}é\r\nz", "aé\u{1F600}b".repeat(300), "x".repeat(700));
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            let line = before.matches('\n').count() as u32 + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[start..].chars().count() as u32 + 1;
            assert_eq!(
                index.line_col(&text, offset),
                (line, column),
                "offset {offset}"
            );
        }
        assert_eq!(
            index.line_range(&text, 2).map(|r| &text[r]),
            Some(&*format!("{}é", "x".repeat(700)))
        );
        assert_eq!(index.line_range(&text, 4), None);
        for (offset, _) in text.char_indices() {
            let (line, column) = index.line_col(&text, offset);
            if text.as_bytes()[offset] != b'\n' && text.as_bytes()[offset] != b'\r' {
                assert_eq!(
                    index.offset(&text, line, column),
                    Some(offset),
                    "offset {offset}"
                );
            }
        }
        assert_eq!(index.offset(&text, 3, 99), Some(text.len()));
    }

    #[test]
    fn fast_and_reference_parsers_accept_the_same_documents() {
        let samples = [
            r#"{"a": 1}"#,
            "{\"a\": [1, 2,], // c\n}",
            "/* lead */ {\"a\": {\"b\": null,},} // tail",
            r#"{"a": 1 "b": 2}"#,
            r#"{'a': 1}"#,
            r#"{a: 1}"#,
            r#"{"a": 0x10}"#,
            r#"{"a": +1}"#,
            r#"{"a": .5}"#,
            r#"{"a": NaN}"#,
            r#"{"a": "\x41"}"#,
            r#"{"a": 1,,}"#,
            r#"{"a": [1,,2]}"#,
            r#"{"a": 1} {"b": 2}"#,
            r#"{"a": "é\u00e9", "b": -1.5e3, "c": true, "d": [[], {}]}"#,
            r#"[1, 2]"#,
            r#"{"a": 1"#,
            "{\"a\": 1} /* open",
        ];
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        for sample in samples {
            let fast = super::super::tree::parse_tokens(sample, MAX_NESTING_DEPTH).is_ok();
            let reference = jsonc_parser::parse_to_ast(sample, &collect, &hujson_options()).is_ok();
            assert_eq!(fast, reference, "parsers disagree on {sample}");
            if let (Ok(Some(node)), Ok(ast)) = (
                super::super::tree::parse_tokens(sample, MAX_NESTING_DEPTH),
                jsonc_parser::parse_to_ast(sample, &collect, &hujson_options()),
            ) {
                assert_eq!(
                    node,
                    Node::from_ast(&ast.value.unwrap()),
                    "trees differ for {sample}"
                );
            }
        }
    }

    #[test]
    fn hostile_inputs_become_diagnostics() {
        assert_eq!(kind(Document::parse("")), Some(LoadErrorKind::Empty));
        let big = Document::from_bytes(&vec![b' '; MAX_DOCUMENT_BYTES + 1]).unwrap_err();
        assert_eq!(
            big.message,
            "the document is 33554433 bytes; this tool reads at most 33554432 bytes (32 MiB)"
        );
        assert_eq!(
            kind(Document::parse("  // nothing\n")),
            Some(LoadErrorKind::Empty)
        );
        assert_eq!(
            kind(Document::from_bytes(&[0x7b, 0xff, 0xfe])),
            Some(LoadErrorKind::NotText)
        );
        assert_eq!(
            kind(Document::parse("{\"a\":\0}")),
            Some(LoadErrorKind::NotText)
        );
        assert_eq!(
            kind(Document::parse("[1]")),
            Some(LoadErrorKind::RootNotObject)
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(kind(Document::parse(&deep)), Some(LoadErrorKind::TooDeep));
        let err = Document::parse("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert_eq!(
            (err.kind, err.line, err.column),
            (LoadErrorKind::Syntax, Some(2), Some(9))
        );
        assert!(err.to_string().ends_with("at line 2, column 9"), "{err}");
        assert_eq!(
            kind(Document::parse("{'a': 1}")),
            Some(LoadErrorKind::Syntax)
        );
        assert!(Document::parse("{\"a\": [1, 2,], // c\n}").is_ok());
    }
}
