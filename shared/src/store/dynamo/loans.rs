//! Loans (`USER#<id>`/`LOAN#<loan_id>`), their repayments (`USER#<id>`/`REPAY#<loan_id>#<seq>`)
//! and the idempotency records of loan operations (`USER#<id>`/`LOANIDEM#<key>`), in the users
//! table under the borrower's partition.
//!
//! A disbursal is one transaction: idempotency record, loan, the audit record, and a check that
//! the account is active, not being deleted and KYC-verified. A repayment reads the loan and the
//! wallet, computes the result, and commits idempotency record, loan (conditional on the version
//! read), repayment record and either the wallet debit (conditional on its `seq`) with its
//! ledger entry or the admin's audit record; when another write got in first, it reads again.

use super::expr::Cond;
use super::items::{audit_item, wallet_key};
use super::keys::{
    LOAN_PREFIX, PROFILE_SK, ledger_sk, loan_idempotency_sk, loan_sk, repayment_sk,
    repayments_prefix, user_pk,
};
use super::tx::Transaction;
use super::{DynamoStore, Item, from_item, key, n, s, to_item};
use crate::domain::{
    Disbursal, DisburseDenied, KycStatus, Loan, LoanId, LoanRepayment, Repaid, RepayDenied,
    Repayment, RepaymentSource, User, UserId, UserStatus,
};
use crate::store::tables::Table;
use crate::store::{LoanStore, StoreError, StoreResult};
use async_trait::async_trait;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// How often a repayment re-reads a loan or wallet that others changed meanwhile (each round
/// one contender commits).
const MAX_ROUNDS: u32 = 40;

/// The kinds of idempotency record (`loan_idempotency_sk`).
const DISBURSE: char = 'D';
const REPAY: char = 'R';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Idempotency,
    Loan,
    Account,
    Repayment,
    Wallet,
    Entry,
    Audit,
}

/// What an idempotency key recorded.
#[derive(Serialize, Deserialize)]
struct Applied<T> {
    fingerprint: String,
    result: T,
}

/// The account may borrow: it exists, is active, is not being deleted, and is KYC-verified.
fn may_borrow() -> Cond {
    Cond::item_exists()
        .and(Cond::eq("status", s(UserStatus::Active.as_str())))
        .and(Cond::Absent("deleting_since_ms"))
        .and(Cond::eq("kyc_status", s(KycStatus::Verified.as_str())))
}

impl DynamoStore {
    /// The first result recorded under `key` for `user`: `Ok` when its fingerprint matches.
    async fn recorded<T: DeserializeOwned>(
        &self,
        user: &UserId,
        (kind, idempotency_key): (char, &str),
        fingerprint: &str,
    ) -> StoreResult<Option<Result<T, ()>>> {
        let k = key(user_pk(user), loan_idempotency_sk(kind, idempotency_key));
        let Some(applied) = self.get_as::<Applied<T>>(Table::Users, k).await? else {
            return Ok(None);
        };
        Ok(Some(match applied.fingerprint == fingerprint {
            true => Ok(applied.result),
            false => Err(()),
        }))
    }

    fn idempotency_item<T: Serialize>(
        &self,
        user: &UserId,
        (kind, idempotency_key): (char, &str),
        fingerprint: &str,
        result: &T,
    ) -> StoreResult<Item> {
        let applied = Applied {
            fingerprint: fingerprint.to_string(),
            result,
        };
        to_item(
            &applied,
            key(user_pk(user), loan_idempotency_sk(kind, idempotency_key)),
        )
    }

    /// Why a disbursal's account check failed.
    async fn why_not_borrower(&self, user: &UserId) -> StoreResult<DisburseDenied> {
        let profile = self.get_as::<User>(Table::Users, key(user_pk(user), PROFILE_SK));
        Ok(match profile.await? {
            Some(u) if u.status == UserStatus::Active && u.deleting_since_ms.is_none() => {
                DisburseDenied::KycNotVerified
            }
            _ => DisburseDenied::NoUser,
        })
    }

    /// One attempt at a repayment: `None` when the loan or wallet changed since they were read.
    async fn try_repay(
        &self,
        r: &LoanRepayment,
    ) -> StoreResult<Option<Result<Repaid, RepayDenied>>> {
        let replay =
            self.recorded::<Repaid>(&r.user_id, (REPAY, &r.idempotency_key), &r.fingerprint);
        if let Some(done) = replay.await? {
            return Ok(Some(done.map_err(|()| RepayDenied::KeyReused)));
        }
        // The wallet matters only to a repayment from it; both are read at once.
        let wallet = async {
            match r.source {
                RepaymentSource::Wallet => self.stored_wallet(&r.user_id).await,
                RepaymentSource::Admin => Ok(None),
            }
        };
        let (loan, stored_wallet) =
            tokio::try_join!(self.get_loan(&r.user_id, &r.loan_id), wallet)?;
        let Some(loan) = loan else {
            return Ok(Some(Err(RepayDenied::NoLoan)));
        };
        let done = match r.apply(&loan, &stored_wallet.clone().unwrap_or_default()) {
            Ok(done) => done,
            Err(denied) => return Ok(Some(Err(denied))),
        };
        let tx = self.repay_tx(r, &loan, stored_wallet.map(|w| w.seq), &done)?;
        let outcome = self.run(tx).await?;
        Ok(outcome.committed().then_some(Ok(done)))
    }

