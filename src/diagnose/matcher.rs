//! Ranking symptoms from a user's words: exact error strings and status codes weigh most;
//! the words are stemmed, typos are corrected against the catalog's vocabulary, and each
//! symptom is scored by how much of the query's informative (IDF-weighted) terms it explains
//! and by its closest example phrasing.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::symptoms::{Symptom, lexicon, symptoms};

/// What the user gave.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    pub text: &'a str,
    pub status: Option<u16>,
    pub error_text: Option<&'a str>,
    /// A symptom chosen directly (its ID in the catalog): the words are not matched.
    pub symptom_id: Option<&'a str>,
}

/// A symptom's score and what in the query matched it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub symptom: &'static Symptom,
    pub score: f64,
    pub matched: Vec<String>,
}

/// Only this much of the query is read (a pasted log can be long).
pub const MAX_QUERY_CHARS: usize = 4_000;

/// A term and the weight it carries.
struct Index {
    /// Inverse document frequency per term (documents are symptoms).
    idf: FxHashMap<String, f64>,
    /// Unigram vocabulary by length, for typo correction.
    vocab_by_len: FxHashMap<usize, Vec<String>>,
    symptoms: Vec<SymptomIndex>,
}

struct SymptomIndex {
    terms: FxHashSet<String>,
    phrasings: Vec<(FxHashSet<String>, f64)>,
    errors: Vec<String>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build_index)
}

fn build_index() -> Index {
    let catalog = symptoms();
    let mut symptoms = Vec::with_capacity(catalog.len());
    let mut df: FxHashMap<String, usize> = FxHashMap::default();
    for s in catalog {
        let mut terms = FxHashSet::default();
        let mut phrasings = Vec::new();
        for text in s
            .said
            .iter()
            .chain(&s.examples)
            .chain(std::iter::once(&s.title))
        {
            let p: FxHashSet<String> = terms_of(text).into_iter().collect();
            terms.extend(p.iter().cloned());
            phrasings.push(p);
        }
        for keyword in s.keywords.iter().chain(&s.errors) {
            terms.extend(terms_of(keyword));
        }
        for t in &terms {
            *df.entry(t.clone()).or_default() += 1;
        }
        symptoms.push((
            terms,
            phrasings,
            s.errors.iter().map(|e| normalize(e)).collect(),
        ));
    }
    let n = catalog.len() as f64;
    let idf: FxHashMap<String, f64> = df
        .iter()
        .map(|(t, d)| (t.clone(), (1.0 + n / *d as f64).ln()))
        .collect();
    let mut vocab_by_len: FxHashMap<usize, Vec<String>> = FxHashMap::default();
    for t in idf.keys().filter(|t| !t.contains(' ')) {
        vocab_by_len
            .entry(t.chars().count())
            .or_default()
            .push(t.clone());
    }
    let symptoms = symptoms
        .into_iter()
        .map(|(terms, phrasings, errors)| SymptomIndex {
            terms,
            phrasings: phrasings
                .into_iter()
                .map(|p| {
                    let norm = p
                        .iter()
                        .map(|t| idf.get(t).copied().unwrap_or(0.0).powi(2))
                        .sum::<f64>()
                        .sqrt();
                    (p, norm)
                })
                .collect(),
            errors,
        })
        .collect();
    Index {
        idf,
        vocab_by_len,
        symptoms,
    }
}

