//! `iccc-desk registry …`: the shared registry on a PostgreSQL server (issue 21). `create` makes the schema in
//! an empty database; `copy` moves a registry file there. The other commands do not work on a server yet: given
//! a `postgres://` address they stop with one line saying so (exit code 2) rather than doing part of their work.

use std::path::Path;

use super::CliError;
use super::args::{RegistryCommand, RegistryCopyArgs, RegistryCreateArgs};
use super::output::say;
use crate::i18n::{I18n, Lang};
use crate::store::pg::{CopyError, PgError, PgTarget, copy_to_server, create_registry};

pub(super) fn run_registry(command: &RegistryCommand, key_dir: &Path) -> Result<(), CliError> {
    match command {
        RegistryCommand::Create(a) => run_create(a, key_dir),
        RegistryCommand::Copy(a) => run_copy(a),
    }
}

fn run_copy(args: &RegistryCopyArgs) -> Result<(), CliError> {
    let target = PgTarget::parse(&args.to).map_err(cli_error)?;
    let started = std::time::Instant::now();
    let tables = copy_to_server(&args.from, &target).map_err(|e| match e {
        CopyError::Source(e) => CliError::from_store(&args.from, e),
        CopyError::Target(e) => cli_error(e),
    })?;
    let english = I18n::new(Lang::En);
    say(&english.tr_args(
        "cli-registry-copied",
        &[
            ("file", args.from.display().to_string()),
            ("target", target.to_string()),
            ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    ));
    for t in &tables {
        say(&english.tr_args(
            "cli-registry-copied-table",
            &[
                ("table", t.table.to_string()),
                ("file_rows", t.source_rows.to_string()),
                ("server_rows", t.target_rows.to_string()),
            ],
        ));
    }
    Ok(())
}

fn run_create(args: &RegistryCreateArgs, key_dir: &Path) -> Result<(), CliError> {
    let target = PgTarget::parse(&args.url).map_err(cli_error)?;
    let created = create_registry(&target, key_dir).map_err(cli_error)?;
    say(&I18n::new(Lang::En).tr_args(
        "cli-registry-created",
        &[
            ("target", created.target),
            ("version", created.schema_version.to_string()),
            ("key", created.key_path.display().to_string()),
        ],
    ));
    Ok(())
}

/// A server's refusal as the CLI's error: the address or a full database is the user's to fix (exit code 2).
pub(super) fn cli_error(e: PgError) -> CliError {
    let text = e.words(&I18n::new(Lang::En));
    if e.is_bad_input() {
        CliError::BadInput(text)
    } else {
        CliError::Failed(text)
    }
}

/// `command` given a server's registry, which it cannot use yet.
pub(super) fn not_yet_on_a_server(command: &str, target: &PgTarget) -> CliError {
    CliError::BadInput(I18n::new(Lang::En).tr_args(
        "cli-error-server-not-yet",
        &[
            ("command", command.to_string()),
            ("target", target.to_string()),
        ],
    ))
}
