//! test_endpoint against the fake Aperture in `tests/support` and local sockets: every
//! failure class is produced and classified, and no key ever appears in the output.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::time::Duration;

use aperture_orchestrator::probe::{self, Options, Outcome, Resolver, Verdict};
use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::client::Client;
use aperture_orchestrator::tools::test_endpoint::{
    ApiChoice, TestInput, TestOutput, test_endpoint,
};
use support::dns;
use support::fake_aperture::{FakeAperture, Grant, Personality, Provider, Spec, Upstream};

fn input(url: &str) -> TestInput {
    TestInput {
        url: url.to_owned(),
        timeout_ms: Some(3_000),
        ..TestInput::default()
    }
}

fn send(url: &str, model: &str, api: ApiChoice) -> TestInput {
    TestInput {
        model: Some(model.into()),
        api,
        send_completion: true,
        ..input(url)
    }
}

async fn run(input: TestInput) -> TestOutput {
    test_endpoint(&input, PathPolicy::Allowed)
        .await
        .expect("arguments are valid")
}

/// The free probes of `url` with host names looked up by `resolver`, not the host's DNS.
async fn run_resolving(url: &str, resolver: Resolver) -> TestOutput {
    let target = probe::target::parse(url).expect("a valid URL");
    let options = Options {
        model: None,
        api: None,
        client: None,
        known_clients: Vec::new(),
        send_completion: false,
        timeout: Duration::from_secs(3),
        key: None,
        resolver,
    };
    TestOutput {
        url: target.base(),
        report: probe::run(&target, &options).await,
    }
}

fn codes(out: &TestOutput) -> Vec<&str> {
    out.report
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect()
}

/// The one finding that decides the verdict, with its message.
#[track_caller]
fn expect_finding(out: &TestOutput, code: &str, message_part: &str) {
    let found = out.report.findings.iter().find(|f| f.code == code);
    let Some(found) = found else {
        panic!("expected {code}; got {:#?}", out.report.findings);
    };
    assert!(
        found.message.contains(message_part),
        "{code} message {:?} lacks {message_part:?}",
        found.message
    );
    assert!(!found.fix.is_empty() && found.cause.is_some());
}

fn probe<'a>(out: &'a TestOutput, name: &str) -> &'a aperture_orchestrator::probe::Probe {
    out.report
        .probes
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no probe {name}: {:#?}", out.report.probes))
}

#[tokio::test]
async fn a_healthy_gateway_passes_every_probe() {
    let fake = FakeAperture::start(Spec::default()).await;
    let out = run(send(&fake.url(), "claude-sonnet-4-5", ApiChoice::Auto)).await;
    assert_eq!(
        out.report.verdict,
        Verdict::Ok,
        "{:#?}",
        out.report.findings
    );
    assert!(out.report.findings.is_empty());
    let completion = probe(&out, "completion:anthropic_messages");
    assert_eq!(completion.status, Some(200));
    assert!(completion.timings.first_byte_ms.is_some());
    assert!(probe(&out, "tcp").timings.connect_ms.is_some());
    assert_eq!(probe(&out, "models").outcome, Outcome::Ok);
    assert_eq!(probe(&out, "dns").outcome, Outcome::Skipped);
    // Every probe can be rerun by hand.
    assert!(out.report.curl.iter().any(|c| c.contains("-X POST")
        && c.contains("/v1/messages")
        && c.contains("anthropic-version: 2023-06-01")));
    assert!(out.report.summary.starts_with("ok"));
}

#[tokio::test]
async fn auto_sends_one_request_per_supported_api() {
    let fake = FakeAperture::start(Spec::default()).await;
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::Auto)).await;
    assert_eq!(
        out.report.verdict,
        Verdict::Ok,
        "{:#?}",
        out.report.findings
    );
    for name in ["completion:openai_chat", "completion:openai_responses"] {
        assert_eq!(probe(&out, name).status, Some(200));
    }
    assert!(
        !out.report
            .probes
            .iter()
            .any(|p| p.name == "completion:anthropic_messages")
    );
}

