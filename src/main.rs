//! The `iccc-desk` program: parses the command line and hands it to [`iccc_desk::cli`].

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    iccc_desk::cli::run(iccc_desk::cli::Args::parse())
}
