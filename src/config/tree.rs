//! The positioned tree: every value and object key keeps its byte span in the source.

use crate::hujson::hujson_options;

/// Byte range in the source text (`u32`: documents are at most 32 MiB, and a smaller
/// tree stays in cache on large documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// Immutable text of a key or scalar. Up to 22 bytes are stored inline (most keys, roles,
/// logins and model IDs), longer text in a `Box<str>`: a large config's tree then needs far
/// fewer allocations and stays smaller in cache.
#[derive(Clone)]
pub struct Text(Repr);

const INLINE: usize = 22;

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..*len as usize],
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Inline bytes are always copied from a `&str` at a char boundary.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        })
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Text(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Text(Repr::Heap(s.into()))
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        if s.len() <= INLINE {
            Text::from(s.as_str())
        } else {
            Text(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&Text> for String {
    fn from(t: &Text) -> String {
        t.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.bytes() == other.as_bytes()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// One object member. Duplicate keys are kept in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Text,
    pub key_span: Span,
    pub value: Node,
}

/// A JSON value. Numbers keep their source text so integers and floats stay exact.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Text),
    String(Text),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// A value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    /// JSON type name as JSON Schema spells it (`integer` for whole numbers).
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if is_integer_literal(n) => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// The member with this key. With duplicates the last one wins, as in Go's decoder.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Object members without earlier duplicates (last wins), in source order.
    pub fn unique_members(&self) -> Vec<&Member> {
        let Some(members) = self.members() else {
            return Vec::new();
        };
        if members.len() < 2 {
            return members.iter().collect();
        }
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        let mut out: Vec<&Member> = members
            .iter()
            .rev()
            .filter(|m| seen.insert(m.key.as_str()))
            .collect();
        out.reverse();
        out
    }

    /// Follow an RFC 6901 pointer.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in super::pointer::tokens(pointer)? {
            node = match &node.value {
                Value::Object(_) => node.get(&token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The plain JSON value (comments and positions dropped; last duplicate wins).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|_| serde_json::Value::String(n.to_string())),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Object(_) => serde_json::Value::Object(
                self.unique_members()
                    .into_iter()
                    .map(|m| (m.key.to_string(), m.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Convert the jsonc-parser AST (depth is bounded by the parser's nesting limit).
    pub(crate) fn from_ast(value: &jsonc_parser::ast::Value<'_>) -> Node {
        use jsonc_parser::ast::Value as A;
        let span = |r: jsonc_parser::common::Range| Span {
            start: r.start as u32,
            end: r.end as u32,
        };
        match value {
            A::StringLit(s) => Node {
                value: Value::String(Text::from(s.value.as_ref())),
                span: span(s.range),
            },
            A::NumberLit(n) => Node {
                value: Value::Number(Text::from(n.value)),
                span: span(n.range),
            },
            A::BooleanLit(b) => Node {
                value: Value::Bool(b.value),
                span: span(b.range),
            },
            A::NullKeyword(n) => Node {
                value: Value::Null,
                span: span(n.range),
            },
            A::Array(a) => Node {
                value: Value::Array(a.elements.iter().map(Node::from_ast).collect()),
                span: span(a.range),
            },
            A::Object(o) => Node {
                value: Value::Object(
                    o.properties
                        .iter()
                        .map(|p| {
                            let (key, key_range) = match &p.name {
                                jsonc_parser::ast::ObjectPropName::String(s) => {
                                    (s.value.to_string(), s.range)
                                }
                                jsonc_parser::ast::ObjectPropName::Word(w) => {
                                    (w.value.to_owned(), w.range)
                                }
                            };
                            Member {
                                key: key.into(),
                                key_span: span(key_range),
                                value: Node::from_ast(&p.value),
                            }
                        })
                        .collect(),
                ),
                span: span(o.range),
            },
        }
    }
}

/// Build the tree straight from jsonc-parser's scanner tokens (no intermediate AST).
/// `Err(())` on any syntax problem: the caller re-parses with `parse_to_ast` for
/// jsonc-parser's own error message and position. `Ok(None)`: only comments.
pub(crate) fn parse_tokens(text: &str, max_depth: usize) -> Result<Option<Node>, ()> {
    // The same dialect as the `parse_to_ast` path, so the two can never disagree.
    let dialect = hujson_options();
    let options = jsonc_parser::ScannerOptions {
        allow_single_quoted_strings: dialect.allow_single_quoted_strings,
        allow_hexadecimal_numbers: dialect.allow_hexadecimal_numbers,
        allow_unary_plus_numbers: dialect.allow_unary_plus_numbers,
        allow_bare_decimal_point_numbers: dialect.allow_bare_decimal_point_numbers,
        allow_non_finite_numbers: dialect.allow_non_finite_numbers,
        allow_extended_string_escapes: dialect.allow_extended_string_escapes,
    };
    let mut parser = TokenParser {
        scanner: jsonc_parser::Scanner::new(text, &options),
        depth: 0,
        max_depth,
        members: Vec::new(),
        items: Vec::new(),
    };
    let Some(first) = parser.next()? else {
        return Ok(None);
    };
    let root = parser.value(first)?;
    match parser.next()? {
        None => Ok(Some(root)),
        Some(_) => Err(()),
    }
}

struct TokenParser<'a> {
    scanner: jsonc_parser::Scanner<'a>,
    depth: usize,
    max_depth: usize,
    /// Scratch stacks: children are collected here and each container is allocated once,
    /// at its exact size (growing a `Vec` per container doubled memory and copied).
    members: Vec<Member>,
    items: Vec<Node>,
}

impl<'a> TokenParser<'a> {
    /// The next token that is not a comment.
    fn next(&mut self) -> Result<Option<jsonc_parser::tokens::Token<'a>>, ()> {
        use jsonc_parser::tokens::Token;
        loop {
            match self.scanner.scan().map_err(|_| ())? {
                Some(Token::CommentLine(_) | Token::CommentBlock(_)) => continue,
                other => return Ok(other),
            }
        }
    }

    fn span(&self, start: usize) -> Span {
        Span {
            start: start as u32,
            end: self.scanner.token_end() as u32,
        }
    }

    fn value(&mut self, token: jsonc_parser::tokens::Token<'a>) -> Result<Node, ()> {
        use jsonc_parser::tokens::Token;
        let start = self.scanner.token_start();
        let value = match token {
            Token::String(s) => Value::String(Text::from(s.as_ref())),
            Token::Number(n) => Value::Number(Text::from(n)),
            Token::Boolean(b) => Value::Bool(b),
            Token::Null => Value::Null,
            Token::OpenBrace => return self.object(start),
            Token::OpenBracket => return self.array(start),
            _ => return Err(()),
        };
        Ok(Node {
            value,
            span: self.span(start),
        })
    }

    fn enter(&mut self) -> Result<(), ()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            Err(())
        } else {
            Ok(())
        }
    }

    fn object(&mut self, start: usize) -> Result<Node, ()> {
        use jsonc_parser::tokens::Token;
        self.enter()?;
        let first = self.members.len();
        loop {
            let key = match self.next()?.ok_or(())? {
                Token::CloseBrace => break,
                Token::String(key) => Text::from(key.as_ref()),
                _ => return Err(()),
            };
            let key_span = self.span(self.scanner.token_start());
            if !matches!(self.next()?, Some(Token::Colon)) {
                return Err(());
            }
            let token = self.next()?.ok_or(())?;
            let value = self.value(token)?;
            self.members.push(Member {
                key,
                key_span,
                value,
            });
            match self.next()?.ok_or(())? {
                Token::Comma => continue,
                Token::CloseBrace => break,
                _ => return Err(()),
            }
        }
        self.depth -= 1;
        let members: Vec<Member> = self.members.drain(first..).collect();
        Ok(Node {
            value: Value::Object(members),
            span: self.span(start),
        })
    }

    fn array(&mut self, start: usize) -> Result<Node, ()> {
        use jsonc_parser::tokens::Token;
        self.enter()?;
        let first = self.items.len();
        loop {
            let token = self.next()?.ok_or(())?;
            if matches!(token, Token::CloseBracket) {
                break;
            }
            // Nested containers drain their own range before returning, so ours stays on top.
            let item = self.value(token)?;
            self.items.push(item);
            match self.next()?.ok_or(())? {
                Token::Comma => continue,
                Token::CloseBracket => break,
                _ => return Err(()),
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(first..).collect();
        Ok(Node {
            value: Value::Array(items),
            span: self.span(start),
        })
    }
}

fn is_integer_literal(n: &str) -> bool {
    !n.contains(['.', 'e', 'E'])
}
