//! Admin fixtures: an admin with a console session in one line, and requests sent the way the
//! console sends them (the session cookie; JSON content type on every write).

use super::{TestApp, TestResponse, TestUser};
use crate::domain::Role;
use crate::password;
use crate::services::admin::Admin;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::Value;

/// The password every fixture admin has.
pub const ADMIN_PASSWORD: &str = "Console-Pass-2026";

/// An admin made through the ports, with a password and a live console session.
#[derive(Debug, Clone)]
pub struct TestAdmin {
    pub user: TestUser,
    /// The `admin_session` cookie's value.
    pub cookie: String,
}

impl TestApp {
    /// The admin service over this app's state.
    pub fn admin(&self) -> Admin<'_> {
        let s = &self.state;
        s.admin()
    }

    /// An admin (stored role, password [`ADMIN_PASSWORD`]) signed in to the console.
    pub async fn admin_signed_in(&self, phone: &str) -> TestAdmin {
        let hash = password::hash(ADMIN_PASSWORD).expect("fixture password");
        let (user, record) = self
            .signed_in_as(phone, |u| {
                u.role = Role::Admin;
                u.password_hash = Some(hash);
            })
            .await;
        let cookie = self
            .admin()
            .open_session(&record)
            .await
            .expect("fixture admin session");
        TestAdmin { user, cookie }
    }

    /// `method` on `path` with the admin session `cookie`, as the console sends it: writes
    /// carry `Content-Type: application/json` (and `body`, or nothing).
    pub async fn as_admin(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        cookie: &str,
    ) -> TestResponse {
        let write = method != Method::GET;
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", format!("admin_session={cookie}"));
        if write {
            req = req.header("content-type", "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.send(req.body(body).unwrap_or_default()).await
    }
}

impl super::AsWho for TestAdmin {
    fn who(&self) -> super::Who<'_> {
        super::Who::Admin(&self.cookie)
    }
}
