//! The notification outbox on PostgreSQL (see
//! [`kairos_store::outbox`] for a message's life).
//!
//! Workers serve every tenant, so claiming and counting run in a transaction that sets
//! `app.outbox_worker = 'on'`, the one opening the outbox's row-level policy has (migration
//! 0002); those statements touch no other table. Claims take `FOR UPDATE SKIP LOCKED`, so
//! concurrent workers in any number of processes pass over each other's rows instead of
//! waiting for them, and never claim the same message. Everything else runs in the tenant's
//! context like the rest of the store.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{BookingId, OutboxId, TenantId};
use kairos_store::OutboxStore;
use kairos_store::{
    Actor, Booking, ClaimedMessage, Delivery, NewChange, NewOutboxMessage, OutboxCounts,
    OutboxMessage, StoreError, StoreResult,
};
use sqlx::types::Json;
use uuid::Uuid;

use crate::changelog::record;
use crate::rows::decode;
use crate::types::PgTimestamp;
use crate::{PgStore, Tx, commit, map_error, now};

const OUTBOX_COLUMNS: &str =
    "id, tenant_id, booking_id, kind, audience, reminder, recipient, send_at, status, attempts,
    next_attempt_at, last_error, sent_at, payload, created_at, updated_at";

/// Messages as the column arrays of one `UNNEST` insert.
pub(crate) struct OutboxColumns {
    ids: Vec<Uuid>,
    kinds: Vec<&'static str>,
    audiences: Vec<&'static str>,
    reminders: Vec<Option<&'static str>>,
    recipients: Vec<String>,
    send_at: Vec<PgTimestamp>,
    payloads: Vec<Json<serde_json::Value>>,
}

/// The insert of [`OutboxColumns`] bound from parameter `$first` on: the booking's tenant and
/// id and the creation time are `$tenant`, `$booking` and `$at`.
pub(crate) fn outbox_insert(first: usize, tenant: usize, booking: usize, at: usize) -> String {
    let p = |offset: usize| first + offset;
    format!(
        "INSERT INTO scheduling_outbox (id, tenant_id, booking_id, kind, audience, reminder, recipient, send_at,
             next_attempt_at, payload, created_at, updated_at)
         SELECT m.id, ${tenant}, ${booking}, m.kind, m.audience, m.reminder, m.recipient, m.send_at, m.send_at, m.payload, ${at}, ${at}
         FROM UNNEST(${}::uuid[], ${}::text[], ${}::text[], ${}::text[], ${}::text[], ${}::timestamptz[], ${}::jsonb[])
             WITH ORDINALITY AS m(id, kind, audience, reminder, recipient, send_at, payload, position)
         ORDER BY m.position",
        p(0),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6)
    )
}

impl OutboxColumns {
    pub(crate) fn new(messages: Vec<NewOutboxMessage>) -> Self {
        let count = messages.len();
        let mut columns = Self {
            ids: Vec::with_capacity(count),
            kinds: Vec::with_capacity(count),
            audiences: Vec::with_capacity(count),
            reminders: Vec::with_capacity(count),
            recipients: Vec::with_capacity(count),
            send_at: Vec::with_capacity(count),
            payloads: Vec::with_capacity(count),
        };
        for message in messages {
            columns.ids.push(OutboxId::new().as_uuid());
            columns.kinds.push(message.kind.as_str());
            columns.audiences.push(message.audience.as_str());
            columns
                .reminders
                .push(message.reminder.map(|timing| timing.as_str()));
            columns.recipients.push(message.recipient);
            columns.send_at.push(PgTimestamp(message.send_at));
            columns.payloads.push(Json(message.payload));
        }
        columns
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Binds the seven arrays, in the order [`outbox_insert`] numbers them.
    pub(crate) fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        query
            .bind(self.ids)
            .bind(self.kinds)
            .bind(self.audiences)
            .bind(self.reminders)
            .bind(self.recipients)
            .bind(self.send_at)
            .bind(self.payloads)
    }
}

/// Queues `messages` about `booking` on the caller's transaction, in one statement.
pub(crate) async fn queue(
    tx: &mut Tx,
    booking: &Booking,
    messages: Vec<NewOutboxMessage>,
    at: Timestamp,
) -> StoreResult<()> {
    let columns = OutboxColumns::new(messages);
    if columns.is_empty() {
        return Ok(());
    }
    let statement = outbox_insert(4, 1, 2, 3);
    let query = sqlx::query(sqlx::AssertSqlSafe(statement))
        .bind(booking.tenant_id.as_uuid())
        .bind(booking.id.as_uuid())
        .bind(PgTimestamp(at));
    columns
        .bind(query)
        .execute(&mut **tx)
        .await
        .map_err(map_error)?;
    Ok(())
}

/// Drops the reminders of `booking` that have not gone out, on the caller's transaction.
pub(crate) async fn cancel_pending_reminders(
    tx: &mut Tx,
    tenant: TenantId,
    booking: BookingId,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE scheduling_outbox SET status = 'cancelled', claim_id = NULL, locked_until = NULL, updated_at = $1
         WHERE tenant_id = $2 AND booking_id = $3 AND kind = 'booking_reminder' AND status = 'pending'",
    )
    .bind(PgTimestamp(at))
    .bind(tenant.as_uuid())
    .bind(booking.as_uuid())
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    Ok(())
}

