//! The questionnaire loader on any text: it must report, never panic or
//! hang, and every diagnostic must render with its line and column.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minqing::i18n::Lang;
use minqing::survey::load;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = load(text);
    for d in &loaded.diagnostics {
        let _ = d.render("fuzz.toml", text, Lang::Zh);
        let _ = d.render("fuzz.toml", text, Lang::En);
    }
});
