-- 003_tickets.sql: tickets (ärenden) for all four municipalities: one way
-- in, case numbers per tenant and year, queues of the shared IT staff,
-- public replies and internal notes, attachments, links, and a history of
-- every change.
--
-- Visibility lives in the policies: a requester sees their own tickets,
-- staff see the tickets of the tenants they serve, and confidential and
-- secret tickets narrow that further (see ticket_read below).

-- The support lines and teams of the host's IT organisation.  Not owned by
-- a tenant: the same queues serve all four municipalities.
CREATE TABLE queues (
	code text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,32}$'),
	line smallint NOT NULL CHECK (line BETWEEN 1 AND 3),
	team text CHECK (team IN ('network', 'identity', 'business_systems', 'telephony')),
	name_sv text NOT NULL,
	name_en text NOT NULL,
	position smallint NOT NULL
);
INSERT INTO queues (code, line, team, name_sv, name_en, position) VALUES
	('first_line', 1, NULL, 'Första linjen (servicedesk)', 'First line (service desk)', 1),
	('network', 2, 'network', 'Nätverk', 'Network', 2),
	('identity', 2, 'identity', 'Identitet och behörighet', 'Identity and access', 3),
	('business_systems', 2, 'business_systems', 'Verksamhetssystem', 'Business systems', 4),
	('telephony', 2, 'telephony', 'Telefoni', 'Telephony', 5),
	('third_line', 3, NULL, 'Tredje linjen (specialister)', 'Third line (specialists)', 6);

-- Free categories until the service catalogue takes over; each routes to
-- a queue.
CREATE TABLE categories (
	code text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
	name_sv text NOT NULL,
	name_en text NOT NULL,
	queue text NOT NULL REFERENCES queues (code),
	active boolean NOT NULL DEFAULT true
);
INSERT INTO categories (code, name_sv, name_en, queue) VALUES
	('computer', 'Dator och skrivare', 'Computer and printer', 'first_line'),
	('account', 'Konto, lösenord och behörighet', 'Account, password and access', 'first_line'),
	('email', 'E-post och Microsoft 365', 'E-mail and Microsoft 365', 'first_line'),
	('phone', 'Telefon och mobil', 'Phone and mobile', 'first_line'),
	('network', 'Nätverk och wifi', 'Network and Wi-Fi', 'first_line'),
	('business_system', 'Verksamhetssystem', 'Business system', 'first_line'),
	('other', 'Övrigt', 'Other', 'first_line');

-- Impact × urgency → priority (1 = highest).  Changed by administrators.
CREATE TABLE priority_matrix (
	impact smallint NOT NULL CHECK (impact BETWEEN 1 AND 3),
	urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
	priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
	PRIMARY KEY (impact, urgency)
);
INSERT INTO priority_matrix (impact, urgency, priority) VALUES
	(1, 1, 1), (1, 2, 2), (1, 3, 3),
	(2, 1, 2), (2, 2, 3), (2, 3, 4),
	(3, 1, 3), (3, 2, 4), (3, 3, 4);

-- The common VIP list of the four municipalities: a VIP's ticket is raised
-- one priority step.
CREATE TABLE vip_people (
	person_id bigint PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
	added_by bigint REFERENCES people (id),
	added_at timestamptz NOT NULL DEFAULT now()
);

-- Case numbers: one sequence per tenant and year, made when the year's
-- first ticket is filed.  A sequence hands out numbers without holding a
-- lock until commit, so creates of one municipality never queue behind
-- each other; a number is never handed out twice (a rolled-back create
-- leaves a gap, which is allowed).
CREATE FUNCTION sdesk_case_number(p_tenant integer, p_year integer) RETURNS bigint
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
		EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
		RETURN nextval(seq);
	END;
