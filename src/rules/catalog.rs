//! The rule catalog: every rule's stable code, default severity, Aperture's own message and docs link.
//!
//! This table is the single source of truth for rules: checks emit through it, and the
//! `rules` resource and generated reference docs are rendered from it. Codes are stable
//! forever; a retired code is never reused.

use schemars::JsonSchema;
use serde::Serialize;

use crate::config::LoadErrorKind;
use crate::diagnostic::Severity;

/// How safe a rule's mechanical fix is to apply without review (ruff's applicability).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps what the config means (a legacy form rewritten): `migrate` applies it.
    Safe,
    /// Changes what the gateway does (that is the point of the fix): apply after review.
    Unsafe,
    /// No patch: the fix is a description for a human.
    DisplayOnly,
}

/// Whether a rule flags a legacy form, and whether `migrate` rewrites it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Legacy {
    /// A current form.
    No,
    /// A legacy form `migrate` rewrites with the rule's patch.
    Migrated,
    /// A legacy form only a human can migrate (`migrate` lists it).
    Manual,
}

/// One validation rule: a row of the catalog, every attribute a column.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Rule {
    /// Stable code, e.g. `AP101`.
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// Severity in load mode; save mode promotes warnings to errors.
    pub severity: Severity,
    /// One-line summary of the condition.
    pub summary: &'static str,
    /// Aperture's own message as documented (`{…}` are substitutions), or null when Aperture is silent.
    pub aperture_message: Option<&'static str>,
    /// Where the behaviour is documented.
    pub docs: &'static str,
    /// Aperture itself reports this condition (with or without a documented text), so its
    /// save refuses it; this tool's own silent-failure lints are false here.
    pub aperture_reports: bool,
    /// How safe the rule's patch is to apply.
    pub applicability: Applicability,
    /// Legacy form, and who migrates it.
    pub legacy: Legacy,
    /// Meaningful only with the rest of the config (providers, hooks, quotas): generators
    /// that check a fragment leave it out.
    pub cross_reference: bool,
    /// The document could not be loaded at all: the load failure this rule reports.
    #[serde(skip)]
    #[schemars(skip)]
    pub load_error: Option<LoadErrorKind>,
}

impl Rule {
    /// Every rule that reports a load failure (the document-level rules).
    pub fn is_document_level(&self) -> bool {
        self.load_error.is_some()
    }

    /// Aperture's template with its `{…}` holes filled in order, for a finding's
    /// `aperture_message`. Fails (in tests) when the values do not fit the holes.
    pub fn aperture_text(&self, values: &[&str]) -> Option<String> {
        let (parts, holes) = template_parts(self.aperture_message?);
        debug_assert!(
            values.len() <= holes.len(),
            "{}: more values than holes",
            self.code
        );
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            out.push_str(part);
            // A hole without a value keeps its `{name}`.
            if let Some(hole) = holes.get(i) {
                out.push_str(values.get(i).copied().unwrap_or(hole));
            }
        }
        Some(out)
    }

    /// Whether `text` is this rule's Aperture template with its holes filled in.
    pub fn matches_aperture_text(&self, text: &str) -> bool {
        self.aperture_message
            .is_some_and(|template| matches_parts(text, &template_parts(template).0))
    }
}

/// A template's fixed text around its `{…}` holes (one more part than holes), and the holes.
fn template_parts(template: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut parts, mut holes) = (Vec::new(), Vec::new());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        parts.push(&rest[..open]);
        holes.push(&rest[open..open + close + 1]);
        rest = &rest[open + close + 1..];
    }
    parts.push(rest);
    (parts, holes)
}

/// `text` is `parts` joined by arbitrary (possibly empty) fills, anchored at both ends.
fn matches_parts(text: &str, parts: &[&str]) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

const CONFIG_DOCS: &str = "https://tailscale.com/docs/aperture/configuration";
const VALIDATION_DOCS: &str = "https://tailscale.com/docs/aperture/configuration#validation";
const COMPAT_DOCS: &str = "https://tailscale.com/docs/aperture/provider-compatibility";
const GRANTS_DOCS: &str = "https://tailscale.com/docs/aperture/how-grants-work";
const VS_TAILNET_DOCS: &str =
    "https://tailscale.com/docs/aperture/reference/aperture-vs-tailnet-grants";
const IDENTITY_DOCS: &str =
    "https://tailscale.com/docs/aperture/how-aperture-works#tagged-device-identity";
