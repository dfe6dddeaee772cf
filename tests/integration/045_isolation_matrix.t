#!/usr/bin/perl
# The tenant-isolation matrix.  For every endpoint that reads or writes
# tenant data and for each kind of caller, an object of another tenant is
# invisible: the answer is exactly the answer for an object that does not
# exist (404, or the 403 of a permission the caller lacks for every
# object, which confirms nothing), lists leave it out, and the database is
# unchanged afterwards.  Reads of the caller's own tenant succeed where
# their permissions say so, so that the matrix cannot pass by refusing
# everything.  Then the same in SQL: as the daemon's role with the
# settings of Bengtsfors, no table with a tenant_id shows, changes or
# deletes a row of another tenant.
#
# The endpoints and callers are tables: a later issue adds a row.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use POSIX qw(strftime);
use SdeskTest;
use Test::More;

binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);
plan skip_all => 'oathtool missing (configure installs it)' unless have_prog('oathtool');
my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
my $conf = $d->{conf};
my $pw = 'Fyrtorn-Lingon-Kompass-47';
my %tid = map { split /\|/ } split /\n/, $pg->psql('SELECT code, id FROM tenants');

# Who asks.  home: the tenant whose objects are their own; other: a tenant
# they must not see (none for host staff, who serve every municipality).
my @callers = (
	{ name => 'employee BEN', tenant => 'BEN', login => 'emp.ben', roles => ['employee'] },
	{ name => 'manager BEN', tenant => 'BEN', login => 'mgr.ben',
		roles => ['employee', 'manager:BEN'] },
	{ name => 'IT contact BEN', tenant => 'BEN', login => 'itk.ben', roles => ['it_contact:BEN'] },
	{ name => 'IT contact MEL', tenant => 'MEL', login => 'itk.mel', roles => ['it_contact:MEL'] },
	{ name => 'technician (host, *)', tenant => 'AMA', login => 'tech.ama', roles => ['tech1:*'],
		home => 'BEN' },
	{ name => 'administrator (host, *)', tenant => 'AMA', login => 'adm-root',
		kind => 'privileged', roles => ['admin:*'], home => 'MEL' },
	{ name => 'API token BEN', tenant => 'BEN', token => ['person.read', 'tenant.read',
		'audit.read', 'tenant.settings'] },
);

# What is asked.  {person} {grant} {token} {group} {code} come from the
# tenant under test; needs: the permission that lets a caller succeed on
# an object of a tenant (route: the route's own permission).
my @endpoints = (
	{ m => 'GET', p => '/api/v1/people/{person}', route => 'session', needs => 'person.read' },
	{ m => 'PATCH', p => '/api/v1/people/{person}', route => 'person.admin',
		body => { name => 'Inkräktare' } },
	{ m => 'GET', p => '/api/v1/people/{person}/roles', route => 'person.read' },
	{ m => 'POST', p => '/api/v1/people/{person}/roles', route => 'role.grant',
		body => { role => 'manager', tenant => '{code}' } },
	{ m => 'DELETE', p => '/api/v1/people/{person}/roles/{grant}', route => 'role.grant' },
	{ m => 'POST', p => '/api/v1/people/{person}/unlock', route => 'person.admin' },
	{ m => 'DELETE', p => '/api/v1/tokens/{token}', route => 'token.admin' },
	{ m => 'GET', p => '/api/v1/tenants/{code}', route => 'tenant.read' },
	{ m => 'GET', p => '/api/v1/tenants/{code}/settings', route => 'tenant.settings' },
	{ m => 'PUT', p => '/api/v1/tenants/{code}/settings', route => 'tenant.settings',
		body => { mfa_all_users => JSON::PP::true } },
	{ m => 'GET', p => '/api/v1/tenants/{code}/directory-groups', route => 'tenant.settings' },
	{ m => 'POST', p => '/api/v1/tenants/{code}/directory-groups', route => 'tenant.settings',
		body => { group_dn => 'cn=intrang,dc=example,dc=se', role => 'employee' } },
	{ m => 'DELETE', p => '/api/v1/tenants/{code}/directory-groups/{group}',
		route => 'tenant.settings' },
);

# Lists that take a tenant: key is the array in the answer.
my @lists = (
	{ p => '/api/v1/people', key => 'people', route => 'person.read' },
	{ p => '/api/v1/tokens', key => 'tokens', route => 'token.admin' },
	{ p => '/api/v1/audit', key => 'entries', route => 'audit.read' },
);