#[tokio::test]
async fn free_probes_send_no_completion() {
    let fake = FakeAperture::start(Spec::default()).await;
    let mut i = input(&format!("{}/v1", fake.url()));
    i.model = Some("gpt-5".into());
    let out = run(i).await;
    assert!(
        !out.report
            .probes
            .iter()
            .any(|p| p.name.starts_with("completion:"))
    );
    assert_eq!(out.report.verdict, Verdict::Ok);
    // The /v1 was removed, and said so.
    assert_eq!(out.url, fake.url());
    assert_eq!(codes(&out), ["TE108"]);
}

#[tokio::test]
async fn dns_failure_names_magicdns() {
    let out = run_resolving("http://aperture-test.invalid", dns::nxdomain()).await;
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE101", "aperture-test.invalid");
    assert_eq!(
        codes(&out),
        ["TE101"],
        "HTTP probes add no duplicate findings"
    );
    let short = run_resolving("http://nonexistent-aperture-host", dns::nxdomain()).await;
    expect_finding(&short, "TE101", "MagicDNS");
}

#[tokio::test]
async fn a_name_that_resolves_is_probed_at_its_address() {
    let fake = FakeAperture::start(Spec::default()).await;
    let port = fake.url().rsplit(':').next().unwrap().to_owned();
    // `.test` names never resolve in real DNS: a pass shows every probe used the stand-in.
    let out = run_resolving(&format!("http://aperture.test:{port}"), dns::loopback()).await;
    assert_eq!(
        out.report.verdict,
        Verdict::Ok,
        "{:#?}",
        out.report.findings
    );
    let dns = probe(&out, "dns");
    assert_eq!(dns.outcome, Outcome::Ok);
    assert!(dns.detail.contains("127.0.0.1"), "{}", dns.detail);
    assert_eq!(probe(&out, "tcp").outcome, Outcome::Ok);
    assert_eq!(probe(&out, "models").outcome, Outcome::Ok);
}

#[tokio::test]
async fn a_refused_port_is_named() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = run(input(&format!("http://127.0.0.1:{port}"))).await;
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE102", &port.to_string());
    assert_eq!(codes(&out), ["TE102"]);
}

#[tokio::test]
async fn a_silent_server_times_out_within_the_budget() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let mut i = input(&format!("http://{addr}"));
    i.timeout_ms = Some(300);
    let out = run(i).await;
    hold.abort();
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE105", "300 ms");
    assert_eq!(probe(&out, "tcp").outcome, Outcome::Ok);
}

#[tokio::test]
async fn a_slow_gateway_times_out_and_completions_are_not_sent_late() {
    let fake = FakeAperture::start(Spec {
        delay: Duration::from_secs(5),
        ..Spec::default()
    })
    .await;
    let mut i = send(&fake.url(), "gpt-5", ApiChoice::Auto);
    i.timeout_ms = Some(250);
    let out = run(i).await;
    expect_finding(&out, "TE105", "250 ms");
    // Auto needs the model list, which never came: the completions are reported, not sent.
    let skipped: Vec<_> = out
        .report
        .probes
        .iter()
        .filter(|p| p.outcome == Outcome::Skipped)
        .collect();
    assert!(
        skipped.iter().any(|p| p.name.starts_with("completion:")),
        "{:#?}",
        out.report.probes
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_port_is_a_tls_failure() {
    let fake = FakeAperture::start(Spec::default()).await;
    let out = run(input(&format!("https://{}", fake.addr))).await;
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE104", "TLS handshake");
    assert!(codes(&out).contains(&"TE107"), "https itself is noted");
}

#[tokio::test]
async fn no_role_is_403_access_denied() {
    let fake = FakeAperture::start(Spec {
        grants: vec![Grant::user("bob@example.com", &["*"])],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::OpenaiChat)).await;
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE121", "no role granted");
    assert_eq!(probe(&out, "models").status, Some(403));
    assert_eq!(probe(&out, "completion:openai_chat").status, Some(403));
}

#[tokio::test]
async fn a_missing_compatibility_flag_is_found_from_the_model_list() {
    let fake = FakeAperture::start(Spec {
        providers: vec![Provider::new("openai", &["gpt-5"], &["openai_chat"])],
        ..Spec::default()
    })
    .await;
    // Free probes alone already tell.
    let mut free = input(&fake.url());
    free.model = Some("gpt-5".into());
    free.api = ApiChoice::OpenaiResponses;
    let out = run(free).await;
    expect_finding(&out, "TE132", "openai_responses");
    // And the completion confirms it with Aperture's 404.
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::OpenaiResponses)).await;
    expect_finding(&out, "TE132", "openai_responses");
    let completion = probe(&out, "completion:openai_responses");
    assert_eq!(completion.status, Some(404));
    assert_eq!(completion.outcome, Outcome::Failed);
}

