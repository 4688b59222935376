//! The OpenAPI document, generated from the code. Each function declares its routes with
//! `#[utoipa::path]` beside the handlers; [`document`] merges them, adds what the whole API
//! shares (info, security scheme, error envelope) and, in one pass, the responses and headers
//! every route has: `x-request-id` on every response, 413/415/500 everywhere, 400 where there
//! is input, 401 where a token is required.
//!
//! Field rules the document states (free text, phone numbers) are declared once, in
//! [`crate::field_schemas`].

mod domain_schemas;
mod input_schemas;
mod tidy;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// `{"success": true, "data": T}`.
#[derive(Serialize, ToSchema)]
pub struct Envelope<T: ToSchema> {
    /// Always true.
    pub success: bool,
    pub data: T,
}

/// `{"success": false, "error": {...}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always false.
    pub success: bool,
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `UPPER_SNAKE` error code, e.g. `VALIDATION_ERROR`.
    #[schema(pattern = "^[A-Z][A-Z_]*$")]
    pub code: String,
    pub message: String,
    /// `field` for 400s, `retry_after` (seconds) for 423, 429 `RATE_LIMIT_EXCEEDED` and 503,
    /// `attempts_remaining` for `OTP_INVALID`, `scope` (`budget`) for `OTP_SENDING_PAUSED`.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// `{}` (as a request body: any JSON object, its members ignored).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Empty {}

/// One form of a body accepted in several: a named object schema whose fields are given with
/// their schema and whether they are required. Declared where the body is parsed, so there
/// is no second struct that exists only for the document.
pub struct Form {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<(&'static str, RefOr<Schema>, bool)>,
}

impl Form {
    fn schema(&self) -> RefOr<Schema> {
        let mut object = ObjectBuilder::new().description(Some(self.description));
        for (name, schema, required) in &self.fields {
            object = object.property(*name, schema.clone());
            if *required {
                object = object.required(*name);
            }
        }
        object.into()
    }
}

/// `anyOf` the forms, by reference (a body accepted in either of several forms).
pub fn any_of(description: &str, forms: &[Form]) -> RefOr<Schema> {
    let mut any = AnyOfBuilder::new().description(Some(description));
    for f in forms {
        any = any.item(RefOr::Ref(Ref::from_schema_name(f.name)));
    }
    RefOr::T(Schema::AnyOf(any.build()))
}

/// The forms' schemas as components.
pub fn form_schemas(forms: &[Form], schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.extend(forms.iter().map(|f| (f.name.to_string(), f.schema())));
}

/// A schema of type `t` (`nullable`: or null), to add bounds to.
pub fn typed(t: Type, nullable: bool) -> ObjectBuilder {
    let schema_type = match nullable {
        true => SchemaType::from_iter([t, Type::Null]),
        false => SchemaType::Type(t),
    };
    ObjectBuilder::new().schema_type(schema_type)
}

/// A string (`nullable`: or null).
pub fn string(nullable: bool) -> RefOr<Schema> {
    typed(Type::String, nullable).into()
}

/// `T` by reference (`nullable`: or null).
pub fn reference<T: ToSchema>(nullable: bool) -> RefOr<Schema> {
    let r = RefOr::Ref(Ref::from_schema_name(T::name()));
    match nullable {
        true => OneOfBuilder::new()
            .item(r)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into(),
        false => r,
    }
}

/// The `Authorization: Bearer` scheme name used in `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";
/// The admin console's cookie scheme, `security(("admin_session" = []))`.
pub const ADMIN_SESSION: &str = "admin_session";

/// The whole API's document from the functions' parts.
pub fn document(parts: impl IntoIterator<Item = OpenApi>) -> Value {
    let mut doc = OpenApi::default();
    for part in parts {
        doc.merge(part);
    }
    let mut v = serde_json::to_value(doc).unwrap_or_default();
    v["info"] = json!({
        "title": "Phone-auth backend API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": include_str!("description.md"),
    });
    v["servers"] = json!([{ "url": "http://127.0.0.1:3000", "description": "the local server" }]);
    let components = &mut v["components"];
    components["headers"]["RequestId"] = json!({
        "description": "The request id (API Gateway's in Lambda), also on every log line.",
        "required": true,
        "schema": { "type": "string" },
    });
    components["securitySchemes"][BEARER] = json!({
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA / Ed25519)",
    });
    components["securitySchemes"][ADMIN_SESSION] = json!({
        "type": "apiKey", "in": "cookie", "name": "admin_session",
        "description": "Set by `POST /v1/admin/login` (phone, password and a verification token: two factors). HttpOnly, Secure, SameSite=Strict, Path=/v1/admin; 8 hours at most, 30 minutes idle. Admin routes refuse Bearer tokens (403 `PERMISSION_DENIED`); their writes also need `Content-Type: application/json` (even with no body; sign-out needs none) and, when `Origin` is sent, the API's own origin (else 403).",
    });
    components["headers"]["CacheControl"] = json!({
        "description": "`no-store` (with `Pragma: no-cache`) on every response that may carry a token or personal data; `no-cache` on health, `public, max-age=300` on the JWKS and this document.",
        "schema": { "type": "string" },
    });
    let schemas = &mut components["schemas"];
    schemas["ErrorBody"] = serde_json::to_value(ErrorBody::schema()).unwrap_or_default();
    schemas["ErrorDetail"] = serde_json::to_value(ErrorDetail::schema()).unwrap_or_default();
    if let Some(paths) = v["paths"].as_object_mut() {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    add_shared_responses(op);
                }
            }
        }
    }
    tidy::tidy(&mut v);
    v
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } },
    })
}

