use super::*;

const PRINT: &str = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5";

#[tokio::test]
async fn the_app_association_files_follow_the_settings() {
    let none = app();
    for path in [
        "/.well-known/assetlinks.json",
        "/.well-known/apple-app-site-association",
    ] {
        assert_error(&none.get(path, "").await, 404, "NOT_FOUND");
    }
    let android = format!("in.example.app={PRINT}");
    let set = app_with(&[
        ("ANDROID_APP_LINKS", android.as_str()),
        ("IOS_APP_IDS", "ABCDE12345.in.example.app"),
    ]);
    let r = set.get("/.well-known/assetlinks.json", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    let target = &r.body[0]["target"];
    assert_eq!(target["package_name"], "in.example.app");
    assert_eq!(target["sha256_cert_fingerprints"], json!([PRINT]));
    let r = set.get("/.well-known/apple-app-site-association", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    let apps = json!({"webcredentials": {"apps": ["ABCDE12345.in.example.app"]}});
    assert_eq!(r.body, apps);
}
