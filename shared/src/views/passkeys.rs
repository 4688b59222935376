//! The passkey shapes both the auth and the admin functions speak: the `passkey` record, a
//! started ceremony, the finishing bodies, and the WebAuthn JSON forms as the document shows
//! them (the relying-party library parses the real thing).

use crate::domain::{Passkey, from_ms};
use crate::services::passkeys::Started;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `passkey` as the contract returns it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PasskeyView {
    #[schema(format = Uuid)]
    pub passkey_id: String,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    /// The authenticator reported the key backed up (synced to other devices).
    pub backed_up: bool,
    /// How the authenticator can be reached (`internal`, `hybrid`, `usb`, ...), as reported.
    pub transports: Vec<String>,
}

impl PasskeyView {
    pub fn new(p: Passkey) -> Self {
        PasskeyView {
            passkey_id: p.passkey_id.into_string(),
            name: p.name,
            created_at: from_ms(p.created_at_ms),
            last_used_at: p.last_used_at_ms.map(from_ms),
            backed_up: p.backed_up,
            transports: p.transports,
        }
    }
}

/// `{passkey}`.
#[derive(Serialize, ToSchema)]
pub struct PasskeyOnly {
    pub passkey: PasskeyView,
}

/// `{items:[passkey]}`, oldest first.
#[derive(Serialize, ToSchema)]
pub struct PasskeyList {
    pub items: Vec<PasskeyView>,
}

impl PasskeyList {
    pub fn new(items: Vec<Passkey>) -> Self {
        PasskeyList {
            items: items.into_iter().map(PasskeyView::new).collect(),
        }
    }
}

/// `{ceremony_id, options}`: pass `options` to `PublicKeyCredential.parseCreationOptionsFromJSON`
/// / `parseRequestOptionsFromJSON` (browsers) or as the request JSON of Android's Credential
/// Manager and iOS's passkey APIs, and send the result back with `ceremony_id` within 5 minutes.
#[derive(Serialize, ToSchema)]
pub struct CeremonyStarted {
    pub ceremony_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON` (registration) or
    /// `PublicKeyCredentialRequestOptionsJSON` (sign-in); binary fields base64url, no padding.
    #[schema(value_type = Object)]
    pub options: Value,
}

impl From<Started> for CeremonyStarted {
    fn from(s: Started) -> Self {
        CeremonyStarted {
            ceremony_id: s.ceremony_id,
            options: s.options,
        }
    }
}

/// `{ceremony_id, credential, name?}`: finishes a registration.
#[derive(Deserialize, ToSchema)]
pub struct PasskeyRegistration {
    #[schema(min_length = 1, max_length = 128)]
    pub ceremony_id: String,
    #[schema(value_type = RegistrationResponseJson)]
    pub credential: Value,
    /// 1 to 64 printable characters; `"Passkey"` when left out.
    #[schema(min_length = 1, max_length = 64)]
    pub name: Option<String>,
}

/// `RegistrationResponseJSON` (WebAuthn Level 3), as `PublicKeyCredential.toJSON()` and
/// Android's Credential Manager return it.
#[derive(ToSchema)]
#[schema(as = RegistrationResponseJSON)]
#[allow(dead_code)]
pub struct RegistrationResponseJson {
    /// The credential id, base64url.
    id: String,
    #[schema(rename = "rawId")]
    raw_id: String,
    #[schema(rename = "type", pattern = "^public-key$")]
    kind: String,
    response: AttestationResponseJson,
    #[schema(rename = "clientExtensionResults", value_type = Object)]
    client_extension_results: Option<Value>,
}

/// `AuthenticatorAttestationResponseJSON`: base64url fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AttestationResponseJson {
    #[schema(rename = "clientDataJSON")]
    client_data_json: String,
    #[schema(rename = "attestationObject")]
    attestation_object: String,
    transports: Option<Vec<String>>,
}

/// `AuthenticationResponseJSON` (WebAuthn Level 3).
#[derive(ToSchema)]
#[schema(as = AuthenticationResponseJSON)]
#[allow(dead_code)]
pub struct AuthenticationResponseJson {
    id: String,
    #[schema(rename = "rawId")]
    raw_id: String,
    #[schema(rename = "type", pattern = "^public-key$")]
    kind: String,
    response: AssertionResponseJson,
}

/// `AuthenticatorAssertionResponseJSON`: base64url fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AssertionResponseJson {
    #[schema(rename = "clientDataJSON")]
    client_data_json: String,
    #[schema(rename = "authenticatorData")]
    authenticator_data: String,
    signature: String,
    /// The account's user handle (discoverable credentials always return it).
    #[schema(rename = "userHandle")]
    user_handle: String,
}

/// `{ceremony_id, credential}`: a passkey sign-in (the auth function adds `device?`).
#[derive(Deserialize, ToSchema)]
pub struct PasskeySignIn {
    #[schema(min_length = 1, max_length = 128)]
    pub ceremony_id: String,
    #[schema(value_type = AuthenticationResponseJson)]
    pub credential: Value,
}
