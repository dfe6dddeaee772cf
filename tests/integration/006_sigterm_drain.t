#!/usr/bin/perl
# SIGTERM lets a request that is in flight finish, then exits 0.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use IO::Socket::INET;
use Time::HiRes qw(sleep);
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg);

# Start a request whose body has not fully arrived yet.
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $d->{port}) or die $!;
print $s "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc";
$s->flush;
sleep 0.3;
kill 'TERM', $d->pid;
sleep 0.5;
ok($d->alive, 'still alive while a request is in flight');

# New connections are no longer accepted.
my $n = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $d->{port}, Timeout => 2);
ok(!$n || !defined(eval { print $n "GET /healthz HTTP/1.0\r\n\r\n"; scalar <$n> }),
	'no new requests served while draining');

print $s "def";
$s->flush;
my $resp = read_response($s);
like($resp, qr{^HTTP/1\.1 200}, 'the in-flight request completes with 200');
like($resp, qr/Connection: close/i, 'and is told the connection closes');
close($s);

ok(wait_for(sub { !$d->alive }, 10), 'exits after the drain');
is($d->stop >> 8, 0, 'exit status 0');
like($d->log, qr/stopped/, 'logs that it stopped');
done_testing();
