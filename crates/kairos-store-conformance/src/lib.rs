//! The behaviour every [`Store`] backend must show, written once.
//!
//! Each check is an `async fn(&dyn Store)` that starts from an empty, migrated database. A
//! backend's test crate instantiates them all with [`crate::conformance_tests!`], passing an
//! async function that opens a fresh store (or `None` to skip, for servers not configured).
//!
//! This crate is only ever a `[dev-dependencies]` entry of the backends (their
//! `tests/conformance.rs`), so nothing of it reaches the `kairos` binary.

use jiff::civil::date;
use kairos_core::event_type::{CustomQuestions, EventColor, Location, ReminderSettings};
use kairos_core::ids::{BlockedDateId, EventTypeId, UserId};
use kairos_core::schedule::{BlockedPeriod, DateOverride, DayWindows, TimeWindow, WeeklySchedule};
use kairos_core::settings::{DurationMinutes, HostSettings, SettingOverrides};
use kairos_core::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use kairos_core::zone::TimeZoneName;

use kairos_store::{
    Actor, ArchivedFilter, AvailabilityUpdate, ChangeFilter, DeleteOutcome, EventTypeFields,
    EventTypeFilter, NewAccount, NewApiToken, NewBlockedDate, NewOwner, NewPasswordReset,
    NewSession, NewTenant, NewUser, PageRequest, Role, Store, StoreError, TenantWithOwner, Unique,
    UserFilter, UserUpdate,
};

/// Instantiates every conformance check as a `#[tokio::test]` for one backend.
///
/// `$open` is an async fn returning `Option<(S, Cleanup)>` where `S: Store` and `Cleanup` is a
/// future-returning closure run after the check (even when it fails); `None` skips the test.
#[macro_export]
macro_rules! conformance_tests {
    ($open:path) => {
        $crate::conformance_tests!(@each $open,
            tenant_slugs_are_unique,
            tokens_resolve_to_their_principal_only_by_digest,
            sessions_resolve_until_they_expire_or_end,
            password_resets_work_once_until_they_expire,
            users_round_trip_and_usernames_are_unique_per_tenant,
            user_lists_are_paginated,
            event_types_round_trip_and_slugs_are_unique_per_host,
            deleting_an_event_type_without_bookings_removes_it,
            archived_event_types_are_listed_separately_and_restorable,
            availability_defaults_and_replaces,
            date_overrides_replace_per_date,
            blocked_dates_round_trip,
            every_change_writes_a_changelog_row,
            tenants_never_see_each_others_rows,
            bookings_round_trip_and_list_by_filter,
            a_refused_check_writes_nothing_and_sees_fresh_bookings,
            snapshots_hold_what_the_engine_needs,
            rescheduling_keeps_the_uid_and_raises_the_sequence,
            only_confirmed_bookings_can_be_cancelled_or_moved,
            outcomes_are_recorded_on_held_bookings,
            deleting_a_booked_event_type_archives_it,
            bookings_are_invisible_to_other_tenants,
            outbox_messages_are_written_with_their_booking,
            outbox_claims_are_leased_and_finished_once,
            outbox_retries_wait_and_failures_can_be_retried,
            cancelling_or_moving_drops_pending_reminders,
            notification_templates_round_trip_per_tenant,
            released_claims_return_to_the_queue_uncounted,
            public_event_types_resolve_in_one_read,
            schedule_versions_rise_with_every_snapshot_change
        );
    };
    (@each $open:path, $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                // A backend whose server is missing reports it (kairos-test-services).
                let Some((store, cleanup)) = $open().await else {
                    return;
                };
                let store = std::sync::Arc::new(store);
                let running = std::sync::Arc::clone(&store);
                let outcome = tokio::spawn(async move {
                    $crate::$check(running.as_ref()).await
                })
                .await;
                drop(store);
                cleanup().await;
                if let Err(error) = outcome {
                    std::panic::resume_unwind(error.into_panic());
                }
            }
        )+
    };
}

fn slug(value: &str) -> Slug {
    Slug::parse(value).expect("test slug")
}

fn username(value: &str) -> Username {
    Username::parse(value).expect("test username")
}

fn email(value: &str) -> EmailAddress {
    EmailAddress::parse(value).expect("test email")
}

fn name(value: &str) -> DisplayName {
    DisplayName::parse(value).expect("test name")
}

fn zone(value: &str) -> TimeZoneName {
    TimeZoneName::parse(value).expect("test zone")
}

async fn tenant(store: &dyn Store, tenant_slug: &str) -> TenantWithOwner {
    store
        .create_tenant(
            NewTenant {
                slug: slug(tenant_slug),
                name: name(&format!("Tenant {tenant_slug}")),
            },
            NewOwner {
                email: email(&format!("owner@{tenant_slug}.example")),
                password_hash: "not-a-real-hash".to_owned(),
                username: username("owner"),
                display_name: name("Owner"),
                timezone: zone("Europe/London"),
            },
        )
        .await
        .expect("create tenant")
}

fn new_user(handle: &str) -> NewUser {
    NewUser {
        account_id: None,
        username: username(handle),
        display_name: name(handle),
        email: email(&format!("{handle}@example.com")),
        timezone: zone("America/New_York"),
        avatar_url: None,
        settings: HostSettings::default(),
    }
}

fn fields(event_slug: &str) -> EventTypeFields {
    EventTypeFields {
        name: name("Intro call"),
        slug: slug(event_slug),
        description: Some(LongText::parse("A first chat").expect("text")),
        duration: DurationMinutes::new(30).expect("duration"),
        slot_interval: None,
        color: EventColor::Purple,
        location: Location::google_meet(),
        custom_questions: serde_json::from_str::<CustomQuestions>(
            r#"[{"id":"company","label":"Company","type":"text","required":true}]"#,
        )
        .expect("questions"),
        reminder_settings: ReminderSettings::default(),
        setting_overrides: SettingOverrides {
            buffer_after_mins: Some(kairos_core::settings::BufferMinutes::new(5).expect("buffer")),
            ..SettingOverrides::default()
        },
        is_active: true,
    }
}

fn expect_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: Unique) {
    match result {
        Err(StoreError::Conflict { rule, .. }) => assert_eq!(rule, expected),
        other => panic!("expected a conflict on {expected:?}, got {other:?}"),
    }
}

fn expect_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Two tenants cannot share a slug; the first one is untouched by the failed attempt.
pub async fn tenant_slugs_are_unique(store: &dyn Store) {
    let first = tenant(store, "acme").await;
    let again = store
        .create_tenant(
            NewTenant {
                slug: slug("acme"),
                name: name("Other"),
            },
            NewOwner {
                email: email("x@other.example"),
                password_hash: "h".to_owned(),
                username: username("x"),
                display_name: name("X"),
                timezone: zone("UTC"),
            },
        )
        .await;
    expect_conflict(again, Unique::TenantSlug);
    assert_eq!(store.count_tenants().await.expect("count"), 1);
    let found = store.tenant_by_slug(&slug("acme")).await.expect("by slug");
    assert_eq!(found.id, first.tenant.id);
    assert_eq!(first.user.account_id, Some(first.account.id));
    assert_eq!(first.account.role, Role::Owner);
    expect_not_found(store.tenant_by_slug(&slug("nobody")).await);
}

/// A token is found by its digest, and only by it.
pub async fn tokens_resolve_to_their_principal_only_by_digest(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    store
        .create_api_token(
            acme.tenant.id,
            NewApiToken {
                account_id: acme.account.id,
                name: "cli".to_owned(),
                digest: [7; 32],
            },
        )
        .await
        .expect("token");
    let principal = store
        .principal_for_token(&[7; 32])
        .await
        .expect("principal");
    assert_eq!(principal.tenant_id, acme.tenant.id);
    assert_eq!(principal.account_id, acme.account.id);
    assert_eq!(principal.role, Role::Owner);
    assert_eq!(principal.user_id, Some(acme.user.id));
    expect_not_found(store.principal_for_token(&[8; 32]).await);

    let member = store
        .create_account(
            acme.tenant.id,
            NewAccount {
                email: email("member@acme.example"),
                password_hash: "h".to_owned(),
                role: Role::Member,
            },
        )
        .await
        .expect("member");
    expect_conflict(
        store
            .create_account(
                acme.tenant.id,
                NewAccount {
                    email: email("member@acme.example"),
                    password_hash: "h".to_owned(),
                    role: Role::Member,
                },
            )
            .await,
        Unique::AccountEmail,
    );
    let (found, hash) = store
        .account_by_email(acme.tenant.id, &email("member@acme.example"))
        .await
        .expect("by email");
    assert_eq!(found.id, member.id);
    assert_eq!(hash, "h");
}

