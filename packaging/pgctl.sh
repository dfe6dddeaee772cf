#!/bin/sh
# pgctl.sh: runs a PostgreSQL program as an unprivileged user.
#
# PostgreSQL refuses to run as root.  When we are root we run it in a user
# namespace where we are "nobody" (the files stay ours, nothing is chown'd);
# where user namespaces are not allowed we fall back to the postgres system
# user, which then owns the data directory.
#   usage: pgctl.sh DATADIR PROGRAM [ARGS...]
set -eu
datadir=$1
shift
if [ "$(id -u)" != 0 ]; then
	exec "$@"
fi
if unshare --user --map-user=65534 --map-group=65534 true 2>/dev/null; then
	exec unshare --user --map-user=65534 --map-group=65534 "$@"
fi
if id postgres >/dev/null 2>&1; then
	mkdir -p "$datadir"
	chown -R postgres "$(dirname "$datadir")"
	exec runuser -u postgres -- "$@"
fi
echo "pgctl.sh: running as root without user namespaces or a postgres user;" >&2
echo "run as an ordinary user, or: useradd --system postgres" >&2
exit 1