const VISIBLE_GROUPS_DOCS: &str = "https://tailscale.com/docs/aperture/visible-groups";
const ADMIN_DOCS: &str = "https://tailscale.com/docs/aperture/how-to/set-up-admin-access";
const QUOTA_DOCS: &str = "https://tailscale.com/docs/aperture/how-to/set-per-user-spending-limits";
const HOOK_DOCS: &str = "https://tailscale.com/docs/aperture/configuration#hooks";
const CONNECTOR_DOCS: &str = "https://tailscale.com/docs/aperture/connectors/reference";
const MCP_DOCS: &str = "https://tailscale.com/docs/aperture/mcp-server";
const EXPORT_DOCS: &str = "https://tailscale.com/docs/aperture/observe-and-export";
const ALIAS_DOCS: &str = "https://tailscale.com/docs/aperture/model-aliases";
const RETENTION_DOCS: &str = "https://tailscale.com/docs/aperture/privacy-and-data-retention";
const SELF_HOSTED_DOCS: &str = "https://tailscale.com/docs/aperture/how-to/use-self-hosted";
const HOOK_AUTH_DOCS: &str = "https://tailscale.com/docs/aperture/how-to/build-custom-webhook";
const ROUTING_DOCS: &str =
    "https://tailscale.com/docs/aperture/how-aperture-works#request-routing-by-model";

macro_rules! rules {
    ($($ident:ident = $code:literal, $name:literal, $sev:ident, $docs:expr, $aperture:expr, $summary:literal $(, $attr:ident $(($value:expr))?)*;)*) => {
        $(
            pub static $ident: Rule = {
                #[allow(unused_mut)]
                let mut rule = Rule {
                    code: $code,
                    name: $name,
                    severity: Severity::$sev,
                    summary: $summary,
                    aperture_message: $aperture,
                    docs: $docs,
                    // A documented message means Aperture reports it; `reported` marks the
                    // conditions it reports without a documented text (type errors, strict parse).
                    aperture_reports: Option::<&str>::is_some(&$aperture),
                    applicability: Applicability::DisplayOnly,
                    legacy: Legacy::No,
                    cross_reference: false,
                    load_error: None,
                };
                $( column!(rule, $attr $(($value))?); )*
                rule
            };
        )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[$(&$ident),*];
    };
}

/// One optional column of a catalog row.
macro_rules! column {
    ($rule:ident, reported) => {
        $rule.aperture_reports = true;
    };
    ($rule:ident, cross_reference) => {
        $rule.cross_reference = true;
    };
    ($rule:ident, fix($value:expr)) => {
        $rule.applicability = $value;
    };
    ($rule:ident, legacy($value:expr)) => {
        $rule.legacy = $value;
    };
    ($rule:ident, load_error($value:expr)) => {
        $rule.load_error = Some($value);
    };
}

