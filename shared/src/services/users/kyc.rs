//! KYC: upload tickets, submission and correction. Images are accepted only as `image_url`s
//! this service issued to the caller for that purpose and that were actually uploaded; they
//! are then copied out of the upload prefix (which expires) into the caller's KYC prefix.

use super::Users;
use crate::crypto::random_bytes;
use crate::domain::{
    Caller, Conflict, DocumentType, Error, ImageType, KycImages, KycRecord, KycStatus,
    MAX_UPLOAD_BYTES, Result, SIGNATURE_BYTES, UploadPurpose, UserId, mask_document_number,
};
use crate::objects::PresignedPut;
use serde::Deserialize;
use std::time::Duration;

/// How long an upload URL works.
pub const UPLOAD_TTL_SECONDS: u64 = 300;
/// Where uploads land; the bucket expires what stays here (never attached).
pub const UPLOAD_PREFIX: &str = "uploads/";
/// Where attached images live while the account does.
pub const KYC_PREFIX: &str = "kyc/";
const SEAL_DOMAIN: &str = "document-number";

/// A presigned upload and the `image_url` naming what it uploads.
#[derive(Debug, Clone)]
pub struct UploadTicket {
    pub put: PresignedPut,
    pub image_url: String,
    pub expires_in: u64,
}

/// `POST /v1/users/kyc`.
#[derive(Debug, Clone, Deserialize)]
pub struct KycInput {
    pub document_type: DocumentType,
    /// The full number (spaces and hyphens ignored); only its last 4 characters are ever shown.
    pub document_number: String,
    /// An `image_url` from `POST /v1/users/kyc/uploads` with purpose `front`.
    pub front_image_url: String,
    /// Purpose `back`.
    pub back_image_url: Option<String>,
    /// Purpose `selfie`.
    pub selfie_url: Option<String>,
}

/// `PATCH /v1/users/kyc`: any subset of the submission.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KycPatch {
    pub document_type: Option<DocumentType>,
    pub document_number: Option<String>,
    pub front_image_url: Option<String>,
    pub back_image_url: Option<String>,
    pub selfie_url: Option<String>,
}

fn upload_key(user_id: &UserId, purpose: UploadPurpose, id: &str, ext: &str) -> String {
    format!("{UPLOAD_PREFIX}{user_id}/{purpose}/{id}.{ext}")
}

/// Where an attached upload lives: the same name under the KYC prefix.
fn attached_key(upload_key: &str) -> String {
    format!(
        "{KYC_PREFIX}{}",
        upload_key.trim_start_matches(UPLOAD_PREFIX)
    )
}

/// The object prefixes of a user's documents (account deletion removes both).
pub fn document_prefixes(user_id: &UserId) -> [String; 2] {
    [
        format!("{UPLOAD_PREFIX}{user_id}/"),
        format!("{KYC_PREFIX}{user_id}/"),
    ]
}

/// A resolved image field: the upload to attach, or the image already attached.
struct Image {
    upload: Option<String>,
    key: String,
}