    /// Idempotency record, loan (at the version read), repayment, and the wallet debit with
    /// its ledger entry or the admin's audit record: one transaction.
    fn repay_tx(
        &self,
        r: &LoanRepayment,
        before: &Loan,
        wallet_seq: Option<u64>,
        done: &Repaid,
    ) -> StoreResult<Transaction<Part>> {
        let t = self.table(Table::Users);
        let pk = user_pk(&r.user_id);
        let idem = self.idempotency_item(
            &r.user_id,
            (REPAY, &r.idempotency_key),
            &r.fingerprint,
            done,
        )?;
        let loan = to_item(&done.loan, key(pk.clone(), loan_sk(&before.loan_id)))?;
        let rk = key(
            pk.clone(),
            repayment_sk(&before.loan_id, done.repayment.seq),
        );
        let mut tx = Transaction::new()
            .put(Part::Idempotency, t, idem, Some(Cond::item_absent()))?
            .put(
                Part::Loan,
                t,
                loan,
                Some(Cond::eq("version", n(before.version))),
            )?
            .put(
                Part::Repayment,
                t,
                to_item(&done.repayment, rk)?,
                Some(Cond::item_absent()),
            )?;
        if let (Some(w), Some(e)) = (&done.wallet, &done.entry) {
            let unchanged = match wallet_seq {
                None => Cond::item_absent(),
                Some(seq) => Cond::eq("seq", n(seq)),
            };
            let entry = to_item(e, key(pk, ledger_sk(e.seq)))?;
            tx = tx
                .put(
                    Part::Wallet,
                    t,
                    to_item(w, wallet_key(&r.user_id))?,
                    Some(unchanged),
                )?
                .put(Part::Entry, t, entry, Some(Cond::item_absent()))?;
        }
        if let Some(audit) = r.audit_record(before, done) {
            tx = tx.put(
                Part::Audit,
                t,
                audit_item(&audit)?,
                Some(Cond::item_absent()),
            )?;
        }
        Ok(tx)
    }
}

#[async_trait]
impl LoanStore for DynamoStore {
    async fn disburse(&self, d: &Disbursal) -> StoreResult<Result<Loan, DisburseDenied>> {
        let user = &d.loan.user_id;
        let replay = self.recorded::<Loan>(user, (DISBURSE, &d.idempotency_key), &d.fingerprint);
        if let Some(done) = replay.await? {
            return Ok(done.map_err(|()| DisburseDenied::KeyReused));
        }
        let t = self.table(Table::Users);
        let pk = user_pk(user);
        let idem = self.idempotency_item(
            user,
            (DISBURSE, &d.idempotency_key),
            &d.fingerprint,
            &d.loan,
        )?;
        let loan = to_item(&d.loan, key(pk.clone(), loan_sk(&d.loan.loan_id)))?;
        let tx = Transaction::new()
            .put(Part::Idempotency, t, idem, Some(Cond::item_absent()))?
            .put(Part::Loan, t, loan, Some(Cond::item_absent()))?
            .check(Part::Account, t, key(pk, PROFILE_SK), may_borrow())?
            .put(
                Part::Audit,
                t,
                audit_item(&d.audit_record())?,
                Some(Cond::item_absent()),
            )?;
        let outcome = self.run(tx).await?;
        if outcome.committed() {
            return Ok(Ok(d.loan.clone()));
        }
        if outcome.failed(Part::Account) {
            return Ok(Err(self.why_not_borrower(user).await?));
        }
        // The key was taken meanwhile: answer as a replay would.
        let replay = self.recorded::<Loan>(user, (DISBURSE, &d.idempotency_key), &d.fingerprint);
        match replay.await? {
            Some(done) => Ok(done.map_err(|()| DisburseDenied::KeyReused)),
            None => Err(StoreError::Unavailable(
                "disbursal: transaction refused".into(),
            )),
        }
    }

    async fn repay(&self, r: &LoanRepayment) -> StoreResult<Result<Repaid, RepayDenied>> {
        for round in 0..MAX_ROUNDS {
            if let Some(done) = self.try_repay(r).await? {
                return Ok(done);
            }
            let jitter = crate::crypto::random_below(round + 2);
            tokio::time::sleep(std::time::Duration::from_millis(u64::from(jitter))).await;
        }
        Err(StoreError::Unavailable(
            "loan repayment: the loan or wallet kept changing".into(),
        ))
    }

    async fn list_loans(&self, user_id: &UserId) -> StoreResult<Vec<Loan>> {
        let items = self
            .query_prefix(Table::Users, user_pk(user_id), LOAN_PREFIX)
            .await?;
        let mut loans = items
            .into_iter()
            .map(from_item)
            .collect::<StoreResult<Vec<Loan>>>()?;
        loans.reverse();
        Ok(loans)
    }

    async fn get_loan(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Option<Loan>> {
        self.get_as(Table::Users, key(user_pk(user_id), loan_sk(loan_id)))
            .await
    }

    async fn repayments(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Vec<Repayment>> {
        let prefix = repayments_prefix(loan_id);
        let items = self
            .query_prefix(Table::Users, user_pk(user_id), &prefix)
            .await?;
        items.into_iter().map(from_item).collect()
    }
}
