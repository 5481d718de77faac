-- Kairos schema on SQLite. Instants are INTEGER seconds since the Unix epoch (UTC); dates are
-- TEXT 'YYYY-MM-DD'; wall-clock times TEXT 'HH:MM' (so '24:00' fits); JSON columns are TEXT.
-- Every tenant table carries tenant_id, and references between tenant rows include it, so a row
-- can never point into another tenant.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
    id             TEXT NOT NULL,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (id),
    CONSTRAINT accounts_email_key UNIQUE (tenant_id, email)
) STRICT;

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    digest        BLOB NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    digest        BLOB NOT NULL UNIQUE,
    csrf_token    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE scheduling_users (
    id                    TEXT NOT NULL,
    tenant_id             TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account_id            TEXT,
    username              TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    email                 TEXT NOT NULL,
    timezone              TEXT NOT NULL DEFAULT 'America/New_York',
    avatar_url            TEXT,
    is_active             INTEGER NOT NULL DEFAULT 1,
    minimum_notice_hours  INTEGER NOT NULL DEFAULT 24,
    booking_window_days   INTEGER NOT NULL DEFAULT 60,
    buffer_before_mins    INTEGER NOT NULL DEFAULT 0,
    buffer_after_mins     INTEGER NOT NULL DEFAULT 15,
    daily_limit           INTEGER,
    weekly_limit          INTEGER,
    default_duration      INTEGER NOT NULL DEFAULT 30,
    google_calendar_id    TEXT DEFAULT 'primary',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (id),
    CONSTRAINT scheduling_users_username_key UNIQUE (tenant_id, username),
    CONSTRAINT scheduling_users_account_key UNIQUE (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE SET NULL
) STRICT;

CREATE TABLE scheduling_event_types (
    id                 TEXT NOT NULL,
    tenant_id          TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    name               TEXT NOT NULL,
    slug               TEXT NOT NULL,
    description        TEXT,
    duration           INTEGER NOT NULL,
    slot_interval      INTEGER,
    color              TEXT NOT NULL DEFAULT 'blue',
    location           TEXT NOT NULL DEFAULT '{"type":"google_meet"}',
    custom_questions   TEXT NOT NULL DEFAULT '[]',
    reminder_settings  TEXT NOT NULL DEFAULT '{"enabled":true,"reminders":[{"timing":"24h","sendToHost":true,"sendToInvitee":true}]}',
    setting_overrides  TEXT,
    is_active          INTEGER NOT NULL DEFAULT 1,
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (id),
    CONSTRAINT scheduling_event_types_slug_key UNIQUE (tenant_id, user_id, slug),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX idx_scheduling_event_types_user ON scheduling_event_types(tenant_id, user_id);

CREATE TABLE scheduling_availability (
    tenant_id        TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    weekly_schedule  TEXT NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE scheduling_date_overrides (
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    date        TEXT NOT NULL,
    windows     TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, date),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE scheduling_blocked_dates (
    id          TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    reason      TEXT,
    is_all_day  INTEGER NOT NULL DEFAULT 1,
    start_time  TEXT,
    end_time    TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (end_date >= start_date),
    CHECK ((is_all_day = 1 AND start_time IS NULL AND end_time IS NULL)
        OR (is_all_day = 0 AND start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time)),
    FOREIGN KEY (tenant_id, user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX idx_scheduling_blocked_dates_user ON scheduling_blocked_dates(tenant_id, user_id, start_date);

CREATE TABLE scheduling_bookings (
    id                  TEXT NOT NULL,
    tenant_id           TEXT NOT NULL,
    event_type_id       TEXT NOT NULL,
    host_user_id        TEXT NOT NULL,
    event_type_name     TEXT NOT NULL,
    host_name           TEXT NOT NULL,
    host_email          TEXT NOT NULL,
    invitee             TEXT NOT NULL,
    start_time          INTEGER NOT NULL,
    end_time            INTEGER NOT NULL,
    timezone            TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'confirmed'
                        CHECK (status IN ('confirmed', 'cancelled', 'rescheduled', 'completed', 'no_show')),
    location            TEXT NOT NULL,
    buffer_before_mins  INTEGER NOT NULL DEFAULT 0,
    buffer_after_mins   INTEGER NOT NULL DEFAULT 0,
    manage_token_digest BLOB NOT NULL,
    ical_uid            TEXT NOT NULL,
    sequence            INTEGER NOT NULL DEFAULT 0,
    google_event_id     TEXT,
    meet_link           TEXT,
    cancelled_by        TEXT CHECK (cancelled_by IN ('host', 'invitee')),
    cancel_reason       TEXT,
    rescheduled_from    TEXT,
    reminders_sent      TEXT NOT NULL DEFAULT '{}',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (end_time > start_time),
    FOREIGN KEY (tenant_id, event_type_id) REFERENCES scheduling_event_types(tenant_id, id),
    FOREIGN KEY (tenant_id, host_user_id) REFERENCES scheduling_users(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, rescheduled_from) REFERENCES scheduling_bookings(tenant_id, id)
) STRICT;
CREATE INDEX idx_scheduling_bookings_host_time ON scheduling_bookings(tenant_id, host_user_id, start_time);
-- Covers the slot engine's read of a host's confirmed bookings, so it never visits the table.
CREATE INDEX idx_scheduling_bookings_host_confirmed ON scheduling_bookings
    (tenant_id, host_user_id, start_time, end_time, id, buffer_before_mins, buffer_after_mins)
    WHERE status = 'confirmed';
CREATE INDEX idx_scheduling_bookings_event_type ON scheduling_bookings(tenant_id, event_type_id);
CREATE INDEX idx_scheduling_bookings_start ON scheduling_bookings(tenant_id, start_time);

CREATE TABLE scheduling_changelog (
    id           TEXT NOT NULL,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    action       TEXT NOT NULL,
    actor_id     TEXT,
    details      TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX idx_scheduling_changelog_entity ON scheduling_changelog(tenant_id, entity_type, entity_id);
