//! No Vietnamese constant is reached from the Lao path: the package depends on the framework
//! and the value types only, and its source names neither đồng, nor Vietnam's package, nor its
//! minimum-wage regions or funds.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_lao_package_depends_on_no_vietnamese_crate() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let deps: Vec<&str> = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split('.').next())
        .filter(|name| name.starts_with("ansinh"))
        .collect();
    assert_eq!(deps, ["ansinh-core", "ansinh-law"], "{manifest}");
}

#[test]
fn the_lao_source_names_nothing_of_vietnam_s_law() {
    let forbidden = [
        "Dong",
        "VND",
        "ansinh_rules",
        "region",
        "HALF_UP_DONG",
        "reference_level",
        "pension_survivor",
        "rules/vn",
    ];
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("src")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // The code, not its comments or tests (which may say what Lao law lacks).
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            // The refusal of Vietnamese fields names them on purpose.
            if line.starts_with("//")
                || line.contains("VIETNAMESE_FIELDS")
                || line.starts_with("(\"")
            {
                continue;
            }
            for word in forbidden {
                if line.contains(word) {
                    found.push(format!("{}:{}: {word}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