END
$$;
REVOKE ALL ON FUNCTION sdesk_case_number(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_case_number(integer, integer) TO sdesk_app;

CREATE TABLE tickets (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	number text NOT NULL UNIQUE CHECK (number ~ '^[A-Z]{3}-[0-9]{4}-[0-9]{6,}$'),
	type text NOT NULL CHECK (type IN ('incident', 'request', 'question', 'security_incident')),
	personal_data_breach boolean NOT NULL DEFAULT false,
	requester_id bigint NOT NULL,
	registered_by bigint REFERENCES people (id),
	channel text NOT NULL CHECK (channel IN ('portal', 'email', 'phone', 'chat', 'visit', 'api')),
	department_id bigint,
	cost_centre_id bigint,
	category text REFERENCES categories (code),
	subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
	description text NOT NULL CHECK (length(description) <= 20000),
	impact smallint NOT NULL CHECK (impact BETWEEN 1 AND 3),
	urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
	priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
	vip boolean NOT NULL DEFAULT false,
	classification text NOT NULL DEFAULT 'internal'
		CHECK (classification IN ('open', 'internal', 'confidential', 'secret')),
	status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'in_progress',
		'waiting_requester', 'waiting_supplier', 'resolved', 'closed')),
	queue text NOT NULL REFERENCES queues (code),
	assignee_id bigint REFERENCES people (id),
	escalated boolean NOT NULL DEFAULT false,
	resolution_code text CHECK (resolution_code IN ('solved', 'workaround', 'no_fault_found',
		'duplicate', 'cancelled', 'referred')),
	resolution_text text CHECK (length(resolution_text) <= 5000),
	first_contact_resolution boolean,
	resolved_by bigint REFERENCES people (id),
	reopen_count integer NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	first_response_at timestamptz,
	resolved_at timestamptz,
	closed_at timestamptz,
	version integer NOT NULL DEFAULT 1,
	search tsvector NOT NULL DEFAULT ''::tsvector,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, requester_id) REFERENCES people (tenant_id, id),
	FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
	FOREIGN KEY (tenant_id, cost_centre_id) REFERENCES cost_centres (tenant_id, id),
	CHECK (type = 'security_incident' OR NOT personal_data_breach),
	CHECK ((status IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)),
	CHECK (status NOT IN ('resolved', 'closed') OR (resolution_code IS NOT NULL
		AND length(resolution_text) > 0))
);
-- Queue views: open tickets of a queue, most urgent first.
CREATE INDEX tickets_queue_open ON tickets (queue, priority, created_at, id)
	WHERE status NOT IN ('resolved', 'closed');
-- Search results and lists, newest first.
CREATE INDEX tickets_created ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_assignee_open ON tickets (assignee_id, priority, created_at)
	WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_requester ON tickets (requester_id, created_at DESC);
CREATE INDEX tickets_tenant_created ON tickets (tenant_id, created_at DESC, id DESC);
CREATE INDEX tickets_search ON tickets USING gin (search);

-- Subject and description are searchable (Swedish stemming); public replies
-- are added as they come (ticket_entries_search).
CREATE FUNCTION tickets_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.subject IS DISTINCT FROM OLD.subject
		OR NEW.description IS DISTINCT FROM OLD.description THEN
		NEW.search := setweight(to_tsvector('swedish', NEW.subject), 'A')
			|| setweight(to_tsvector('swedish', NEW.description), 'B');
		IF TG_OP = 'UPDATE' THEN
			NEW.search := NEW.search || coalesce((SELECT to_tsvector('swedish',
				string_agg(e.body, ' ')) FROM ticket_entries e
				WHERE e.ticket_id = NEW.id AND e.kind = 'reply'), ''::tsvector);
		END IF;
	END IF;
	RETURN NEW;
END
$$;

CREATE TABLE ticket_entries (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	author_id bigint REFERENCES people (id),
	kind text NOT NULL CHECK (kind IN ('reply', 'note')),
	body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
	minutes integer NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 1440),
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_entries_ticket ON ticket_entries (ticket_id, id);

CREATE TRIGGER tickets_search BEFORE INSERT OR UPDATE ON tickets
	FOR EACH ROW EXECUTE FUNCTION tickets_search();

CREATE FUNCTION ticket_entries_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.kind = 'reply' THEN
		UPDATE tickets SET search = search || to_tsvector('swedish', NEW.body)
			WHERE id = NEW.ticket_id;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER ticket_entries_search AFTER INSERT ON ticket_entries
	FOR EACH ROW EXECUTE FUNCTION ticket_entries_search();

