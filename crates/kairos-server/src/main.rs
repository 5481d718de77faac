//! The `kairos` binary: parse the command line, then hand over to the library.

use clap::Parser;
use kairos_server::settings::Cli;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kairos_server::run(Cli::parse()).await
}
