-- 002_identity.sql: people, roles, sessions, API tokens, MFA, login
-- throttling and the append-only audit trail.
--
-- One person = one identity in one tenant.  Roles are granted per tenant
-- scope; only people of the host municipality may hold a role over every
-- tenant (scope_tenant_id NULL).  The administrator role lives only on a
-- separate privileged identity (adm-<login>), never on an ordinary one.

CREATE FUNCTION sdesk_roles() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['employee', 'manager', 'tech1', 'tech2', 'specialist', 'team_lead',
		'chief', 'finance', 'it_contact', 'architect', 'admin']
$$;

-- A permission held in every tenant ("perm") or in one ("perm:<tenant id>").
CREATE FUNCTION sdesk_has_perm(perm text, tenant integer) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT sdesk_has_perm(perm) OR sdesk_has_perm(perm || ':' || tenant)
$$;

CREATE TABLE people (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	kind text NOT NULL CHECK (kind IN ('employee', 'external', 'privileged')),
	login text NOT NULL CHECK (login ~ '^[a-z0-9][a-z0-9._@-]{0,127}$'),
	display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
	email text CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	department_id bigint,
	cost_centre_id bigint,
	source text NOT NULL CHECK (source IN ('local', 'directory')),
	directory_dn text,
	password_hash text,
	owner_person_id bigint REFERENCES people (id),
	active boolean NOT NULL DEFAULT true,
	expires_at timestamptz,
	mfa_secret bytea,
	mfa_pending_secret bytea,
	mfa_enrolled_at timestamptz,
	mfa_last_counter bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	last_login_at timestamptz,
	UNIQUE (tenant_id, login),
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
	FOREIGN KEY (tenant_id, cost_centre_id) REFERENCES cost_centres (tenant_id, id),
	-- External users (suppliers, consultants) always expire.
	CHECK (kind <> 'external' OR expires_at IS NOT NULL),
	-- A privileged identity is recognisable by its name.
	CHECK ((kind = 'privileged') = (login LIKE 'adm-%')),
	CHECK (source <> 'directory' OR password_hash IS NULL)
);
CREATE UNIQUE INDEX people_email ON people (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX people_name ON people (tenant_id, lower(display_name) text_pattern_ops);

CREATE TABLE role_grants (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	person_id bigint NOT NULL,
	role text NOT NULL CHECK (role = ANY (sdesk_roles())),
	scope_tenant_id integer REFERENCES tenants (id),
	team text CHECK (team IN ('network', 'identity', 'business_systems', 'telephony')),
	cost_centre_id bigint REFERENCES cost_centres (id),
	source text NOT NULL CHECK (source IN ('local', 'directory')),
	granted_by bigint REFERENCES people (id),
	granted_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE,
	-- Second-line technicians belong to exactly one team.
	CHECK ((role = 'tech2') = (team IS NOT NULL))
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (person_id, role,
	coalesce(scope_tenant_id, 0), coalesce(team, ''), coalesce(cost_centre_id, 0));

-- The rules the application must never be able to break, whatever it sends.
CREATE FUNCTION role_grants_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	p people;
	host boolean;
BEGIN
	SELECT * INTO p FROM people WHERE id = NEW.person_id;
	IF NOT FOUND OR p.tenant_id <> NEW.tenant_id THEN
		RAISE EXCEPTION 'role grant for an unknown person' USING ERRCODE = '23503';
	END IF;
	IF (NEW.role = 'admin') <> (p.kind = 'privileged') THEN
		RAISE EXCEPTION 'administrator rights need a separate privileged identity (adm-*), which holds nothing else'
			USING ERRCODE = '23514', CONSTRAINT = 'role_grants_privileged';
	END IF;
	SELECT t.is_host INTO host FROM tenants t WHERE t.id = p.tenant_id;
	IF NOT host AND (NEW.scope_tenant_id IS NULL OR NEW.scope_tenant_id <> p.tenant_id) THEN
		RAISE EXCEPTION 'people of a municipality get roles in their own municipality only'
			USING ERRCODE = '23514', CONSTRAINT = 'role_grants_scope';
	END IF;
	IF NEW.cost_centre_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cost_centres c
		WHERE c.id = NEW.cost_centre_id
		AND c.tenant_id = coalesce(NEW.scope_tenant_id, p.tenant_id)) THEN
		RAISE EXCEPTION 'the cost centre belongs to another tenant'
			USING ERRCODE = '23514', CONSTRAINT = 'role_grants_cost_centre';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER role_grants_check BEFORE INSERT OR UPDATE ON role_grants
	FOR EACH ROW EXECUTE FUNCTION role_grants_check();

-- Which directory group gives which role, governed per tenant.
CREATE TABLE directory_groups (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	group_dn text NOT NULL CHECK (length(group_dn) BETWEEN 3 AND 1024),
	role text NOT NULL CHECK (role = ANY (sdesk_roles())),
	team text CHECK (team IN ('network', 'identity', 'business_systems', 'telephony')),
	all_tenants boolean NOT NULL DEFAULT false,
	CHECK ((role = 'tech2') = (team IS NOT NULL))
);
CREATE UNIQUE INDEX directory_groups_unique ON directory_groups (tenant_id, lower(group_dn),
	role, coalesce(team, ''));

CREATE TABLE tenant_settings (
	tenant_id integer PRIMARY KEY REFERENCES tenants (id),
	mfa_all_users boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL DEFAULT now(),
	updated_by bigint REFERENCES people (id)
);

CREATE TABLE sessions (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	person_id bigint NOT NULL,
	token_hash bytea NOT NULL UNIQUE,
	csrf_token text NOT NULL,
	mfa_state text NOT NULL CHECK (mfa_state IN ('ok', 'enrol', 'challenge')),
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	idle_seconds integer NOT NULL CHECK (idle_seconds > 0),
	revoked_at timestamptz,
	address text,
	FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_person ON sessions (person_id) WHERE revoked_at IS NULL;

CREATE TABLE api_tokens (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL REFERENCES tenants (id),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	token_hash bytea NOT NULL UNIQUE,
	permissions text[] NOT NULL,
	created_by bigint NOT NULL REFERENCES people (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz,
	last_used_at timestamptz
);

CREATE TABLE mfa_recovery_codes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id integer NOT NULL,
	person_id bigint NOT NULL,
	code_hash bytea NOT NULL,
	used_at timestamptz,
	FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX mfa_recovery_codes_person ON mfa_recovery_codes (person_id);

-- Failed logins per account ("<tenant code>/<login>") and per address.
-- Keyed on the login as typed, so an unknown login behaves like a known one.
CREATE TABLE auth_throttle (
	key text PRIMARY KEY,
	tenant_id integer REFERENCES tenants (id),
	failures integer NOT NULL DEFAULT 0,
	last_failure_at timestamptz,
	next_allowed_at timestamptz,
	locked_at timestamptz
);

-- The audit trail: append-only for the daemon, each row hashed together
-- with the previous row's hash (libsodium generichash; see daemon/audit.c).
CREATE SEQUENCE audit_log_id_seq;
CREATE TABLE audit_log (
	id bigint PRIMARY KEY,
	at_us bigint NOT NULL,
	at timestamptz GENERATED ALWAYS AS (to_timestamp(at_us / 1000000.0)) STORED,
	tenant_id integer REFERENCES tenants (id),
	actor_id bigint,
	actor text NOT NULL,
	action text NOT NULL,
	object text NOT NULL DEFAULT '',
	address text NOT NULL DEFAULT '',
	request_id text NOT NULL DEFAULT '',
	details text NOT NULL DEFAULT '{}',
	prev_hash bytea NOT NULL,
	hash bytea NOT NULL
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);

-- Serialises appends and hands out the next id and the previous hash; the
-- lock holds until the appending transaction ends.
CREATE FUNCTION sdesk_audit_prepare(OUT next_id bigint, OUT prev_hash bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1935962988);
	SELECT a.hash INTO prev_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
	IF prev_hash IS NULL THEN
		prev_hash := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
	END IF;
	next_id := nextval('audit_log_id_seq');
END
$$;

-- Session and token lookups happen before anyone is known, so they go
-- through these narrow functions instead of widening the table policies.
-- One index lookup and one join per request; PL/pgSQL keeps the plans.
-- Which tenants the grants make visible is worked out by the daemon.
CREATE FUNCTION sdesk_session_lookup(p_hash bytea)
RETURNS TABLE (session_id bigint, person_id bigint, tenant_id integer, tenant_code text,
	login text, display_name text, kind text, mfa_state text, csrf_token text, grants json)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	s sessions;
BEGIN
	SELECT * INTO s FROM sessions x WHERE x.token_hash = p_hash AND x.revoked_at IS NULL
		AND x.expires_at > now()
		AND x.last_seen_at + make_interval(secs => x.idle_seconds) > now();
	IF NOT FOUND THEN
		RETURN;
	END IF;
	-- Touch at most once a minute: idle timeout without a write per request.
	IF s.last_seen_at < now() - interval '60 seconds' THEN
		UPDATE sessions SET last_seen_at = now() WHERE id = s.id;
	END IF;
	RETURN QUERY SELECT s.id, p.id, p.tenant_id, t.code, p.login, p.display_name, p.kind,
		s.mfa_state, s.csrf_token,
		coalesce((SELECT json_agg(json_build_object('role', g.role, 'tenant',
			coalesce(g.scope_tenant_id, 0), 'team', g.team, 'cost_centre', g.cost_centre_id)
			ORDER BY g.id) FROM role_grants g WHERE g.person_id = p.id), '[]'::json)
	FROM people p JOIN tenants t ON t.id = p.tenant_id
	WHERE p.id = s.person_id AND p.active AND (p.expires_at IS NULL OR p.expires_at > now());
END
$$;

CREATE FUNCTION sdesk_token_lookup(p_hash bytea)
RETURNS TABLE (token_id bigint, tenant_id integer, tenant_code text, name text,
	permissions text[], created_by bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	RETURN QUERY UPDATE api_tokens a SET last_used_at = now()
		FROM tenants t
		WHERE a.token_hash = p_hash AND a.revoked_at IS NULL AND a.expires_at > now()
		AND t.id = a.tenant_id
		RETURNING a.id, a.tenant_id, t.code, a.name, a.permissions, a.created_by;
END
$$;

ALTER TABLE people ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE directory_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE mfa_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_throttle ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON people USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON role_grants USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON directory_groups USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON tenant_settings USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON sessions USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON api_tokens USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
CREATE POLICY tenant_isolation ON mfa_recovery_codes USING (tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id = ANY (sdesk_tenants()));
-- Address rows (tenant_id NULL) are about no tenant and always visible.
CREATE POLICY tenant_isolation ON auth_throttle
	USING (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()))
	WITH CHECK (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()));
-- Audit rows: written in any scope, read per tenant; rows about no tenant
-- only by those who may read the whole trail.
CREATE POLICY audit_read ON audit_log FOR SELECT
	USING (sdesk_has_perm('audit.read') OR (tenant_id = ANY (sdesk_tenants())
		AND sdesk_has_perm('audit.read', tenant_id)));
CREATE POLICY audit_append ON audit_log FOR INSERT
	WITH CHECK (tenant_id IS NULL OR tenant_id = ANY (sdesk_tenants()));

REVOKE ALL ON FUNCTION sdesk_session_lookup(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION sdesk_token_lookup(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION sdesk_audit_prepare() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sdesk_session_lookup(bytea), sdesk_token_lookup(bytea),
	sdesk_audit_prepare() TO sdesk_app;
GRANT SELECT, INSERT, UPDATE ON people, role_grants, directory_groups, tenant_settings,
	sessions, api_tokens, mfa_recovery_codes, auth_throttle TO sdesk_app;
GRANT DELETE ON role_grants, directory_groups, mfa_recovery_codes, auth_throttle TO sdesk_app;
-- The trail: insert and read, never change.
GRANT SELECT, INSERT ON audit_log TO sdesk_app;
