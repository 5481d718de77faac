//! The admin console over HTTP: signing in and out, sessions, CSRF, and what each account sees.
//! [`Console`] is a signed-in browser for the other console tests.

use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::html::{Page, browser, post_form, read};
use crate::on_both_backends;

/// A browser signed in to the console: its session cookie and the CSRF token its forms carry.
pub struct Console<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

/// The owner's password in every test app.
pub const OWNER_PASSWORD: &str = "correct horse battery";

/// Posts the login form (from the app's own origin).
pub async fn login_form(app: &TestApp, fields: &[(&str, &str)]) -> Page {
    post_form(
        &app.address,
        "/admin/scheduling/login",
        fields,
        &app.address,
    )
    .await
}

/// The `kairos_session=…` pair a response sets.
fn session_cookie(page: &Page) -> String {
    let set = page
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kairos_session="))
        .expect("a session cookie");
    set.split(';').next().expect("pair").to_owned()
}

/// The value of the first hidden `_csrf` field on a page.
pub fn csrf_of(page: &Page) -> String {
    let needle = "name=\"_csrf\" value=\"";
    let start = page
        .html
        .find(needle)
        .unwrap_or_else(|| panic!("no CSRF field in: {}", page.html))
        + needle.len();
    let end = start + page.html[start..].find('"').expect("closing quote");
    page.html[start..end].to_owned()
}

impl<'a> Console<'a> {
    /// Signs in as `email` of the `acme` workspace.
    pub async fn login(app: &'a TestApp, email: &str, password: &str) -> Self {
        let signed_in = login_form(
            app,
            &[
                ("workspace", "acme"),
                ("email", email),
                ("password", password),
            ],
        )
        .await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "login: {}",
            signed_in.html
        );
        let cookie = session_cookie(&signed_in);
        let mut console = Self {
            app,
            cookie,
            csrf: String::new(),
        };
        let dashboard = console.get("/admin/scheduling").await.expect_html(200);
        console.csrf = csrf_of(&dashboard);
        console
    }

    /// Signs in as the owner.
    pub async fn owner(app: &'a TestApp) -> Self {
        Self::login(app, "owner@acme.example", OWNER_PASSWORD).await
    }

    /// GET a console page with the session.
    pub async fn get(&self, path: &str) -> Page {
        let response = browser()
            .get(format!("{}{path}", self.app.address))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .expect("request");
        read(response).await
    }

    /// Submits a form with the session and its CSRF token, from the app's own origin.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.submit_raw(path, &all, &self.app.address).await
    }

    /// Submits exactly `fields` (no CSRF token added) from `origin`.
    pub async fn submit_raw(&self, path: &str, fields: &[(&str, &str)], origin: &str) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = browser()
            .post(format!("{}{path}", self.app.address))
            .header(COOKIE, &self.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, origin)
            .body(body)
            .send()
            .await
            .expect("request");
        read(response).await
    }
}

/// Creates a member account with a password and a host profile; returns its email.
pub async fn member_with_password(app: &TestApp, handle: &str, password: &str) -> String {
    let email = format!("{handle}@acme.example");
    let account = app
        .post(
            "/accounts",
            json!({ "email": email, "role": "member", "password": password }),
        )
        .await
        .expect(201)
        .body;
    app.post(
        "/users",
        json!({ "username": handle, "displayName": handle, "email": email, "accountId": account["id"] }),
    )
    .await
    .expect(201);
    email
}

