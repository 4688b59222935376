//! Identity documents (KYC). The full document number exists only in a request and, sealed
//! (AES-256-GCM bound to the user), at rest; records carry a keyed hash for look-ups and the
//! masked number for display. Images are private objects referenced by key.

use super::ids::UserId;
use super::state_enum;
use super::user::KycStatus;
use serde::{Deserialize, Serialize};

state_enum!(
    /// The kinds of identity document accepted.
    DocumentType {
        Aadhaar => "aadhaar",
        Pan => "pan",
        Passport => "passport",
        DrivingLicense => "driving_license",
        VoterId => "voter_id",
    }
);

state_enum!(
    /// A review's outcome.
    KycDecision { Verified => "VERIFIED", Rejected => "REJECTED" }
);

state_enum!(
    /// Which image of a KYC submission an upload is for.
    UploadPurpose { Front => "front", Back => "back", Selfie => "selfie" }
);

state_enum!(
    /// The image types accepted for upload.
    ImageType { Jpeg => "image/jpeg", Png => "image/png" }
);

impl ImageType {
    pub fn extension(self) -> &'static str {
        match self {
            ImageType::Jpeg => "jpg",
            ImageType::Png => "png",
        }
    }

    /// The bytes every file of this type starts with.
    pub fn signature(self) -> &'static [u8] {
        match self {
            ImageType::Jpeg => &[0xFF, 0xD8, 0xFF],
            ImageType::Png => b"\x89PNG\r\n\x1a\n",
        }
    }

    /// Whether `first_bytes` (the start of a file) are this type's.
    pub fn starts(self, first_bytes: &[u8]) -> bool {
        first_bytes.starts_with(self.signature())
    }
}

/// Bytes read from an upload to tell its type.
pub const SIGNATURE_BYTES: usize = 8;

/// The largest accepted upload (5 MiB).
pub const MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024;

/// The images of a submission, as object keys in the documents bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KycImages {
    pub front: String,
    pub back: Option<String>,
    pub selfie: Option<String>,
}

impl KycImages {
    /// The image for `purpose`, if any.
    pub fn get(&self, purpose: UploadPurpose) -> Option<&str> {
        match purpose {
            UploadPurpose::Front => Some(self.front.as_str()),
            UploadPurpose::Back => self.back.as_deref(),
            UploadPurpose::Selfie => self.selfie.as_deref(),
        }
    }

    /// Points the image for `purpose` at `key`.
    pub fn set(&mut self, purpose: UploadPurpose, key: String) {
        match purpose {
            UploadPurpose::Front => self.front = key,
            UploadPurpose::Back => self.back = Some(key),
            UploadPurpose::Selfie => self.selfie = Some(key),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.front)
            .chain(&self.back)
            .chain(&self.selfie)
    }
}

/// A user's KYC record (at most one per user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KycRecord {
    pub user_id: UserId,
    pub status: KycStatus,
    pub document_type: DocumentType,
    /// The normalized number, sealed under a key derived from `SECRET_KEY` with the user id
    /// as associated data.
    pub document_number_sealed: String,
    /// Keyed hash of (type, normalized number): finds the same document on other accounts.
    pub document_hash: String,
    pub masked_document_number: String,
    pub images: KycImages,
    pub submitted_at_ms: i64,
    pub reviewed_at_ms: Option<i64>,
    pub rejection_reason: Option<String>,
    /// Bumped by every write; writes are conditional on the version they read.
    pub version: u64,
}

impl DocumentType {
    /// The number in its canonical form (upper case, no spaces or hyphens) if it is well
    /// formed for this type.
    pub fn normalize(self, number: &str) -> Option<String> {
        let n: String = number
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = n.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let letters = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
        let ok = match self {
            DocumentType::Aadhaar => {
                b.len() == 12 && digits(0..12) && b[0] >= b'2' && verhoeff_valid(&n)
            }
            DocumentType::Pan => b.len() == 10 && letters(0..5) && digits(5..9) && letters(9..10),
            DocumentType::Passport => b.len() == 8 && letters(0..1) && digits(1..8),
            DocumentType::DrivingLicense => {
                (10..=20).contains(&b.len())
                    && letters(0..2)
                    && b.iter().all(u8::is_ascii_alphanumeric)
            }
            DocumentType::VoterId => b.len() == 10 && letters(0..3) && digits(3..10),
        };
        ok.then_some(n)
    }
}

/// All but the last four characters hidden.
pub fn mask_document_number(normalized: &str) -> String {
    let n = normalized.chars().count();
    let keep = n.min(4);
    let tail: String = normalized.chars().skip(n - keep).collect();
    format!("{}{tail}", "*".repeat(n - keep))
}

/// The Verhoeff check digit scheme Aadhaar numbers use (catches every single-digit error and
/// adjacent transposition).
fn verhoeff_valid(digits: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, ch) in digits.bytes().rev().enumerate() {
        let d = (ch - b'0') as usize;
        c = D[c as usize][P[i % 8][d] as usize];
    }
    c == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-formed (Verhoeff-valid) Aadhaar number used across the tests.
    pub(crate) const AADHAAR: &str = "2345 6789 0124";

    #[test]
    fn numbers_are_checked_per_type() {
        assert_eq!(
            DocumentType::Aadhaar.normalize(AADHAAR).as_deref(),
            Some("234567890124")
        );
        assert!(
            DocumentType::Aadhaar.normalize("234567890123").is_none(),
            "check digit"
        );
        assert!(DocumentType::Aadhaar.normalize("134567890124").is_none());
        assert_eq!(
            DocumentType::Pan.normalize("abcde1234f").as_deref(),
            Some("ABCDE1234F")
        );
        assert!(DocumentType::Pan.normalize("ABCD12345F").is_none());
        assert!(DocumentType::Passport.normalize("K1234567").is_some());
        assert!(DocumentType::Passport.normalize("12345678").is_none());
        assert!(
            DocumentType::DrivingLicense
                .normalize("MH-14 2011 0062821")
                .is_some()
        );
        assert!(DocumentType::DrivingLicense.normalize("MH14").is_none());
        assert!(DocumentType::VoterId.normalize("ABC1234567").is_some());
        assert!(DocumentType::VoterId.normalize("AB12345678").is_none());
        assert!(DocumentType::Pan.normalize("ÄBCDE1234F").is_none());
    }

    #[test]
    fn masks_keep_the_last_four() {
        assert_eq!(mask_document_number("234567890124"), "********0124");
        assert_eq!(mask_document_number("AB1"), "AB1");
    }
}
