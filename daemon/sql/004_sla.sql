-- 004_sla.sql: SLA and OLA clocks on Swedish business time, warnings, the
-- NIS2/GDPR reporting deadlines of security incidents, and compliance.
--
-- The clocks are computed in C (sla/, daemon/sla_engine.c) from a ticket's
-- events whenever the ticket changes, and stored here only so that lists,
-- the queue order, warnings and reports need no computation: the events
-- stay the source of truth, and `sdeskctl sla recompute` rebuilds every
-- stored clock from them (after a calendar or policy change).

-- Opening hours.  tenant_id NULL: shared by all four municipalities.  spec
-- is validated by the daemon (sla_spec_check) before it is stored:
--   {"week": {"mon": ["07:30-16:30"], ..., "sun": []},
--    "shortened": ["07:30-12:00"], "holidays": true, "defacto_closed": true,
--    "exceptions": [{"date": "2026-12-23", "hours": []}]}
-- version grows with every change, so that daemons know when the calendar
-- they compiled is stale.
CREATE TABLE sla_calendars (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{2,40}$'),
	tenant_id integer REFERENCES tenants (id),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	spec jsonb NOT NULL,
	version integer NOT NULL DEFAULT 1,
	updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sla_calendars (code, name, spec) VALUES
	('dalsland', 'Servicedesken Dalsland (vardagar 07.30–16.30, fredag till 16.00)',
		'{"week": {"mon": ["07:30-16:30"], "tue": ["07:30-16:30"], "wed": ["07:30-16:30"],
		"thu": ["07:30-16:30"], "fri": ["07:30-16:00"], "sat": [], "sun": []},
		"shortened": ["07:30-12:00"], "holidays": true, "defacto_closed": true,
		"exceptions": []}'),
	('24x7', 'Dygnet runt (24/7)',
		'{"week": {"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
		"thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"],
		"sun": ["00:00-24:00"]}, "shortened": [], "holidays": false,
		"defacto_closed": false, "exceptions": []}');

-- Targets per ticket type and priority, in business minutes of the
-- calendar (fractions allowed, down to seconds); NULL: no such clock.
-- tenant_id NULL: every municipality; a row of the ticket's own tenant
-- wins.  service_id: a row for one service of the catalogue (007 fills
-- them from the catalogue file) wins over the general one.
CREATE TABLE sla_policies (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer REFERENCES tenants (id),
	service_id bigint,
	type text NOT NULL CHECK (type IN ('incident', 'request', 'question',
		'security_incident')),
	priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
	calendar_id bigint NOT NULL REFERENCES sla_calendars (id),
	first_response_minutes numeric(12, 4) CHECK (first_response_minutes > 0),
	next_update_minutes numeric(12, 4) CHECK (next_update_minutes > 0),
	resolution_minutes numeric(12, 4) CHECK (resolution_minutes > 0),
	pause_on_supplier boolean NOT NULL DEFAULT false,
	UNIQUE NULLS NOT DISTINCT (tenant_id, service_id, type, priority)
);
INSERT INTO sla_policies (type, priority, calendar_id, first_response_minutes,
	next_update_minutes, resolution_minutes, pause_on_supplier)
SELECT p.type, p.priority, c.id, p.fr, p.nu, p.res, p.pause
FROM (VALUES
	-- Störningar: P1 löst inom 4 timmar ... P4 inom 5 arbetsdagar (9 h).
	('incident', 1, 30, 60, 240, false),
	('incident', 2, 60, 240, 540, false),
	('incident', 3, 240, 480, 1620, false),
	('incident', 4, 480, 480, 2700, false),
	('security_incident', 1, 15, 60, 240, false),
	('security_incident', 2, 30, 240, 540, false),
	('security_incident', 3, 240, 480, 1620, false),
	('security_incident', 4, 480, 480, 2700, false),
	-- Beställningar: waiting for a supplier's delivery pauses the clocks.
	('request', 1, 60, 480, 540, true),
	('request', 2, 240, 480, 1620, true),
	('request', 3, 480, 480, 2700, true),
	('request', 4, 480, 480, 4500, true),
	('question', 1, 60, 480, 540, false),
	('question', 2, 240, 480, 1620, false),
	('question', 3, 480, 480, 2700, false),
	('question', 4, 480, 480, 2700, false)
) AS p (type, priority, fr, nu, res, pause)
JOIN sla_calendars c ON c.code = 'dalsland';

