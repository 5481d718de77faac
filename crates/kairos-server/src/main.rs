//! The `kairos` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use kairos_server::settings::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    match kairos_server::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