#[tokio::test]
async fn an_ungranted_model_is_not_listed() {
    let fake = FakeAperture::start(Spec {
        grants: vec![Grant::user("*", &["anthropic/*"])],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::OpenaiChat)).await;
    expect_finding(&out, "TE131", "claude-sonnet-4-5");
    assert_eq!(probe(&out, "completion:openai_chat").status, Some(404));
    // A near miss gets a suggestion.
    let out = run(send(
        &fake.url(),
        "claude-sonnet-4.5",
        ApiChoice::AnthropicMessages,
    ))
    .await;
    expect_finding(&out, "TE131", "Did you mean claude-sonnet-4-5?");
}

#[tokio::test]
async fn an_empty_model_list_is_degraded() {
    let fake = FakeAperture::start(Spec {
        grants: vec![Grant::user("*", &[])],
        ..Spec::default()
    })
    .await;
    let out = run(input(&fake.url())).await;
    assert_eq!(out.report.verdict, Verdict::Degraded);
    expect_finding(&out, "TE130", "empty list");
}

#[tokio::test]
async fn a_doubled_v1_is_405() {
    let fake = FakeAperture::start(Spec {
        providers: vec![
            Provider::new("vllm", &["llama"], &["openai_chat"]).upstream(Upstream::DoubledV1),
        ],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "llama", ApiChoice::Auto)).await;
    expect_finding(&out, "TE140", "405");
    assert!(out.report.findings[0].fix.contains("/v1"));
}

#[tokio::test]
async fn an_empty_quota_is_429_with_retry_after() {
    let fake = FakeAperture::start(Spec {
        grants: vec![Grant {
            quotas: vec!["daily".into()],
            ..Grant::user("*", &["*"])
        }],
        empty_buckets: vec![("daily".into(), 42)],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "claude-sonnet-4-5", ApiChoice::Auto)).await;
    expect_finding(&out, "TE150", "Retry-After: 42 s");
    expect_finding(&out, "TE150", "rate_limit_error");
    // Bedrock names its error in a header.
    let fake = FakeAperture::start(Spec {
        providers: vec![Provider::new(
            "bedrock",
            &["claude-b"],
            &["bedrock_converse"],
        )],
        grants: vec![Grant {
            quotas: vec!["daily".into()],
            ..Grant::user("*", &["*"])
        }],
        empty_buckets: vec![("daily".into(), 7)],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "claude-b", ApiChoice::Auto)).await;
    expect_finding(&out, "TE150", "ThrottlingException");
}

#[tokio::test]
async fn a_fail_closed_hook_is_503() {
    let fake = FakeAperture::start(Spec {
        hook_fail_closed: true,
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::OpenaiChat)).await;
    expect_finding(&out, "TE160", "503");
    // The free probes pass: only requests through the hook fail.
    assert_eq!(probe(&out, "models").outcome, Outcome::Ok);
}

#[tokio::test]
async fn a_guardrail_block_and_a_restart_are_named() {
    let fake = FakeAperture::start(Spec {
        guardrail_blocks: true,
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "gpt-5", ApiChoice::OpenaiChat)).await;
    expect_finding(&out, "TE123", "request blocked by guardrail");
    let fake = FakeAperture::start(Spec {
        restarting: true,
        ..Spec::default()
    })
    .await;
    let out = run(input(&fake.url())).await;
    expect_finding(&out, "TE161", "restarting");
}