# The callers' accounts, and the objects of Bengtsfors and Mellerud.
for my $c (grep { $_->{login} } @callers) {
	my ($rc, $out) = local_account($conf, $c->{tenant}, $c->{login}, $pw, '--name',
		"Matris $c->{login}", '--kind', $c->{kind} // 'employee',
		map { ('--role', $_) } @{ $c->{roles} });
	is($rc, 0, "account for $c->{name}") or diag($out);
}
my ($admin) = grep { $_->{login} && $_->{login} eq 'adm-root' } @callers;
$_->{headers} = session_for($d, $_->{tenant}, $_->{login}, $pw) for grep { $_->{login} } @callers;
my $month = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time + 30 * 86400));

sub api {
	my ($method, $path, $h, $body) = @_;
	return http($method => $d->url($path), headers => $h, defined $body ? (body => $body) : ());
}

my %obj;
for my $t ('BEN', 'MEL') {
	my $login = 'mal.' . lc $t;
	local_account($conf, $t, $login, $pw, '--name', "Mal $t", '--role', 'employee');
	my $person = $pg->psql("SELECT id FROM people WHERE login = '$login'");
	$pg->psql("INSERT INTO auth_throttle (key, tenant_id, failures, locked_at) VALUES"
		. " ('account:$t/$login', $tid{$t}, 10, now())");
	my $r = api(POST => '/api/v1/tokens', $admin->{headers}, { tenant => $t,
		name => "Objekt $t", permissions => ['tenant.read'], expires_at => $month });
	$obj{$t} = { code => $t, person => $person, token => $r->{json}{token}{id},
		grant => scalar $pg->psql("SELECT id FROM role_grants WHERE person_id = $person"),
		group => scalar $pg->psql("SELECT id FROM directory_groups WHERE tenant_id ="
			. " $tid{$t} ORDER BY id LIMIT 1") };
}
for my $c (grep { $_->{token} } @callers) {
	my $r = api(POST => '/api/v1/tokens', $admin->{headers}, { tenant => $c->{tenant},
		name => $c->{name}, permissions => $c->{token}, expires_at => $month });
	$c->{headers} = { authorization => "Bearer $r->{json}{secret}" };
}
my %ghost = (code => 'XYZ', person => 99999999, grant => 99999999, token => 99999999,
	group => 99999999);
for my $c (@callers) {
	$c->{home} //= $c->{tenant};
	$c->{other} = $c->{home} eq 'BEN' ? 'MEL' : 'BEN' unless $c->{tenant} eq 'AMA';
	my $s = api(GET => '/api/v1/session', $c->{headers})->{json};
	$c->{perms} = { map { ($_ => 1) } @{ $s->{permissions} } };
}

# Does caller c hold perm in tenant t (anywhere when t is undef)?
sub holds {
	my ($c, $perm, $t) = @_;
	return 1 if $perm eq 'session' || $c->{perms}{$perm};
	return defined $t ? $c->{perms}{"$perm:$tid{$t}"} : grep { /^\Q$perm\E:/ } keys %{ $c->{perms} };
}

sub fill {
	my ($s, $o) = @_;
	return $s unless defined $s;
	return { map { ($_ => fill($s->{$_}, $o)) } keys %$s } if ref $s eq 'HASH';
	return $s if ref $s;
	(my $x = $s) =~ s/\{(\w+)\}/$o->{$1}/g;
	return $x;
}

# Everything a request could change, except what reading touches
# (last_used_at of tokens, last_seen_at of sessions).
sub snapshot {
	return $pg->psql(q{SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
		SELECT 'p' || p::text AS x FROM people p
		UNION ALL SELECT 'g' || g::text FROM role_grants g
		UNION ALL SELECT 'd' || g::text FROM directory_groups g
		UNION ALL SELECT 's' || s::text FROM tenant_settings s
		UNION ALL SELECT 't' || t::text FROM auth_throttle t
		UNION ALL SELECT 'k' || (k.id, k.name, k.permissions, k.expires_at, k.revoked_at)::text
			FROM api_tokens k
		UNION ALL SELECT 'x' || (x.id, x.revoked_at)::text FROM sessions x
		UNION ALL SELECT 'a' || count(*) FROM audit_log) u});
}

