//! The notification outbox on SQLite (see
//! [`kairos_store::outbox`] for a message's life). Claims run in a `BEGIN IMMEDIATE`
//! transaction, so two processes sharing the file never claim the same message.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{BookingId, OutboxId, TenantId};
use kairos_store::OutboxStore;
use kairos_store::{
    Actor, Booking, ClaimedMessage, Delivery, NewChange, NewOutboxMessage, OutboxCounts,
    OutboxMessage, StoreError, StoreResult,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::changelog::record;
use crate::rows::{decode, to_seconds};
use crate::{SqliteStore, commit, map_error, now};

const OUTBOX_COLUMNS: &str =
    "id, tenant_id, booking_id, kind, audience, reminder, recipient, send_at, status, attempts,
    next_attempt_at, last_error, sent_at, payload, created_at, updated_at";

/// Queues `messages` about `booking` on the caller's transaction.
pub(crate) async fn queue(
    conn: &mut SqliteConnection,
    booking: &Booking,
    messages: Vec<NewOutboxMessage>,
    at: Timestamp,
) -> StoreResult<()> {
    for message in messages {
        sqlx::query(
            "INSERT INTO scheduling_outbox (id, tenant_id, booking_id, kind, audience, reminder, recipient, send_at,
                 next_attempt_at, payload, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(OutboxId::new().to_string())
        .bind(booking.tenant_id.to_string())
        .bind(booking.id.to_string())
        .bind(message.kind.as_str())
        .bind(message.audience.as_str())
        .bind(message.reminder.map(|timing| timing.as_str()))
        .bind(&message.recipient)
        .bind(to_seconds(message.send_at))
        .bind(to_seconds(message.send_at))
        .bind(message.payload.to_string())
        .bind(to_seconds(at))
        .bind(to_seconds(at))
        .execute(&mut *conn)
        .await
        .map_err(map_error)?;
    }
    Ok(())
}

/// Drops the reminders of `booking` that have not gone out, on the caller's transaction.
pub(crate) async fn cancel_pending_reminders(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    booking: BookingId,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE scheduling_outbox SET status = 'cancelled', claim_id = NULL, locked_until = NULL, updated_at = ?
         WHERE tenant_id = ? AND booking_id = ? AND kind = 'booking_reminder' AND status = 'pending'",
    )
    .bind(to_seconds(at))
    .bind(tenant.to_string())
    .bind(booking.to_string())
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

async fn fetch_message(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: OutboxId,
) -> StoreResult<OutboxMessage> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OUTBOX_COLUMNS} FROM scheduling_outbox WHERE tenant_id = ? AND id = ?"
    )))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    decode(&row)
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim_outbox(
        &self,
        now_instant: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedMessage>> {
        let claim = Uuid::now_v7();
        let mut tx = self.write().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE scheduling_outbox
             SET claim_id = ?1, locked_until = ?2, attempts = attempts + 1, updated_at = ?3
             WHERE rowid IN (
                 SELECT rowid FROM scheduling_outbox
                 WHERE status = 'pending' AND next_attempt_at <= ?3 AND (locked_until IS NULL OR locked_until <= ?3)
                 ORDER BY next_attempt_at LIMIT ?4)
             RETURNING {OUTBOX_COLUMNS}"
        )))
        .bind(claim.to_string())
        .bind(to_seconds(lease_until))
        .bind(to_seconds(now_instant))
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
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE scheduling_outbox
             SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error),
                 sent_at = ?, attempts = attempts - ?, claim_id = NULL, locked_until = NULL, updated_at = ?
             WHERE tenant_id = ? AND id = ? AND claim_id = ? AND status = 'pending'",
        )
        .bind(row.status.as_str())
        .bind(row.next_attempt_at.map(to_seconds))
        .bind(row.error)
        .bind(row.sent_at.map(to_seconds))
        .bind(row.refund)
        .bind(to_seconds(at))
        .bind(message.tenant_id.to_string())
        .bind(message.id.to_string())
        .bind(claimed.claim.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        if let (Delivery::Sent, Some(timing)) = (&delivery, message.reminder) {
            sqlx::query(
                "UPDATE scheduling_bookings SET reminders_sent = json_set(reminders_sent, '$.\"' || ? || '\"', json('true'))
                 WHERE tenant_id = ? AND id = ?",
            )
            .bind(timing.as_str())
            .bind(message.tenant_id.to_string())
            .bind(message.booking_id.to_string())
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
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLUMNS} FROM scheduling_outbox WHERE tenant_id = ? AND booking_id = ?
             ORDER BY created_at, id"
        )))
        .bind(tenant.to_string())
        .bind(booking.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(map_error)?
        .iter()
        .map(decode)
        .collect()
    }

    async fn retry_outbox(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: OutboxId,
        now_instant: Timestamp,
    ) -> StoreResult<OutboxMessage> {
        let at = now();
        let mut tx = self.write().await?;
        let message = fetch_message(&mut tx, tenant, id).await?;
        message.ensure_retryable()?;
        sqlx::query(
            "UPDATE scheduling_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
             WHERE tenant_id = ? AND id = ?",
        )
        .bind(to_seconds(now_instant))
        .bind(to_seconds(at))
        .bind(tenant.to_string())
        .bind(id.to_string())
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
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n, SUM(status = 'pending' AND next_attempt_at <= ?) AS due
             FROM scheduling_outbox GROUP BY status",
        )
        .bind(to_seconds(now_instant))
        .fetch_all(self.pool())
        .await
        .map_err(map_error)?;
        OutboxCounts::from_rows(rows.iter().map(decode))
    }
}