-- Operational level agreements of the support lines: how long a line may
-- hold a ticket (first line: before it is solved or escalated).  priority
-- NULL: every priority; the most specific row wins.
CREATE TABLE ola_targets (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer REFERENCES tenants (id),
	line smallint NOT NULL CHECK (line IN (1, 2)),
	priority smallint CHECK (priority BETWEEN 1 AND 4),
	calendar_id bigint NOT NULL REFERENCES sla_calendars (id),
	target_minutes numeric(12, 4) NOT NULL CHECK (target_minutes > 0),
	UNIQUE NULLS NOT DISTINCT (tenant_id, line, priority)
);
INSERT INTO ola_targets (line, priority, calendar_id, target_minutes)
SELECT o.line, o.priority, c.id, o.target
FROM (VALUES (1, NULL::smallint, 240), (2, 1::smallint, 180), (2, NULL, 1620))
	AS o (line, priority, target)
JOIN sla_calendars c ON c.code = 'dalsland';

-- Each clock of each ticket as last evaluated (at evaluated_at).  A running
-- clock's remaining time is worked out from due_at when it is read.  met
-- and closed_at are set when the ticket closes, with what the compliance
-- report groups by.
CREATE TABLE sla_clocks (
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	kind text NOT NULL CHECK (kind IN ('first_response', 'next_update', 'resolution',
		'ola_line1', 'ola_line2')),
	calendar_id bigint NOT NULL REFERENCES sla_calendars (id),
	state text NOT NULL CHECK (state IN ('running', 'paused', 'stopped')),
	target_s bigint NOT NULL CHECK (target_s >= 0),
	elapsed_s bigint NOT NULL CHECK (elapsed_s >= 0),
	evaluated_at timestamptz NOT NULL,
	due_at timestamptz,
	breached_at timestamptz,
	stopped_at timestamptz,
	cycle integer NOT NULL DEFAULT 0,
	type text NOT NULL,
	priority smallint NOT NULL,
	service_id bigint,
	met boolean,
	closed_at timestamptz,
	PRIMARY KEY (ticket_id, kind),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
	CHECK ((met IS NULL) = (closed_at IS NULL))
);
CREATE INDEX sla_clocks_closed ON sla_clocks (closed_at) WHERE closed_at IS NOT NULL;

-- The nearest deadline of a running clock, for the queue order.
ALTER TABLE tickets ADD COLUMN sla_due timestamptz;
CREATE INDEX tickets_queue_due ON tickets (queue, (coalesce(sla_due, 'infinity')), priority,
	created_at, id) WHERE status NOT IN ('resolved', 'closed');

-- Warnings when a share of a target is used up: one row per ticket, clock,
-- cycle (next update restarts) and threshold.  due_at is when it fires,
-- NULL while the clock is paused or stopped; fired_at is set exactly once
-- by whichever daemon claims it (FOR UPDATE SKIP LOCKED).  Regulatory
-- deadlines warn the same way, under their own kinds.
CREATE TABLE sla_warnings (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	clock text NOT NULL CHECK (clock IN ('first_response', 'next_update', 'resolution',
		'ola_line1', 'ola_line2', 'nis2_early_warning', 'nis2_notification',
		'nis2_final_report', 'gdpr_imy')),
	cycle integer NOT NULL DEFAULT 0,
	threshold smallint NOT NULL CHECK (threshold BETWEEN 1 AND 1000),
	due_at timestamptz,
	fired_at timestamptz,
	fired_by text,
	UNIQUE (ticket_id, clock, cycle, threshold),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX sla_warnings_due ON sla_warnings (due_at)
	WHERE fired_at IS NULL AND due_at IS NOT NULL;

-- Security incidents: NIS2 early warning (24 h), incident notification
-- (72 h) and final report (a month after the notification), and for a
-- personal-data breach the notification to IMY (72 h), each in calendar
-- time from awareness, with when it was actually made.
CREATE TABLE regulatory_reports (
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	kind text NOT NULL CHECK (kind IN ('nis2_early_warning', 'nis2_notification',
		'nis2_final_report', 'gdpr_imy')),
	aware_at timestamptz NOT NULL,
	deadline timestamptz NOT NULL,
	reported_at timestamptz,
	reported_by bigint REFERENCES people (id),
	PRIMARY KEY (ticket_id, kind),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);

-- What is to be told to someone; the notification issue delivers it.
CREATE TABLE notifications_outbox (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	kind text NOT NULL CHECK (kind ~ '^[a-z_]{2,40}$'),
	ticket_id bigint,
	payload jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX notifications_outbox_unsent ON notifications_outbox (id) WHERE sent_at IS NULL;

-- Configuration: everyone signed in reads what applies to their tenants;
-- administrators (sla.admin) change it, over every tenant or their own.
ALTER TABLE sla_calendars ENABLE ROW LEVEL SECURITY;
ALTER TABLE sla_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE ola_targets ENABLE ROW LEVEL SECURITY;
CREATE POLICY sla_read ON sla_calendars FOR SELECT
	USING (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()));
CREATE POLICY sla_read ON sla_policies FOR SELECT
	USING (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()));
