//! The published contract matches the code: `template.yaml` declares exactly the tables of
//! `shared::store::tables` and exactly the routes each function's router declares (with
//! least-privilege policies), and the committed `openapi.json` is the document generated from
//! the routers.

use serde_yaml::Value;
use shared::openapi::route_list;
use shared::store::tables::{TABLES, TableSpec};

/// (method, path) pairs.
type Routes = Vec<(String, String)>;
/// (attribute, HASH|RANGE) pairs.
type Keys = Vec<(String, String)>;

/// (template logical id, binary, the function's routes), from the functions' declarations.
fn functions() -> Vec<(&'static str, &'static str, Routes)> {
    local_api::FUNCTIONS
        .iter()
        .map(|f| (f.logical_id, f.name, route_list(&(f.routes)().1)))
        .collect()
}

#[path = "contract/settings.rs"]
mod settings;

fn template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let text = std::fs::read_to_string(&path).expect("read template.yaml");
    serde_yaml::from_str(&text).expect("parse template.yaml")
}

fn key_schema(v: &Value) -> Keys {
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
        protections_follow_durability(&spec, res);
        let p = &res["Properties"];
        keys_and_indexes_match(&spec, p);
        attributes_and_ttl_match(&spec, p);
        // The function environment names the table through the variable the code reads.
        let var = &t["Globals"]["Function"]["Environment"]["Variables"][spec.env];
        assert!(
            format!("{var:?}").contains(spec.logical_id),
            "{} -> {var:?}",
            spec.env
        );
    }
}

