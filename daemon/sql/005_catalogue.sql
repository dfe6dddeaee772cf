-- 005_catalogue.sql: the service catalogue (tjänstekatalog), orders
-- (avrop) with approvals, and the subscriptions that resolving an order
-- starts, the consumption that chargeback will bill.
--
-- The catalogue comes from a file (sdeskctl catalogue import); every import
-- is a new catalogue version, and each service keeps every definition it
-- has had.  Prices are rows valid from a date: a new price never rewrites
-- an earlier month.  An order keeps what it was ordered with (the service
-- version, the form answers and the prices of that day).

CREATE TABLE catalogue_versions (
	version integer PRIMARY KEY,
	imported_at timestamptz NOT NULL DEFAULT now(),
	imported_by text NOT NULL,
	digest text NOT NULL,
	services integer NOT NULL
);

CREATE TABLE service_areas (
	code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,47}$'),
	name_sv text NOT NULL,
	name_en text NOT NULL DEFAULT '',
	position integer NOT NULL,
	active boolean NOT NULL DEFAULT true
);

CREATE TABLE services (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,47}$'),
	area text NOT NULL REFERENCES service_areas (code),
	name_sv text NOT NULL,
	name_en text NOT NULL DEFAULT '',
	description_sv text NOT NULL DEFAULT '',
	description_en text NOT NULL DEFAULT '',
	queue text NOT NULL REFERENCES queues (code),
	maturity smallint NOT NULL CHECK (maturity BETWEEN 0 AND 4),
	charging text NOT NULL CHECK (charging IN ('consumption', 'basit')),
	unit text NOT NULL CHECK (unit IN ('device', 'account', 'system', 'order', 'hour', 'year')),
	order_rule text NOT NULL CHECK (order_rule IN ('anyone', 'manager')),
	approvals text[] NOT NULL DEFAULT '{}',
	addon boolean NOT NULL DEFAULT false,
	-- Its own SLA for requests ({calendar, response_minutes,
	-- resolution_minutes}), or NULL for the general policy.
	sla jsonb,
	form jsonb NOT NULL DEFAULT '[]',
	subtasks jsonb NOT NULL DEFAULT '[]',
	active boolean NOT NULL DEFAULT true,
	version integer NOT NULL REFERENCES catalogue_versions (version),
	changed_at timestamptz NOT NULL DEFAULT now()
);

-- Every definition a service has had, as the file described it.
CREATE TABLE service_history (
	service_id bigint NOT NULL REFERENCES services (id),
	version integer NOT NULL REFERENCES catalogue_versions (version),
	definition jsonb NOT NULL,
	PRIMARY KEY (service_id, version)
);

-- Which tenants offer a service, to which roles and departments.
CREATE TABLE service_offerings (
	service_id bigint NOT NULL REFERENCES services (id),
	tenant_id integer NOT NULL REFERENCES tenants (id),
	roles text[] NOT NULL DEFAULT '{}',
	departments text[] NOT NULL DEFAULT '{}',
	PRIMARY KEY (service_id, tenant_id)
);

CREATE TABLE service_prices (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	service_id bigint NOT NULL REFERENCES services (id),
	tenant_id integer REFERENCES tenants (id),
	kind text NOT NULL CHECK (kind IN ('monthly', 'one_time', 'hourly', 'yearly')),
	amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
	valid_from date NOT NULL
);
CREATE UNIQUE INDEX service_prices_unique ON service_prices (service_id,
	coalesce(tenant_id, 0), kind, valid_from);

-- Today in Sweden: the day prices and subscriptions are reckoned by.
CREATE FUNCTION sdesk_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date
$$;

-- The price of a kind in force for a tenant on a day: its own list first.
CREATE FUNCTION sdesk_price_on(p_service bigint, p_kind text, p_tenant integer, p_day date)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT amount_ore FROM service_prices
	WHERE service_id = p_service AND kind = p_kind AND valid_from <= p_day
		AND (tenant_id = p_tenant OR tenant_id IS NULL)
	ORDER BY tenant_id IS NULL, valid_from DESC LIMIT 1
$$;

ALTER TABLE tickets ADD COLUMN service_id bigint REFERENCES services (id);

