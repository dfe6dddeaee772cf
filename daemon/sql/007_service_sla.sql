-- 007_service_sla.sql: the catalogue's own service levels drive the SLA
-- clocks.  A service with an SLA in the catalogue file ({calendar,
-- response_minutes, resolution_minutes}) gets policy rows of its own for
-- service requests (the orders filed for it), one per priority: its
-- response and resolution targets on its calendar, the next-update target
-- and supplier pause of the general request policy.  The rows are the
-- catalogue's (from_catalogue): `sdeskctl catalogue import` rewrites them,
-- PUT /api/v1/sla/policies leaves them alone.  A ticket's clocks take the
-- most specific row: its service's before the general one, its
-- municipality's before the shared one.

ALTER TABLE sla_policies ADD COLUMN from_catalogue boolean NOT NULL DEFAULT false;
ALTER TABLE sla_policies ADD FOREIGN KEY (service_id) REFERENCES services (id);
ALTER TABLE sla_policies ADD CHECK (NOT from_catalogue OR (service_id IS NOT NULL
	AND tenant_id IS NULL));

-- What the clocks of a ticket are computed from, now with its service.
DROP FUNCTION sdesk_sla_input(bigint, bigint);
CREATE FUNCTION sdesk_sla_input(p_ticket bigint, p_calendar bigint)
RETURNS TABLE (id bigint, tenant_id integer, version integer, type text, priority smallint,
	status text, pdb boolean, line smallint, created bigint, first_response bigint,
	events text, reported text, service_id bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	everyone boolean := pg_has_role(session_user, current_user, 'MEMBER');
BEGIN
	IF p_ticket IS NOT NULL THEN
		RETURN QUERY SELECT t.id, t.tenant_id, t.version, t.type, t.priority, t.status,
			t.personal_data_breach, q.line, floor(extract(epoch FROM t.created_at))::bigint,
			floor(extract(epoch FROM t.first_response_at))::bigint,
			sdesk_sla_events(t.id, t.requester_id),
			(SELECT string_agg(r.kind || ' ' || floor(extract(epoch FROM r.reported_at))::bigint, ';')
				FROM regulatory_reports r WHERE r.ticket_id = t.id
				AND r.reported_at IS NOT NULL), t.service_id
		FROM tickets t JOIN queues q ON q.code = t.queue
		WHERE t.id = p_ticket AND (everyone OR sdesk_ticket_visible(t.tenant_id,
			t.requester_id, t.registered_by, t.assignee_id, t.queue, t.classification));
		RETURN;
	END IF;
	RETURN QUERY SELECT t.id, t.tenant_id, t.version, t.type, t.priority, t.status,
		t.personal_data_breach, q.line, floor(extract(epoch FROM t.created_at))::bigint,
		floor(extract(epoch FROM t.first_response_at))::bigint,
		sdesk_sla_events(t.id, t.requester_id),
		(SELECT string_agg(r.kind || ' ' || floor(extract(epoch FROM r.reported_at))::bigint, ';')
			FROM regulatory_reports r WHERE r.ticket_id = t.id
			AND r.reported_at IS NOT NULL), t.service_id
	FROM tickets t JOIN queues q ON q.code = t.queue
	WHERE t.status NOT IN ('resolved', 'closed') AND (p_calendar IS NULL
		OR EXISTS (SELECT 1 FROM sla_clocks s WHERE s.ticket_id = t.id
			AND s.calendar_id = p_calendar)
		OR NOT EXISTS (SELECT 1 FROM sla_clocks s WHERE s.ticket_id = t.id))
	AND (everyone OR sdesk_ticket_visible(t.tenant_id, t.requester_id, t.registered_by,
		t.assignee_id, t.queue, t.classification));
END
$$;
REVOKE ALL ON FUNCTION sdesk_sla_input(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_sla_input(bigint, bigint) TO sdesk_app;

-- Rewrites the catalogue's policy rows from services.sla (run by the
-- catalogue import, in its transaction, as the owner).  Returns how many
-- rows differ from before (0: nothing to recompute).  A calendar the
-- catalogue names must exist (the import checks first, so this is only
-- the last guard).
CREATE FUNCTION sdesk_service_sla_sync() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	changed integer;
BEGIN
	CREATE TEMP TABLE service_sla_want ON COMMIT DROP AS
	SELECT s.id AS service_id, g.type, g.priority, c.id AS calendar_id,
		coalesce((s.sla->>'response_minutes')::numeric, g.first_response_minutes)
			AS first_response_minutes,
		g.next_update_minutes,
		coalesce((s.sla->>'resolution_minutes')::numeric, g.resolution_minutes)
			AS resolution_minutes,
		g.pause_on_supplier
	FROM services s
	JOIN sla_calendars c ON c.code = s.sla->>'calendar'
	JOIN sla_policies g ON g.tenant_id IS NULL AND g.service_id IS NULL
		AND g.type = 'request'
	WHERE s.sla IS NOT NULL AND s.active;
	IF EXISTS (SELECT 1 FROM services s WHERE s.sla IS NOT NULL AND s.active
		AND NOT EXISTS (SELECT 1 FROM sla_calendars c WHERE c.code = s.sla->>'calendar'))
	THEN
		RAISE EXCEPTION 'a service names an SLA calendar that does not exist';
	END IF;

	SELECT count(*) INTO changed FROM (
		(SELECT service_id, type, priority, calendar_id, first_response_minutes,
			next_update_minutes, resolution_minutes, pause_on_supplier
		FROM service_sla_want
		EXCEPT SELECT service_id, type, priority, calendar_id, first_response_minutes,
			next_update_minutes, resolution_minutes, pause_on_supplier
		FROM sla_policies WHERE from_catalogue)
		UNION ALL
		(SELECT service_id, type, priority, calendar_id, first_response_minutes,
			next_update_minutes, resolution_minutes, pause_on_supplier
		FROM sla_policies WHERE from_catalogue
		EXCEPT SELECT service_id, type, priority, calendar_id, first_response_minutes,
			next_update_minutes, resolution_minutes, pause_on_supplier
		FROM service_sla_want)) d;
	IF changed > 0 THEN
		DELETE FROM sla_policies WHERE from_catalogue;
		INSERT INTO sla_policies (service_id, type, priority, calendar_id,
			first_response_minutes, next_update_minutes, resolution_minutes,
			pause_on_supplier, from_catalogue)
		SELECT service_id, type, priority, calendar_id, first_response_minutes,
			next_update_minutes, resolution_minutes, pause_on_supplier, true
		FROM service_sla_want;
	END IF;
	DROP TABLE service_sla_want;
	RETURN changed;
END
$$;
REVOKE ALL ON FUNCTION sdesk_service_sla_sync() FROM PUBLIC;

-- A clock keeps the service its ticket was for, for compliance per service.
-- Clocks are written by sdesk_sla_store, as the owner.
CREATE FUNCTION sdesk_sla_clock_service() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.service_id := (SELECT t.service_id FROM tickets t WHERE t.id = NEW.ticket_id);
	RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION sdesk_sla_clock_service() FROM PUBLIC;
CREATE TRIGGER sla_clocks_service BEFORE INSERT OR UPDATE ON sla_clocks
	FOR EACH ROW EXECUTE FUNCTION sdesk_sla_clock_service();
UPDATE sla_clocks c SET service_id = t.service_id FROM tickets t
	WHERE t.id = c.ticket_id AND t.service_id IS NOT NULL;
