//! Connector facts: the ID rules, the reserved IDs, and the auth types with the fields each
//! needs. The rules check configs against them, `explain` reads them, the generator builds from
//! them; every auth type's spelling lives here.
//!
//! Sources (Aperture notes §5): the ID pattern and the `auth` types with their required fields
//! are documented; the reserved IDs come from a secondary source; the OAuth field spellings
//! (`client_id`, `client_secret`, `auth_url`, `token_url`, `scopes`) are UNCONFIRMED.

/// The pattern a connector ID must match (`-` and `_` separate names on the MCP wire).
pub const ID_PATTERN: &str = "[a-zA-Z][a-zA-Z0-9]*";

/// IDs Aperture keeps for itself (per a secondary source, UNCONFIRMED).
pub const RESERVED_IDS: &[&str] = &["aperture", "tailscale", "internal"];

/// Whether `id` matches [`ID_PATTERN`].
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Whether `id` is reserved (compared without case).
pub fn reserved_id(id: &str) -> bool {
    RESERVED_IDS.iter().any(|r| r.eq_ignore_ascii_case(id))
}

/// The upstream protocols: an MCP server, or an HTTP API behind Aperture's proxy.
pub const PROTOCOLS: &[&str] = &["mcp", "http"];

/// The values of `auth.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    BearerToken,
    ApiKey,
    Basic,
    Oauth2ClientCredentials,
    Oauth2AuthorizationCode,
    Oauth2Dcr,
}

/// One auth type: its spellings and its fields.
struct Spec {
    /// As the config writes it (`auth.type`).
    config: &'static str,
    /// The short word a user types (`--auth bearer`); the config spelling is accepted too.
    word: &'static str,
    /// Fields Aperture requires (documented).
    required: &'static [&'static str],
    /// The field holding the credential, if the type has one.
    secret: Option<&'static str>,
    /// Each caller authorizes for themselves (the OAuth callback is theirs to pass through).
    per_user: bool,
}

/// One row per `AuthType`, in declaration order.
const SPECS: [Spec; 6] = [
    Spec {
        config: "bearer_token",
        word: "bearer",
        required: &["secret"],
        secret: Some("secret"),
        per_user: false,
    },
    Spec {
        config: "api_key",
        word: "api_key",
        required: &["secret", "name", "in"],
        secret: Some("secret"),
        per_user: false,
    },
    Spec {
        config: "basic",
        word: "basic",
        required: &["username", "password"],
        secret: Some("password"),
        per_user: false,
    },
    Spec {
        config: "oauth2_client_credentials",
        word: "oauth2_client_credentials",
        required: &[],
        secret: Some("client_secret"),
        per_user: false,
    },
    Spec {
        config: "oauth2_authorization_code",
        word: "oauth2",
        required: &[],
        secret: Some("client_secret"),
        per_user: true,
    },
    Spec {
        config: "oauth2_dcr",
        word: "oauth2_dcr",
        required: &[],
        secret: None,
        per_user: true,
    },
];

/// The short words of `--auth` (`none` is no `auth` object at all).
pub const NO_AUTH: &str = "none";

impl AuthType {
    pub const ALL: [AuthType; 6] = [
        AuthType::BearerToken,
        AuthType::ApiKey,
        AuthType::Basic,
        AuthType::Oauth2ClientCredentials,
        AuthType::Oauth2AuthorizationCode,
        AuthType::Oauth2Dcr,
    ];

    fn spec(self) -> &'static Spec {
        // SPECS lists every variant once, in declaration order (checked by a test).
        &SPECS[self as usize]
    }

    /// The config spelling (`auth.type`).
    pub fn name(self) -> &'static str {
        self.spec().config
    }

    /// The short word (`bearer`, `oauth2`, ...).
    pub fn word(self) -> &'static str {
        self.spec().word
    }

    /// The type a config spelling names.
    pub fn of_config(name: &str) -> Option<AuthType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The type a user's word names: the short word or the config spelling.
    pub fn parse(word: &str) -> Option<AuthType> {
        Self::ALL
            .into_iter()
            .find(|t| t.word() == word || t.name() == word)
    }

    /// Fields Aperture requires for this type (documented ones only).
    pub fn required(self) -> &'static [&'static str] {
        self.spec().required
    }

    /// The field that holds the credential.
    pub fn secret_field(self) -> Option<&'static str> {
        self.spec().secret
    }

    /// Per-user OAuth: each caller connects it first, through the callback.
    pub fn per_user(self) -> bool {
        self.spec().per_user
    }

    /// An OAuth type (field spellings UNCONFIRMED).
    pub fn oauth(self) -> bool {
        matches!(
            self,
            AuthType::Oauth2ClientCredentials
                | AuthType::Oauth2AuthorizationCode
                | AuthType::Oauth2Dcr
        )
    }
}

/// Every config spelling, for messages (`bearer_token, api_key, ...`).
pub fn auth_type_names() -> Vec<&'static str> {
    AuthType::ALL.iter().map(|t| t.name()).collect()
}

/// Every word `--auth` accepts: `none`, the short words, and the config spellings.
pub fn auth_words() -> Vec<&'static str> {
    let mut words = vec![NO_AUTH];
    for t in AuthType::ALL {
        for w in [t.word(), t.name()] {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    words
}

/// The OAuth callback a per-user connector registers at its provider (https, per the docs).
pub fn oauth_callback(host: &str, id: &str) -> String {
    format!("https://{host}/aperture/auth/{id}/callback")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_follow_all() {
        for (i, t) in AuthType::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
            assert_eq!(AuthType::of_config(t.name()), Some(*t));
            assert_eq!(AuthType::parse(t.word()), Some(*t));
        }
        assert_eq!(
            AuthType::parse("oauth2"),
            Some(AuthType::Oauth2AuthorizationCode)
        );
        assert_eq!(AuthType::parse("bearer_token"), Some(AuthType::BearerToken));
        assert_eq!(AuthType::parse("none"), None);
    }

    #[test]
    fn ids() {
        assert!(valid_id("github") && valid_id("gh2"));
        assert!(!valid_id("2gh") && !valid_id("my-gh") && !valid_id("my_gh") && !valid_id(""));
        assert!(reserved_id("Aperture") && !reserved_id("github"));
    }
}
