//! `LoanStore`: disbursal to verified accounts, repayments from the wallet or recorded by an
//! admin, idempotency keys, and the races: parallel repayments never overdraw the wallet or
//! overpay the loan, parallel replays of one key apply once.

use super::fixtures::*;
use shared::domain::{
    AuditStamp, Disbursal, DisburseDenied, InstallmentPeriod, KycStatus, Loan, LoanId,
    LoanRepayment, LoanStatus, LoanTerms, RepayDenied, RepaymentSource, WalletAdjustment,
};
use shared::store::Stores;
use shared::testing::uid;

/// Creates user `id` with its KYC verified (it may borrow).
async fn borrower(s: &Stores, id: &str, phone: &str) {
    let token = format!("vt-{id}");
    s.verifications
        .put_verification(&vt(&token, phone))
        .await
        .unwrap();
    let mut u = user(id, phone);
    u.kyc_status = KycStatus::Verified;
    assert_eq!(s.users.create_user(&u, &token, T0).await.unwrap(), Ok(()));
}

fn stamp(id: &str) -> AuditStamp {
    AuditStamp {
        audit_id: format!("a-{id}"),
        admin_id: uid("admin"),
        at_ms: T0,
    }
}

fn disbursal(user: &str, loan: &str, key: &str, payback: i64) -> Disbursal {
    let terms = LoanTerms {
        amount_disbursed: payback * 5 / 6,
        payback_amount: payback,
        installment_amount: payback / 10,
        installment_period: InstallmentPeriod::Weekly,
        purpose: "seeds".into(),
        loan_type: "crop".into(),
    };
    Disbursal {
        loan: Loan::new(LoanId::new(loan), uid(user), terms, T0),
        idempotency_key: key.into(),
        fingerprint: format!("{payback}"),
        audit: stamp(&format!("disburse-{key}")),
    }
}

fn repayment(
    user: &str,
    loan: &str,
    key: &str,
    amount: i64,
    source: RepaymentSource,
) -> LoanRepayment {
    LoanRepayment {
        user_id: uid(user),
        loan_id: LoanId::new(loan),
        amount,
        source,
        note: None,
        idempotency_key: key.into(),
        fingerprint: format!("{loan}/{amount}"),
        repayment_id: format!("r-{key}"),
        transaction_id: format!("t-{key}"),
        now_ms: T0 + 5,
        audit: (source == RepaymentSource::Admin).then(|| stamp(&format!("repay-{key}"))),
    }
}

async fn fund(s: &Stores, user: &str, amount: i64) {
    let adj = WalletAdjustment {
        user_id: uid(user),
        idempotency_key: format!("fund-{amount}"),
        fingerprint: format!("{amount}"),
        amount,
        points: 0,
        reason: "top up".into(),
        transaction_id: format!("fund-{amount}"),
        actor: None,
        now_ms: T0,
        audit: None,
    };
    assert!(s.wallets.adjust_wallet(&adj).await.unwrap().is_ok());
}

/// Borrower `u1` with loan `0001` of `payback` and `funds` in its wallet.
async fn lent(s: &Stores, payback: i64, funds: i64) {
    borrower(s, "u1", "+91a").await;
    let d = disbursal("u1", "0001", "d", payback);
    s.loans.disburse(&d).await.unwrap().unwrap();
    if funds > 0 {
        fund(s, "u1", funds).await;
    }
}

async fn disbursal_needs_a_verified_active_account(s: Stores) {
    make_user(&s, "plain", "+91a").await;
    borrower(&s, "u1", "+91b").await;
    let d = |user| disbursal(user, "0001", "k1", 1200);
    assert_eq!(
        s.loans.disburse(&d("plain")).await.unwrap(),
        Err(DisburseDenied::KycNotVerified)
    );
    assert_eq!(
        s.loans.disburse(&d("ghost")).await.unwrap(),
        Err(DisburseDenied::NoUser)
    );
    let loan = s.loans.disburse(&d("u1")).await.unwrap().unwrap();
    assert_eq!(
        (loan.outstanding(), loan.status),
        (1200, LoanStatus::Active)
    );
    assert_eq!(
        s.loans.list_loans(&uid("u1")).await.unwrap(),
        std::slice::from_ref(&loan)
    );
    let id = LoanId::new("0001");
    assert_eq!(s.loans.get_loan(&uid("u1"), &id).await.unwrap(), Some(loan));
    assert!(s.loans.list_loans(&uid("plain")).await.unwrap().is_empty());
    assert!(s.users.begin_deletion(&uid("u1"), T0).await.unwrap());
    let later = disbursal("u1", "0002", "k2", 1200);
    assert_eq!(
        s.loans.disburse(&later).await.unwrap(),
        Err(DisburseDenied::NoUser)
    );
}

