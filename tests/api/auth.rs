//! Auth and users over HTTP: registration, login (JSON and form), token rotation and reuse
//! detection, logout, password reset, forged and misused tokens, rate limits, superuser rules.

use crate::support;

use std::time::{Duration, Instant};

use base64::Engine as _;
use finances::http::HttpSettings;
use reqwest::Method;
use serde_json::json;
use support::http::{reset_token, test_settings, Db, TestApp, SECRET};

on_both_stores!(
    register_rules,
    login_json_form_and_errors,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_revokes_the_login,
    forged_and_misused_tokens_are_401,
    inactive_users_cannot_log_in_and_their_tokens_fail,
    password_reset_works_once_and_revokes_sessions,
    forgot_password_answers_alike,
    login_is_rate_limited,
    user_routes_and_superuser_rules,
);

async fn register_rules(db: Db) {
    let app = TestApp::start(db).await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "Ann@Example.com", "username": "ann", "password": "password-1"})),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["email"], "ann@example.com");
    assert_eq!(r.body["username"], "ann");
    assert_eq!(r.body["is_active"], true);
    assert_eq!(r.body["is_superuser"], false);
    assert!(r.body.get("password_hash").is_none() && !r.text.contains("argon2"));
    for (body, detail) in [
        (
            json!({"email": "ann@example.com", "username": "ann2", "password": "password-1"}),
            "Email already registered",
        ),
        (
            json!({"email": "ann2@example.com", "username": "ann", "password": "password-1"}),
            "Username already registered",
        ),
    ] {
        let r = app
            .call(Method::POST, "/api/v1/auth/register", None, Some(body))
            .await;
        r.expect(409);
        assert_eq!(r.detail(), detail);
        assert_eq!(r.body["error_code"], "CONFLICT");
    }
    for (body, field) in [
        (
            json!({"email": "nope", "username": "bob", "password": "password-1"}),
            "email",
        ),
        (
            json!({"email": "b@x.com", "username": "b!", "password": "password-1"}),
            "username",
        ),
        (
            json!({"email": "b@x.com", "username": "bob", "password": "short"}),
            "password",
        ),
        (json!({"email": "b@x.com", "username": "bob"}), "password"),
    ] {
        let r = app
            .call(Method::POST, "/api/v1/auth/register", None, Some(body))
            .await;
        r.expect(422);
        assert_eq!(
            r.body["detail"][0]["loc"],
            json!(["body", field]),
            "{}",
            r.text
        );
        assert!(r.body["detail"][0]["msg"].is_string());
        assert!(r.body["detail"][0]["type"].is_string());
    }
}

async fn login_json_form_and_errors(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("carol").await;
    // JSON by email, JSON by username, form with the email in `username`, /login/tokens.
    for r in [
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": s.email, "password": s.password})),
        )
        .await,
        app.login("carol", &s.password).await,
        app.send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .form(&[
                    ("username", s.email.as_str()),
                    ("password", s.password.as_str()),
                ]),
        )
        .await,
        app.send(
            app.request(Method::POST, "/api/v1/auth/login/tokens", None)
                .form(&[("username", "carol"), ("password", s.password.as_str())]),
        )
        .await,
    ] {
        r.expect(200);
        assert_eq!(r.body["token_type"], "bearer");
        assert_eq!(r.body["expires_in"], 1800);
        let access = r.body["access_token"].as_str().unwrap();
        app.get("/api/v1/auth/me", access).await.expect(200);
        // Claims: sub, exp, iat, jti, type.
        let claims = claims_of(access);
        assert_eq!(claims["sub"], s.id.to_string());
        assert_eq!(claims["type"], "access");
        assert!(claims["jti"].is_string() && claims["iat"].is_i64());
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            1800
        );
        let refresh = claims_of(r.body["refresh_token"].as_str().unwrap());
        assert_eq!(refresh["type"], "refresh");
        assert_eq!(
            refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
            7 * 24 * 3600
        );
    }
    for (login, password) in [("carol", "wrong-password"), ("nobody", "whatever-pass")] {
        let r = app.login(login, password).await;
        r.expect(401);
        assert_eq!(r.detail(), "Incorrect username or password");
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    }
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"password": "x"})),
        )
        .await;
    r.expect(422);
    let me = app.get("/api/v1/auth/me", &s.access).await;
    me.expect(200);
    assert_eq!(me.body["username"], "carol");
    let t = app
        .call(
            Method::POST,
            "/api/v1/auth/test-token",
            Some(&s.access),
            None,
        )
        .await;
    t.expect(200);
    assert_eq!(t.body["id"], s.id.to_string());
    let anon = app.call(Method::GET, "/api/v1/auth/me", None, None).await;
    anon.expect(401);
    assert_eq!(anon.header("www-authenticate"), Some("Bearer"));
    assert_eq!(anon.body["error_code"], "NOT_AUTHENTICATED");
}

