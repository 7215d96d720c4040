//! A small reader of this crate's Rust source for the tidy checks: code without comments and
//! string contents (so neither can fake or hide an import), the modules each file uses, and
//! the length of every function.

// Each test crate that includes this file uses a part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every string literal outside tests in the Rust files under `dir` (relative to the crate
/// root), with its file's path relative to the crate root (`src/tools/x.rs`).
pub fn source_literals(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for path in rust_files(&root.join(dir)) {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let file = SourceFile::new(&rel, &std::fs::read_to_string(&path).unwrap());
        out.extend(
            file.non_test_literals()
                .into_iter()
                .map(|l| (rel.clone(), l)),
        );
    }
    out
}

/// One source file: its path under `src/`, its module path and its code skeleton.
pub struct SourceFile {
    /// Path relative to `src/`, e.g. `config/tree.rs`.
    pub rel: String,
    /// Module path, e.g. `["config", "tree"]` (`mod.rs` names its folder; `lib.rs` is `[]`).
    pub module: Vec<String>,
    /// The code with comments and string/char literal contents blanked to spaces (line breaks
    /// kept), byte for byte as long as `text`, so positions in one are positions in the other.
    pub skeleton: String,
    /// The file as written.
    pub text: String,
}

impl SourceFile {
    pub fn new(rel: &str, text: &str) -> SourceFile {
        let mut module: Vec<String> = rel
            .trim_end_matches(".rs")
            .split('/')
            .map(str::to_owned)
            .collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        SourceFile {
            rel: rel.to_owned(),
            module,
            skeleton: skeleton(text),
            text: text.to_owned(),
        }
    }

    /// Byte ranges of the `#[cfg(test)]` items: tests may reach anywhere and name anything.
    fn test_ranges(&self) -> Vec<std::ops::Range<usize>> {
        let code = &self.skeleton;
        let mut ranges = Vec::new();
        let mut from = 0;
        while let Some(at) = code[from..].find("#[cfg(test)]").map(|i| from + i) {
            let Some(open) = code[at..].find(['{', ';']).map(|i| at + i) else {
                break;
            };
            let end = if code.as_bytes()[open] == b';' {
                open + 1
            } else {
                matching_brace(code, open).map_or(code.len(), |close| close + 1)
            };
            ranges.push(at..end);
            from = end;
        }
        ranges
    }

    fn without_tests(&self, of: &str) -> String {
        let mut out = String::with_capacity(of.len());
        let mut from = 0;
        for range in self.test_ranges() {
            out.push_str(&of[from..range.start]);
            from = range.end;
        }
        out.push_str(&of[from..]);
        out
    }

    /// The skeleton without `#[cfg(test)]` items.
    pub fn non_test_code(&self) -> String {
        self.without_tests(&self.skeleton)
    }

    /// The string literals of the code outside `#[cfg(test)]` items.
    pub fn non_test_literals(&self) -> Vec<String> {
        string_literals(&self.without_tests(&self.text))
    }
}

/// Comments removed, string and char literal contents blanked (their quotes and line breaks
/// kept). Lifetimes are told from char literals by the closing quote.
pub fn skeleton(text: &str) -> String {
    scan(text, &mut |_| {})
}

/// The contents of every string literal in `text` (comments skipped; escapes left as written).
pub fn string_literals(text: &str) -> Vec<String> {
    let mut literals = Vec::new();
    scan(text, &mut |literal| literals.push(literal));
    literals
}

