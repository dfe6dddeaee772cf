#!/usr/bin/perl
# The daemon comes up against a fresh database, applies the migrations
# itself, answers /healthz, stamps a request id and logs the access.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg);

my $r = http(GET => $d->url('/healthz'));
is($r->{status}, 200, 'healthz answers 200');
is($r->{json}{status}, 'ok', 'healthz body says ok');
like($r->{headers}{'x-request-id'} // '', qr/^[0-9a-f]{32}$/, 'request id on the response');
is($r->{headers}{'x-content-type-options'}, 'nosniff', 'nosniff on every response');

my $r2 = http(GET => $d->url('/healthz'));
isnt($r2->{headers}{'x-request-id'}, $r->{headers}{'x-request-id'}, 'request ids differ');

my $head = http(HEAD => $d->url('/healthz'));
is($head->{status}, 200, 'HEAD is served like GET');

like($d->log, qr/access: "GET \/healthz" 200 \d+ [0-9.]+s id=$r->{headers}{'x-request-id'}/,
	'access log line names method, path, status and request id');
like($d->log, qr/applied 001_base\.sql/, 'migrations applied at start-up');
my @migrations = glob(top() . '/daemon/sql/*.sql');
is($pg->psql('SELECT count(*) FROM schema_migrations'), scalar @migrations,
	'schema_migrations records every migration');

is($d->stop, 0, 'SIGTERM: exits 0');
like($d->log, qr/signal 15: draining/, 'logs the drain');

# A second start applies nothing again.
my $d2 = daemon_start($pg);
unlike($d2->log, qr/applied 001/, 'second start applies no migration again');
is($d2->stop, 0, 'second daemon stops cleanly');

done_testing();
