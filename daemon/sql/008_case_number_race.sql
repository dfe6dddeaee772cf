-- 008_case_number_race.sql: the first case number of a municipality and
-- year creates its sequence.  Two first tickets at once (New Year's
-- morning, a bench) both found it missing; the second CREATE SEQUENCE IF
-- NOT EXISTS waited for the first and then failed on the catalog's unique
-- index instead of seeing it.  A sequence made meanwhile by someone else
-- is as good as our own.

CREATE OR REPLACE FUNCTION sdesk_case_number(p_tenant integer, p_year integer) RETURNS bigint
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
		BEGIN
			EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
		EXCEPTION WHEN unique_violation OR duplicate_table THEN
			NULL;
		END;
		RETURN nextval(seq);
	END;
END
$$;
