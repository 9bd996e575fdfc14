use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ipdesk::cli::Cli::parse();
    match ipdesk::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
