//! The `minqing` binary: parses arguments and turns results into exit codes.

use std::process::ExitCode;

/// mimalloc: the demo county's drawing threads make many small strings
/// that its writing thread frees, which the system allocator serves
/// slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    minqing::cli::main()
}
