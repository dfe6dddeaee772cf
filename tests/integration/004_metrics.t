#!/usr/bin/perl
# GET /metrics is valid Prometheus text (checked by promtool) and counts
# requests by route and status.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempfile);
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg);

http(GET => $d->url('/healthz')) for 1 .. 3;
http(GET => $d->url('/nowhere'));
http(POST => $d->url('/healthz'));
my $r = http(GET => $d->url('/metrics'));
is($r->{status}, 200, 'metrics answers');
like($r->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'exposition content type');
my $m = $r->{content};
like($m, qr/^sdesk_http_requests_total\{route="\/healthz",method="GET",status="200"\} 3$/m,
	'healthz requests counted by route and status');
like($m, qr/^sdesk_http_requests_total\{route="unmatched",method="",status="404"\} 1$/m,
	'unmatched paths counted under one label');
like($m, qr/^sdesk_http_requests_total\{route="unmatched",method="",status="405"\} 1$/m,
	'405 counted');
like($m, qr/^sdesk_http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} 3$/m,
	'latency histogram');
like($m, qr/^sdesk_db_pool_connections \d+$/m, 'pool size');
like($m, qr/^sdesk_db_pool_in_use \d+$/m, 'pool in use');
like($m, qr/^sdesk_db_reconnects_total 0$/m, 'no reconnects yet');

SKIP: {
	skip 'promtool not installed (configure installs it)', 2 unless have_prog('promtool');
	my ($fh, $file) = tempfile();
	print $fh $m;
	close($fh);
	my $out = `promtool check metrics < $file 2>&1`;
	is($? >> 8, 0, 'promtool check metrics passes') or diag($out);
	is($out, '', 'promtool has no complaints') or diag($out);
}
is($d->stop, 0, 'exits 0');
done_testing();
