//! Passes over the merged document that make it say what the API does, where utoipa's
//! derivation alone says less:
//! - public operations declare `security: []` (no credential), not "unspecified";
//! - an envelope's `data` refers to its payload schema instead of an inlined copy, and schemas
//!   nothing refers to are dropped;
//! - every property of a response-only schema is `required`: no response type skips a field
//!   (an absent value is `null`, and its type says so), so a generated client should not make
//!   it optional. The one field a response leaves out is listed in [`OMITTED_WHEN_EMPTY`].

use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};

const SCHEMAS: &str = "#/components/schemas/";

/// Response properties that are left out rather than `null` (schema, property).
const OMITTED_WHEN_EMPTY: [(&str, &str); 1] = [("ErrorDetail", "details")];

/// Applies every pass to `doc`.
pub(super) fn tidy(doc: &mut Value) {
    declare_public_operations(doc);
    refer_to_envelope_payloads(doc);
    drop_unreferenced_schemas(doc);
    require_response_properties(doc);
}

fn operations_mut(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
        })
}

fn declare_public_operations(doc: &mut Value) {
    for op in operations_mut(doc) {
        if op.get("security").is_none() {
            op["security"] = json!([]);
        }
    }
}

fn refer_to_envelope_payloads(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some(payload) = name.strip_prefix("Envelope_") else {
            continue;
        };
        if schemas.contains_key(payload) {
            schemas[&name]["properties"]["data"] = json!({ "$ref": format!("{SCHEMAS}{payload}") });
        }
    }
}

/// The schema names `v` refers to directly.
fn refs_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x.as_str().and_then(|r| r.strip_prefix(SCHEMAS))) {
                    ("$ref", Some(name)) => {
                        out.insert(name.to_string());
                    }
                    _ => refs_in(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| refs_in(x, out)),
        _ => {}
    }
}

/// Every schema reachable from `roots` through the components.
fn reachable(doc: &Value, roots: BTreeSet<String>) -> HashSet<String> {
    let schemas = &doc["components"]["schemas"];
    let mut seen = HashSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            let mut next = BTreeSet::new();
            refs_in(&schemas[&name], &mut next);
            todo.extend(next.into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

fn drop_unreferenced_schemas(doc: &mut Value) {
    let mut roots = BTreeSet::new();
    refs_in(&doc["paths"], &mut roots);
    let used = reachable(doc, roots);
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.retain(|name, _| used.contains(name));
    }
}

fn require_response_properties(doc: &mut Value) {
    let (mut responses, mut inputs) = (BTreeSet::new(), BTreeSet::new());
    if let Some(paths) = doc["paths"].as_object() {
        for op in paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|m| m.values())
        {
            refs_in(&op["responses"], &mut responses);
            refs_in(&op["requestBody"], &mut inputs);
            refs_in(&op["parameters"], &mut inputs);
        }
    }
    let inputs = reachable(doc, inputs);
    let outputs = reachable(doc, responses);
    for name in outputs.difference(&inputs) {
        if let Some(schema) = doc["components"]["schemas"].get_mut(name) {
            require_all(schema);
            if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|p| {
                    !OMITTED_WHEN_EMPTY.contains(&(name.as_str(), p.as_str().unwrap_or("")))
                });
            }
        }
    }
}

/// Marks every property of `schema` (and of the objects inlined in it) required.
fn require_all(schema: &mut Value) {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        let names: Vec<Value> = props.keys().map(|k| json!(k)).collect();
        props.values_mut().for_each(require_all);
        schema["required"] = Value::Array(names);
    }
    if let Some(items) = schema.get_mut("items") {
        require_all(items);
    }
}
