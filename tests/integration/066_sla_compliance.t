#!/usr/bin/perl
# Compliance after tickets close: each clock records met or breached, and
# GET /api/v1/reports/sla counts them per tenant, service, priority, type
# and month; an IT contact sees only their own municipality.  Real time:
# one Färgelanda ticket is backdated three weeks before it is solved (late
# on every clock), the other is solved at once (in time on every clock), and
# one Bengtsfors ticket is solved at once.
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

my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });

sub close_ticket {
	my ($requester, $days_ago) = @_;
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => 'Uppföljning', requester => $id->{$requester},
		channel => 'phone' });
	die "create: $r->{content}" unless $r->{status} == 201;
	my $n = $r->{json}{number};
	if ($days_ago) {
		$pg->psql("UPDATE tickets SET created_at = created_at - interval '$days_ago days'"
			. " WHERE number = '$n'");
		$pg->psql("UPDATE ticket_events SET at = at - interval '$days_ago days' WHERE"
			. " ticket_id = (SELECT id FROM tickets WHERE number = '$n')");
	}
	$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'}, body => {
		version => 1, status => 'resolved', resolution_code => 'solved',
		resolution_text => 'Klart.' });
	die "resolve: $r->{content}" unless $r->{status} == 200;
	$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{$requester},
		body => { version => 2, status => 'closed' });
	die "close: $r->{content}" unless $r->{status} == 200;
	return ticket_of($d, $h->{'sara.ek'}, $n);
}

my $late = close_ticket('elin.frisk', 21);
is($late->{sla}{resolution}{met}, JSON::PP::false, 'three weeks late: resolution breached');
is($late->{sla}{first_response}{met}, JSON::PP::false, 'and the first response');
my $fast = close_ticket('elin.frisk', 0);
is($fast->{sla}{resolution}{met}, JSON::PP::true, 'solved at once: met');
close_ticket('lisa.nord', 0);
is($pg->psql('SELECT count(*) FROM sla_clocks WHERE met IS NOT NULL'), 12,
	'four clocks each of three closed tickets have a verdict');

sub report {
	my ($who, $query) = @_;
	return http(GET => $d->url("/api/v1/reports/sla$query"), headers => $h->{$who});
}
sub rows {
	my ($r) = @_;
	return { map { (($_->{key} // 'none') . "/$_->{clock}") => "$_->{total} $_->{met}"
		. " $_->{breached} $_->{percent}" } @{ $r->{json}{rows} } };
}

my $r = report('karin.wall', '');
is($r->{status}, 200, 'a team lead reads the report');
is($r->{json}{group}, 'tenant', 'grouped by tenant by default');
my $rows = rows($r);
is($rows->{'FAR/resolution'}, '2 1 1 50', 'Färgelanda resolution: 2 closed, 1 met, 1 breached');
is($rows->{'FAR/first_response'}, '2 1 1 50', 'first response likewise');
is($rows->{'BEN/resolution'}, '1 1 0 100', 'Bengtsfors: 1 of 1');
is(scalar keys %$rows, 8, 'two tenants × four clocks');

$rows = rows(report('karin.wall', '?group=priority'));
is($rows->{'4/resolution'}, '3 2 1 66.7', 'by priority: all three are P4');
$rows = rows(report('karin.wall', '?group=type'));
is($rows->{'incident/next_update'}, '3 2 1 66.7', 'by type');
$rows = rows(report('karin.wall', '?group=service'));
is($rows->{'none/ola_line1'}, '3 2 1 66.7', 'by service (none yet: null)');
my $month = $pg->psql("SELECT to_char(now() AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM')");
$rows = rows(report('karin.wall', '?group=month'));
is($rows->{"$month/resolution"}, '3 2 1 66.7', "by month of closing ($month)");

my $today = $pg->psql("SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date");
my $tomorrow = $pg->psql("SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date + 1");
is(scalar @{ report('karin.wall', "?from=$tomorrow")->{json}{rows} }, 0,
	'nothing closed from tomorrow');
is(scalar @{ report('karin.wall', "?from=$today&to=$today")->{json}{rows} }, 8,
	'everything closed today');
$rows = rows(report('karin.wall', '?tenant=FAR'));
is_deeply([sort keys %$rows], [map { "FAR/$_" } qw(first_response next_update ola_line1
	resolution)], 'one municipality');

# The IT contact of Bengtsfors: Bengtsfors only.
$r = report('ingrid.kvist', '');
is($r->{status}, 200, 'an IT contact reads the report');
is_deeply([sort map { $_->{key} } @{ $r->{json}{rows} }], [('BEN') x 4],
	'only their own municipality');
is(report('ingrid.kvist', '?tenant=FAR')->{status}, 404, 'another municipality is not there');

# Bad input and no permission.
for my $b (['?group=colour', 'group'], ['?from=2026-13-01', 'from'], ['?to=igår', 'to'],
	['?from=2026-01-01T00:00:00Z', 'from'], ['?tenant=XYZ', 'tenant']) {
	$r = report('karin.wall', $b->[0]);
	is("$r->{status} $r->{json}{error}{field}", "400 $b->[1]", "$b->[0]: 400 naming $b->[1]");
}
is(report('elin.frisk', '')->{status}, 403, 'an employee may not');
is(report('sara.ek', '')->{status}, 403, 'nor a first-line technician');

$d->stop;
done_testing();
