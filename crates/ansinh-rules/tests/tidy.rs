//! Architecture invariants checked on the source tree.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Architecture invariant: the pure crates depend on no runtime, database, web framework or
/// randomness.
#[test]
fn pure_crates_have_no_io_dependencies() {
    for krate in ["ansinh-core", "ansinh-rules", "ansinh-claims"] {
        let manifest = read(&root().join("crates").join(krate).join("Cargo.toml"));
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .unwrap_or("")
            .split("\n[")
            .next()
            .unwrap_or("");
        for banned in [
            "tokio", "sqlx", "axum", "reqwest", "rusqlite", "rand", "fastrand", "chrono",
        ] {
            assert!(
                !deps.lines().any(|l| l.trim_start().starts_with(banned)),
                "{krate} must stay pure but depends on {banned}"
            );
        }
    }
}

/// Architecture invariant: the pure crates read no clock, file, environment or network.
#[test]
fn pure_crates_do_no_io() {
    let mut files = Vec::new();
    for krate in ["ansinh-core", "ansinh-rules", "ansinh-claims"] {
        rust_files(&root().join("crates").join(krate).join("src"), &mut files);
    }
    assert!(files.len() > 10);
    for file in files {
        let text = read(&file);
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for banned in [
            "std::fs",
            "std::env",
            "std::net",
            "std::time",
            "Instant::now",
            "SystemTime",
            "::now()",
            "std::io::stdin",
            "println!",
        ] {
            assert!(!code.contains(banned), "{} uses {banned}", file.display());
        }
    }
}

/// Every public free function of a legal-concept module cites the article it implements.
#[test]
fn rule_functions_cite_their_article() {
    let dir = root().join("crates/ansinh-rules/src");
    let mut missing = Vec::new();
    for module in [
        "contribution",
        "compliance",
        "retirement",
        "revaluation",
        "pension",
        "one_time",
        "sickness",
        "maternity",
        "survivor",
        "unemployment",
        "health",
    ] {
        let text = read(&dir.join(format!("{module}.rs")));
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.starts_with("pub fn ") {
                continue;
            }
            let doc: String = lines[..i]
                .iter()
                .rev()
                .skip_while(|l| l.starts_with("#["))
                .take_while(|l| l.starts_with("///"))
                .copied()
                .collect();
            let cites = ["Art.", "Decree", "QĐ", "Circular"]
                .iter()
                .any(|c| doc.contains(c));
            if !cites {
                missing.push(format!("{module}.rs:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "public rules without a legal citation:\n{}",
        missing.join("\n")
    );
}

/// The project stands alone: nothing outside the repository is read at build, run or test time.
#[test]
fn nothing_reads_outside_the_repository() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    let needle = ["..", "/shared"].concat();
    for file in files {
        assert!(
            !read(&file).contains(&needle),
            "{} refers to {needle}",
            file.display()
        );
    }
}
