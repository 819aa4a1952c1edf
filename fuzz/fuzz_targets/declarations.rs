//! A declaration batch of any bytes, as CSV and as JSON: lines or an error naming the field.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ansinh_store::declaration::parse_csv(data);
    let _ = serde_json::from_slice::<ansinh_store::declaration::DeclarationBatch>(data);
});
