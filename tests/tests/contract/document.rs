//! What the published document promises a generated client: one name per operation, the
//! credential of every operation (none included), no dead schemas, response fields that are
//! always present marked required, and path ids whose errors agree with the server.

use serde_json::Value;

fn doc() -> Value {
    local_api::api().1
}

/// Every operation of the document with its method and path.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

#[test]
fn operation_ids_are_unique_and_every_operation_names_its_credential() {
    let doc = doc();
    let mut ids = std::collections::HashSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap().to_string();
        assert!(ids.insert(id.clone()), "{method} {path}: {id} used twice");
        assert!(
            op["security"].is_array(),
            "{method} {path} declares security"
        );
    }
    let login = &doc["paths"]["/v1/auth/login"]["post"];
    assert_eq!(login["security"], serde_json::json!([]));
}

#[test]
fn every_schema_is_used_and_envelopes_refer_to_their_payload() {
    let doc = doc();
    let text = doc.to_string();
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        let reference = format!("\"#/components/schemas/{name}\"");
        assert!(text.contains(&reference), "{name} is never referred to");
    }
    let envelope = &doc["components"]["schemas"]["Envelope_OtpSent"];
    assert_eq!(
        envelope["properties"]["data"]["$ref"],
        "#/components/schemas/OtpSent"
    );
}

#[test]
fn response_fields_always_present_are_required() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    let required = |schema: &str, field: &str| {
        schemas[schema]["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|f| f == field))
    };
    for (schema, field) in [
        ("ProfileView", "city"),
        ("UserView", "email"),
        ("KycView", "rejection_reason"),
        ("WalletView", "updated_at"),
        ("MemberView", "name"),
        ("DeviceView", "push_token"),
    ] {
        assert!(required(schema, field), "{schema}.{field}");
    }
    assert!(!required("ErrorDetail", "details"), "left out when empty");
    assert!(
        !required("DeviceBody", "push_token"),
        "a request's optional field"
    );
}

/// A property's schema with `oneOf [T, null]` and `$ref` followed to `T`.
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = schema["oneOf"]
        .as_array()
        .and_then(|alts| alts.iter().find(|a| a["type"] != "null"))
        .unwrap_or(schema);
    match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => schema,
    }
}

#[test]
fn free_text_and_phone_rules_are_declared_once() {
    let doc = doc();
    let text = doc.to_string();
    let printable = serde_json::to_string(shared::field_schemas::PRINTABLE).unwrap();
    assert_eq!(
        text.matches(&printable[1..printable.len() - 1]).count(),
        6,
        "one per Text* length"
    );
    let name = resolved(
        &doc,
        &doc["components"]["schemas"]["RegisterBody"]["properties"]["name"],
    );
    assert_eq!(
        (name["minLength"].as_u64(), name["maxLength"].as_u64()),
        (Some(1), Some(100))
    );
}

#[test]
fn admin_bodies_and_headers_say_what_the_server_checks() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["AccessPatch"]["minProperties"], 1);
    let reason = resolved(&doc, &schemas["ReviewRequest"]["properties"]["reason"]);
    assert_eq!(reason["minLength"], 1);
    assert!(reason["pattern"].is_string(), "not blank");
    let login = &doc["paths"]["/v1/admin/login"]["post"]["responses"];
    for status in ["423", "429"] {
        assert!(
            login[status]["headers"]["Retry-After"].is_object(),
            "{status}"
        );
    }
    let logout = &doc["paths"]["/v1/admin/logout"]["post"];
    assert!(
        logout.get("requestBody").is_none(),
        "sign-out takes no body"
    );
}

#[test]
fn path_ids_promise_404_not_a_format() {
    for (method, path, op) in operations(&doc()) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            // A number prefix is a value, not an id: any well-formed one can be set (a
            // malformed one is 400, naming it).
            if p["in"] == "path" && p["name"] != "prefix" {
                let schema = &p["schema"];
                assert!(
                    schema.get("pattern").is_none() && schema.get("format").is_none(),
                    "{method} {path}: a malformed id is 404, as an unknown one"
                );
                assert!(op["responses"]["404"].is_object(), "{method} {path}");
            }
        }
    }
}
