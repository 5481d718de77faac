-- Kairos schema on PostgreSQL. The same tables, columns and constraint names as the SQLite
-- schema, in PostgreSQL types: UUID ids, TIMESTAMPTZ instants, JSONB documents, DATE dates,
-- BYTEA digests, BOOLEAN flags, and TEXT 'HH:MM' wall-clock times (a TIME column cannot hold
-- '24:00' as the end of a day).
--
-- Every tenant table carries tenant_id, and every primary key, unique key, foreign key and the
-- booking exclusion constraint lead with it, so the schema can be sharded by tenant (Citus).
-- Unlike SQLite there is no separate UNIQUE (id): a unique key without tenant_id could not be
-- enforced on a sharded table, and ids are UUIDv7 anyway.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The application role. Row-level security below applies to it: it has no BYPASSRLS, and the
-- store switches to it inside every tenant transaction when it connects as a superuser.
-- Roles are cluster-wide and many databases may run this migration at once, hence the guard.
DO $$
BEGIN
    CREATE ROLE kairos_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO kairos_app', current_schema());
END
$$;

CREATE TABLE tenants (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);

CREATE TABLE accounts (
    id             UUID NOT NULL,
    tenant_id      UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT accounts_email_key UNIQUE (tenant_id, email)
);

CREATE TABLE api_tokens (
    id            UUID NOT NULL,
    tenant_id     UUID NOT NULL,
    account_id    UUID NOT NULL,
    name          TEXT NOT NULL,
    digest        BYTEA NOT NULL CHECK (octet_length(digest) = 32),
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT api_tokens_digest_key UNIQUE (digest),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    id            UUID NOT NULL,
    tenant_id     UUID NOT NULL,
    account_id    UUID NOT NULL,
    digest        BYTEA NOT NULL CHECK (octet_length(digest) = 32),
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT sessions_digest_key UNIQUE (digest),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE scheduling_users (
    id                    UUID NOT NULL,
    tenant_id             UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account_id            UUID,
    username              TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    email                 TEXT NOT NULL,
    timezone              TEXT NOT NULL DEFAULT 'America/New_York',
    avatar_url            TEXT,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    minimum_notice_hours  INTEGER NOT NULL DEFAULT 24,
    booking_window_days   INTEGER NOT NULL DEFAULT 60,
    buffer_before_mins    INTEGER NOT NULL DEFAULT 0,
    buffer_after_mins     INTEGER NOT NULL DEFAULT 15,
    daily_limit           INTEGER,
    weekly_limit          INTEGER,
    default_duration      INTEGER NOT NULL DEFAULT 30,
    google_calendar_id    TEXT DEFAULT 'primary',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT scheduling_users_username_key UNIQUE (tenant_id, username),
    CONSTRAINT scheduling_users_account_key UNIQUE (tenant_id, account_id),
    -- Only account_id is cleared when the account goes; tenant_id is part of the key.
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE SET NULL (account_id)
);

CREATE TABLE scheduling_event_types (
    id                 UUID NOT NULL,
    tenant_id          UUID NOT NULL,
    user_id            UUID NOT NULL,
    name               TEXT NOT NULL,
    slug               TEXT NOT NULL,
    description        TEXT,
    duration           INTEGER NOT NULL,
    slot_interval      INTEGER,
    color              TEXT NOT NULL DEFAULT 'blue',
    location           JSONB NOT NULL DEFAULT '{"type":"google_meet"}',
    custom_questions   JSONB NOT NULL DEFAULT '[]',
    reminder_settings  JSONB NOT NULL DEFAULT '{"enabled":true,"reminders":[{"timing":"24h","sendToHost":true,"sendToInvitee":true}]}',
    setting_overrides  JSONB,
    is_active          BOOLEAN NOT NULL DEFAULT TRUE,
    archived_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT scheduling_event_types_slug_key UNIQUE (tenant_id, user_id, slug),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_scheduling_event_types_user ON scheduling_event_types(tenant_id, user_id);

CREATE TABLE scheduling_availability (
    tenant_id        UUID NOT NULL,
    user_id          UUID NOT NULL,
    timezone         TEXT NOT NULL,
    weekly_schedule  JSONB NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE scheduling_date_overrides (
    tenant_id   UUID NOT NULL,
    user_id     UUID NOT NULL,
    date        DATE NOT NULL,
    windows     JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, user_id, date),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE scheduling_blocked_dates (
    id          UUID NOT NULL,
    tenant_id   UUID NOT NULL,
    user_id     UUID NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    reason      TEXT,
    is_all_day  BOOLEAN NOT NULL DEFAULT TRUE,
    start_time  TEXT CHECK (start_time ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'),
    end_time    TEXT CHECK (end_time ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (end_date >= start_date),
    CHECK ((is_all_day AND start_time IS NULL AND end_time IS NULL)
        OR (NOT is_all_day AND start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time)),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_scheduling_blocked_dates_user ON scheduling_blocked_dates(tenant_id, user_id, start_date);

CREATE TABLE scheduling_bookings (
    id                  UUID NOT NULL,
    tenant_id           UUID NOT NULL,
    event_type_id       UUID NOT NULL,
    host_user_id        UUID NOT NULL,
    event_type_name     TEXT NOT NULL,
    host_name           TEXT NOT NULL,
    host_email          TEXT NOT NULL,
    invitee             JSONB NOT NULL,
    start_time          TIMESTAMPTZ NOT NULL,
    end_time            TIMESTAMPTZ NOT NULL,
    timezone            TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'confirmed'
                        CHECK (status IN ('confirmed', 'cancelled', 'rescheduled', 'completed', 'no_show')),
    location            JSONB NOT NULL,
    buffer_before_mins  INTEGER NOT NULL DEFAULT 0,
    buffer_after_mins   INTEGER NOT NULL DEFAULT 0,
    manage_token_digest BYTEA NOT NULL,
    ical_uid            TEXT NOT NULL,
    sequence            INTEGER NOT NULL DEFAULT 0,
    google_event_id     TEXT,
    meet_link           TEXT,
    cancelled_by        TEXT CHECK (cancelled_by IN ('host', 'invitee')),
    cancel_reason       TEXT,
    rescheduled_from    UUID,
    reminders_sent      JSONB NOT NULL DEFAULT '{}',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (end_time > start_time),
    FOREIGN KEY (tenant_id, event_type_id) REFERENCES scheduling_event_types(tenant_id, id),
    FOREIGN KEY (tenant_id, host_user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, rescheduled_from) REFERENCES scheduling_bookings(tenant_id, id),
    -- The last guard against double booking (DESIGN 3): two confirmed bookings of one host can
    -- never overlap, whatever the application does. Ranges are half-open, so back-to-back
    -- bookings are fine.
    CONSTRAINT scheduling_bookings_no_overlap EXCLUDE USING gist (
        tenant_id WITH =,
        host_user_id WITH =,
        tstzrange(start_time, end_time) WITH &&
    ) WHERE (status = 'confirmed')
);
CREATE INDEX idx_scheduling_bookings_host_time ON scheduling_bookings(tenant_id, host_user_id, start_time);
-- Covers the slot engine's read of a host's confirmed bookings (index-only scans).
CREATE INDEX idx_scheduling_bookings_host_confirmed ON scheduling_bookings (tenant_id, host_user_id, start_time)
    INCLUDE (end_time, id, buffer_before_mins, buffer_after_mins)
    WHERE status = 'confirmed';
CREATE INDEX idx_scheduling_bookings_event_type ON scheduling_bookings(tenant_id, event_type_id);
CREATE INDEX idx_scheduling_bookings_start ON scheduling_bookings(tenant_id, start_time);

CREATE TABLE scheduling_changelog (
    id           UUID NOT NULL,
    tenant_id    UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    action       TEXT NOT NULL,
    actor_id     UUID,
    details      JSONB,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX idx_scheduling_changelog_entity ON scheduling_changelog(tenant_id, entity_type, entity_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON
    tenants, accounts, api_tokens, sessions,
    scheduling_users, scheduling_event_types, scheduling_availability, scheduling_date_overrides,
    scheduling_blocked_dates, scheduling_bookings, scheduling_changelog
TO kairos_app;

-- Row-level security, the second wall between tenants (DESIGN 5). Each transaction of the store
-- sets app.tenant_id; a query that forgot its tenant filter still sees only that tenant, and a
-- transaction that set nothing sees nothing (NULLIF: once set on a pooled connection, the
-- setting reads back as '' rather than NULL after the transaction ends). FORCE makes the policy
-- bind the table owner too; only superusers and BYPASSRLS roles pass it.
--
-- tenants, api_tokens and sessions carry no RLS on purpose: they are how a request finds its
-- tenant in the first place (by slug, by token digest, by session digest), before any tenant is
-- known. Everything they lead to is read under the tenant's context.
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON accounts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_users
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_event_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_event_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_event_types
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_availability ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_availability FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_availability
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_date_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_date_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_date_overrides
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_blocked_dates ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_blocked_dates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_blocked_dates
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_bookings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_bookings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE scheduling_changelog ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_changelog FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_changelog
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
