#!/usr/bin/perl
# A warning never fires in closed time: on Saturday 7 March 2026 10:00
# ([sla] now), a ticket filed Friday 15:00 reaches 75 % of its 4-hour
# first response on Monday 09:30, and one filed Friday 09:00, whose
# thresholds passed on Friday while nobody looked, is warned about at
# Monday's opening, 07:30 - not on Saturday and not at midnight.  The
# scheduler runs and must leave them all alone until then.
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
	sections => { sla => { now => '2026-03-07T10:00:00+01:00', poll_ms => 100 } });

sub file {
	my ($when) = @_;
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => "Filed $when", requester => $id->{'elin.frisk'},
		channel => 'phone', impact => 2, urgency => 2 });
	die "create: $r->{content}" unless $r->{status} == 201;
	retime($pg, $r->{json}{number}, [last_event($pg), $when]);
	recompute($d, '--ticket', $r->{json}{number});
	return $r->{json}{number};
}

sub due {
	my ($n, $clock, $threshold) = @_;
	return $pg->psql("SELECT to_char(w.due_at AT TIME ZONE 'Europe/Stockholm',"
		. " 'Dy YYYY-MM-DD HH24:MI') FROM sla_warnings w JOIN tickets t ON t.id = w.ticket_id"
		. " WHERE t.number = '$n' AND w.clock = '$clock' AND w.threshold = $threshold");
}

my $late = file('2026-03-06 15:00');
# First response 4 h: Friday 15:00-16:00, then Monday from 07:30.
is(due($late, 'first_response', 75), 'Mon 2026-03-09 09:30', '75 % when reached: Monday 09:30');
is(due($late, 'first_response', 100), 'Mon 2026-03-09 10:30', '100 % Monday 10:30');
# Resolution 75 % = 20.25 h: Friday 1 h, Monday 9 h, Tuesday 9 h, Wednesday 1.25 h.
is(due($late, 'resolution', 75), 'Wed 2026-03-11 08:45', 'resolution 75 % Wednesday 08:45');

my $early = file('2026-03-06 09:00');
# 75 % (3 h) was Friday 12:00 and 100 % Friday 13:00, before now.
is(due($early, 'first_response', 75), 'Mon 2026-03-09 07:30', 'passed Friday: Monday 07:30');
is(due($early, 'first_response', 100), 'Mon 2026-03-09 07:30', 'the 100 % one too');
is($pg->psql("SELECT count(*) FROM sla_warnings WHERE due_at IS NOT NULL AND ("
	. "extract(isodow FROM due_at AT TIME ZONE 'Europe/Stockholm') > 5 OR"
	. " (due_at AT TIME ZONE 'Europe/Stockholm')::time < '07:30')"), 0,
	'no warning due on a weekend or at night');

sleep 1.5;
is($pg->psql('SELECT count(*) FROM sla_warnings WHERE fired_at IS NOT NULL'), 0,
	'the scheduler fires nothing on Saturday');
is($pg->psql("SELECT count(*) FROM ticket_events WHERE kind = 'sla_warning'"), 0,
	'no warning events');

$d->stop;
done_testing();
