//! `SessionStore`: sessions and refresh-token rotation.

use super::fixtures::*;
use shared::store::Stores;

async fn sessions_lifecycle(s: Stores) {
    s.sessions.put_session(&session("u1", "s1")).await.unwrap();
    s.sessions.put_session(&session("u1", "s2")).await.unwrap();
    s.sessions.put_session(&session("u2", "s3")).await.unwrap();
    let mut ids: Vec<String> = s
        .sessions
        .list_sessions("u1")
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["s1", "s2"]);
    assert_eq!(
        s.sessions.get_session("u1", "s1").await.unwrap().unwrap(),
        session("u1", "s1")
    );
    assert!(
        s.sessions
            .rotate_session("u1", "s1", 0, T0 + 5, T0 + 99)
            .await
            .unwrap()
    );
    assert!(
        !s.sessions
            .rotate_session("u1", "s1", 0, T0 + 6, T0 + 99)
            .await
            .unwrap(),
        "generation moved"
    );
    let r = s.sessions.get_session("u1", "s1").await.unwrap().unwrap();
    assert_eq!(
        (r.generation, r.rotated_at_ms, r.expires_at_ms),
        (1, Some(T0 + 5), T0 + 99)
    );
    assert!(s.sessions.delete_session("u1", "s1").await.unwrap());
    assert!(!s.sessions.delete_session("u1", "s1").await.unwrap());
    assert!(s.sessions.get_session("u1", "s1").await.unwrap().is_none());
}

async fn one_rotation_per_generation(s: Stores) {
    s.sessions.put_session(&session("u1", "s1")).await.unwrap();
    let rotated = race(10, |_| {
        let s = s.clone();
        async move {
            s.sessions
                .rotate_session("u1", "s1", 0, T0, T0 + 1)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(
        rotated.iter().filter(|r| **r).count(),
        1,
        "one rotation per generation"
    );
    assert_eq!(
        s.sessions
            .get_session("u1", "s1")
            .await
            .unwrap()
            .unwrap()
            .generation,
        1
    );
}

conformance!(sessions_lifecycle, one_rotation_per_generation);
