//! Keys and item shapes that several adapters write into one transaction (a registration
//! writes the profile's list entry, a deletion the wallet's closing record, an admin change its
//! audit record), kept apart from the adapters so none of them imports another.

use super::keys::{
    AUDIT_PK, CREDENTIAL_SK, PROFILE_SK, WALLET_SK, audit_list_pk, closed_wallet_pk, credential_pk,
    user_pk, users_list_pk,
};
use super::{Item, key, s, to_item};
use crate::domain::{AuditRecord, UserStatus, user_sort_key};
use crate::store::StoreResult;
use crate::store::tables::LISTS_INDEX;
use aws_sdk_dynamodb::types::AttributeValue;

pub(super) fn profile_key(user_id: &str) -> Item {
    key(user_pk(user_id), PROFILE_SK)
}

pub(super) fn wallet_key(user_id: &str) -> Item {
    key(user_pk(user_id), WALLET_SK)
}

/// The claim of a passkey's credential id (written with the passkey, deleted with the account).
pub(super) fn credential_claim_key(credential_id: &str) -> Item {
    key(credential_pk(credential_id), CREDENTIAL_SK)
}

/// Where a deleted account's wallet balance is kept for settlement.
pub(super) fn closed_key(user_id: &str) -> Item {
    key(closed_wallet_pk(user_id), WALLET_SK)
}

/// The `lists` index entry of a profile with `status`.
pub(super) fn list_entry(
    status: UserStatus,
    created_at_ms: i64,
    user_id: &str,
) -> [(String, AttributeValue); 2] {
    [
        (
            LISTS_INDEX.pk.into(),
            s(users_list_pk(status.as_str(), user_id)),
        ),
        (
            LISTS_INDEX.sk.into(),
            s(user_sort_key(created_at_ms, user_id)),
        ),
    ]
}

/// An audit record as stored: under `AUDIT`, in its target's list, with `before` and `after`
/// kept as JSON text (their shape is the action's, not the table's).
pub(super) fn audit_item(a: &AuditRecord) -> StoreResult<Item> {
    let sort = a.sort_key();
    let mut item = to_item(a, key(AUDIT_PK, sort.clone()))?;
    let json = |v: &serde_json::Value| s(v.to_string());
    item.insert("before".into(), json(&a.before));
    item.insert("after".into(), json(&a.after));
    item.insert(LISTS_INDEX.pk.into(), s(audit_list_pk(&a.target_user_id)));
    item.insert(LISTS_INDEX.sk.into(), s(sort));
    Ok(item)
}
