use super::*;

fn full() -> Value {
    json!({
        "name": "Asha Verma", "email": "asha@example.com", "state": "Karnataka",
        "city": "Bengaluru", "dob": "1990-04-12", "gender": "female",
        "marital_status": "married", "family_size": 4, "working_members": 2, "children": 2,
        "annual_income": 60_000_000, "business_location": "Jayanagar market", "language": "kn",
        "profile_image_url": "https://cdn.example.com/a.png",
        "current_address": {"line": "12 4th Cross", "city": "Bengaluru", "state": "Karnataka", "pincode": "560011"},
        "permanent_address": null
    })
}

#[tokio::test]
async fn get_shows_identity_and_empty_fields() {
    let (app, u) = app_and_user().await;
    let p = assert_ok(&app.get_as("/v1/users/profile", &u).await, 200)["profile"].clone();
    assert_eq!(p["user_id"], u.user_id.as_str());
    assert_eq!(p["phone"], "+919816456501");
    assert_eq!(p["masked_phone"], "+91******6501");
    assert_eq!(p["name"], "Test User");
    assert_eq!(p["family_size"], Value::Null);
    assert_eq!(p["is_profile_complete"], false);
    assert!(p["updated_at"].is_string());
}

#[tokio::test]
async fn put_replaces_everything_and_completes_the_profile() {
    let (app, u) = app_and_user().await;
    let r = send(&app, &u, Method::PUT, "/v1/users/profile", full()).await;
    let p = assert_ok(&r, 200)["profile"].clone();
    assert_eq!(p["is_profile_complete"], true);
    assert_eq!(p["current_address"]["pincode"], "560011");
    assert_eq!(p["gender"], "female");
    // A second PUT without most fields clears them.
    let r = send(
        &app,
        &u,
        Method::PUT,
        "/v1/users/profile",
        json!({"name": "Asha V"}),
    )
    .await;
    let p = assert_ok(&r, 200)["profile"].clone();
    assert_eq!(p["name"], "Asha V");
    assert_eq!(p["email"], Value::Null);
    assert_eq!(p["current_address"], Value::Null);
    assert_eq!(p["is_profile_complete"], false);
    // The auth user object reads the same record.
    let stored = app
        .stores()
        .users
        .get_user(&u.user_id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.email.is_none() && stored.details.family_size.is_none());
}

#[tokio::test]
async fn put_requires_the_name() {
    let (app, u) = app_and_user().await;
    let mut body = full();
    body.as_object_mut().unwrap().remove("name");
    assert_invalid(
        &send(&app, &u, Method::PUT, "/v1/users/profile", body).await,
        "name",
    );
    let mut body = full();
    body["name"] = Value::Null;
    assert_invalid(
        &send(&app, &u, Method::PUT, "/v1/users/profile", body).await,
        "name",
    );
}

#[tokio::test]
async fn patch_changes_only_what_is_given() {
    let (app, u) = app_and_user().await;
    send(&app, &u, Method::PUT, "/v1/users/profile", full()).await;
    let r = send(
        &app,
        &u,
        Method::PATCH,
        "/v1/users/profile",
        json!({"city": "Mysuru", "children": null}),
    )
    .await;
    let p = assert_ok(&r, 200)["profile"].clone();
    assert_eq!(p["city"], "Mysuru");
    assert_eq!(p["children"], Value::Null);
    assert_eq!(p["name"], "Asha Verma");
    assert_eq!(p["family_size"], 4);
    let r = send(
        &app,
        &u,
        Method::PATCH,
        "/v1/users/profile",
        json!({"name": null}),
    )
    .await;
    assert_invalid(&r, "name");
}

#[tokio::test]
async fn a_rejected_edit_changes_nothing() {
    let (app, u) = app_and_user().await;
    send(&app, &u, Method::PUT, "/v1/users/profile", full()).await;
    let before = app.get_as("/v1/users/profile", &u).await.data().clone();
    let cases = [
        (json!({"city": "X", "email": "not-an-email"}), "email"),
        (json!({"city": "X", "dob": "2999-01-01"}), "dob"),
        (json!({"city": "X", "family_size": 0}), "family_size"),
        (json!({"city": "X", "children": 51}), "children"),
        (json!({"city": "X", "annual_income": -1}), "annual_income"),
        (json!({"city": "X", "gender": "robot"}), "gender"),
        (
            json!({"city": "X", "marital_status": "it is complicated"}),
            "marital_status",
        ),
        (json!({"city": "X", "language": "english!"}), "language"),
        (
            json!({"city": "X", "profile_image_url": "http://x.example/a.png"}),
            "profile_image_url",
        ),
        (
            json!({"city": "X", "current_address": {"line": "a", "city": "b", "state": "c", "pincode": "012345"}}),
            "current_address.pincode",
        ),
        (
            json!({"city": "X", "permanent_address": {"line": " ", "city": "b", "state": "c", "pincode": "560011"}}),
            "permanent_address.line",
        ),
        (json!({"city": "X", "state": ""}), "state"),
        (json!({"city": "X", "name": "a\u{202E}b"}), "name"),
        (
            json!({"city": "X", "business_location": "x".repeat(201)}),
            "business_location",
        ),
        (json!({"city": "Pune\u{202E}enuP"}), "city"),
        (json!({"city": "X", "state": "\u{3164}"}), "state"),
        (
            json!({"city": "X", "business_location": "Shop\u{2028}12"}),
            "business_location",
        ),
        (
            json!({"city": "X", "current_address": {"line": "12\u{202E}4th", "city": "b", "state": "c", "pincode": "560011"}}),
            "current_address.line",
        ),
        (
            json!({"city": "X", "permanent_address": {"line": "a", "city": "\u{200B}", "state": "c", "pincode": "560011"}}),
            "permanent_address.city",
        ),
    ];
    for (body, field) in cases {
        assert_invalid(
            &send(&app, &u, Method::PATCH, "/v1/users/profile", body).await,
            field,
        );
    }
    assert_eq!(app.get_as("/v1/users/profile", &u).await.data(), &before);
}

#[tokio::test]
async fn bodies_must_be_json() {
    let (app, u) = app_and_user().await;
    let req = axum::http::Request::builder()
        .method("PATCH")
        .uri("/v1/users/profile")
        .header("authorization", format!("Bearer {}", u.access_token))
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("city=x"))
        .unwrap();
    assert_error(&app.send(req).await, 415, "UNSUPPORTED_MEDIA_TYPE");
    // An array is not a profile, even an empty one (serde would read it as no fields).
    for body in [json!([]), json!(["Asha"]), json!(null)] {
        let r = send(&app, &u, Method::PATCH, "/v1/users/profile", body).await;
        assert_invalid(&r, "body");
    }
}

#[tokio::test]
async fn integers_may_be_written_with_a_fraction_or_exponent() {
    let (app, u) = app_and_user().await;
    let body = json!({"family_size": 5.0, "annual_income": 2.5e5, "children": 1.5});
    let r = send(&app, &u, Method::PATCH, "/v1/users/profile", body).await;
    assert_invalid(&r, "children");
    let body = json!({"family_size": 5.0, "annual_income": 2.5e5, "city": "2.0"});
    let r = send(&app, &u, Method::PATCH, "/v1/users/profile", body).await;
    let p = &assert_ok(&r, 200)["profile"];
    assert_eq!(
        (&p["family_size"], &p["annual_income"]),
        (&json!(5), &json!(250000))
    );
    assert_eq!(p["city"], "2.0");
}
