//! The `minqing` binary: parses arguments and turns results into exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    minqing::cli::main()
}