/// Lowercase, the lexicon's replacements applied, runs of whitespace collapsed (for substring
/// matching of error strings, and before splitting into words).
fn normalize(text: &str) -> String {
    let mut lower = text.to_lowercase();
    for (from, to) in &lexicon().normalize {
        if lower.contains(from.as_str()) {
            lower = lower.replace(from.as_str(), to);
        }
    }
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A light stemmer: enough to meet "resolves", "resolving" and "resolve" in one term.
fn stem(word: &str) -> String {
    let mut w = word.to_owned();
    for (suffix, min) in [("ing", 6), ("ed", 5), ("es", 5), ("s", 4)] {
        if w.len() >= min && w.ends_with(suffix) && !(suffix == "s" && w.ends_with("ss")) {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    if w.len() >= 5 && w.ends_with('e') {
        w.pop();
    }
    // "tagged" -> "tagg" -> "tag"
    let bytes = w.as_bytes();
    if bytes.len() >= 4
        && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
        && !b"ls".contains(&bytes[bytes.len() - 1])
    {
        w.pop();
    }
    w
}

/// Words of a text: lowercase alphanumeric runs (keeping `4xx` codes), each replaced by the
/// lexicon's synonym if it has one, stop words dropped, stemmed.
fn words(text: &str) -> Vec<String> {
    let lex = lexicon();
    let lower = normalize(text).replace('\'', "");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !c.is_alphanumeric()) {
        let canonical = lex.synonyms.get(raw).map_or(raw, String::as_str);
        for w in canonical.split_whitespace() {
            if !w.is_empty() && !lex.stopwords.iter().any(|s| s == w) {
                out.push(stem(w));
            }
        }
    }
    out
}

/// Terms of a text: stemmed words and adjacent pairs ("no role", "access deni").
fn terms_of(text: &str) -> Vec<String> {
    let ws = words(text);
    let mut terms = ws.clone();
    for pair in ws.windows(2) {
        terms.push(format!("{} {}", pair[0], pair[1]));
    }
    terms
}

/// The closest vocabulary term to a word the catalog does not know (a typo), if any.
fn correct(word: &str, index: &Index) -> Option<String> {
    let len = word.chars().count();
    if len < 4 || word.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let max = if len >= 8 { 2 } else { 1 };
    let mut best: Option<(usize, f64, &String)> = None;
    for l in len.saturating_sub(max)..=len + max {
        for candidate in index.vocab_by_len.get(&l).into_iter().flatten() {
            let d = strsim::osa_distance(word, candidate);
            if d == 0 || d > max {
                continue;
            }
            let idf = index.idf.get(candidate).copied().unwrap_or(0.0);
            if best.is_none_or(|(bd, bi, _)| d < bd || (d == bd && idf > bi)) {
                best = Some((d, idf, candidate));
            }
        }
    }
    best.map(|(_, _, t)| t.clone())
}

/// Shapes in the text that say more than its words: a connector proxy path, a multi-tag
/// identity.
type Cue = (fn(&str) -> bool, &'static [&'static str]);
const CUES: &[Cue] = &[
    (|t| t.contains("/connectors/"), &["connector", "proxy"]),
    (
        |t| {
            t.match_indices("tag:").any(|(i, _)| {
                t[i..]
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.matches("tag:").count() > 1)
            })
        },
        &["multi", "tags"],
    ),
];

/// HTTP statuses written in the text (`403`, `HTTP 429`, `Forbidden`).
fn statuses_in(text: &str) -> Vec<u16> {
    let mut found: Vec<u16> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 3)
        .filter_map(|w| w.parse::<u16>().ok())
        .filter(|s| (400..600).contains(s))
        .collect();
    let lower = text.to_lowercase();
    for (phrase, status) in &lexicon().status_phrases {
        if lower.contains(phrase.as_str()) && !found.contains(status) {
            found.push(*status);
        }
    }
    found
}

