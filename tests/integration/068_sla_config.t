#!/usr/bin/perl
# What the clocks run on, kept by an administrator: calendars (with a
# municipality's own, and exceptions), policies and OLA targets as whole
# sets, a municipality's policy winning over the shared one, and bad input
# to every one of them refused naming the field.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

plan skip_all => 'oathtool missing (configure installs it)' unless have_prog('oathtool');
my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });
my $admin = sla_admin($d);

sub api {
	my ($method, $path, $who, $body) = @_;
	return http($method => $d->url($path), headers => $who, defined $body ? (body => $body) : ());
}
sub err { my ($r) = @_; return "$r->{status} " . ($r->{json}{error}{field} // '') }

my %week = (mon => ['07:30-16:30'], tue => ['07:30-16:30'], wed => ['07:30-16:30'],
	thu => ['07:30-12:00', '13:00-16:30'], fri => ['07:30-16:00'], sat => [], sun => []);
my %spec = (week => \%week, shortened => ['07:30-12:00'], holidays => JSON::PP::true,
	defacto_closed => JSON::PP::true, exceptions => [{ date => '2026-06-18', hours => [] }]);

# Calendars.
my $r = api(GET => '/api/v1/sla/calendars', $admin);
is_deeply([map { $_->{code} } @{ $r->{json}{calendars} }], ['24x7', 'dalsland'],
	'the Dalsland desk and 24/7 come with the migration');
$r = api(PUT => '/api/v1/sla/calendars/ben_skola', $admin,
	{ name => 'Skolorna i Bengtsfors', tenant => 'BEN', spec => \%spec });
is($r->{status}, 201, 'a calendar of Bengtsfors created') or diag($r->{content});
is($r->{json}{version}, 1, 'version 1');
is($r->{json}{tenant}, 'BEN', 'of Bengtsfors');
is_deeply($r->{json}{spec}{week}{thu}, ['07:30-12:00', '13:00-16:30'], 'two intervals a day');
$week{fri} = ['07:30-15:00'];
$r = api(PUT => '/api/v1/sla/calendars/ben_skola', $admin,
	{ name => 'Skolorna i Bengtsfors', tenant => 'BEN', spec => \%spec });
is($r->{status}, 200, 'changed');
is($r->{json}{version}, 2, 'version 2: daemons compile it again');
my @bad_cal = (
	['Bad_Code', { name => 'x', spec => \%spec }, '400 code'],
	['ok_code', { spec => \%spec }, '400 name'],
	['ok_code', { name => 'x', spec => \%spec, tenant => 'XYZ' }, '400 tenant'],
	['ok_code', { name => 'x', spec => \%spec, colour => 'red' }, '400 colour'],
	['ok_code', { name => 'x', spec => { %spec, week => { mon => [] } } }, '400 spec.week'],
	['ok_code', { name => 'x', spec => { %spec, week => { %week, mon => ['08:00-25:00'] } } },
		'400 spec.week.mon'],
	['ok_code', { name => 'x', spec => { %spec, week => { %week, tue => ['16:30-07:30'] } } },
		'400 spec'],
	['ok_code', { name => 'x', spec => { %spec, shortened => ['07:30'] } }, '400 spec.shortened'],
	['ok_code', { name => 'x', spec => { %spec, holidays => 'ja' } }, '400 spec.holidays'],
	['ok_code', { name => 'x', spec => { %spec, exceptions => [{ date => '2026-02-30',
		hours => [] }] } }, '400 spec'],
	['ok_code', { name => 'x', spec => { %spec, exceptions => [{ date => 'midsommar' }] } },
		'400 spec.exceptions[0]'],
	['ok_code', { name => 'x', spec => { %spec, lunch => 1 } }, '400 spec.lunch'],
);
for my $b (@bad_cal) {
	is(err(api(PUT => "/api/v1/sla/calendars/$b->[0]", $admin, $b->[1])), $b->[2],
		"calendar: $b->[2]");
}
is(err(api(GET => '/api/v1/sla/calendars', $h->{'sara.ek'})), '403 ', 'technicians may not');
is(err(api(PUT => '/api/v1/sla/calendars/x1', $h->{'ingrid.kvist'},
	{ name => 'x', tenant => 'BEN', spec => \%spec })), '403 ', 'nor IT contacts');

# Policies: the seeded set, plus one of Bengtsfors that wins for its tickets.
$r = api(GET => '/api/v1/sla/policies', $admin);
my @policies = @{ $r->{json}{policies} };
is(scalar @policies, 16, 'four types × four priorities shared by all');
my ($p4) = grep { $_->{type} eq 'incident' && $_->{priority} == 4 } @policies;
is($p4->{resolution_minutes}, 2700, 'P4 incidents: five business days');
push @policies, { tenant => 'BEN', type => 'incident', priority => 4, calendar => 'ben_skola',
	first_response_minutes => 120, next_update_minutes => undef, resolution_minutes => 600.5,
	pause_on_supplier => JSON::PP::true };
$r = api(PUT => '/api/v1/sla/policies', $admin, { policies => \@policies });
is($r->{status}, 200, 'policies replaced') or diag($r->{content});
is(scalar @{ $r->{json}{policies} }, 17, 'seventeen now');
my ($ben) = grep { ($_->{tenant} // '') eq 'BEN' } @{ $r->{json}{policies} };
is($ben->{resolution_minutes}, 600.5, 'fractions of a minute kept');
is($ben->{next_update_minutes}, undef, 'no next-update clock for it');

sub file {
	my ($who) = @_;
	my $t = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => 'Projektorn', requester => $id->{$who},
		channel => 'phone' });
	return ticket_of($d, $h->{'sara.ek'}, $t->{json}{number});
}
my $t = file('lisa.nord');
is($t->{tenant}, 'BEN', 'a Bengtsfors ticket');
is($t->{sla}{resolution}{target_minutes}, 600.5, 'gets the Bengtsfors target');
ok(!exists $t->{sla}{next_update}, 'and no next-update clock');
is(http(GET => $d->url("/api/v1/tickets/$t->{number}/sla"), headers => $h->{'sara.ek'})
	->{json}{clocks}{resolution}{calendar}, 'ben_skola', 'on its own calendar');
is(file('elin.frisk')->{sla}{resolution}{target_minutes}, 2700, 'Färgelanda keeps the shared one');

my %p = (type => 'incident', priority => 1, calendar => 'dalsland');
my @bad_pol = (
	[{ policies => [{ %p, priority => 5 }] }, '400 policies[0].priority'],
	[{ policies => [{ %p, type => 'olycka' }] }, '400 policies[0].type'],
	[{ policies => [{ %p, calendar => 'saknas' }] }, '400 policies[0].calendar'],
	[{ policies => [{ %p, tenant => 'FAR', calendar => 'ben_skola' }] },
		'400 policies[0].calendar'],
	[{ policies => [{ %p, resolution_minutes => -5 }] }, '400 policies[0].resolution_minutes'],
	[{ policies => [{ %p, resolution_minutes => 'fyra' }] },
		'400 policies[0].resolution_minutes'],
	[{ policies => [{ %p, colour => 'red' }] }, '400 policies[0].colour'],
	[{ policies => [{ %p, tenant => 'XYZ' }] }, '400 policies[0].tenant'],
	[{ policies => [\%p, { %p, resolution_minutes => 60 }] }, '409 policies[1]'],
	[{ policies => [{ type => 'incident', priority => 1 }] }, '400 policies[0].calendar'],
	[{ rules => [] }, '400 rules'],
	[{}, '400 policies'],
);
for my $b (@bad_pol) {
	is(err(api(PUT => '/api/v1/sla/policies', $admin, $b->[0])), $b->[1], "policies: $b->[1]");
}
is(scalar @{ api(GET => '/api/v1/sla/policies', $admin)->{json}{policies} }, 17,
	'refused changes changed nothing');

# OLA targets: first line may hold a ticket 2 h now.
$r = api(GET => '/api/v1/sla/ola-targets', $admin);
is(scalar @{ $r->{json}{targets} }, 3, 'three OLA targets come with the migration');
$r = api(PUT => '/api/v1/sla/ola-targets', $admin, { targets => [
	{ line => 1, calendar => 'dalsland', target_minutes => 120 },
	{ line => 2, priority => 1, calendar => '24x7', target_minutes => 60 } ] });
is($r->{status}, 200, 'OLA targets replaced') or diag($r->{content});
is(file('elin.frisk')->{sla}{ola_line1}{target_minutes}, 120, 'first line: 2 h now');
my %o = (line => 1, calendar => 'dalsland', target_minutes => 60);
for my $b ([{ targets => [{ %o, line => 3 }] }, '400 targets[0].line'],
	[{ targets => [{ %o, target_minutes => 0 }] }, '400 targets[0].target_minutes'],
	[{ targets => [{ %o, priority => 0 }] }, '400 targets[0].priority'],
	[{ targets => [\%o, \%o] }, '409 targets[1]'],
	[{ targets => [{ %o, calendar => 'saknas' }] }, '400 targets[0].calendar'],
	[{ targets => 'alla' }, '400 targets']) {
	is(err(api(PUT => '/api/v1/sla/ola-targets', $admin, $b->[0])), $b->[1], "OLA: $b->[1]");
}
is(err(api(PUT => '/api/v1/sla/ola-targets', $h->{'karin.wall'}, { targets => [] })), '403 ',
	'a team lead may not');

is($pg->psql("SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM audit_log WHERE"
	. " action LIKE 'sla.%'"), 'sla.calendar,sla.ola,sla.policies', 'every change audited');

$d->stop;
done_testing();
