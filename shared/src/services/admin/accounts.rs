//! The users list, one user's detail for review, and status and role changes.

use super::{Admin, AdminCaller};
use crate::domain::{
    AccessChange, AuditAction, AuditRecord, Device, Error, KycRecord, KycStatus, LedgerEntry, Loan,
    Passkey, Result, Role, Session, UploadPurpose, User, UserId, UserStatus, Wallet, is_sort_key,
};
use crate::phone::Phone;
use crate::services::auth::new_epoch;
use crate::services::paging::{decode_cursor, encode_cursor, finish_page, page_limit};
use crate::store::{ListOrder, UserListing};
use std::time::Duration;

/// How long a KYC image link in the detail works.
pub(super) const IMAGE_LINK_TTL: Duration = Duration::from_secs(300);
/// Ledger entries shown in the detail.
const DETAIL_TRANSACTIONS: usize = 10;
const CURSOR: &str = "users";
/// How often a status or role change re-reads a user that changed meanwhile.
const ROUNDS: usize = 3;

/// What `GET /v1/admin/users` looks for: one account by `phone` (any accepted spelling) or
/// `user_id`, or a list by `status` (sign-up time, newest first) or by `kyc_status` (KYC
/// submission time; `PENDING` oldest first, the review queue). `order` overrides the direction.
#[derive(Debug, Clone, Default)]
pub struct UserSearch {
    pub phone: Option<String>,
    pub user_id: Option<String>,
    pub status: Option<UserStatus>,
    pub kyc_status: Option<KycStatus>,
    pub order: Option<ListOrder>,
}

impl UserSearch {
    fn listing(&self) -> Result<UserListing> {
        match (self.status, self.kyc_status) {
            (Some(_), Some(_)) => Err(Error::invalid(
                "kyc_status",
                "status and kyc_status cannot be combined",
            )),
            (_, Some(KycStatus::NotSubmitted)) => Err(Error::invalid(
                "kyc_status",
                "kyc_status must be PENDING, VERIFIED or REJECTED",
            )),
            (_, Some(k)) => Ok(UserListing::Kyc(k)),
            (status, None) => Ok(UserListing::Accounts(status)),
        }
    }
}

pub struct UserPage {
    pub items: Vec<User>,
    /// Each listed user's wallet balance (minor units), in the order of `items`.
    pub balances: Vec<i64>,
    pub next_cursor: Option<String>,
}

/// What an admin reviews about one user.
pub struct UserDetail {
    pub user: User,
    pub kyc: Option<KycRecord>,
    /// Short-lived download links of the KYC images.
    pub images: Vec<(UploadPurpose, String)>,
    /// Other users holding the same document.
    pub duplicate_of: Vec<UserId>,
    pub wallet: Wallet,
    pub transactions: Vec<LedgerEntry>,
    /// Newest first.
    pub loans: Vec<Loan>,
    pub devices: Vec<Device>,
    /// Live sessions only.
    pub sessions: Vec<Session>,
    /// Oldest first.
    pub passkeys: Vec<Passkey>,
}

