-- 006_web.sql: what the web pages add.  Requesters rate the help they got
-- (1-5 and a comment) once their ticket is resolved; satisfaction is
-- measured for every ticket.  And the ticket figures of the chief's
-- dashboard per municipality and month.

-- One rating per ticket, by its requester; changed until the ticket closes
-- (api/ratings.c decides when).
CREATE TABLE ticket_ratings (
	ticket_id bigint PRIMARY KEY,
	tenant_id integer NOT NULL,
	person_id bigint NOT NULL REFERENCES people (id),
	score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
	comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_ratings_tenant_updated ON ticket_ratings (tenant_id, updated_at);

-- Read with the ticket: whoever sees the ticket sees its rating.  Written
-- only by the ticket's requester, as themselves.
ALTER TABLE ticket_ratings ENABLE ROW LEVEL SECURITY;
CREATE POLICY rating_read ON ticket_ratings FOR SELECT USING (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id));
CREATE POLICY rating_insert ON ticket_ratings FOR INSERT WITH CHECK (person_id = sdesk_user_id()
	AND EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_id
		AND t.tenant_id = ticket_ratings.tenant_id AND t.requester_id = sdesk_user_id()));
CREATE POLICY rating_update ON ticket_ratings FOR UPDATE USING (person_id = sdesk_user_id())
	WITH CHECK (person_id = sdesk_user_id());
GRANT SELECT, INSERT, UPDATE ON ticket_ratings TO sdesk_app;

-- Ticket figures per municipality and month (Europe/Stockholm) for those
-- allowed to read reports there.  A chief reads no ticket itself, so this
-- runs with its owner's rights: the one deliberate window, and it gives
-- counts only, only for tenants where the caller holds report.read.
--   created        tickets filed in the month
--   resolved       tickets whose (latest) resolution falls in the month
--   backlog        open at the end of the month (filed before, not resolved)
--   fcr, fcr_of    first-contact resolutions among the resolved that count
--   ratings, score_sum   ratings given (or last changed) in the month
CREATE FUNCTION sdesk_report_tickets(p_from date, p_to date)
RETURNS TABLE (tenant text, month text, created bigint, resolved bigint, backlog bigint,
	fcr bigint, fcr_of bigint, ratings bigint, score_sum bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	WITH tn AS (SELECT t.id, t.code FROM tenants t WHERE t.id = ANY (sdesk_tenants())
		AND sdesk_has_perm('report.read', t.id)),
	mo AS (SELECT tn.id, tn.code, d AS month FROM tn, generate_series(
		date_trunc('month', p_from::timestamp), date_trunc('month', p_to::timestamp),
		interval '1 month') d),
	c AS (SELECT x.tenant_id, date_trunc('month', x.created_at AT TIME ZONE
		'Europe/Stockholm') AS month, count(*) AS n FROM tickets x
		WHERE x.tenant_id IN (SELECT id FROM tn) GROUP BY 1, 2),
	r AS (SELECT x.tenant_id, date_trunc('month', x.resolved_at AT TIME ZONE
		'Europe/Stockholm') AS month, count(*) AS n,
		count(*) FILTER (WHERE x.first_contact_resolution) AS fcr,
		count(x.first_contact_resolution) AS fcr_of FROM tickets x
		WHERE x.tenant_id IN (SELECT id FROM tn) AND x.resolved_at IS NOT NULL
		GROUP BY 1, 2),
	s AS (SELECT x.tenant_id, date_trunc('month', x.updated_at AT TIME ZONE
		'Europe/Stockholm') AS month, count(*) AS n, sum(x.score) AS total
		FROM ticket_ratings x WHERE x.tenant_id IN (SELECT id FROM tn) GROUP BY 1, 2)
	SELECT mo.code, to_char(mo.month, 'YYYY-MM'), coalesce(c.n, 0), coalesce(r.n, 0),
		coalesce((SELECT sum(c2.n) FROM c c2 WHERE c2.tenant_id = mo.id
			AND c2.month <= mo.month), 0)::bigint
		- coalesce((SELECT sum(r2.n) FROM r r2 WHERE r2.tenant_id = mo.id
			AND r2.month <= mo.month), 0)::bigint,
		coalesce(r.fcr, 0), coalesce(r.fcr_of, 0), coalesce(s.n, 0),
		coalesce(s.total, 0)::bigint
	FROM mo
	LEFT JOIN c ON c.tenant_id = mo.id AND c.month = mo.month
	LEFT JOIN r ON r.tenant_id = mo.id AND r.month = mo.month
	LEFT JOIN s ON s.tenant_id = mo.id AND s.month = mo.month
	ORDER BY mo.code, mo.month
$$;
REVOKE ALL ON FUNCTION sdesk_report_tickets(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_report_tickets(date, date) TO sdesk_app;