#[tokio::test]
async fn upstream_errors_pass_through() {
    let fake = FakeAperture::start(Spec {
        providers: vec![
            Provider::new("a", &["m-502"], &["openai_chat"]).upstream(Upstream::Status(
                502,
                r#"{"error":{"message":"upstream connect error"}}"#.into(),
            )),
            Provider::new("b", &["m-400"], &["openai_chat"]).upstream(Upstream::Status(
                400,
                r#"{"error":{"message":"Unsupported parameter: 'max_tokens'"}}"#.into(),
            )),
            Provider::new("c", &["m-404"], &["openai_chat"])
                .upstream(Upstream::Status(404, "<html>not here</html>".into())),
            Provider::new("d", &["m-huge"], &["openai_chat"])
                .upstream(Upstream::Status(500, "x".repeat(1 << 20))),
        ],
        ..Spec::default()
    })
    .await;
    let out = run(send(&fake.url(), "m-502", ApiChoice::Auto)).await;
    expect_finding(&out, "TE170", "upstream connect error");
    let out = run(send(&fake.url(), "m-400", ApiChoice::Auto)).await;
    assert_eq!(out.report.verdict, Verdict::Degraded);
    expect_finding(&out, "TE171", "max_tokens");
    // Offered on this API by Aperture, so the 404 is the provider's.
    let out = run(send(&fake.url(), "m-404", ApiChoice::Auto)).await;
    expect_finding(&out, "TE134", "404");
    // A 1 MB body: read up to 64 KB, shown up to 2 KB.
    let out = run(send(&fake.url(), "m-huge", ApiChoice::Auto)).await;
    let excerpt = probe(&out, "completion:openai_chat")
        .body_excerpt
        .clone()
        .unwrap();
    assert!(
        excerpt.len() <= 2048 + '…'.len_utf8() && excerpt.ends_with('…'),
        "{}",
        excerpt.len()
    );
}

#[tokio::test]
async fn a_server_without_a_model_list_is_not_aperture() {
    let fake = FakeAperture::start(Spec {
        personality: Personality::Plain404,
        ..Spec::default()
    })
    .await;
    let out = run(input(&fake.url())).await;
    assert_eq!(out.report.verdict, Verdict::Failed);
    expect_finding(&out, "TE110", "404");
}

#[tokio::test]
async fn an_off_host_redirect_is_not_followed() {
    let fake = FakeAperture::start(Spec {
        ui_redirect: Some("http://login.elsewhere.invalid/sso?token=abc".into()),
        ..Spec::default()
    })
    .await;
    let out = run(input(&fake.url())).await;
    assert_eq!(out.report.verdict, Verdict::Degraded);
    expect_finding(&out, "TE106", "http://login.elsewhere.invalid");
    let json = serde_json::to_string(&out).unwrap();
    assert!(
        !json.contains("token=abc"),
        "the redirect's query is not echoed"
    );
}

#[tokio::test]
async fn a_key_gateway_wants_a_key_and_the_key_never_shows() {
    const SECRET: &str = "sk-planted-0123456789abcdefSECRET";
    let fake = FakeAperture::start(Spec {
        personality: Personality::KeyGateway { key: SECRET.into() },
        // The secret comes back in a header and in an upstream error body.
        echo_header: Some(format!("Bearer {SECRET}")),
        providers: vec![
            Provider::new("openai", &["gpt-5"], &["openai_chat"]).upstream(Upstream::Status(
                401,
                format!(r#"{{"error":{{"message":"Incorrect API key provided: {SECRET}"}}}}"#),
            )),
        ],
        ..Spec::default()
    })
    .await;
    let out = run(input(&fake.url())).await;
    expect_finding(&out, "TE120", "401");

    // The key goes in through an environment variable; run the CLI so every output channel
    // (stdout in both formats, stderr with debug logs) can be searched for it.
    for format in ["json", "human"] {
        let output = support::async_bin()
            .args([
                "test",
                &fake.url(),
                "--model",
                "gpt-5",
                "--send",
                "--api-key-env",
                "PLANTED_KEY",
            ])
            .args(["--format", format, "--timeout-ms", "3000"])
            .env("PLANTED_KEY", SECRET)
            .env("RUST_LOG", "trace")
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
        // Past the gateway's key check, the provider refused its own key.
        assert!(stdout.contains("TE124"), "{stdout}");
        for (channel, text) in [("stdout", &stdout), ("stderr", &stderr)] {
            assert!(
                !text.contains(SECRET),
                "{format} {channel} leaks the key:\n{text}"
            );
            assert!(
                !text.contains("0123456789abcdefSECRET"),
                "{format} {channel} leaks part of the key"
            );
        }
        assert!(
            stdout.contains("$PLANTED_KEY"),
            "curl names the variable: {stdout}"
        );
    }
}

#[tokio::test]
async fn unsafe_arguments_are_refused() {
    for url in [
        "file:///etc/passwd",
        "gopher://ai/",
        "http://user:sk-secret-1@ai/",
    ] {
        let err = test_endpoint(&input(url), PathPolicy::Allowed)
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("sk-secret-1"), "{err}");
    }
    let mut zero = input("http://ai");
    zero.timeout_ms = Some(0);
    assert!(test_endpoint(&zero, PathPolicy::Allowed).await.is_err());
    let mut env = input("http://ai");
    env.api_key_env = Some("HOME".into());
    let err = test_endpoint(&env, PathPolicy::Refused).await.unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    env.api_key_env = Some("APERTURE_TEST_SURELY_UNSET".into());
    let err = test_endpoint(&env, PathPolicy::Allowed).await.unwrap_err();
    assert!(err.to_string().contains("not set"), "{err}");
}