CREATE TABLE orders (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	number text NOT NULL UNIQUE CHECK (number ~ '^[A-Z]{3}-B[0-9]{4}-[0-9]{6,}$'),
	service_id bigint NOT NULL REFERENCES services (id),
	service_version integer NOT NULL,
	ordered_by bigint NOT NULL,
	cost_centre_id bigint NOT NULL,
	quantity integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 1000),
	answers jsonb NOT NULL DEFAULT '{}',
	monthly_ore bigint,
	one_time_ore bigint,
	approvals_needed text[] NOT NULL DEFAULT '{}',
	status text NOT NULL CHECK (status IN ('pending_approval', 'rejected', 'in_fulfilment',
		'delivered', 'cancelled')),
	ticket_id bigint REFERENCES tickets (id),
	ticket_number text,
	summary text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now(),
	decided_at timestamptz,
	delivered_at timestamptz,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, ordered_by) REFERENCES people (tenant_id, id),
	FOREIGN KEY (tenant_id, cost_centre_id) REFERENCES cost_centres (tenant_id, id)
);
CREATE INDEX orders_ordered_by ON orders (ordered_by, created_at DESC);
CREATE INDEX orders_pending ON orders (tenant_id, cost_centre_id) WHERE status = 'pending_approval';
ALTER TABLE tickets ADD COLUMN order_id bigint REFERENCES orders (id);
CREATE INDEX tickets_order ON tickets (order_id) WHERE order_id IS NOT NULL;

-- Whether a person is the manager of a cost centre: a manager grant naming
-- it, or a manager grant naming none for the manager's own cost centre.
CREATE FUNCTION sdesk_manages(p_person bigint, p_cost_centre bigint) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT EXISTS (SELECT 1 FROM role_grants g JOIN people p ON p.id = g.person_id
		JOIN cost_centres c ON c.id = p_cost_centre
		WHERE g.person_id = p_person AND g.role = 'manager' AND p.active
		AND (g.scope_tenant_id IS NULL OR g.scope_tenant_id = c.tenant_id)
		AND (g.cost_centre_id = p_cost_centre
			OR (g.cost_centre_id IS NULL AND p.cost_centre_id = p_cost_centre)))
$$;

CREATE TABLE order_approvals (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	order_id bigint NOT NULL,
	step text NOT NULL CHECK (step IN ('manager', 'architect')),
	decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
	reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
	decided_by bigint NOT NULL REFERENCES people (id),
	decided_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
	UNIQUE (order_id, step)
);

-- What a cost centre consumes from a day on: the record chargeback bills.
CREATE TABLE subscriptions (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	cost_centre_id bigint NOT NULL,
	service_id bigint NOT NULL REFERENCES services (id),
	order_id bigint REFERENCES orders (id),
	quantity integer NOT NULL CHECK (quantity > 0),
	monthly_ore_at_start bigint NOT NULL,
	start_date date NOT NULL,
	end_date date,
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, cost_centre_id) REFERENCES cost_centres (tenant_id, id),
	CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX subscriptions_cost_centre ON subscriptions (tenant_id, cost_centre_id);
CREATE UNIQUE INDEX subscriptions_order ON subscriptions (order_id) WHERE order_id IS NOT NULL;

-- A one-time fee an order's delivery charges the cost centre (bought
-- equipment, an installation): the price quoted when it was ordered.
CREATE TABLE one_time_charges (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	cost_centre_id bigint NOT NULL,
	service_id bigint NOT NULL REFERENCES services (id),
	order_id bigint NOT NULL UNIQUE REFERENCES orders (id),
	quantity integer NOT NULL CHECK (quantity > 0),
	amount_ore bigint NOT NULL CHECK (amount_ore >= 0),
	charged_on date NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, cost_centre_id) REFERENCES cost_centres (tenant_id, id)
);
CREATE INDEX one_time_charges_cost_centre ON one_time_charges (tenant_id, cost_centre_id,
	charged_on);

-- A ticket shows the service it is about and the order it fulfils.
DROP VIEW ticket_cards;
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
		'service', CASE WHEN sv.id IS NULL THEN NULL ELSE json_build_object('code', sv.code,
			'name', sv.name_sv, 'name_en', sv.name_en) END,
		'order', od.number,
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
LEFT JOIN cost_centres c ON c.id = t.cost_centre_id
LEFT JOIN services sv ON sv.id = t.service_id
LEFT JOIN orders od ON od.id = t.order_id;

GRANT SELECT ON ticket_cards TO sdesk_app;

