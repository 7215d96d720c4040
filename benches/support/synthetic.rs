// Synthetic benchmark documents; `include!`d by benches/validate.rs and examples/profile_validate.rs
// (a subdirectory, so cargo does not take it for a bench target).

/// A realistic large config: varied providers, per-user grants with quotas and hooks.
fn synthetic(providers: usize, grants: usize) -> String {
    let mut s = String::with_capacity(grants * 220 + providers * 260);
    s.push_str("{\n  // synthetic benchmark document\n  \"providers\": {\n");
    for i in 0..providers {
        let _ = writeln!(
            s,
            "    \"p{i}\": {{ \"baseurl\": \"https://api{i}.example.com\", \"apikey\": \"sk-{i:08}\", \"models\": [\"model-{i}-a\", \"model-{i}-b\"], \"compatibility\": {{ \"openai_chat\": true, \"openai_responses\": {} }}, \"cost_basis\": \"openai\" }},",
            i % 2 == 0
        );
    }
    s.push_str("  },\n  \"quotas\": { \"daily:<user>\": { \"capacity\": \"$10.00\", \"rate\": \"$5.00/day\", \"on_exceed\": \"reject\" } },\n");
    s.push_str("  \"hooks\": { \"audit\": { \"url\": \"https://audit.example.ts.net/hook\", \"timeout\": \"5s\" } },\n");
    s.push_str("  \"grants\": [\n    { \"src\": [\"ops@example.com\"], \"app\": { \"tailscale.com/cap/aperture\": [ { \"role\": \"admin\" } ] } },\n");
    for j in 0..grants {
        let _ = writeln!(
            s,
            "    {{ \"src\": [\"user{j}@example.com\", \"tag:ci-{j},tag:prod\"], \"app\": {{ \"tailscale.com/cap/aperture\": [ {{ \"role\": \"user\" }}, {{ \"models\": \"p{}/**\", \"quotas\": [ {{ \"bucket\": \"daily:<user>\" }} ] }}, {{ \"send_hooks\": [ {{ \"name\": \"audit\", \"events\": [\"entire_request\"], \"send\": [\"request_body\"] }} ] }} ] }} }},",
            j % providers.max(1)
        );
    }
    s.push_str("  ],\n}\n");
    s
}
