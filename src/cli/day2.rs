//! Day-2 reads and the one write they need: `quota status|refill` and `status`.

use clap::{Args, Subcommand};

use super::streams::{ExitStatus, OutputArgs, block_on, print_result};
use crate::render;
use crate::tools::live_config::Daemon;
use crate::tools::quota::{QuotaInput, RefillInput, get_quotas, refill_quota};
use crate::tools::status::{SeenRole, StatusInput, gateway_status};
use crate::tools::{ConfigInput, PathPolicy};

#[derive(Debug, Subcommand)]
pub enum QuotaCommand {
    /// Every budget bucket you can see, in dollars (with --config: which grants charge it).
    Status {
        /// The gateway, e.g. http://ai.
        url: String,
        /// The gateway's config file, to name the grants charging each bucket.
        #[arg(long, value_name = "FILE")]
        config: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Add dollars to one bucket (needs an admin role); shows it before and after.
    Refill {
        /// The gateway, e.g. http://ai.
        url: String,
        /// The bucket's expanded name, e.g. daily:alice@example.com.
        #[arg(long, value_name = "BUCKET")]
        bucket: String,
        /// Dollars to add, e.g. '$2.50' (capped at the bucket's capacity).
        #[arg(long, value_name = "$N.NN")]
        amount: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The gateway, e.g. http://ai.
    pub url: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn run_quota(command: QuotaCommand) -> anyhow::Result<ExitStatus> {
    match command {
        QuotaCommand::Status {
            url,
            config,
            output,
        } => {
            let input = QuotaInput {
                url,
                config: ConfigInput {
                    config: None,
                    config_path: config,
                },
            };
            let status = block_on(get_quotas(&input, PathPolicy::Allowed))?;
            print_result(&status, &output, || render::quota_report(&status))?;
            Ok(ExitStatus::Success)
        }
        QuotaCommand::Refill {
            url,
            bucket,
            amount,
            output,
        } => {
            let input = RefillInput {
                url,
                bucket,
                amount,
            };
            let out = block_on(refill_quota(&input))?;
            print_result(&out, &output, || render::refill_report(&out))?;
            Ok(ExitStatus::Success)
        }
    }
}

pub(super) fn run_status(args: StatusArgs) -> anyhow::Result<ExitStatus> {
    let input = StatusInput { url: args.url };
    let status = block_on(gateway_status(
        &input,
        PathPolicy::Allowed,
        &Daemon::from_env(),
    ))?;
    print_result(&status, &args.output, || render::status_report(&status))?;
    Ok(ExitStatus::clean_if(
        status.reachable && status.role != SeenRole::None && status.findings.is_empty(),
    ))
}
