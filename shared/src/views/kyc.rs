//! A KYC record as its owner and an admin see it: never the full document number.

use crate::domain::{DocumentType, KycRecord, KycStatus, from_ms};
use serde::Serialize;
use utoipa::ToSchema;

/// `kyc`: never the full document number.
#[derive(Serialize, ToSchema)]
pub struct KycView {
    pub status: KycStatus,
    pub document_type: Option<DocumentType>,
    #[schema(example = "********0124")]
    pub masked_document_number: Option<String>,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub reviewed_at: Option<String>,
    pub rejection_reason: Option<String>,
}

impl KycView {
    pub fn new(k: Option<KycRecord>) -> Self {
        match k {
            None => KycView {
                status: KycStatus::NotSubmitted,
                document_type: None,
                masked_document_number: None,
                submitted_at: None,
                reviewed_at: None,
                rejection_reason: None,
            },
            Some(k) => KycView {
                status: k.status,
                document_type: Some(k.document_type),
                masked_document_number: Some(k.masked_document_number),
                submitted_at: Some(from_ms(k.submitted_at_ms)),
                reviewed_at: k.reviewed_at_ms.map(from_ms),
                rejection_reason: k.rejection_reason,
            },
        }
    }
}
