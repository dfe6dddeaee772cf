#!/usr/bin/perl
# A new ticket's clocks are computed before the ticket is written, from
# what the create knows (012_create_speed.sql): they must be exactly what
# a recompute of the stored ticket gives.  The SLA rules a daemon keeps
# are read again as soon as an administrator changes a policy, an OLA
# target or a calendar; and the insert-only store of first clocks refuses
# any ticket its transaction did not create.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use POSIX qw(strftime);
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

# The clocks are evaluated ten minutes from now, by both paths alike.
my $now = strftime('%Y-%m-%dT%H:%M:%S+00:00', gmtime(time + 600));
my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { now => $now, scheduler => 'no' } });

sub file {
	my ($who, %o) = @_;
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{$who},
		body => { subject => 'Skrivaren skriver inte ut', %o });
	die "create: $r->{content}" unless $r->{status} == 201;
	return $r->{json}{number};
}

# Everything stored about a ticket's clocks, as one JSON text.
sub stored {
	my ($n) = @_;
	my $t = "(SELECT id FROM tickets WHERE number = '$n')";
	return $pg->psql("SELECT json_build_object('due', (SELECT sla_due FROM tickets"
		. " WHERE number = '$n'), 'clocks', (SELECT json_agg(json_build_array(kind,"
		. " calendar_id, state, target_s, elapsed_s, evaluated_at, due_at, breached_at,"
		. " stopped_at, cycle, type, priority, service_id, met, closed_at) ORDER BY kind)"
		. " FROM sla_clocks WHERE ticket_id = $t), 'warnings', (SELECT"
		. " json_agg(json_build_array(clock, cycle, threshold, due_at, fired_at) ORDER BY"
		. " clock, cycle, threshold) FROM sla_warnings WHERE ticket_id = $t), 'regulatory',"
		. " (SELECT json_agg(json_build_array(kind, aware_at, deadline, reported_at) ORDER"
		. " BY kind) FROM regulatory_reports WHERE ticket_id = $t))");
}

my $r = http(POST => $d->url('/api/v1/vip'), headers => $h->{'karin.wall'},
	body => { person => $id->{'goran.hed'}, reason => 'Kommunchef' });
is($r->{status}, 200, 'a VIP') or diag($r->{content});

my %cases = (
	'an employee files an incident' => ['elin.frisk', type => 'incident'],
	'first line registers a phone call' => ['sara.ek', type => 'question',
		requester => $id->{'lisa.nord'}, channel => 'phone', impact => 1, urgency => 2],
	'a VIP files one (priority one step up)' => ['goran.hed', type => 'incident'],
	'a security incident with a breach' => ['sara.ek', type => 'security_incident',
		personal_data_breach => JSON::PP::true, requester => $id->{'elin.frisk'},
		channel => 'phone'],
	'a ticket routed to second line' => ['sara.ek', type => 'incident',
		requester => $id->{'elin.frisk'}, queue => 'identity', channel => 'phone'],
);
for my $case (sort keys %cases) {
	my ($who, @body) = @{ $cases{$case} };
	my $n = file($who, @body);
	my $first = stored($n);
	my $s = JSON::PP->new->decode($first);
	ok(@{ $s->{clocks} || [] } >= 2, "$case: clocks stored with the ticket") or diag($first);
	ok(@{ $s->{warnings} || [] } >= 2, "$case: and their warnings");
	ok(defined $s->{due}, "$case: the ticket's nearest deadline written with it");
	is($pg->psql("SELECT t.sla_due = min(c.due_at) FROM tickets t JOIN sla_clocks c ON"
		. " c.ticket_id = t.id AND c.state = 'running' WHERE t.number = '$n' GROUP BY"
		. " t.sla_due"), 't', "$case: the nearest running clock's");
	recompute($d, '--ticket', $n);
	is(stored($n), $first, "$case: a recompute of the stored ticket changes nothing");
}
my $sec = JSON::PP->new->decode(stored(
	$pg->psql("SELECT number FROM tickets WHERE type = 'security_incident'")));
is(scalar @{ $sec->{regulatory} || [] }, 4, 'NIS2 and IMY deadlines from the start');

# The rules kept are read again when the configuration moves.
sub resolution_target {
	my ($n) = @_;
	return $pg->psql("SELECT target_s FROM sla_clocks WHERE kind = 'resolution' AND ticket_id"
		. " = (SELECT id FROM tickets WHERE number = '$n')");
}
my $before = resolution_target(file('elin.frisk', type => 'incident'));
my $stamp = $pg->psql('SELECT n FROM sla_config_stamp');
$pg->psql("UPDATE sla_policies SET resolution_minutes = resolution_minutes + 60"
	. " WHERE type = 'incident' AND tenant_id IS NULL AND service_id IS NULL");
cmp_ok($pg->psql('SELECT n FROM sla_config_stamp'), '>', $stamp, 'a policy change moves the stamp');
is(resolution_target(file('elin.frisk', type => 'incident')), $before + 3600,
	'the next ticket gets the changed target at once');
for my $sql ("UPDATE ola_targets SET target_minutes = target_minutes + 1",
	"UPDATE sla_calendars SET version = version + 1 WHERE code = 'dalsland'")
{
	$stamp = $pg->psql('SELECT n FROM sla_config_stamp');
	$pg->psql($sql);
	cmp_ok($pg->psql('SELECT n FROM sla_config_stamp'), '>', $stamp, "stamp moves: $sql");
}
my $nothing = $pg->psql('SELECT n FROM sla_config_stamp');
$pg->psql("UPDATE sla_policies SET resolution_minutes = resolution_minutes WHERE false");
cmp_ok($pg->psql('SELECT n FROM sla_config_stamp'), '>', $nothing,
	'any statement on the rules moves it (it cannot tell a no-op)');

# Only the ticket the transaction created takes first clocks.
my $old = $pg->psql("SELECT id FROM tickets ORDER BY id LIMIT 1");
my $out = $pg->psql("SELECT sdesk_sla_first('{\"ticket\": $old, \"clocks\": [],"
	. " \"warnings\": [], \"regulatory\": []}')", user => 'sdesk_app', ok_fail => 1);
like($out, qr/was not created by this transaction/, 'first clocks refused for an old ticket');
is($pg->psql("SELECT count(*) FROM sla_clocks WHERE ticket_id = $old") > 0, 1,
	'its clocks untouched');

done_testing();
