//! Bookings on PostgreSQL (docs/architecture.md, "The booking transaction"). Every change is one
//! transaction that enters the tenant's context, then takes a transaction-scoped advisory lock
//! keyed on (tenant, host), so booking changes of one host are serialised across every server
//! process while other hosts proceed in parallel. The transaction runs at READ COMMITTED, so each
//! statement after the lock sees everything the previous lock holder committed: the snapshot the
//! caller's check is given is the state the write commits against. The exclusion constraint
//! `scheduling_bookings_no_overlap` stays the last guard; its violation is a conflict on
//! [`kairos_store::Unique::OverlappingBooking`].
//!
//! The steps of each change, their order and their changelog rows are
//! [`kairos_store::booking_flow`]'s, the same as on SQLite; this file holds the SQL.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{BookingId, TenantId, UserId};
use kairos_core::slots::ExistingBooking;
use kairos_store::BookingStore;
use kairos_store::booking_flow::{self, BookingTransaction, BookingUpdate};
use kairos_store::{
    Actor, Booking, BookingCheck, BookingFilter, NewBooking, NewChange, OutboxFor, Page,
    PageRequest, ScheduleSnapshot, ScheduleVersion, SnapshotBounds, StoreError, StoreResult,
};
use sqlx::types::Json;

use crate::outbox::{OutboxColumns, outbox_insert};
use crate::rows::{self, decode};
use crate::types::{PgDate, PgTimestamp};
use crate::{PgStore, Tx, commit, map_error, now, page_bounds};

pub(crate) const BOOKING_COLUMNS: &str = "id, tenant_id, event_type_id, host_user_id, event_type_name, host_name, host_email, invitee,
    start_time, end_time, timezone, status, location, buffer_before_mins, buffer_after_mins, manage_token_digest, ical_uid, sequence,
    cancelled_by, cancel_reason, rescheduled_from, reminders_sent, created_at, updated_at";

/// The text whose hash keys the advisory lock of one host's booking changes.
pub(crate) fn host_lock_key(tenant: TenantId, host: UserId) -> String {
    format!("{tenant}:{host}")
}

/// Serialises booking changes of these hosts until the transaction ends: one
/// `pg_advisory_xact_lock` per (tenant, host), taken in a fixed order so two transactions
/// locking the same pair of hosts cannot deadlock.
async fn lock_hosts(tx: &mut Tx, tenant: TenantId, hosts: &[UserId]) -> StoreResult<()> {
    let mut keys: Vec<String> = hosts
        .iter()
        .map(|host| host_lock_key(tenant, *host))
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
    }
    Ok(())
}

