//! Parsing tests for the argument definitions.

use super::*;
use crate::render::Format;
use crate::tools::validate::Mode;

#[test]
fn parses_the_contract_flags() {
    let cli = Cli::try_parse_from([
        "aperture-orchestrator",
        "validate",
        "-",
        "--mode",
        "load",
        "--format",
        "sarif",
    ])
    .unwrap();
    let Command::Validate(args) = cli.command else {
        panic!("expected validate")
    };
    assert_eq!(
        (args.file.as_deref(), args.mode, args.format),
        (Some("-"), Mode::Load, Format::Sarif)
    );
    assert!(
        Cli::try_parse_from(["aperture-orchestrator", "validate", "a", "--config", "b"]).is_err()
    );
    let cli = Cli::try_parse_from([
        "aperture-orchestrator",
        "serve",
        "--http",
        "127.0.0.1:0",
        "--allow-paths",
    ])
    .unwrap();
    assert!(matches!(
        cli.command,
        Command::Serve(ServeArgs {
            http: Some(_),
            allow_paths: true,
            ..
        })
    ));
}
