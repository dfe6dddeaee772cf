#!/bin/sh
# slapd-demo.sh: a private OpenLDAP server with the demo directories of the
# four municipalities, for `make run` and the tests.
#
#   sh packaging/slapd-demo.sh start DIR PORT   create DIR (first time), start
#   sh packaging/slapd-demo.sh stop DIR         stop (SIGTERM, wait until gone)
#   sh packaging/slapd-demo.sh status DIR       "running PID" (0) or "stopped" (3)
#
# The server listens on ldap://127.0.0.1:PORT/ only, runs as the invoking
# user (root too: slapd needs no -u then) and keeps everything in DIR:
# slapd.conf, one mdb database per municipality under DIR/db, its pid file,
# DIR/slapd.log and a private CA (DIR/tls/ca.pem) for StartTLS.  The data
# is packaging/demo/ldap/*.ldif, loaded with slapadd when DIR is new; a
# later start reuses DIR as it is.
set -u

SLAPD=${SLAPD:-/usr/sbin/slapd}
SLAPADD=${SLAPADD:-/usr/sbin/slapadd}
LDIFDIR=$(cd "$(dirname "$0")/demo/ldap" && pwd) || exit 1
SUFFIXES="dc=amal,dc=se dc=bengtsfors,dc=se dc=mellerud,dc=se dc=fargelanda,dc=se"

say() {
	echo "slapd-demo: $*"
}

die() {
	say "$*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start DIR PORT | stop DIR | status DIR" >&2
	exit 2
}

# pid_running: prints the pid of a live slapd of DIR; fails otherwise.
pid_running() {
	[ -s "$DIR/slapd.pid" ] || return 1
	pid=$(cat "$DIR/slapd.pid")
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	alive "$pid" || return 1
	echo "$pid"
}

# alive PID: the process exists, is a slapd (not another process that got
# a stale pid) and is not a zombie waiting for a reaper (slapd's parent is
# gone, and init may reap late).
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm")" != slapd ]; then
		return 1
	fi
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$state" != Z ] || return 1
	fi
	return 0
}

# answers URI: the server returns the root DSE.
answers() {
	ldapsearch -x -LLL -o nettimeout=2 -l 2 -H "$1" -b '' -s base \
		'(objectClass=*)' namingContexts >/dev/null 2>&1
}

# make_tls: a private CA and a server certificate for 127.0.0.1 in DIR/tls,
# so that clients can try StartTLS (with tls_cacert = DIR/tls/ca.pem).
# Without openssl the server simply offers no StartTLS.
make_tls() {
	command -v openssl >/dev/null 2>&1 || return 0
	t=$DIR/tls
	mkdir -p "$t" && chmod 700 "$t" || return 1
	printf '%s\n' 'basicConstraints = CA:FALSE' 'extendedKeyUsage = serverAuth' \
		'subjectAltName = IP:127.0.0.1, DNS:localhost' >"$t/server.ext"
	{
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$t/ca.key" -out "$t/ca.pem" -days 3650 \
			-subj '/O=sdesk demo/CN=sdesk demo CA' &&
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "$t/server.key" -out "$t/server.csr" -subj '/CN=127.0.0.1' &&
			openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
				-CAcreateserial -out "$t/server.pem" -days 3650 -extfile "$t/server.ext"
	} >>"$DIR/slapd.log" 2>&1 || return 1
	rm -f "$t/ca.key" "$t/server.csr" "$t/ca.srl"
}