async fn a_key_replays_its_first_disbursal(s: Stores) {
    borrower(&s, "u1", "+91a").await;
    let first = s
        .loans
        .disburse(&disbursal("u1", "0001", "k", 1200))
        .await
        .unwrap();
    let again = s
        .loans
        .disburse(&disbursal("u1", "0009", "k", 1200))
        .await
        .unwrap();
    assert_eq!(again, first, "the first loan, nothing written");
    let other = s
        .loans
        .disburse(&disbursal("u1", "0009", "k", 999))
        .await
        .unwrap();
    assert_eq!(other, Err(DisburseDenied::KeyReused));
    let newer = s
        .loans
        .disburse(&disbursal("u1", "0002", "k2", 600))
        .await
        .unwrap()
        .unwrap();
    let listed = s.loans.list_loans(&uid("u1")).await.unwrap();
    assert_eq!(listed, [newer, first.unwrap()], "newest first");
}

async fn repayments_move_wallet_loan_and_records_together(s: Stores) {
    lent(&s, 1200, 1000).await;
    let r1 = repayment("u1", "0001", "r1", 700, RepaymentSource::Wallet);
    let done = s.loans.repay(&r1).await.unwrap().unwrap();
    assert_eq!(
        (done.loan.repaid_amount, done.loan.outstanding()),
        (700, 500)
    );
    assert_eq!(done.wallet.as_ref().map(|w| w.balance), Some(300));
    let entry = done.entry.clone().unwrap();
    assert_eq!(
        (entry.amount, entry.reason.as_str()),
        (-700, "loan repayment 0001")
    );
    let ledger = s.wallets.list_ledger(&uid("u1"), None, 10).await.unwrap();
    assert_eq!(ledger[0], entry);
    let rest = repayment("u1", "0001", "r4", 500, RepaymentSource::Admin);
    let closed = s.loans.repay(&rest).await.unwrap().unwrap();
    assert_eq!(
        (closed.loan.status, closed.loan.closed_at_ms),
        (LoanStatus::Closed, Some(T0 + 5))
    );
    assert_eq!(
        closed.wallet, None,
        "an admin's recording leaves the wallet alone"
    );
    let (u1, l1) = (uid("u1"), LoanId::new("0001"));
    let paid = s.loans.repayments(&u1, &l1).await.unwrap();
    let amounts: Vec<i64> = paid.iter().map(|r| r.amount).collect();
    assert_eq!(amounts, [700, 500]);
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 300);
}

async fn refused_repayments_change_nothing(s: Stores) {
    lent(&s, 1200, 300).await;
    let repay = |key: &str, loan: &str, amount, source| {
        let s = s.clone();
        let r = repayment("u1", loan, key, amount, source);
        async move { s.loans.repay(&r).await.unwrap() }
    };
    let (wallet, admin) = (RepaymentSource::Wallet, RepaymentSource::Admin);
    assert_eq!(
        repay("a", "0001", 400, wallet).await,
        Err(RepayDenied::InsufficientFunds)
    );
    assert_eq!(
        repay("b", "0001", 1201, admin).await,
        Err(RepayDenied::Overpayment)
    );
    assert_eq!(repay("c", "0404", 1, admin).await, Err(RepayDenied::NoLoan));
    assert!(repay("d", "0001", 1200, admin).await.is_ok());
    assert_eq!(
        repay("e", "0001", 1, admin).await,
        Err(RepayDenied::Overpayment),
        "closed"
    );
    assert_eq!(
        repay("d", "0001", 5, admin).await,
        Err(RepayDenied::KeyReused)
    );
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 300);
    let (u1, l1) = (uid("u1"), LoanId::new("0001"));
    assert_eq!(s.loans.repayments(&u1, &l1).await.unwrap().len(), 1);
}