/// Sessions resolve by digest to their principal and CSRF token until they expire or are
/// ended; creating a session sweeps the tenant's expired ones; a new password ends the
/// account's other sessions.
pub async fn sessions_resolve_until_they_expire_or_end(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let other = tenant(store, "other").await;
    let now = jiff::Timestamp::from_second(2_000_000_000).expect("a valid instant");
    let hour = jiff::SignedDuration::from_hours(1);
    let session = |account_id, digest, created_at: jiff::Timestamp| NewSession {
        account_id,
        digest,
        csrf_token: format!("csrf-{}", digest[0]),
        created_at,
        expires_at: created_at + hour,
    };
    store
        .create_session(acme.tenant.id, session(acme.account.id, [1; 32], now))
        .await
        .expect("session");
    store
        .create_session(other.tenant.id, session(other.account.id, [2; 32], now))
        .await
        .expect("other session");

    let live = store
        .session_principal(&[1; 32], now + jiff::SignedDuration::from_mins(59))
        .await
        .expect("live session");
    assert_eq!(live.principal.tenant_id, acme.tenant.id);
    assert_eq!(live.principal.account_id, acme.account.id);
    assert_eq!(live.principal.role, Role::Owner);
    assert_eq!(live.principal.user_id, Some(acme.user.id));
    assert_eq!(live.csrf_token, "csrf-1");
    assert_eq!(live.expires_at, now + hour);
    expect_not_found(store.session_principal(&[1; 32], now + hour).await);
    expect_not_found(store.session_principal(&[9; 32], now).await);

    // A later login sweeps the expired session of its own tenant only.
    store
        .create_session(
            acme.tenant.id,
            session(acme.account.id, [3; 32], now + hour + hour),
        )
        .await
        .expect("later session");
    expect_not_found(store.session_principal(&[1; 32], now).await);
    assert_eq!(
        store
            .session_principal(&[2; 32], now)
            .await
            .expect("other tenant's session is kept")
            .principal
            .tenant_id,
        other.tenant.id
    );

    // A new password keeps the session that changed it and ends the account's others.
    store
        .create_session(
            acme.tenant.id,
            session(acme.account.id, [4; 32], now + hour + hour),
        )
        .await
        .expect("second session");
    store
        .set_password(acme.tenant.id, acme.account.id, "new-hash", Some(&[3; 32]))
        .await
        .expect("new password");
    let later = now + hour + hour;
    store
        .session_principal(&[3; 32], later)
        .await
        .expect("the changing session stays");
    expect_not_found(store.session_principal(&[4; 32], later).await);
    let (_, hash) = store
        .account_by_email(acme.tenant.id, &acme.account.email)
        .await
        .expect("account");
    assert_eq!(hash, "new-hash");
    assert!(
        store.session_principal(&[2; 32], now).await.is_ok(),
        "another tenant's sessions are untouched"
    );
    expect_not_found(
        store
            .set_password(acme.tenant.id, other.account.id, "x", None)
            .await,
    );

    store.delete_session(&[3; 32]).await.expect("logout");
    expect_not_found(store.session_principal(&[3; 32], now + hour + hour).await);
    store
        .delete_session(&[3; 32])
        .await
        .expect("ending an ended session is fine");
}

/// A password-reset link leads to its account until it expires or is used; only an account's
/// newest link works, and no new one is made within the quiet time after the last; using one
/// replaces the password, ends every session of the account (and no other's) and writes a
/// changelog row; a link works once; any new password voids the outstanding links.
pub async fn password_resets_work_once_until_they_expire(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let other = tenant(store, "other").await;
    let now = jiff::Timestamp::from_second(2_000_000_000).expect("a valid instant");
    let hour = jiff::SignedDuration::from_hours(1);
    let minute = jiff::SignedDuration::from_mins(1);
    let link = |account_id, digest, created_at: jiff::Timestamp| NewPasswordReset {
        account_id,
        digest,
        created_at,
        expires_at: created_at + hour,
        quiet_since: created_at - minute,
    };
    for (tenant, account, digest) in [
        (acme.tenant.id, acme.account.id, [1; 32]),
        (other.tenant.id, other.account.id, [2; 32]),
    ] {
        assert!(
            store
                .create_password_reset(tenant, link(account, digest, now))
                .await
                .expect("reset link")
        );
    }
    // Asking again within the quiet minute stores nothing; the first link keeps working.
    let soon = now + jiff::SignedDuration::from_secs(30);
    assert!(
        !store
            .create_password_reset(acme.tenant.id, link(acme.account.id, [7; 32], soon))
            .await
            .expect("quiet")
    );
    expect_not_found(store.password_reset(&[7; 32], soon).await);
    assert!(store.password_reset(&[1; 32], soon).await.is_ok());
    expect_not_found(
        store
            .create_password_reset(acme.tenant.id, link(other.account.id, [8; 32], now))
            .await,
    );
    let found = store
        .password_reset(&[1; 32], now + jiff::SignedDuration::from_mins(59))
        .await
        .expect("live link");
    assert_eq!(found.tenant_id, acme.tenant.id);
    assert_eq!(found.account_id, acme.account.id);
    assert_eq!(found.expires_at, now + hour);
    expect_not_found(store.password_reset(&[1; 32], now + hour).await);
    expect_not_found(store.password_reset(&[9; 32], now).await);
    expect_not_found(store.reset_password(&[1; 32], now + hour, "late").await);

    // A second request replaces the first link; it also sweeps the tenant's expired links.
    let later = now + jiff::SignedDuration::from_mins(10);
    assert!(
        store
            .create_password_reset(acme.tenant.id, link(acme.account.id, [3; 32], later))
            .await
            .expect("newer link")
    );
    expect_not_found(store.password_reset(&[1; 32], later).await);
    for digest in [[4; 32], [5; 32]] {
        store
            .create_session(
                acme.tenant.id,
                NewSession {
                    account_id: acme.account.id,
                    digest,
                    csrf_token: "csrf".to_owned(),
                    created_at: later,
                    expires_at: later + hour,
                },
            )
            .await
            .expect("session");
    }
    store
        .create_session(
            other.tenant.id,
            NewSession {
                account_id: other.account.id,
                digest: [6; 32],
                csrf_token: "csrf".to_owned(),
                created_at: later,
                expires_at: later + hour,
            },
        )
        .await
        .expect("other session");

    let used = store
        .reset_password(&[3; 32], later, "reset-hash")
        .await
        .expect("reset");
    assert_eq!(used.account_id, acme.account.id);
    let (_, hash) = store
        .account_by_email(acme.tenant.id, &acme.account.email)
        .await
        .expect("account");
    assert_eq!(hash, "reset-hash");
    expect_not_found(store.session_principal(&[4; 32], later).await);
    expect_not_found(store.session_principal(&[5; 32], later).await);
    assert!(
        store.session_principal(&[6; 32], later).await.is_ok(),
        "another tenant's sessions are untouched"
    );
    assert!(
        store.password_reset(&[2; 32], later).await.is_ok(),
        "another tenant's link still works"
    );
    expect_not_found(store.password_reset(&[3; 32], later).await);
    expect_not_found(store.reset_password(&[3; 32], later, "again").await);
    let (_, hash) = store
        .account_by_email(acme.tenant.id, &acme.account.email)
        .await
        .expect("account");
    assert_eq!(hash, "reset-hash", "a spent link changes nothing");

    let changes = store
        .list_changes(
            acme.tenant.id,
            ChangeFilter {
                entity_type: Some("account".to_owned()),
                entity_id: Some(acme.account.id.to_string()),
            },
            PageRequest::default(),
        )
        .await
        .expect("changes");
    let resets: Vec<_> = changes
        .items
        .iter()
        .filter(|c| c.action == "password_reset")
        .collect();
    assert_eq!(resets.len(), 1, "one changelog row for the one reset");
    assert_eq!(resets[0].actor_id, Some(acme.account.id));

    // A password changed otherwise voids the account's outstanding links.
    store
        .set_password(other.tenant.id, other.account.id, "changed", None)
        .await
        .expect("new password");
    expect_not_found(store.password_reset(&[2; 32], later).await);
}

