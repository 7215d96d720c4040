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
    /// The one question that tells this symptom apart from its neighbours (asked when the
    /// match is weak or close).
    pub question: String,
    /// Row of `troubleshooting.md`'s quick table (0: from another Aperture file).
    #[serde(default)]
    pub row: u8,
    /// How users say it (the matcher's examples, quoted in the troubleshooting reference).
    pub said: Vec<String>,
    /// More phrasings as people write them in chat and issues (typos, pastes), for the
    /// matcher only: the tuning split of the evaluation set lives here, never the held-out one.
    #[serde(default)]
    pub examples: Vec<String>,
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
    /// Facts about the caller (the access evaluator's verdict for the `identity` given) that
    /// confirm the cause. A cause that lists some is never ruled out by a clean config alone:
    /// the config cannot show who calls.
    #[serde(default)]
    pub caller_confirms: Vec<CallerFact>,
    /// Facts about the caller that contradict the cause (rule it out).
    #[serde(default)]
    pub caller_rules_out: Vec<CallerFact>,
    /// What only the user can check: questions and commands.
    #[serde(default)]
    pub ask: Vec<String>,
    pub fixes: Vec<String>,
    /// The cause rests on an UNCONFIRMED fact.
    #[serde(default)]
    pub unconfirmed: bool,
}

impl Cause {
    /// The config, a probe or the caller's evaluation can decide this cause.
    pub fn machine_checked(&self) -> bool {
        !self.rules.is_empty()
            || !self.requires.is_empty()
            || self.save_blocking
            || !self.probes.is_empty()
            || !self.caller_confirms.is_empty()
            || !self.caller_rules_out.is_empty()
    }
}

/// What the access evaluator shows about one caller against the config (see
/// `diagnose::caller`). Causes name these in `caller_confirms` and `caller_rules_out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerFact {
    /// Neither a login nor tags: Aperture cannot resolve the caller.
    NoIdentity,
    /// A tagged node (its identity is its tags, sorted and comma-joined).
    Tagged,
    /// A tagged node with two or more tags.
    MultiTag,
    /// Several tags, and a grant names some of them (alone or in another set) but none names
    /// the sorted comma-joined string: the grant never matches this node.
    TagsPartlyGranted,
    /// Some grant's `src` matches the caller.
    GrantMatches,
    /// No grant's `src` matches the caller.
    NoGrantMatches,
    /// A matching grant gives a role.
    HasRole,
    /// No matching grant gives a role (403 `access denied: no role granted`).
    NoRole,
    /// The only grants that give a role match through a group (visible groups needed).
    RoleOnlyViaGroup,
    /// A group the caller is in is a SCIM group written as an e-mail address.
    ScimGroup,
    /// The model (after aliases) is granted to the caller.
    ModelGranted,
    /// The caller has a role, but no `models` grant reaches the model.
    ModelNotGranted,
    /// No enabled provider serves the model.
    ModelNotServed,
    /// A provider serves the model, but not on the API the client calls.
    ApiNotServed,
    /// The model was named through `model_aliases`.
    Aliased,
    /// A quota bucket that applies cannot pay.
    QuotaRejected,
    /// The request gets through every stage.
    Allowed,
}

impl CallerFact {
    /// Whether the fact singles out one cause. Any denial shows `no_grant_matches` or
    /// `no_role`; `tags_partly_granted` explains why, so a cause it confirms ranks first.
    pub fn is_specific(self) -> bool {
        !matches!(
            self,
            CallerFact::Tagged
                | CallerFact::MultiTag
                | CallerFact::GrantMatches
                | CallerFact::NoGrantMatches
                | CallerFact::HasRole
                | CallerFact::NoRole
                | CallerFact::Allowed
        )
    }

    /// The wire name (as in the catalog files).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
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

/// How people write, mapped onto the catalog's terms: `data/lexicon.hujson` (its header says
/// what each list is for). Data, so tuning the matcher's vocabulary is editing one file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Words too common to say anything.
    pub stopwords: Vec<String>,
    /// Reason phrases that name an HTTP status without its number.
    pub status_phrases: std::collections::BTreeMap<String, u16>,
    /// `[from, to]` replacements on the lowercased text before anything else.
    pub normalize: Vec<(String, String)>,
    /// A word as written → the catalog's words for it.
    pub synonyms: std::collections::BTreeMap<String, String>,
}

/// The lexicon's text, embedded.
pub const LEXICON: &str = include_str!("../../data/lexicon.hujson");

/// Parse a lexicon file.
pub fn parse_lexicon(text: &str) -> Result<Lexicon, String> {
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &hujson_options())
        .map_err(|e| e.to_string())?;
    let value = parsed.value.ok_or("the file holds no value")?;
    serde_json::from_value(serde_json::Value::from(value)).map_err(|e| e.to_string())
}

/// The embedded lexicon (empty if it does not parse: `lexicon_error` says why, and a test keeps
/// it parsing).
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| parse_lexicon(LEXICON).unwrap_or_default())
}

/// Why the embedded lexicon does not parse, if it does not.
pub fn lexicon_error() -> Option<String> {
    parse_lexicon(LEXICON).err()
}
