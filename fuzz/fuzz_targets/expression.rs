//! The expression language on any text: parsed, type-checked against a
//! small scope, evaluated and printed, without a panic or a hang.
//! The same code as `cargo test` runs on the kept inputs.
#![no_main]

// Each target uses one of the shared functions.
#[allow(dead_code)]
#[path = "../../tests/common/inputs.rs"]
mod inputs;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        inputs::evaluate(src);
    }
});