/// Host profiles read back as written; usernames are unique within a tenant only.
pub async fn users_round_trip_and_usernames_are_unique_per_tenant(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let globex = tenant(store, "globex").await;
    let ada = store
        .create_user(acme.tenant.id, Actor::SYSTEM, new_user("ada"))
        .await
        .expect("ada");
    assert_eq!(ada.username.as_str(), "ada");
    assert_eq!(ada.timezone.as_str(), "America/New_York");
    assert_eq!(ada.settings, HostSettings::default());
    assert!(ada.is_active);
    expect_conflict(
        store
            .create_user(acme.tenant.id, Actor::SYSTEM, new_user("ada"))
            .await,
        Unique::Username,
    );
    store
        .create_user(globex.tenant.id, Actor::SYSTEM, new_user("ada"))
        .await
        .expect("same username in another tenant");

    let mut update = UserUpdate::from(ada.clone());
    update.display_name = name("Ada Lovelace");
    update.settings.daily_limit = Some(kairos_core::settings::BookingLimit::new(4).expect("limit"));
    update.is_active = false;
    let updated = store
        .update_user(acme.tenant.id, Actor::SYSTEM, ada.id, update)
        .await
        .expect("update");
    assert_eq!(updated.display_name.as_str(), "Ada Lovelace");
    assert_eq!(updated.settings.daily_limit.map(|l| l.get()), Some(4));
    assert!(!updated.is_active);
    let read = store.user(acme.tenant.id, ada.id).await.expect("read");
    assert_eq!(read.display_name.as_str(), "Ada Lovelace");
    let by_name = store
        .user_by_username(acme.tenant.id, &username("ada"))
        .await
        .expect("by username");
    assert_eq!(by_name.id, ada.id);
    expect_not_found(store.user(acme.tenant.id, UserId::new()).await);

    let mut clash = UserUpdate::from(read);
    clash.username = username("owner");
    expect_conflict(
        store
            .update_user(acme.tenant.id, Actor::SYSTEM, ada.id, clash)
            .await,
        Unique::Username,
    );
}

/// Lists page with a limit and an offset and report the total.
pub async fn user_lists_are_paginated(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    for handle in ["a1", "a2", "a3", "a4"] {
        store
            .create_user(acme.tenant.id, Actor::SYSTEM, new_user(handle))
            .await
            .expect("user");
    }
    let first = store
        .list_users(
            acme.tenant.id,
            UserFilter::default(),
            PageRequest::new(2, 0),
        )
        .await
        .expect("page 1");
    assert_eq!(first.total, 5);
    assert_eq!(first.items.len(), 2);
    let last = store
        .list_users(
            acme.tenant.id,
            UserFilter::default(),
            PageRequest::new(2, 4),
        )
        .await
        .expect("page 3");
    assert_eq!(last.items.len(), 1);
    let mut seen: Vec<_> = first.items.iter().map(|u| u.id).collect();
    let middle = store
        .list_users(
            acme.tenant.id,
            UserFilter::default(),
            PageRequest::new(2, 2),
        )
        .await
        .expect("page 2");
    seen.extend(middle.items.iter().map(|u| u.id));
    seen.extend(last.items.iter().map(|u| u.id));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "pages must not overlap");
    let only = store
        .list_users(
            acme.tenant.id,
            UserFilter {
                only: Some(acme.user.id),
                active_only: false,
            },
            PageRequest::default(),
        )
        .await
        .expect("only");
    assert_eq!(only.total, 1);
}

/// Event types read back field for field; a host cannot have two with one slug.
pub async fn event_types_round_trip_and_slugs_are_unique_per_host(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let ada = store
        .create_user(acme.tenant.id, Actor::SYSTEM, new_user("ada"))
        .await
        .expect("ada");
    let created = store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), ada.id)
        .await
        .expect("create");
    assert_eq!(created.fields, fields("intro"));
    assert_eq!(created.booking_count, 0);
    let read = store
        .event_type(acme.tenant.id, created.id)
        .await
        .expect("read");
    assert_eq!(read.fields, fields("intro"));
    assert_eq!(read.user_id, ada.id);
    let by_slug = store
        .event_type_by_slug(acme.tenant.id, ada.id, &slug("intro"))
        .await
        .expect("by slug");
    assert_eq!(by_slug.id, created.id);
    expect_conflict(
        store
            .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), ada.id)
            .await,
        Unique::EventTypeSlug,
    );
    store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), acme.user.id)
        .await
        .expect("same slug for another host");

    let mut changed = fields("intro-60");
    changed.duration = DurationMinutes::new(60).expect("duration");
    changed.color = EventColor::Red;
    changed.location = Location::new(
        kairos_core::event_type::LocationType::InPerson,
        Some("1 Main St".to_owned()),
        None,
    )
    .expect("location");
    let updated = store
        .update_event_type(acme.tenant.id, Actor::SYSTEM, created.id, changed.clone())
        .await
        .expect("update");
    assert_eq!(updated.fields, changed);
    assert!(updated.updated_at >= created.updated_at);
    expect_not_found(store.event_type(acme.tenant.id, EventTypeId::new()).await);

    let listed = store
        .list_event_types(
            acme.tenant.id,
            EventTypeFilter {
                user: Some(ada.id),
                ..EventTypeFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("list");
    assert_eq!(listed.total, 1);
}

/// An event type nobody booked is removed outright.
pub async fn deleting_an_event_type_without_bookings_removes_it(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let created = store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), acme.user.id)
        .await
        .expect("create");
    let outcome = store
        .delete_event_type(acme.tenant.id, Actor::SYSTEM, created.id)
        .await
        .expect("delete");
    assert_eq!(outcome, DeleteOutcome::Deleted);
    expect_not_found(store.event_type(acme.tenant.id, created.id).await);
    expect_not_found(
        store
            .delete_event_type(acme.tenant.id, Actor::SYSTEM, created.id)
            .await,
    );
}