/// The host of a booking, read before its lock is taken (the host never changes).
async fn booking_host(tx: &mut Tx, tenant: TenantId, id: BookingId) -> StoreResult<UserId> {
    let host: uuid::Uuid = sqlx::query_scalar(
        "SELECT host_user_id FROM scheduling_bookings WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    Ok(UserId::from_uuid(host))
}

/// Reads the snapshot inside the caller's transaction (tenant context already entered).
pub(crate) async fn load_snapshot(
    tx: &mut Tx,
    tenant: TenantId,
    host: UserId,
    span_start: Timestamp,
    span_end: Timestamp,
    ignore: Option<BookingId>,
) -> StoreResult<ScheduleSnapshot> {
    // Two statements: the weekly hours with the (few) overrides and blocked periods packed as
    // JSON, then the bookings as plain rows. The version comes first, so everything read after
    // it holds at least the changes up to it.
    let bounds = SnapshotBounds::new(span_start, span_end);
    let row = sqlx::query(
        "SELECT a.user_id, a.timezone, a.weekly_schedule, a.updated_at,
            (SELECT v.version FROM scheduling_schedule_versions v WHERE v.tenant_id = $1 AND v.user_id = $2) AS schedule_version,
            (SELECT COALESCE(json_agg(json_build_array(o.date, o.windows) ORDER BY o.date), '[]')::text
               FROM scheduling_date_overrides o
               WHERE o.tenant_id = $1 AND o.user_id = $2 AND o.date >= $3 AND o.date <= $4) AS overrides,
            (SELECT COALESCE(json_agg(json_build_array(b.start_date, b.end_date, b.start_time, b.end_time) ORDER BY b.start_date), '[]')::text
               FROM scheduling_blocked_dates b
               WHERE b.tenant_id = $1 AND b.user_id = $2 AND b.start_date <= $4 AND b.end_date >= $3) AS blocked
         FROM scheduling_availability a WHERE a.tenant_id = $1 AND a.user_id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(host.as_uuid())
    .bind(PgDate(bounds.first_date))
    .bind(PgDate(bounds.last_date))
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    let availability = decode(&row)?;
    let packed = |name: &str| -> StoreResult<Option<String>> { rows::column(&row, name) };
    let version: Option<i64> = rows::column(&row, "schedule_version")?;
    let overrides = kairos_store::packed::date_overrides_from_json(
        packed("overrides")?.as_deref().unwrap_or("[]"),
    )?;
    let blocked = kairos_store::packed::blocked_periods_from_json(
        packed("blocked")?.as_deref().unwrap_or("[]"),
    )?;
    let bookings = sqlx::query(
        "SELECT id, start_time, end_time, buffer_before_mins, buffer_after_mins FROM scheduling_bookings
         WHERE tenant_id = $1 AND host_user_id = $2 AND status = 'confirmed' AND start_time < $3 AND end_time > $4
           AND start_time >= $6 AND ($5::uuid IS NULL OR id <> $5)
         ORDER BY start_time",
    )
    .bind(tenant.as_uuid())
    .bind(host.as_uuid())
    .bind(PgTimestamp(span_end))
    .bind(PgTimestamp(span_start))
    .bind(ignore.map(|id| id.as_uuid()))
    .bind(PgTimestamp(bounds.earliest_start))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_error)?
    .iter()
    .map(decode)
    .collect::<StoreResult<Vec<ExistingBooking>>>()?;
    Ok(ScheduleSnapshot {
        version: ScheduleVersion::new(version.unwrap_or(0)),
        availability,
        overrides,
        blocked,
        bookings,
    })
}

pub(crate) async fn fetch_booking(
    tx: &mut Tx,
    tenant: TenantId,
    id: BookingId,
) -> StoreResult<Booking> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    decode(&row)
}

/// Inserts a new booking (`created`, as [`NewBooking::confirmed`] made it) with its changelog
/// row `created` and its outbox messages in one statement, and returns it as stored.
async fn insert_new_booking(
    tx: &mut Tx,
    booking: &NewBooking,
    created: &Booking,
    actor: Actor,
    outbox: OutboxColumns,
) -> StoreResult<Booking> {
    // Parameters 1–25 are the booking and its changelog row; the outbox arrays follow.
    let change = NewChange::booking_created(created.id, actor, booking);
    let queued = if outbox.is_empty() {
        String::new()
    } else {
        format!(", queued AS ({})", outbox_insert(26, 2, 1, 19))
    };
    let statement = format!(
        "WITH change AS (
             INSERT INTO scheduling_changelog (id, tenant_id, entity_type, entity_id, action, actor_id, details, created_at)
             VALUES ($20, $2, $21, $22, $23, $24, $25, $19)){queued}
         INSERT INTO scheduling_bookings (id, tenant_id, event_type_id, host_user_id, event_type_name, host_name, host_email, invitee,
             start_time, end_time, timezone, status, location, buffer_before_mins, buffer_after_mins, manage_token_digest, ical_uid, sequence,
             rescheduled_from, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'confirmed', $12, $13, $14, $15, $16, $17, $18, $19, $19)
         RETURNING {BOOKING_COLUMNS}"
    );
    let query = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(created.id.as_uuid())
        .bind(created.tenant_id.as_uuid())
        .bind(created.event_type_id.as_uuid())
        .bind(created.host_user_id.as_uuid())
        .bind(&created.event_type_name)
        .bind(&created.host_name)
        .bind(&created.host_email)
        .bind(Json(&created.invitee))
        .bind(PgTimestamp(created.start_time))
        .bind(PgTimestamp(created.end_time))
        .bind(created.timezone.as_str())
        .bind(Json(&created.location))
        .bind(created.buffer_before_mins)
        .bind(created.buffer_after_mins)
        .bind(created.manage_token_digest.as_slice())
        .bind(&created.ical_uid)
        .bind(created.sequence)
        .bind(created.rescheduled_from.map(|b| b.as_uuid()))
        .bind(PgTimestamp(created.created_at))
        .bind(kairos_core::ids::ChangeId::new().as_uuid())
        .bind(change.entity_type)
        .bind(change.entity_id)
        .bind(change.action)
        .bind(change.actor.account_id.map(|account| account.as_uuid()))
        .bind(Json(change.details));
    let row = outbox
        .bind(query)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_error)?;
    decode(&row)
}

