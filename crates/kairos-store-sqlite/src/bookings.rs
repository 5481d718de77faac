//! Bookings on SQLite. Every change is one `BEGIN IMMEDIATE` transaction: SQLite has a single
//! writer, so taking the write lock first serialises all booking changes (of every host), and the
//! snapshot the caller's check sees is the latest committed state
//! (docs/architecture.md, "The booking transaction"). The steps of each change are
//! [`kairos_store::booking_flow`]'s; this file holds the SQL.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{BookingId, TenantId, UserId};
use kairos_store::BookingStore;
use kairos_store::booking_flow::{self, BookingTransaction, BookingUpdate};
use kairos_store::{
    Actor, Booking, BookingCheck, BookingFilter, NewBooking, NewChange, OutboxFor, Page,
    PageRequest, ScheduleSnapshot, ScheduleVersion, SnapshotBounds, StoreError, StoreResult,
};
use sqlx::SqliteConnection;

use crate::rows::{self, decode, json_text, to_seconds};
use crate::{SqliteStore, Tx, commit, map_error, now};

pub(crate) const BOOKING_COLUMNS: &str = "id, tenant_id, event_type_id, host_user_id, event_type_name, host_name, host_email, invitee,
    start_time, end_time, timezone, status, location, buffer_before_mins, buffer_after_mins, manage_token_digest, ical_uid, sequence,
    cancelled_by, cancel_reason, rescheduled_from, reminders_sent, created_at, updated_at";

/// Reads the snapshot on an open connection (inside the caller's transaction).
pub(crate) async fn load_snapshot(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    host: UserId,
    span_start: Timestamp,
    span_end: Timestamp,
    ignore: Option<BookingId>,
) -> StoreResult<ScheduleSnapshot> {
    // One statement, so one consistent read and one hand-off from SQLite's worker thread: the
    // overrides, blocked dates and bookings come back as JSON arrays.
    let bounds = SnapshotBounds::new(span_start, span_end);
    let ignored = ignore.map(|id| id.to_string());
    let row = sqlx::query(
        "SELECT a.user_id, a.timezone, a.weekly_schedule, a.updated_at,
            (SELECT v.version FROM scheduling_schedule_versions v WHERE v.tenant_id = ?1 AND v.user_id = ?2) AS schedule_version,
            (SELECT COALESCE(json_group_array(json_array(o.date, json(o.windows))), '[]')
               FROM (SELECT date, windows FROM scheduling_date_overrides
                     WHERE tenant_id = ?1 AND user_id = ?2 AND date >= ?3 AND date <= ?4 ORDER BY date) o) AS overrides,
            (SELECT COALESCE(json_group_array(json_array(b.start_date, b.end_date, b.start_time, b.end_time)), '[]')
               FROM (SELECT start_date, end_date, start_time, end_time FROM scheduling_blocked_dates
                     WHERE tenant_id = ?1 AND user_id = ?2 AND start_date <= ?4 AND end_date >= ?3 ORDER BY start_date) b) AS blocked,
            (SELECT COALESCE(json_group_array(json_array(k.id, k.start_time, k.end_time, k.buffer_before_mins, k.buffer_after_mins)), '[]')
               FROM (SELECT id, start_time, end_time, buffer_before_mins, buffer_after_mins FROM scheduling_bookings
                     WHERE tenant_id = ?1 AND host_user_id = ?2 AND status = 'confirmed'
                       AND start_time < ?5 AND start_time >= ?6 AND end_time > ?7 AND (?8 IS NULL OR id <> ?8)
                     ORDER BY start_time) k) AS bookings
         FROM scheduling_availability a WHERE a.tenant_id = ?1 AND a.user_id = ?2",
    )
    .bind(tenant.to_string())
    .bind(host.to_string())
    .bind(bounds.first_date.to_string())
    .bind(bounds.last_date.to_string())
    .bind(to_seconds(span_end))
    .bind(to_seconds(bounds.earliest_start))
    .bind(to_seconds(span_start))
    .bind(ignored.as_deref())
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    let packed = |name: &str| -> StoreResult<String> { rows::column(&row, name) };
    let version: Option<i64> = rows::column(&row, "schedule_version")?;
    Ok(ScheduleSnapshot {
        version: ScheduleVersion::new(version.unwrap_or(0)),
        availability: decode(&row)?,
        overrides: kairos_store::packed::date_overrides_from_json(&packed("overrides")?)?,
        blocked: kairos_store::packed::blocked_periods_from_json(&packed("blocked")?)?,
        bookings: kairos_store::packed::existing_bookings_from_json(&packed("bookings")?)?,
    })
}

pub(crate) async fn fetch_booking(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: BookingId,
) -> StoreResult<Booking> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings WHERE tenant_id = ? AND id = ?"
    )))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    decode(&row)
}

/// A booking change's transaction on SQLite: `BEGIN IMMEDIATE` takes the database's one write
/// lock, which is every host's lock at once.
struct BookingTx {
    tx: Tx,
    tenant: TenantId,
}

