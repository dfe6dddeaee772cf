-- 013_sla_store_batches.sql: the SLA store may hash again.
--
-- 010 forbade sdesk_sla_store hash and merge joins, so that a plan made
-- while the tables were small would never scan a table whole.  But
-- `sdeskctl sla recompute` stores hundreds of tickets per call, and the
-- store compares what it is given with what is stored (which clocks and
-- warnings changed, which are no longer pending): without a hash join
-- each stored row was compared with every row of the batch.  After a
-- calendar change, re-storing the clocks of 23,000 open tickets took 417 s
-- instead of 4.5 s.  Sequential scans stay off: hashing the batch is what
-- a large call needs, scanning a table is what no call needs.
ALTER FUNCTION sdesk_sla_store(jsonb) RESET enable_hashjoin;
ALTER FUNCTION sdesk_sla_store(jsonb) RESET enable_mergejoin;
