-- What lets the slot listing serve a snapshot it read before, exactly (docs/performance.md).
--
-- scheduling_schedule_versions holds one counter per host, raised by the triggers below in the
-- same transaction as any change to what a schedule snapshot holds: the host's confirmed
-- bookings (inserted, deleted, or changed in status, time, buffers or host), weekly hours, date
-- overrides and blocked dates. A snapshot whose reads began after reading version v holds at
-- least everything committed up to v, so it may serve any reader that sees v, in any process.
-- Rows are never deleted, so a version never repeats.
--
-- scheduling_event_types.booking_count keeps the number of bookings of each type (any status),
-- maintained by trigger, so reading an event type no longer counts its bookings.

CREATE TABLE scheduling_schedule_versions (
    tenant_id  UUID NOT NULL,
    user_id    UUID NOT NULL,
    version    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

INSERT INTO scheduling_schedule_versions (tenant_id, user_id, version)
    SELECT tenant_id, id, 1 FROM scheduling_users;

GRANT SELECT, INSERT, UPDATE ON scheduling_schedule_versions TO kairos_app;

ALTER TABLE scheduling_schedule_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE scheduling_schedule_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scheduling_schedule_versions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE FUNCTION scheduling_users_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO scheduling_schedule_versions (tenant_id, user_id, version)
        VALUES (NEW.tenant_id, NEW.id, 1) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER scheduling_users_version_row AFTER INSERT ON scheduling_users
    FOR EACH ROW EXECUTE FUNCTION scheduling_users_version_row();

-- For tables whose host column is user_id.
CREATE FUNCTION scheduling_bump_user_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE scheduling_schedule_versions SET version = version + 1
            WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        UPDATE scheduling_schedule_versions SET version = version + 1
            WHERE tenant_id = NEW.tenant_id AND user_id = NEW.user_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER scheduling_availability_version AFTER INSERT OR UPDATE OR DELETE ON scheduling_availability
    FOR EACH ROW EXECUTE FUNCTION scheduling_bump_user_version();
CREATE TRIGGER scheduling_date_overrides_version AFTER INSERT OR UPDATE OR DELETE ON scheduling_date_overrides
    FOR EACH ROW EXECUTE FUNCTION scheduling_bump_user_version();
CREATE TRIGGER scheduling_blocked_dates_version AFTER INSERT OR UPDATE OR DELETE ON scheduling_blocked_dates
    FOR EACH ROW EXECUTE FUNCTION scheduling_bump_user_version();

ALTER TABLE scheduling_event_types ADD COLUMN booking_count BIGINT NOT NULL DEFAULT 0;
UPDATE scheduling_event_types e SET booking_count = (
    SELECT COUNT(*) FROM scheduling_bookings b WHERE b.tenant_id = e.tenant_id AND b.event_type_id = e.id);

-- Bookings: the host's version on any change the snapshot can see, and the type's count.
CREATE FUNCTION scheduling_bookings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE scheduling_schedule_versions SET version = version + 1
            WHERE tenant_id = OLD.tenant_id AND user_id = OLD.host_user_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.host_user_id IS DISTINCT FROM OLD.host_user_id) THEN
        UPDATE scheduling_schedule_versions SET version = version + 1
            WHERE tenant_id = NEW.tenant_id AND user_id = NEW.host_user_id;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.event_type_id IS DISTINCT FROM OLD.event_type_id) THEN
        UPDATE scheduling_event_types SET booking_count = booking_count - 1
            WHERE tenant_id = OLD.tenant_id AND id = OLD.event_type_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.event_type_id IS DISTINCT FROM OLD.event_type_id) THEN
        UPDATE scheduling_event_types SET booking_count = booking_count + 1
            WHERE tenant_id = NEW.tenant_id AND id = NEW.event_type_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER scheduling_bookings_changed
    AFTER INSERT OR DELETE OR UPDATE OF status, start_time, end_time, buffer_before_mins, buffer_after_mins, host_user_id, event_type_id
    ON scheduling_bookings
    FOR EACH ROW EXECUTE FUNCTION scheduling_bookings_changed();
