//! `SessionStore`: sessions and refresh-token rotation.

use super::fixtures::*;
use shared::store::Stores;
use shared::testing::{sid, uid};

async fn sessions_lifecycle(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    make_user(&s, "u2", "+91b").await;
    let (u1, s1) = (&uid("u1"), &sid("s1"));
    s.sessions
        .put_session(&session("u1", "s1"), 20)
        .await
        .unwrap();
    s.sessions
        .put_session(&session("u1", "s2"), 20)
        .await
        .unwrap();
    s.sessions
        .put_session(&session("u2", "s3"), 20)
        .await
        .unwrap();
    let mut ids: Vec<String> = s
        .sessions
        .list_sessions(u1)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id.into_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["s1", "s2"]);
    assert_eq!(
        s.sessions.get_session(u1, s1).await.unwrap().unwrap(),
        session("u1", "s1")
    );
    assert!(
        s.sessions
            .rotate_session(u1, s1, 0, T0 + 5, T0 + 99)
            .await
            .unwrap()
    );
    assert!(
        !s.sessions
            .rotate_session(u1, s1, 0, T0 + 6, T0 + 99)
            .await
            .unwrap(),
        "generation moved"
    );
    let r = s.sessions.get_session(u1, s1).await.unwrap().unwrap();
    assert_eq!(
        (r.generation, r.rotated_at_ms, r.expires_at_ms),
        (1, Some(T0 + 5), T0 + 99)
    );
    assert!(s.sessions.delete_session(u1, s1).await.unwrap());
    assert!(!s.sessions.delete_session(u1, s1).await.unwrap());
    assert!(s.sessions.get_session(u1, s1).await.unwrap().is_none());
}

async fn one_rotation_per_generation(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    s.sessions
        .put_session(&session("u1", "s1"), 20)
        .await
        .unwrap();
    let rotated = race(10, |_| {
        let s = s.clone();
        async move {
            s.sessions
                .rotate_session(&uid("u1"), &sid("s1"), 0, T0, T0 + 1)
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
            .get_session(&uid("u1"), &sid("s1"))
            .await
            .unwrap()
            .unwrap()
            .generation,
        1
    );
}

fn session_at(sid: &str, created_at_ms: i64) -> shared::domain::Session {
    let mut s = session("u1", sid);
    s.created_at_ms = created_at_ms;
    s
}

async fn the_oldest_session_goes_beyond_the_limit(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    for (i, sid) in ["s1", "s2", "s3"].into_iter().enumerate() {
        let sess = session_at(sid, T0 + i as i64);
        s.sessions.put_session(&sess, 3).await.unwrap();
    }
    s.sessions
        .put_session(&session_at("s4", T0 + 9), 3)
        .await
        .unwrap();
    let mut ids: Vec<String> = s
        .sessions
        .list_sessions(&uid("u1"))
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id.into_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["s2", "s3", "s4"]);
    // A deleted session frees its place.
    assert!(
        s.sessions
            .delete_session(&uid("u1"), &sid("s2"))
            .await
            .unwrap()
    );
    s.sessions
        .put_session(&session_at("s5", T0 + 10), 3)
        .await
        .unwrap();
    assert_eq!(s.sessions.list_sessions(&uid("u1")).await.unwrap().len(), 3);
    assert!(
        s.sessions
            .get_session(&uid("u1"), &sid("s3"))
            .await
            .unwrap()
            .is_some()
    );
    let stranger = s.sessions.put_session(&session("nobody", "s9"), 3).await;
    assert!(stranger.is_err(), "sessions belong to existing users");
}

async fn parallel_sign_ins_keep_the_limit(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    race(10, |i| {
        let s = s.clone();
        async move {
            let sess = session_at(&format!("p{i}"), T0 + i as i64);
            s.sessions.put_session(&sess, 3).await.unwrap()
        }
    })
    .await;
    assert_eq!(s.sessions.list_sessions(&uid("u1")).await.unwrap().len(), 3);
}

integration_tests::on_both_stores!(
    sessions_lifecycle,
    one_rotation_per_generation,
    the_oldest_session_goes_beyond_the_limit,
    parallel_sign_ins_keep_the_limit,
);
