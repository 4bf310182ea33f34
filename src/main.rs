//! The `impasse` binary: parse the command line, run the library, print one `error:` line and
//! exit with 2 for bad usage or a bad scenario, 1 for anything else.

use std::process::ExitCode;

use impasse::cli;

fn main() -> ExitCode {
    match cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", cli::render_error(&e));
            ExitCode::from(cli::exit_code(&e))
        }
    }
}