impl BookingTx {
    async fn begin(store: &SqliteStore, tenant: TenantId) -> StoreResult<Self> {
        Ok(Self {
            tx: store.write().await?,
            tenant,
        })
    }
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
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(self.tenant.to_string())
        .bind(booking.event_type_id.to_string())
        .bind(booking.host_user_id.to_string())
        .bind(&booking.event_type_name)
        .bind(&booking.host_name)
        .bind(&booking.host_email)
        .bind(json_text(&booking.invitee)?)
        .bind(to_seconds(booking.start_time))
        .bind(to_seconds(booking.end_time))
        .bind(booking.timezone.as_str())
        .bind(json_text(&booking.location)?)
        .bind(booking.buffer_before_mins)
        .bind(booking.buffer_after_mins)
        .bind(booking.manage_token_digest.as_slice())
        .bind(uid)
        .bind(sequence)
        .bind(rescheduled_from.map(|b| b.to_string()))
        .bind(to_seconds(at))
        .bind(to_seconds(at))
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
        // Each statement ends with `updated_at = ? WHERE tenant_id = ? AND id = ?`.
        let query = match update {
            BookingUpdate::Rescheduled => sqlx::query(
                "UPDATE scheduling_bookings SET status = 'rescheduled', sequence = sequence + 1, updated_at = ? WHERE tenant_id = ? AND id = ?",
            ),
            BookingUpdate::Cancelled { by, reason } => sqlx::query(
                "UPDATE scheduling_bookings SET status = 'cancelled', cancelled_by = ?, cancel_reason = ?, sequence = sequence + 1, updated_at = ?
                 WHERE tenant_id = ? AND id = ?",
            )
            .bind(by.as_str())
            .bind(reason),
            BookingUpdate::Outcome(status) => sqlx::query(
                "UPDATE scheduling_bookings SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
            )
            .bind(status.as_str()),
        };
        query
            .bind(to_seconds(at))
            .bind(self.tenant.to_string())
            .bind(id.to_string())
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
}

#[async_trait]
impl BookingStore for SqliteStore {
    async fn schedule_snapshot(
        &self,
        tenant: TenantId,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> StoreResult<ScheduleSnapshot> {
        // A single statement: a consistent read without a transaction around it.
        let mut conn = self.pool().acquire().await.map_err(map_error)?;
        load_snapshot(&mut conn, tenant, host, span_start, span_end, ignore).await
    }

    async fn create_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        let at = now();
        let tx = BookingTx::begin(self, tenant).await?;
        booking_flow::create(tx, actor, booking, at, check, outbox).await
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
        let at = now();
        let tx = BookingTx::begin(self, tenant).await?;
        booking_flow::reschedule(tx, id, actor, now_instant, booking, at, check, outbox).await
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
        let at = now();
        let tx = BookingTx::begin(self, tenant).await?;
        booking_flow::cancel(tx, id, actor, by, reason, at, outbox).await
    }

    async fn set_booking_outcome(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        status: BookingStatus,
    ) -> StoreResult<Booking> {
        let at = now();
        let tx = BookingTx::begin(self, tenant).await?;
        booking_flow::set_outcome(tx, id, actor, status, at).await
    }

    async fn booking(&self, tenant: TenantId, id: BookingId) -> StoreResult<Booking> {
        let mut conn = self.pool().acquire().await.map_err(map_error)?;
        fetch_booking(&mut conn, tenant, id).await
    }

    async fn list_bookings(
        &self,
        tenant: TenantId,
        filter: BookingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Booking>> {
        const WHERE: &str = "WHERE tenant_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR start_time >= ?3)
            AND (?4 IS NULL OR start_time < ?4) AND (?5 IS NULL OR event_type_id = ?5) AND (?6 IS NULL OR host_user_id = ?6)";
        let status = filter.status.map(BookingStatus::as_str);
        let from = filter.from.map(to_seconds);
        let to = filter.to.map(to_seconds);
        let event_type = filter.event_type.map(|id| id.to_string());
        let host = filter.host.map(|id| id.to_string());
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings {WHERE} {order} LIMIT ?7 OFFSET ?8",
            order = filter.order.sql()
        )))
        .bind(tenant.to_string())
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(event_type.as_deref())
        .bind(host.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.pool())
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_bookings {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(event_type.as_deref())
        .bind(host.as_deref())
        .fetch_one(self.pool())
        .await
        .map_err(map_error)?;
        Page::collect(rows.iter().map(decode), count, page)
    }

    async fn bookings_created_between(
        &self,
        tenant: TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Booking>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BOOKING_COLUMNS} FROM scheduling_bookings WHERE tenant_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id"
        )))
        .bind(tenant.to_string())
        .bind(to_seconds(from))
        .bind(crate::rows::to_seconds_ceil(to))
        .fetch_all(self.pool())
        .await
        .map_err(map_error)?;
        rows.iter().map(decode).collect()
    }
}
