//! A small JSON client for a running local-api, as the app uses the API.

use crate::LocalApi;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

pub struct Http {
    pub api: LocalApi,
    pub client: Client,
}

impl Http {
    pub fn new(api: LocalApi) -> Self {
        Http {
            api,
            client: Client::new(),
        }
    }

    /// Any method with an optional JSON body: (status, body).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        bearer: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.api.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value, bearer: Option<&str>) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body), bearer).await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, bearer).await
    }

    /// Requests a code for `phone` and reads it from the SMS.
    pub async fn code_for(&self, phone: &str) -> String {
        let (s, b) = self
            .post("/v1/auth/otp/request", json!({"phone": phone}), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        self.api
            .last_code(b["data"]["phone"].as_str().unwrap())
            .await
    }

    /// A verification token for `phone` (code requested, read and verified).
    pub async fn verification_token(&self, phone: &str) -> String {
        let code = self.code_for(phone).await;
        let (s, b) = self
            .post(
                "/v1/auth/otp/verify",
                json!({"phone": phone, "code": code}),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b["data"]["verification_token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}
