#!/usr/bin/perl
# The chief's ticket figures: per municipality and month, tickets in and
# out, backlog, first-contact resolution and satisfaction; the chief sees all
# four municipalities, an IT contact their own, employees and technicians
# none; the figures move as tickets are filed, resolved and rated.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();
my $pw = 'Brygga-Tistel-Lampa-83';
my ($rc, $out) = local_account($d->{conf}, 'AMA', 'maria.falk', $pw, '--name', 'Maria Falk',
	'--role', 'chief:*');
die $out if $rc;
my (undef, $chief) = login_as($d, 'AMA', 'maria.falk', $pw);

sub report {
	my ($hdr, $query) = @_;
	return http(GET => $d->url('/api/v1/reports/tickets' . ($query // '')), headers => $hdr);
}
# The current month's row of a tenant (the last row of the default span).
sub now_row {
	my ($r, $tenant) = @_;
	my @rows = grep { $_->{tenant} eq $tenant } @{ $r->{json}{rows} };
	return $rows[-1];
}

my $r = report($chief);
is($r->{status}, 200, 'the chief reads the ticket report');
is(scalar @{ $r->{json}{rows} }, 48, 'four municipalities, twelve months each');
is_deeply([sort keys %{ { map { $_->{tenant} => 1 } @{ $r->{json}{rows} } } }],
	[qw(AMA BEN FAR MEL)], 'all four');
is($r->{json}{first_contact_target}, 0.8, 'the 80% target');
my $far = now_row($r, 'FAR');
is($far->{month}, $r->{json}{to}, 'the last row is the current month');
is_deeply([$far->{created}, $far->{resolved}, $far->{backlog}], [0, 0, 0], 'nothing yet');
is($far->{first_contact}{rate}, undef, 'no rate without resolved tickets');
is($far->{satisfaction}{average}, undef, 'no average without ratings');

# Two tickets from Färgelanda: one solved at first contact, one escalated.
my @n;
for my $s ('Skärmen är svart', 'Kan inte logga in i Treserva') {
	$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
		body => { type => 'incident', subject => $s });
	push @n, $r->{json}{number};
}
$r = report($chief);
$far = now_row($r, 'FAR');
is_deeply([$far->{created}, $far->{resolved}, $far->{backlog}], [2, 0, 2], 'two in, backlog two');
is(now_row($r, 'BEN')->{created}, 0, 'Bengtsfors unchanged');

$r = http(PATCH => $d->url("/api/v1/tickets/$n[0]"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Kabeln satt löst.' });
$r = http(POST => $d->url("/api/v1/tickets/$n[1]/escalate"), headers => $h->{'sara.ek'},
	body => { queue => 'business_systems', reason => 'Behörighet i Treserva.' });
$r = http(PATCH => $d->url("/api/v1/tickets/$n[1]"), headers => $h->{'karin.wall'},
	body => { version => $r->{json}{version}, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Behörigheten tillagd.' });
is($r->{json}{status}, 'resolved', 'the second resolved after escalation');
http(POST => $d->url("/api/v1/tickets/$n[0]/rating"), headers => $h->{'elin.frisk'},
	body => { score => 5 });
http(POST => $d->url("/api/v1/tickets/$n[1]/rating"), headers => $h->{'elin.frisk'},
	body => { score => 2, comment => 'Tog lång tid.' });

$far = now_row(report($chief), 'FAR');
is_deeply([$far->{created}, $far->{resolved}, $far->{backlog}], [2, 2, 0], 'two out, no backlog');
is_deeply($far->{first_contact}, { resolved => 1, of => 2, rate => 0.5 },
	'first-contact resolution: one of two');
is_deeply($far->{satisfaction}, { ratings => 2, average => 3.5 }, 'satisfaction: 3.5 of 2');

# Who sees what.
$r = report($h->{'ingrid.kvist'});
is($r->{status}, 200, "Bengtsfors' IT contact reads reports");
is_deeply([sort keys %{ { map { $_->{tenant} => 1 } @{ $r->{json}{rows} } } }], ['BEN'],
	'of her own municipality only');
$r = report($h->{'ingrid.kvist'}, '?tenant=FAR');
is_deeply($r->{json}{rows}, [], 'asking for Färgelanda gives nothing');
is(report($h->{'elin.frisk'})->{status}, 403, 'an employee: 403');
is(report($h->{'sara.ek'})->{status}, 403, 'a first-line technician: 403');
is(report({})->{status}, 401, 'nobody: 401');

# Months and filters.
$r = report($chief, '?from=2026-01&to=2026-03&tenant=FAR');
is($r->{status}, 200, 'a span of months for one municipality');
is_deeply([map { $_->{month} } @{ $r->{json}{rows} }], ['2026-01', '2026-02', '2026-03'],
	'one row a month');
is_deeply([$r->{json}{from}, $r->{json}{to}], ['2026-01', '2026-03'], 'from and to');
for my $q ('?from=2026-13&to=2026-14', '?from=2026-03&to=2026-01', '?from=2026-01',
	'?from=2020-01&to=2023-01', '?from=26-01&to=26-02', '?tenant=XYZ') {
	$r = report($chief, $q);
	is($r->{status}, 400, "$q: 400");
}
is($d->stop, 0, 'exits 0');
done_testing();