sub answer { my ($r) = @_; return "$r->{status} " . ($r->{json} ? $r->{json}{error}{code} // 'ok' : '-') }

for my $c (@callers) {
	# Their own tenant: reads succeed as their permissions say.
	my $own = $obj{ $c->{home} };
	for my $e (grep { $_->{m} eq 'GET' } @endpoints) {
		my $needs = $e->{needs} // $e->{route};
		my $want = holds($c, $needs, $c->{home}) ? 200 : $e->{route} eq 'session' ? 404 : 403;
		is(api(GET => fill($e->{p}, $own), $c->{headers})->{status}, $want,
			"$c->{name}: $e->{m} $e->{p} of $c->{home}: $want");
	}
	for my $l (@lists) {
		my $r = api(GET => "$l->{p}?tenant=$c->{home}", $c->{headers});
		if (!holds($c, $l->{route})) {
			is($r->{status}, 403, "$c->{name}: $l->{p}: 403 without $l->{route}");
			next;
		}
		ok(scalar @{ $r->{json}{ $l->{key} } }, "$c->{name}: $l->{p}?tenant=$c->{home} lists");
	}
	if ($c->{login}) {
		my $me = $pg->psql("SELECT id FROM people WHERE login = '$c->{login}'");
		is(api(GET => "/api/v1/people/$me", $c->{headers})->{status}, 200,
			"$c->{name}: reads themself");
	}
	next unless $c->{other};

	# Another tenant: as if it were not there, and untouched.
	my $other = $obj{ $c->{other} };
	for my $e (@endpoints) {
		my $before = snapshot();
		my $r = api($e->{m} => fill($e->{p}, $other), $c->{headers}, fill($e->{body}, $other));
		my $g = api($e->{m} => fill($e->{p}, \%ghost), $c->{headers}, fill($e->{body}, $other));
		my $what = "$c->{name}: $e->{m} $e->{p} of $c->{other}";
		like(answer($r), qr/^40[34] /, "$what: refused") or diag($r->{content});
		is(answer($r), answer($g), "$what: answered as for nothing (" . answer($r) . ')');
		is(snapshot(), $before, "$what: nothing changed");
	}
	for my $l (@lists) {
		my $r = api(GET => "$l->{p}?tenant=$c->{other}", $c->{headers});
		ok($r->{status} == 403 || ($r->{status} == 200 && !@{ $r->{json}{ $l->{key} } }),
			"$c->{name}: $l->{p}?tenant=$c->{other}: nothing (" . $r->{status} . ')');
		$r = api(GET => $l->{p}, $c->{headers});
		my @leak = $r->{status} == 200
			? grep { ($_->{tenant} // '') eq $c->{other} } @{ $r->{json}{ $l->{key} } } : ();
		is(scalar @leak, 0, "$c->{name}: $l->{p}: no $c->{other} item");
	}
}

# The SQL half: every table with a tenant_id, as the daemon's role.
$d->stop;
my $ben = $tid{BEN};
my $settings = "SELECT set_config('sdesk.tenants', '{$ben}', true), set_config('sdesk.perms',"
	. " 'audit.read:$ben,person.read:$ben,tenant.read:$ben', true);";
sub as_app {
	my ($sql) = @_;
	my ($out, $rc) = $pg->psql("BEGIN; $settings $sql; ROLLBACK", user => 'sdesk_app',
		ok_fail => 1);
	return $rc ? 'refused' : ($out =~ /n=(\d+)/)[0] // "?$out";
}
my @tables = split /\n/, $pg->psql("SELECT c.table_name FROM information_schema.columns c JOIN"
	. " information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema ="
	. " 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' ORDER BY 1");
ok(scalar(grep { $_ eq 'people' } @tables) && @tables >= 10, scalar(@tables)
	. ' tables with a tenant_id found: ' . join(' ', @tables));
my %known = map { ($_ => 1) } qw(people role_grants directory_groups tenant_settings sessions
	api_tokens mfa_recovery_codes auth_throttle audit_log departments cost_centres);
for my $t (@tables) {
	my $others = $pg->psql("SELECT count(*) FROM $t WHERE tenant_id <> $ben");
	my $mine = $pg->psql("SELECT count(*) FROM $t WHERE tenant_id = $ben");
	is(as_app("SELECT 'n=' || count(*) FROM $t WHERE tenant_id <> $ben"), '0',
		"$t: none of the $others rows of other tenants visible");
	is(as_app("SELECT 'n=' || count(*) FROM $t WHERE tenant_id = $ben"), $mine,
		"$t: all $mine rows of Bengtsfors visible") if $known{$t};
	like(as_app("WITH u AS (UPDATE $t SET tenant_id = tenant_id WHERE tenant_id <> $ben"
		. " RETURNING 1) SELECT 'n=' || count(*) FROM u"), qr/^(0|refused)$/,
		"$t: an UPDATE of other tenants' rows touches none");
	like(as_app("WITH u AS (DELETE FROM $t WHERE tenant_id <> $ben RETURNING 1) SELECT 'n=' ||"
		. " count(*) FROM u"), qr/^(0|refused)$/, "$t: a DELETE of them removes none");
	like(as_app("WITH u AS (UPDATE $t SET tenant_id = $tid{MEL} WHERE tenant_id = $ben"
		. " RETURNING 1) SELECT 'n=' || count(*) FROM u"), qr/^(0|refused)$/,
		"$t: no row moves to another tenant");
	is($pg->psql("SELECT count(*) FROM $t WHERE tenant_id <> $ben"), $others,
		"$t: other tenants' rows all still there");
	note("$t: no rows of other tenants to test against") if $others == 0;
}
done_testing();