/// Rank every symptom for the query, best first; symptoms with nothing in common are left out.
pub fn rank(query: &Query) -> Vec<Ranked> {
    let index = index();
    let text: String = query.text.chars().take(MAX_QUERY_CHARS).collect();
    let error_text: String = query
        .error_text
        .unwrap_or("")
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let combined = format!("{text} {error_text}");

    // Query terms, typos corrected.
    let mut corrected = Vec::new();
    let mut query_words = Vec::new();
    for w in words(&combined) {
        if index.idf.contains_key(&w) {
            query_words.push(w);
        } else if let Some(fixed) = correct(&w, index) {
            corrected.push(format!("{w}→{fixed}"));
            query_words.push(fixed);
        } else {
            query_words.push(w);
        }
    }
    let lower = combined.to_lowercase();
    for (cue, terms) in CUES {
        if cue(&lower) {
            query_words.extend(terms.iter().map(|t| stem(t)));
        }
    }
    // Term frequency counts a little: a word said three times matters more than once.
    let mut frequency: FxHashMap<String, usize> = FxHashMap::default();
    for w in &query_words {
        *frequency.entry(w.clone()).or_default() += 1;
    }
    let mut query_terms: FxHashSet<String> = query_words.iter().cloned().collect();
    for pair in query_words.windows(2) {
        query_terms.insert(format!("{} {}", pair[0], pair[1]));
    }
    let weight = |t: &String| {
        let tf = frequency.get(t).copied().unwrap_or(1) as f64;
        index.idf.get(t).copied().unwrap_or(0.0) * (1.0 + tf.ln() * 0.5)
    };
    let query_mass: f64 = query_terms.iter().map(weight).sum();
    let query_norm: f64 = query_terms
        .iter()
        .map(|t| weight(t).powi(2))
        .sum::<f64>()
        .sqrt();

    let normalized = normalize(&combined);
    let explicit_status = query.status;
    // Reason phrases are looked for in the typo-corrected words too ("forbiden").
    let text_statuses = statuses_in(&format!("{combined} {}", query_words.join(" ")));

    let mut ranked = Vec::new();
    for (s, si) in symptoms().iter().zip(&index.symptoms) {
        let mut matched = Vec::new();
        let mut score = 0.0;
        // Words: how much of the query this symptom explains, and its closest phrasing.
        if query_mass > 0.0 {
            let shared: Vec<&String> = query_terms
                .iter()
                .filter(|t| si.terms.contains(*t))
                .collect();
            let coverage = shared.iter().map(|t| weight(t)).sum::<f64>() / query_mass;
            let best_phrase = si
                .phrasings
                .iter()
                .map(|(p, norm)| {
                    let dot: f64 = query_terms
                        .iter()
                        .filter(|t| p.contains(*t))
                        .map(|t| weight(t).powi(2))
                        .sum();
                    if *norm > 0.0 && query_norm > 0.0 {
                        dot / (norm * query_norm)
                    } else {
                        0.0
                    }
                })
                .fold(0.0, f64::max);
            score += 0.5 * coverage + 0.5 * best_phrase;
            let mut words: Vec<&str> = shared
                .iter()
                .filter(|t| !t.contains(' '))
                .map(|t| t.as_str())
                .collect();
            words.sort_unstable();
            if !words.is_empty() {
                matched.push(format!("words: {}", words.join(", ")));
            }
        }
        // Exact error strings.
        let hits: Vec<&String> = si
            .errors
            .iter()
            .filter(|e| normalized.contains(e.as_str()))
            .collect();
        if !hits.is_empty() {
            score += 0.5 + 0.2 * (hits.len() - 1).min(2) as f64;
            for e in &hits {
                matched.push(format!("error text \"{e}\""));
            }
        }
        // Status codes.
        match explicit_status {
            Some(status) if s.statuses.contains(&status) => {
                score += 0.4;
                matched.push(format!("status {status}"));
            }
            Some(_) if !s.statuses.is_empty() => score -= 0.2,
            Some(_) => score -= 0.1,
            None => {}
        }
        if explicit_status.is_none() && !text_statuses.is_empty() {
            if let Some(status) = text_statuses.iter().find(|st| s.statuses.contains(st)) {
                score += 0.3;
                matched.push(format!("status {status} (in the text)"));
            } else if !s.statuses.is_empty() {
                score -= 0.15;
            } else {
                score -= 0.05;
            }
        }
        if score > 0.0 {
            ranked.push(Ranked {
                symptom: s,
                score,
                matched,
            });
        }
    }
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    if let (Some(top), false) = (ranked.first_mut(), corrected.is_empty()) {
        top.matched
            .push(format!("read as: {}", corrected.join(", ")));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(text: &str) -> &'static str {
        rank(&Query {
            text,
            ..Query::default()
        })
        .first()
        .map(|r| r.symptom.id.as_str())
        .unwrap_or("-")
    }

    #[test]
    fn stems_and_typos_meet() {
        assert_eq!(stem("resolves"), stem("resolve"));
        assert_eq!(stem("resolving"), stem("resolve"));
        assert_eq!(stem("tagged"), "tag");
        assert_eq!(top("host doesnt resovle"), "magicdns");
        assert_eq!(top("Claude Code says 405"), "doubled-v1-405");
    }

    #[test]
    fn exact_errors_and_statuses_weigh_most() {
        let ranked = rank(&Query {
            text: "it broke",
            status: Some(429),
            error_text: Some("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}"),
            symptom_id: None,
        });
        assert_eq!(ranked[0].symptom.id, "quota-429");
        assert!(
            ranked[0]
                .matched
                .iter()
                .any(|m| m.contains("rate_limit_error"))
        );
    }

    #[test]
    fn nothing_in_common_ranks_nothing() {
        assert!(
            rank(&Query {
                text: "",
                ..Query::default()
            })
            .is_empty()
        );
    }
}
