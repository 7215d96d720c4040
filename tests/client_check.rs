//! Client settings checked against the gateway's config: the model the client will use exists,
//! is granted and is served on the API it calls; `--model` is honoured or refused, never
//! ignored.

use crate::support;

use aperture_orchestrator::explain::Outcome;
use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::client::ClientInput;
use aperture_orchestrator::tools::client_check::generate_client_config_in;
use serde_json::json;
use support::{TempDir, bin};

/// An OpenAI provider without Codex's default model, and an admin who gets every model.
const GATEWAY: &str = r#"{
  "providers": {
    "openai": {
      "baseurl": "https://api.openai.com",
      "apikey": "REPLACE_ME",
      "models": ["gpt-5"],
      "compatibility": { "openai_chat": true, "openai_responses": true },
    },
  },
  "grants": [
    { "src": ["me@example.com"], "app": { "tailscale.com/cap/aperture": [ { "role": "admin" }, { "models": "**" } ] } },
  ],
}"#;

fn client(args: serde_json::Value) -> aperture_orchestrator::tools::client::ClientOutput {
    let input: ClientInput = serde_json::from_value(args).unwrap();
    generate_client_config_in(&input, PathPolicy::Allowed).unwrap()
}

#[test]
fn codex_on_a_config_without_its_default_model_says_so() {
    let dir = TempDir::new("client-check");
    let file = dir.join("gw.hujson");
    std::fs::write(&file, GATEWAY).unwrap();
    let out = bin()
        .args(["client", "codex", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("does not serve codex's default model `gpt-5.3-codex`")
            && text.contains("no provider in the config lists `gpt-5.3-codex`"),
        "{text}"
    );
}

#[test]
fn a_granted_model_on_the_right_api_is_confirmed_and_a_wrong_caller_is_not() {
    let ok = client(
        json!({"client": "codex", "model": "gpt-5", "config": GATEWAY, "as": "me@example.com"}),
    );
    let check = ok.gateway.unwrap();
    assert_eq!(
        (check.outcome, check.endpoint.as_str()),
        (Outcome::Allowed, "/v1/responses")
    );
    assert!(ok.files[0].content.contains("model = \"gpt-5\""));

    let stranger =
        client(json!({"client": "openai-sdk", "config": GATEWAY, "as": "eve@example.com"}));
    assert_eq!(stranger.gateway.unwrap().outcome, Outcome::Denied);

    // Gemini CLI needs a Gemini provider.
    let gemini = client(json!({"client": "gemini-cli", "config": GATEWAY, "as": "me@example.com"}));
    assert_eq!(gemini.gateway.unwrap().outcome, Outcome::NotFound);
    assert!(
        gemini.notes.iter().any(|n| n.contains("gemini-2.5-pro")),
        "{:?}",
        gemini.notes
    );
}

#[test]
fn model_is_honoured_by_every_client_that_takes_one_and_refused_by_the_others() {
    use aperture_orchestrator::tools::client::Client;
    for c in Client::ALL {
        let input: ClientInput =
            serde_json::from_value(json!({"client": c.name(), "model": "pinned-model-x"})).unwrap();
        match generate_client_config_in(&input, PathPolicy::Allowed) {
            Ok(out) => {
                let everything = serde_json::to_string(&out).unwrap();
                assert!(
                    everything.contains("pinned-model-x"),
                    "{c} ignores --model:\n{everything}"
                );
            }
            Err(e) => assert!(e.to_string().contains("does not apply"), "{c}: {e}"),
        }
    }
    let out = bin()
        .args(["client", "opencode", "--model", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--model` does not apply to opencode"));
}
