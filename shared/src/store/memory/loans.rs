//! Loans in memory: kept with the users (one lock), so a repayment's wallet debit, loan and
//! records change together.

use super::{MemoryStore, Users, lock, of_user};
use crate::domain::{
    Disbursal, DisburseDenied, KycStatus, Loan, LoanId, LoanRepayment, Repaid, RepayDenied,
    Repayment, RepaymentSource, UserId, UserStatus,
};
use crate::store::{LoanStore, StoreResult};
use async_trait::async_trait;
use std::collections::{BTreeMap, HashMap};

/// What an idempotency key recorded: its fingerprint and the first result.
#[derive(Clone)]
enum Recorded {
    Disbursed(String, Loan),
    Repaid(String, Box<Repaid>),
}

#[derive(Default)]
pub(super) struct Loans {
    loans: BTreeMap<(UserId, LoanId), Loan>,
    repayments: BTreeMap<(UserId, LoanId, u64), Repayment>,
    /// (user id, kind `D#` or `R#` and idempotency key) → what it recorded
    keys: HashMap<(UserId, String), Recorded>,
}

impl Loans {
    /// Removes the user's loans, repayments and keys; returns its loans, oldest first.
    pub(super) fn remove_user(&mut self, user_id: &UserId) -> Vec<Loan> {
        self.repayments.retain(|(u, _, _), _| u != user_id);
        self.keys.retain(|(u, _), _| u != user_id);
        let mine: Vec<(UserId, LoanId)> = self
            .loans
            .keys()
            .filter(|(u, _)| u == user_id)
            .cloned()
            .collect();
        mine.iter().filter_map(|k| self.loans.remove(k)).collect()
    }
}

fn may_borrow(d: &Users, user_id: &UserId) -> Result<(), DisburseDenied> {
    match d.users.get(user_id) {
        Some(u) if u.status == UserStatus::Active && u.deleting_since_ms.is_none() => {
            match u.kyc_status {
                KycStatus::Verified => Ok(()),
                _ => Err(DisburseDenied::KycNotVerified),
            }
        }
        _ => Err(DisburseDenied::NoUser),
    }
}

#[async_trait]
impl LoanStore for MemoryStore {
    async fn disburse(&self, d: &Disbursal) -> StoreResult<Result<Loan, DisburseDenied>> {
        let mut u = lock(&self.users);
        let user = d.loan.user_id.clone();
        let k = (user.clone(), format!("D#{}", d.idempotency_key));
        match u.loans.keys.get(&k) {
            Some(Recorded::Disbursed(f, loan)) if *f == d.fingerprint => {
                return Ok(Ok(loan.clone()));
            }
            Some(_) => return Ok(Err(DisburseDenied::KeyReused)),
            None => {}
        }
        if let Err(denied) = may_borrow(&u, &user) {
            return Ok(Err(denied));
        }
        let audit = d.audit_record();
        u.audit.insert(audit.sort_key(), audit);
        let l = &mut u.loans;
        l.keys.insert(
            k,
            Recorded::Disbursed(d.fingerprint.clone(), d.loan.clone()),
        );
        l.loans
            .insert((user, d.loan.loan_id.clone()), d.loan.clone());
        Ok(Ok(d.loan.clone()))
    }

    async fn repay(&self, r: &LoanRepayment) -> StoreResult<Result<Repaid, RepayDenied>> {
        let mut u = lock(&self.users);
        let k = (r.user_id.clone(), format!("R#{}", r.idempotency_key));
        match u.loans.keys.get(&k) {
            Some(Recorded::Repaid(f, done)) if *f == r.fingerprint => return Ok(Ok(*done.clone())),
            Some(_) => return Ok(Err(RepayDenied::KeyReused)),
            None => {}
        }
        let id = (r.user_id.clone(), r.loan_id.clone());
        let Some(loan) = u.loans.loans.get(&id).cloned() else {
            return Ok(Err(RepayDenied::NoLoan));
        };
        let wallet = u.wallets.get(&r.user_id).cloned().unwrap_or_default();
        let done = match r.apply(&loan, &wallet) {
            Ok(done) => done,
            Err(denied) => return Ok(Err(denied)),
        };
        if let (RepaymentSource::Wallet, Some(w), Some(e)) = (r.source, &done.wallet, &done.entry) {
            u.wallets.insert(r.user_id.clone(), w.clone());
            u.ledger.insert((r.user_id.clone(), e.seq), e.clone());
        }
        if let Some(audit) = r.audit_record(&loan, &done) {
            u.audit.insert(audit.sort_key(), audit);
        }
        let l = &mut u.loans;
        let seq = done.repayment.seq;
        l.repayments
            .insert((id.0.clone(), id.1.clone(), seq), done.repayment.clone());
        l.loans.insert(id, done.loan.clone());
        l.keys.insert(
            k,
            Recorded::Repaid(r.fingerprint.clone(), Box::new(done.clone())),
        );
        Ok(Ok(done))
    }

    async fn list_loans(&self, user_id: &UserId) -> StoreResult<Vec<Loan>> {
        let mut loans = of_user(&lock(&self.users).loans.loans, user_id);
        loans.reverse();
        Ok(loans)
    }

    async fn get_loan(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Option<Loan>> {
        let u = lock(&self.users);
        Ok(u.loans
            .loans
            .get(&(user_id.clone(), loan_id.clone()))
            .cloned())
    }

    async fn repayments(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Vec<Repayment>> {
        let u = lock(&self.users);
        Ok(u.loans
            .repayments
            .iter()
            .filter(|((uid, lid, _), _)| uid == user_id && lid == loan_id)
            .map(|(_, r)| r.clone())
            .collect())
    }
}