impl PgStore {
    /// Opens a tenant transaction holding the lock of the host of booking `id` (and of
    /// `also_lock`, the new host of a move).
    async fn begin_on_booking(
        &self,
        tenant: TenantId,
        id: BookingId,
        also_lock: Option<UserId>,
    ) -> StoreResult<BookingTx> {
        let mut tx = self.begin_tenant(tenant).await?;
        let host = booking_host(&mut tx, tenant, id).await?;
        let mut hosts = vec![host];
        hosts.extend(also_lock);
        lock_hosts(&mut tx, tenant, &hosts).await?;
        Ok(BookingTx { tx, tenant })
    }
}

/// A booking change's transaction on PostgreSQL: in the tenant's context, holding the advisory
/// lock of every host the change touches.
struct BookingTx {
    tx: Tx,
    tenant: TenantId,
}

impl BookingTransaction for BookingTx {
    async fn snapshot(
        &mut self,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> StoreResult<ScheduleSnapshot> {
        load_snapshot(
            &mut self.tx,
            self.tenant,
            host,
            span_start,
            span_end,
            ignore,
        )
        .await
    }

    async fn booking(&mut self, id: BookingId) -> StoreResult<Booking> {
        fetch_booking(&mut self.tx, self.tenant, id).await
    }

    async fn insert(
        &mut self,
        booking: &NewBooking,
        ical_uid: Option<&str>,
        sequence: i32,
        rescheduled_from: Option<BookingId>,
        at: Timestamp,
    ) -> StoreResult<BookingId> {
        let id = BookingId::new();
        let uid = ical_uid.map_or_else(|| format!("{id}@kairos"), str::to_owned);
        sqlx::query(
            "INSERT INTO scheduling_bookings (id, tenant_id, event_type_id, host_user_id, event_type_name, host_name, host_email, invitee,
                 start_time, end_time, timezone, status, location, buffer_before_mins, buffer_after_mins, manage_token_digest, ical_uid, sequence,
                 rescheduled_from, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'confirmed', $12, $13, $14, $15, $16, $17, $18, $19, $19)",
        )
        .bind(id.as_uuid())
        .bind(self.tenant.as_uuid())
        .bind(booking.event_type_id.as_uuid())
        .bind(booking.host_user_id.as_uuid())
        .bind(&booking.event_type_name)
        .bind(&booking.host_name)
        .bind(&booking.host_email)
        .bind(Json(&booking.invitee))
        .bind(PgTimestamp(booking.start_time))
        .bind(PgTimestamp(booking.end_time))
        .bind(booking.timezone.as_str())
        .bind(Json(&booking.location))
        .bind(booking.buffer_before_mins)
        .bind(booking.buffer_after_mins)
        .bind(booking.manage_token_digest.as_slice())
        .bind(uid)
        .bind(sequence)
        .bind(rescheduled_from.map(|b| b.as_uuid()))
        .bind(PgTimestamp(at))
        .execute(&mut *self.tx)
        .await
        .map_err(map_error)?;
        Ok(id)
    }

    async fn update(
        &mut self,
        id: BookingId,
        update: BookingUpdate<'_>,
        at: Timestamp,
    ) -> StoreResult<()> {
        // Each statement's last three parameters are updated_at, tenant_id and id.
        let query = match update {
            BookingUpdate::Rescheduled => sqlx::query(
                "UPDATE scheduling_bookings SET status = 'rescheduled', sequence = sequence + 1, updated_at = $1 WHERE tenant_id = $2 AND id = $3",
            ),
            BookingUpdate::Cancelled { by, reason } => sqlx::query(
                "UPDATE scheduling_bookings SET status = 'cancelled', cancelled_by = $1, cancel_reason = $2, sequence = sequence + 1, updated_at = $3
                 WHERE tenant_id = $4 AND id = $5",
            )
            .bind(by.as_str())
            .bind(reason),
            BookingUpdate::Outcome(status) => sqlx::query(
                "UPDATE scheduling_bookings SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
            )
            .bind(status.as_str()),
        };
        query
            .bind(PgTimestamp(at))
            .bind(self.tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *self.tx)
            .await
            .map_err(map_error)?;
        Ok(())
    }

    async fn record(&mut self, change: NewChange, at: Timestamp) -> StoreResult<()> {
        crate::changelog::record(&mut self.tx, self.tenant, change, at).await
    }