-- Attachment contents, stored once per tenant and content hash.
CREATE TABLE attachment_blobs (
	tenant_id integer NOT NULL REFERENCES tenants (id),
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	size integer NOT NULL CHECK (size >= 0),
	data bytea NOT NULL,
	PRIMARY KEY (tenant_id, sha256)
);

CREATE TABLE ticket_attachments (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	uploaded_by bigint REFERENCES people (id),
	filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
	content_type text NOT NULL,
	size integer NOT NULL,
	sha256 text NOT NULL,
	internal boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
	FOREIGN KEY (tenant_id, sha256) REFERENCES attachment_blobs (tenant_id, sha256)
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);

CREATE TABLE ticket_links (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	other_id bigint NOT NULL REFERENCES tickets (id),
	kind text NOT NULL CHECK (kind IN ('parent_of', 'child_of', 'duplicate_of', 'caused_by')),
	created_by bigint REFERENCES people (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
	UNIQUE (ticket_id, other_id, kind),
	CHECK (ticket_id <> other_id)
);

-- Every change of a ticket.  public: the requester sees it too.
CREATE TABLE ticket_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	ticket_id bigint NOT NULL,
	at timestamptz NOT NULL DEFAULT now(),
	actor_id bigint REFERENCES people (id),
	kind text NOT NULL,
	public boolean NOT NULL,
	data jsonb NOT NULL DEFAULT '{}',
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- A retried create with the same Idempotency-Key returns the first ticket.
CREATE TABLE idempotency_keys (
	actor text NOT NULL,
	key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
	tenant_id integer NOT NULL REFERENCES tenants (id),
	request_hash text NOT NULL,
	ticket_id bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (actor, key),
	FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);

-- Who may read a ticket.  Open and internal tickets: the requester and
-- staff of the tenant.  Confidential: also narrowed to the assignee, the
-- registering technician, members of the ticket's queue and those allowed
-- to read confidential tickets.  Secret: requester, assignee and those
-- allowed to read secret tickets.
CREATE FUNCTION sdesk_ticket_visible(t_tenant integer, t_requester bigint, t_registered bigint,
	t_assignee bigint, t_queue text, t_class text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT t_tenant = ANY (sdesk_tenants()) AND (
		t_requester = sdesk_user_id()
		OR (sdesk_has_perm('ticket.read', t_tenant) AND (
			t_class IN ('open', 'internal')
			OR t_assignee = sdesk_user_id()
			OR sdesk_has_perm('ticket.read_secret', t_tenant)
			OR (t_class = 'confidential' AND (t_registered = sdesk_user_id()
				OR sdesk_has_perm('ticket.read_confidential', t_tenant)
				OR sdesk_has_perm('queue.' || t_queue))))))
$$;

-- Reference tables of the whole appliance: everyone reads them; only
-- administrators change the priority matrix.
ALTER TABLE queues ENABLE ROW LEVEL SECURITY;
ALTER TABLE categories ENABLE ROW LEVEL SECURITY;
ALTER TABLE priority_matrix ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON queues FOR SELECT USING (true);
CREATE POLICY read_all ON categories FOR SELECT USING (true);
CREATE POLICY read_all ON priority_matrix FOR SELECT USING (true);
CREATE POLICY admin_change ON priority_matrix FOR UPDATE USING (sdesk_has_perm('ticket.admin'))
	WITH CHECK (sdesk_has_perm('ticket.admin'));

ALTER TABLE vip_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachment_blobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON vip_people USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON attachment_blobs USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON idempotency_keys USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));

CREATE POLICY ticket_read ON tickets FOR SELECT USING (sdesk_ticket_visible(tenant_id,
	requester_id, registered_by, assignee_id, queue, classification));
CREATE POLICY ticket_insert ON tickets FOR INSERT WITH CHECK (tenant_id = ANY (sdesk_tenants())
	AND (requester_id = sdesk_user_id() OR sdesk_has_perm('ticket.create_for', tenant_id)));
