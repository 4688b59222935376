//! The import graph of `shared`: which module (one per source file, named by its path, e.g.
//! `store::dynamo::users`) names which, through `crate::` paths (also inside `use crate::{..}`
//! groups) and `super::` paths. Strongly connected components of more than one module are
//! import cycles, however long.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name → the modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module a file under `src` is: `lib.rs` is the root (``), `a/mod.rs` is `a`, `a/b.rs` is
/// `a::b`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .filter(|p| p != "mod" && p != "lib")
        .collect();
    parts.join("::")
}

/// Every path that follows `prefix` in `code`, with `{a, b::c}` groups expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in code.split(prefix).skip(1) {
        expand(part, &mut out, String::new());
    }
    out
}

/// Reads one path (or a brace group of paths) at the start of `text`.
fn expand(text: &str, out: &mut Vec<String>, base: String) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&item, out, base.clone());
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        expand(&item, out, base);
        return;
    }
    let mut path = base;
    let mut rest = text;
    loop {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        if !path.is_empty() {
            path.push_str("::");
        }
        path.push_str(&name);
        rest = &rest[name.len()..];
        match rest.strip_prefix("::") {
            Some(r) if r.trim_start().starts_with('{') => return expand(r, out, path),
            Some(r) => rest = r,
            None => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// The longest module of `modules` that `path` starts with.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|m| modules.contains(m))
}

/// The import graph of the crate whose sources are `files` under `src`; `code` gives a file's
/// text without comments.
pub fn build(src: &Path, files: &[std::path::PathBuf], code: impl Fn(&Path) -> String) -> Graph {
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph = Graph::new();
    for f in files {
        let me = module_of(src, f);
        let text = code(f);
        let mut named: Vec<String> = paths_after(&text, "crate::");
        let parent = match f.file_name().is_some_and(|n| n == "mod.rs") {
            true => me.clone(),
            false => me
                .rsplit_once("::")
                .map_or(String::new(), |(p, _)| p.to_string()),
        };
        let up = parent
            .rsplit_once("::")
            .map_or(String::new(), |(p, _)| p.to_string());
        for p in paths_after(&text, "super::") {
            let base = if f.file_name().is_some_and(|n| n == "mod.rs") {
                &up
            } else {
                &parent
            };
            named.push(if base.is_empty() {
                p
            } else {
                format!("{base}::{p}")
            });
        }
        let edges = graph.entry(me.clone()).or_default();
        for p in named {
            if let Some(m) = resolve(&p, &modules)
                && m != me
                && !m.is_empty()
                && !me.starts_with(&format!("{m}::"))
            {
                edges.insert(m);
            }
        }
    }
    graph
}

/// The graph with each module replaced by its top-level module.
pub fn top_level(graph: &Graph) -> Graph {
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut out = Graph::new();
    for (from, tos) in graph {
        for to in tos {
            if top(from) != top(to) {
                out.entry(top(from)).or_default().insert(top(to));
            }
        }
    }
    out
}

/// The strongly connected components of more than one module (Tarjan's algorithm).
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let i = w.index.len();
        w.index.insert(v, i);
        w.low.insert(v, i);
        w.stack.push(v);
        w.on_stack.insert(v);
        for next in w.graph.get(v).into_iter().flatten() {
            let next = next.as_str();
            if !w.index.contains_key(next) {
                visit(w, next);
                let l = w.low[v].min(w.low[next]);
                w.low.insert(v, l);
            } else if w.on_stack.contains(next) {
                let l = w.low[v].min(w.index[next]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(top) = w.stack.pop() {
                w.on_stack.remove(top);
                component.push(top.to_string());
                if top == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_expand() {
        let mut out = Vec::new();
        expand("{a, b::{c, d::E}, f::g};", &mut out, String::new());
        assert_eq!(out, ["a", "b::c", "b::d::E", "f::g"]);
    }
}
