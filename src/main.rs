use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    stardrill::cli::run(stardrill::cli::args::Cli::parse())
}