/// Archived types leave the default list, show in the archived list, and come back.
pub async fn archived_event_types_are_listed_separately_and_restorable(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let created = store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), acme.user.id)
        .await
        .expect("create");
    store
        .archive_event_type(acme.tenant.id, Actor::SYSTEM, created.id)
        .await
        .expect("archive");
    let live = store
        .list_event_types(
            acme.tenant.id,
            EventTypeFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("live");
    assert_eq!(live.total, 0);
    let archived = store
        .list_event_types(
            acme.tenant.id,
            EventTypeFilter {
                archived: ArchivedFilter::Only,
                ..EventTypeFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("archived");
    assert_eq!(archived.total, 1);
    assert!(archived.items[0].archived_at.is_some());
    let restored = store
        .restore_event_type(acme.tenant.id, Actor::SYSTEM, created.id)
        .await
        .expect("restore");
    assert!(restored.archived_at.is_none());
    let all = store
        .list_event_types(
            acme.tenant.id,
            EventTypeFilter {
                archived: ArchivedFilter::Include,
                ..EventTypeFilter::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("all");
    assert_eq!(all.total, 1);
}

/// New hosts get Mon–Fri 09:00–17:00 in their zone; a put replaces it.
pub async fn availability_defaults_and_replaces(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let ada = store
        .create_user(acme.tenant.id, Actor::SYSTEM, new_user("ada"))
        .await
        .expect("ada");
    let initial = store
        .availability(acme.tenant.id, ada.id)
        .await
        .expect("initial");
    assert_eq!(initial.weekly_schedule, WeeklySchedule::default());
    assert_eq!(initial.timezone.as_str(), "America/New_York");
    let split = DayWindows::new(vec![
        TimeWindow::parse("09:00", "12:00").expect("window"),
        TimeWindow::parse("13:00", "24:00").expect("window"),
    ])
    .expect("day");
    let weekly = WeeklySchedule::weekdays(split);
    let updated = store
        .put_availability(
            acme.tenant.id,
            Actor::SYSTEM,
            ada.id,
            AvailabilityUpdate {
                timezone: zone("Asia/Kathmandu"),
                weekly_schedule: weekly.clone(),
            },
        )
        .await
        .expect("put");
    assert_eq!(updated.weekly_schedule, weekly);
    let read = store
        .availability(acme.tenant.id, ada.id)
        .await
        .expect("read");
    assert_eq!(read.weekly_schedule, weekly);
    assert_eq!(read.timezone.as_str(), "Asia/Kathmandu");
    expect_not_found(store.availability(acme.tenant.id, UserId::new()).await);
}

/// One override per date; putting again replaces it; deleting removes it.
pub async fn date_overrides_replace_per_date(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let host = acme.user.id;
    let christmas = DateOverride {
        date: date(2026, 12, 25),
        windows: DayWindows::none(),
    };
    let short_day = DateOverride {
        date: date(2026, 12, 24),
        windows: DayWindows::new(vec![TimeWindow::parse("09:00", "12:00").expect("w")])
            .expect("day"),
    };
    for item in [&christmas, &short_day] {
        store
            .put_date_override(acme.tenant.id, Actor::SYSTEM, host, item.clone())
            .await
            .expect("put");
    }
    let replaced = DateOverride {
        date: date(2026, 12, 24),
        windows: DayWindows::new(vec![TimeWindow::parse("10:00", "11:00").expect("w")])
            .expect("day"),
    };
    store
        .put_date_override(acme.tenant.id, Actor::SYSTEM, host, replaced.clone())
        .await
        .expect("replace");
    let all = store
        .list_date_overrides(acme.tenant.id, host, None, None)
        .await
        .expect("list");
    assert_eq!(all, vec![replaced.clone(), christmas.clone()]);
    let ranged = store
        .list_date_overrides(
            acme.tenant.id,
            host,
            Some(date(2026, 12, 25)),
            Some(date(2026, 12, 31)),
        )
        .await
        .expect("ranged");
    assert_eq!(ranged, vec![christmas]);
    store
        .delete_date_override(acme.tenant.id, Actor::SYSTEM, host, date(2026, 12, 24))
        .await
        .expect("delete");
    expect_not_found(
        store
            .delete_date_override(acme.tenant.id, Actor::SYSTEM, host, date(2026, 12, 24))
            .await,
    );
}

/// Blocked dates, all-day and partial, read back as written.
pub async fn blocked_dates_round_trip(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let host = acme.user.id;
    let holiday = store
        .create_blocked_date(
            acme.tenant.id,
            Actor::SYSTEM,
            host,
            NewBlockedDate {
                period: BlockedPeriod::new(date(2026, 12, 24), date(2026, 12, 26), None)
                    .expect("period"),
                reason: Some(LongText::parse("Holidays").expect("text")),
            },
        )
        .await
        .expect("all day");
    let dentist = store
        .create_blocked_date(
            acme.tenant.id,
            Actor::SYSTEM,
            host,
            NewBlockedDate {
                period: BlockedPeriod::new(
                    date(2026, 12, 1),
                    date(2026, 12, 1),
                    Some(TimeWindow::parse("14:00", "15:30").expect("w")),
                )
                .expect("period"),
                reason: None,
            },
        )
        .await
        .expect("partial");
    let listed = store
        .list_blocked_dates(acme.tenant.id, host, PageRequest::default())
        .await
        .expect("list");
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items[0].id, dentist.id, "ordered by start date");
    assert_eq!(listed.items[0].period, dentist.period);
    assert_eq!(listed.items[1].period, holiday.period);
    assert_eq!(
        listed.items[1].reason.as_ref().map(LongText::as_str),
        Some("Holidays")
    );
    store
        .delete_blocked_date(acme.tenant.id, Actor::SYSTEM, holiday.id)
        .await
        .expect("delete");
    expect_not_found(store.blocked_date(acme.tenant.id, holiday.id).await);
    expect_not_found(
        store
            .delete_blocked_date(acme.tenant.id, Actor::SYSTEM, BlockedDateId::new())
            .await,
    );
}

/// Each write leaves a changelog row naming the entity, the action and the actor.
pub async fn every_change_writes_a_changelog_row(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let actor = Actor::account(acme.account.id);
    let created = store
        .create_event_type(acme.tenant.id, actor, fields("intro"), acme.user.id)
        .await
        .expect("create");
    store
        .update_event_type(acme.tenant.id, actor, created.id, fields("intro-2"))
        .await
        .expect("update");
    store
        .delete_event_type(acme.tenant.id, actor, created.id)
        .await
        .expect("delete");
    store
        .put_availability(
            acme.tenant.id,
            actor,
            acme.user.id,
            AvailabilityUpdate {
                timezone: zone("UTC"),
                weekly_schedule: WeeklySchedule::default(),
            },
        )
        .await
        .expect("availability");
    let changes = store
        .list_changes(
            acme.tenant.id,
            ChangeFilter {
                entity_type: Some("event_type".to_owned()),
                entity_id: Some(created.id.to_string()),
            },
            PageRequest::default(),
        )
        .await
        .expect("changes");
    let actions: Vec<_> = changes.items.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(actions, ["deleted", "updated", "created"], "newest first");
    assert!(
        changes
            .items
            .iter()
            .all(|c| c.actor_id == Some(acme.account.id))
    );
    let everything = store
        .list_changes(
            acme.tenant.id,
            ChangeFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("all");
    assert!(
        everything
            .items
            .iter()
            .any(|c| c.entity_type == "availability")
    );
}

/// Nothing of tenant A can be read or changed through tenant B's id.
pub async fn tenants_never_see_each_others_rows(store: &dyn Store) {
    let acme = tenant(store, "acme").await;
    let globex = tenant(store, "globex").await;
    let event_type = store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), acme.user.id)
        .await
        .expect("event type");
    let blocked = store
        .create_blocked_date(
            acme.tenant.id,
            Actor::SYSTEM,
            acme.user.id,
            NewBlockedDate {
                period: BlockedPeriod::new(date(2026, 12, 24), date(2026, 12, 24), None)
                    .expect("period"),
                reason: None,
            },
        )
        .await
        .expect("blocked");
    let other = globex.tenant.id;
    expect_not_found(store.user(other, acme.user.id).await);
    expect_not_found(store.event_type(other, event_type.id).await);
    expect_not_found(store.availability(other, acme.user.id).await);
    expect_not_found(store.blocked_date(other, blocked.id).await);
    expect_not_found(
        store
            .delete_blocked_date(other, Actor::SYSTEM, blocked.id)
            .await,
    );
    expect_not_found(
        store
            .delete_event_type(other, Actor::SYSTEM, event_type.id)
            .await,
    );
    expect_not_found(
        store
            .update_event_type(other, Actor::SYSTEM, event_type.id, fields("stolen"))
            .await,
    );
    expect_not_found(
        store
            .create_event_type(other, Actor::SYSTEM, fields("sneaky"), acme.user.id)
            .await,
    );
    expect_not_found(
        store
            .put_availability(
                other,
                Actor::SYSTEM,
                acme.user.id,
                AvailabilityUpdate {
                    timezone: zone("UTC"),
                    weekly_schedule: WeeklySchedule::empty(),
                },
            )
            .await,
    );
    let listed = store
        .list_event_types(other, EventTypeFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert_eq!(listed.total, 0);
    let changes = store
        .list_changes(other, ChangeFilter::default(), PageRequest::default())
        .await
        .expect("changes");
    assert!(
        changes
            .items
            .iter()
            .all(|c| c.entity_id != event_type.id.to_string())
    );
    // Untouched in its own tenant.
    let still = store
        .event_type(acme.tenant.id, event_type.id)
        .await
        .expect("still there");
    assert_eq!(still.fields, fields("intro"));
}

fn instant(text: &str) -> jiff::Timestamp {
    text.parse().expect("test instant")
}

fn new_booking(
    event_type: &kairos_store::EventType,
    start: &str,
    minutes: i64,
) -> kairos_store::NewBooking {
    let start = instant(start);
    kairos_store::NewBooking {
        event_type_id: event_type.id,
        host_user_id: event_type.user_id,
        event_type_name: event_type.fields.name.to_string(),
        host_name: "Host".to_owned(),
        host_email: "host@example.com".to_owned(),
        invitee: kairos_core::booking::Invitee {
            name: name("Ivy Invitee"),
            email: email("ivy@example.com"),
            notes: Some(LongText::parse("Looking forward").expect("text")),
            responses: [(
                "company".to_owned(),
                kairos_core::booking::Answer::Text("Acme".to_owned()),
            )]
            .into_iter()
            .collect(),
        },
        start_time: start,
        end_time: start + jiff::SignedDuration::from_mins(minutes),
        timezone: zone("Asia/Kolkata"),
        location: Location::google_meet(),
        buffer_before_mins: 5,
        buffer_after_mins: 10,
        manage_token_digest: [9; 32],
    }
}

fn allow_all(_: &kairos_store::ScheduleSnapshot) -> Result<(), (&'static str, String)> {
    Ok(())
}

fn no_messages(_: &kairos_store::Booking) -> Vec<kairos_store::NewOutboxMessage> {
    Vec::new()
}

async fn booked_type(store: &dyn Store) -> (TenantWithOwner, kairos_store::EventType) {
    let acme = tenant(store, "acme").await;
    let event_type = store
        .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("intro"), acme.user.id)
        .await
        .expect("event type");
    (acme, event_type)
}

/// Bookings read back field for field and list by status, time, type and host.
pub async fn bookings_round_trip_and_list_by_filter(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let first = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("first");
    assert_eq!(first.status, kairos_core::booking::BookingStatus::Confirmed);
    assert_eq!(first.invitee.email.as_str(), "ivy@example.com");
    assert_eq!(first.invitee.responses.len(), 1);
    assert_eq!(first.start_time, instant("2030-01-07T10:00:00Z"));
    assert_eq!(first.end_time, instant("2030-01-07T10:30:00Z"));
    assert_eq!(first.timezone.as_str(), "Asia/Kolkata");
    assert_eq!((first.buffer_before_mins, first.buffer_after_mins), (5, 10));
    assert_eq!(first.manage_token_digest, [9; 32]);
    assert_eq!(first.sequence, 0);
    assert!(!first.ical_uid.is_empty());
    let read = store.booking(acme.tenant.id, first.id).await.expect("read");
    assert_eq!(read.invitee, first.invitee);
    let second = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("second");
    store
        .cancel_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            second.id,
            kairos_core::booking::CancelledBy::Host,
            None,
            &no_messages,
        )
        .await
        .expect("cancel");
    let all = store
        .list_bookings(
            acme.tenant.id,
            kairos_store::BookingFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("all");
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].id, second.id, "newest start first");
    let soonest = store
        .list_bookings(
            acme.tenant.id,
            kairos_store::BookingFilter {
                order: kairos_store::BookingOrder::SoonestFirst,
                ..Default::default()
            },
            PageRequest::new(1, 0),
        )
        .await
        .expect("soonest first");
    assert_eq!(soonest.total, 2);
    assert_ne!(soonest.items[0].id, second.id, "soonest start first");
    let confirmed = store
        .list_bookings(
            acme.tenant.id,
            kairos_store::BookingFilter {
                status: Some(kairos_core::booking::BookingStatus::Confirmed),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("confirmed");
    assert_eq!(confirmed.total, 1);
    let ranged = store
        .list_bookings(
            acme.tenant.id,
            kairos_store::BookingFilter {
                from: Some(instant("2030-01-08T00:00:00Z")),
                to: Some(instant("2030-01-09T00:00:00Z")),
                event_type: Some(intro.id),
                host: Some(acme.user.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("ranged");
    assert_eq!(
        ranged.items.iter().map(|b| b.id).collect::<Vec<_>>(),
        vec![second.id]
    );
    let created = store
        .bookings_created_between(
            acme.tenant.id,
            instant("2000-01-01T00:00:00Z"),
            instant("2100-01-01T00:00:00Z"),
        )
        .await
        .expect("created");
    assert_eq!(created.len(), 2);
}

/// The check runs on data read inside the transaction, and a refusal writes nothing.
pub async fn a_refused_check_writes_nothing_and_sees_fresh_bookings(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("first");
    let seen = std::sync::Mutex::new(0usize);
    let refuse = |snapshot: &kairos_store::ScheduleSnapshot| -> Result<(), (&'static str, String)> {
        *seen.lock().expect("lock") = snapshot.bookings.len();
        Err(("slot_unavailable", "taken".to_owned()))
    };
    let refused = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:15:00Z", 30),
            &refuse,
            &no_messages,
        )
        .await;
    match refused {
        Err(StoreError::Rejected { code, .. }) => assert_eq!(code, "slot_unavailable"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        *seen.lock().expect("lock"),
        1,
        "the check saw the committed booking"
    );
    let all = store
        .list_bookings(
            acme.tenant.id,
            kairos_store::BookingFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("list");
    assert_eq!(all.total, 1);
}

/// A snapshot carries the host's zone and hours, the overrides and blocks of the dates it
/// spans, and only the confirmed bookings overlapping the span.
pub async fn snapshots_hold_what_the_engine_needs(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let host = acme.user.id;
    store
        .put_date_override(
            acme.tenant.id,
            Actor::SYSTEM,
            host,
            DateOverride {
                date: date(2030, 1, 7),
                windows: DayWindows::none(),
            },
        )
        .await
        .expect("override");
    store
        .put_date_override(
            acme.tenant.id,
            Actor::SYSTEM,
            host,
            DateOverride {
                date: date(2030, 3, 1),
                windows: DayWindows::none(),
            },
        )
        .await
        .expect("far override");
    store
        .create_blocked_date(
            acme.tenant.id,
            Actor::SYSTEM,
            host,
            NewBlockedDate {
                period: BlockedPeriod::new(date(2030, 1, 1), date(2030, 1, 8), None)
                    .expect("period"),
                reason: None,
            },
        )
        .await
        .expect("blocked");
    let inside = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("inside");
    let cancelled = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T12:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("to cancel");
    store
        .cancel_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            cancelled.id,
            kairos_core::booking::CancelledBy::Invitee,
            Some("ill".to_owned()),
            &no_messages,
        )
        .await
        .expect("cancel");
    store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-02-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("outside");
    let snapshot = store
        .schedule_snapshot(
            acme.tenant.id,
            host,
            instant("2030-01-07T00:00:00Z"),
            instant("2030-01-08T00:00:00Z"),
            None,
        )
        .await
        .expect("snapshot");
    assert_eq!(snapshot.availability.timezone.as_str(), "Europe/London");
    assert_eq!(snapshot.overrides.len(), 1);
    assert_eq!(snapshot.blocked.len(), 1);
    assert_eq!(snapshot.bookings.len(), 1);
    assert_eq!(snapshot.bookings[0].id, inside.id);
    assert_eq!(snapshot.bookings[0].buffer_after_mins, 10);
    let ignoring = store
        .schedule_snapshot(
            acme.tenant.id,
            host,
            instant("2030-01-07T00:00:00Z"),
            instant("2030-01-08T00:00:00Z"),
            Some(inside.id),
        )
        .await
        .expect("snapshot");
    assert!(ignoring.bookings.is_empty());
}

/// A reschedule marks the old booking, links the new one, keeps the UID and raises SEQUENCE.
pub async fn rescheduling_keeps_the_uid_and_raises_the_sequence(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let old = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("old");
    let ignored_old = std::sync::Mutex::new(false);
    let check = |snapshot: &kairos_store::ScheduleSnapshot| -> Result<(), (&'static str, String)> {
        *ignored_old.lock().expect("lock") = snapshot.bookings.iter().all(|b| b.id != old.id);
        Ok(())
    };
    let moved = store
        .reschedule_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            old.id,
            instant("2029-12-01T00:00:00Z"),
            new_booking(&intro, "2030-01-07T10:15:00Z", 30),
            &check,
            &no_messages,
        )
        .await
        .expect("moved");
    assert!(
        *ignored_old.lock().expect("lock"),
        "the booking being moved is not busy"
    );
    assert_eq!(moved.rescheduled_from, Some(old.id));
    assert_eq!(moved.ical_uid, old.ical_uid);
    assert_eq!(moved.sequence, old.sequence + 1);
    assert_eq!(moved.status, kairos_core::booking::BookingStatus::Confirmed);
    let old_now = store.booking(acme.tenant.id, old.id).await.expect("old");
    assert_eq!(
        old_now.status,
        kairos_core::booking::BookingStatus::Rescheduled
    );
}

/// Cancelled bookings cannot be cancelled again or moved; started ones cannot be moved.
pub async fn only_confirmed_bookings_can_be_cancelled_or_moved(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    let past = store
        .reschedule_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            instant("2030-01-07T10:00:00Z"),
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await;
    assert!(
        matches!(
            past,
            Err(StoreError::Rejected {
                code: "booking_in_past",
                ..
            })
        ),
        "{past:?}"
    );
    let cancelled = store
        .cancel_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            kairos_core::booking::CancelledBy::Invitee,
            Some("ill".to_owned()),
            &no_messages,
        )
        .await
        .expect("cancel");
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("ill"));
    assert_eq!(
        cancelled.cancelled_by,
        Some(kairos_core::booking::CancelledBy::Invitee)
    );
    assert_eq!(cancelled.sequence, 1);
    let again = store
        .cancel_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            kairos_core::booking::CancelledBy::Host,
            None,
            &no_messages,
        )
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::Rejected {
                code: "booking_not_confirmed",
                ..
            })
        ),
        "{again:?}"
    );
    let moved = store
        .reschedule_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            instant("2029-01-01T00:00:00Z"),
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await;
    assert!(
        matches!(
            moved,
            Err(StoreError::Rejected {
                code: "booking_not_confirmed",
                ..
            })
        ),
        "{moved:?}"
    );
    let changes = store
        .list_changes(
            acme.tenant.id,
            ChangeFilter {
                entity_type: Some("booking".to_owned()),
                entity_id: Some(booking.id.to_string()),
            },
            PageRequest::default(),
        )
        .await
        .expect("changes");
    let actions: Vec<_> = changes.items.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(actions, ["cancelled", "created"]);
}