CREATE POLICY sla_read ON ola_targets FOR SELECT
	USING (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()));
CREATE POLICY sla_admin ON sla_calendars USING (sdesk_has_perm('sla.admin')
	OR (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('sla.admin', tenant_id)))
	WITH CHECK (sdesk_has_perm('sla.admin') OR (tenant_id = ANY (sdesk_tenants())
	AND sdesk_has_perm('sla.admin', tenant_id)));
CREATE POLICY sla_admin ON sla_policies USING (sdesk_has_perm('sla.admin')
	OR (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('sla.admin', tenant_id)))
	WITH CHECK (sdesk_has_perm('sla.admin') OR (tenant_id = ANY (sdesk_tenants())
	AND sdesk_has_perm('sla.admin', tenant_id)));
CREATE POLICY sla_admin ON ola_targets USING (sdesk_has_perm('sla.admin')
	OR (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('sla.admin', tenant_id)))
	WITH CHECK (sdesk_has_perm('sla.admin') OR (tenant_id = ANY (sdesk_tenants())
	AND sdesk_has_perm('sla.admin', tenant_id)));

-- Clocks and deadlines: staff of the tenant and those who read its
-- reports.  They are written only through sdesk_sla_store (below), which
-- checks that the caller may see the ticket, and by the owner (sdeskctl).
-- The warning scheduler runs with the system.scheduler permission.
ALTER TABLE sla_clocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE sla_warnings ENABLE ROW LEVEL SECURITY;
ALTER TABLE regulatory_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY clock_read ON sla_clocks FOR SELECT USING (tenant_id = ANY (sdesk_tenants())
	AND (sdesk_has_perm('ticket.read', tenant_id) OR sdesk_has_perm('report.read', tenant_id)));
CREATE POLICY warning_read ON sla_warnings FOR SELECT USING (tenant_id = ANY (sdesk_tenants())
	AND (sdesk_has_perm('ticket.read', tenant_id) OR sdesk_has_perm('system.scheduler')));
CREATE POLICY warning_fire ON sla_warnings FOR UPDATE
	USING (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('system.scheduler'))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY regulatory_read ON regulatory_reports FOR SELECT USING (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id) AND sdesk_has_perm('ticket.read', tenant_id));
CREATE POLICY regulatory_report ON regulatory_reports FOR UPDATE USING (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id) AND sdesk_has_perm('ticket.work', tenant_id))
	WITH CHECK (sdesk_has_perm('ticket.work', tenant_id));
CREATE POLICY outbox_scheduler ON notifications_outbox
	USING (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('system.scheduler'))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()) AND sdesk_has_perm('system.scheduler'));

-- A ticket document or summary with its stored clocks added under "sla"
-- (raw figures: [state, target_s, elapsed_s, evaluated_at, due_at,
-- breached_at, met, calendar_id, calendar_version, the highest warning
-- fired], instants as Unix seconds) for the daemon to finish with
-- business-time arithmetic.  Runs
-- with the caller's rights: without ticket.read there is nothing to add.
-- This and the other functions run for every ticket read, list row or
-- change are PL/pgSQL: a LANGUAGE sql function that cannot be inlined is
-- planned again at every call (a millisecond each), PL/pgSQL keeps its
-- plans for the session.
CREATE FUNCTION sdesk_with_sla(doc json, p_ticket bigint) RETURNS json
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

-- What the clocks of a ticket are computed from (see daemon/sla_engine.c):
-- the ticket, and its events as "unix kind arg;..." in the order they were
-- written: created <priority> <line>, priority <to>, status <to>,
-- escalated <to line>, reply staff|requester, resolved, reopened, closed.  Also
-- the regulatory reports made ("kind unix;...").  One ticket (p_ticket),
-- or every open ticket (with clocks on p_calendar, or none yet).  It reads
-- internal events too, so it checks itself that the caller may see the
-- ticket (the owner, in sdeskctl, sees every one).
CREATE FUNCTION sdesk_sla_events(p_ticket bigint, p_requester bigint) RETURNS text
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

CREATE FUNCTION sdesk_sla_input(p_ticket bigint, p_calendar bigint)
RETURNS TABLE (id bigint, tenant_id integer, version integer, type text, priority smallint,
	status text, pdb boolean, line smallint, created bigint, first_response bigint,
	events text, reported text)
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
				AND r.reported_at IS NOT NULL)
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
			AND r.reported_at IS NOT NULL)
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