-- An order as the API shows it.  Runs with the caller's rights.  Each
-- approval step the service asked for appears with where it stands.
CREATE VIEW order_cards WITH (security_invoker = true) AS
SELECT o.*, json_build_object('number', o.number, 'tenant', tn.code, 'status', o.status,
		'service', json_build_object('code', s.code, 'name', s.name_sv, 'name_en', s.name_en,
			'version', o.service_version, 'withdrawn', NOT s.active),
		'ordered_by', ob.card,
		'cost_centre', json_build_object('code', c.code, 'name', c.name),
		'quantity', o.quantity, 'answers', o.answers,
		'price', json_build_object('monthly_ore', o.monthly_ore,
			'one_time_ore', o.one_time_ore),
		'approvals', (SELECT coalesce(json_agg(json_build_object('step', st.step,
			'status', coalesce(a.decision, CASE WHEN o.status = 'pending_approval'
				THEN 'pending' ELSE 'not_needed' END),
			'by', ab.card, 'reason', a.reason, 'decided_at', a.decided_at)
			ORDER BY st.n), '[]')
			FROM unnest(o.approvals_needed) WITH ORDINALITY AS st (step, n)
			LEFT JOIN order_approvals a ON a.order_id = o.id AND a.step = st.step
			LEFT JOIN person_cards ab ON ab.id = a.decided_by),
		'ticket', o.ticket_number,
		'subscription', (SELECT json_build_object('start_date', b.start_date,
			'monthly_ore', b.monthly_ore_at_start, 'quantity', b.quantity,
			'end_date', b.end_date) FROM subscriptions b WHERE b.order_id = o.id),
		'charge', (SELECT json_build_object('amount_ore', h.amount_ore, 'quantity',
			h.quantity, 'charged_on', h.charged_on) FROM one_time_charges h
			WHERE h.order_id = o.id),
		'created_at', o.created_at, 'decided_at', o.decided_at,
		'delivered_at', o.delivered_at) AS doc
FROM orders o
JOIN tenants tn ON tn.id = o.tenant_id
JOIN services s ON s.id = o.service_id
JOIN cost_centres c ON c.id = o.cost_centre_id
LEFT JOIN person_cards ob ON ob.id = o.ordered_by;
GRANT SELECT ON order_cards TO sdesk_app;

-- Order numbers per tenant and year: BEN-B2026-000012 ("B" for beställning).
CREATE FUNCTION sdesk_order_number(p_tenant integer, p_year integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	seq text := format('order_number_%s_%s', p_tenant, p_year);
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
REVOKE ALL ON FUNCTION sdesk_order_number(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_order_number(integer, integer) TO sdesk_app;

-- The catalogue itself is the appliance's: everyone reads it (what a person
-- may see and order is decided per request), only imports change it.
ALTER TABLE catalogue_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE services ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_offerings ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_prices ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE one_time_charges ENABLE ROW LEVEL SECURITY;

CREATE POLICY read_all ON catalogue_versions FOR SELECT USING (true);
CREATE POLICY read_all ON service_areas FOR SELECT USING (true);
CREATE POLICY read_all ON services FOR SELECT USING (true);
CREATE POLICY read_all ON service_history FOR SELECT USING (true);
CREATE POLICY tenant_isolation ON service_offerings FOR SELECT
	USING (tenant_id = ANY (sdesk_tenants()) OR sdesk_has_perm('catalogue.browse_all'));
CREATE POLICY tenant_isolation ON service_prices FOR SELECT USING (tenant_id IS NULL
	OR tenant_id = ANY (sdesk_tenants()) OR sdesk_has_perm('catalogue.browse_all'));

-- Orders: the one who ordered, the manager of its cost centre, architects,
-- staff and report readers of the tenant.
CREATE POLICY order_read ON orders FOR SELECT USING (tenant_id = ANY (sdesk_tenants()) AND (
	ordered_by = sdesk_user_id() OR sdesk_has_perm('order.approve_architect', tenant_id)
	OR sdesk_has_perm('ticket.read', tenant_id) OR sdesk_has_perm('report.read', tenant_id)
	OR (sdesk_has_perm('order.approve', tenant_id)
		AND sdesk_manages(sdesk_user_id(), cost_centre_id))));
CREATE POLICY order_write ON orders FOR INSERT WITH CHECK (tenant_id = ANY (sdesk_tenants())
	AND ordered_by = sdesk_user_id());
CREATE POLICY order_update ON orders FOR UPDATE USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON order_approvals USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON subscriptions USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON one_time_charges USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));

GRANT SELECT ON catalogue_versions, service_areas, services, service_history,
	service_offerings, service_prices TO sdesk_app;
GRANT SELECT, INSERT, UPDATE ON orders, subscriptions TO sdesk_app;
GRANT SELECT, INSERT ON one_time_charges TO sdesk_app;
GRANT SELECT, INSERT ON order_approvals TO sdesk_app;
