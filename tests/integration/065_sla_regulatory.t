#!/usr/bin/perl
# A security incident with a personal-data breach, known on Thursday 29
# January 2026 14:00: NIS2 early warning within 24 h, incident notification
# within 72 h, final report a month after the notification, and the
# notification to IMY within 72 h, in calendar time (weekends count).
# Recording the reports, and every way to get that wrong.  Looked at from
# Friday 30 January 10:00.
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
	sections => { sla => { now => '2026-01-30T10:00:00+01:00', scheduler => 'no' } });
my $pw = 'Brygga-Tistel-Lampa-83';
my ($rc, $out) = local_account($d->{conf}, 'BEN', 'tekniker.ben', $pw, '--name', 'Tekla Ben',
	'--role', 'tech1:BEN');
die $out if $rc;
my (undef, $ben) = login_as($d, 'BEN', 'tekniker.ben', $pw);

sub file {
	my (%o) = @_;
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		subject => 'Misstänkt intrång', requester => $id->{'elin.frisk'}, channel => 'phone',
		%o });
	die "create: $r->{content}" unless $r->{status} == 201;
	retime($pg, $r->{json}{number}, [last_event($pg), '2026-01-29 14:00']);
	recompute($d, '--ticket', $r->{json}{number});
	return $r->{json}{number};
}

sub report {
	my ($who, $n, $kind, $body) = @_;
	return http(POST => $d->url("/api/v1/tickets/$n/regulatory/$kind"), headers => $who,
		body => $body);
}

my $n = file(type => 'security_incident', personal_data_breach => JSON::PP::true);
my $s = http(GET => $d->url("/api/v1/tickets/$n/sla"), headers => $h->{'sara.ek'})->{json};
my %reg = map { $_->{kind} => $_ } @{ $s->{regulatory} };
is($reg{nis2_early_warning}{aware_at}, '2026-01-29T13:00:00Z', 'aware when filed');
is($reg{nis2_early_warning}{deadline}, '2026-01-30T13:00:00Z', 'NIS2 early warning: 24 h');
is($reg{nis2_notification}{deadline}, '2026-02-01T13:00:00Z', 'NIS2 notification: 72 h (a Sunday)');
is($reg{nis2_final_report}{deadline}, '2026-03-01T13:00:00Z',
	'final report: a month after the notification is due');
is($reg{gdpr_imy}{deadline}, '2026-02-01T13:00:00Z', 'IMY: 72 h');
is($reg{nis2_early_warning}{status}, 'pending', 'nothing reported yet');
my @warn = grep { $_->{clock} eq 'nis2_early_warning' } @{ $s->{warnings} };
# 75 % of 24 h after Thursday 14:00 is Friday 08:00 (passed: fires at once).
is_deeply([map { $_->{due_at} } @warn], ['2026-01-30T07:00:00Z', '2026-01-30T13:00:00Z'],
	'warnings at 75 % and at the deadline, in calendar time');

my $r = report($h->{'sara.ek'}, $n, 'nis2_early_warning',
	{ reported_at => '2026-01-30T08:00:00+01:00' });
is($r->{status}, 200, 'early warning recorded') or diag($r->{content});
%reg = map { $_->{kind} => $_ } @{ $r->{json}{regulatory} };
is($reg{nis2_early_warning}{reported_at}, '2026-01-30T07:00:00Z', 'when it was made');
is($reg{nis2_early_warning}{status}, 'reported', 'in time');
is($pg->psql("SELECT count(*) FROM sla_warnings WHERE clock = 'nis2_early_warning'"
	. " AND fired_at IS NULL AND due_at IS NOT NULL"), 0, 'its warnings are off');

# The notification on Friday 30 January 09:00: the final report is due a
# month later, 28 February (there is no 30 February).
$r = report($h->{'sara.ek'}, $n, 'nis2_notification',
	{ reported_at => '2026-01-30T09:00:00+01:00' });
%reg = map { $_->{kind} => $_ } @{ $r->{json}{regulatory} };
is($reg{nis2_final_report}{deadline}, '2026-02-28T08:00:00Z',
	'final report due a month after the notification made');
my @hist = grep { $_->{kind} eq 'regulatory_report' } @{ http(GET =>
	$d->url("/api/v1/tickets/$n/history"), headers => $h->{'sara.ek'})->{json}{history} };
is(scalar @hist, 2, 'each report is in the history');
is($hist[1]{data}{kind}, 'nis2_notification', 'naming the report');
@hist = grep { $_->{kind} eq 'regulatory_report' } @{ http(GET =>
	$d->url("/api/v1/tickets/$n/history"), headers => $h->{'elin.frisk'})->{json}{history} };
is(scalar @hist, 0, 'staff only');

# Bad input, each named.
my $plain = file(type => 'incident');
my $nopdb = file(type => 'security_incident');
my @bad = (
	[$h->{'sara.ek'}, $n, 'nis2_memo', { reported_at => '2026-01-30T09:00:00Z' }, '400 kind'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', {}, '400 reported_at'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', { reported_at => 'i går' }, '400 reported_at'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', { reported_at => '2026-01-30' }, '400 reported_at'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', { reported_at => '2026-02-05T09:00:00Z' },
		'400 reported_at'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', { reported_at => '2026-01-29T10:00:00+01:00' },
		'400 reported_at'],
	[$h->{'sara.ek'}, $n, 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z', to => 'IMY' },
		'400 to'],
	[$h->{'sara.ek'}, $plain, 'nis2_notification', { reported_at => '2026-01-30T09:00:00Z' },
		'409 kind'],
	[$h->{'sara.ek'}, $nopdb, 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z' },
		'409 kind'],
	[$ben, $n, 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z' }, '404 '],
	[$h->{'sara.ek'}, 'FAR-2026-999999', 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z' },
		'404 '],
	[$h->{'elin.frisk'}, $n, 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z' }, '403 '],
	[$h->{'ingrid.kvist'}, $n, 'gdpr_imy', { reported_at => '2026-01-30T09:00:00Z' }, '403 '],
);
for my $b (@bad) {
	$r = report(@$b[0 .. 3]);
	is("$r->{status} " . ($r->{json}{error}{field} // ''), $b->[4],
		"$b->[2] " . JSON::PP->new->canonical->encode($b->[3]) . ": $b->[4]");
}
is($pg->psql("SELECT count(*) FROM regulatory_reports WHERE kind = 'gdpr_imy'"
	. " AND reported_at IS NOT NULL"), 0, 'none of that recorded anything');

for my $b ([$h->{'elin.frisk'}, $n, '403'], [$ben, $n, '404'], [$ben, 'FAR-2026-999999', '404'],
	[$h->{'sara.ek'}, 'FAR-2026-999999', '404']) {
	$r = http(GET => $d->url("/api/v1/tickets/$b->[1]/sla"), headers => $b->[0]);
	is($r->{status}, $b->[2], "GET $b->[1]/sla: $b->[2]");
}

$d->stop;
done_testing();