-- The policies and OLA targets that can apply to a tenant's tickets of a
-- type (NULL: all), with the calendars they run on, as the daemon reads
-- them (service 0: any service); runs with the caller's rights
-- (configuration is readable).
CREATE FUNCTION sdesk_sla_rules(p_tenant integer, p_type text) RETURNS json
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

-- Stores what the daemon computed for a batch of tickets:
--   [{"ticket": id, "version": v, "due": unix|null,
--     "clocks": [{"kind", "calendar", "state", "target", "elapsed", "at",
--                 "due", "breached", "stopped", "cycle", "met"}],
--     "warnings": [{"clock", "cycle", "threshold", "due"}],
--     "regulatory": [{"kind", "aware", "deadline"}]}]
-- A ticket is skipped when it changed since it was read (version) or when
-- the caller may not see it; clocks, pending warnings and unreported
-- deadlines the batch does not name are dropped.  A warning that has fired
-- is never armed again.  Returns how many tickets were stored.  Every
-- join against the stored rows names the tickets (ids): the planner
-- guesses a hundred rows for each jsonb_to_recordset and would otherwise
-- scan the tables.
CREATE FUNCTION sdesk_sla_store(p jsonb) RETURNS integer
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
	WITH x AS (SELECT d.ticket, t.tenant_id, t.type, t.priority, k.kind, k.calendar, k.state,
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
		type = x.type, priority = x.priority, met = x.met, closed_at = x.closed
		FROM x WHERE c.ticket_id = ANY (ids) AND c.ticket_id = x.ticket AND c.kind = x.kind
		AND ((c.calendar_id, c.state, c.target_s, c.due_at, c.breached_at, c.stopped_at,
			c.cycle, c.type, c.priority, c.met, c.closed_at) IS DISTINCT FROM
			(x.calendar, x.state, x.target, x.due, x.breached, x.stopped, x.cycle,
			x.type, x.priority, x.met, x.closed)
			OR (x.state <> 'running' AND c.elapsed_s <> x.elapsed)))
	INSERT INTO sla_clocks (tenant_id, ticket_id, kind, calendar_id, state, target_s,
		elapsed_s, evaluated_at, due_at, breached_at, stopped_at, cycle, type, priority,
		met, closed_at)
	SELECT x.tenant_id, x.ticket, x.kind, x.calendar, x.state, x.target, x.elapsed, x.at,
		x.due, x.breached, x.stopped, x.cycle, x.type, x.priority, x.met, x.closed
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
REVOKE ALL ON FUNCTION sdesk_sla_store(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_sla_store(jsonb) TO sdesk_app;

-- The queue view: nearest deadline first (tickets without a running clock
-- last), then priority, oldest first; keyset pagination on all four.
DROP FUNCTION sdesk_queue_page(text, integer, text[], smallint, timestamptz, bigint, integer);
CREATE FUNCTION sdesk_queue_page(p_queue text, p_tenant integer, p_statuses text[],
	p_due timestamptz, p_priority smallint, p_created timestamptz, p_id bigint,
	p_limit integer)
RETURNS TABLE (summary json, due timestamptz, priority smallint, created_at timestamptz,
	id bigint)
LANGUAGE plpgsql STABLE SET enable_sort = off AS $$
BEGIN
	RETURN QUERY SELECT sdesk_with_sla((SELECT c.summary FROM ticket_cards c
			WHERE c.id = x.id), x.id), x.due, x.priority, x.created_at, x.id
	FROM (SELECT t.id, coalesce(t.sla_due, 'infinity') AS due, t.priority, t.created_at
		FROM tickets t
		WHERE t.queue = p_queue AND t.status NOT IN ('resolved', 'closed')
		AND (p_tenant IS NULL OR t.tenant_id = p_tenant)
		AND (p_statuses IS NULL OR t.status = ANY (p_statuses))
		AND (coalesce(t.sla_due, 'infinity'), t.priority, t.created_at, t.id)
			> (p_due, p_priority, p_created, p_id)
		ORDER BY coalesce(t.sla_due, 'infinity'), t.priority, t.created_at, t.id
		LIMIT p_limit) x
	ORDER BY x.due, x.priority, x.created_at, x.id;
END
$$;

GRANT SELECT ON sla_calendars, sla_policies, ola_targets, sla_clocks, sla_warnings,
	regulatory_reports, notifications_outbox TO sdesk_app;
GRANT INSERT, UPDATE ON sla_calendars TO sdesk_app;
GRANT INSERT, DELETE ON sla_policies, ola_targets TO sdesk_app;
GRANT UPDATE (due_at, fired_at, fired_by) ON sla_warnings TO sdesk_app;
GRANT UPDATE (reported_at, reported_by) ON regulatory_reports TO sdesk_app;
GRANT INSERT ON notifications_outbox TO sdesk_app;
