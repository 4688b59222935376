//! KYC review and wallet adjustment, each written with its audit record.

use super::{Admin, AdminCaller};
use crate::domain::{
    AdjustDenied, AuditAction, AuditRecord, AuditStamp, Conflict, Error, KycDecision, KycRecord,
    KycStatus, MAX_ADJUSTMENT, Result, UserId, Wallet, WalletAdjustment,
};
use crate::validate;

/// An adjustment's result: the wallet after it, and whether it had been applied before (a
/// replay with the same key and body changes nothing).
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub wallet: Wallet,
    pub replayed: bool,
}

/// An admin's wallet adjustment as asked.
#[derive(Debug, Clone)]
pub struct AdjustRequest {
    /// Minor units; negative for a debit.
    pub amount: i64,
    pub points: i64,
    pub reason: String,
    pub idempotency_key: String,
}

impl Admin<'_> {
    pub(super) fn stamp(&self, caller: &AdminCaller) -> AuditStamp {
        AuditStamp {
            audit_id: super::audit_id(),
            admin_id: caller.user.user_id.clone(),
            at_ms: self.now_ms(),
        }
    }

    /// Marks a `PENDING` KYC `VERIFIED` or `REJECTED` (409 otherwise), with its audit record
    /// in the same write.
    pub async fn review_kyc(
        &self,
        caller: &AdminCaller,
        user_id: &UserId,
        decision: KycDecision,
        reason: Option<String>,
    ) -> Result<KycRecord> {
        let reason = reason
            .map(|r| validate::free_text("reason", &r, 500))
            .transpose()?;
        self.user(user_id).await?;
        let previous = self
            .kyc
            .get_kyc(user_id)
            .await?
            .ok_or(Error::NotFound("kyc"))?;
        if previous.status != KycStatus::Pending {
            return Err(Error::Conflict(Conflict::KycNotPending));
        }
        let stamp = self.stamp(caller);
        let status = match decision {
            KycDecision::Verified => KycStatus::Verified,
            KycDecision::Rejected => KycStatus::Rejected,
        };
        let record = KycRecord {
            status,
            reviewed_at_ms: Some(stamp.at_ms),
            rejection_reason: reason.filter(|_| status == KycStatus::Rejected),
            version: previous.version + 1,
            ..previous.clone()
        };
        let audit = AuditRecord {
            audit_id: stamp.audit_id,
            at_ms: stamp.at_ms,
            admin_id: stamp.admin_id,
            action: AuditAction::KycReviewed,
            target_user_id: user_id.clone(),
            before: serde_json::json!({ "status": previous.status.as_str() }),
            after: serde_json::json!({
                "status": record.status.as_str(),
                "reason": record.rejection_reason,
            }),
        };
        if !self.admin.review_kyc(&record, &previous, &audit).await? {
            // Changed meanwhile (a correction or another review): no longer the one read.
            return Err(Error::Conflict(Conflict::KycNotPending));
        }
        tracing::info!(target_user = %user_id, status = %record.status, "KYC reviewed");
        Ok(record)
    }

    /// Applies an adjustment once per `idempotency_key` (a repeat with the same body returns
    /// the first result, marked replayed; with another body, 409). Never below zero.
    pub async fn adjust_wallet(
        &self,
        caller: &AdminCaller,
        user_id: &UserId,
        req: AdjustRequest,
    ) -> Result<Adjustment> {
        let range = -MAX_ADJUSTMENT..=MAX_ADJUSTMENT;
        if !range.contains(&req.amount) {
            return Err(Error::invalid("amount", "amount is out of range"));
        }
        if !range.contains(&req.points) {
            return Err(Error::invalid("points", "points is out of range"));
        }
        if req.amount == 0 && req.points == 0 {
            return Err(Error::invalid(
                "amount",
                "amount or points must be non-zero",
            ));
        }
        let reason = validate::free_text("reason", &req.reason, 200)?;
        let key = &req.idempotency_key;
        validate::idempotency_key(key)?;
        self.user(user_id).await?;
        let (amount, points) = (req.amount.to_string(), req.points.to_string());
        let fingerprint = self.secret.mac_hex(
            "wallet-adjustment",
            &[amount.as_bytes(), points.as_bytes(), reason.as_bytes()],
        );
        let stamp = self.stamp(caller);
        let adj = WalletAdjustment {
            user_id: user_id.clone(),
            idempotency_key: key.clone(),
            fingerprint,
            amount: req.amount,
            points: req.points,
            reason,
            transaction_id: uuid::Uuid::new_v4().to_string(),
            actor: Some(stamp.admin_id.clone()),
            now_ms: stamp.at_ms,
            audit: Some(stamp),
        };
        match self.wallets.adjust_wallet(&adj).await? {
            Ok(done) => Ok(Adjustment {
                replayed: done.entry.transaction_id != adj.transaction_id,
                wallet: done.wallet,
            }),
            Err(AdjustDenied::InsufficientFunds) => {
                Err(Error::Conflict(Conflict::InsufficientFunds))
            }
            Err(AdjustDenied::KeyReused) => Err(Error::Conflict(Conflict::IdempotencyKeyReused)),
            Err(AdjustDenied::NoUser) => Err(Error::NotFound("user")),
        }
    }
}
