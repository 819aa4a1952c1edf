//! A claims file of any bytes: read whole or refused, never a panic; every visit assessed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = ansinh_claims::xml::parse_file(data) {
        assert!(file.visits.len() <= ansinh_claims::xml::limits::VISITS);
    }
});
