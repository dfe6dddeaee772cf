#!/usr/bin/perl
# The identity cache: a token's lookup is trusted for [auth] cache_ms, but
# whatever changes who someone is through sdesk (logout, a role granted)
# takes effect at once.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1, sections => { auth => { cache_ms => 60000 } });
my $pw = 'Brygga-Tistel-Lampa-83';
local_account($d->{conf}, 'BEN', 'extern.ola', $pw, '--name', 'Ola Extern', '--kind', 'external',
	'--expires', '2099-01-01', '--role', 'employee');
local_account($d->{conf}, 'AMA', 'adm-test', 'Fyrtorn-Lingon-Kompass-47', '--name', 'Adm Test',
	'--kind', 'privileged', '--role', 'admin:*');
my $admin = session_for($d, 'AMA', 'adm-test', 'Fyrtorn-Lingon-Kompass-47');

my ($r, $h) = login_as($d, 'BEN', 'extern.ola', $pw);
is(http(GET => $d->url('/api/v1/session'), headers => $h)->{status}, 200, 'looked up once');
$pg->psql("UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL AND person_id ="
	. " (SELECT id FROM people WHERE login = 'extern.ola')");
is(http(GET => $d->url('/api/v1/session'), headers => $h)->{status}, 200,
	'a change made behind sdesk is seen only after cache_ms (the cache works)');

my ($r2, $h2) = login_as($d, 'BEN', 'extern.ola', $pw);
is(http(GET => $d->url('/api/v1/session'), headers => $h2)->{status}, 200, 'second session');
is(http(DELETE => $d->url('/api/v1/session'), headers => $h2)->{status}, 204, 'logout');
is(http(GET => $d->url('/api/v1/session'), headers => $h2)->{status}, 401,
	'a logout through sdesk takes effect at once');

my ($r3, $h3) = login_as($d, 'BEN', 'extern.ola', $pw);
my $s = http(GET => $d->url('/api/v1/session'), headers => $h3)->{json};
ok(!grep({ $_->{role} eq 'manager' } @{ $s->{roles} }), 'not a manager yet');
my $pid = $s->{person}{id};
$r = http(POST => $d->url("/api/v1/people/$pid/roles"), headers => $admin,
	body => { role => 'manager', tenant => 'BEN' });
is($r->{status}, 201, 'administrator grants the manager role') or diag($r->{content});
$s = http(GET => $d->url('/api/v1/session'), headers => $h3)->{json};
ok(grep({ $_->{role} eq 'manager' } @{ $s->{roles} }), 'the new role shows at once');
done_testing();
