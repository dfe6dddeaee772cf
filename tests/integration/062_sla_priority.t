#!/usr/bin/perl
# A priority change recomputes the clocks: the new priority's target
# applies to the whole clock (the ticket was misjudged, not changed), so a
# P4 raised to P1 after two hours can already be late.  Looked at from
# Monday 2 March 2026 13:00.
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
	sections => { sla => { now => '2026-03-02T13:00:00+01:00', scheduler => 'no' } });

my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
	type => 'incident', subject => 'Nätet nere på Kroppefjäll', requester => $id->{'elin.frisk'},
	channel => 'phone', impact => 3, urgency => 3 });
is($r->{json}{priority}, 4, 'filed as P4');
my $n = $r->{json}{number};
my $filed = last_event($pg);
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 1, impact => 1, urgency => 1 });
is($r->{json}{priority}, 1, 'raised to P1');
my @history = map { $_->{kind} } @{ http(GET => $d->url("/api/v1/tickets/$n/history"),
	headers => $h->{'sara.ek'})->{json}{history} };
ok(grep({ $_ eq 'priority' } @history), 'the change is in the history');

# Filed 08:00, raised at 10:00; before the raise the P4 targets apply.
retime($pg, $n, [$filed, '2026-03-02 08:00'], [last_event($pg), '2026-03-02 10:00']);
recompute($d, '--ticket', $n);
my $t = ticket_of($d, $h->{'sara.ek'}, $n);
is($t->{sla}{resolution}{target_minutes}, 240, 'the P1 resolution target (4 h)');
is($t->{sla}{resolution}{elapsed_minutes}, 300, '5 h since filing');
is($t->{sla}{resolution}{remaining_minutes}, -60, 'an hour late already');
ok($t->{sla}{resolution}{breached}, 'breached');
is($t->{sla}{resolution}{due_at}, '2026-03-02T11:00:00Z', 'it ran out at 12:00');
is($t->{sla}{next_update}{target_minutes}, 60, 'P1 next update every hour');
is($t->{sla}{first_response}{target_minutes}, 30, 'P1 first response 30 min');

# With the raise moved to 14:00, after now (13:00), it does not count yet.
my $v = $pg->psql("SELECT version FROM tickets WHERE number = '$n'");
$pg->psql("UPDATE ticket_events SET at = '2026-03-02 14:00+01' WHERE kind = 'priority'");
recompute($d, '--ticket', $n);
$t = ticket_of($d, $h->{'sara.ek'}, $n);
is($t->{sla}{resolution}{target_minutes}, 2700, 'a raise after now does not count yet: P4');
is($t->{sla}{resolution}{remaining_minutes}, 2700 - 300, 'P4: 40 h left');
is($pg->psql("SELECT version FROM tickets WHERE number = '$n'"), $v,
	'recomputing does not change the ticket');

$d->stop;
done_testing();
