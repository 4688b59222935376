//! `template.yaml` declares exactly the tables and keys of `shared::store::schema`, and routes
//! every route of every function, with least-privilege policies.

use serde_yaml::Value;
use shared::store::schema::TABLES;

fn template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let text = std::fs::read_to_string(&path).expect("read template.yaml");
    serde_yaml::from_str(&text).expect("parse template.yaml")
}

fn key_schema(v: &Value) -> Vec<(String, String)> {
    v.as_sequence()
        .expect("KeySchema list")
        .iter()
        .map(|k| {
            (
                k["AttributeName"].as_str().unwrap().to_string(),
                k["KeyType"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn tables_match_the_key_schema_in_code() {
    let t = template();
    for spec in TABLES {
        let res = &t["Resources"][spec.logical_id];
        assert_eq!(res["Type"], "AWS::DynamoDB::Table", "{}", spec.logical_id);
        let p = &res["Properties"];
        assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
        assert_eq!(
            p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
            true
        );
        assert_eq!(p["SSESpecification"]["SSEEnabled"], true);
        assert_eq!(
            key_schema(&p["KeySchema"]),
            vec![
                (spec.pk.to_string(), "HASH".to_string()),
                (spec.sk.to_string(), "RANGE".to_string())
            ]
        );
        assert!(
            p.get("GlobalSecondaryIndexes").is_none(),
            "no table has an index"
        );
        let mut declared: Vec<String> = p["AttributeDefinitions"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| {
                assert_eq!(a["AttributeType"], "S");
                a["AttributeName"].as_str().unwrap().to_string()
            })
            .collect();
        declared.sort();
        let mut expected: Vec<String> = [spec.pk, spec.sk].into_iter().map(String::from).collect();
        expected.sort();
        assert_eq!(declared, expected, "{}", spec.logical_id);
        match spec.ttl_attribute {
            Some(ttl) => {
                assert_eq!(
                    p["TimeToLiveSpecification"]["AttributeName"].as_str(),
                    Some(ttl)
                );
                assert_eq!(p["TimeToLiveSpecification"]["Enabled"], true);
            }
            None => assert!(p.get("TimeToLiveSpecification").is_none()),
        }
        // The function environment names the table through the variable the code reads.
        let var = &t["Globals"]["Function"]["Environment"]["Variables"][spec.env];
        assert!(
            format!("{var:?}").contains(spec.logical_id),
            "{} -> {var:?}",
            spec.env
        );
    }
}

fn function_routes(t: &Value, logical_id: &str) -> Vec<(String, String)> {
    let events = t["Resources"][logical_id]["Properties"]["Events"]
        .as_mapping()
        .expect("events");
    events
        .values()
        .map(|e| {
            assert_eq!(e["Type"], "HttpApi");
            (
                e["Properties"]["Method"].as_str().unwrap().to_string(),
                e["Properties"]["Path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_auth_route_is_deployed_and_nothing_else() {
    let t = template();
    let mut deployed = function_routes(&t, "AuthFunction");
    deployed.sort();
    let mut code: Vec<(String, String)> = auth_fn::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    code.sort();
    assert_eq!(deployed, code);
    let f = &t["Resources"]["AuthFunction"];
    assert_eq!(f["Metadata"]["BuildMethod"], "rust-cargolambda");
    assert_eq!(f["Metadata"]["BuildProperties"]["Binary"], "auth");
    let g = &t["Globals"]["Function"];
    assert_eq!(g["Runtime"], "provided.al2023");
    assert_eq!(g["Architectures"][0], "arm64");
    assert_eq!(g["Environment"]["Variables"]["STORE"], "dynamodb");
    assert_eq!(g["Environment"]["Variables"]["SMS_SENDER"], "sns");
    for p in ["JwtSigningKey", "SecretKey"] {
        assert_eq!(t["Parameters"][p]["NoEcho"], true, "{p} must be NoEcho");
    }
}

#[test]
fn auth_policy_is_least_privilege() {
    let t = template();
    let statements = t["Resources"]["AuthFunction"]["Properties"]["Policies"][0]["Statement"]
        .as_sequence()
        .unwrap()
        .clone();
    let text = format!("{statements:?}");
    assert!(
        !text.contains("dynamodb:*") && !text.contains("Scan") && !text.contains("DeleteTable")
    );
    let sns = statements
        .iter()
        .find(|s| s["Action"] == "sns:Publish")
        .expect("sns statement");
    assert!(
        sns.get("Resource").is_none(),
        "SMS only: NotResource excludes topics"
    );
    assert_eq!(sns["NotResource"], "arn:aws:sns:*:*:*");
}

#[test]
fn pools_policy_is_least_privilege() {
    let t = template();
    let statements = t["Resources"]["PoolsFunction"]["Properties"]["Policies"][0]["Statement"]
        .as_sequence()
        .unwrap()
        .clone();
    let text = format!("{statements:?}");
    assert!(!text.contains("sns:") && !text.contains("OtpsTable") && !text.contains("Scan"));
    let users = statements
        .iter()
        .find(|s| format!("{:?}", s["Resource"]).contains("UsersTable"))
        .expect("users table statement");
    assert_eq!(
        users["Action"].as_sequence().unwrap().len(),
        1,
        "users table: GetItem only"
    );
    assert_eq!(users["Action"][0], "dynamodb:GetItem");
}

#[test]
fn openapi_documents_every_route() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for (method, route) in auth_fn::ROUTES.iter().chain(pools_fn::ROUTES) {
        let op = &spec["paths"][*route][method.to_lowercase()];
        assert!(
            op.is_mapping(),
            "{method} {route} missing from openapi.yaml"
        );
    }
}