impl Admin<'_> {
    /// A page of users (`limit` 1..=100, default 20): the account with a phone or an id, or a
    /// list from the index (see [`UserSearch`]).
    pub async fn list_users(
        &self,
        search: &UserSearch,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<UserPage> {
        let limit = page_limit(limit)?;
        if let Some(found) = self.find_one(search).await? {
            let items: Vec<User> = found.into_iter().collect();
            let balances = self.balances(&items).await?;
            return Ok(UserPage {
                items,
                balances,
                next_cursor: None,
            });
        }
        let listing = search.listing()?;
        let order = search.order.unwrap_or(match listing {
            UserListing::Kyc(KycStatus::Pending) => ListOrder::OldestFirst,
            _ => ListOrder::NewestFirst,
        });
        let past = cursor
            .map(|c| decode_cursor(CURSOR, c, is_sort_key))
            .transpose()?;
        let users = self
            .admin
            .list_users(listing, order, past.as_deref(), limit + 1)
            .await?;
        let (items, next_cursor) = finish_page(users, limit, |(k, _)| encode_cursor(CURSOR, k));
        let items: Vec<User> = items.into_iter().map(|(_, u)| u).collect();
        let balances = self.balances(&items).await?;
        Ok(UserPage {
            items,
            balances,
            next_cursor,
        })
    }

    /// The wallets' balances, read in parallel (one key read each).
    async fn balances(&self, users: &[User]) -> Result<Vec<i64>> {
        let reads = users.iter().map(|u| self.wallets.get_wallet(&u.user_id));
        let wallets = futures::future::try_join_all(reads).await?;
        Ok(wallets.iter().map(|w| w.balance).collect())
    }

    /// The one account a phone or user id names (`Some(None)`: none), or `None` for a list.
    async fn find_one(&self, search: &UserSearch) -> Result<Option<Option<User>>> {
        let filters = [
            search.status.is_some(),
            search.kyc_status.is_some(),
            search.order.is_some(),
        ];
        let exact = search.phone.is_some() || search.user_id.is_some();
        if exact && filters.iter().any(|f| *f) || search.phone.is_some() && search.user_id.is_some()
        {
            return Err(Error::invalid(
                "phone",
                "phone or user_id finds one account and takes no other filter",
            ));
        }
        if let Some(raw) = &search.phone {
            let phone = Phone::parse(raw, None, self.config.default_country)
                .map_err(|_| Error::invalid("phone", "phone is not a valid phone number"))?;
            let Some(id) = self.users.user_id_by_phone(phone.e164()).await? else {
                return Ok(Some(None));
            };
            return Ok(Some(self.users.get_user(&id).await?));
        }
        if let Some(id) = &search.user_id {
            let id = UserId::new(id.as_str());
            if !id.is_well_formed() {
                return Err(Error::invalid("user_id", "user_id must be a UUID"));
            }
            return Ok(Some(self.users.get_user(&id).await?));
        }
        Ok(None)
    }

    pub(super) async fn user(&self, user_id: &UserId) -> Result<User> {
        if uuid::Uuid::parse_str(user_id).is_err() {
            return Err(Error::NotFound("user"));
        }
        self.users
            .get_user(user_id)
            .await?
            .ok_or(Error::NotFound("user"))
    }

    pub async fn user_detail(&self, user_id: &UserId) -> Result<UserDetail> {
        let user = self.user(user_id).await?;
        let s = self;
        let (kyc, wallet, transactions, devices, sessions, (loans, passkeys)) = tokio::try_join!(
            s.kyc.get_kyc(user_id),
            s.wallets.get_wallet(user_id),
            s.wallets.list_ledger(user_id, None, DETAIL_TRANSACTIONS),
            s.devices.list_devices(user_id),
            s.sessions.list_sessions(user_id),
            async {
                tokio::try_join!(
                    s.loans.list_loans(user_id),
                    s.passkeys.list_passkeys(user_id)
                )
            },
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
            loans,
            devices,
            sessions,
            passkeys,
        })
    }

    /// Sets the user's status and/or role. Suspension revokes every session of the user in
    /// the same write. An admin cannot suspend itself or remove its own role, and a phone in
    /// `ADMIN_PHONES` keeps the role.
    pub async fn update_user(
        &self,
        caller: &AdminCaller,
        user_id: &UserId,
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
                user_id: user_id.clone(),
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
            if let Some(after) = self.admin.change_access(&change, &audit).await? {
                tracing::info!(
                    target_user = %user_id,
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
            audit_id: super::audit_id(),
            at_ms: c.now_ms,
            admin_id: caller.user.user_id.clone(),
            action,
            target_user_id: c.user_id.clone(),
            before: values(c.from_status, c.from_role),
            after: values(c.status, c.role),
        }
    }
}
