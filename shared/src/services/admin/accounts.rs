//! The users list, one user's detail for review, and status and role changes.

use super::{Admin, AdminCaller};
use crate::domain::{
    AccessChange, AuditAction, AuditRecord, Device, Error, KycRecord, LedgerEntry, Result, Role,
    Session, UploadPurpose, User, UserStatus, Wallet, is_sort_key, user_sort_key,
};
use crate::services::auth::new_epoch;
use crate::services::paging::{decode_cursor, encode_cursor, finish_page, page_limit};
use std::time::Duration;

/// How long a KYC image link in the detail works.
pub const IMAGE_LINK_TTL: Duration = Duration::from_secs(300);
/// Ledger entries shown in the detail.
const DETAIL_TRANSACTIONS: usize = 10;
const CURSOR: &str = "users";
/// How often a status or role change re-reads a user that changed meanwhile.
const ROUNDS: usize = 3;

pub struct UserPage {
    pub items: Vec<User>,
    pub next_cursor: Option<String>,
}

/// What an admin reviews about one user.
pub struct UserDetail {
    pub user: User,
    pub kyc: Option<KycRecord>,
    /// Short-lived download links of the KYC images.
    pub images: Vec<(UploadPurpose, String)>,
    /// Other users holding the same document.
    pub duplicate_of: Vec<String>,
    pub wallet: Wallet,
    pub transactions: Vec<LedgerEntry>,
    pub devices: Vec<Device>,
    /// Live sessions only.
    pub sessions: Vec<Session>,
}

impl Admin<'_> {
    /// Users newest first, `limit` (1..=100, default 20) at a time, optionally of one status.
    pub async fn list_users(
        &self,
        status: Option<UserStatus>,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<UserPage> {
        let limit = page_limit(limit)?;
        let before = cursor
            .map(|c| decode_cursor(CURSOR, c, is_sort_key))
            .transpose()?;
        let users = self
            .stores
            .admin
            .list_users(status, before.as_deref(), limit + 1)
            .await?;
        let (items, next_cursor) = finish_page(users, limit, |u| {
            encode_cursor(CURSOR, &user_sort_key(u.created_at_ms, &u.user_id))
        });
        Ok(UserPage { items, next_cursor })
    }

    pub(super) async fn user(&self, user_id: &str) -> Result<User> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Err(Error::NotFound("user"));
        }
        self.stores
            .users
            .get_user(user_id)
            .await?
            .ok_or(Error::NotFound("user"))
    }

    pub async fn user_detail(&self, user_id: &str) -> Result<UserDetail> {
        let user = self.user(user_id).await?;
        let s = self.stores;
        let (kyc, wallet, transactions, devices, sessions) = tokio::try_join!(
            s.kyc.get_kyc(user_id),
            s.wallets.get_wallet(user_id),
            s.wallets.list_ledger(user_id, None, DETAIL_TRANSACTIONS),
            s.devices.list_devices(user_id),
            s.sessions.list_sessions(user_id),
        )?;
        let mut images = Vec::new();
        let mut duplicate_of = Vec::new();
        if let Some(k) = &kyc {
            for purpose in UploadPurpose::ALL {
                if let Some(key) = k.images.get(*purpose) {
                    images.push((
                        *purpose,
                        self.objects.presign_get(key, IMAGE_LINK_TTL).await?,
                    ));
                }
            }
            duplicate_of = s.kyc.document_holders(&k.document_hash).await?;
            duplicate_of.retain(|id| id != user_id);
            duplicate_of.sort();
        }
        let now = self.now_ms();
        let sessions = sessions
            .into_iter()
            .filter(|x| x.is_live(&user, now))
            .collect();
        Ok(UserDetail {
            user,
            kyc,
            images,
            duplicate_of,
            wallet,
            transactions,
            devices,
            sessions,
        })
    }

    /// Sets the user's status and/or role. Suspension revokes every session of the user in
    /// the same write. An admin cannot suspend itself or remove its own role, and a phone in
    /// `ADMIN_PHONES` keeps the role.
    pub async fn update_user(
        &self,
        caller: &AdminCaller,
        user_id: &str,
        status: Option<UserStatus>,
        role: Option<Role>,
    ) -> Result<User> {
        if status.is_none() && role.is_none() {
            return Err(Error::invalid("status", "give status, role or both"));
        }
        let own = caller.user.user_id == user_id;
        if own && status == Some(UserStatus::Suspended) {
            return Err(Error::invalid("status", "you cannot suspend yourself"));
        }
        if own && role == Some(Role::User) {
            return Err(Error::invalid(
                "role",
                "you cannot remove your own admin role",
            ));
        }
        for _ in 0..ROUNDS {
            let user = self.user(user_id).await?;
            if role == Some(Role::User) && self.config.is_admin_phone(&user.phone) {
                return Err(Error::invalid(
                    "role",
                    "this phone is listed in ADMIN_PHONES; it stays an admin",
                ));
            }
            let change = AccessChange {
                user_id: user_id.to_string(),
                from_status: user.status,
                from_role: user.role,
                status: status.unwrap_or(user.status),
                role: role.unwrap_or(user.role),
                new_epoch: (status == Some(UserStatus::Suspended)).then(new_epoch),
                now_ms: self.now_ms(),
            };
            if change.status == user.status && change.role == user.role {
                return Ok(user);
            }
            let audit = self.access_audit(caller, &change);
            if let Some(after) = self.stores.admin.change_access(&change, &audit).await? {
                tracing::info!(
                    target_user = user_id,
                    status = %after.status,
                    role = %after.role,
                    "admin changed access"
                );
                return Ok(after);
            }
        }
        Err(Error::internal(
            "user kept changing during an access change",
        ))
    }

    fn access_audit(&self, caller: &AdminCaller, c: &AccessChange) -> AuditRecord {
        let action = match c.status != c.from_status {
            true => AuditAction::StatusChanged,
            false => AuditAction::RoleChanged,
        };
        let values = |status: UserStatus, role: Role| serde_json::json!({ "status": status.as_str(), "role": role.as_str() });
        AuditRecord {
            audit_id: uuid::Uuid::new_v4().to_string(),
            at_ms: c.now_ms,
            admin_id: caller.user.user_id.clone(),
            action,
            target_user_id: c.user_id.clone(),
            before: values(c.from_status, c.from_role),
            after: values(c.status, c.role),
        }
    }
}