rules! {
    // Document level.
    SYNTAX_ERROR = "AP001", "syntax-error", Error, VALIDATION_DOCS, None,
        "The document is not valid HuJSON (JSON with comments and trailing commas).", load_error(LoadErrorKind::Syntax);
    EMPTY_DOCUMENT = "AP002", "empty-document", Error, VALIDATION_DOCS, Some("config must not be empty"),
        "The document is empty (Aperture refuses to save it; on load it cannot be parsed either).", load_error(LoadErrorKind::Empty);
    ROOT_NOT_OBJECT = "AP003", "root-not-object", Error, CONFIG_DOCS, None,
        "The top-level value is not an object.", load_error(LoadErrorKind::RootNotObject);
    DOCUMENT_TOO_LARGE = "AP004", "document-too-large", Error, CONFIG_DOCS, None,
        "The document is larger than this tool reads.", load_error(LoadErrorKind::TooLarge);
    NESTING_TOO_DEEP = "AP005", "nesting-too-deep", Error, CONFIG_DOCS, None,
        "Arrays or objects are nested deeper than any Aperture config needs.", load_error(LoadErrorKind::TooDeep);
    NOT_TEXT = "AP006", "not-utf8-text", Error, CONFIG_DOCS, None,
        "The input is not UTF-8 text (binary data or another encoding).", load_error(LoadErrorKind::NotText);
    UNKNOWN_KEY = "AP010", "unknown-key", Warning, VALIDATION_DOCS, Some("unknown config key \"{key}\""),
        "A key Aperture does not know: ignored on load, rejected on save.", fix(Applicability::Unsafe);
    DUPLICATE_KEY = "AP011", "duplicate-key", Warning, VALIDATION_DOCS, Some("duplicate config key \"{key}\""),
        "The same key appears twice in one object; the last one wins.";
    WRONG_TYPE = "AP012", "wrong-type", Warning, VALIDATION_DOCS, None,
        "A value has the wrong JSON type (Aperture reports a Go json.UnmarshalTypeError).", reported, fix(Applicability::Unsafe);
    UNSUBSTITUTED_MACRO = "AP013", "macro-reference", Info, VALIDATION_DOCS, Some("unsubstituted macros: [{name}]"),
        "A value looks like an environment-variable macro; an unresolved macro stops the config loading.";
    NO_PROVIDERS = "AP014", "no-providers", Warning, VALIDATION_DOCS,
        Some("no providers or mcp servers defined; users will not be able to access any models"),
        "Neither providers nor MCP servers are defined.", cross_reference;
    TAILNET_KEY = "AP015", "tailnet-key", Warning, CONFIG_DOCS, None,
        "`\"tailnet\": true` comes from old guides; Aperture has no such key.", reported, legacy(Legacy::Migrated), fix(Applicability::Safe);
    UNCERTAIN_KEY_PLACE = "AP016", "uncertain-key-place", Info, "https://tailscale.com/docs/aperture/privacy-and-data-retention", None,
        "A documented key whose place the docs do not show (`save_raws`, `keep_encrypted_blobs`, `filterable`) is at the top level; `database` is the likely place (UNCERTAIN: the dashboard's Database settings page shows it).";

    // Providers.
    PROVIDER_NO_BASEURL = "AP101", "provider-no-baseurl", Warning, CONFIG_DOCS,
        Some("provider {id} has no baseurl configured"),
        "A provider has no `baseurl`.";
    PROVIDER_BAD_AUTHORIZATION = "AP102", "provider-bad-authorization", Warning, CONFIG_DOCS,
        Some("provider {id} has invalid authorization type: {type}"),
        "A provider's `authorization` is not `bearer`, `x-api-key` or `x-goog-api-key`.", fix(Applicability::Unsafe);
    PROVIDER_AUTHORIZATION_OBJECT = "AP103", "authorization-object", Warning, CONFIG_DOCS, None,
        "`authorization` is an object `{type, value}` (old guides); it is a string and the key goes in `apikey`.", reported, legacy(Legacy::Migrated), fix(Applicability::Safe);
    PROVIDER_BAD_ADD_HEADERS = "AP104", "provider-bad-add-headers", Warning, CONFIG_DOCS,
        Some("provider {id}: add_headers entry \"{entry}\" must be in \"Header-Name: value\" format"),
        "A provider `add_headers` entry is not `Header-Name: value`.";
    BASEURL_V1 = "AP105", "baseurl-ends-in-v1", Warning, "https://tailscale.com/docs/aperture/how-to/use-vercel", None,
        "`baseurl` ends in `/v1`: Aperture appends the client's `/v1/...` path, so requests go to `/v1/v1/...` (HTTP 405/404).", fix(Applicability::Unsafe);
    MISSING_COMPAT_FLAG = "AP106", "missing-compatibility-flag", Warning, COMPAT_DOCS, None,
        "The provider's upstream needs a compatibility flag that is not enabled, so its models are unreachable on that API.", fix(Applicability::Unsafe);
    OPENAI_CHAT_AMBIGUOUS = "AP107", "openai-chat-ambiguous", Info, COMPAT_DOCS, None,
        "A `compatibility` block without `openai_chat`: whether chat completions stay on is UNCONFIRMED (GET /v1/models shows each model's supported_endpoints).", fix(Applicability::Unsafe);
    DUPLICATE_MODEL = "AP108", "duplicate-model", Warning, ROUTING_DOCS, None,
        "Several enabled providers serve the same model ID with equal `preference`; the tie-break is undocumented.", fix(Applicability::Unsafe);
    PROVIDER_NO_MODELS = "AP109", "provider-no-models", Warning, CONFIG_DOCS, None,
        "A provider lists no `models`, so nothing is routed to it.";
    MODEL_WILDCARD = "AP110", "model-wildcard", Warning, CONFIG_DOCS, None,
        "A provider `models` entry contains a wildcard; model IDs are literal.";
    SEED_COMPAT_FLAG = "AP111", "not-a-compatibility-flag", Warning, COMPAT_DOCS, None,
        "A `compatibility` key that is not a real flag (seed names like `gemini`, `bedrock`, `vertex`, or a typo).", legacy(Legacy::Migrated), fix(Applicability::Safe);
    UNKNOWN_COMPAT_FLAG = "AP112", "unknown-compatibility-flag", Info, COMPAT_DOCS, None,
        "An undocumented `compatibility` key; Aperture accepts and ignores unknown flags.";
    UNKNOWN_COST_BASIS = "AP113", "unknown-cost-basis", Warning, COMPAT_DOCS, None,
        "`cost_basis` is not a documented value; cost estimates and quota charges may be missing.", fix(Applicability::Unsafe);
    COST_BASIS_REQUIRED = "AP114", "cost-basis-required", Warning, COMPAT_DOCS, None,
        "Bedrock and Vercel providers need an explicit `cost_basis`; without it there are no cost estimates and quotas never charge.", fix(Applicability::Unsafe);
    BAD_AUTH_MODE = "AP115", "bad-auth-mode", Warning, "https://tailscale.com/docs/aperture/how-to/use-passthrough-mode", None,
        "`auth_mode` is not `override`, `passthrough` or `none`.", fix(Applicability::Unsafe);
    AUTH_MODE_NONE = "AP116", "auth-mode-none-unconfirmed", Info, "https://tailscale.com/docs/aperture/how-to/use-passthrough-mode", None,
        "`auth_mode: \"none\"` comes from a secondary source only (UNCONFIRMED: one request with test_endpoint shows whether it works).";
    RAW_PREDICT_NEEDS_KEYFILE = "AP117", "raw-predict-needs-keyfile", Warning, "https://tailscale.com/docs/aperture/how-to/use-vertex-ai-express", None,
        "`google_raw_predict` needs a `keyfile::` service-account key; API keys (Vertex Express) are not supported.";
    HTTPS_TAILNET_BASEURL = "AP118", "https-to-tailnet-address", Warning, "https://tailscale.com/docs/aperture/how-to/use-self-hosted", None,
        "`https://` to a tailnet IP or short MagicDNS name: no certificate matches it; tailnet traffic is already encrypted, use `http://`.", fix(Applicability::Unsafe);
    AUTHORIZATION_MISMATCH = "AP119", "authorization-mismatch", Info, COMPAT_DOCS, None,
        "The upstream expects a different auth header than the one this provider sends.", fix(Applicability::Unsafe);
    KEYFILE_IGNORES_AUTHORIZATION = "AP120", "keyfile-ignores-authorization", Info, "https://tailscale.com/docs/aperture/how-to/use-vertex-ai", None,
        "With a `keyfile::` key Aperture mints its own bearer tokens and ignores `authorization`.", fix(Applicability::Unsafe);
    MODEL_COST_MAP_ENTRY = "AP121", "model-cost-map-entry", Warning, "https://tailscale.com/docs/aperture/configuration#pricing-and-cost-estimation", None,
        "A `model_cost_map` entry lacks `match`/`as` or has a bad `adjustment`.";
    DISABLED_PROVIDER_GRANTED = "AP122", "disabled-provider-granted", Warning, CONFIG_DOCS, None,
        "A grant's `models` pattern only reaches disabled providers.", cross_reference;

    AUTHORIZATION_WRONG_FOR_UPSTREAM = "AP123", "authorization-wrong-for-upstream", Warning, COMPAT_DOCS, None,
        "`authorization` is set to a header the recognised upstream rejects (e.g. `bearer` for Anthropic API keys).", fix(Applicability::Unsafe);
    BASEURL_IS_ENDPOINT = "AP124", "baseurl-is-endpoint", Warning, COMPAT_DOCS, None,
        "`baseurl` is a full API endpoint (`.../chat/completions`, `.../messages`); Aperture appends the client's path to it, so every request goes to a doubled path.", fix(Applicability::Unsafe);
    BASEURL_NO_SCHEME = "AP125", "baseurl-no-scheme", Warning, CONFIG_DOCS, None,
        "`baseurl` has no `http://` or `https://` scheme, so Aperture cannot build an upstream URL from it.", fix(Applicability::Unsafe);
    SELF_HOSTED_BASEURL_V1 = "AP126", "self-hosted-baseurl-v1", Info, SELF_HOSTED_DOCS, None,
        "A self-hosted `baseurl` ends in `/v1`, as the self-hosted how-to shows: clients must call Aperture's version-less `/chat/completions` (UNCERTAIN with `/v1/...` paths: curl both through the gateway).";
    PROVIDER_HOOK_AUTHORIZATION = "AP127", "provider-hook-authorization", Warning, HOOK_AUTH_DOCS, None,
        "A provider's `authorization` is `hec` or `cf-aig-authorization`, documented for hooks only; whether providers accept it is UNCERTAIN (saving in the dashboard's config editor shows it).";

    // Grants.
    POLICY_FILE_GRANT = "AP201", "policy-file-grant", Warning, VS_TAILNET_DOCS, None,
        "A grant has `dst`/`ip`: it was copied from a tailnet policy file; in the Aperture config those are unknown fields, rejected on save.", reported, fix(Applicability::Unsafe);
    MODELS_UNKNOWN_PROVIDER = "AP202", "models-unknown-provider", Warning, GRANTS_DOCS,
        Some("models pattern \"{pattern}\" references provider \"{name}\" which does not match any declared provider"),
        "A `models` pattern names a provider that is not declared.", cross_reference, fix(Applicability::Unsafe);
    SEND_HOOKS_UNDEFINED = "AP203", "send-hooks-undefined", Warning, HOOK_DOCS,
        Some("send_hooks references undefined hook \"{name}\""),
        "`send_hooks` names a hook that is not defined.", cross_reference, fix(Applicability::Unsafe);
    QUOTAS_UNDEFINED = "AP204", "quotas-undefined", Warning, QUOTA_DOCS,
        Some("quotas references undefined quota \"{name}\""),
        "A grant's `quotas` names a bucket that is not defined.", cross_reference, fix(Applicability::Unsafe);
    BUCKET_REF_TEMPLATE = "AP205", "bucket-ref-template", Warning, QUOTA_DOCS,
        Some("grants[{n}] grant {n} quotas[{n}]: bucket ref \"{ref}\" has unsupported template..."),
        "A bucket reference uses a template other than `<user>` or `<node>`.";
    GRANT_BAD_ADD_HEADERS = "AP206", "grant-bad-add-headers", Warning, GRANTS_DOCS,
        Some("add_headers entry \"{entry}\" must be in \"Header-Name: value\" format"),
        "A grant `add_headers` entry is not `Header-Name: value`.";
    NO_ADMIN = "AP207", "no-admin", Warning, ADMIN_DOCS,
        Some("no grant in grants or temp_grants assigns role:admin; nobody will be able to manage this instance"),
        "No grant gives `role: admin`: nobody can manage the instance (lockout).", cross_reference;
    NO_GRANTS = "AP208", "no-grants", Warning, GRANTS_DOCS,
        Some("providers are configured but no grants or temp_grants defined; all access will be denied"),
        "Providers exist but there are no grants.";
    MODELS_WITHOUT_ROLE = "AP209", "models-without-role", Warning, GRANTS_DOCS, None,
        "A grant gives `models` to identities that no grant gives a `role`: they get 403 `access denied: no role granted`.", fix(Applicability::Unsafe);
    ROLE_WITHOUT_MODELS = "AP210", "role-without-models", Warning, "https://tailscale.com/docs/aperture/how-to/grant-model-access", None,
        "Identities get `role: user` but no `models` grant can reach them: every model call fails.";
    GROUP_NEEDS_VISIBLE_GROUPS = "AP211", "group-needs-visible-groups", Info, VISIBLE_GROUPS_DOCS, None,
        "A `group:` source matches only when the tailnet policy makes groups visible to the Aperture node.";
    TAG_SRC_NOT_CANONICAL = "AP212", "tag-src-not-canonical", Warning, IDENTITY_DOCS, None,
        "A multi-tag source is not the sorted, comma-joined form Aperture matches against (`tag:a,tag:b`).", fix(Applicability::Unsafe);
    TAGGED_DEVICES_SRC = "AP213", "tagged-devices-src", Warning, IDENTITY_DOCS, None,
        "`tagged-devices` is a display label, not an identity: it matches nothing.";
    WILDCARD_ADMIN = "AP214", "wildcard-admin", Info, ADMIN_DOCS, None,
        "Security: `role: admin` is granted to `*` (the new-instance default): everyone can edit the config and read all logs.";
    MODELS_MATCH_NOTHING = "AP215", "models-match-nothing", Warning, GRANTS_DOCS, None,
        "A `models` pattern names a declared provider but matches none of its models.", cross_reference, fix(Applicability::Unsafe);
    MODELS_ARRAY = "AP216", "models-array", Warning, GRANTS_DOCS, None,
        "`models` is an array; the documented form is one glob string per capability object.", reported, legacy(Legacy::Migrated), fix(Applicability::Safe);
    BAD_ROLE = "AP217", "bad-role", Warning, GRANTS_DOCS, None,
        "`role` is not `admin` or `user`.", fix(Applicability::Unsafe);
    EMPTY_SRC = "AP218", "empty-src", Info, GRANTS_DOCS, None,
        "A grant with an empty or missing `src` applies to nobody.";
    NO_APERTURE_CAPABILITY = "AP219", "no-aperture-capability", Warning, GRANTS_DOCS, None,
        "A grant has no `app` capabilities at all, so it grants nothing.", fix(Applicability::Unsafe);
    AUTOGROUP_SRC = "AP220", "autogroup-src", Warning, GRANTS_DOCS, None,
        "`autogroup:` selectors are not documented for Aperture-config grants (UNCONFIRMED: explain_access cannot tell; a request from such a device on the dashboard's Logs page can); they work in tailnet-policy grants.";
    LEGACY_PROVIDERS_CAPABILITY = "AP221", "legacy-providers-capability", Warning, GRANTS_DOCS, None,
        "A capability uses the legacy `{\"providers\":[{\"provider\",\"model\"}]}` form; the current form is `{\"models\": \"provider/model\"}`.", reported, legacy(Legacy::Migrated), fix(Applicability::Safe);
    BAD_CONNECTOR_PATTERN = "AP222", "bad-connector-pattern", Warning, "https://tailscale.com/docs/aperture/how-to/grant-mcp-tool-access", None,
        "A `connectors` pattern is malformed (reportedly dropped silently).";
    CONNECTOR_PATTERN_UNKNOWN = "AP223", "connector-pattern-unknown", Warning, "https://tailscale.com/docs/aperture/how-to/grant-mcp-tool-access", None,
        "A `connectors` pattern names a connector that is not declared.", cross_reference;
    MCP_FIELDS_DEPRECATED = "AP224", "mcp-fields-deprecated", Info, MCP_DOCS, None,
        "`mcp_tools`/`mcp_resources`/`mcp_templates` are deprecated in favour of `connectors`.", legacy(Legacy::Manual);
    MCP_PATTERN_UNKNOWN_SERVER = "AP225", "mcp-pattern-unknown-server", Warning, MCP_DOCS,
        Some("{field} pattern \"{pattern}\" references server \"{name}\" which does not match any declared MCP server"),
        "An `mcp_*` pattern names an MCP server that is not declared.", cross_reference;
    BAD_SEND_HOOKS_ENTRY = "AP226", "bad-send-hooks-entry", Warning, HOOK_DOCS, None,
        "A `send_hooks` entry has an unknown event or send value, or no `name`.", fix(Applicability::Unsafe);
    DUPLICATE_GRANT = "AP227", "duplicate-grant", Warning, VS_TAILNET_DOCS, None,
        "A grant repeats an earlier one (same `src`, same capabilities): it adds no access and obscures the effective policy.", fix(Applicability::Unsafe);
    GRANT_COVERED = "AP228", "grant-covered", Info, GRANTS_DOCS, None,
        "A grant is wholly covered by another: that grant names all its callers and already gives them everything it gives (grants are additive).";
    RESTRICTION_DEFEATED = "AP229", "restriction-defeated", Info, GRANTS_DOCS, None,
        "A grant restricts some callers to some models, but a grant naming more callers (e.g. `*`) gives those models and more: there is no deny, so the restriction has no effect.";
    ADMIN_WITHOUT_MODELS = "AP230", "admin-without-models", Info, ADMIN_DOCS, None,
        "An identity gets `role: admin` but no grant gives it `models`: it can manage the gateway, yet every model call is denied.";

    // Quotas.
    QUOTA_DEFINITION = "AP301", "quota-definition", Error, QUOTA_DOCS, Some("quota {name}: {details}"),
        "A quota bucket has no `capacity`, or a malformed `capacity`, `rate` or `on_exceed`; matching requests fail closed with 429.";
    QUOTA_NAME_TEMPLATE = "AP302", "quota-name-template", Warning, QUOTA_DOCS,
        Some("quota \"{name}\": quota name \"{name}\" has unsupported template \"{template}\" after colon"),
        "A bucket name uses a template other than `<user>` or `<node>` after the colon.";
    QUOTA_UNUSED = "AP303", "quota-unused", Info, QUOTA_DOCS, None,
        "A quota bucket is defined but no grant references it, so it never applies.";

    // Hooks.
    HOOK_NO_URL = "AP401", "hook-no-url", Warning, HOOK_DOCS, Some("hook {name} has no url configured"),
        "A hook has no `url`.";
    HOOK_URL_SCHEME = "AP402", "hook-url-scheme", Warning, HOOK_DOCS,
        Some("hook {name} has invalid URL scheme (must be http:// or https://): {url}"),
        "A hook `url` is not `http://` or `https://`.";
    HOOK_BAD_AUTHORIZATION = "AP403", "hook-bad-authorization", Warning, HOOK_DOCS,
        Some("hook {name} has invalid authorization type: {type}"),
        "A hook's `authorization` is not `bearer`, `x-api-key`, `x-goog-api-key`, `hec` or `cf-aig-authorization`.", fix(Applicability::Unsafe);
    HOOK_BAD_FAIL_POLICY = "AP404", "hook-bad-fail-policy", Warning, HOOK_DOCS, None,
        "A hook's `fail_policy` is not `fail_open` or `fail_closed`.", fix(Applicability::Unsafe);
    HOOK_BAD_TIMEOUT = "AP405", "hook-bad-timeout", Warning, HOOK_DOCS, None,
        "A hook's `timeout` is not a Go duration such as `5s` or `1m`.";
    HOOK_UNUSED = "AP406", "hook-unused", Info, HOOK_DOCS, None,
        "A hook is defined but no grant's `send_hooks` names it, so it never fires.";

    // Connectors, legacy MCP, flags.
    CONNECTOR_ID_PATTERN = "AP501", "connector-id-pattern", Error, CONNECTOR_DOCS, None,
        "A connector ID does not match `[a-zA-Z][a-zA-Z0-9]*` (no `-` or `_`).", fix(Applicability::Unsafe);
    CONNECTOR_ID_RESERVED = "AP502", "connector-id-reserved", Warning, CONNECTOR_DOCS, None,
        "A connector ID is reserved (`aperture`, `tailscale`, `internal`; from a secondary source, UNCONFIRMED: saving in the dashboard's config editor shows it).";
    CONNECTOR_PROTOCOL = "AP503", "connector-protocol", Warning, CONNECTOR_DOCS, None,
        "A connector's `protocol` is missing or not `mcp`/`http`.", fix(Applicability::Unsafe);
    CONNECTOR_URL = "AP504", "connector-url", Warning, CONNECTOR_DOCS, None,
        "A connector's `url` is missing, not http(s), or a blocked loopback/link-local target.";
    CONNECTOR_AUTH = "AP505", "connector-auth", Warning, "https://tailscale.com/docs/aperture/connectors/authentication", None,
        "A connector's `auth` has an unknown `type` or lacks that type's required fields.", fix(Applicability::Unsafe);
    MCP_DEPRECATED = "AP506", "mcp-deprecated", Info, CONNECTOR_DOCS, None,
        "The `mcp` section is deprecated in favour of `connectors`.", legacy(Legacy::Manual);
    MCP_SERVER_NO_URL = "AP507", "mcp-server-no-url", Warning, MCP_DOCS, None,
        "An `mcp.servers` entry has no `url`.";
    FLAG_CONNECTORS_OPTIONAL = "AP508", "flag-connectors-optional", Info, CONNECTOR_DOCS, None,
        "`flags.connectors` is needed on older builds and harmless on newer ones (the Oct-2026 reference no longer mentions it): keep it.";
    FLAG_SHAPE = "AP509", "flag-shape", Warning, CONFIG_DOCS, None,
        "A flag is not written as `{\"value\": ...}`.", reported, fix(Applicability::Unsafe);

    // Exporters and database.
    S3_PREFIX_SLASH = "AP601", "s3-prefix-slash", Warning, EXPORT_DOCS, Some("exporters.s3.prefix must not end with a slash"),
        "`exporters.s3.prefix` ends with `/`.", fix(Applicability::Unsafe);
    S3_LIMIT_CAPPED = "AP602", "s3-limit-capped", Warning, EXPORT_DOCS, None,
        "`exporters.s3.limit` above 10000 is silently lowered to 10000.", fix(Applicability::Unsafe);
    S3_CREDENTIALS = "AP603", "s3-credentials", Warning, EXPORT_DOCS, None,
        "`access_key_id` and `access_secret` must be set together.";
    RETENTION_DURATION = "AP604", "retention-duration", Warning, EXPORT_DOCS, None,
        "`database.retention.duration` is not `0` or a duration between 1h and 3650d.";
    RETENTION_PURGE = "AP605", "retention-purge", Warning, EXPORT_DOCS, None,
        "`database.retention.purge` holds a value other than `captures` or `tools`.";
    ZERO_RETENTION_KEEPS_COPIES = "AP606", "zero-retention-keeps-copies", Warning, RETENTION_DOCS, None,
        "Retention `duration` is `0`, but `save_raws` or `keep_encrypted_blobs` is true, so copies of request content are still kept.", fix(Applicability::Unsafe);

    // Legacy grants.
    TEMP_GRANTS_DEPRECATED = "AP701", "temp-grants-deprecated", Warning, "https://tailscale.com/docs/aperture/configuration#grants", None,
        "`temp_grants` is the deprecated alpha grant form; migrate to `grants`.", legacy(Legacy::Migrated), fix(Applicability::Safe);
    TEMP_GRANT_UNTRANSLATABLE = "AP702", "temp-grant-untranslatable", Warning, "https://tailscale.com/docs/aperture/configuration#grants", None,
        "A `temp_grants` entry has a shape the migration cannot translate mechanically.", legacy(Legacy::Manual);

    // Model aliases.
    ALIAS_DST_UNKNOWN = "AP801", "alias-dst-unknown", Warning, ALIAS_DOCS, None,
        "A `model_aliases` destination names a provider or model that is not declared.";
    ALIAS_DST_FORMAT = "AP802", "alias-dst-format", Warning, ALIAS_DOCS, None,
        "A `model_aliases` destination is not a `provider/model` string.";
}

