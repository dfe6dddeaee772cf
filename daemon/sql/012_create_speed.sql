-- 012_create_speed.sql: what a new ticket's clocks need, known before the
-- ticket is written.
--
-- A create used to insert the ticket, read it back for its clocks (with
-- the SLA rules, one query per create), store the clocks and then update
-- the ticket again for its nearest deadline: that second write of a row
-- with seventeen indexes cost as much as the first.  The daemon now
-- computes the clocks first, from what the create already knows, and
-- writes the deadline with the ticket (db/tickets.c, db/sla_clocks.c).
--
-- The SLA rules of a municipality and ticket type change only when an
-- administrator changes policies, OLA targets or calendars.  The daemon
-- keeps each one it has read, with the stamp below as it was then, and
-- reads them again when the stamp has moved.  The stamp is a row, not a
-- sequence, so that it moves when the change commits and not before.
CREATE TABLE sla_config_stamp (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	n bigint NOT NULL
);
INSERT INTO sla_config_stamp (one, n) VALUES (true, 1);
ALTER TABLE sla_config_stamp ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON sla_config_stamp FOR SELECT USING (true);
GRANT SELECT ON sla_config_stamp TO sdesk_app;

CREATE FUNCTION sdesk_sla_config_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	UPDATE sla_config_stamp SET n = n + 1;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION sdesk_sla_config_changed() FROM PUBLIC;

CREATE TRIGGER sla_config_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sla_policies
	FOR EACH STATEMENT EXECUTE FUNCTION sdesk_sla_config_changed();
CREATE TRIGGER sla_config_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ola_targets
	FOR EACH STATEMENT EXECUTE FUNCTION sdesk_sla_config_changed();
CREATE TRIGGER sla_config_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sla_calendars
	FOR EACH STATEMENT EXECUTE FUNCTION sdesk_sla_config_changed();

-- The first clocks of a ticket this transaction has just created, as
-- sdesk_sla_store takes one ticket's ({"ticket", "clocks", "warnings",
-- "regulatory"}).  A new ticket has nothing stored to compare with, drop
-- or keep, and nobody else can see it yet, so this only inserts.  It
-- refuses any other ticket: xmin names the transaction that wrote the row,
-- and only ours can be in progress and visible to us (the daemon uses no
-- savepoints).  Returns how many tickets were stored (1).
CREATE FUNCTION sdesk_sla_first(p jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	tk record;
BEGIN
	SELECT t.id, t.tenant_id, t.type, t.priority INTO tk FROM tickets t
	WHERE t.id = (p->>'ticket')::bigint AND t.xmin = pg_current_xact_id()::xid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'ticket % was not created by this transaction', p->>'ticket'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	INSERT INTO sla_clocks (tenant_id, ticket_id, kind, calendar_id, state, target_s,
		elapsed_s, evaluated_at, due_at, breached_at, stopped_at, cycle, type, priority,
		met, closed_at)
	SELECT tk.tenant_id, tk.id, k.kind, k.calendar, k.state, k.target, k.elapsed,
		to_timestamp(k.at), to_timestamp(k.due), to_timestamp(k.breached),
		to_timestamp(k.stopped), k.cycle, tk.type, tk.priority, k.met,
		CASE WHEN k.met IS NOT NULL THEN to_timestamp(k.at) END
	FROM jsonb_to_recordset(p->'clocks') AS k (kind text, calendar bigint, state text,
		target bigint, elapsed bigint, at bigint, due bigint, breached bigint,
		stopped bigint, cycle integer, met boolean);
	IF jsonb_array_length(p->'warnings') > 0 THEN
		INSERT INTO sla_warnings (tenant_id, ticket_id, clock, cycle, threshold, due_at)
		SELECT tk.tenant_id, tk.id, w.clock, w.cycle, w.threshold, to_timestamp(w.due)
		FROM jsonb_to_recordset(p->'warnings') AS w (clock text, cycle integer,
			threshold integer, due bigint);
	END IF;
	IF jsonb_array_length(p->'regulatory') > 0 THEN
		INSERT INTO regulatory_reports (tenant_id, ticket_id, kind, aware_at, deadline)
		SELECT tk.tenant_id, tk.id, r.kind, to_timestamp(r.aware), to_timestamp(r.deadline)
		FROM jsonb_to_recordset(p->'regulatory') AS r (kind text, aware bigint,
			deadline bigint);
	END IF;
	RETURN 1;
END
$$;
REVOKE ALL ON FUNCTION sdesk_sla_first(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_sla_first(jsonb) TO sdesk_app;
