#!/usr/bin/perl
# Clocks on real tickets over Easter and over a weekend with the switch to
# summer time, looked at from Tuesday 7 April 2026 09:00 ([sla] now).  The
# Dalsland desk: Mon-Thu 07:30-16:30, Fri 07:30-16:00, halvdagar
# 07:30-12:00; P3 targets: first response 4 h, next update 8 h, resolution
# 27 h (1620 min), first line 4 h.
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
	sections => { sla => { now => '2026-04-07T09:00:00+02:00', scheduler => 'no' } });

sub file {
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => shift, requester => $id->{'elin.frisk'},
		channel => 'phone', impact => 2, urgency => 2 });
	die "create: $r->{content}" unless $r->{status} == 201;
	return $r->{json}{number};
}

# A: filed Wednesday 1 April 15:00, before Easter.
my $a = file('Verksamhetssystemet är segt');
retime($pg, $a, [last_event($pg), '2026-04-01 15:00']);
like(recompute($d, '--ticket', $a), qr/recomputed 1 ticket/, 'sdeskctl sla recompute --ticket');

my $t = ticket_of($d, $h->{'sara.ek'}, $a);
is($t->{priority}, 3, 'impact 2 × urgency 2 = P3');
my $res = $t->{sla}{resolution};
# Wednesday 1.5 h, skärtorsdagen (halvdag) 4.5 h, långfredagen and annandag
# påsk closed, Tuesday from 07:30 to 09:00 1.5 h: 7.5 h.
is($res->{state}, 'running', 'resolution running');
is($res->{target_minutes}, 1620, 'P3 resolution target 1620 business minutes');
is($res->{elapsed_minutes}, 450, '7.5 h of business time over Easter');
is($res->{remaining_minutes}, 1170, '19.5 h remaining');
# 19.5 h more: Tuesday to 16:30 (7.5 h), Wednesday 9 h, Thursday 3 h.
is($res->{due_at}, '2026-04-09T08:30:00Z', 'due Thursday 9 April 10:30 local');
ok(!$res->{breached}, 'not breached');
my $fr = $t->{sla}{first_response};
# 4 h: Wednesday 1.5 h + Thursday 2.5 h = Thursday 10:00.
is($fr->{remaining_minutes}, -210, 'first response breached by 3.5 h');
is($fr->{due_at}, '2026-04-02T08:00:00Z', 'it ran out on skärtorsdagen 10:00');
ok($fr->{breached}, 'first response breached');
is($t->{sla}{next_update}{remaining_minutes}, 30, 'next update: 30 min left');
is($t->{sla}{ola_line1}{elapsed_minutes}, 450, 'first line has held it 7.5 h');
ok(!exists $t->{sla}{ola_line2}, 'no second-line clock before an escalation');

my $live = http(GET => $d->url("/api/v1/tickets/$a/sla"), headers => $h->{'sara.ek'});
is($live->{status}, 200, 'GET /tickets/{number}/sla');
is($live->{json}{clocks}{resolution}{elapsed_minutes}, 450, 'evaluated live: the same 7.5 h');
is($live->{json}{clocks}{resolution}{calendar}, 'dalsland', 'on the Dalsland calendar');
# 75 % = 20.25 h: 7.5 h by now, Tuesday 7.5 h more, Wednesday 07:30 + 5.25 h.
is_deeply([map { $_->{reached_at} } @{ $live->{json}{clocks}{resolution}{thresholds} }],
	['2026-04-08T10:45:00Z', '2026-04-09T08:30:00Z'], '75 % Wednesday 12:45, 100 % Thursday 10:30');
is_deeply($live->{json}{regulatory}, [], 'no reporting deadlines for an incident');

my $mine = ticket_of($d, $h->{'elin.frisk'}, $a);
ok($mine && !exists $mine->{sla}, 'the requester does not see the clocks');

# B: filed Friday 27 March 14:00 (CET), resolved Monday 30 March 10:00 (CEST).
my $b = file('Skrivaren i receptionen');
my $filed = last_event($pg);
my $r = http(PATCH => $d->url("/api/v1/tickets/$b"), headers => $h->{'sara.ek'}, body => {
	version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Ny toner.' });
is($r->{status}, 200, 'resolved') or diag($r->{content});
retime($pg, $b, [$filed, '2026-03-27 14:00'], [last_event($pg), '2026-03-30 10:00']);
recompute($d, '--ticket', $b);
$live = http(GET => $d->url("/api/v1/tickets/$b/sla"), headers => $h->{'sara.ek'})->{json};
# Friday 14:00-16:00 2 h, nothing over the weekend or the lost hour of
# Sunday night, Monday 07:30-10:00 2.5 h.
is($live->{clocks}{resolution}{state}, 'stopped', 'resolved: stopped');
is($live->{clocks}{resolution}{elapsed_minutes}, 270, '4.5 h over the weekend and DST');
is($live->{clocks}{resolution}{due_at}, undef, 'a stopped clock has no due time');
is($live->{clocks}{first_response}{elapsed_minutes}, 270, 'the resolution was the first response');
is($live->{clocks}{first_response}{breached_at}, '2026-03-30T07:30:00Z',
	'first response (4 h) ran out Monday 09:30 CEST');
is(scalar(grep { defined $_->{due_at} } @{ $live->{warnings} }), 0,
	'a stopped ticket has no pending warnings');
is($pg->psql("SELECT sla_due FROM tickets WHERE number = '$b'"), '', 'nor a deadline in the queue');

$d->stop;
done_testing();