/// The 400 an operation can give: for its body or query, or (path parameters only) for a path
/// that does not decode.
fn bad_input(op: &Value) -> Option<(&'static str, &'static str)> {
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let in_path = |p: &Value| p["in"] == "path";
    if op.get("requestBody").is_some() || params.iter().any(|p| !in_path(p)) {
        Some(("400", "`VALIDATION_ERROR` naming `error.details.field`"))
    } else if params.iter().any(in_path) {
        Some((
            "400",
            "`VALIDATION_ERROR` with `error.details.field` `path`: the path is not valid UTF-8 once decoded",
        ))
    } else {
        None
    }
}

/// Adds the responses every route can give, and `x-request-id` on every response.
fn add_shared_responses(op: &mut Value) {
    let input = bad_input(op);
    let scheme = |name: &str| {
        op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get(name).is_some()))
    };
    let (secured, admin) = (scheme(BEARER), scheme(ADMIN_SESSION));
    let responses = &mut op["responses"];
    let mut shared = vec![
        ("413", "`PAYLOAD_TOO_LARGE`: the body is over 16 KiB"),
        (
            "415",
            "`UNSUPPORTED_MEDIA_TYPE`: a body that is not `application/json`",
        ),
        (
            "500",
            "`INTERNAL`: logged with the request id; nothing internal is returned",
        ),
    ];
    shared.extend(input);
    if secured {
        shared.push((
            "401",
            "`UNAUTHORIZED`: missing, malformed, expired, revoked or wrongly signed token",
        ));
    }
    if admin {
        shared.push((
            "401",
            "`UNAUTHORIZED`: no live admin session (none, signed out, expired, idle, or the account is no longer an active admin)",
        ));
        shared.push((
            "403",
            "`PERMISSION_DENIED`: a Bearer token was sent (admin routes take only the admin session cookie), or a write without `Content-Type: application/json` or from another origin",
        ));
    }
    for (status, description) in shared {
        if responses.get(status).is_none() {
            responses[status] = error_response(description);
        }
    }
    if let Some(all) = responses.as_object_mut() {
        for response in all.values_mut() {
            response["headers"]["x-request-id"] =
                json!({ "$ref": "#/components/headers/RequestId" });
            response["headers"]["Cache-Control"] =
                json!({ "$ref": "#/components/headers/CacheControl" });
        }
    }
}

/// Every (method, path) the document declares, sorted; methods in upper case.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some() {
                    out.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out.sort();
    out
}

/// Every (method, path) one function's routes declare (see [`operations`]).
pub fn route_list(api: &OpenApi) -> Vec<(String, String)> {
    operations(&serde_json::to_value(api).unwrap_or_default())
}

/// Declares a function's routes once, as `module::handler` (each handler carries its
/// `#[utoipa::path]`), and expands to:
/// - `api()`: the routes with their OpenAPI declarations (the document, the local server);
/// - `lambda_routes()`: the same routes without building the OpenAPI structures (what a
///   deployed function serves; building the schemas would cost a cold start milliseconds).
///
/// The crate using it depends on `axum`, `utoipa` and `utoipa-axum`.
#[macro_export]
macro_rules! declare_routes {
    ($($module:ident :: $handler:ident),* $(,)?) => {
        /// The function's routes with their OpenAPI declarations.
        pub fn api() -> utoipa_axum::router::OpenApiRouter<$crate::state::AppState> {
            utoipa_axum::router::OpenApiRouter::new()
                $( .routes(utoipa_axum::routes!($module::$handler)) )*
        }

        /// The function's routes alone (no OpenAPI structures are built).
        pub fn lambda_routes() -> axum::Router<$crate::state::AppState> {
            use utoipa::Path as _;
            use utoipa_axum::PathItemExt as _;
            let router = axum::Router::new();
            $(
                let router = utoipa_axum::paste! {{
                    let path = $module::[<__path_ $handler>]::path();
                    let methods = $module::[<__path_ $handler>]::methods();
                    let method_router = methods.iter().fold(
                        axum::routing::MethodRouter::new(),
                        |r, m| r.on(m.to_method_filter(), $module::$handler),
                    );
                    router.route(&path, method_router)
                }};
            )*
            router
        }
    };
}
