//! What only the PostgreSQL backend promises: row-level security per tenant, the per-host
//! advisory lock and the exclusion constraint against double booking, and its own encodings of
//! instants and dates. Each
//! test gets a fresh database (dropped afterwards, even on failure) on the server
//! `KAIROS_TEST_DATABASE_URL` names, and skips without it (fails under `KAIROS_TEST_REQUIRE_ALL=1`).

mod test_database;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::date;
use kairos_core::booking::{BookingStatus, Invitee};
use kairos_core::event_type::{CustomQuestions, EventColor, Location, ReminderSettings};
use kairos_core::ids::{EventTypeId, TenantId, UserId};
use kairos_core::settings::{DurationMinutes, HostSettings, SettingOverrides};
use kairos_core::text::{DisplayName, EmailAddress, Slug, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::prelude::*;
use kairos_store::{
    Actor, Booking, BookingFilter, DeleteOutcome, EventTypeFields, EventTypeFilter, NewBooking,
    NewOwner, NewTenant, NewUser, PageRequest, ScheduleSnapshot, StoreError, StoreResult,
    TenantWithOwner, Unique,
};
use kairos_store_postgres::PgStore;
use kairos_store_postgres::types::{PgDate, PgTimestamp};
use sqlx::postgres::PgQueryResult;
use sqlx::{Connection, PgConnection, Postgres};
use tokio::task::JoinError;
use uuid::Uuid;

use crate::test_database::TestDatabase;

/// Runs `check` on a fresh database and drops the database afterwards, whatever happened;
/// `None` when no server is configured.
async fn run_on_fresh_database<F, Fut>(check: F) -> Option<Result<(), JoinError>>
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (database, cleanup) = test_database::create().await?;
    let outcome = tokio::spawn(check(database)).await;
    cleanup().await;
    Some(outcome)
}

/// Fails the test if the check failed.
fn finish(outcome: Option<Result<(), JoinError>>) {
    if let Some(Err(error)) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

async fn with_database<F, Fut>(check: F)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    finish(run_on_fresh_database(check).await);
}

async fn tenant(store: &PgStore, slug: &str) -> TenantWithOwner {
    store
        .create_tenant(
            NewTenant {
                slug: Slug::parse(slug).expect("slug"),
                name: DisplayName::parse(slug).expect("name"),
            },
            NewOwner {
                email: EmailAddress::parse(&format!("owner@{slug}.example")).expect("email"),
                password_hash: "not-a-real-hash".to_owned(),
                username: Username::parse("owner").expect("username"),
                display_name: DisplayName::parse("Owner").expect("name"),
                timezone: TimeZoneName::parse("Europe/London").expect("zone"),
            },
        )
        .await
        .expect("create tenant")
}

fn fields(slug: &str) -> EventTypeFields {
    EventTypeFields {
        name: DisplayName::parse("Intro call").expect("name"),
        slug: Slug::parse(slug).expect("slug"),
        description: None,
        duration: DurationMinutes::new(30).expect("duration"),
        slot_interval: None,
        color: EventColor::Blue,
        location: Location::google_meet(),
        custom_questions: CustomQuestions::default(),
        reminder_settings: ReminderSettings::default(),
        setting_overrides: SettingOverrides::default(),
        is_active: true,
    }
}

async fn event_type(store: &PgStore, owner: &TenantWithOwner, slug: &str) -> EventTypeId {
    store
        .create_event_type(owner.tenant.id, Actor::SYSTEM, fields(slug), owner.user.id)
        .await
        .expect("event type")
        .id
}

fn at(text: &str) -> PgTimestamp {
    PgTimestamp(text.parse::<Timestamp>().expect("test instant"))
}

/// Inserts a booking row with raw SQL, bypassing the store's lock and check, so only the
/// database's own constraints stand in the way.
async fn insert_booking<'e, E>(
    executor: E,
    tenant: TenantId,
    event_type: EventTypeId,
    host: UserId,
    (start, end): (&str, &str),
    status: &str,
) -> Result<PgQueryResult, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    sqlx::query(
        "INSERT INTO scheduling_bookings (id, tenant_id, event_type_id, host_user_id, event_type_name, host_name, host_email,
             invitee, start_time, end_time, timezone, status, location, manage_token_digest, ical_uid, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'Intro call', 'Owner', 'owner@example.com',
             '{\"name\":\"Ivy\",\"email\":\"ivy@example.com\"}', $5, $6, 'Europe/London', $7, '{\"type\":\"google_meet\"}', $8,
             $1::text || '@kairos', $5, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(tenant.as_uuid())
    .bind(event_type.as_uuid())
    .bind(host.as_uuid())
    .bind(at(start))
    .bind(at(end))
    .bind(status)
    .bind(vec![0_u8; 32])
    .execute(executor)
    .await
}

