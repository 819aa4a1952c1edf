//! A calculator request of any text: an answer or an error naming the field, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn params() -> &'static ansinh_rules::Params {
    static P: OnceLock<ansinh_rules::Params> = OnceLock::new();
    P.get_or_init(|| ansinh_rules::Params::embedded().expect("the embedded law"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ansinh_rules::calc::calc_text(params(), text);
    }
});