/// The rule that reports a load failure.
pub fn for_load_error(kind: LoadErrorKind) -> &'static Rule {
    ALL.iter()
        .copied()
        .find(|r| r.load_error == Some(kind))
        .unwrap_or(&SYNTAX_ERROR)
}

/// Look a rule up by its code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for rule in ALL {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                rule.code.len() == 5 && rule.code.starts_with("AP"),
                "{}",
                rule.code
            );
            assert!(
                rule.docs.starts_with("https://tailscale.com/docs/aperture"),
                "{}",
                rule.code
            );
        }
        let mut sorted: Vec<_> = ALL.iter().map(|r| r.code).collect();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            ALL.iter().map(|r| r.code).collect::<Vec<_>>(),
            "catalog is in code order"
        );
    }

    #[test]
    fn templates_fill_and_match() {
        let rule = &PROVIDER_NO_BASEURL;
        let filled = rule.aperture_text(&["openai"]).unwrap();
        assert_eq!(filled, "provider openai has no baseurl configured");
        assert!(rule.matches_aperture_text(&filled));
        assert!(!rule.matches_aperture_text("provider openai has no url configured"));
        assert!(!rule.matches_aperture_text("x provider openai has no baseurl configured"));
        assert!(
            QUOTA_NAME_TEMPLATE.matches_aperture_text(
                &QUOTA_NAME_TEMPLATE
                    .aperture_text(&["q", "q", "<team>"])
                    .unwrap()
            )
        );
        assert_eq!(SYNTAX_ERROR.aperture_text(&[]), None);
        assert!(!SYNTAX_ERROR.matches_aperture_text("anything"));
    }

    #[test]
    fn every_load_failure_has_its_rule() {
        use crate::config::LoadErrorKind::*;
        for kind in [Syntax, Empty, RootNotObject, TooLarge, TooDeep, NotText] {
            let rule = for_load_error(kind);
            assert_eq!(rule.load_error, Some(kind), "{kind:?}");
            assert_eq!(rule.severity, Severity::Error);
        }
    }
}