on_both_backends!(
    signing_in_opens_the_console_and_signing_out_ends_it,
    |app| {
        // The root and /admin lead to the console.
        for path in ["/", "/admin"] {
            let response = browser()
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .expect("request");
            assert_eq!(
                read(response).await.see_other(&app.address),
                "/admin/scheduling"
            );
        }
        // Without a session, a page sends the browser to sign in and come back.
        let anonymous = browser()
            .get(format!("{}/admin/scheduling?notice=saved", app.address))
            .send()
            .await
            .expect("request");
        let anonymous = read(anonymous).await;
        let location = anonymous.see_other(&app.address);
        assert_eq!(
            location,
            "/admin/scheduling/login?next=%2Fadmin%2Fscheduling%3Fnotice%3Dsaved"
        );
        let login = browser()
            .get(format!("{}{location}", app.address))
            .send()
            .await
            .expect("request");
        let login = read(login).await.expect_html(200);
        login.contains("Sign in to your scheduling console");
        login.contains("value=\"/admin/scheduling?notice=saved\"");

        let signed_in = login_form(
            &app,
            &[
                ("workspace", "ACME"),
                ("email", "owner@acme.example"),
                ("password", OWNER_PASSWORD),
                ("next", "/admin/scheduling?notice=saved"),
            ],
        )
        .await;
        assert_eq!(
            signed_in.see_other(&app.address),
            "/admin/scheduling?notice=saved"
        );
        let set_cookie = signed_in.headers[SET_COOKIE].to_str().expect("cookie");
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        assert!(set_cookie.contains("Path=/admin"), "{set_cookie}");
        assert!(
            !set_cookie.contains("Secure"),
            "plain http test server: {set_cookie}"
        );

        let console = Console::owner(&app).await;
        let dashboard = console.get("/admin/scheduling").await.expect_html(200);
        dashboard.contains("Dashboard");
        dashboard.contains("owner@acme.example");
        dashboard.contains(&format!("{}/book/acme/", app.address));
        assert_eq!(
            dashboard.headers["cache-control"], "no-store",
            "console pages are never cached"
        );

        let out = console.submit("/admin/scheduling/logout", &[]).await;
        assert_eq!(
            out.see_other(&app.address),
            "/admin/scheduling/login?workspace=acme&signed-out=1"
        );
        assert!(
            out.headers[SET_COOKIE]
                .to_str()
                .expect("cookie")
                .contains("Max-Age=0")
        );
        // The old cookie no longer works, even if a browser kept it.
        let after = console.get("/admin/scheduling").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
    }
);

on_both_backends!(wrong_logins_are_refused_alike, |app| {
    for (workspace, email, password) in [
        ("acme", "owner@acme.example", "wrong password!"),
        ("acme", "nobody@acme.example", OWNER_PASSWORD),
        ("globex", "owner@acme.example", OWNER_PASSWORD),
        ("", "", ""),
        ("not a slug", "not an email", "x"),
    ] {
        let page = login_form(
            &app,
            &[
                ("workspace", workspace),
                ("email", email),
                ("password", password),
            ],
        )
        .await
        .expect_html(401);
        page.contains("The workspace, email or password is wrong.");
        assert!(page.headers.get(SET_COOKIE).is_none());
    }
    // A login posted from another site is refused before any check.
    let body = "workspace=acme&email=owner%40acme.example&password=correct+horse+battery";
    let foreign = browser()
        .post(format!("{}/admin/scheduling/login", app.address))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ORIGIN, "https://evil.example")
        .body(body)
        .send()
        .await
        .expect("request");
    let foreign = read(foreign).await.expect_html(403);
    assert!(foreign.headers.get(SET_COOKIE).is_none());
});

on_both_backends!(console_forms_need_the_session_csrf_token, |app| {
    let console = Console::owner(&app).await;
    // No token, a wrong token, another site: all refused, and the session stays.
    console
        .submit_raw("/admin/scheduling/logout", &[], &app.address)
        .await
        .expect_html(403)
        .contains("The form's security token is missing or out of date");
    console
        .submit_raw(
            "/admin/scheduling/logout",
            &[("_csrf", "0123")],
            &app.address,
        )
        .await
        .expect_html(403);
    console
        .submit_raw(
            "/admin/scheduling/logout",
            &[("_csrf", console.csrf.as_str())],
            "https://evil.example",
        )
        .await
        .expect_html(403)
        .contains("This form was sent from another site");
    console.get("/admin/scheduling").await.expect_html(200);
    // A write without any session is a 401 page, not a redirect.
    let response = browser()
        .request(
            Method::POST,
            format!("{}/admin/scheduling/logout", app.address),
        )
        .header(ORIGIN, &app.address)
        .send()
        .await
        .expect("request");
    read(response).await.expect_html(401);
});

