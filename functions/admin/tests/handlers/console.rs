use super::*;
use axum::http::Request;

#[tokio::test]
async fn the_console_is_served_with_strict_headers() {
    let app = app_with(&[]);
    for (path, kind) in [
        ("/admin", "text/html"),
        ("/admin/app.js", "text/javascript"),
        ("/admin/app.css", "text/css"),
        ("/admin/lib.js", "text/javascript"),
        ("/admin/passkeys.js", "text/javascript"),
        ("/admin/prefixes.js", "text/javascript"),
        ("/admin/favicon.svg", "image/svg+xml"),
    ] {
        let r = app
            .send(Request::get(path).body(axum::body::Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, 200, "{path}");
        let h = |name: &str| r.headers[name].to_str().unwrap().to_string();
        assert!(h("content-type").starts_with(kind), "{path}");
        let csp = h("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h("x-frame-options"), "DENY");
        assert_eq!(h("referrer-policy"), "no-referrer");
    }
}

#[test]
fn the_page_has_no_inline_script_or_style() {
    let page = include_str!("../../console/index.html");
    assert!(!page.contains("<script>") && !page.contains("onclick") && !page.contains("style="));
    assert!(page.contains(r#"<script type="module" src="/admin/app.js"></script>"#));
    assert!(page.contains(r#"<link rel="icon" href="/admin/favicon.svg""#));
    for script in [
        include_str!("../../console/app.js"),
        include_str!("../../console/lib.js"),
        include_str!("../../console/passkeys.js"),
        include_str!("../../console/prefixes.js"),
    ] {
        assert!(
            !script.contains("innerHTML") && !script.contains("insertAdjacentHTML"),
            "values are written with textContent only"
        );
    }
}