fn scan(text: &str, on_literal: &mut dyn FnMut(String)) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Blanked text keeps every byte position: each char becomes spaces of its UTF-8 length.
    let keep_newlines = |out: &mut String, slice: &[char]| {
        for c in slice {
            if *c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            keep_newlines(&mut out, &chars[start..i]);
        } else if c == '/' && next == Some('*') {
            let start = i;
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            keep_newlines(&mut out, &chars[start..i.min(chars.len())]);
        } else if !ident_before
            && (c == 'r' || (c == 'b' && next == Some('r')))
            && raw_string_start(&chars, if c == 'b' { i + 1 } else { i }).is_some()
        {
            let r = if c == 'b' { i + 1 } else { i };
            let hashes = raw_string_start(&chars, r).unwrap_or(0);
            let body = r + 1 + hashes + 1;
            let mut j = body;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    break;
                }
                j += 1;
            }
            let end = (j + 1 + hashes).min(chars.len());
            on_literal(chars[body..j.min(chars.len())].iter().collect());
            // `r#"` and `"#` stay (as quotes and spaces), the contents are blanked.
            keep_newlines(&mut out, &chars[i..body - 1]);
            out.push('"');
            keep_newlines(&mut out, &chars[body..j.min(chars.len())]);
            if j < chars.len() {
                out.push('"');
            }
            keep_newlines(&mut out, &chars[(j + 1).min(end)..end]);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            on_literal(chars[i + 1..j.min(chars.len())].iter().collect());
            out.push('"');
            keep_newlines(&mut out, &chars[i + 1..j.min(chars.len())]);
            if j < chars.len() {
                out.push('"');
            }
            i = (j + 1).min(chars.len());
        } else if c == '\'' {
            // 'x' or '\n' style char literal; otherwise a lifetime or label.
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    out.push('\'');
                    keep_newlines(&mut out, &chars[i + 1..end]);
                    out.push('\'');
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At `chars[r] == 'r'`: the number of `#` when a raw string starts here.
fn raw_string_start(chars: &[char], r: usize) -> Option<usize> {
    if chars.get(r) != Some(&'r') {
        return None;
    }
    let mut hashes = 0;
    while chars.get(r + 1 + hashes) == Some(&'#') {
        hashes += 1;
    }
    (chars.get(r + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// The index of the `}` closing the `{` at `open`.
pub fn matching_brace(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in code.bytes().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every path a file's code names through `use` trees, `crate::`, `super::` and `self::`,
/// resolved to absolute module paths (segments after the crate root).
pub fn used_paths(file: &SourceFile, modules: &BTreeSet<Vec<String>>) -> Vec<Vec<String>> {
    let code = file.non_test_code();
    let mut paths = Vec::new();
    // `use` declarations, with their brace groups expanded.
    let mut rest = code.as_str();
    while let Some(at) = find_keyword(rest, "use") {
        let after = &rest[at + 3..];
        let Some(end) = after.find(';') else { break };
        for path in expand_use_tree(after[..end].trim()) {
            paths.push(path);
        }
        rest = &after[end..];
    }
    // Inline `crate::a::b` and `super::a::b` paths.
    for anchor in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(anchor) {
            let at = from + i;
            from = at + anchor.len();
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let tail: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let path: Vec<String> = tail
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            // A bare `super::` opens a use tree, which the `use` pass has expanded.
            if path.len() > 1 {
                paths.push(path);
            }
        }
    }
    paths
        .into_iter()
        .filter_map(|path| absolute(file, path, modules))
        .collect()
}

/// The file's module (and modules by name) the path refers to, from the crate root.
fn absolute(
    file: &SourceFile,
    path: Vec<String>,
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let mut base: Vec<String> = match first {
        "crate" => Vec::new(),
        "super" => {
            let mut parent = file.module.clone();
            parent.pop();
            parent
        }
        "self" => file.module.clone(),
        _ => {
            // A child module named relatively (`use document::X` in `config/mod.rs`).
            let mut child = file.module.clone();
            child.push(first.to_owned());
            if !modules.contains(&child) {
                return None;
            }
            return Some(
                file.module
                    .iter()
                    .cloned()
                    .chain(path.iter().cloned())
                    .collect(),
            );
        }
    };
    let mut segments = path.into_iter().skip(1).peekable();
    while segments.peek().map(String::as_str) == Some("super") {
        segments.next();
        base.pop();
    }
    base.extend(segments);
    Some(base)
}

/// `a::{b, c::{d, e as f}, g::*}` → `[a, b]`, `[a, c, d]`, `[a, c, e]`, `[a, g]`.
fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    // One space between words, none around punctuation: `a :: { b , c as d }` → `a::{b,c as d}`.
    let words: Vec<&str> = tree.split_whitespace().collect();
    let mut normal = String::new();
    for (i, word) in words.iter().enumerate() {
        let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if i > 0 && joins(normal.chars().next_back()) && joins(word.chars().next()) {
            normal.push(' ');
        }
        normal.push_str(word);
    }
    let tree = normal.strip_prefix("::").unwrap_or(&normal);
    let mut out = Vec::new();
    expand(tree, &mut Vec::new(), &mut out);
    out
}

fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let Some(close) = matching_brace(tree, open) else {
            return;
        };
        let depth = prefix.len();
        prefix.extend(head);
        for part in split_top_level(&tree[open + 1..close]) {
            expand(part, prefix, out);
        }
        prefix.truncate(depth);
    } else if !tree.is_empty() {
        let tree = tree.split(" as ").next().unwrap_or(tree);
        let mut path = prefix.clone();
        path.extend(
            tree.split("::")
                .filter(|s| !s.is_empty() && *s != "*" && *s != "self")
                .map(str::to_owned),
        );
        out.push(path);
    }
}

fn split_top_level(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, b) in list.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// The next `keyword` standing as a whole word.
fn find_keyword(code: &str, keyword: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = code[from..].find(keyword) {
        let at = from + i;
        let before = code[..at].chars().next_back();
        let after = code[at + keyword.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !word(before) && !word(after) {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

/// File → the files it uses (the longest module path each used path starts with).
pub fn file_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| (f.module.clone(), f.rel.clone()))
        .collect();
    let module_set: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for file in files {
        let mut uses = BTreeSet::new();
        for path in used_paths(file, &module_set) {
            let target = (1..=path.len())
                .rev()
                .find_map(|n| modules.get(&path[..n]))
                .filter(|target| **target != file.rel);
            if let Some(target) = target {
                uses.insert(target.clone());
            }
        }
        graph.insert(file.rel.clone(), uses);
    }
    graph
}

/// Groups of files that use each other in a circle (Tarjan's strongly connected components).
pub fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

/// Every function's name, first line and length in lines (from `fn` to its closing brace).
pub fn function_lengths(file: &SourceFile) -> Vec<(String, usize, usize)> {
    let code = &file.skeleton;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_keyword(&code[from..], "fn").map(|i| from + i) {
        from = at + 2;
        let name: String = code[at + 2..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue; // `fn(...)` pointer types
        }
        let Some(open) = code[at..].find(['{', ';']).map(|i| at + i) else {
            break;
        };
        if code.as_bytes()[open] == b';' {
            continue; // a declaration without a body
        }
        let Some(close) = matching_brace(code, open) else {
            break;
        };
        let line = code[..at].matches('\n').count() + 1;
        let lines = code[at..=close].matches('\n').count() + 1;
        out.push((name, line, lines));
    }
    out
}
