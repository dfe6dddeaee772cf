-- 008_plpgsql_hot_paths.sql: what runs on every ticket read, list row,
-- create and change, made cheaper; same results as before.
--
-- The LANGUAGE sql functions below cannot be inlined, so they were planned
-- again at every call (about a millisecond each, twenty of them for a queue
-- page); PL/pgSQL keeps its plans for the session.
--
-- sdesk_sla_store: its joins against the clock, warning and report tables
-- name the tickets (ids) so that the planner, which guesses a hundred rows
-- for every jsonb_to_recordset, looks the rows up by key instead of
-- scanning the tables; and it records the ticket's service on the clocks
-- itself, so the row trigger of 007 (a SECURITY DEFINER call per clock
-- row) goes.

CREATE OR REPLACE FUNCTION sdesk_with_sla(doc json, p_ticket bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	raw jsonb;
BEGIN
	SELECT jsonb_object_agg(c.kind, jsonb_build_array(c.state, c.target_s, c.elapsed_s,
			floor(extract(epoch FROM c.evaluated_at))::bigint,
			floor(extract(epoch FROM c.due_at))::bigint,
			floor(extract(epoch FROM c.breached_at))::bigint, c.met, c.calendar_id,
			k.version, (SELECT max(w.threshold) FROM sla_warnings w
				WHERE w.ticket_id = c.ticket_id AND w.clock = c.kind
				AND w.cycle = c.cycle AND w.fired_at IS NOT NULL)))
	INTO raw
	FROM sla_clocks c JOIN sla_calendars k ON k.id = c.calendar_id
	WHERE c.ticket_id = p_ticket;
	IF raw IS NULL THEN
		RETURN doc;
	END IF;
	RETURN (doc::jsonb || jsonb_build_object('sla', raw))::json;
END
$$;

CREATE OR REPLACE FUNCTION sdesk_sla_events(p_ticket bigint, p_requester bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT string_agg(floor(extract(epoch FROM e.at))::bigint || ' ' || e.kind || ' ' ||
		CASE e.kind
		WHEN 'created' THEN coalesce(e.data->>'priority', '0') || ' '
			|| coalesce((SELECT q.line FROM queues q WHERE q.code = e.data->>'queue'), 1)
		WHEN 'priority' THEN coalesce(e.data->>'to', '0')
		WHEN 'status' THEN coalesce(e.data->>'to', '-')
		WHEN 'escalated' THEN coalesce(e.data->>'to_line', '0')
		WHEN 'reply' THEN CASE WHEN e.actor_id IS DISTINCT FROM p_requester
			THEN 'staff' ELSE 'requester' END
		ELSE '-' END, ';' ORDER BY e.id)
	FROM ticket_events e WHERE e.ticket_id = p_ticket AND e.kind IN ('created', 'priority',
		'status', 'escalated', 'reply', 'resolved', 'reopened', 'closed'));
END
$$;

CREATE OR REPLACE FUNCTION sdesk_sla_rules(p_tenant integer, p_type text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (WITH p AS (SELECT * FROM sla_policies x WHERE (p_type IS NULL OR x.type = p_type)
		AND (p_tenant IS NULL OR x.tenant_id IS NULL OR x.tenant_id = p_tenant)),
	o AS (SELECT * FROM ola_targets x
		WHERE p_tenant IS NULL OR x.tenant_id IS NULL OR x.tenant_id = p_tenant)
	SELECT json_build_object(
		'policies', coalesce((SELECT json_agg(json_build_object('tenant',
			coalesce(p.tenant_id, 0), 'service', coalesce(p.service_id, 0),
			'type', p.type, 'priority', p.priority,
			'calendar', p.calendar_id, 'calendar_version', c.version, 'calendar_code', c.code,
			'first_response', p.first_response_minutes,
			'next_update', p.next_update_minutes, 'resolution', p.resolution_minutes,
			'pause_on_supplier', p.pause_on_supplier))
			FROM p JOIN sla_calendars c ON c.id = p.calendar_id), '[]'),
		'ola', coalesce((SELECT json_agg(json_build_object('tenant', coalesce(o.tenant_id, 0),
			'line', o.line, 'priority', coalesce(o.priority, 0), 'calendar', o.calendar_id,
			'calendar_version', c.version, 'calendar_code', c.code,
			'target', o.target_minutes))
			FROM o JOIN sla_calendars c ON c.id = o.calendar_id), '[]'),
		'calendars', coalesce((SELECT json_agg(json_build_object('id', c.id,
			'version', c.version, 'spec', c.spec)) FROM sla_calendars c
			WHERE c.id IN (SELECT calendar_id FROM p UNION SELECT calendar_id FROM o)),
			'[]')));
END
$$;

CREATE OR REPLACE FUNCTION sdesk_sla_store(p jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	ids bigint[];
BEGIN
	-- Locked until commit, so that a change made meanwhile waits for us and
	-- then recomputes its own clocks over ours.  Holding the ticket is what
	-- makes its clocks ours to write, so a row is touched only if it
	-- changed: re-evaluating what did not change writes nothing.
	SELECT coalesce(array_agg(x.id), '{}') INTO ids FROM (SELECT t.id
		FROM jsonb_to_recordset(p) AS d (ticket bigint, version integer)
		JOIN tickets t ON t.id = d.ticket AND t.version = d.version
		WHERE pg_has_role(session_user, current_user, 'MEMBER')
			OR sdesk_ticket_visible(t.tenant_id, t.requester_id, t.registered_by,
				t.assignee_id, t.queue, t.classification)
		ORDER BY t.id FOR NO KEY UPDATE OF t) x;

	-- Clocks.  A running clock's (elapsed, evaluated_at) stays true as a
	-- pair, so time passing alone is no change.
	DELETE FROM sla_clocks c WHERE c.ticket_id = ANY (ids) AND NOT EXISTS (SELECT 1
		FROM jsonb_to_recordset(p) AS d (ticket bigint, clocks jsonb),
		jsonb_array_elements(d.clocks) k WHERE d.ticket = c.ticket_id
		AND k->>'kind' = c.kind);
	WITH x AS (SELECT d.ticket, t.tenant_id, t.type, t.priority, t.service_id, k.kind,
			k.calendar, k.state,
			k.target, k.elapsed, to_timestamp(k.at) AS at, to_timestamp(k.due) AS due,
			to_timestamp(k.breached) AS breached, to_timestamp(k.stopped) AS stopped,
			k.cycle, k.met, CASE WHEN k.met IS NOT NULL
				THEN coalesce(t.closed_at, to_timestamp(k.at)) END AS closed
		FROM jsonb_to_recordset(p) AS d (ticket bigint, clocks jsonb)
		JOIN tickets t ON t.id = d.ticket AND t.id = ANY (ids),
		jsonb_to_recordset(d.clocks) AS k (kind text, calendar bigint, state text,
			target bigint, elapsed bigint, at bigint, due bigint, breached bigint,
			stopped bigint, cycle integer, met boolean)),
	changed AS (UPDATE sla_clocks c SET calendar_id = x.calendar, state = x.state,
		target_s = x.target, elapsed_s = x.elapsed, evaluated_at = x.at, due_at = x.due,
		breached_at = x.breached, stopped_at = x.stopped, cycle = x.cycle,
		type = x.type, priority = x.priority, met = x.met, closed_at = x.closed,
		service_id = x.service_id
		FROM x WHERE c.ticket_id = ANY (ids) AND c.ticket_id = x.ticket AND c.kind = x.kind
		AND ((c.calendar_id, c.state, c.target_s, c.due_at, c.breached_at, c.stopped_at,
			c.cycle, c.type, c.priority, c.met, c.closed_at, c.service_id) IS DISTINCT FROM
			(x.calendar, x.state, x.target, x.due, x.breached, x.stopped, x.cycle,
			x.type, x.priority, x.met, x.closed, x.service_id)
			OR (x.state <> 'running' AND c.elapsed_s <> x.elapsed)))
	INSERT INTO sla_clocks (tenant_id, ticket_id, kind, calendar_id, state, target_s,
		elapsed_s, evaluated_at, due_at, breached_at, stopped_at, cycle, type, priority,
		met, closed_at, service_id)
	SELECT x.tenant_id, x.ticket, x.kind, x.calendar, x.state, x.target, x.elapsed, x.at,
		x.due, x.breached, x.stopped, x.cycle, x.type, x.priority, x.met, x.closed,
		x.service_id
	FROM x WHERE NOT EXISTS (SELECT 1 FROM sla_clocks c WHERE c.ticket_id = ANY (ids)
		AND c.ticket_id = x.ticket
		AND c.kind = x.kind)
	ON CONFLICT (ticket_id, kind) DO NOTHING;

	-- Warnings: a fired one is never armed again; one no longer pending
	-- (paused, stopped, next cycle) loses its due time.
	WITH x AS (SELECT d.ticket, t.tenant_id, w.clock, w.cycle, w.threshold,
			to_timestamp(w.due) AS due
		FROM jsonb_to_recordset(p) AS d (ticket bigint, warnings jsonb)
		JOIN tickets t ON t.id = d.ticket AND t.id = ANY (ids),
		jsonb_to_recordset(d.warnings) AS w (clock text, cycle integer, threshold integer,
			due bigint)),
	off AS (UPDATE sla_warnings w SET due_at = NULL WHERE w.ticket_id = ANY (ids)
		AND w.fired_at IS NULL AND w.due_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM x
		WHERE x.ticket = w.ticket_id AND x.clock = w.clock AND x.cycle = w.cycle
		AND x.threshold = w.threshold)),
	moved AS (UPDATE sla_warnings w SET due_at = x.due FROM x WHERE w.ticket_id = ANY (ids)
		AND w.ticket_id = x.ticket
		AND w.clock = x.clock AND w.cycle = x.cycle AND w.threshold = x.threshold
		AND w.fired_at IS NULL AND w.due_at IS DISTINCT FROM x.due)
	INSERT INTO sla_warnings (tenant_id, ticket_id, clock, cycle, threshold, due_at)
	SELECT x.tenant_id, x.ticket, x.clock, x.cycle, x.threshold, x.due FROM x
	WHERE NOT EXISTS (SELECT 1 FROM sla_warnings w WHERE w.ticket_id = ANY (ids)
		AND w.ticket_id = x.ticket
		AND w.clock = x.clock AND w.cycle = x.cycle AND w.threshold = x.threshold)
	ON CONFLICT (ticket_id, clock, cycle, threshold) DO NOTHING;

	-- Reporting deadlines: one made stays, even if it no longer applies.
	WITH x AS (SELECT d.ticket, t.tenant_id, r.kind, to_timestamp(r.aware) AS aware,
			to_timestamp(r.deadline) AS deadline
		FROM jsonb_to_recordset(p) AS d (ticket bigint, regulatory jsonb)
		JOIN tickets t ON t.id = d.ticket AND t.id = ANY (ids),
		jsonb_to_recordset(d.regulatory) AS r (kind text, aware bigint, deadline bigint)),
	gone AS (DELETE FROM regulatory_reports g WHERE g.ticket_id = ANY (ids)
		AND g.reported_at IS NULL AND NOT EXISTS (SELECT 1 FROM x
		WHERE x.ticket = g.ticket_id AND x.kind = g.kind)),
	moved AS (UPDATE regulatory_reports g SET aware_at = x.aware, deadline = x.deadline
		FROM x WHERE g.ticket_id = ANY (ids) AND g.ticket_id = x.ticket AND g.kind = x.kind
		AND (g.aware_at, g.deadline) IS DISTINCT FROM (x.aware, x.deadline))
	INSERT INTO regulatory_reports (tenant_id, ticket_id, kind, aware_at, deadline)
	SELECT x.tenant_id, x.ticket, x.kind, x.aware, x.deadline FROM x
	WHERE NOT EXISTS (SELECT 1 FROM regulatory_reports g WHERE g.ticket_id = ANY (ids)
		AND g.ticket_id = x.ticket
		AND g.kind = x.kind)
	ON CONFLICT (ticket_id, kind) DO NOTHING;

	UPDATE tickets t SET sla_due = to_timestamp(d.due)
	FROM jsonb_to_recordset(p) AS d (ticket bigint, due bigint)
	WHERE t.id = d.ticket AND t.id = ANY (ids) AND t.sla_due IS DISTINCT FROM to_timestamp(d.due);
	RETURN cardinality(ids);
END
$$;

DROP TRIGGER sla_clocks_service ON sla_clocks;
DROP FUNCTION sdesk_sla_clock_service();

-- The first case number of a municipality and year creates its sequence.
-- Two first tickets at once (New Year's morning, a bench) both found it
-- missing; the second CREATE SEQUENCE IF NOT EXISTS waited for the first
-- and then failed on the catalog's unique index instead of seeing it.  A
-- sequence made meanwhile by someone else is as good as our own.
CREATE OR REPLACE FUNCTION sdesk_case_number(p_tenant integer, p_year integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	seq text := format('case_number_%s_%s', p_tenant, p_year);
BEGIN
	IF p_year NOT BETWEEN 2000 AND 2200 THEN
		RAISE EXCEPTION 'year out of range' USING ERRCODE = '22003';
	END IF;
	BEGIN
		RETURN nextval(seq);
	EXCEPTION WHEN undefined_table THEN
		BEGIN
			EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
		EXCEPTION WHEN unique_violation OR duplicate_table THEN
			NULL;
		END;
		RETURN nextval(seq);
	END;
END
$$;
