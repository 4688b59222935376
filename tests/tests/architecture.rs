//! The code's shape, checked: no module of `shared` uses another that uses it back, and no
//! source file under `shared/src` or `functions/` is over 500 lines or holds a function over
//! 60 lines (rustfmt layout assumed: a body ends at the closing brace at the `fn`'s indent).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&root().join("shared/src"), &mut files);
    rust_files(&root().join("functions"), &mut files);
    files
}

/// The text of a file without `//` comments (doc comments may name any module).
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_shared_module_uses_one_that_uses_it_back() {
    let src = root().join("shared/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let code = code_of(&f);
        for part in code.split("crate::").skip(1) {
            let used: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !used.is_empty() && used != top {
                uses.entry(top.clone()).or_default().insert(used);
            }
        }
    }
    let mut cycles = Vec::new();
    for (a, targets) in &uses {
        for b in targets {
            if a < b && uses.get(b).is_some_and(|t| t.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:?}");
}

#[test]
fn files_and_functions_stay_small() {
    let mut problems = Vec::new();
    for f in sources() {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let name = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        if lines.len() > 500 {
            problems.push(format!("{name}: {} lines", lines.len()));
        }
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let is_fn = [
                "fn ",
                "pub fn ",
                "async fn ",
                "pub async fn ",
                "pub(crate) fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p))
                || trimmed.starts_with("pub(super) ");
            if !is_fn || !trimmed.contains("fn ") {
                continue;
            }
            let close = format!("{indent}}}");
            let header_end = lines[i..]
                .iter()
                .position(|l| l.ends_with('{') || l.ends_with(';'));
            if header_end.is_some_and(|h| lines[i + h].ends_with(';')) {
                continue; // a declaration without a body
            }
            if let Some(len) = lines[i + 1..].iter().position(|l| *l == close)
                && len + 2 > 60
            {
                problems.push(format!("{name}:{}: function of {} lines", i + 1, len + 2));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
