//! The questionnaire loader on any text: it must report, never panic or
//! hang, and every diagnostic must render with its line and column.
//! The same code as `cargo test` runs on the kept inputs.
#![no_main]

// Each target uses one of the shared functions.
#[allow(dead_code)]
#[path = "../../tests/common/inputs.rs"]
mod inputs;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        inputs::load_and_report(text);
    }
});
