//! Records and helpers shared by the conformance cases.

use shared::domain::{
    AccessChange, AuditRecord, Device, DocumentType, KycImages, KycRecord, KycStatus, OtpRecord,
    Platform, Pool, PoolType, Role, SendPlan, Session, SmsLimits, User, UserStatus, Verification,
};
use shared::store::{AuditQuery, Stores};
use shared::testing::e164;

pub const T0: i64 = 1_795_000_000_000;
pub const TODAY: &str = "2026-11-22";

pub fn plan(phone: &str, ip: &str, now_ms: i64) -> SendPlan {
    SendPlan {
        phone: e164(phone),
        ip: ip.into(),
        now_ms,
        cooldown_until_ms: now_ms + 60_000,
        nonce: shared::crypto::random_token(),
        hour_window: now_ms / 3_600_000,
        day_window: now_ms / 86_400_000,
        max_per_hour: 3,
        max_per_day: 4,
        max_per_ip_hour: 100,
        sms: None,
    }
}

/// A send that costs an SMS: `phone` in `prefix`, with the given prefix cap and budgets.
pub fn sms_plan(phone: &str, prefix: &str, now_ms: i64, caps: (u32, u32, u32)) -> SendPlan {
    let (max_per_prefix_hour, budget_hour, budget_day) = caps;
    SendPlan {
        sms: Some(SmsLimits {
            prefix: prefix.into(),
            max_per_prefix_hour,
            budget_hour,
            budget_day,
            conversion: None,
        }),
        ..plan(phone, "3.3.3.3", now_ms)
    }
}

pub fn otp(phone: &str, hash: &str) -> OtpRecord {
    OtpRecord {
        phone: e164(phone),
        code_hash: hash.into(),
        attempts: 0,
        max_attempts: 3,
        created_at_ms: T0,
        expires_at_ms: T0 + 300_000,
        conversion: None,
    }
}

pub fn vt(hash: &str, phone: &str) -> Verification {
    Verification {
        token_hash: hash.into(),
        phone: e164(phone),
        expires_at_ms: T0 + 600_000,
    }
}

pub fn user(id: &str, phone: &str) -> User {
    let mut u = User::new(id.into(), e164(phone), "N".into(), T0, 7);
    u.password_hash = Some("h".into());
    u
}

pub fn session(uid: &str, sid: &str) -> Session {
    Session {
        user_id: uid.into(),
        session_id: sid.into(),
        epoch: 7,
        seed: "seed".into(),
        generation: 0,
        rotated_at_ms: None,
        device_id: Some("d1".into()),
        platform: Some(Platform::Ios),
        created_at_ms: T0,
        last_used_at_ms: T0,
        expires_at_ms: T0 + 1_000_000,
    }
}

pub fn pool(id: &str, owner: &str, total: u32) -> Pool {
    Pool {
        pool_id: id.into(),
        name: "P".into(),
        owner_id: owner.into(),
        contribution_amount: 100,
        currency: "INR".into(),
        total_members: total,
        joined_members: 0,
        deadline: "2026-12-01".into(),
        pool_type: PoolType::Weekly,
        created_at_ms: T0,
    }
}

pub fn device(id: &str, push_token: Option<&str>) -> Device {
    Device {
        device_id: id.into(),
        platform: Platform::Android,
        push_token: push_token.map(String::from),
        app_version: None,
        os_version: None,
        device_name: None,
    }
}

/// Creates user `id` with `phone` through the port (consuming a fresh verification token).
pub async fn make_user(s: &Stores, id: &str, phone: &str) {
    let token = format!("vt-{id}");
    s.verifications
        .put_verification(&vt(&token, phone))
        .await
        .unwrap();
    let created = s.users.create_user(&user(id, phone), &token, T0).await;
    assert_eq!(created.unwrap(), Ok(()));
}

pub use shared::testing::race;

/// Creates each of `ids` as an active user (joins check the account), phones made from the ids.
pub async fn make_users(s: &Stores, ids: &[&str]) {
    for id in ids {
        make_user(s, id, &format!("+1555{id}")).await;
    }
}

/// Creates `pool` with a cap no case reaches; true unless its id is taken.
pub async fn create(s: &Stores, pool: &Pool) -> bool {
    let cap = shared::domain::OpenPoolCap {
        max_open: 1_000,
        today: TODAY.into(),
    };
    match s.pools.create_pool(pool, &cap).await.unwrap() {
        Ok(()) => true,
        Err(shared::domain::CreatePoolDenied::IdTaken) => false,
        Err(denied) => panic!("{denied:?}"),
    }
}

/// A pending KYC record of `uid` for document `hash`, submitted at `T0`.
pub fn kyc_record(uid: &str, hash: &str, version: u64) -> KycRecord {
    KycRecord {
        user_id: uid.into(),
        status: KycStatus::Pending,
        document_type: DocumentType::Pan,
        document_number_sealed: "sealed".into(),
        document_hash: hash.into(),
        masked_document_number: "******234F".into(),
        images: KycImages {
            front: format!("kyc/{uid}/front/a.jpg"),
            back: None,
            selfie: None,
        },
        submitted_at_ms: T0,
        reviewed_at_ms: None,
        rejection_reason: None,
        version,
    }
}

/// Makes users `u1` and `u2`, then `n` audited role changes alternating between them (grant,
/// then removal, ...) at `T0 + i`, change `i` audited by `audit_of(i, target)`.
pub async fn alternate_roles(s: &Stores, n: i64, audit_of: impl Fn(i64, &str) -> AuditRecord) {
    make_user(s, "u1", "+91a").await;
    make_user(s, "u2", "+91b").await;
    let mut role = [Role::User, Role::User];
    for i in 0..n {
        let (target, slot) = if i % 2 == 0 { ("u1", 0) } else { ("u2", 1) };
        let to = match role[slot] {
            Role::User => Role::Admin,
            Role::Admin => Role::User,
        };
        let change = AccessChange {
            user_id: target.into(),
            from_status: UserStatus::Active,
            from_role: role[slot],
            status: UserStatus::Active,
            role: to,
            new_epoch: None,
            now_ms: T0 + i,
        };
        let applied = s.admin.change_access(&change, &audit_of(i, target)).await;
        assert!(applied.unwrap().is_some(), "change {i}");
        role[slot] = to;
    }
}

/// Up to `limit` records of the audit trail (of `target` when given) below `before`.
pub async fn trail(
    s: &Stores,
    target: Option<&str>,
    before: Option<&str>,
    limit: usize,
) -> Vec<AuditRecord> {
    let query = AuditQuery {
        target,
        from: None,
        before,
    };
    s.admin.list_audit(query, limit).await.unwrap()
}
