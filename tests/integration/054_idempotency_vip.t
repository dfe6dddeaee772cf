#!/usr/bin/perl
# A retried create with the same Idempotency-Key returns the first ticket,
# even when the retries race; the common VIP list raises priority one step;
# the priority matrix is the administrators' to change.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();
my $body = { type => 'request', subject => 'Ny användare på Solgården' };
my $hk = { %{ $h->{'elin.frisk'} }, 'idempotency-key' => 'abc-123' };
my $r1 = http(POST => $d->url('/api/v1/tickets'), headers => $hk, body => $body);
is($r1->{status}, 201, 'first create: 201');
my $r2 = http(POST => $d->url('/api/v1/tickets'), headers => $hk, body => $body);
is($r2->{status}, 200, 'retry: 200');
is($r2->{json}{number}, $r1->{json}{number}, 'the same ticket');
is($r2->{headers}{'idempotent-replayed'}, 'true', 'marked as a replay');
is($pg->psql('SELECT count(*) FROM tickets'), '1', 'only one ticket');
my $r3 = http(POST => $d->url('/api/v1/tickets'), headers => $hk,
	body => { %$body, subject => 'Något annat' });
is($r3->{status}, 409, 'the same key with another body: 409');
my $r4 = http(POST => $d->url('/api/v1/tickets'),
	headers => { %{ $h->{'lisa.nord'} }, 'idempotency-key' => 'abc-123' }, body => $body);
is($r4->{status}, 201, "keys are per caller: Lisa's is her own");

# Racing retries: eight concurrent requests with one key make one ticket.
my @pids;
for my $i (1 .. 8) {
	my $pid = fork() // die;
	if ($pid == 0) {
		my $r = HTTP::Tiny->new->request('POST', $d->url('/api/v1/tickets'), {
			headers => { %{ $h->{'goran.hed'} }, 'idempotency-key' => 'race',
				'content-type' => 'application/json' },
			content => '{"type":"incident","subject":"Samtidigt"}' });
		POSIX::_exit($r->{status} == 201 || $r->{status} == 200 ? 0 : 1);
	}
	push @pids, $pid;
}
my $ok = 0;
for (@pids) { waitpid($_, 0); $ok++ if $? == 0 }
is($ok, 8, 'all eight racing requests answered 200 or 201');
is($pg->psql("SELECT count(*) FROM tickets WHERE subject = 'Samtidigt'"), '1',
	'and made exactly one ticket');

# VIP: one priority step up.
my $adm = 'Fyrtorn-Lingon-Kompass-47';
local_account($d->{conf}, 'AMA', 'adm-karin', $adm, '--name', 'Karin adm', '--kind',
	'privileged', '--role', 'admin:*');
my (undef, $ah) = login_as($d, 'AMA', 'adm-karin', $adm);
{
	# Administrators must enrol in MFA first.
	my $e = http(POST => $d->url('/api/v1/session/mfa/enrolment'), headers => $ah);
	my $c = http(POST => $d->url('/api/v1/session/mfa/enrolment/confirm'), headers => $ah,
		body => { code => totp_now($e->{json}{secret}) });
	$ah = { cookie => cookie_of($c), 'x-csrf-token' => $c->{json}{session}{csrf_token} };
}
my $r = http(POST => $d->url('/api/v1/vip'), headers => $h->{'karin.wall'},
	body => { person => $id->{'goran.hed'}, reason => 'Kommunchef' });
is($r->{status}, 200, 'team lead puts the municipal manager on the VIP list');
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'goran.hed'},
	body => { type => 'incident', subject => 'Telefonen fungerar inte' });
is($r->{json}{priority}, 3, 'P4 becomes P3 for a VIP');
ok($r->{json}{vip}, 'ticket marked VIP');
ok($r->{json}{requester}{vip}, 'requester shown as VIP');
is(http(POST => $d->url('/api/v1/vip'), headers => $h->{'elin.frisk'},
	body => { person => $id->{'elin.frisk'}, reason => 'x' })->{status}, 403,
	'employees cannot put themselves on it');
is(http(DELETE => $d->url("/api/v1/vip/$id->{'goran.hed'}"), headers => $h->{'karin.wall'})->{status},
	204, 'taken off the list');
like($pg->psql("SELECT string_agg(action, ',') FROM audit_log WHERE action LIKE 'vip.%'"),
	qr/vip\.add.*vip\.remove/, 'VIP changes audited');

# The matrix.
$r = http(GET => $d->url('/api/v1/priority-matrix'), headers => $h->{'elin.frisk'});
is_deeply($r->{json}{matrix}, [[1, 2, 3], [2, 3, 4], [3, 4, 4]], 'default matrix');
is(http(PUT => $d->url('/api/v1/priority-matrix'), headers => $h->{'karin.wall'},
	body => { matrix => [[1, 1, 2], [2, 3, 4], [3, 4, 4]] })->{status}, 403,
	'only administrators change it');
$r = http(PUT => $d->url('/api/v1/priority-matrix'), headers => $ah,
	body => { matrix => [[1, 1, 2], [2, 3, 4], [3, 4, 4]] });
is($r->{status}, 200, 'administrator changes it');
$r = http(PUT => $d->url('/api/v1/priority-matrix'), headers => $ah,
	body => { matrix => [[1, 1], [2, 3, 4], [3, 4, 4]] });
is($r->{json}{error}{field}, 'matrix', 'a malformed matrix is refused');
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'},
	body => { type => 'incident', subject => 'Nätet nere', impact => 1, urgency => 2,
	requester => $id->{'elin.frisk'} });
is($r->{json}{priority}, 1, 'new tickets follow the new matrix');
done_testing();
