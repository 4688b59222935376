//! The local development server's assembly (never deployed): every function's routes on the
//! deployed paths, the whole API's OpenAPI document, and the development-only routes.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::Value;
use shared::api_error::ApiError;
use shared::app::finish;
use shared::domain::MAX_UPLOAD_BYTES;
use shared::http::{decode_param, query_params};
use shared::registry::Function;
use shared::sms::OUTBOX_CAP;
use shared::state::{AppState, DevParts};

/// Every deployed function: the one list of them (the contract tests and `functions.json`
/// read it too).
pub const FUNCTIONS: [&Function; 4] = [
    &auth_fn::FUNCTION,
    &users_fn::FUNCTION,
    &pools_fn::FUNCTION,
    &admin_fn::FUNCTION,
];

/// Every function's routes, and the OpenAPI document they declare.
pub fn api() -> (Router<AppState>, Value) {
    let mut router = Router::new();
    let mut docs = Vec::new();
    for f in FUNCTIONS {
        let (routes, doc) = (f.routes)();
        router = router.merge(routes);
        docs.push(doc);
    }
    (router, shared::openapi::document(docs))
}

/// The API with the shared layers, plus the development routes: `GET /_dev/sms` (the console
/// sender's outbox) and `PUT`/`GET /_dev/uploads/{key}` (the local stand-in for S3's presigned
/// uploads and downloads, which carry raw image bytes, so they sit outside the JSON body guard).
pub fn app(state: AppState, dev: DevParts) -> Router {
    let dev = Router::new()
        .route("/_dev/sms", get(dev_sms))
        .route("/_dev/uploads/{*key}", put(dev_upload).get(dev_download))
        .layer(axum::extract::DefaultBodyLimit::max(
            MAX_UPLOAD_BYTES as usize + 1,
        ))
        .with_state(dev);
    finish(api().0, state).merge(dev)
}

/// The outbox: every kept message oldest first, or with `?limit=` the newest first; `?to=`
/// (E.164, the `+` optional or encoded) keeps one phone's messages.
async fn dev_sms(
    State(dev): State<DevParts>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = query_params(query.as_deref(), &["to", "limit"])?;
    // A raw `+` decodes to a space (form encoding) and is put back: the `+` is optional.
    let to = params.get("to").map(|v| {
        let v = decode_param(v).unwrap_or_else(|| v.clone());
        format!("+{}", v.trim().trim_start_matches('+'))
    });
    let limit = match params.get("limit") {
        None => None,
        Some(v) => Some(
            v.parse::<usize>()
                .ok()
                .filter(|n| (1..=OUTBOX_CAP).contains(n))
                .ok_or_else(|| {
                    ApiError::validation("limit", format!("limit must be 1 to {OUTBOX_CAP}"))
                })?,
        ),
    };
    let messages = dev.outbox.query(to.as_deref(), limit);
    Ok(Json(serde_json::json!({ "messages": messages })))
}

/// Answers like S3: 200 when stored, 403 for a bad or expired signature, 400 when the content
/// type or length differs from what was signed.
async fn dev_upload(
    State(dev): State<DevParts>,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    use shared::objects::local::UploadRefused as R;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let query = query.unwrap_or_default();
    match dev.uploads.accept_put(&key, &query, content_type, &body) {
        Ok(()) => (StatusCode::OK, String::new()),
        Err(e @ (R::Signature | R::Expired | R::Missing)) => (StatusCode::FORBIDDEN, e.to_string()),
        Err(e @ (R::ContentType | R::Length)) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// Answers like S3 for a presigned `GET`: the bytes, 403 for a bad or expired signature, 404
/// when nothing is stored.
async fn dev_download(
    State(dev): State<DevParts>,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    use shared::objects::local::UploadRefused as R;
    match dev.uploads.serve_get(&key, &query.unwrap_or_default()) {
        // nosniff: a browser shows the bytes only as the declared type, never as a page.
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(R::Missing) => (StatusCode::NOT_FOUND, "no such object").into_response(),
        Err(e) => (StatusCode::FORBIDDEN, e.to_string()).into_response(),
    }
}
