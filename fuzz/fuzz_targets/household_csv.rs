//! The household registry import on any bytes (UTF-8 or GBK, with or
//! without a byte-order mark): rows are read or refused with a message,
//! never a panic.
//! The same code as `cargo test` runs on the kept inputs.
#![no_main]

// Each target uses one of the shared functions.
#[allow(dead_code)]
#[path = "../../tests/common/inputs.rs"]
mod inputs;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    inputs::import_and_report(data);
});
