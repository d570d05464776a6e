//! The household registry import on any bytes (UTF-8 or GBK, with or
//! without a byte-order mark): rows are read or refused with a message,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minqing::store::import::parse;

fuzz_target!(|data: &[u8]| {
    match parse(data) {
        Ok((good, bad, _)) => {
            for h in &good {
                let _ = h.problems();
            }
            for b in &bad {
                let _ = format!("{b:?}");
            }
        }
        Err(e) => {
            let _ = e.message();
        }
    }
});