on_both_backends!(
    members_see_only_their_own_bookings_on_the_dashboard,
    |app| {
        let email = member_with_password(&app, "mia", "mia's long password").await;
        let member = Console::login(&app, &email, "mia's long password").await;
        let dashboard = member.get("/admin/scheduling").await.expect_html(200);
        dashboard.contains(&format!("{}/book/acme/mia", app.address));
        assert!(
            !dashboard.html.contains("<th scope=\"col\">Host</th>"),
            "members do not get the host column"
        );
        let owner = Console::owner(&app).await;
        assert_ne!(owner.csrf, member.csrf, "each session has its own token");
        // One session's token does not work with another session.
        member
            .submit_raw(
                "/admin/scheduling/logout",
                &[("_csrf", owner.csrf.as_str())],
                &app.address,
            )
            .await
            .expect_html(403);
    }
);

#[tokio::test]
async fn login_attempts_are_rate_limited_but_console_forms_are_not() {
    let app = spawn_app_with(Backend::Sqlite, kairos_server::system_clock(), |settings| {
        settings.rate_limit_per_minute = 3;
    })
    .await
    .expect("sqlite app");
    let console = Console::owner(&app).await;
    for _ in 0..2 {
        login_form(
            &app,
            &[
                ("workspace", "acme"),
                ("email", "owner@acme.example"),
                ("password", "guess guess guess"),
            ],
        )
        .await
        .expect_html(401);
    }
    let limited = login_form(
        &app,
        &[
            ("workspace", "acme"),
            ("email", "owner@acme.example"),
            ("password", OWNER_PASSWORD),
        ],
    )
    .await
    .expect_html(429);
    assert!(limited.headers.get("retry-after").is_some());
    // A signed-in host's own forms do not count against the limit.
    for _ in 0..5 {
        console
            .submit_raw(
                "/admin/scheduling/logout",
                &[("_csrf", "wrong")],
                &app.address,
            )
            .await
            .expect_html(403);
    }
}

on_both_backends!(a_new_password_signs_out_the_other_sessions, |app| {
    let here = Console::owner(&app).await;
    let elsewhere = Console::owner(&app).await;
    here.get("/admin/scheduling/settings/password")
        .await
        .expect_html(200)
        .contains("Current password");

    // Every problem at once, and nothing changes.
    let refused = here
        .submit(
            "/admin/scheduling/settings/password",
            &[
                ("current", "not my password"),
                ("new", "short"),
                ("confirm", "other"),
            ],
        )
        .await
        .expect_html(422);
    refused.contains("The current password is wrong.");
    refused.contains("A password needs at least 10 characters.");
    refused.contains("The two new passwords differ.");
    elsewhere.get("/admin/scheduling").await.expect_html(200);
    // No CSRF token: refused before anything is checked.
    here.submit_raw(
        "/admin/scheduling/settings/password",
        &[
            ("current", OWNER_PASSWORD),
            ("new", "a brand new secret"),
            ("confirm", "a brand new secret"),
        ],
        &app.address,
    )
    .await
    .expect_html(403);

    let changed = here
        .submit(
            "/admin/scheduling/settings/password",
            &[
                ("current", OWNER_PASSWORD),
                ("new", "a brand new secret"),
                ("confirm", "a brand new secret"),
            ],
        )
        .await;
    assert_eq!(
        changed.see_other(&app.address),
        "/admin/scheduling/settings/password?notice=password-changed"
    );
    here.get("/admin/scheduling").await.expect_html(200);
    assert_eq!(
        elsewhere.get("/admin/scheduling").await.status,
        StatusCode::SEE_OTHER,
        "the other browser was signed out"
    );
    login_form(
        &app,
        &[
            ("workspace", "acme"),
            ("email", "owner@acme.example"),
            ("password", OWNER_PASSWORD),
        ],
    )
    .await
    .expect_html(401);
    Console::login(&app, "owner@acme.example", "a brand new secret").await;
    let changes = app
        .get("/changelog?entityType=account")
        .await
        .expect(200)
        .body;
    assert_eq!(changes["items"][0]["action"], "password_changed");
});
