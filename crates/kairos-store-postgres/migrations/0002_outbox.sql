-- The notification outbox (DESIGN 7) and the tenants' notification wording.

CREATE TABLE scheduling_outbox (
    id              UUID NOT NULL,
    tenant_id       UUID NOT NULL,
    booking_id      UUID NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN
                        ('booking_confirmation', 'booking_cancelled', 'booking_rescheduled', 'booking_reminder')),
    audience        TEXT NOT NULL CHECK (audience IN ('host', 'invitee')),
    reminder        TEXT,
    recipient       TEXT NOT NULL,
    send_at         TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claim_id        UUID,
    locked_until    TIMESTAMPTZ,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    payload         JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((kind = 'booking_reminder') = (reminder IS NOT NULL)),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES scheduling_bookings(tenant_id, id) ON DELETE CASCADE
);
-- What the workers scan: pending messages by due time.
CREATE INDEX idx_scheduling_outbox_due ON scheduling_outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_scheduling_outbox_booking ON scheduling_outbox(tenant_id, booking_id, created_at);
-- A booking holds each reminder (audience, timing) once, whatever happens.
CREATE UNIQUE INDEX idx_scheduling_outbox_reminder_once
    ON scheduling_outbox(tenant_id, booking_id, audience, reminder) WHERE reminder IS NOT NULL;

CREATE TABLE scheduling_notification_templates (
    tenant_id  UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN
                   ('booking_confirmation', 'booking_cancelled', 'booking_rescheduled', 'booking_reminder')),
    audience   TEXT NOT NULL CHECK (audience IN ('host', 'invitee')),
    subject    TEXT,
    body       TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, kind, audience)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON scheduling_outbox, scheduling_notification_templates TO kairos_app;

-- Tenant isolation as everywhere (0001), with one deliberate opening: the delivery worker serves
-- every tenant, so a transaction that sets app.outbox_worker = 'on' sees the whole queue. Only
-- the store's claim and count statements set it; they read no other table.
ALTER TABLE scheduling_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_outbox
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
           OR current_setting('app.outbox_worker', true) = 'on')
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
           OR current_setting('app.outbox_worker', true) = 'on');

ALTER TABLE scheduling_notification_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_notification_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_notification_templates
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
