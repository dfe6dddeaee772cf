#!/usr/bin/perl
# Bad requests get a clear error with the one body shape, a stable code from
# the registry and the right status: 404, 405 with Allow, 413, 414.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use IO::Socket::INET;
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, sections => { http => { max_body => 2048 } });

sub error_shape {
	my ($r, $status, $code, $name) = @_;
	is($r->{status}, $status, "$name: status $status");
	is($r->{json}{error}{code}, $code, "$name: code $code");
	ok(length($r->{json}{error}{message} // '') > 5, "$name: has a message");
	ok(exists $r->{json}{error}{field}, "$name: has a field member");
	is(join(',', sort keys %{ $r->{json} }), 'error', "$name: only an error member");
}

error_shape(http(GET => $d->url('/no/such/thing')), 404, 'not_found', 'unknown path');
error_shape(http(GET => $d->url('/api/v1/tenants/XYZ')), 401, 'unauthenticated',
	'protected path without a session');
error_shape(http(GET => $d->url('/api/v1/tenants/')), 404, 'not_found', 'trailing slash');

my $r = http(DELETE => $d->url('/healthz'));
error_shape($r, 405, 'method_not_allowed', 'wrong method');
is($r->{headers}{allow}, 'GET, HEAD', 'Allow lists the methods that work');

$r = http(OPTIONS => $d->url('/api/v1/tenants'));
is($r->{status}, 405, 'unknown method on a known path: 405');

$r = http(GET => $d->url('/healthz'), body => 'x' x 4096);
error_shape($r, 413, 'body_too_large', 'body over max_body');

$r = http(GET => $d->url('/' . ('a' x 3000)));
error_shape($r, 414, 'uri_too_long', 'very long URI');

# Swedish by default, English when asked for.
$r = http(GET => $d->url('/nope'));
like($r->{json}{error}{message}, qr/finns inte/, 'Swedish message by default');
$r = http(GET => $d->url('/nope'), headers => { 'accept-language' => 'en-GB,en;q=0.9,sv;q=0.5' });
like($r->{json}{error}{message}, qr/does not exist/, 'English when preferred');
$r = http(GET => $d->url('/nope'), headers => { 'accept-language' => 'en;q=0.3, sv' });
like($r->{json}{error}{message}, qr/finns inte/, 'Swedish when ranked higher');

# A chunked upload over the limit (no Content-Length to refuse up front).
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $d->{port}) or die $!;
print $s "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
print $s sprintf("%x\r\n%s\r\n", 1000, 'y' x 1000) for 1 .. 4;
print $s "0\r\n\r\n";
my $resp = read_response($s);
like($resp, qr{^HTTP/1\.1 413}, 'chunked body over the limit: 413');
close($s);

ok(http(GET => $d->url('/healthz'))->{status} == 200, 'still serving after bad requests');
is($d->stop, 0, 'exits 0');
done_testing();
