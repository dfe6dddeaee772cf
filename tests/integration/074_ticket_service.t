#!/usr/bin/perl
# A ticket names the catalogue service it is about.  Reporting a problem
# with a service files it in the service's queue (unless a queue is
# chosen); only services the requester's municipality offers, and not
# withdrawn ones.  Staff move a ticket to another service (an internal
# history event; its clocks follow the service's own SLA), search filters
# by service, and bad codes are named.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskCatalogue;
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });
my $dir = tempdir(CLEANUP => 1);

sub api {
	my ($method, $path, $who, $body) = @_;
	return http($method => $d->url($path), headers => $h->{$who},
		($body ? (body => $body) : ()));
}
sub err { my ($r) = @_; return "$r->{status} " . ($r->{json}{error}{code} // '') . ' '
	. ($r->{json}{error}{field} // '') }

# lss-app: Bengtsfors only, business systems; its own SLA for requests.
my $cat = test_catalogue();
$cat =~ s/(    queue: business_systems\n    maturity: 1\n)/$1    sla: {calendar: "24x7", response_minutes: 60, resolution_minutes: 480}\n/
	or die;
write_file("$dir/cat.yaml", $cat);
my ($rc, $out) = cat_import($d->{conf}, "$dir/cat.yaml");
is($rc, 0, 'the catalogue imports') or diag $out;

my $r = api(POST => '/api/v1/tickets', 'lisa.nord', { type => 'incident',
	subject => 'LSS-systemet svarar inte', service => 'lss-app' });
is($r->{status}, 201, 'a Bengtsfors employee reports a problem with the LSS system')
	or diag $r->{content};
my $t = $r->{json};
is("$t->{service}{code} $t->{queue}", 'lss-app business_systems',
	'about the service, in its queue');
my $staff = api(GET => "/api/v1/tickets/$t->{number}", 'sara.ek')->{json};
ok($staff->{sla}{resolution}, 'with clocks (staff see them)');
isnt($staff->{sla}{resolution}{target_minutes}, 480,
	'an incident runs on the incident policy, not the service\'s delivery time');

$r = api(POST => '/api/v1/tickets', 'sara.ek', { type => 'request', subject => 'Nytt konto i LSS',
	service => 'lss-app', requester => $id->{'lisa.nord'}, channel => 'phone' });
is($r->{status}, 201, 'first line registers a request for her') or diag $r->{content};
my $req = $r->{json};
is($req->{sla}{resolution}{target_minutes}, 480, 'a request runs on the service\'s own SLA');

$r = api(POST => '/api/v1/tickets', 'sara.ek', { type => 'incident', subject => 'Fel',
	service => 'lss-app', requester => $id->{'lisa.nord'}, queue => 'first_line' });
is($r->{json}{queue}, 'first_line', 'a queue asked for wins over the service\'s');

for my $case (
	[{ service => 'lss-app' }, 'elin.frisk', 'a service Färgelanda does not offer'],
	[{ service => 'no-such' }, 'elin.frisk', 'an unknown service'],
	[{ service => 'X' }, 'elin.frisk', 'a malformed code'],
	[{ service => 17 }, 'elin.frisk', 'a number']) {
	my ($body, $who, $what) = @$case;
	$r = api(POST => '/api/v1/tickets', $who, { type => 'incident', subject => 'Fel', %$body });
	is(err($r), '400 ' . ($r->{json}{error}{code} // '') . ' service', "refused: $what")
		or diag $r->{content};
	like($r->{json}{error}{code} // '', qr/^invalid_field$/, "$what: invalid_field");
}
my $before = $pg->psql('SELECT count(*) FROM tickets');

# Withdrawn services take no new tickets.
my $cat2 = test_catalogue(without => 'gis-addon');
$cat2 =~ s/(    queue: business_systems\n    maturity: 1\n)/$1    sla: {calendar: "24x7", response_minutes: 60, resolution_minutes: 480}\n/
	or die;
write_file("$dir/cat2.yaml", $cat2);
($rc, $out) = cat_import($d->{conf}, "$dir/cat2.yaml");
is($rc, 0, 'gis-addon is withdrawn') or diag $out;
$r = api(POST => '/api/v1/tickets', 'lisa.nord', { type => 'incident', subject => 'GIS',
	service => 'gis-addon' });
is(err($r), '400 invalid_field service', 'a withdrawn service is refused');
is($pg->psql('SELECT count(*) FROM tickets'), $before, 'nothing refused was stored');

# Staff move a ticket to another service.
$r = api(PATCH => "/api/v1/tickets/$t->{number}", 'sara.ek',
	{ version => $t->{version}, service => 'screen-extra' });
is($r->{status}, 200, 'first line moves the ticket to another service') or diag $r->{content};
is($r->{json}{service}{code}, 'screen-extra', 'it is about that service now');
my $ev = api(GET => "/api/v1/tickets/$t->{number}/history", 'sara.ek')->{json}{history};
my ($sev) = grep { $_->{kind} eq 'service' } @$ev;
is_deeply($sev && $sev->{data}, { from => 'lss-app', to => 'screen-extra' },
	'the history says from what to what');
ok($sev && !$sev->{public}, 'as an internal event');
my $pev = api(GET => "/api/v1/tickets/$t->{number}/history", 'lisa.nord')->{json}{history};
ok(!(grep { $_->{kind} eq 'service' } @$pev), 'which the requester does not see');
$r = api(PATCH => "/api/v1/tickets/$t->{number}", 'sara.ek',
	{ version => $r->{json}{version}, service => 'lss-app-x' });
is(err($r), '400 invalid_field service', 'an unknown service is named');
$r = api(PATCH => "/api/v1/tickets/$t->{number}", 'lisa.nord',
	{ version => 2, service => 'lss-app' });
is($r->{status}, 403, 'the requester may not move it') or diag $r->{content};
$r = api(PATCH => "/api/v1/tickets/$t->{number}", 'sara.ek', { version => 2, service => undef });
is($r->{status}, 200, 'no service at all') or diag $r->{content};
ok(!defined $r->{json}{service}, 'none');

# The request's clocks follow its service.
$r = api(PATCH => "/api/v1/tickets/$req->{number}", 'sara.ek',
	{ version => $req->{version}, service => 'screen-extra' });
isnt($r->{json}{sla}{resolution}{target_minutes}, 480,
	'moved to a service without its own SLA: the general request policy');
$r = api(PATCH => "/api/v1/tickets/$req->{number}", 'sara.ek',
	{ version => $r->{json}{version}, service => 'lss-app' });
is($r->{json}{sla}{resolution}{target_minutes}, 480, 'and back: the service\'s again');

# Search by service.
$r = api(GET => '/api/v1/tickets?service=lss-app', 'sara.ek');
is_deeply([sort map { $_->{number} } @{ $r->{json}{tickets} }],
	[split /,/, $pg->psql("SELECT string_agg(t.number, ',' ORDER BY t.number) FROM tickets t"
		. " JOIN services s ON s.id = t.service_id WHERE s.code = 'lss-app'")],
	'search finds the tickets about a service');
ok(scalar @{ $r->{json}{tickets} } >= 2, 'both of them');
$r = api(GET => '/api/v1/tickets?service=' . ('x' x 48), 'sara.ek');
is(err($r), '400 invalid_field service', 'a filter too long is refused');

done_testing();
