//! The code's shape, checked: no import cycle in `shared`, between files or between top-level
//! modules, however long (strongly connected components); the inner layers (domain, store,
//! services) never name the HTTP edge or the composition root; and no source file under
//! `shared/src`, `functions/` or `tests/` is over 500 lines or holds a function over 60 lines
//! (rustfmt layout assumed: a body ends at the closing brace at the `fn`'s indent).

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
    rust_files(&root().join("tests"), &mut files);
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

#[path = "architecture/graph.rs"]
mod graph;

fn shared_graph() -> graph::Graph {
    let src = root().join("shared/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    graph::build(&src, &files, code_of)
}

#[test]
fn no_import_cycles_between_files_or_top_level_modules() {
    let files = shared_graph();
    let file_cycles = graph::cycles(&files);
    assert!(
        file_cycles.is_empty(),
        "import cycles between files: {file_cycles:?}"
    );
    let modules = graph::cycles(&graph::top_level(&files));
    assert!(
        modules.is_empty(),
        "import cycles between modules: {modules:?}"
    );
}

/// The inner layers never name the HTTP edge or the composition root.
const INNER: [&str; 3] = ["domain", "store", "services"];
const EDGE: [&str; 6] = [
    "http",
    "state",
    "app",
    "auth_context",
    "admin_context",
    "api_error",
];

fn layer_violations(graph: &graph::Graph) -> Vec<String> {
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut found = Vec::new();
    for (from, tos) in graph {
        for to in tos {
            if INNER.contains(&top(from).as_str()) && EDGE.contains(&top(to).as_str()) {
                found.push(format!("{from} -> {to}"));
            }
        }
    }
    found
}

#[test]
fn inner_layers_never_name_the_edge() {
    let found = layer_violations(&shared_graph());
    assert!(found.is_empty(), "layer violations: {found:#?}");
}

/// The document is the edge's business: the domain and the services derive or name nothing of
/// utoipa (their types' schemas live in `openapi/domain_schemas.rs` and
/// `openapi/input_schemas.rs`).
#[test]
fn domain_and_services_know_nothing_of_the_document() {
    let mut files = Vec::new();
    for dir in ["shared/src/domain", "shared/src/services"] {
        rust_files(&root().join(dir), &mut files);
    }
    let found: Vec<String> = files
        .iter()
        .filter(|f| {
            let code = code_of(f);
            code.contains("utoipa") || code.contains("ToSchema") || code.contains("#[schema(")
        })
        .map(|f| f.strip_prefix(root()).unwrap_or(f).display().to_string())
        .collect();
    assert!(found.is_empty(), "document attributes in {found:?}");
}

#[test]
fn the_checks_catch_a_planted_cycle_and_layer_violation() {
    let mut g = graph::Graph::new();
    for (a, b) in [
        ("state", "services::auth"),
        ("services::auth", "auth_context"),
        ("auth_context", "state"),
    ] {
        g.entry(a.to_string()).or_default().insert(b.to_string());
    }
    g.entry("domain::user".into())
        .or_default()
        .insert("domain::risk".into());
    assert_eq!(graph::cycles(&g).len(), 1, "the 3-cycle is found");
    assert_eq!(layer_violations(&g), ["services::auth -> auth_context"]);
    assert!(graph::cycles(&graph::top_level(&g)).len() == 1);
}

/// Whether `line` starts a function: any visibility, then any of `const`, `async`, `unsafe`,
/// `extern "C"`, then `fn`.
fn is_fn(line: &str) -> bool {
    let mut rest = line;
    for vis in ["pub(crate) ", "pub(super) ", "pub(self) ", "pub "] {
        if let Some(r) = rest.strip_prefix(vis) {
            rest = r;
            break;
        }
    }
    loop {
        let before = rest;
        for q in ["const ", "async ", "unsafe ", "extern \"C\" "] {
            rest = rest.strip_prefix(q).unwrap_or(rest);
        }
        if rest == before {
            break;
        }
    }
    rest.starts_with("fn ")
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
            if !is_fn(trimmed) {
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
