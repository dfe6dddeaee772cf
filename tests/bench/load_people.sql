-- load_people.sql: 250 people in each municipality, the requesters of the
-- tickets load_tickets.sql makes for make bench.
INSERT INTO people (tenant_id, kind, login, display_name, source, password_hash)
SELECT t.id, 'employee', 'bench.' || lower(t.code) || g, 'Person ' || g, 'local', 'x'
FROM tenants t, generate_series(1, 250) g;
