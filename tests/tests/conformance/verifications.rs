//! `VerificationStore`: single-use tokens bound to a phone.

use super::fixtures::*;
use shared::store::Stores;
use shared::testing::e164;

async fn verification_tokens(s: Stores) {
    s.verifications
        .put_verification(&vt("v1", "+91a"))
        .await
        .unwrap();
    assert_eq!(
        s.verifications
            .get_verification("v1")
            .await
            .unwrap()
            .unwrap()
            .phone,
        "+91a"
    );
    assert!(
        !s.verifications
            .consume_verification("v1", &e164("+91b"), T0)
            .await
            .unwrap(),
        "bound to its phone"
    );
    assert!(
        !s.verifications
            .consume_verification("v1", &e164("+91a"), T0 + 600_000)
            .await
            .unwrap(),
        "expired"
    );
    assert!(
        s.verifications
            .consume_verification("v1", &e164("+91a"), T0)
            .await
            .unwrap()
    );
    assert!(
        !s.verifications
            .consume_verification("v1", &e164("+91a"), T0)
            .await
            .unwrap(),
        "single use"
    );
    assert!(
        s.verifications
            .get_verification("v1")
            .await
            .unwrap()
            .is_none()
    );
}

integration_tests::on_both_stores!(verification_tokens);
