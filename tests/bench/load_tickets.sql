-- load_tickets.sql: a million tickets (psql -v count=N) across the four
-- municipalities for make bench, 2% of them open, requested by the people
-- load_people.sql made.  Each ticket goes through the same triggers as a
-- real one (its document, its search vector), so bench.pl runs the load in
-- parts side by side (-v part=K -v parts=N: the tickets g with g % N = K).
INSERT INTO tickets (tenant_id, number, type, requester_id, channel, subject, description,
	impact, urgency, priority, queue, status, resolved_at, resolution_code, resolution_text,
	created_at)
SELECT ppl.tids[1 + g % 1000], tc.codes[1 + g % 1000] || '-2025-' || lpad(g::text, 7, '0'),
	(ARRAY['incident','request','question'])[1 + g % 3], ppl.ids[1 + g % 1000], 'portal',
	(ARRAY['Skrivaren skriver inte ut','Datorn startar inte','Lösenordet har gått ut',
		'Wifi i matsalen fungerar inte','Behöver ny skärm','Kan inte logga in i Treserva',
		'Telefonen laddar inte','Ny användare på förskolan'])[1 + g % 8] || ' ' || g,
	'Genererat ärende ' || g, 1 + g % 3, 1 + (g / 3) % 3, 1 + g % 4,
	(ARRAY['first_line','network','identity','business_systems','telephony','third_line'])[1 + g % 6],
	CASE WHEN g % 50 = 0 THEN 'new' ELSE 'closed' END,
	CASE WHEN g % 50 = 0 THEN NULL ELSE now() END,
	CASE WHEN g % 50 = 0 THEN NULL ELSE 'solved' END,
	CASE WHEN g % 50 = 0 THEN NULL ELSE 'Löst' END,
	now() - make_interval(mins => g)
FROM generate_series(1, :count) g,
	(SELECT array_agg(p.id ORDER BY p.id) AS ids, array_agg(p.tenant_id ORDER BY p.id) AS tids
		FROM people p WHERE p.login LIKE 'bench.%') ppl,
	(SELECT array_agg(t.code ORDER BY p.id) AS codes FROM people p JOIN tenants t
		ON t.id = p.tenant_id WHERE p.login LIKE 'bench.%') tc
WHERE g % :parts = :part;