fn sqlstate(result: Result<PgQueryResult, sqlx::Error>) -> Option<String> {
    match result {
        Err(sqlx::Error::Database(db)) => db.code().map(|code| code.into_owned()),
        Err(other) => panic!("expected a database error, got {other:?}"),
        Ok(_) => None,
    }
}

async fn ids(connection: &mut PgConnection, sql: &'static str) -> BTreeSet<Uuid> {
    sqlx::query_scalar::<_, Uuid>(sql)
        .fetch_all(connection)
        .await
        .expect("select ids")
        .into_iter()
        .collect()
}

async fn set_tenant(connection: &mut PgConnection, tenant: TenantId) {
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(connection)
        .await
        .expect("set app.tenant_id");
}

#[tokio::test]
async fn row_level_security_confines_an_app_login_to_its_tenant() {
    let role = format!("kairos_rls_{}", Uuid::new_v4().simple());
    let created_role = role.clone();
    let outcome = run_on_fresh_database(move |database| async move {
        let store = &database.store;
        let acme = tenant(store, "acme").await;
        let globex = tenant(store, "globex").await;
        let acme_type = event_type(store, &acme, "intro").await;
        let globex_type = event_type(store, &globex, "intro").await;
        let ada = store
            .create_user(
                acme.tenant.id,
                Actor::SYSTEM,
                NewUser {
                    account_id: None,
                    username: Username::parse("ada").expect("username"),
                    display_name: DisplayName::parse("Ada").expect("name"),
                    email: EmailAddress::parse("ada@example.com").expect("email"),
                    timezone: TimeZoneName::parse("UTC").expect("zone"),
                    avatar_url: None,
                    settings: HostSettings::default(),
                },
            )
            .await
            .expect("ada");

        test_database::on_server(format!(
            r#"CREATE ROLE "{created_role}" LOGIN IN ROLE kairos_app"#
        ))
        .await;
        let mut app = PgConnection::connect_with(&database.options().username(&created_role))
            .await
            .expect("connect as the app login");

        // A fresh session with no tenant set sees nothing at all.
        let mut tx = app.begin().await.expect("begin");
        assert!(ids(&mut tx, "SELECT id FROM scheduling_event_types").await.is_empty());
        assert!(ids(&mut tx, "SELECT id FROM scheduling_users").await.is_empty());
        tx.commit().await.expect("commit");

        // Under acme's context, unfiltered queries see acme's rows only.
        let mut tx = app.begin().await.expect("begin");
        set_tenant(&mut tx, acme.tenant.id).await;
        assert_eq!(
            ids(&mut tx, "SELECT id FROM scheduling_event_types").await,
            BTreeSet::from([acme_type.as_uuid()])
        );
        assert_eq!(
            ids(&mut tx, "SELECT id FROM scheduling_users").await,
            BTreeSet::from([acme.user.id.as_uuid(), ada.id.as_uuid()])
        );
        // Writing a row for another tenant is refused by the policy's WITH CHECK.
        let smuggled = sqlx::query(
            "INSERT INTO scheduling_event_types (id, tenant_id, user_id, name, slug, duration, created_at, updated_at)
             VALUES ($1, $2, $3, 'Stolen', 'stolen', 30, now(), now())",
        )
        .bind(Uuid::now_v7())
        .bind(globex.tenant.id.as_uuid())
        .bind(globex.user.id.as_uuid())
        .execute(&mut *tx)
        .await;
        assert_eq!(sqlstate(smuggled).as_deref(), Some("42501"));
        tx.rollback().await.expect("rollback");

        // Once the transaction that set it is over, the same session is back to seeing nothing
        // (the setting now reads back as '' rather than NULL).
        let mut tx = app.begin().await.expect("begin");
        assert!(ids(&mut tx, "SELECT id FROM scheduling_event_types").await.is_empty());
        assert!(ids(&mut tx, "SELECT id FROM scheduling_users").await.is_empty());
        tx.commit().await.expect("commit");

        // And globex's context shows globex's rows only.
        let mut tx = app.begin().await.expect("begin");
        set_tenant(&mut tx, globex.tenant.id).await;
        assert_eq!(
            ids(&mut tx, "SELECT id FROM scheduling_event_types").await,
            BTreeSet::from([globex_type.as_uuid()])
        );
        tx.commit().await.expect("commit");
        let _ = app.close().await;
    })
    .await;
    test_database::on_server(format!(r#"DROP ROLE IF EXISTS "{role}""#)).await;
    finish(outcome);
}

#[tokio::test]
async fn store_transactions_run_as_the_app_role_under_the_tenant_policy() {
    with_database(|database| async move {
        let store = &database.store;
        let acme = tenant(store, "acme").await;
        let globex = tenant(store, "globex").await;
        let acme_type = event_type(store, &acme, "intro").await;
        event_type(store, &globex, "intro").await;

        // The test URL connects as a superuser; the store must still not bypass the policies.
        let mut tx = store.begin_tenant(acme.tenant.id).await.expect("begin");
        let (user, tenant_setting): (String, String) =
            sqlx::query_as("SELECT current_user::text, current_setting('app.tenant_id')")
                .fetch_one(&mut *tx)
                .await
                .expect("session state");
        assert_eq!(user, "kairos_app");
        assert_eq!(tenant_setting, acme.tenant.id.to_string());
        assert_eq!(
            ids(&mut tx, "SELECT id FROM scheduling_event_types").await,
            BTreeSet::from([acme_type.as_uuid()])
        );
        tx.commit().await.expect("commit");

        // Both settings end with the transaction: the pooled connection is itself again.
        let mut connection = store.pool().acquire().await.expect("connection");
        let bypasses: bool = sqlx::query_scalar(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&mut *connection)
        .await
        .expect("role");
        assert!(
            bypasses,
            "the test server URL is expected to name a superuser"
        );
    })
    .await;
}

#[tokio::test]
async fn overlapping_confirmed_bookings_of_one_host_are_refused() {
    with_database(|database| async move {
        let store = &database.store;
        let acme = tenant(store, "acme").await;
        let intro = event_type(store, &acme, "intro").await;
        let other_host = store
            .create_user(
                acme.tenant.id,
                Actor::SYSTEM,
                NewUser {
                    account_id: None,
                    username: Username::parse("bob").expect("username"),
                    display_name: DisplayName::parse("Bob").expect("name"),
                    email: EmailAddress::parse("bob@example.com").expect("email"),
                    timezone: TimeZoneName::parse("UTC").expect("zone"),
                    avatar_url: None,
                    settings: HostSettings::default(),
                },
            )
            .await
            .expect("bob");
        let pool = store.pool();
        let tenant = acme.tenant.id;
        let host = acme.user.id;

        let first = ("2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z");
        let overlapping = ("2026-12-01T10:15:00Z", "2026-12-01T10:45:00Z");
        let inside = ("2026-12-01T10:05:00Z", "2026-12-01T10:10:00Z");
        let back_to_back = ("2026-12-01T10:30:00Z", "2026-12-01T11:00:00Z");

        assert_eq!(
            sqlstate(insert_booking(pool, tenant, intro, host, first, "confirmed").await),
            None
        );
        for clash in [first, overlapping, inside] {
            assert_eq!(
                sqlstate(insert_booking(pool, tenant, intro, host, clash, "confirmed").await)
                    .as_deref(),
                Some("23P01"),
                "{clash:?} overlaps {first:?}"
            );
        }
        // Ranges are half-open: a booking may start when the previous one ends.
        assert_eq!(
            sqlstate(insert_booking(pool, tenant, intro, host, back_to_back, "confirmed").await),
            None
        );
        // Only confirmed bookings hold their time.
        assert_eq!(
            sqlstate(insert_booking(pool, tenant, intro, host, overlapping, "cancelled").await),
            None
        );
        // Another host is free at the same time.
        assert_eq!(
            sqlstate(
                insert_booking(pool, tenant, intro, other_host.id, first, "confirmed").await
            ),
            None
        );
        // Re-confirming the cancelled overlap is refused too.
        let reconfirm = sqlx::query(
            "UPDATE scheduling_bookings SET status = 'confirmed' WHERE tenant_id = $1 AND status = 'cancelled'",
        )
        .bind(tenant.as_uuid())
        .execute(pool)
        .await;
        assert_eq!(sqlstate(reconfirm).as_deref(), Some("23P01"));
    })
    .await;
}

#[tokio::test]
async fn deleting_an_event_type_with_bookings_archives_it() {
    with_database(|database| async move {
        let store = &database.store;
        let acme = tenant(store, "acme").await;
        let intro = event_type(store, &acme, "intro").await;

        let mut tx = store.begin_tenant(acme.tenant.id).await.expect("begin");
        insert_booking(
            &mut *tx,
            acme.tenant.id,
            intro,
            acme.user.id,
            ("2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z"),
            "confirmed",
        )
        .await
        .expect("booking under the tenant's context");
        tx.commit().await.expect("commit");

        let outcome = store
            .delete_event_type(acme.tenant.id, Actor::SYSTEM, intro)
            .await
            .expect("delete");
        assert_eq!(outcome, DeleteOutcome::Archived);
        let kept = store
            .event_type(acme.tenant.id, intro)
            .await
            .expect("still readable");
        assert!(kept.archived_at.is_some());
        assert_eq!(kept.booking_count, 1);
        let live = store
            .list_event_types(
                acme.tenant.id,
                EventTypeFilter::default(),
                PageRequest::default(),
            )
            .await
            .expect("list");
        assert_eq!(live.total, 0);
    })
    .await;
}

#[tokio::test]
async fn instants_and_dates_encode_as_postgres_reads_them() {
    with_database(|database| async move {
        let pool = database.store.pool();
        for (instant, text) in [
            (
                "2026-11-26T10:34:56.123456Z",
                "2026-11-26 10:34:56.123456+00",
            ),
            (
                "1999-12-31T23:59:59.999999Z",
                "1999-12-31 23:59:59.999999+00",
            ),
            ("1970-01-01T00:00:00Z", "1970-01-01 00:00:00+00"),
        ] {
            let (same, back): (bool, PgTimestamp) =
                sqlx::query_as("SELECT $1 = $2::timestamptz, $2::timestamptz")
                    .bind(at(instant))
                    .bind(text)
                    .fetch_one(pool)
                    .await
                    .expect("timestamptz");
            assert!(same, "{instant} encodes as {text}");
            assert_eq!(back, at(instant), "{text} decodes as {instant}");
        }
        for (day, text) in [
            (date(2026, 12, 25), "2026-12-25"),
            (date(2000, 1, 1), "2000-01-01"),
            (date(1969, 7, 20), "1969-07-20"),
        ] {
            let (same, back): (bool, PgDate) = sqlx::query_as("SELECT $1 = $2::date, $2::date")
                .bind(PgDate(day))
                .bind(text)
                .fetch_one(pool)
                .await
                .expect("date");
            assert!(same, "{day} encodes as {text}");
            assert_eq!(back, PgDate(day));
        }
    })
    .await;
}

fn new_booking(event_type: EventTypeId, host: UserId, start: &str, minutes: i64) -> NewBooking {
    let start = start.parse::<Timestamp>().expect("test instant");
    NewBooking {
        event_type_id: event_type,
        host_user_id: host,
        event_type_name: "Intro call".to_owned(),
        host_name: "Owner".to_owned(),
        host_email: "owner@example.com".to_owned(),
        invitee: Invitee {
            name: DisplayName::parse("Ivy").expect("name"),
            email: EmailAddress::parse("ivy@example.com").expect("email"),
            notes: None,
            responses: Default::default(),
        },
        start_time: start,
        end_time: start + jiff::SignedDuration::from_mins(minutes),
        timezone: TimeZoneName::parse("Europe/London").expect("zone"),
        location: Location::google_meet(),
        buffer_before_mins: 0,
        buffer_after_mins: 0,
        manage_token_digest: [7; 32],
    }
}

/// A check that refuses the candidate when any booking in the snapshot overlaps it: what the
/// slot engine does, reduced to its core.
fn refuse_overlap(
    candidate: &NewBooking,
) -> impl Fn(&ScheduleSnapshot) -> Result<(), (&'static str, String)> + Send + Sync + 'static {
    let (start, end) = (candidate.start_time, candidate.end_time);
    move |snapshot| {
        if snapshot
            .bookings
            .iter()
            .any(|b| b.start < end && start < b.end)
        {
            Err(("slot_unavailable", "the slot is taken".to_owned()))
        } else {
            Ok(())
        }
    }
}

/// A lost race: refused by the check (on a fresh snapshot) or, failing that, by the
/// exclusion constraint.
fn is_lost_race(result: &StoreResult<Booking>) -> bool {
    matches!(
        result,
        Err(StoreError::Rejected {
            code: "slot_unavailable",
            ..
        }) | Err(StoreError::Conflict {
            rule: Unique::OverlappingBooking,
            ..
        })
    )
}

async fn confirmed_bookings(store: &PgStore, tenant: TenantId) -> Vec<Booking> {
    store
        .list_bookings(
            tenant,
            BookingFilter {
                status: Some(BookingStatus::Confirmed),
                ..BookingFilter::default()
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await
        .expect("list bookings")
        .items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_overlapping_times_book_exactly_one() {
    with_database(|database| async move {
        let store = database.store.clone();
        let acme = tenant(&store, "acme").await;
        let intro = event_type(&store, &acme, "intro").await;
        let tenant = acme.tenant.id;
        let host = acme.user.id;

        // Twenty 30-minute bookings starting a minute apart: every pair overlaps.
        let attempts = (0..20)
            .map(|minute| {
                let store = store.clone();
                let booking =
                    new_booking(intro, host, &format!("2030-01-07T10:{minute:02}:00Z"), 30);
                tokio::spawn(async move {
                    let check = refuse_overlap(&booking);
                    store
                        .create_booking(tenant, Actor::SYSTEM, booking, &check, &|_: &Booking| {
                            Vec::new()
                        })
                        .await
                })
            })
            .collect::<Vec<_>>();
        let mut booked = Vec::new();
        let mut lost = 0;
        for attempt in attempts {
            let result = attempt.await.expect("task");
            if let Ok(booking) = &result {
                booked.push(booking.id);
            } else {
                assert!(is_lost_race(&result), "unexpected outcome {result:?}");
                lost += 1;
            }
        }
        assert_eq!(booked.len(), 1, "exactly one create wins");
        assert_eq!(lost, 19);
        let stored = confirmed_bookings(&store, tenant).await;
        assert_eq!(
            stored.iter().map(|b| b.id).collect::<Vec<_>>(),
            booked,
            "only the winner is stored"
        );
        let changes = store
            .list_changes(
                tenant,
                kairos_store::ChangeFilter {
                    entity_type: Some("booking".to_owned()),
                    entity_id: None,
                },
                PageRequest::default(),
            )
            .await
            .expect("changes");
        assert_eq!(changes.total, 1, "refused creates leave no changelog row");
    })
    .await;
}

/// How many advisory locks sessions are waiting for in this database.
async fn waiting_advisory_locks(store: &PgStore) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()",
    )
    .fetch_one(store.pool())
    .await
    .expect("pg_locks")
}

/// Waits (up to ten seconds) for `done`.
async fn eventually<F, Fut>(mut done: F, what: &str)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..1000 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// The advisory lock, not the exclusion constraint, is what keeps a second writer from
/// deciding on a stale snapshot. Two creates of *non-overlapping* times with a check allowing
/// one booking a day (a rule the constraint cannot see): while the first transaction sits in
/// its check, the second must wait for the host's lock, then see the first booking and be
/// refused. A create for another host is not held up meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_host_lock_serialises_checks_on_fresh_snapshots() {
    with_database(|database| async move {
        let store = database.store.clone();
        let acme = tenant(&store, "acme").await;
        let intro = event_type(&store, &acme, "intro").await;
        let bob = store
            .create_user(
                acme.tenant.id,
                Actor::SYSTEM,
                NewUser {
                    account_id: None,
                    username: Username::parse("bob").expect("username"),
                    display_name: DisplayName::parse("Bob").expect("name"),
                    email: EmailAddress::parse("bob@example.com").expect("email"),
                    timezone: TimeZoneName::parse("UTC").expect("zone"),
                    avatar_url: None,
                    settings: HostSettings::default(),
                },
            )
            .await
            .expect("bob");
        let bob_type = store
            .create_event_type(acme.tenant.id, Actor::SYSTEM, fields("bob-intro"), bob.id)
            .await
            .expect("bob's type")
            .id;
        let tenant = acme.tenant.id;
        let host = acme.user.id;

        // First writer: signals when it is inside its check, then holds there until released.
        let first_in_check = Arc::new(AtomicBool::new(false));
        let release_first = Arc::new(AtomicBool::new(false));
        let first = {
            let store = store.clone();
            let (inside, release) = (first_in_check.clone(), release_first.clone());
            tokio::spawn(async move {
                let check = move |snapshot: &ScheduleSnapshot| {
                    inside.store(true, Ordering::SeqCst);
                    // The check is synchronous: hand this worker's other tasks to another
                    // thread while it blocks.
                    tokio::task::block_in_place(|| {
                        for _ in 0..1000 {
                            if release.load(Ordering::SeqCst) {
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    });
                    if snapshot.bookings.is_empty() {
                        Ok(())
                    } else {
                        Err(("daily_limit_reached", "one booking a day".to_owned()))
                    }
                };
                store
                    .create_booking(
                        tenant,
                        Actor::SYSTEM,
                        new_booking(intro, host, "2030-01-07T10:00:00Z", 30),
                        &check,
                        &|_: &Booking| Vec::new(),
                    )
                    .await
            })
        };
        let inside = first_in_check.clone();
        eventually(
            move || std::future::ready(inside.load(Ordering::SeqCst)),
            "the first create reaches its check",
        )
        .await;

        // Second writer, same host, a later non-overlapping time: on the (empty) snapshot it
        // would read without the lock, its check would pass.
        let second_checks = Arc::new(AtomicUsize::new(0));
        let second_saw = Arc::new(AtomicUsize::new(usize::MAX));
        let second = {
            let store = store.clone();
            let (checks, saw) = (second_checks.clone(), second_saw.clone());
            tokio::spawn(async move {
                let check = move |snapshot: &ScheduleSnapshot| {
                    checks.fetch_add(1, Ordering::SeqCst);
                    saw.store(snapshot.bookings.len(), Ordering::SeqCst);
                    if snapshot.bookings.is_empty() {
                        Ok(())
                    } else {
                        Err(("daily_limit_reached", "one booking a day".to_owned()))
                    }
                };
                store
                    .create_booking(
                        tenant,
                        Actor::SYSTEM,
                        new_booking(intro, host, "2030-01-07T14:00:00Z", 30),
                        &check,
                        &|_: &Booking| Vec::new(),
                    )
                    .await
            })
        };
        let watcher = store.clone();
        eventually(
            move || {
                let watcher = watcher.clone();
                async move { waiting_advisory_locks(&watcher).await == 1 }
            },
            "the second create waits for the host's lock",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            second_checks.load(Ordering::SeqCst),
            0,
            "the second check must not run while the first transaction holds the host"
        );

        // Another host is not serialised behind this one.
        let other = tokio::time::timeout(
            Duration::from_secs(5),
            store.create_booking(
                tenant,
                Actor::SYSTEM,
                new_booking(bob_type, bob.id, "2030-01-07T10:00:00Z", 30),
                &|_: &ScheduleSnapshot| Ok(()),
                &|_: &Booking| Vec::new(),
            ),
        )
        .await
        .expect("another host's booking does not wait for this host's lock")
        .expect("bob's booking");
        assert_eq!(other.host_user_id, bob.id);

        release_first.store(true, Ordering::SeqCst);
        let first = first.await.expect("first task").expect("first create");
        let second = second.await.expect("second task");
        assert!(
            matches!(
                second,
                Err(StoreError::Rejected {
                    code: "daily_limit_reached",
                    ..
                })
            ),
            "the second create is refused on the fresh snapshot, got {second:?}"
        );
        assert_eq!(second_checks.load(Ordering::SeqCst), 1);
        assert_eq!(
            second_saw.load(Ordering::SeqCst),
            1,
            "the second check saw the first booking, committed before the lock was released"
        );
        let hosts_bookings = confirmed_bookings(&store, tenant)
            .await
            .into_iter()
            .filter(|b| b.host_user_id == host)
            .map(|b| b.id)
            .collect::<Vec<_>>();
        assert_eq!(hosts_bookings, vec![first.id]);
    })
    .await;
}
