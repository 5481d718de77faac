-- The notification outbox (DESIGN 7) and the tenants' notification wording.

CREATE TABLE scheduling_outbox (
    id              TEXT NOT NULL,
    tenant_id       TEXT NOT NULL,
    booking_id      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN
                        ('booking_confirmation', 'booking_cancelled', 'booking_rescheduled', 'booking_reminder')),
    audience        TEXT NOT NULL CHECK (audience IN ('host', 'invitee')),
    reminder        TEXT,
    recipient       TEXT NOT NULL,
    send_at         INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claim_id        TEXT,
    locked_until    INTEGER,
    last_error      TEXT,
    sent_at         INTEGER,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((kind = 'booking_reminder') = (reminder IS NOT NULL)),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES scheduling_bookings(tenant_id, id) ON DELETE CASCADE
) STRICT;
-- What the worker scans: pending messages by due time.
CREATE INDEX idx_scheduling_outbox_due ON scheduling_outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_scheduling_outbox_booking ON scheduling_outbox(tenant_id, booking_id, created_at);
-- A booking holds each reminder (audience, timing) once, whatever happens.
CREATE UNIQUE INDEX idx_scheduling_outbox_reminder_once
    ON scheduling_outbox(tenant_id, booking_id, audience, reminder) WHERE reminder IS NOT NULL;

CREATE TABLE scheduling_notification_templates (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN
                   ('booking_confirmation', 'booking_cancelled', 'booking_rescheduled', 'booking_reminder')),
    audience   TEXT NOT NULL CHECK (audience IN ('host', 'invitee')),
    subject    TEXT,
    body       TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, audience)
) STRICT;
