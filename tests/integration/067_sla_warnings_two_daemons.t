#!/usr/bin/perl
# Warnings fire once, at the right moment, with two sdeskd running against
# one database.  A P1 incident policy with a 12-second resolution target on
# the 24/7 calendar: the 75 % warning is due 9 s after filing, the 100 %
# one 12 s after.  Fifty tickets, so that both daemons' schedulers race
# for a hundred warnings coming due within a second or two: each must fire
# exactly once, with one staff-only sla_warning event and one outbox row.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Time::HiRes qw(time);
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

my %sla = (sla => { poll_ms => 50 });
my ($a, $pg, $h, $id) = ticket_world(sections => \%sla);
my $b = daemon_start($pg, sections => { %sla, auth => { mfa_roles => 'admin', cache_ms => 0 } });
ok($a->alive && $b->alive, 'two daemons on one database');
$pg->psql("UPDATE sla_policies SET calendar_id = (SELECT id FROM sla_calendars WHERE code ="
	. " '24x7'), first_response_minutes = NULL, next_update_minutes = NULL,"
	. " resolution_minutes = 0.2 WHERE type = 'incident' AND priority = 1");
$pg->psql('DELETE FROM ola_targets');

my $t0 = time;
my @num;
for my $i (1 .. 50) {
	my $r = http(POST => $a->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => "Brådskande $i", requester => $id->{'elin.frisk'},
		channel => 'phone', impact => 1, urgency => 1 });
	die "create: $r->{content}" unless $r->{status} == 201;
	push @num, $r->{json}{number};
}
my $t = ticket_of($a, $h->{'sara.ek'}, $num[0]);
is($t->{sla}{resolution}{target_minutes}, 0.2, 'a target of 12 seconds');
is_deeply([sort keys %{ $t->{sla} }], ['resolution'], 'the only clock of that policy');
is($pg->psql("SELECT count(*) FROM sla_warnings"), 100, 'two warnings armed per ticket');
is($pg->psql("SELECT string_agg(DISTINCT (extract(epoch FROM w.due_at) - floor(extract(epoch"
	. " FROM t.created_at)))::int || '/' || w.threshold, ',')"
	. " FROM sla_warnings w JOIN tickets t ON t.id = w.ticket_id"), '12/100,9/75',
	'due 9 s (75 %) and 12 s (100 %) after filing');

my $all = wait_for(sub {
	$pg->psql('SELECT count(*) FROM sla_warnings WHERE fired_at IS NOT NULL') == 100 }, 40);
ok($all, sprintf('all hundred fired within %.1f s of the first filing', time - $t0));
sleep 1; # let a double firing, if there were one, show
is($pg->psql("SELECT count(*) FROM ticket_events WHERE kind = 'sla_warning'"), 100,
	'a hundred sla_warning events');
is($pg->psql("SELECT count(*) FROM (SELECT ticket_id, data->>'clock', data->>'threshold'"
	. " FROM ticket_events WHERE kind = 'sla_warning' GROUP BY 1, 2, 3"
	. " HAVING count(*) <> 1) x"), 0, 'exactly one event per ticket, clock and threshold');
is($pg->psql("SELECT count(*) FROM ticket_events WHERE kind = 'sla_warning' AND public"), 0,
	'staff only');
is($pg->psql("SELECT count(*) FROM notifications_outbox WHERE kind = 'sla_warning'"
	. " AND sent_at IS NULL"), 100,
	'a hundred notifications waiting in the outbox');
is($pg->psql("SELECT count(DISTINCT (payload->>'ticket', payload->>'threshold'))"
	. " FROM notifications_outbox"), 100, 'one per ticket and threshold');
is($pg->psql("SELECT count(*) FROM notifications_outbox o JOIN tickets t ON t.id = o.ticket_id"
	. " WHERE o.payload->>'ticket' = t.number AND o.payload->>'clock' = 'resolution'"), 100,
	'naming the ticket and the clock');
is($pg->psql('SELECT count(*) FROM sla_warnings WHERE fired_at < due_at'), 0, 'none too early');
is($pg->psql("SELECT count(*) FROM sla_warnings WHERE fired_at > due_at + interval '5 s'"), 0,
	'none more than 5 s late (on a busy machine)');
diag('fired by: ' . join(', ', split /\n/, $pg->psql(
	'SELECT fired_by || ' . "' x '" . ' || count(*) FROM sla_warnings GROUP BY fired_by')));

my $q = http(GET => $b->url('/api/v1/queues/first_line/tickets?limit=100'),
	headers => $h->{'sara.ek'});
is(scalar(grep { ($_->{sla}{resolution}{warning} // 0) == 100 } @{ $q->{json}{tickets} }), 50,
	'the queue shows each ticket warned at 100 %');

# A change recomputes the clock; a fired warning is never armed again.
$t = ticket_of($a, $h->{'sara.ek'}, $num[0]);
my $r = http(PATCH => $b->url("/api/v1/tickets/$num[0]"), headers => $h->{'sara.ek'},
	body => { version => $t->{version}, status => 'in_progress' });
is($r->{status}, 200, 'a change through the other daemon');
ok($r->{json}{sla}{resolution}{breached}, 'the clock is breached');
sleep 1;
is($pg->psql("SELECT count(*) FROM ticket_events WHERE kind = 'sla_warning'"), 100,
	'and nothing fires twice');

is($a->stop, 0, 'the first daemon stops cleanly');
is($b->stop, 0, 'and the second');
done_testing();
