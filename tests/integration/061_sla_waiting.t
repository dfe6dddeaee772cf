#!/usr/bin/perl
# Waiting for the requester pauses every clock (business time does not
# count); waiting for a supplier pauses only where the policy says so
# (requests, not incidents).  Looked at from Tuesday 3 March 2026 12:00.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(
	sections => { sla => { now => '2026-03-03T12:00:00+01:00', scheduler => 'no' } });

sub file {
	my ($type) = @_;
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => $type, subject => "Väntar ($type)", requester => $id->{'elin.frisk'},
		channel => 'phone', impact => 2, urgency => 2 });
	die "create: $r->{content}" unless $r->{status} == 201;
	return ($r->{json}{number}, last_event($pg));
}

sub status {
	my ($n, $to) = @_;
	my $t = ticket_of($d, $h->{'sara.ek'}, $n);
	my $r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
		body => { version => $t->{version}, status => $to });
	die "PATCH $n $to: $r->{content}" unless $r->{status} == 200;
	return last_event($pg);
}

sub clocks {
	my ($n) = @_;
	recompute($d, '--ticket', $n);
	return http(GET => $d->url("/api/v1/tickets/$n/sla"), headers => $h->{'sara.ek'})->{json};
}

# Filed Monday 08:00, waiting for Elin from 09:00; she answers Tuesday 10:00.
my ($a, $filed) = file('incident');
my $wait = status($a, 'waiting_requester');
my $r = http(POST => $d->url("/api/v1/tickets/$a/entries"), headers => $h->{'elin.frisk'},
	body => { body => 'Nu har jag startat om datorn.' });
is($r->{status}, 201, 'the requester answers');
is(ticket_of($d, $h->{'sara.ek'}, $a)->{status}, 'in_progress', 'which puts it back to work');
retime($pg, $a, [$filed, '2026-03-02 08:00'], [$wait, '2026-03-02 09:00'],
	[last_event($pg), '2026-03-03 10:00']);
my $c = clocks($a);
is($c->{clocks}{resolution}{elapsed_minutes}, 180, 'Monday 08-09 and Tuesday 10-12: 3 h');
is($c->{clocks}{resolution}{state}, 'running', 'running again');
# 27 h - 3 h = 24 h: Tuesday 4.5 h, Wednesday 9 h, Thursday 9 h, Friday 1.5 h.
is($c->{clocks}{resolution}{due_at}, '2026-03-06T08:00:00Z', 'due Friday 09:00');
is($c->{clocks}{next_update}{elapsed_minutes}, 180, 'next update paused as well');
is($c->{clocks}{first_response}{state}, 'stopped', 'setting the status was the first response');
is($c->{clocks}{first_response}{elapsed_minutes}, 60, 'after 1 h');

# Still waiting: paused, no due time, no warning pending.
my ($b, $bfiled) = file('incident');
my $bwait = status($b, 'waiting_requester');
retime($pg, $b, [$bfiled, '2026-03-02 08:00'], [$bwait, '2026-03-02 09:00']);
$c = clocks($b);
is($c->{clocks}{resolution}{state}, 'paused', 'waiting for the requester: paused');
is($c->{clocks}{resolution}{elapsed_minutes}, 60, 'only the hour before it');
is($c->{clocks}{resolution}{due_at}, undef, 'no due time while paused');
is(scalar(grep { defined $_->{due_at} && $_->{clock} eq 'resolution' } @{ $c->{warnings} }), 0,
	'no pending warning while paused');
my $q = ticket_of($d, $h->{'sara.ek'}, $b);
is($q->{sla}{resolution}{state}, 'paused', 'the ticket shows it paused');
is($pg->psql("SELECT sla_due IS NULL FROM tickets WHERE number = '$b'"), 't',
	'and it has no deadline in the queue');

# Waiting for a supplier from Monday 09:00: a request pauses, an incident not.
my ($inc, $ifiled) = file('incident');
my $iwait = status($inc, 'waiting_supplier');
retime($pg, $inc, [$ifiled, '2026-03-02 08:00'], [$iwait, '2026-03-02 09:00']);
my ($req, $rfiled) = file('request');
my $rwait = status($req, 'waiting_supplier');
retime($pg, $req, [$rfiled, '2026-03-02 08:00'], [$rwait, '2026-03-02 09:00']);
$c = clocks($inc);
is($c->{clocks}{resolution}{state}, 'running', 'incident waiting for a supplier: still running');
is($c->{clocks}{resolution}{elapsed_minutes}, 780, 'Monday 8.5 h + Tuesday 4.5 h');
$c = clocks($req);
is($c->{clocks}{resolution}{state}, 'paused', 'request waiting for a supplier: paused');
is($c->{clocks}{resolution}{elapsed_minutes}, 60, 'only Monday 08-09');

$d->stop;
done_testing();