/// Completed and no-show are recorded on confirmed bookings, not on cancelled ones.
pub async fn outcomes_are_recorded_on_held_bookings(store: &dyn Store) {
    use kairos_core::booking::BookingStatus;
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    let done = store
        .set_booking_outcome(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            BookingStatus::NoShow,
        )
        .await
        .expect("no show");
    assert_eq!(done.status, BookingStatus::NoShow);
    let fixed = store
        .set_booking_outcome(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            BookingStatus::Completed,
        )
        .await
        .expect("completed");
    assert_eq!(fixed.status, BookingStatus::Completed);
    let wrong = store
        .set_booking_outcome(
            acme.tenant.id,
            Actor::SYSTEM,
            booking.id,
            BookingStatus::Cancelled,
        )
        .await;
    assert!(matches!(wrong, Err(StoreError::Rejected { .. })));
}

/// Deleting an event type that has bookings archives it and keeps the bookings.
pub async fn deleting_a_booked_event_type_archives_it(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    let outcome = store
        .delete_event_type(acme.tenant.id, Actor::SYSTEM, intro.id)
        .await
        .expect("delete");
    assert_eq!(outcome, DeleteOutcome::Archived);
    let archived = store
        .event_type(acme.tenant.id, intro.id)
        .await
        .expect("still readable");
    assert!(archived.archived_at.is_some());
    assert_eq!(archived.booking_count, 1);
    store
        .booking(acme.tenant.id, booking.id)
        .await
        .expect("booking kept");
}