impl Users<'_> {
    /// `s3://<bucket>/<key>`: how an object is named to the app (private; not a download).
    fn url_of(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.objects.bucket())
    }

    /// A presigned `PUT` for one image of the caller's KYC.
    pub async fn create_upload(
        &self,
        ctx: &Caller,
        purpose: UploadPurpose,
        content_type: ImageType,
        content_length: i64,
    ) -> Result<UploadTicket> {
        let length = u64::try_from(content_length)
            .ok()
            .filter(|n| (1..=MAX_UPLOAD_BYTES).contains(n))
            .ok_or_else(|| {
                Error::invalid("content_length", "content_length must be 1 byte to 5 MiB")
            })?;
        let id = hex::encode(random_bytes::<16>());
        let key = upload_key(&ctx.user.user_id, purpose, &id, content_type.extension());
        let ttl = Duration::from_secs(UPLOAD_TTL_SECONDS);
        let put = self
            .objects
            .presign_put(&key, content_type.as_str(), length, ttl)
            .await?;
        Ok(UploadTicket {
            put,
            image_url: self.url_of(&key),
            expires_in: UPLOAD_TTL_SECONDS,
        })
    }

    /// Resolves `url` given in `field` for `purpose`: an upload issued to the caller for that
    /// purpose and present in the bucket, or (on a correction) the image already attached.
    async fn image(
        &self,
        ctx: &Caller,
        field: &str,
        purpose: UploadPurpose,
        url: &str,
        current: Option<&str>,
    ) -> Result<Image> {
        let bad = || {
            Error::invalid(
                field,
                format!(
                    "{field} must be an image_url issued by POST /v1/users/kyc/uploads for {purpose} and uploaded"
                ),
            )
        };
        let prefix = format!(
            "s3://{}/{UPLOAD_PREFIX}{}/{purpose}/",
            self.objects.bucket(),
            ctx.user.user_id
        );
        let name = url.strip_prefix(&prefix).ok_or_else(bad)?;
        let (id, ext) = name.split_once('.').ok_or_else(bad)?;
        let typ = [ImageType::Jpeg, ImageType::Png]
            .into_iter()
            .find(|t| t.extension() == ext)
            .ok_or_else(bad)?;
        if id.len() != 32 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad());
        }
        let upload = upload_key(&ctx.user.user_id, purpose, id, ext);
        let key = attached_key(&upload);
        if current == Some(key.as_str()) {
            return Ok(Image { upload: None, key });
        }
        let info = self.objects.head(&upload).await?.ok_or_else(bad)?;
        let fits = info.content_length > 0 && info.content_length <= MAX_UPLOAD_BYTES;
        if !fits || info.content_type.as_deref() != Some(typ.as_str()) {
            return Err(bad());
        }
        // The declared type is only a header: the bytes must be that image type, or an HTML
        // page uploaded as image/jpeg would reach the reviewers.
        let start = self.objects.first_bytes(&upload, SIGNATURE_BYTES).await?;
        if !start.is_some_and(|b| typ.starts(&b)) {
            return Err(Error::invalid(
                field,
                format!(
                    "{field} must be a {} image; the uploaded file is not",
                    typ.extension().to_uppercase()
                ),
            ));
        }
        Ok(Image {
            upload: Some(upload),
            key,
        })
    }

    /// Copies the new uploads into the KYC prefix (the record will point there).
    async fn attach(&self, images: &[Image]) -> Result<()> {
        for img in images {
            if let Some(upload) = &img.upload {
                self.objects.copy(upload, &img.key).await?;
            }
        }
        Ok(())
    }

    /// Best effort after the record is written (or refused): deletes the `keys` no record
    /// points to any more. What stays behind in the upload prefix expires anyway.
    async fn discard(&self, keys: Vec<String>) {
        for key in keys {
            if let Err(e) = self.objects.delete(&key).await {
                tracing::warn!(error = %e, "could not delete a document image");
            }
        }
    }

    /// Saves `next` over `previous` with the `new` images attached, and cleans up the objects
    /// no record points to, whichever way it went.
    async fn save(
        &self,
        next: KycRecord,
        previous: Option<&KycRecord>,
        new: Vec<(UploadPurpose, Image)>,
    ) -> Result<KycRecord> {
        let new: Vec<Image> = new.into_iter().map(|(_, i)| i).collect();
        self.attach(&new).await?;
        let (uploads, copies): (Vec<String>, Vec<String>) = new
            .into_iter()
            .filter_map(|i| i.upload.map(|u| (u, i.key)))
            .unzip();
        if !self.kyc.save_kyc(&next, previous).await? {
            self.discard(copies).await;
            return Err(Error::Conflict(Conflict::KycAlreadySubmitted));
        }
        let kept: Vec<String> = next.images.keys().cloned().collect();
        let mut gone = uploads;
        if let Some(p) = previous {
            gone.extend(p.images.keys().filter(|k| !kept.contains(k)).cloned());
        }
        self.discard(gone).await;
        let holders = self.kyc.document_holders(&next.document_hash).await?;
        let others = holders.iter().filter(|h| **h != next.user_id).count();
        if others > 0 {
            tracing::warn!(
                others,
                "KYC document is held by another account; flagged for review"
            );
        }
        Ok(next)
    }

    /// The sealed number, keyed hash and mask of a normalized number of `typ`.
    fn document(
        &self,
        user_id: &UserId,
        typ: DocumentType,
        normalized: &str,
    ) -> (String, String, String) {
        let sealed = self
            .secret
            .seal(SEAL_DOMAIN, user_id.as_bytes(), normalized.as_bytes());
        let hash = self.secret.mac_hex(
            "document",
            &[typ.as_str().as_bytes(), normalized.as_bytes()],
        );
        (sealed, hash, mask_document_number(normalized))
    }

    pub async fn get_kyc(&self, ctx: &Caller) -> Result<Option<KycRecord>> {
        Ok(self.kyc.get_kyc(&ctx.user.user_id).await?)
    }

    /// The `given` image fields (purpose, URL) resolved; `current` are the attached images a
    /// correction may name again.
    async fn images(
        &self,
        ctx: &Caller,
        given: [(UploadPurpose, Option<&String>); 3],
        current: Option<&KycImages>,
    ) -> Result<Vec<(UploadPurpose, Image)>> {
        let mut out = Vec::new();
        for (purpose, url) in given {
            let Some(url) = url else { continue };
            let attached = current.and_then(|c| c.get(purpose));
            let field = image_field(purpose);
            out.push((
                purpose,
                self.image(ctx, field, purpose, url, attached).await?,
            ));
        }
        Ok(out)
    }

    /// A `PENDING` record of `typ` and `number` with `images`, following `previous`.
    fn pending(
        &self,
        user_id: &UserId,
        typ: DocumentType,
        number: &str,
        images: KycImages,
        previous: Option<&KycRecord>,
    ) -> KycRecord {
        let (sealed, hash, masked) = self.document(user_id, typ, number);
        KycRecord {
            user_id: user_id.clone(),
            status: KycStatus::Pending,
            document_type: typ,
            document_number_sealed: sealed,
            document_hash: hash,
            masked_document_number: masked,
            images,
            submitted_at_ms: self.now_ms(),
            reviewed_at_ms: None,
            rejection_reason: None,
            version: previous.map_or(1, |p| p.version + 1),
        }
    }

    /// The number stored in `record`, which must also be valid for `typ`.
    fn stored_number(&self, record: &KycRecord, typ: DocumentType) -> Result<String> {
        let uid = record.user_id.as_bytes();
        let plain = self
            .secret
            .open(SEAL_DOMAIN, uid, &record.document_number_sealed)
            .ok_or_else(|| Error::internal("a stored document number does not open"))?;
        let plain = String::from_utf8(plain).map_err(Error::internal)?;
        typ.normalize(&plain).ok_or_else(|| {
            let msg =
                format!("the stored number is not a valid {typ} number; send document_number");
            Error::invalid("document_type", msg)
        })
    }

    /// A first submission, or a new one after a rejection.
    pub async fn submit_kyc(&self, ctx: &Caller, input: KycInput) -> Result<KycRecord> {
        let uid = &ctx.user.user_id;
        let number = normalized(input.document_type, &input.document_number)?;
        let current = self.kyc.get_kyc(uid).await?;
        let open = |c: &KycRecord| matches!(c.status, KycStatus::Pending | KycStatus::Verified);
        if current.as_ref().is_some_and(open) {
            return Err(Error::Conflict(Conflict::KycAlreadySubmitted));
        }
        let given = [
            (UploadPurpose::Front, Some(&input.front_image_url)),
            (UploadPurpose::Back, input.back_image_url.as_ref()),
            (UploadPurpose::Selfie, input.selfie_url.as_ref()),
        ];
        let new = self.images(ctx, given, None).await?;
        let mut images = KycImages::default();
        apply(&mut images, &new);
        let next = self.pending(uid, input.document_type, &number, images, current.as_ref());
        self.save(next, current.as_ref(), new).await
    }

    /// A correction while the record is pending or rejected; it goes (back) to `PENDING`.
    pub async fn patch_kyc(&self, ctx: &Caller, patch: KycPatch) -> Result<KycRecord> {
        let uid = &ctx.user.user_id;
        let current = self.kyc.get_kyc(uid).await?.ok_or(Error::NotFound("kyc"))?;
        if current.status == KycStatus::Verified {
            return Err(Error::Conflict(Conflict::KycAlreadySubmitted));
        }
        let typ = patch.document_type.unwrap_or(current.document_type);
        let number = match &patch.document_number {
            Some(n) => normalized(typ, n)?,
            None => self.stored_number(&current, typ)?,
        };
        let given = [
            (UploadPurpose::Front, patch.front_image_url.as_ref()),
            (UploadPurpose::Back, patch.back_image_url.as_ref()),
            (UploadPurpose::Selfie, patch.selfie_url.as_ref()),
        ];
        let new = self.images(ctx, given, Some(&current.images)).await?;
        let mut images = current.images.clone();
        apply(&mut images, &new);
        let next = self.pending(uid, typ, &number, images, Some(&current));
        self.save(next, Some(&current), new).await
    }
}

/// The request field that carries the image of `purpose`.
fn image_field(purpose: UploadPurpose) -> &'static str {
    match purpose {
        UploadPurpose::Front => "front_image_url",
        UploadPurpose::Back => "back_image_url",
        UploadPurpose::Selfie => "selfie_url",
    }
}

/// Points `images` at the `new` ones.
fn apply(images: &mut KycImages, new: &[(UploadPurpose, Image)]) {
    for (purpose, img) in new {
        images.set(*purpose, img.key.clone());
    }
}

fn normalized(typ: DocumentType, number: &str) -> Result<String> {
    typ.normalize(number).ok_or_else(|| {
        let msg = format!("document_number is not a valid {typ} number");
        Error::invalid("document_number", msg)
    })
}
