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

if [ ! -f "$conf" ]; then
	say "writing $conf"
	cat >"$conf" <<CONF
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
CONF
fi

"$top/sdeskctl" -c "$conf" migrate || { stop_pg; exit 1; }
"$top/sdeskctl" -c "$conf" demo load || { stop_pg; exit 1; }

pid=
cleanup() {
	trap - INT TERM EXIT
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	say "stopping PostgreSQL"
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
say "sdesk is running: open http://127.0.0.1:$port/ (Ctrl-C stops everything)"
wait "$pid" || true