fn claims_of(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn refresh(app: &TestApp, token: &str, in_body: bool) -> support::http::Res {
    if in_body {
        app.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
        .await
    } else {
        app.call(Method::POST, "/api/v1/auth/refresh", Some(token), None)
            .await
    }
}

async fn refresh_rotates_and_reuse_revokes_the_family(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("dave").await;
    let first = refresh(&app, &s.refresh, false).await;
    first.expect(200);
    let r1 = first.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, s.refresh);
    app.get(
        "/api/v1/users/me",
        first.body["access_token"].as_str().unwrap(),
    )
    .await
    .expect(200);
    let second = refresh(&app, &r1, true).await;
    second.expect(200);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_string();
    // Another login of the same user is another family, untouched by what follows.
    let other = app.login("dave", &s.password).await;
    let other_refresh = other.body["refresh_token"].as_str().unwrap().to_string();
    // The spent r1 again: refused, and the whole family (including the fresh r2) revoked.
    let reuse = refresh(&app, &r1, false).await;
    reuse.expect(401);
    refresh(&app, &r2, false).await.expect(401);
    refresh(&app, &s.refresh, false).await.expect(401);
    refresh(&app, &other_refresh, false).await.expect(200);
    // No token at all.
    app.call(Method::POST, "/api/v1/auth/refresh", None, None)
        .await
        .expect(401);
}

async fn logout_revokes_the_login(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("erin").await;
    let rotated = refresh(&app, &s.refresh, false).await;
    let r1 = rotated.body["refresh_token"].as_str().unwrap().to_string();
    let out = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&r1), None)
        .await;
    out.expect(204);
    refresh(&app, &r1, false).await.expect(401);
    app.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": "not-a-token"})),
    )
    .await
    .expect(401);
    // An access token is not a refresh token.
    app.call(Method::POST, "/api/v1/auth/logout", Some(&s.access), None)
        .await
        .expect(401);
}

fn sign(secret: &str, claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn forged_and_misused_tokens_are_401(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("frank").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, kind: &str| {
        json!({"sub": s.id.to_string(), "iat": now - 10, "exp": exp,
               "jti": uuid::Uuid::new_v4().to_string(), "type": kind})
    };
    // A well-signed token of the right kind works: the rest fail for their flaw alone.
    app.get(
        "/api/v1/users/me",
        &sign(SECRET, claims(now + 600, "access")),
    )
    .await
    .expect(200);
    let expired = sign(SECRET, claims(now - 5, "access"));
    let bad_signature = sign(
        "another-secret-entirely-0123456789abcdef",
        claims(now + 600, "access"),
    );
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let alg_none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(claims(now + 600, "access"))
    );
    let mut tampered_parts: Vec<String> = s.access.split('.').map(str::to_string).collect();
    tampered_parts[1] = b64(json!({"sub": uuid::Uuid::new_v4().to_string(), "iat": now,
        "exp": now + 600, "jti": "x", "type": "access"}));
    let tampered = tampered_parts.join(".");
    for (what, token) in [
        ("expired", expired.as_str()),
        ("bad signature", bad_signature.as_str()),
        ("alg none", alg_none.as_str()),
        ("tampered payload", tampered.as_str()),
        ("refresh as access", s.refresh.as_str()),
        ("garbage", "abc.def.ghi"),
    ] {
        let r = app.get("/api/v1/users/me", token).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
        assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{what}");
    }
    // An access token where a refresh token is expected.
    refresh(&app, &s.access, false).await.expect(401);
    refresh(&app, &s.access, true).await.expect(401);
    // A refresh token signed right but never issued.
    refresh(&app, &sign(SECRET, claims(now + 600, "refresh")), false)
        .await
        .expect(401);
    // Not a bearer scheme.
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/users/me", None)
                .header("authorization", format!("Basic {}", s.access)),
        )
        .await;
    r.expect(401);
}

async fn inactive_users_cannot_log_in_and_their_tokens_fail(db: Db) {
    let app = TestApp::start(db).await;
    let admin = app.admin("root").await;
    let s = app.signup("gina").await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", s.id),
            &admin.access,
            json!({"is_active": false}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["is_active"], false);
    app.get("/api/v1/users/me", &s.access).await.expect(401);
    refresh(&app, &s.refresh, false).await.expect(401);
    let login = app.login("gina", &s.password).await;
    login.expect(400);
    assert_eq!(login.detail(), "Inactive user");
}

async fn password_reset_works_once_and_revokes_sessions(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("hank").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/forgot-password",
            None,
            Some(json!({"email": s.email})),
        )
        .await;
    r.expect(200);
    let mails = app.mails(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains(&format!("To: {}", s.email)));
    let token = reset_token(&mails[0]);
    assert!(token.len() >= 43, "{token}");
    let reset = |token: String, pw: &str| {
        app.call(
            Method::POST,
            "/api/v1/auth/reset-password",
            None,
            Some(json!({"token": token, "new_password": pw})),
        )
    };
    reset(token.clone(), "short").await.expect(422);
    let ok = reset(token.clone(), "brand-new-password").await;
    ok.expect(200);
    assert_eq!(ok.body["message"], "Password has been reset successfully");
    let again = reset(token.clone(), "another-new-password").await;
    again.expect(400);
    assert_eq!(again.detail(), "Invalid or expired reset token");
    reset("made-up-token".into(), "another-new-password")
        .await
        .expect(400);
    // Every refresh token of the user is revoked; the new password logs in, the old does not.
    refresh(&app, &s.refresh, false).await.expect(401);
    app.login("hank", &s.password).await.expect(401);
    app.login("hank", "brand-new-password").await.expect(200);
}