-- Requesters may only change their own tickets (reopen, close, reply);
-- which columns is the code's business, the tenant is not.
CREATE POLICY ticket_update ON tickets FOR UPDATE USING (sdesk_ticket_visible(tenant_id,
	requester_id, registered_by, assignee_id, queue, classification)
	AND (requester_id = sdesk_user_id() OR sdesk_has_perm('ticket.work', tenant_id)))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));

-- Rows under a ticket follow the ticket's visibility; internal ones
-- (notes, internal attachments, non-public events) only for staff.
CREATE POLICY entry_read ON ticket_entries FOR SELECT USING (EXISTS (SELECT 1 FROM tickets t
	WHERE t.id = ticket_id) AND (kind = 'reply' OR sdesk_has_perm('ticket.read', tenant_id)));
CREATE POLICY entry_insert ON ticket_entries FOR INSERT WITH CHECK (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id) AND (kind = 'reply'
	OR sdesk_has_perm('ticket.work', tenant_id)));
CREATE POLICY attachment_read ON ticket_attachments FOR SELECT USING (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id) AND (NOT internal
	OR sdesk_has_perm('ticket.read', tenant_id)));
CREATE POLICY attachment_insert ON ticket_attachments FOR INSERT WITH CHECK (EXISTS (SELECT 1
	FROM tickets t WHERE t.id = ticket_id));
CREATE POLICY link_read ON ticket_links FOR SELECT USING (EXISTS (SELECT 1 FROM tickets t
	WHERE t.id = ticket_id));
CREATE POLICY link_write ON ticket_links USING (EXISTS (SELECT 1 FROM tickets t
	WHERE t.id = ticket_id) AND sdesk_has_perm('ticket.work', tenant_id))
	WITH CHECK (sdesk_has_perm('ticket.work', tenant_id));
CREATE POLICY event_read ON ticket_events FOR SELECT USING (EXISTS (SELECT 1 FROM tickets t
	WHERE t.id = ticket_id) AND (public OR sdesk_has_perm('ticket.read', tenant_id)));
-- Events are written in the statement that creates the ticket, which cannot
-- see its own new row yet; the tenant check and the foreign key suffice.
CREATE POLICY event_insert ON ticket_events FOR INSERT
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));

-- How a person appears on a ticket: {id, name, login, tenant, vip}.  A
-- requester must see who handles their case although the technician is an
-- Åmål employee, so the cards of the host's IT staff are visible to all;
-- everyone else's only within the tenants the caller sees.  (The view runs
-- with its owner's rights: it is the one deliberate window through the
-- people policy, and shows exactly these fields.)
-- people.staff says whether someone works tickets; role_grants keeps it
-- right, so reading a card costs no subquery.
ALTER TABLE people ADD COLUMN staff boolean NOT NULL DEFAULT false;
CREATE FUNCTION people_staff_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	who bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.person_id ELSE NEW.person_id END;
BEGIN
	UPDATE people SET staff = EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = who
		AND g.role IN ('tech1', 'tech2', 'specialist', 'team_lead'))
	WHERE id = who;
	RETURN NULL;
END
$$;
CREATE TRIGGER people_staff_sync AFTER INSERT OR UPDATE OR DELETE ON role_grants
	FOR EACH ROW EXECUTE FUNCTION people_staff_sync();

CREATE VIEW person_cards AS
SELECT p.id, json_build_object('id', p.id, 'name', p.display_name, 'login', p.login,
	'tenant', t.code, 'vip', v.person_id IS NOT NULL) AS card
FROM people p JOIN tenants t ON t.id = p.tenant_id
LEFT JOIN vip_people v ON v.person_id = p.id
WHERE p.tenant_id = ANY (sdesk_tenants()) OR p.staff;