/// PITR, deletion protection and retention exactly on durable tables; encryption on all.
fn protections_follow_durability(spec: &TableSpec, res: &Value) {
    let p = &res["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    let durable = spec.durable;
    let pitr = &p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"];
    assert_eq!(
        pitr.as_bool() == Some(true),
        durable,
        "{}: PITR",
        spec.logical_id
    );
    let protected = p["DeletionProtectionEnabled"].as_bool() == Some(true);
    assert_eq!(
        protected, durable,
        "{}: deletion protection",
        spec.logical_id
    );
    let retained = res["DeletionPolicy"] == "Retain" && res["UpdateReplacePolicy"] == "Retain";
    assert_eq!(retained, durable, "{}: retain policies", spec.logical_id);
    assert_eq!(p["SSESpecification"]["SSEEnabled"], true);
}

fn keys_and_indexes_match(spec: &TableSpec, p: &Value) {
    assert_eq!(
        key_schema(&p["KeySchema"]),
        vec![
            (spec.pk.to_string(), "HASH".to_string()),
            (spec.sk.to_string(), "RANGE".to_string())
        ]
    );
    let indexes: Vec<(String, Keys)> = p["GlobalSecondaryIndexes"]
        .as_sequence()
        .map(|ixs| {
            ixs.iter()
                .map(|ix| {
                    let name = ix["IndexName"].as_str().unwrap().to_string();
                    (name, key_schema(&ix["KeySchema"]))
                })
                .collect()
        })
        .unwrap_or_default();
    let expected_indexes: Vec<(String, Keys)> = spec
        .indexes
        .iter()
        .map(|ix| {
            let keys = vec![
                (ix.pk.to_string(), "HASH".to_string()),
                (ix.sk.to_string(), "RANGE".to_string()),
            ];
            (ix.name.to_string(), keys)
        })
        .collect();
    assert_eq!(indexes, expected_indexes, "{} indexes", spec.logical_id);
}

/// Every key attribute declared as a string, nothing more; TTL on the declared attribute.
fn attributes_and_ttl_match(spec: &TableSpec, p: &Value) {
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
    let mut expected: Vec<String> = [spec.pk, spec.sk]
        .into_iter()
        .chain(spec.indexes.iter().flat_map(|ix| [ix.pk, ix.sk]))
        .map(String::from)
        .collect();
    expected.sort();
    expected.dedup();
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
fn every_route_is_deployed_on_its_function_and_nothing_else() {
    let t = template();
    let mut all_deployed = Vec::new();
    for (logical_id, binary, routes) in functions() {
        let mut deployed = function_routes(&t, logical_id);
        deployed.sort();
        assert_eq!(deployed, routes, "{logical_id}");
        all_deployed.extend(deployed);
        let f = &t["Resources"][logical_id];
        assert_eq!(f["Metadata"]["BuildMethod"], "rust-cargolambda");
        assert_eq!(f["Metadata"]["BuildProperties"]["Binary"], binary);
    }
    all_deployed.sort();
    let whole = shared::openapi::operations(&local_api::api().1);
    assert_eq!(
        all_deployed, whole,
        "the whole API is the functions' routes"
    );
    let g = &t["Globals"]["Function"];
    assert_eq!(g["Runtime"], "provided.al2023");
    assert_eq!(g["Architectures"][0], "arm64");
    assert_eq!(g["Environment"]["Variables"]["STORE"], "dynamodb");
}

#[test]
fn memory_sizes_follow_the_measurements() {
    let t = template();
    let size = |f: &str| t["Resources"][f]["Properties"]["MemorySize"].as_u64();
    assert_eq!(size("AuthFunction"), Some(1024), "argon2 wants CPU");
    assert_eq!(size("PoolsFunction"), Some(256), "no hashing");
    assert_eq!(size("UsersFunction"), Some(256), "no hashing");
    assert_eq!(size("AdminFunction"), Some(1024), "argon2 on sign-in");
}

#[test]
fn the_api_is_throttled() {
    let t = template();
    let settings = &t["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"];
    assert_eq!(
        format!("{:?}", settings["ThrottlingRateLimit"]),
        format!("{:?}", t_ref("ApiRateLimit"))
    );
    assert_eq!(
        format!("{:?}", settings["ThrottlingBurstLimit"]),
        format!("{:?}", t_ref("ApiBurstLimit"))
    );
    for p in ["ApiRateLimit", "ApiBurstLimit"] {
        assert!(
            t["Parameters"][p]["Default"]
                .as_u64()
                .is_some_and(|v| v > 0),
            "{p}"
        );
    }
}

/// `!Ref name` as serde_yaml reads it.
fn t_ref(name: &str) -> Value {
    serde_yaml::from_str(&format!("!Ref {name}")).unwrap()
}

#[test]
fn auth_policy_is_least_privilege() {
    let t = template();
    let statements = statements(&t, "AuthFunction");
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
    let statements = statements(&t, "PoolsFunction");
    let text = format!("{statements:?}");
    assert!(!text.contains("sns:") && !text.contains("OtpsTable") && !text.contains("Scan"));
    let users = statements
        .iter()
        .find(|s| format!("{:?}", s["Resource"]).contains("UsersTable"))
        .expect("users table statement");
    let actions: Vec<&str> = users["Action"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem"
        ],
        "users table: reads by key, and a join's check that the account is active; no writes"
    );
}

/// The statements of a function's inline policy.
fn statements(t: &Value, function: &str) -> Vec<Value> {
    t["Resources"][function]["Properties"]["Policies"][0]["Statement"]
        .as_sequence()
        .unwrap()
        .clone()
}

#[test]
fn users_policy_is_least_privilege() {
    let t = template();
    let statements = statements(&t, "UsersFunction");
    let text = format!("{statements:?}");
    for banned in [
        "sns:",
        "OtpsTable",
        "Scan",
        "s3:*",
        "dynamodb:*",
        "BatchWrite",
    ] {
        assert!(!text.contains(banned), "{banned}");
    }
    let pools = statements
        .iter()
        .find(|s| format!("{:?}", s["Resource"]).contains("PoolsTable"))
        .expect("pools table statement");
    assert_eq!(
        pools["Action"], "dynamodb:Query",
        "pools: counting by key only"
    );
    // Object actions only on the two prefixes; the bucket itself only listed.
    for s in statements
        .iter()
        .filter(|s| format!("{:?}", s["Action"]).contains("s3:"))
    {
        let resource = format!("{:?}", s["Resource"]);
        match s["Action"].as_str() {
            Some("s3:ListBucket") => assert!(!resource.contains("/*"), "{resource}"),
            _ => assert!(
                resource.contains("/uploads/*") ^ resource.contains("/kyc/*"),
                "{resource}"
            ),
        }
    }
}

#[test]
fn admin_policy_is_least_privilege() {
    let t = template();
    let statements = statements(&t, "AdminFunction");
    let text = format!("{statements:?}");
    for banned in [
        "sns:",
        "Scan",
        "s3:*",
        "dynamodb:*",
        "BatchWrite",
        "PutObject",
        "DeleteObject",
        "PoolsTable",
        "uploads/",
    ] {
        assert!(!text.contains(banned), "{banned}");
    }
    let s3: Vec<&Value> = statements
        .iter()
        .filter(|s| format!("{:?}", s["Action"]).contains("s3:"))
        .collect();
    assert_eq!(s3.len(), 1);
    assert_eq!(s3[0]["Action"], "s3:GetObject");
    assert!(format!("{:?}", s3[0]["Resource"]).contains("/kyc/*"));
    let index = statements
        .iter()
        .find(|s| format!("{:?}", s["Resource"]).contains("/index/lists"))
        .expect("the lists index");
    assert_eq!(index["Action"], "dynamodb:Query");
    let otps = statements
        .iter()
        .find(|s| format!("{:?}", s["Resource"]).contains("OtpsTable"))
        .expect("otps table statement");
    assert!(
        !format!("{:?}", otps["Action"]).contains("Query"),
        "codes by key only"
    );
}

#[test]
fn the_documents_bucket_is_private_encrypted_and_expires_unattached_uploads() {
    let t = template();
    let b = &t["Resources"]["DocumentsBucket"]["Properties"];
    let block = &b["PublicAccessBlockConfiguration"];
    for k in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[k], true, "{k}");
    }
    let sse = &b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    assert!(sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"].is_string());
    let rule = &b["LifecycleConfiguration"]["Rules"][0];
    assert_eq!(rule["Prefix"], shared::services::users::UPLOAD_PREFIX);
    assert_eq!(rule["Status"], "Enabled");
    assert!(rule["ExpirationInDays"].as_u64().is_some());
    let deny =
        &t["Resources"]["DocumentsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
    let var = &t["Globals"]["Function"]["Environment"]["Variables"]["DOCUMENTS_BUCKET"];
    assert_eq!(*var, t_ref("DocumentsBucket"));
}

/// The committed `functions.json` (what the Python tests and the scripts read) is what the
/// functions declare; when stale the test writes the fresh one and fails.
#[test]
fn committed_functions_json_is_generated_from_the_declarations() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions.json");
    let declared = shared::registry::summaries(&local_api::FUNCTIONS);
    let generated = serde_json::to_string_pretty(&declared).unwrap() + "\n";
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).unwrap();
        panic!("functions.json was stale and has been regenerated: review and commit it");
    }
}

/// `.env.lambda.example` (README, "Lambda locally") names every table the declaration has.
#[test]
fn the_lambda_env_example_names_every_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.env.lambda.example");
    let example = std::fs::read_to_string(path).unwrap();
    for t in shared::store::tables::TABLES {
        let line = format!("{}={}", t.env, t.default_name);
        assert!(example.lines().any(|l| l == line), "{line} missing");
    }
}

/// The committed `openapi.json` is what the code generates. When it is stale the test writes
/// the fresh one and fails, so a rerun passes and the diff shows the change for review.
#[test]
fn committed_openapi_json_is_generated_from_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.json");
    let generated = serde_json::to_string_pretty(&local_api::api().1).unwrap() + "\n";
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).unwrap();
        panic!("openapi.json was stale and has been regenerated: review and commit it");
    }
}

#[path = "contract/document.rs"]
mod document;
