//! KYC: upload tickets for document images, submission, correction, status.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiResult, Success, created, ok};
use shared::auth_context::AuthContext;
use shared::domain::{ImageType, KycRecord, UploadPurpose};
use shared::http::JsonBody;
use shared::openapi::{Envelope, ErrorBody};
use shared::services::users::{KycInput, KycPatch};
use shared::state::AppState;
use shared::views::KycView;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct UploadRequest {
    pub purpose: UploadPurpose,
    pub content_type: ImageType,
    /// Bytes, at most 5 MiB (5,242,880).
    #[schema(minimum = 1, maximum = 5_242_880)]
    pub content_length: i64,
}

/// Where and how to send the image, and the `image_url` to submit afterwards.
#[derive(Serialize, ToSchema)]
pub struct UploadView {
    /// Presigned: works for `expires_in` seconds, for this content type and length only.
    pub upload_url: String,
    /// Always `PUT`.
    pub method: String,
    /// Send exactly these headers with the bytes.
    pub headers: BTreeMap<String, String>,
    /// Put this in `front_image_url`, `back_image_url` or `selfie_url` (per `purpose`). It
    /// names a private object; it is not a download link.
    #[schema(example = "s3://documents/uploads/0b6c.../front/5f0e....jpg")]
    pub image_url: String,
    pub expires_in: u64,
}

#[derive(Serialize, ToSchema)]
pub struct KycOnly {
    pub kyc: KycView,
}

fn kyc_only(k: Option<KycRecord>) -> KycOnly {
    KycOnly {
        kyc: KycView::new(k),
    }
}

/// A presigned upload for one KYC image (jpeg or png, at most 5 MiB, 5 minutes).
#[utoipa::path(post, path = "/v1/users/kyc/uploads", tag = "users",
    security(("bearer" = [])),
    request_body = UploadRequest,
    responses(
        (status = 201, description = "upload here, then submit the image_url", body = Envelope<UploadView>),
        (status = 400, description = "`VALIDATION_ERROR`: purpose, content type, or a length over 5 MiB", body = ErrorBody),
    ))]
pub async fn create_upload(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<UploadRequest>,
) -> ApiResult<Success<UploadView>> {
    let t = svc(&s)
        .create_upload(&ctx, b.purpose, b.content_type, b.content_length)
        .await?;
    Ok(created(UploadView {
        upload_url: t.put.url,
        method: t.put.method,
        headers: t.put.headers,
        image_url: t.image_url,
        expires_in: t.expires_in,
    }))
}

/// Submits identity documents for review (first time, or again after a rejection).
#[utoipa::path(post, path = "/v1/users/kyc", tag = "users",
    security(("bearer" = [])),
    request_body = KycInput,
    responses(
        (status = 201, description = "submitted; `PENDING` review", body = Envelope<KycOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field: a malformed number, or an image_url not issued to the caller for that purpose or not uploaded", body = ErrorBody),
        (status = 409, description = "`KYC_ALREADY_SUBMITTED`: a submission is pending or verified", body = ErrorBody),
    ))]
pub async fn submit(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<KycInput>,
) -> ApiResult<Success<KycOnly>> {
    let k = svc(&s).submit_kyc(&ctx, b).await?;
    Ok(created(kyc_only(Some(k))))
}

/// Corrects a pending or rejected submission; it goes (back) to `PENDING`.
#[utoipa::path(patch, path = "/v1/users/kyc", tag = "users",
    security(("bearer" = [])),
    request_body = KycPatch,
    responses(
        (status = 200, description = "corrected; `PENDING` review", body = Envelope<KycOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: nothing was submitted", body = ErrorBody),
        (status = 409, description = "`KYC_ALREADY_SUBMITTED`: already verified", body = ErrorBody),
    ))]
pub async fn patch(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<KycPatch>,
) -> ApiResult<Success<KycOnly>> {
    let k = svc(&s).patch_kyc(&ctx, b).await?;
    Ok(ok(kyc_only(Some(k))))
}

/// Where the caller's KYC stands (`NOT_SUBMITTED` with nulls when nothing was submitted).
#[utoipa::path(get, path = "/v1/users/kyc/status", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "the KYC record", body = Envelope<KycOnly>)))]
pub async fn status(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<Success<KycOnly>> {
    Ok(ok(kyc_only(svc(&s).get_kyc(&ctx).await?)))
}
