#!/usr/bin/perl
# PostgreSQL goes away: /healthz says 503 with a clear code, and when the
# server is back the daemon reconnects by itself.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);

is(http(GET => $d->url('/healthz'))->{status}, 200, 'healthy at first');
is(http(GET => $d->url('/api/v1/tenants'))->{status}, 200, 'tenants readable');

$pg->stop('immediate');
my $r = http(GET => $d->url('/healthz'));
is($r->{status}, 503, 'database gone: healthz 503');
is($r->{json}{error}{code}, 'db_unavailable', 'code db_unavailable');
$r = http(GET => $d->url('/api/v1/tenants'));
is($r->{status}, 503, 'database gone: API 503');
is($r->{json}{error}{code}, 'db_unavailable', 'API code db_unavailable');
ok($d->alive, 'sdeskd keeps running');

$pg->start;
$r = http(GET => $d->url('/healthz'));
is($r->{status}, 200, 'database back: healthz 200 without restarting sdeskd');
is(http(GET => $d->url('/api/v1/tenants'))->{status}, 200, 'API works again');

my $m = http(GET => $d->url('/metrics'))->{content};
my ($reconnects) = $m =~ /^sdesk_db_reconnects_total (\d+)$/m;
ok(defined $reconnects && $reconnects > 0, "reconnects counted ($reconnects)");
is($d->stop, 0, 'exits 0');
done_testing();