async fn fetch_message(tx: &mut Tx, tenant: TenantId, id: OutboxId) -> StoreResult<OutboxMessage> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OUTBOX_COLUMNS} FROM scheduling_outbox WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    decode(&row)
}

impl PgStore {
    /// A transaction that sees the whole outbox (and, through row-level security, nothing else).
    async fn begin_worker(&self) -> StoreResult<Tx> {
        let mut tx = self.pool().begin().await.map_err(map_error)?;
        let statement = if self.drops_to_app_role {
            "SELECT set_config('app.outbox_worker', 'on', true), set_config('role', 'kairos_app', true)"
        } else {
            "SELECT set_config('app.outbox_worker', 'on', true)"
        };
        sqlx::query(statement)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok(tx)
    }
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn claim_outbox(
        &self,
        now_instant: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedMessage>> {
        let claim = Uuid::now_v7();
        let mut tx = self.begin_worker().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE scheduling_outbox o
             SET claim_id = $1, locked_until = $2, attempts = o.attempts + 1, updated_at = $3
             FROM (SELECT tenant_id, id FROM scheduling_outbox
                   WHERE status = 'pending' AND next_attempt_at <= $3 AND (locked_until IS NULL OR locked_until <= $3)
                   ORDER BY next_attempt_at LIMIT $4
                   FOR UPDATE SKIP LOCKED) due
             WHERE o.tenant_id = due.tenant_id AND o.id = due.id
             RETURNING {}",
            OUTBOX_COLUMNS
                .split(',')
                .map(|column| format!("o.{}", column.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        )))
        .bind(claim)
        .bind(PgTimestamp(lease_until))
        .bind(PgTimestamp(now_instant))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        let mut claimed = rows
            .iter()
            .map(|row| decode(row).map(|message| ClaimedMessage { message, claim }))
            .collect::<StoreResult<Vec<_>>>()?;
        claimed.sort_by_key(|c| (c.message.next_attempt_at, c.message.id));
        Ok(claimed)
    }

    async fn finish_outbox(
        &self,
        claimed: &ClaimedMessage,
        delivery: Delivery,
        at: Timestamp,
    ) -> StoreResult<bool> {
        let message = &claimed.message;
        let row = delivery.row(at);
        let mut tx = self.begin_tenant(message.tenant_id).await?;
        let updated = sqlx::query(
            "UPDATE scheduling_outbox
             SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), last_error = COALESCE($3, last_error),
                 sent_at = $4, attempts = attempts - $9, claim_id = NULL, locked_until = NULL, updated_at = $5
             WHERE tenant_id = $6 AND id = $7 AND claim_id = $8 AND status = 'pending'",
        )
        .bind(row.status.as_str())
        .bind(row.next_attempt_at.map(PgTimestamp))
        .bind(row.error)
        .bind(row.sent_at.map(PgTimestamp))
        .bind(PgTimestamp(at))
        .bind(message.tenant_id.as_uuid())
        .bind(message.id.as_uuid())
        .bind(claimed.claim)
        .bind(row.refund)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        if let (Delivery::Sent, Some(timing)) = (&delivery, message.reminder) {
            sqlx::query(
                "UPDATE scheduling_bookings SET reminders_sent = reminders_sent || jsonb_build_object($1::text, true)
                 WHERE tenant_id = $2 AND id = $3",
            )
            .bind(timing.as_str())
            .bind(message.tenant_id.as_uuid())
            .bind(message.booking_id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        }
        commit(tx).await?;
        Ok(true)
    }

    async fn list_outbox(
        &self,
        tenant: TenantId,
        booking: BookingId,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let mut tx = self.begin_tenant(tenant).await?;
        let messages = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLUMNS} FROM scheduling_outbox WHERE tenant_id = $1 AND booking_id = $2
             ORDER BY created_at, id"
        )))
        .bind(tenant.as_uuid())
        .bind(booking.as_uuid())
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?
        .iter()
        .map(decode)
        .collect::<StoreResult<Vec<_>>>()?;
        commit(tx).await?;
        Ok(messages)
    }

    async fn retry_outbox(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: OutboxId,
        now_instant: Timestamp,
    ) -> StoreResult<OutboxMessage> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let message = fetch_message(&mut tx, tenant, id).await?;
        message.ensure_retryable()?;
        sqlx::query(
            "UPDATE scheduling_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $2
             WHERE tenant_id = $3 AND id = $4",
        )
        .bind(PgTimestamp(now_instant))
        .bind(PgTimestamp(at))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange::outbox_retried(id, actor, message.booking_id, message.kind),
            at,
        )
        .await?;
        let retried = fetch_message(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(retried)
    }

    async fn outbox_counts(&self, now_instant: Timestamp) -> StoreResult<OutboxCounts> {
        let mut tx = self.begin_worker().await?;
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n,
                    COUNT(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= $1) AS due
             FROM scheduling_outbox GROUP BY status",
        )
        .bind(PgTimestamp(now_instant))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        OutboxCounts::from_rows(rows.iter().map(decode))
    }
}