# write_conf: slapd.conf for the four suffixes.  Users read themselves, the
# service account cn=sdesk,ou=system,<suffix> reads the tree, anonymous may
# only bind.  Mellerud also offers memberOf (dynlist), as Active Directory
# does, so the plugin's memberOf path meets a real server.
write_conf() {
	{
		cat <<EOF
# Written by packaging/slapd-demo.sh; recreated only when DIR is new.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/dyngroup.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload dynlist
pidfile $DIR/slapd.pid
argsfile $DIR/slapd.args
loglevel stats
sizelimit 500
EOF
		if [ -s "$DIR/tls/server.pem" ]; then
			cat <<EOF
TLSCACertificateFile $DIR/tls/ca.pem
TLSCertificateFile $DIR/tls/server.pem
TLSCertificateKeyFile $DIR/tls/server.key
EOF
		fi
		cat <<EOF
# The root DSE and the schema: what clients probe before they bind.
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read
EOF
		# The directory's own administrator (demo and tests change entries
		# with it): cn=admin,<suffix>, password sdesk-admin-demo.
		rootpw=$(/usr/sbin/slappasswd -s sdesk-admin-demo)
		for s in $SUFFIXES; do
			name=${s#dc=}
			name=${name%%,*}
			cat <<EOF

database mdb
suffix "$s"
rootdn "cn=admin,$s"
rootpw $rootpw
directory $DIR/db/$name
maxsize 16777216
index objectClass eq
index uid eq
index member eq
access to attrs=userPassword
	by anonymous auth
	by * none
access to *
	by dn.exact="cn=sdesk,ou=system,$s" read
	by self read
	by * none
EOF
			if [ "$name" = mellerud ]; then
				cat <<EOF
overlay dynlist
dynlist-attrset groupOfURLs memberURL member+memberOf@groupOfNames
EOF
			fi
		done
	} >"$DIR/slapd.conf.new" && mv "$DIR/slapd.conf.new" "$DIR/slapd.conf"
}

# create: a new DIR with its configuration and the demo data loaded.
create() {
	rm -rf "$DIR/db"
	for s in $SUFFIXES; do
		name=${s#dc=}
		mkdir -p "$DIR/db/${name%%,*}" || return 1
	done
	make_tls || return 1
	write_conf || return 1
	for f in "$LDIFDIR"/*.ldif; do
		[ -e "$f" ] || continue
		base=$(sed -n 's/^dn: *//p' "$f" | head -n 1)
		echo "slapadd -b $base -l $f" >>"$DIR/slapd.log"
		"$SLAPADD" -q -f "$DIR/slapd.conf" -b "$base" -l "$f" >>"$DIR/slapd.log" 2>&1 ||
			return 1
	done
	: >"$DIR/created"
}

start() {
	port=$1
	case $port in '' | *[!0-9]*) usage ;; esac
	uri="ldap://127.0.0.1:$port/"
	if pid=$(pid_running); then
		if answers "$uri"; then
			say "already running (pid $pid) on $uri"
			return 0
		fi
		die "a slapd (pid $pid) of $DIR runs but does not answer on $uri"
	fi
	if [ ! -e "$DIR/created" ]; then
		create || die "cannot create the directory in $DIR; see $DIR/slapd.log"
	fi
	rm -f "$DIR/slapd.pid"
	# -d keeps slapd in the foreground so that its log goes to slapd.log;
	# the subshell detaches it from this script's output.
	(
		exec "$SLAPD" -d stats -f "$DIR/slapd.conf" -h "$uri" \
			</dev/null >>"$DIR/slapd.log" 2>&1
	) &
	i=0
	while [ $i -lt 100 ]; do
		if answers "$uri"; then
			say "running (pid $(cat "$DIR/slapd.pid")) on $uri"
			return 0
		fi
		if [ $i -gt 5 ] && ! pid_running >/dev/null; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	die "slapd did not start on $uri; see $DIR/slapd.log"
}

stop() {
	if ! pid=$(pid_running); then
		say "not running"
		return 0
	fi
	kill -TERM "$pid"
	i=0
	while alive "$pid"; do
		if [ $i -ge 300 ]; then
			die "slapd (pid $pid) did not stop within 30 s"
		fi
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$DIR/slapd.pid"
	say "stopped"
}

[ $# -ge 2 ] || usage
cmd=$1
if [ "$cmd" = start ]; then
	mkdir -p "$2" || exit 1
fi
# A directory that was never made has no server running in it.
DIR=$(cd "$2" 2>/dev/null && pwd) || DIR=$2
case $cmd in
start)
	[ $# -eq 3 ] || usage
	start "$3"
	;;
stop)
	[ $# -eq 2 ] || usage
	stop
	;;
status)
	[ $# -eq 2 ] || usage
	if pid=$(pid_running); then
		echo "running $pid"
	else
		echo "stopped"
		exit 3
	fi
	;;
*)
	usage
	;;
esac
