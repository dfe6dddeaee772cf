-- 010_sla_store_plans.sql: the SLA store and input, and the clocks added to
-- every ticket read, keep their plans for the session (PL/pgSQL).  A plan
-- made while the tables were small (a new appliance, the first minutes
-- after a restore) scanned sla_clocks and tickets whole, and kept doing so
-- as they grew: ticket creation went from 280 a second to 65 within a
-- minute of the bench, and a technician's read of a ticket ran at a third
-- of the speed of its requester's.  These functions touch a few rows of a
-- few tickets at a time, always by key, so they never scan or hash a
-- table, whatever the statistics said when they were planned.
ALTER FUNCTION sdesk_sla_store(jsonb)
	SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION sdesk_sla_input(bigint, bigint)
	SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION sdesk_with_sla(json, bigint)
	SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
