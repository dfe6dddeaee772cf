-- 001_base.sql: tenancy.  Tenants (the four municipalities, one of them the
-- host), their departments (förvaltningar) and cost centres
-- (kostnadsställen), and the row-level security that every tenant-owned
-- table follows from here on.
--
-- Roles (created by the installer, not here): sdesk_owner owns every object
-- and runs migrations; sdesk_app is the daemon's role, has no BYPASSRLS and
-- owns nothing, so the policies below always apply to it.

-- The daemon sets these per transaction (see daemon/db.c, db_begin).
-- A missing setting means "nothing": no tenant, no user, no permission.
CREATE FUNCTION sdesk_tenants() RETURNS integer[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(nullif(current_setting('sdesk.tenants', true), ''), '{}')::integer[]
$$;

CREATE FUNCTION sdesk_user_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(nullif(current_setting('sdesk.user_id', true), ''), '0')::bigint
$$;

CREATE FUNCTION sdesk_has_perm(perm text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT perm = ANY (string_to_array(coalesce(current_setting('sdesk.perms', true), ''), ','))
$$;

CREATE TABLE tenants (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{3}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	is_host boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);
-- Exactly one host municipality employs the staff and sends the invoices.
CREATE UNIQUE INDEX tenants_one_host ON tenants (is_host) WHERE is_host;

CREATE TABLE departments (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{1,16}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	UNIQUE (tenant_id, code),
	UNIQUE (tenant_id, id)
);

CREATE TABLE cost_centres (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	department_id bigint NOT NULL,
	code text NOT NULL CHECK (code ~ '^[0-9A-Z-]{1,16}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	active boolean NOT NULL DEFAULT true,
	UNIQUE (tenant_id, code),
	UNIQUE (tenant_id, id),
	-- The composite key makes a cost centre of another tenant's department
	-- impossible, whatever the code above does.
	FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
CREATE INDEX cost_centres_department ON cost_centres (department_id);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE departments ENABLE ROW LEVEL SECURITY;
ALTER TABLE cost_centres ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON tenants
	USING (id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON departments
	USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON cost_centres
	USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));

-- The names of the municipalities are public (the login page lists them);
-- this function exposes exactly those columns and nothing else.
-- (PL/pgSQL rather than SQL: it is called on every request, and only a
-- PL/pgSQL function keeps its plan for the session.)
CREATE FUNCTION sdesk_public_tenants()
RETURNS TABLE (id integer, code text, name text, is_host boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	RETURN QUERY SELECT t.id, t.code, t.name, t.is_host FROM tenants t;
END
$$;

REVOKE ALL ON FUNCTION sdesk_public_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_public_tenants() TO sdesk_app;
GRANT SELECT ON tenants TO sdesk_app;
GRANT SELECT, INSERT, UPDATE ON departments, cost_centres TO sdesk_app;
GRANT SELECT ON schema_migrations TO sdesk_app;