    async fn cancel_pending_reminders(&mut self, id: BookingId, at: Timestamp) -> StoreResult<()> {
        crate::outbox::cancel_pending_reminders(&mut self.tx, self.tenant, id, at).await
    }

    async fn queue(
        &mut self,
        booking: &Booking,
        messages: Vec<kairos_store::NewOutboxMessage>,
        at: Timestamp,
    ) -> StoreResult<()> {
        crate::outbox::queue(&mut self.tx, booking, messages, at).await
    }

    async fn commit(self) -> StoreResult<()> {
        commit(self.tx).await
    }

    /// The booking as it will be stored (times as PostgreSQL keeps them), so that its messages
    /// go into the same statement as the row and its changelog row: four round trips under the
    /// lock.
    async fn create(
        &mut self,
        mut booking: NewBooking,
        actor: Actor,
        outbox: &OutboxFor<'_>,
        at: Timestamp,
    ) -> StoreResult<Booking> {
        let id = BookingId::new();
        let at = PgTimestamp::truncate(at);
        booking.start_time = PgTimestamp::truncate(booking.start_time);
        booking.end_time = PgTimestamp::truncate(booking.end_time);
        let created = booking.confirmed(self.tenant, id, format!("{id}@kairos"), 0, None, at);
        let messages = OutboxColumns::new(outbox(&created));
        insert_new_booking(&mut self.tx, &booking, &created, actor, messages).await
    }
}

#[async_trait]
impl BookingStore for PgStore {
    async fn schedule_snapshot(
        &self,
        tenant: TenantId,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> StoreResult<ScheduleSnapshot> {
        let mut tx = self.begin_tenant(tenant).await?;
        let snapshot = load_snapshot(&mut tx, tenant, host, span_start, span_end, ignore).await?;
        commit(tx).await?;
        Ok(snapshot)
    }

    async fn create_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        let tx = self
            .begin_tenant_locked(tenant, booking.host_user_id)
            .await?;
        let tx = BookingTx { tx, tenant };
        booking_flow::create(tx, actor, booking, now(), check, outbox).await
    }

    // The booking change and its two hooks (check, outbox) are one operation.
    #[allow(clippy::too_many_arguments)]
    async fn reschedule_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        now_instant: Timestamp,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        let tx = self
            .begin_on_booking(tenant, id, Some(booking.host_user_id))
            .await?;
        booking_flow::reschedule(tx, id, actor, now_instant, booking, now(), check, outbox).await
    }

    async fn cancel_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        by: CancelledBy,
        reason: Option<String>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        let tx = self.begin_on_booking(tenant, id, None).await?;
        booking_flow::cancel(tx, id, actor, by, reason, now(), outbox).await
    }

    async fn set_booking_outcome(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        status: BookingStatus,
    ) -> StoreResult<Booking> {
        let tx = self.begin_on_booking(tenant, id, None).await?;
        booking_flow::set_outcome(tx, id, actor, status, now()).await
    }

    async fn booking(&self, tenant: TenantId, id: BookingId) -> StoreResult<Booking> {
        let mut tx = self.begin_tenant(tenant).await?;
        let booking = fetch_booking(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(booking)
    }

    async fn list_bookings(
        &self,
        tenant: TenantId,
        filter: BookingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Booking>> {
        const WHERE: &str = "WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
            AND ($3::timestamptz IS NULL OR start_time >= $3) AND ($4::timestamptz IS NULL OR start_time < $4)
            AND ($5::uuid IS NULL OR event_type_id = $5) AND ($6::uuid IS NULL OR host_user_id = $6)";
        let (limit, offset) = page_bounds(page);
        let status = filter.status.map(BookingStatus::as_str);
        let from = filter.from.map(PgTimestamp);
        let to = filter.to.map(PgTimestamp);
        let event_type = filter.event_type.map(|id| id.as_uuid());
        let host = filter.host.map(|id| id.as_uuid());
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings {WHERE} {order} LIMIT $7 OFFSET $8",
            order = filter.order.sql()
        )))
        .bind(tenant.as_uuid())
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(event_type)
        .bind(host)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_bookings {WHERE}"
        )))
        .bind(tenant.as_uuid())
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(event_type)
        .bind(host)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Page::collect(rows.iter().map(decode), count, page)
    }

    async fn bookings_created_between(
        &self,
        tenant: TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Booking>> {
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id"
        )))
        .bind(tenant.as_uuid())
        .bind(PgTimestamp(from))
        .bind(PgTimestamp(to))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        rows.iter().map(decode).collect()
    }
}