/// A gateway that offers a Claude model only for chat completions (its provider lacks
/// `anthropic_messages`), next to an OpenAI model served on both OpenAI APIs.
async fn claude_only_on_chat() -> FakeAperture {
    FakeAperture::start(Spec {
        providers: vec![
            Provider::new("openrouter", &["claude-sonnet-4-6"], &["openai_chat"]),
            Provider::new(
                "openai",
                &["gpt-5.3-codex"],
                &["openai_chat", "openai_responses"],
            ),
        ],
        ..Spec::default()
    })
    .await
}

fn for_client(url: &str, client: Client, model: Option<&str>) -> TestInput {
    TestInput {
        client: Some(client),
        model: model.map(str::to_owned),
        ..input(url)
    }
}

#[tokio::test]
async fn claude_code_fails_where_claude_is_served_only_on_chat_completions() {
    let fake = claude_only_on_chat().await;
    // Free probes: the model list alone tells, with the model Claude Code sends by default.
    let out = run(for_client(&fake.url(), Client::ClaudeCode, None)).await;
    let verdict = out.report.client.as_ref().expect("a client verdict");
    assert_eq!(verdict.client, "claude-code");
    assert_eq!(verdict.model, "claude-sonnet-4-6");
    assert_eq!(verdict.endpoints, ["/v1/messages"]);
    assert_eq!(verdict.works, Some(false), "{verdict:#?}");
    assert!(
        verdict.why.contains("anthropic_messages"),
        "{}",
        verdict.why
    );
    expect_finding(&out, "TE132", "claude-code will fail");
    expect_finding(&out, "TE132", "anthropic_messages");
    assert_eq!(out.report.verdict, Verdict::Failed);
    assert!(
        out.report.summary.contains("claude-code will fail"),
        "{}",
        out.report.summary
    );
    // Sending confirms it with Aperture's 404, on /v1/messages only (what Claude Code calls).
    let mut sent = for_client(&fake.url(), Client::ClaudeCode, None);
    sent.send_completion = true;
    let out = run(sent).await;
    let names: Vec<&str> = out
        .report
        .probes
        .iter()
        .filter(|p| p.name.starts_with("completion:"))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["completion:anthropic_messages"]);
    assert_eq!(
        probe(&out, "completion:anthropic_messages").status,
        Some(404)
    );
    assert_eq!(out.report.client.as_ref().unwrap().works, Some(false));
}

