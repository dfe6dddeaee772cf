#!/bin/sh
# run-local.sh: what `make run` does.  A private PostgreSQL cluster under
# ./var (Unix socket only, no TCP port), the schema and the demo data, then
# sdeskd on http://127.0.0.1:8080 in the foreground.  Ctrl-C stops sdeskd
# and PostgreSQL cleanly; the next `make run` reuses ./var.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
var=$top/var
pgbin=${SDESK_PGBIN:-$(sed -n 's/^PGBINDIR *= *//p' "$top/Makefile")}
pgdata=$var/pg/data
pgsock=$var/pg/run
conf=$var/sdesk.conf
port=${SDESK_PORT:-8080}
ldapdir=$var/ldap
ldapport=${SDESK_LDAP_PORT:-10389}
confversion="; make-run configuration v2"
breakglass_pw='Fyrtorn-Lingon-Kompass-47'

say() { printf 'make run: %s\n' "$*"; }
as_pg() { sh "$top/packaging/pgctl.sh" "$pgdata" "$@"; }

mkdir -p "$var/pg" "$var/state"
chmod 700 "$var"

if [ ! -s "$pgdata/PG_VERSION" ]; then
	say "creating a private PostgreSQL cluster in $pgdata"
	as_pg "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 \
		--locale=C.UTF-8 --no-instructions >"$var/pg/initdb.log" 2>&1 || {
		cat "$var/pg/initdb.log" >&2
		exit 1
	}
fi
mkdir -p "$pgsock"
chmod 700 "$pgsock"
if ! as_pg "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
	say "starting PostgreSQL (socket in $pgsock)"
	as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$var/pg/postgresql.log" -w -s \
		-o "-k $pgsock -c listen_addresses=''" start
fi

stop_pg() {
	as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast -w -s stop || true
}

psql_pg() { psql -h "$pgsock" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }
if [ -z "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = 'sdesk_app'")" ]; then
	say "creating roles sdesk_owner, sdesk_app and database sdesk"
	psql_pg -c "CREATE ROLE sdesk_owner LOGIN" \
		-c "CREATE ROLE sdesk_app LOGIN NOSUPERUSER NOBYPASSRLS" \
		-c "CREATE DATABASE sdesk OWNER sdesk_owner"
fi

say "starting the demo directory (slapd on ldap://127.0.0.1:$ldapport/)"
sh "$top/packaging/slapd-demo.sh" start "$ldapdir" "$ldapport" >/dev/null || {
	stop_pg
	exit 1
}
stop_ldap() {
	sh "$top/packaging/slapd-demo.sh" stop "$ldapdir" >/dev/null 2>&1 || true
}
umask 077
printf 'sdesk-bind-demo\n' >"$var/state/ldap-bind.pw"
umask 022

# One directory realm per municipality, all served by the demo slapd.
ldap_realm() {
	printf '%s.uri = ldap://127.0.0.1:%s\n' "$1" "$ldapport"
	printf '%s.bind_dn = cn=sdesk,ou=system,%s\n' "$1" "$2"
	printf '%s.bind_password_file = %s\n' "$1" "$var/state/ldap-bind.pw"
	printf '%s.base = %s\n' "$1" "$3"
	printf '%s.user_filter = (&(objectClass=inetOrgPerson)(uid=%%s)(!(employeeType=disabled)))\n' "$1"
	printf '%s.group_base = ou=groups,%s\n' "$1" "$2"
}

if [ -f "$conf" ] && ! grep -qF "$confversion" "$conf"; then
	say "keeping your old $conf as $conf.old and writing a new one"
	mv "$conf" "$conf.old"
fi
if [ ! -f "$conf" ]; then
	say "writing $conf"
	{
	cat <<CONF
$confversion
; Written by make run for the demo appliance; see packaging/sdesk.conf.example.
[http]
address = 127.0.0.1
port = $port

[database]
dsn = host=$pgsock dbname=sdesk user=sdesk_app
owner_dsn = host=$pgsock dbname=sdesk user=sdesk_owner

[paths]
plugin_dir = $top/.obj/plugins
webroot = $top/webroot
state_dir = $var/state

[log]
level = info

[plugins]
load = ldap

[plugin.ldap]
kind = identity
realms = AMA, BEN, MEL, FAR
CONF
	ldap_realm AMA dc=amal,dc=se dc=amal,dc=se
	ldap_realm BEN dc=bengtsfors,dc=se ou=people,dc=bengtsfors,dc=se
	ldap_realm MEL dc=mellerud,dc=se ou=people,dc=mellerud,dc=se
	ldap_realm FAR dc=fargelanda,dc=se ou=people,dc=fargelanda,dc=se
	} >"$conf"
fi

fail() {
	stop_ldap
	stop_pg
	exit 1
}
"$top/sdeskctl" -c "$conf" migrate || fail
"$top/sdeskctl" -c "$conf" demo load || fail
"$top/sdeskctl" -c "$conf" catalogue import "$top/catalogue/dalsland.yaml" || fail
"$top/sdeskctl" -c "$conf" keygen >/dev/null || fail
printf '%s\n' "$breakglass_pw" | "$top/sdeskctl" -c "$conf" local-account AMA adm-nodkonto \
	--name "Nödkonto (lokal administratör)" --kind privileged --role 'admin:*' >/dev/null || fail

pid=
cleanup() {
	trap - INT TERM EXIT
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	say "stopping slapd and PostgreSQL"
	stop_ldap
	stop_pg
	say "stopped; the data stays in $var"
}
trap cleanup INT TERM EXIT

"$top/sdeskd" -c "$conf" &
pid=$!
i=0
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if ! kill -0 "$pid" 2>/dev/null || [ $i -gt 100 ]; then
		say "sdeskd did not come up; see the log above"
		exit 1
	fi
	sleep 0.1
done
cat <<LOGINS

  Demo logins (kommun / användare / lösenord), through each municipality's
  directory; staff and administrators are asked to set up two-step
  verification (any TOTP app, e.g. Microsoft or Google Authenticator):

    BEN  lisa.nord        Dalsland-2026   employee (Bengtsfors)
    BEN  anders.by        Dalsland-2026   manager with ordering rights
    BEN  ingrid.kvist     Dalsland-2026   Bengtsfors' IT contact
    MEL  karl.ostlund     Dalsland-2026   employee (Mellerud)
    FAR  elin.frisk       Dalsland-2026   employee (Färgelanda home care)
    FAR  goran.hed        Dalsland-2026   manager (Färgelanda)
    AMA  sara.ek          Dalsland-2026   first-line technician
    AMA  lena.dahl        Dalsland-2026   second line, identity team
    AMA  karin.wall       Dalsland-2026   team lead
    AMA  maria.falk       Dalsland-2026   digitalisation chief
    AMA  johan.lund       Dalsland-2026   finance
    AMA  mikael.ros       Dalsland-2026   IT architect (approves hardware and software)
    AMA  adm-jonas.berg   Dalsland-2026   administrator (privileged identity)
    AMA  adm-nodkonto     $breakglass_pw   local break-glass administrator

  More in packaging/demo/ldap/README.md.

LOGINS
say "sdesk is running: open http://127.0.0.1:$port/ (Ctrl-C stops everything)"
wait "$pid" || true
