-- 009_ticket_doc.sql: a ticket keeps its API document (doc) and its list
-- entry (summary) in its own row.  Reading a ticket was a ten-way join (four
-- person cards, tenant, queue, department, cost centre, service, order),
-- and starting that plan cost more than everything else a read does.  Now
-- the join runs when the ticket is written, and when something it shows
-- changes name (a person, a department, a service...).
--
-- The cards on a ticket are shown to whoever may read the ticket: the
-- requester, who registered it, who works and who resolved it.  (The
-- person_cards view, which hid a card outside the caller's municipalities
-- unless the person is staff, still serves everything else.)

ALTER TABLE tickets ADD COLUMN doc json, ADD COLUMN summary json;

-- Builds NEW.doc and NEW.summary.  As the owner, so that every name is
-- found whoever writes; in UTC, so that the times read the same whichever
-- session writes (the daemon's sessions are UTC).
CREATE FUNCTION tickets_doc() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
	tcode text;
	qline smallint;
	cards json; -- {"<person id>": card} for everyone the ticket names
	dep json;
	cc json;
	sv json;
	onum text;
BEGIN
	SELECT tn.code, q.line,
		(SELECT json_object_agg(p.id, json_build_object('id', p.id, 'name', p.display_name,
			'login', p.login, 'tenant', x.code, 'vip', EXISTS (SELECT 1 FROM vip_people v
				WHERE v.person_id = p.id)))
			FROM people p JOIN tenants x ON x.id = p.tenant_id
			WHERE p.id IN (NEW.requester_id, NEW.registered_by, NEW.assignee_id,
				NEW.resolved_by)),
		(SELECT json_build_object('code', d.code, 'name', d.name) FROM departments d
			WHERE d.id = NEW.department_id),
		(SELECT json_build_object('code', c.code, 'name', c.name) FROM cost_centres c
			WHERE c.id = NEW.cost_centre_id),
		(SELECT json_build_object('code', s.code, 'name', s.name_sv, 'name_en', s.name_en)
			FROM services s WHERE s.id = NEW.service_id),
		(SELECT o.number FROM orders o WHERE o.id = NEW.order_id)
	INTO tcode, qline, cards, dep, cc, sv, onum
	FROM tenants tn, queues q WHERE tn.id = NEW.tenant_id AND q.code = NEW.queue;

	NEW.doc := json_build_object('number', NEW.number, 'tenant', tcode, 'type', NEW.type,
		'personal_data_breach', NEW.personal_data_breach, 'subject', NEW.subject,
		'description', NEW.description, 'status', NEW.status, 'priority', NEW.priority,
		'impact', NEW.impact, 'urgency', NEW.urgency, 'vip', NEW.vip,
		'classification', NEW.classification, 'channel', NEW.channel,
		'category', NEW.category, 'queue', NEW.queue, 'line', qline,
		'escalated', NEW.escalated, 'requester', cards -> NEW.requester_id::text,
		'registered_by', cards -> NEW.registered_by::text,
		'assignee', cards -> NEW.assignee_id::text,
		'department', dep, 'cost_centre', cc,
		'resolution', CASE WHEN NEW.resolution_code IS NULL THEN NULL ELSE
			json_build_object('code', NEW.resolution_code, 'text', NEW.resolution_text,
			'first_contact', NEW.first_contact_resolution,
			'by', cards -> NEW.resolved_by::text) END,
		'service', sv, 'order', onum,
		'reopen_count', NEW.reopen_count, 'version', NEW.version,
		'created_at', NEW.created_at, 'updated_at', NEW.updated_at,
		'first_response_at', NEW.first_response_at, 'resolved_at', NEW.resolved_at,
		'closed_at', NEW.closed_at);
	NEW.summary := json_build_object('number', NEW.number, 'tenant', tcode,
		'type', NEW.type, 'subject', NEW.subject, 'status', NEW.status,
		'priority', NEW.priority, 'vip', NEW.vip, 'classification', NEW.classification,
		'channel', NEW.channel, 'queue', NEW.queue,
		'requester', cards -> NEW.requester_id::text,
		'assignee', cards -> NEW.assignee_id::text,
		'created_at', NEW.created_at, 'updated_at', NEW.updated_at);
	RETURN NEW;
END
$$;

-- Every column the document shows, and doc itself (SET doc = NULL asks for
-- it again).  The search vector and the SLA's nearest deadline are not
-- shown, so writing them costs nothing here.
CREATE TRIGGER tickets_doc BEFORE INSERT OR UPDATE OF tenant_id, number, type,
	personal_data_breach, requester_id, registered_by, channel, department_id,
	cost_centre_id, category, subject, description, impact, urgency, priority, vip,
	classification, status, queue, assignee_id, escalated, resolution_code,
	resolution_text, first_contact_resolution, resolved_by, reopen_count, created_at,
	updated_at, first_response_at, resolved_at, closed_at, version, service_id, order_id,
	doc ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_doc();

-- Finding the tickets that show a person, when the person is renamed.
CREATE INDEX tickets_registered_by ON tickets (registered_by) WHERE registered_by IS NOT NULL;
CREATE INDEX tickets_assignee ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_resolved_by ON tickets (resolved_by) WHERE resolved_by IS NOT NULL;
CREATE INDEX tickets_department ON tickets (department_id) WHERE department_id IS NOT NULL;
CREATE INDEX tickets_cost_centre ON tickets (cost_centre_id) WHERE cost_centre_id IS NOT NULL;
CREATE INDEX tickets_service ON tickets (service_id) WHERE service_id IS NOT NULL;

-- What a ticket shows of others changed: its documents are made again.
-- The ticket itself (version, updated_at) is not changed.
CREATE FUNCTION tickets_doc_refresh() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
	CASE TG_TABLE_NAME
	WHEN 'people' THEN
		UPDATE tickets SET doc = NULL WHERE requester_id = r.id OR registered_by = r.id
			OR assignee_id = r.id OR resolved_by = r.id;
	WHEN 'vip_people' THEN
		UPDATE tickets SET doc = NULL WHERE requester_id = r.person_id
			OR registered_by = r.person_id OR assignee_id = r.person_id
			OR resolved_by = r.person_id;
	WHEN 'departments' THEN
		UPDATE tickets SET doc = NULL WHERE department_id = r.id;
	WHEN 'cost_centres' THEN
		UPDATE tickets SET doc = NULL WHERE cost_centre_id = r.id;
	WHEN 'services' THEN
		UPDATE tickets SET doc = NULL WHERE service_id = r.id;
	WHEN 'queues' THEN
		UPDATE tickets SET doc = NULL WHERE queue = r.code;
	WHEN 'tenants' THEN
		-- A municipality's code is on its tickets and on its people's cards.
		UPDATE tickets t SET doc = NULL WHERE t.tenant_id = r.id OR EXISTS (SELECT 1
			FROM people p WHERE p.tenant_id = r.id AND p.id IN (t.requester_id,
				t.registered_by, t.assignee_id, t.resolved_by));
	END CASE;
	RETURN NULL;
END
$$;

CREATE TRIGGER tickets_doc_people AFTER UPDATE OF display_name, login, tenant_id ON people
	FOR EACH ROW WHEN ((OLD.display_name, OLD.login, OLD.tenant_id)
		IS DISTINCT FROM (NEW.display_name, NEW.login, NEW.tenant_id))
	EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_vip AFTER INSERT OR DELETE ON vip_people
	FOR EACH ROW EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_departments AFTER UPDATE OF code, name ON departments
	FOR EACH ROW WHEN ((OLD.code, OLD.name) IS DISTINCT FROM (NEW.code, NEW.name))
	EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_cost_centres AFTER UPDATE OF code, name ON cost_centres
	FOR EACH ROW WHEN ((OLD.code, OLD.name) IS DISTINCT FROM (NEW.code, NEW.name))
	EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_services AFTER UPDATE OF code, name_sv, name_en ON services
	FOR EACH ROW WHEN ((OLD.code, OLD.name_sv, OLD.name_en)
		IS DISTINCT FROM (NEW.code, NEW.name_sv, NEW.name_en))
	EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_queues AFTER UPDATE OF line ON queues
	FOR EACH ROW WHEN (OLD.line IS DISTINCT FROM NEW.line)
	EXECUTE FUNCTION tickets_doc_refresh();
CREATE TRIGGER tickets_doc_tenants AFTER UPDATE OF code ON tenants
	FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
	EXECUTE FUNCTION tickets_doc_refresh();

-- The tickets there are.
UPDATE tickets SET doc = NULL;
ALTER TABLE tickets ALTER COLUMN doc SET NOT NULL, ALTER COLUMN summary SET NOT NULL;

-- The view keeps its shape (t.* now carries doc and summary); it reads one
-- table.
DROP VIEW ticket_cards;
CREATE VIEW ticket_cards WITH (security_invoker = true) AS SELECT t.* FROM tickets t;
GRANT SELECT ON ticket_cards TO sdesk_app;
