//! The `symbios` binary: parses the command line and hands over to [`symbios::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    symbios::cli::main()
}