/// No booking of tenant A can be read, cancelled, moved or listed through tenant B.
pub async fn bookings_are_invisible_to_other_tenants(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let globex = tenant(store, "globex").await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    let other = globex.tenant.id;
    expect_not_found(store.booking(other, booking.id).await);
    expect_not_found(
        store
            .cancel_booking(
                other,
                Actor::SYSTEM,
                booking.id,
                kairos_core::booking::CancelledBy::Invitee,
                None,
                &no_messages,
            )
            .await,
    );
    expect_not_found(
        store
            .reschedule_booking(
                other,
                Actor::SYSTEM,
                booking.id,
                instant("2029-01-01T00:00:00Z"),
                new_booking(&intro, "2030-01-08T10:00:00Z", 30),
                &allow_all,
                &no_messages,
            )
            .await,
    );
    expect_not_found(
        store
            .create_booking(
                other,
                Actor::SYSTEM,
                new_booking(&intro, "2030-01-09T10:00:00Z", 30),
                &allow_all,
                &no_messages,
            )
            .await,
    );
    let listed = store
        .list_bookings(
            other,
            kairos_store::BookingFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("list");
    assert_eq!(listed.total, 0);
    let still = store
        .booking(acme.tenant.id, booking.id)
        .await
        .expect("own");
    assert_eq!(still.status, kairos_core::booking::BookingStatus::Confirmed);
}

// --- notification outbox ----------------------------------------------------------------------

fn message(
    kind: kairos_core::notification::NotificationKind,
    audience: kairos_core::notification::Audience,
    reminder: Option<kairos_core::event_type::ReminderTiming>,
    send_at: &str,
) -> kairos_store::NewOutboxMessage {
    kairos_store::NewOutboxMessage {
        kind,
        audience,
        reminder,
        recipient: "ivy@example.com".to_owned(),
        send_at: instant(send_at),
        payload: serde_json::json!({ "note": format!("{}/{}", kind.as_str(), audience.as_str()) }),
    }
}

/// The messages of a new booking: a confirmation due now and a reminder the day before.
fn confirmation_and_reminder(
    booking: &kairos_store::Booking,
) -> Vec<kairos_store::NewOutboxMessage> {
    use kairos_core::event_type::ReminderTiming;
    use kairos_core::notification::{Audience, NotificationKind};
    let mut reminder = message(
        NotificationKind::Reminder,
        Audience::Invitee,
        Some(ReminderTiming::Hours24),
        "2030-01-06T10:00:00Z",
    );
    reminder.payload = serde_json::json!({ "bookingId": booking.id.to_string() });
    vec![
        message(
            NotificationKind::Confirmation,
            Audience::Invitee,
            None,
            "2029-12-01T00:00:00Z",
        ),
        reminder,
    ]
}

/// Messages are queued in the booking's transaction, with their fields; a refused booking
/// queues none.
pub async fn outbox_messages_are_written_with_their_booking(store: &dyn Store) {
    use kairos_core::notification::{Audience, NotificationKind};
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("booking");
    let messages = store
        .list_outbox(acme.tenant.id, booking.id)
        .await
        .expect("outbox");
    assert_eq!(messages.len(), 2);
    let confirmation = &messages[0];
    assert_eq!(confirmation.kind, NotificationKind::Confirmation);
    assert_eq!(confirmation.audience, Audience::Invitee);
    assert_eq!(confirmation.reminder, None);
    assert_eq!(confirmation.booking_id, booking.id);
    assert_eq!(confirmation.tenant_id, acme.tenant.id);
    assert_eq!(confirmation.status, kairos_store::OutboxStatus::Pending);
    assert_eq!(confirmation.attempts, 0);
    assert_eq!(confirmation.send_at, instant("2029-12-01T00:00:00Z"));
    assert_eq!(confirmation.next_attempt_at, confirmation.send_at);
    assert_eq!(
        confirmation.payload,
        serde_json::json!({ "note": "booking_confirmation/invitee" })
    );
    let reminder = &messages[1];
    assert_eq!(
        reminder.reminder,
        Some(kairos_core::event_type::ReminderTiming::Hours24)
    );
    assert_eq!(
        reminder.payload,
        serde_json::json!({ "bookingId": booking.id.to_string() }),
        "the outbox closure sees the booking as written"
    );

    let refuse = |_: &kairos_store::ScheduleSnapshot| Err(("slot_unavailable", "taken".to_owned()));
    let refused = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &refuse,
            &confirmation_and_reminder,
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Rejected { .. })));
    let counts = store
        .outbox_counts(instant("2029-12-01T00:00:00Z"))
        .await
        .expect("counts");
    assert_eq!(counts.by_status.get("pending"), Some(&2), "{counts:?}");
    assert_eq!(counts.due, 1);
}

