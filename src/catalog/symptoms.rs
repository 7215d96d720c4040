//! The symptom catalog: every row of `troubleshooting.md` (and the symptoms other Aperture
//! files describe), each with the ways users phrase it, its status codes and exact error
//! strings, its causes, the checks that confirm or rule each cause out, and the fixes.
//!
//! One source: `diagnose_symptom` matches and checks against it, and the skill's
//! troubleshooting reference is rendered from it. IDs are stable.
//!
//! The catalog is data: one HuJSON file per symptom in `data/symptoms/` (see its README),
//! embedded at build time by `build.rs` and parsed once, on first use.

use std::fmt;
use std::sync::OnceLock;

use jsonc_parser::CollectOptions;
use serde::{Deserialize, Serialize};

use crate::hujson::hujson_options;

/// A problem as users report it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    /// Stable ID, e.g. `no-role-403`.
    pub id: String,
    pub title: String,
    /// Row of `troubleshooting.md`'s quick table (0: from another Aperture file).
    #[serde(default)]
    pub row: u8,
    /// How users say it (the matcher's examples).
    pub said: Vec<String>,
    /// Words that point at this symptom even outside a full phrasing.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// HTTP statuses that come with it.
    #[serde(default)]
    pub statuses: Vec<u16>,
    /// Exact texts (Aperture's, the provider's or the client's), matched case-insensitively.
    #[serde(default)]
    pub errors: Vec<String>,
    /// `test_endpoint` findings that reproduce the symptom itself.
    #[serde(default)]
    pub reproduced_by: Vec<String>,
    pub causes: Vec<Cause>,
}

/// One cause of a symptom.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// Unique within its symptom; reported as `symptom/cause`.
    pub id: String,
    pub title: String,
    /// Config rules (AP codes) whose finding confirms the cause; a config where none fires
    /// rules it out.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Config rules that show the cause's precondition (e.g. `group:` sources are used): a
    /// config where none fires rules the cause out; one that fires leaves it possible.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Confirmed when a save-mode validation of the config has any error.
    #[serde(default)]
    pub save_blocking: bool,
    /// `test_endpoint` findings (TE codes) that confirm the cause.
    #[serde(default)]
    pub probes: Vec<String>,
    /// A free probe (`dns`, `tcp`, `models`) whose success rules the cause out.
    #[serde(default)]
    pub ruled_out_by_probe: Option<String>,
    /// What only the user can check: questions and commands.
    #[serde(default)]
    pub ask: Vec<String>,
    pub fixes: Vec<String>,
    /// The cause rests on an UNCONFIRMED fact.
    #[serde(default)]
    pub unconfirmed: bool,
}

impl Cause {
    /// The config or a probe can decide this cause.
    pub fn machine_checked(&self) -> bool {
        !self.rules.is_empty()
            || !self.requires.is_empty()
            || self.save_blocking
            || !self.probes.is_empty()
    }
}

/// A catalog file that could not be read; the file is left out of [`symptoms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// The file's name in `data/symptoms/`.
    pub file: String,
    pub reason: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data/symptoms/{}: {}", self.file, self.reason)
    }
}

/// Every `data/symptoms/*.hujson` as (file name, text), sorted by name (written by `build.rs`).
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/symptom_files.rs"));

struct Catalog {
    symptoms: Vec<Symptom>,
    errors: Vec<CatalogError>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut catalog = Catalog {
            symptoms: Vec::with_capacity(FILES.len()),
            errors: Vec::new(),
        };
        for (file, text) in FILES {
            match parse(text) {
                Ok(symptom) => catalog.symptoms.push(symptom),
                Err(reason) => catalog.errors.push(CatalogError {
                    file: (*file).to_owned(),
                    reason,
                }),
            }
        }
        catalog
    })
}

/// One symptom file: HuJSON (comments and trailing commas), every field known.
pub fn parse(text: &str) -> Result<Symptom, String> {
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &hujson_options())
        .map_err(|e| e.to_string())?;
    let value = parsed.value.ok_or("the file holds no value")?;
    serde_json::from_value(serde_json::Value::from(value)).map_err(|e| e.to_string())
}

/// Every symptom, in troubleshooting-table order (the files' name order).
pub fn symptoms() -> &'static [Symptom] {
    &catalog().symptoms
}

/// The catalog files that failed to parse (a test keeps this empty).
pub fn catalog_errors() -> &'static [CatalogError] {
    &catalog().errors
}

/// The symptom with this ID.
pub fn find(id: &str) -> Option<&'static Symptom> {
    symptoms().iter().find(|s| s.id == id)
}
