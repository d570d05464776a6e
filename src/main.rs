//! The `minqing` binary: parses arguments and turns results into exit codes.

use std::process::ExitCode;

/// mimalloc: the demo county's drawing threads make many small strings
/// that its writing thread frees, which the system allocator serves
/// slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // SQLite keeps no statistics of its memory (nothing here reads them):
    // each of its allocations then takes no lock. Set before SQLite
    // starts; when it cannot be, SQLite keeps its default.
    // SAFETY: called before any connection exists, with an integer
    // argument as SQLITE_CONFIG_MEMSTATUS takes.
    unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
    }
    minqing::cli::main()
}