#[tokio::test]
async fn a_client_whose_api_is_served_will_work() {
    let fake = claude_only_on_chat().await;
    // Codex calls /v1/responses with gpt-5.3-codex: listed there, and it answers.
    let mut codex = for_client(&fake.url(), Client::Codex, None);
    codex.send_completion = true;
    let out = run(codex).await;
    let verdict = out.report.client.clone().unwrap();
    assert_eq!(verdict.endpoints, ["/v1/responses"]);
    assert_eq!(verdict.works, Some(true), "{}", verdict.why);
    assert_eq!(probe(&out, "completion:openai_responses").status, Some(200));
    // The OpenAI SDK on chat completions works with the Claude model too, from the list alone.
    let out = run(for_client(
        &fake.url(),
        Client::OpenaiSdk,
        Some("claude-sonnet-4-6"),
    ))
    .await;
    let verdict = out.report.client.clone().unwrap();
    assert_eq!(verdict.works, Some(true), "{}", verdict.why);
    assert!(verdict.why.contains("send_completion"), "{}", verdict.why);
    // An ungranted or unknown model: the client will fail, and says why.
    let out = run(for_client(
        &fake.url(),
        Client::AnthropicSdk,
        Some("claude-opus-4-8"),
    ))
    .await;
    assert_eq!(out.report.client.as_ref().unwrap().works, Some(false));
    expect_finding(&out, "TE131", "anthropic-sdk will fail");
}

#[tokio::test]
async fn without_a_client_a_model_off_its_native_api_names_the_flag_and_the_clients() {
    let fake = claude_only_on_chat().await;
    let out = run(input(&fake.url())).await;
    expect_finding(&out, "TE135", "claude-sonnet-4-6");
    expect_finding(&out, "TE135", "anthropic_messages");
    expect_finding(&out, "TE135", "claude-code");
    expect_finding(&out, "TE135", "anthropic-sdk");
    let finding = out
        .report
        .findings
        .iter()
        .find(|f| f.code == "TE135")
        .unwrap();
    // The OpenAI model is served on its own API: not named; nor are OpenAI-only clients.
    assert!(
        !finding.message.contains("gpt-5.3-codex"),
        "{}",
        finding.message
    );
    assert!(!finding.message.contains("codex,"), "{}", finding.message);
    assert_eq!(out.report.verdict, Verdict::Degraded);
    assert!(out.report.client.is_none());
    // The default gateway serves Claude on /v1/messages: nothing to say.
    let healthy = FakeAperture::start(Spec::default()).await;
    let out = run(input(&healthy.url())).await;
    assert!(
        !codes(&out).contains(&"TE135"),
        "{:#?}",
        out.report.findings
    );
}

#[tokio::test]
async fn client_arguments_that_cannot_be_probed_are_refused() {
    for (client, api, wanted) in [
        (Client::McpAperture, ApiChoice::Auto, "/v1/mcp"),
        (Client::ClaudeCode, ApiChoice::OpenaiChat, "not both"),
    ] {
        let input = TestInput {
            client: Some(client),
            api,
            ..input("http://127.0.0.1:9")
        };
        let err = test_endpoint(&input, PathPolicy::Allowed)
            .await
            .expect_err("refused")
            .to_string();
        assert!(err.contains(wanted), "{err}");
    }
}

#[tokio::test]
async fn the_cli_takes_a_client_and_prints_its_verdict() {
    let fake = claude_only_on_chat().await;
    let output = support::async_bin()
        .args(["test", &fake.url(), "--client", "claude-code"])
        .args(["--timeout-ms", "3000"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let verdict = stdout.lines().nth(1).unwrap_or_default();
    assert!(
        verdict.contains("claude-code with claude-sonnet-4-6 (/v1/messages): will FAIL")
            && verdict.contains("anthropic_messages"),
        "{stdout}"
    );
    // Codex calls /v1/responses, which the gateway serves for gpt-5.3-codex: exit 0.
    let output = support::async_bin()
        .args([
            "test",
            &fake.url(),
            "--client",
            "codex",
            "--timeout-ms",
            "3000",
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("codex with gpt-5.3-codex (/v1/responses): will work"),
        "{stdout}"
    );
}

#[test]
fn mcp_arguments_name_the_client_as_generate_client_config_does() {
    let input: TestInput = serde_json::from_value(
        serde_json::json!({ "url": "http://ai", "client": " Claude-Code " }),
    )
    .unwrap();
    assert_eq!(input.client, Some(Client::ClaudeCode));
    let err = serde_json::from_value::<TestInput>(
        serde_json::json!({ "url": "http://ai", "client": "cursor" }),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("unknown client `cursor`; clients: claude-code"),
        "{err}"
    );
}