/// Claims lease due messages once; a lapsed lease is claimed again; only the current claim
/// can finish a message; a sent reminder is recorded on its booking.
pub async fn outbox_claims_are_leased_and_finished_once(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("booking");
    let t0 = instant("2029-12-01T00:00:00Z");
    let lease = instant("2029-12-01T00:05:00Z");
    let first = store.claim_outbox(t0, lease, 10).await.expect("claim");
    assert_eq!(first.len(), 1, "only the confirmation is due");
    assert_eq!(first[0].message.attempts, 1);
    assert!(
        store
            .claim_outbox(t0, lease, 10)
            .await
            .expect("claim")
            .is_empty(),
        "a leased message is not claimed twice"
    );
    // The worker holding the lease died; after the lease another claim takes the message.
    let second = store
        .claim_outbox(lease, instant("2029-12-01T00:10:00Z"), 10)
        .await
        .expect("claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].message.id, first[0].message.id);
    assert_eq!(second[0].message.attempts, 2);
    assert!(
        !store
            .finish_outbox(&first[0], kairos_store::Delivery::Sent, lease)
            .await
            .expect("finish"),
        "a lapsed claim cannot finish the message"
    );
    assert!(
        store
            .finish_outbox(&second[0], kairos_store::Delivery::Sent, lease)
            .await
            .expect("finish")
    );
    assert!(
        !store
            .finish_outbox(&second[0], kairos_store::Delivery::Sent, lease)
            .await
            .expect("finish"),
        "a message is finished once"
    );
    // The reminder falls due a day before the meeting.
    let day_before = instant("2030-01-06T10:00:00Z");
    let reminders = store
        .claim_outbox(day_before, instant("2030-01-06T10:05:00Z"), 10)
        .await
        .expect("claim");
    assert_eq!(reminders.len(), 1);
    assert!(
        store
            .finish_outbox(&reminders[0], kairos_store::Delivery::Sent, day_before)
            .await
            .expect("finish")
    );
    let read = store
        .booking(acme.tenant.id, booking.id)
        .await
        .expect("booking");
    assert_eq!(
        read.reminders_sent
            .get(&kairos_core::event_type::ReminderTiming::Hours24),
        Some(&true)
    );
    let messages = store
        .list_outbox(acme.tenant.id, booking.id)
        .await
        .expect("outbox");
    assert!(
        messages
            .iter()
            .all(|m| m.status == kairos_store::OutboxStatus::Sent)
    );
    assert_eq!(messages[0].sent_at, Some(lease));
}

/// Retries wait for their time; failures stay, visible, until an admin retries them.
pub async fn outbox_retries_wait_and_failures_can_be_retried(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let booking = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("booking");
    let t0 = instant("2029-12-01T00:00:00Z");
    let lease = instant("2029-12-01T00:05:00Z");
    let claimed = store.claim_outbox(t0, lease, 10).await.expect("claim");
    let later = instant("2029-12-01T00:01:00Z");
    assert!(
        store
            .finish_outbox(
                &claimed[0],
                kairos_store::Delivery::Retry {
                    at: later,
                    error: "connection refused".to_owned()
                },
                t0
            )
            .await
            .expect("finish")
    );
    assert!(
        store
            .claim_outbox(t0, lease, 10)
            .await
            .expect("claim")
            .is_empty(),
        "not before its time"
    );
    let again = store.claim_outbox(later, lease, 10).await.expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].message.last_error.as_deref(),
        Some("connection refused")
    );
    assert!(
        store
            .finish_outbox(
                &again[0],
                kairos_store::Delivery::Failed {
                    error: "550 no such user".to_owned()
                },
                later
            )
            .await
            .expect("finish")
    );
    assert!(
        store
            .claim_outbox(lease, lease, 10)
            .await
            .expect("claim")
            .is_empty(),
        "failed stays failed"
    );
    let counts = store.outbox_counts(lease).await.expect("counts");
    assert_eq!(counts.by_status.get("failed"), Some(&1));
    let id = again[0].message.id;

    let other = tenant(store, "globex").await;
    expect_not_found(
        store
            .retry_outbox(other.tenant.id, Actor::SYSTEM, id, lease)
            .await,
    );
    assert!(
        store
            .list_outbox(other.tenant.id, booking.id)
            .await
            .expect("other")
            .is_empty()
    );

    let retried = store
        .retry_outbox(acme.tenant.id, Actor::SYSTEM, id, lease)
        .await
        .expect("retry");
    assert_eq!(retried.status, kairos_store::OutboxStatus::Pending);
    assert_eq!(retried.attempts, 0);
    assert_eq!(retried.next_attempt_at, lease);
    match store
        .retry_outbox(acme.tenant.id, Actor::SYSTEM, id, lease)
        .await
    {
        Err(StoreError::Rejected { code, .. }) => assert_eq!(code, "message_not_failed"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let changes = store
        .list_changes(
            acme.tenant.id,
            ChangeFilter {
                entity_type: Some("outbox_message".to_owned()),
                entity_id: Some(id.to_string()),
            },
            PageRequest::default(),
        )
        .await
        .expect("changes");
    assert_eq!(changes.items.len(), 1);
    assert_eq!(changes.items[0].action, "retried");
}

/// Cancelling or moving a booking drops its pending reminders and queues the new messages in
/// the same transaction.
pub async fn cancelling_or_moving_drops_pending_reminders(store: &dyn Store) {
    use kairos_core::notification::{Audience, NotificationKind};
    let (acme, intro) = booked_type(store).await;
    let first = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("first");
    let cancellation = |_: &kairos_store::Booking| {
        vec![message(
            NotificationKind::Cancellation,
            Audience::Host,
            None,
            "2029-12-02T00:00:00Z",
        )]
    };
    store
        .cancel_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            first.id,
            kairos_core::booking::CancelledBy::Invitee,
            None,
            &cancellation,
        )
        .await
        .expect("cancel");
    let messages = store
        .list_outbox(acme.tenant.id, first.id)
        .await
        .expect("outbox");
    let states: Vec<_> = messages.iter().map(|m| (m.kind, m.status)).collect();
    assert_eq!(
        states,
        vec![
            (
                NotificationKind::Confirmation,
                kairos_store::OutboxStatus::Pending
            ),
            (
                NotificationKind::Reminder,
                kairos_store::OutboxStatus::Cancelled
            ),
            (
                NotificationKind::Cancellation,
                kairos_store::OutboxStatus::Pending
            ),
        ]
    );

    let second = store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-09T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("second");
    let moved = store
        .reschedule_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            second.id,
            instant("2029-12-01T00:00:00Z"),
            new_booking(&intro, "2030-01-10T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("moved");
    let old = store
        .list_outbox(acme.tenant.id, second.id)
        .await
        .expect("old");
    assert_eq!(old[1].status, kairos_store::OutboxStatus::Cancelled);
    let new = store
        .list_outbox(acme.tenant.id, moved.id)
        .await
        .expect("new");
    assert_eq!(new.len(), 2);
    assert!(
        new.iter()
            .all(|m| m.status == kairos_store::OutboxStatus::Pending)
    );
}

/// Tenants' notification wording round-trips per type and stays in its tenant.
pub async fn notification_templates_round_trip_per_tenant(store: &dyn Store) {
    use kairos_core::notification::{Audience, NotificationKind};
    let acme = tenant(store, "acme").await;
    let globex = tenant(store, "globex").await;
    assert!(
        store
            .notification_templates(acme.tenant.id)
            .await
            .expect("none")
            .is_empty()
    );
    let saved = store
        .put_notification_template(
            acme.tenant.id,
            Actor::SYSTEM,
            NotificationKind::Reminder,
            Audience::Invitee,
            Some("Soon: {{eventTypeName}}".to_owned()),
            None,
        )
        .await
        .expect("put");
    assert_eq!(saved.subject.as_deref(), Some("Soon: {{eventTypeName}}"));
    let replaced = store
        .put_notification_template(
            acme.tenant.id,
            Actor::SYSTEM,
            NotificationKind::Reminder,
            Audience::Invitee,
            None,
            Some("See you {{startTime}}".to_owned()),
        )
        .await
        .expect("replace");
    let listed = store
        .notification_templates(acme.tenant.id)
        .await
        .expect("list");
    assert_eq!(listed, vec![replaced]);
    assert!(
        store
            .notification_templates(globex.tenant.id)
            .await
            .expect("other")
            .is_empty()
    );
    expect_not_found(
        store
            .delete_notification_template(
                globex.tenant.id,
                Actor::SYSTEM,
                NotificationKind::Reminder,
                Audience::Invitee,
            )
            .await,
    );
    store
        .delete_notification_template(
            acme.tenant.id,
            Actor::SYSTEM,
            NotificationKind::Reminder,
            Audience::Invitee,
        )
        .await
        .expect("delete");
    assert!(
        store
            .notification_templates(acme.tenant.id)
            .await
            .expect("gone")
            .is_empty()
    );
}

/// A claim handed back unstarted is claimable again at once, the attempt not counted.
pub async fn released_claims_return_to_the_queue_uncounted(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &confirmation_and_reminder,
        )
        .await
        .expect("booking");
    let t0 = instant("2029-12-01T00:00:00Z");
    let lease = instant("2029-12-01T00:05:00Z");
    let claimed = store.claim_outbox(t0, lease, 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert!(
        store
            .finish_outbox(&claimed[0], kairos_store::Delivery::Released, t0)
            .await
            .expect("release")
    );
    let again = store.claim_outbox(t0, lease, 10).await.expect("claim");
    assert_eq!(again.len(), 1, "released before its lease ran out");
    assert_eq!(
        again[0].message.attempts, 1,
        "the released attempt is not counted"
    );
}

fn same<T: serde::Serialize>(left: &T, right: &T) -> bool {
    serde_json::to_value(left).expect("json") == serde_json::to_value(right).expect("json")
}

/// A public event-type address resolves in one call to the same rows the single lookups give,
/// with the host's schedule version; what is missing comes back as such, per tenant.
pub async fn public_event_types_resolve_in_one_read(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let other = tenant(store, "other").await;
    let page = store
        .public_event_type(&slug("acme"), &username("owner"), &slug("intro"))
        .await
        .expect("page");
    assert!(same(&page.tenant, &acme.tenant));
    let host = page.host.expect("host");
    assert!(same(
        &host,
        &store
            .user(acme.tenant.id, acme.user.id)
            .await
            .expect("user")
    ));
    let event_type = page.event_type.expect("event type");
    assert!(same(&event_type, &intro));
    let snapshot = store
        .schedule_snapshot(
            acme.tenant.id,
            acme.user.id,
            instant("2030-01-07T00:00:00Z"),
            instant("2030-01-08T00:00:00Z"),
            None,
        )
        .await
        .expect("snapshot");
    assert_eq!(page.schedule_version, Some(snapshot.version));

    let no_type = store
        .public_event_type(&slug("acme"), &username("owner"), &slug("nope"))
        .await
        .expect("page without type");
    assert!(no_type.host.is_some());
    assert!(no_type.event_type.is_none());
    let no_host = store
        .public_event_type(&slug("acme"), &username("nobody"), &slug("intro"))
        .await
        .expect("page without host");
    assert!(no_host.host.is_none() && no_host.event_type.is_none());
    assert!(no_host.schedule_version.is_none());
    expect_not_found(
        store
            .public_event_type(&slug("nowhere"), &username("owner"), &slug("intro"))
            .await,
    );
    // The other tenant also has an "owner", but not acme's event type.
    let elsewhere = store
        .public_event_type(&slug("other"), &username("owner"), &slug("intro"))
        .await
        .expect("other tenant's page");
    assert_eq!(elsewhere.host.expect("other owner").id, other.user.id);
    assert!(elsewhere.event_type.is_none());

    // A booking request's target: the same rows, found by the event type's id.
    let target = store
        .booking_target(&slug("acme"), intro.id)
        .await
        .expect("target");
    assert!(same(&target.tenant, &acme.tenant));
    assert!(same(&target.event_type.expect("type"), &intro));
    assert_eq!(target.host.expect("host").id, acme.user.id);
    assert_eq!(target.schedule_version, Some(snapshot.version));
    // Another tenant's slug does not reach acme's type, and unknown slugs are NotFound.
    let foreign = store
        .booking_target(&slug("other"), intro.id)
        .await
        .expect("other tenant");
    assert!(foreign.host.is_none() && foreign.event_type.is_none());
    assert!(foreign.schedule_version.is_none());
    expect_not_found(store.booking_target(&slug("nowhere"), intro.id).await);

    store
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    let counted = store
        .public_event_type(&slug("acme"), &username("owner"), &slug("intro"))
        .await
        .expect("page after booking");
    assert_eq!(counted.event_type.expect("type").booking_count, 1);
    assert_eq!(
        store
            .event_type(acme.tenant.id, intro.id)
            .await
            .expect("type")
            .booking_count,
        1
    );
}

async fn version_of(
    store: &dyn Store,
    tenant_slug: &str,
    handle: &str,
) -> kairos_store::ScheduleVersion {
    store
        .public_event_type(&slug(tenant_slug), &username(handle), &slug("intro"))
        .await
        .expect("page")
        .schedule_version
        .expect("host")
}

/// Every change to what a snapshot holds raises the host's schedule version, in the same
/// transaction; other hosts' versions stay.
pub async fn schedule_versions_rise_with_every_snapshot_change(store: &dyn Store) {
    let (acme, intro) = booked_type(store).await;
    let tenant_id = acme.tenant.id;
    let host = acme.user.id;
    let bystander = store
        .create_user(tenant_id, Actor::SYSTEM, new_user("bystander"))
        .await
        .expect("second host");
    let bystander_version = version_of(store, "acme", "bystander").await;
    let mut seen = version_of(store, "acme", "owner").await;
    let mut raised = async |what: &str| {
        let now = version_of(store, "acme", "owner").await;
        assert!(
            now > seen,
            "{what} did not raise the version ({seen:?} → {now:?})"
        );
        seen = now;
    };

    let booking = store
        .create_booking(
            tenant_id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking");
    raised("a booking").await;
    let moved = store
        .reschedule_booking(
            tenant_id,
            Actor::SYSTEM,
            booking.id,
            instant("2029-01-01T00:00:00Z"),
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("reschedule");
    raised("a reschedule").await;
    store
        .cancel_booking(
            tenant_id,
            Actor::SYSTEM,
            moved.id,
            kairos_core::booking::CancelledBy::Host,
            None,
            &no_messages,
        )
        .await
        .expect("cancel");
    raised("a cancellation").await;
    store
        .put_availability(
            tenant_id,
            Actor::SYSTEM,
            host,
            AvailabilityUpdate {
                timezone: zone("UTC"),
                weekly_schedule: WeeklySchedule::empty(),
            },
        )
        .await
        .expect("availability");
    raised("new weekly hours").await;
    let day_off = DateOverride {
        date: date(2030, 1, 9),
        windows: DayWindows::none(),
    };
    store
        .put_date_override(tenant_id, Actor::SYSTEM, host, day_off)
        .await
        .expect("override");
    raised("a date override").await;
    store
        .delete_date_override(tenant_id, Actor::SYSTEM, host, date(2030, 1, 9))
        .await
        .expect("delete override");
    raised("removing a date override").await;
    let blocked = store
        .create_blocked_date(
            tenant_id,
            Actor::SYSTEM,
            host,
            NewBlockedDate {
                period: BlockedPeriod::new(date(2030, 2, 1), date(2030, 2, 3), None)
                    .expect("period"),
                reason: None,
            },
        )
        .await
        .expect("blocked");
    raised("a blocked date").await;
    store
        .delete_blocked_date(tenant_id, Actor::SYSTEM, blocked.id)
        .await
        .expect("unblock");
    raised("removing a blocked date").await;

    assert_eq!(
        version_of(store, "acme", "bystander").await,
        bystander_version,
        "another host's changes leave a host's version alone"
    );
    assert_eq!(
        store
            .event_type(tenant_id, intro.id)
            .await
            .expect("type")
            .booking_count,
        2,
        "the booking and its rescheduled copy"
    );
    let _ = bystander;
}

/// A [`kairos_store::SnapshotCache`] in front of one store serves a kept snapshot only while nothing
/// changed, and a fresh one after a booking or new hours, whether the change came through the
/// same store or another store on the same database (another server process).
pub async fn cached_snapshots_follow_changes_from_any_store(first: &dyn Store, second: &dyn Store) {
    let (acme, intro) = booked_type(first).await;
    let cache = kairos_store::SnapshotCache::new(16);
    let key = kairos_store::SnapshotKey {
        tenant: acme.tenant.id,
        host: acme.user.id,
        span_start: instant("2030-01-07T00:00:00Z"),
        span_end: instant("2030-01-14T00:00:00Z"),
    };
    let listed = cache
        .snapshot(first, key, version_of(first, "acme", "owner").await)
        .await
        .expect("first listing");
    assert!(listed.bookings.is_empty());
    let again = cache
        .snapshot(first, key, version_of(first, "acme", "owner").await)
        .await
        .expect("unchanged listing");
    assert!(
        std::sync::Arc::ptr_eq(&listed, &again),
        "nothing changed: served from memory"
    );

    first
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-07T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking through the same store");
    let after_booking = cache
        .snapshot(first, key, version_of(first, "acme", "owner").await)
        .await
        .expect("listing after a booking");
    assert_eq!(after_booking.bookings.len(), 1);

    second
        .create_booking(
            acme.tenant.id,
            Actor::SYSTEM,
            new_booking(&intro, "2030-01-08T10:00:00Z", 30),
            &allow_all,
            &no_messages,
        )
        .await
        .expect("booking through another store");
    let after_other_booking = cache
        .snapshot(first, key, version_of(first, "acme", "owner").await)
        .await
        .expect("listing after another store's booking");
    assert_eq!(after_other_booking.bookings.len(), 2);

    second
        .put_availability(
            acme.tenant.id,
            Actor::SYSTEM,
            acme.user.id,
            AvailabilityUpdate {
                timezone: zone("Asia/Tokyo"),
                weekly_schedule: WeeklySchedule::empty(),
            },
        )
        .await
        .expect("hours through another store");
    let after_hours = cache
        .snapshot(first, key, version_of(first, "acme", "owner").await)
        .await
        .expect("listing after new hours");
    assert_eq!(after_hours.availability.timezone.as_str(), "Asia/Tokyo");
    assert_eq!(
        after_hours.availability.weekly_schedule,
        WeeklySchedule::empty()
    );
    let kept = cache
        .snapshot(first, key, version_of(second, "acme", "owner").await)
        .await
        .expect("unchanged again");
    assert!(std::sync::Arc::ptr_eq(&after_hours, &kept));
}