async fn parallel_repayments_never_overdraw_or_overpay(s: Stores) {
    lent(&s, 5000, 1000).await;
    let results = race(20, |i| {
        let s = s.clone();
        let r = repayment("u1", "0001", &format!("k{i}"), 100, RepaymentSource::Wallet);
        async move { s.loans.repay(&r).await.unwrap() }
    })
    .await;
    let applied = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(applied, 10, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || *r == Err(RepayDenied::InsufficientFunds))
    );
    let loan = s
        .loans
        .get_loan(&uid("u1"), &LoanId::new("0001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((loan.repaid_amount, loan.version), (1000, 10));
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 0);
    let paid = s
        .loans
        .repayments(&uid("u1"), &LoanId::new("0001"))
        .await
        .unwrap();
    assert_eq!(paid.iter().map(|r| r.amount).sum::<i64>(), 1000);
    let ledger = s.wallets.list_ledger(&uid("u1"), None, 100).await.unwrap();
    assert_eq!(
        ledger.iter().map(|e| e.amount).sum::<i64>(),
        0,
        "1000 in, 10 x 100 out"
    );
}

async fn parallel_replays_of_one_key_apply_once(s: Stores) {
    lent(&s, 5000, 1000).await;
    let results = race(12, |_| {
        let s = s.clone();
        let r = repayment("u1", "0001", "same", 300, RepaymentSource::Wallet);
        async move { s.loans.repay(&r).await.unwrap() }
    })
    .await;
    let first = results[0].clone().unwrap();
    assert!(
        results.iter().all(|r| *r == Ok(first.clone())),
        "{results:?}"
    );
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 700);
    let loan = s
        .loans
        .get_loan(&uid("u1"), &LoanId::new("0001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loan.repaid_amount, 300);
}

async fn deletion_keeps_closed_loans_in_the_closing_record(s: Stores) {
    borrower(&s, "u1", "+91a").await;
    s.loans
        .disburse(&disbursal("u1", "0001", "d", 1200))
        .await
        .unwrap()
        .unwrap();
    let all = repayment("u1", "0001", "all", 1200, RepaymentSource::Admin);
    s.loans.repay(&all).await.unwrap().unwrap();
    let u1 = user("u1", "+91a");
    let closed = s.users.delete_user(&u1, "ref", T0 + 9);
    let closed = closed
        .await
        .unwrap()
        .expect("a closing record, for the loan");
    assert_eq!((closed.balance, closed.loans.len()), (0, 1));
    let kept = &closed.loans[0];
    assert_eq!((kept.loan_id.as_str(), kept.repaid_amount), ("0001", 1200));
    assert_eq!(kept.closed_at_ms, Some(T0 + 5));
    assert_eq!(
        s.wallets.closed_wallet(&uid("u1")).await.unwrap(),
        Some(closed)
    );
    assert!(s.loans.list_loans(&uid("u1")).await.unwrap().is_empty());
    let (u1, l1) = (uid("u1"), LoanId::new("0001"));
    assert!(s.loans.repayments(&u1, &l1).await.unwrap().is_empty());
}

async fn the_deletion_mark_holds_disbursals_until_cleared(s: Stores) {
    borrower(&s, "u1", "+91a").await;
    assert!(s.users.begin_deletion(&uid("u1"), T0).await.unwrap());
    let d = disbursal("u1", "0001", "d", 1200);
    assert_eq!(
        s.loans.disburse(&d).await.unwrap(),
        Err(DisburseDenied::NoUser)
    );
    s.users.end_deletion(&uid("u1")).await.unwrap();
    assert!(s.loans.disburse(&d).await.unwrap().is_ok());
}

integration_tests::on_both_stores!(
    disbursal_needs_a_verified_active_account,
    a_key_replays_its_first_disbursal,
    repayments_move_wallet_loan_and_records_together,
    refused_repayments_change_nothing,
    parallel_repayments_never_overdraw_or_overpay,
    parallel_replays_of_one_key_apply_once,
    deletion_keeps_closed_loans_in_the_closing_record,
    the_deletion_mark_holds_disbursals_until_cleared,
);
