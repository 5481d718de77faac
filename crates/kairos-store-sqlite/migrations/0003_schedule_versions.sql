-- What lets the slot listing serve a snapshot it read before, exactly (docs/performance.md).
--
-- scheduling_schedule_versions holds one counter per host, raised by the triggers below in the
-- same transaction as any change to what a schedule snapshot holds: the host's confirmed
-- bookings (inserted, deleted, or changed in status, time, buffers or host), weekly hours, date
-- overrides and blocked dates. A snapshot read together with version v is therefore exact for
-- as long as the host's version reads v, in this process or any other. Rows are never deleted,
-- so a version never repeats.
--
-- scheduling_event_types.booking_count keeps the number of bookings of each type (any status),
-- maintained by trigger, so reading an event type no longer counts its bookings.

CREATE TABLE scheduling_schedule_versions (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
) STRICT, WITHOUT ROWID;

INSERT INTO scheduling_schedule_versions (tenant_id, user_id, version)
    SELECT tenant_id, id, 1 FROM scheduling_users;

CREATE TRIGGER scheduling_users_version_row AFTER INSERT ON scheduling_users
BEGIN
    INSERT OR IGNORE INTO scheduling_schedule_versions (tenant_id, user_id, version)
        VALUES (NEW.tenant_id, NEW.id, 1);
END;

CREATE TRIGGER scheduling_bookings_version_insert AFTER INSERT ON scheduling_bookings
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id = NEW.host_user_id;
END;
CREATE TRIGGER scheduling_bookings_version_update
    AFTER UPDATE OF status, start_time, end_time, buffer_before_mins, buffer_after_mins, host_user_id
    ON scheduling_bookings
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id IN (OLD.host_user_id, NEW.host_user_id);
END;
CREATE TRIGGER scheduling_bookings_version_delete AFTER DELETE ON scheduling_bookings
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = OLD.tenant_id AND user_id = OLD.host_user_id;
END;

CREATE TRIGGER scheduling_availability_version_insert AFTER INSERT ON scheduling_availability
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
END;
CREATE TRIGGER scheduling_availability_version_update AFTER UPDATE ON scheduling_availability
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER scheduling_availability_version_delete AFTER DELETE ON scheduling_availability
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
END;

CREATE TRIGGER scheduling_date_overrides_version_insert AFTER INSERT ON scheduling_date_overrides
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
END;
CREATE TRIGGER scheduling_date_overrides_version_update AFTER UPDATE ON scheduling_date_overrides
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER scheduling_date_overrides_version_delete AFTER DELETE ON scheduling_date_overrides
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
END;

CREATE TRIGGER scheduling_blocked_dates_version_insert AFTER INSERT ON scheduling_blocked_dates
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
END;
CREATE TRIGGER scheduling_blocked_dates_version_update AFTER UPDATE ON scheduling_blocked_dates
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = NEW.tenant_id AND user_id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER scheduling_blocked_dates_version_delete AFTER DELETE ON scheduling_blocked_dates
BEGIN
    UPDATE scheduling_schedule_versions SET version = version + 1
        WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
END;

ALTER TABLE scheduling_event_types ADD COLUMN booking_count INTEGER NOT NULL DEFAULT 0;
UPDATE scheduling_event_types SET booking_count = (
    SELECT COUNT(*) FROM scheduling_bookings b
    WHERE b.tenant_id = scheduling_event_types.tenant_id AND b.event_type_id = scheduling_event_types.id);

CREATE TRIGGER scheduling_bookings_count_insert AFTER INSERT ON scheduling_bookings
BEGIN
    UPDATE scheduling_event_types SET booking_count = booking_count + 1
        WHERE tenant_id = NEW.tenant_id AND id = NEW.event_type_id;
END;
CREATE TRIGGER scheduling_bookings_count_update AFTER UPDATE OF event_type_id ON scheduling_bookings
    WHEN OLD.event_type_id <> NEW.event_type_id
BEGIN
    UPDATE scheduling_event_types SET booking_count = booking_count - 1
        WHERE tenant_id = OLD.tenant_id AND id = OLD.event_type_id;
    UPDATE scheduling_event_types SET booking_count = booking_count + 1
        WHERE tenant_id = NEW.tenant_id AND id = NEW.event_type_id;
END;
CREATE TRIGGER scheduling_bookings_count_delete AFTER DELETE ON scheduling_bookings
BEGIN
    UPDATE scheduling_event_types SET booking_count = booking_count - 1
        WHERE tenant_id = OLD.tenant_id AND id = OLD.event_type_id;
END;