-- A ticket as the API shows it (doc) and in lists (summary).  Runs with the
-- caller's rights, so the ticket policies apply; one plan, no per-row
-- function calls.
CREATE VIEW ticket_cards WITH (security_invoker = true) AS
SELECT t.*, json_build_object('number', t.number, 'tenant', tn.code, 'type', t.type,
		'personal_data_breach', t.personal_data_breach, 'subject', t.subject,
		'description', t.description, 'status', t.status, 'priority', t.priority,
		'impact', t.impact, 'urgency', t.urgency, 'vip', t.vip,
		'classification', t.classification, 'channel', t.channel, 'category', t.category,
		'queue', t.queue, 'line', q.line, 'escalated', t.escalated,
		'requester', rq.card, 'registered_by', rb.card, 'assignee', asg.card,
		'department', CASE WHEN d.id IS NULL THEN NULL
			ELSE json_build_object('code', d.code, 'name', d.name) END,
		'cost_centre', CASE WHEN c.id IS NULL THEN NULL
			ELSE json_build_object('code', c.code, 'name', c.name) END,
		'resolution', CASE WHEN t.resolution_code IS NULL THEN NULL ELSE
			json_build_object('code', t.resolution_code, 'text', t.resolution_text,
			'first_contact', t.first_contact_resolution, 'by', rs.card) END,
		'reopen_count', t.reopen_count, 'version', t.version,
		'created_at', t.created_at, 'updated_at', t.updated_at,
		'first_response_at', t.first_response_at, 'resolved_at', t.resolved_at,
		'closed_at', t.closed_at) AS doc,
	json_build_object('number', t.number, 'tenant', tn.code, 'type', t.type,
		'subject', t.subject, 'status', t.status, 'priority', t.priority, 'vip', t.vip,
		'classification', t.classification, 'channel', t.channel, 'queue', t.queue,
		'requester', rq.card, 'assignee', asg.card,
		'created_at', t.created_at, 'updated_at', t.updated_at) AS summary
FROM tickets t
JOIN tenants tn ON tn.id = t.tenant_id
JOIN queues q ON q.code = t.queue
LEFT JOIN person_cards rq ON rq.id = t.requester_id
LEFT JOIN person_cards rb ON rb.id = t.registered_by
LEFT JOIN person_cards asg ON asg.id = t.assignee_id
LEFT JOIN person_cards rs ON rs.id = t.resolved_by
LEFT JOIN departments d ON d.id = t.department_id
LEFT JOIN cost_centres c ON c.id = t.cost_centre_id;

GRANT SELECT ON person_cards, ticket_cards TO sdesk_app;

-- A queue's open tickets, most urgent first, one page after a cursor.
-- The ordered index scan stops after the page; the planner, which cannot
-- see through the policies' settings, would otherwise sort every open
-- ticket of the queue.  Runs with the caller's rights.
CREATE FUNCTION sdesk_queue_page(p_queue text, p_tenant integer, p_statuses text[],
	p_priority smallint, p_created timestamptz, p_id bigint, p_limit integer)
RETURNS TABLE (summary json, priority smallint, created_at timestamptz, id bigint)
LANGUAGE plpgsql STABLE SET enable_sort = off AS $$
BEGIN
	RETURN QUERY SELECT (SELECT c.summary FROM ticket_cards c WHERE c.id = x.id), x.priority,
		x.created_at, x.id
	FROM (SELECT t.id, t.priority, t.created_at FROM tickets t
		WHERE t.queue = p_queue AND t.status NOT IN ('resolved', 'closed')
		AND (p_tenant IS NULL OR t.tenant_id = p_tenant)
		AND (p_statuses IS NULL OR t.status = ANY (p_statuses))
		AND (t.priority, t.created_at, t.id) > (p_priority, p_created, p_id)
		ORDER BY t.priority, t.created_at, t.id LIMIT p_limit) x
	ORDER BY x.priority, x.created_at, x.id;
END
$$;
GRANT SELECT ON queues, categories, priority_matrix TO sdesk_app;
GRANT UPDATE ON priority_matrix TO sdesk_app;
GRANT SELECT, INSERT, UPDATE ON tickets TO sdesk_app;
GRANT SELECT, INSERT, DELETE ON vip_people, ticket_links TO sdesk_app;
GRANT UPDATE ON vip_people TO sdesk_app;
GRANT SELECT, INSERT ON ticket_entries, attachment_blobs, ticket_attachments, ticket_events,
	idempotency_keys TO sdesk_app;
