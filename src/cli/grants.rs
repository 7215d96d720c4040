//! The `grants` command's flags as `generate_grants` rules: `--admin SRC[=GLOB,...]`,
//! `--user SRC[=GLOB,...]` (one rule per source, so each keeps its own models), `--budget`,
//! and the refusal of a `--models` that could belong to several sources.

use crate::access::Role;
use crate::tools::grants::{
    ADMIN_MODELS_FIX, Budget, BudgetScope, EditMode, GrantRule, GrantsOutput,
};

/// The repeatable flags that make rules.
pub struct Flags<'a> {
    pub admins: &'a [String],
    pub users: &'a [String],
    pub models: &'a [String],
    pub quotas: &'a [String],
    pub budgets: &'a [String],
}

/// `SRC=GLOB,GLOB` → (SRC, Some(globs)); a bare `SRC` → (SRC, None).
fn split(flag: &str, value: &str) -> anyhow::Result<(String, Option<Vec<String>>)> {
    match value.split_once('=') {
        None => Ok((value.to_owned(), None)),
        Some((src, globs)) => {
            let globs: Vec<String> = globs
                .split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect();
            if src.is_empty() || globs.is_empty() {
                anyhow::bail!(
                    "`{flag} {value}`: write SRC=GLOB[,GLOB...], e.g. `{flag} 'group:eng=anthropic/**'`"
                );
            }
            Ok((src.to_owned(), Some(globs)))
        }
    }
}

/// The rules the flags describe, one per `--admin` / `--user` source.
pub fn rules(flags: &Flags, mode: EditMode) -> anyhow::Result<Vec<GrantRule>> {
    let users: Vec<(String, Option<Vec<String>>)> = flags
        .users
        .iter()
        .map(|u| split("--user", u))
        .collect::<anyhow::Result<_>>()?;
    if !flags.models.is_empty() {
        let bare = users.iter().filter(|(_, m)| m.is_none()).count();
        if users.len() != 1 || bare != 1 {
            let globs = flags.models.join(",");
            let example: Vec<String> = if users.is_empty() {
                vec![format!("--user 'SRC={globs}'")]
            } else {
                users
                    .iter()
                    .map(|(src, _)| format!("--user '{src}={globs}'"))
                    .collect()
            };
            anyhow::bail!(
                "--models is ambiguous here: it applies to one bare --user only. Say which models each source gets with the `=` form, e.g. {} (each source its own globs)",
                example.join(" ")
            );
        }
    }
    let mut rules = Vec::new();
    for admin in flags.admins {
        let (src, models) = split("--admin", admin)?;
        rules.push(GrantRule {
            src: vec![src],
            role: Some(Role::Admin),
            models,
            ..Default::default()
        });
    }
    for (src, models) in users {
        let models = models
            .or_else(|| (!flags.models.is_empty()).then(|| flags.models.to_vec()))
            .unwrap_or_else(|| vec!["**".to_owned()]);
        rules.push(GrantRule {
            src: vec![src],
            role: Some(Role::User),
            models: Some(models),
            quotas: (!flags.quotas.is_empty()).then(|| flags.quotas.to_vec()),
            ..Default::default()
        });
    }
    for budget in flags.budgets {
        let (src, budget) = parse_budget(budget)?;
        let Some(rule) = rules.iter_mut().find(|r| r.src == [src.clone()]) else {
            anyhow::bail!("--budget names `{src}`, which no --admin or --user gives");
        };
        rule.budgets.get_or_insert_with(Vec::new).push(budget);
    }
    if mode == EditMode::Remove {
        // Removal needs only the sources.
        for rule in &mut rules {
            *rule = GrantRule {
                src: rule.src.clone(),
                ..Default::default()
            };
        }
    }
    Ok(rules)
}

/// `SRC=CAPACITY,RATE[,user|node|shared]`.
fn parse_budget(value: &str) -> anyhow::Result<(String, Budget)> {
    let usage = || {
        anyhow::anyhow!(
            "`--budget {value}`: write SRC=CAPACITY,RATE[,user|node|shared], e.g. `--budget '*=$10,$5/day,user'`"
        )
    };
    let (src, spec) = value.split_once('=').ok_or_else(usage)?;
    let parts: Vec<&str> = spec.split(',').map(str::trim).collect();
    let per = match parts.get(2).copied() {
        None | Some("user") => BudgetScope::User,
        Some("node") => BudgetScope::Node,
        Some("shared") => BudgetScope::Shared,
        Some(_) => return Err(usage()),
    };
    match parts[..] {
        [capacity, rate, ..] if parts.len() <= 3 && !src.is_empty() => Ok((
            src.to_owned(),
            Budget {
                capacity: capacity.to_owned(),
                rate: rate.to_owned(),
                per,
                name: None,
            },
        )),
        _ => Err(usage()),
    }
}

/// The admin notes in this command's words (`--admin SRC=GLOB` rather than the rule field).
pub fn cli_notes(out: &mut GrantsOutput) {
    for note in &mut out.notes {
        for src in &out.admins_without_models {
            if note.starts_with(&format!("admin `{src}` ")) && note.ends_with(ADMIN_MODELS_FIX) {
                let keep = note.len() - ADMIN_MODELS_FIX.len();
                *note = format!(
                    "{}Give models with `--admin '{src}=**'` (or narrower globs)",
                    &note[..keep]
                );
            }
        }
    }
}