async fn forgot_password_answers_alike(db: Db) {
    let app = TestApp::start(db).await;
    let s = app.signup("iris").await;
    let ask = |email: String| {
        app.call(
            Method::POST,
            "/api/v1/auth/forgot-password",
            None,
            Some(json!({"email": email})),
        )
    };
    // Warm up connections and caches, then time a few of each.
    ask(s.email.clone()).await.expect(200);
    let mut known = Duration::ZERO;
    let mut unknown = Duration::ZERO;
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let a = ask(s.email.clone()).await;
        known += t.elapsed();
        let t = Instant::now();
        let b = ask("nobody-here@example.com".into()).await;
        unknown += t.elapsed();
        a.expect(200);
        b.expect(200);
        bodies.push((a.text, b.text));
    }
    for (a, b) in &bodies {
        assert_eq!(a, b);
        assert!(a.contains("If the email exists, a password reset link has been sent."));
    }
    let (k, u) = (known.as_secs_f64(), unknown.as_secs_f64());
    assert!(
        k < u * 3.0 + 0.05 && u < k * 3.0 + 0.05,
        "known {k:.4}s vs unknown {u:.4}s"
    );
    ask("not-an-email".into()).await.expect(422);
    // Only the known address got mail (4 asks).
    let mails = app.mails(4, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 4);
    assert!(mails.iter().all(|m| m.contains("To: iris@example.com")));
}

async fn login_is_rate_limited(db: Db) {
    let app = TestApp::start_with(
        db,
        HttpSettings {
            auth_per_minute: 5,
            ..test_settings()
        },
    )
    .await;
    for i in 0..5 {
        let r = app.login("nobody", "wrong-password").await;
        assert_eq!(r.status, 401, "attempt {}", i + 1);
    }
    let sixth = app.login("nobody", "wrong-password").await;
    sixth.expect(429);
    assert!(sixth.detail().starts_with("Rate limit exceeded"));
    let retry: u64 = sixth.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(sixth.body["retry_after"], retry);
    // Each route has its own budget.
    let other = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login/tokens", None)
                .form(&[("username", "nobody"), ("password", "wrong-password")]),
        )
        .await;
    other.expect(401);
    let reg = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "z@example.com", "username": "zed", "password": "password-1"})),
        )
        .await;
    reg.expect(201);
}

async fn user_routes_and_superuser_rules(db: Db) {
    let app = TestApp::start(db).await;
    let admin = app.admin("boss").await;
    let a = app.signup("jack").await;
    let b = app.signup("kate").await;

    // Own profile.
    let r = app
        .patch("/api/v1/users/me", &a.access, json!({"username": "jack2"}))
        .await;
    r.expect(200);
    assert_eq!(r.body["username"], "jack2");
    let r = app
        .patch("/api/v1/users/me", &a.access, json!({"username": "kate"}))
        .await;
    r.expect(409);
    let r = app
        .patch(
            "/api/v1/users/me",
            &a.access,
            json!({"password": "new-password-1"}),
        )
        .await;
    r.expect(400);
    assert_eq!(r.detail(), "Current password is incorrect");
    let r = app
        .patch(
            "/api/v1/users/me",
            &a.access,
            json!({"password": "new-password-1", "current_password": "wrong"}),
        )
        .await;
    r.expect(400);
    app.patch(
        "/api/v1/users/me",
        &a.access,
        json!({"password": "new-password-1", "current_password": a.password}),
    )
    .await
    .expect(200);
    app.login("jack2", "new-password-1").await.expect(200);

    // Listing is for superusers.
    app.get("/api/v1/users", &a.access).await.expect(403);
    let list = app.get("/api/v1/users/?limit=2", &admin.access).await;
    list.expect(200);
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    assert_eq!(list.header("x-total-count"), Some("3"));

    // Someone else's id is 404 for a non-superuser; self and superuser see it.
    let other = format!("/api/v1/users/{}", b.id);
    app.get(&other, &a.access).await.expect(404);
    app.patch(&other, &a.access, json!({"username": "evil"}))
        .await
        .expect(404);
    app.get(&other, &b.access).await.expect(200);
    app.get(&other, &admin.access).await.expect(200);
    // Only a superuser sets is_active / is_superuser.
    app.patch(&other, &b.access, json!({"is_superuser": true}))
        .await
        .expect(403);
    app.patch(&other, &admin.access, json!({"username": "kate2"}))
        .await
        .expect(200);

    // Deleting is for superusers and cascades.
    let acc = app.investment_account(&b, "Broker").await;
    app.delete(&other, &b.access).await.expect(403);
    app.delete(&other, &admin.access).await.expect(204);
    app.delete(&other, &admin.access).await.expect(404);
    assert!(app
        .services
        .portfolio
        .account(&app.services.users.get(admin.id).await.unwrap(), acc)
        .await
        .is_err());
    app.get(&other, &admin.access).await.expect(404);
}
