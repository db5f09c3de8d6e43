//! Money is exact: no binary floating point in the service's code, except
//! where it measures elapsed time for logs and metrics.

use std::path::{Path, PathBuf};

/// Files allowed to use `f32`/`f64`, and why.
const ALLOWED: &[(&str, &str)] = &[
    ("src/http/observe.rs", "request duration in the access log"),
    (
        "src/http/metrics.rs",
        "Prometheus histograms take seconds as f64",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_float_token(line: &str) -> bool {
    let bytes = line.as_bytes();
    ["f32", "f64"].iter().any(|t| {
        line.match_indices(t).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + 3).copied();
            let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            // `f64`, `as f64`, `as_secs_f64`… but not a word like `buf64`.
            !word(after) && (!word(before) || line[..i].ends_with('_'))
        })
    })
}

#[test]
fn no_floating_point_outside_timings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "the source tree was not found");
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.iter().any(|(allowed, _)| *allowed == rel) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if is_float_token(code) {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "floating point outside timings:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_sees_floats() {
    assert!(is_float_token("let x: f64 = 1.0;"));
    assert!(is_float_token("elapsed.as_secs_f64()"));
    assert!(is_float_token("v as f32"));
    assert!(!is_float_token("let buf64 = 0;"));
    assert!(!is_float_token("let f640 = 0;"));
}
