#!/usr/bin/perl
# The catalogue's own service levels drive the clocks.  A service with an
# SLA in the catalogue file gets policy rows of its own for service
# requests; an order's ticket runs on them (its calendar, its targets), an
# import that changes them recomputes the open tickets' clocks, and one
# that drops them brings back the general policy.  An SLA calendar that
# does not exist is an import error with its position.  The policy API
# shows the catalogue's rows, keeps them when they are sent back, refuses
# to overwrite them and names unknown services.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskCatalogue;
use SdeskSla;
use SdeskTest;
use SdeskTickets;
use Test::More;

plan skip_all => 'oathtool missing (configure installs it)' unless have_prog('oathtool');
my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });
my $admin = sla_admin($d);
my $dir = tempdir(CLEANUP => 1);
my $PW = 'Brygga-Tistel-Lampa-83';

sub api {
	my ($method, $path, $who, $body) = @_;
	return http($method => $d->url($path), headers => ref $who ? $who : $h->{$who},
		($body ? (body => $body) : ()));
}

# A care worker in Bengtsfors' VOO, who may order the LSS system himself.
my ($rc, $out) = local_account($d->{conf}, 'BEN', 'hassan.ali', $PW, '--name', 'Hassan Ali',
	'--role', 'employee');
die "local-account: $out" if $rc;
my $hid = $pg->psql("SELECT id FROM people WHERE login = 'hassan.ali'");
api(PATCH => "/api/v1/people/$hid", 'ingrid.kvist', { department => 'VOO', cost_centre => '5100' });
(undef, $h->{'hassan.ali'}) = login_as($d, 'BEN', 'hassan.ali', $PW);

sub with_sla {
	my ($sla) = @_;
	my $text = test_catalogue();
	$text =~ s/(    queue: business_systems\n    maturity: 1\n)/$1    sla: $sla\n/ or die;
	return $text;
}
sub policies { scalar $pg->psql("SELECT count(*) FROM sla_policies WHERE from_catalogue") }

# A calendar the SLA engine does not have.
write_file("$dir/nocal.yaml", with_sla('{calendar: helgfritt, response_minutes: 60, resolution_minutes: 480}'));
($rc, $out) = cat_import($d->{conf}, "$dir/nocal.yaml");
is($rc, 1, 'an SLA on a calendar that does not exist is refused');
like($out, qr/nocal\.yaml:\d+:\d+: service lss-app: no SLA calendar helgfritt/,
	'naming the service and the calendar, with the position') or diag $out;
is(policies(), 0, 'nothing changed');

# Without an SLA of its own: the general request policy.
write_file("$dir/plain.yaml", test_catalogue());
($rc, $out) = cat_import($d->{conf}, "$dir/plain.yaml");
is($rc, 0, 'the catalogue imports') or diag $out;
is(policies(), 0, 'no service has levels of its own');
my $r = api(POST => '/api/v1/orders', 'hassan.ali', { service => 'lss-app' });
is($r->{status}, 201, 'the LSS system is ordered') or diag $r->{content};
my $num = $r->{json}{ticket};
my $t = api(GET => "/api/v1/tickets/$num", 'sara.ek')->{json};
my $p = $t->{priority};
my $general = $pg->psql("SELECT resolution_minutes::float8 FROM sla_policies WHERE service_id"
	. " IS NULL AND tenant_id IS NULL AND type = 'request' AND priority = $p");
is($t->{sla}{resolution}{target_minutes}, $general, "P$p request: the general $general minutes");

# Its own levels, round the clock: the open ticket follows.
write_file("$dir/own.yaml", with_sla('{calendar: "24x7", response_minutes: 60, resolution_minutes: 480}'));
($rc, $out) = cat_import($d->{conf}, "$dir/own.yaml");
is($rc, 0, 'an SLA of its own imports') or diag $out;
like($out, qr/service levels changed: recomputing/, 'the clocks are recomputed');
like($out, qr/recomputed [1-9]\d* ticket/, 'for the open tickets');
is(policies(), 4, 'a policy row for each priority');
is($pg->psql("SELECT string_agg(DISTINCT c.code || ' ' || p.first_response_minutes::float8 || ' '"
	. " || p.resolution_minutes::float8 || ' ' || p.next_update_minutes::float8, ',') FROM"
	. " sla_policies p JOIN sla_calendars c ON c.id = p.calendar_id WHERE p.from_catalogue"),
	'24x7 60 480 480', 'its calendar and targets, next update from the general policy');
$t = api(GET => "/api/v1/tickets/$num", 'sara.ek')->{json};
is($t->{sla}{resolution}{target_minutes}, 480, 'the ticket now runs on 480 minutes');
is($pg->psql("SELECT c.code FROM sla_clocks s JOIN sla_calendars c ON c.id = s.calendar_id"
	. " JOIN tickets t ON t.id = s.ticket_id WHERE t.number = '$num' AND s.kind = 'resolution'"),
	'24x7', 'round the clock');
$r = api(GET => "/api/v1/tickets/$num/sla", 'sara.ek');
is($r->{json}{clocks}{resolution}{calendar}, '24x7', 'the live view says so too')
	or diag $r->{content};

# A new order runs on them from the start.
$r = api(POST => '/api/v1/orders', 'hassan.ali', { service => 'lss-app' });
my $num2 = $r->{json}{ticket};
$t = api(GET => "/api/v1/tickets/$num2", 'sara.ek')->{json};
is("$t->{sla}{first_response}{target_minutes} $t->{sla}{resolution}{target_minutes}", '60 480',
	'a new order\'s ticket starts on the service\'s targets');
is(api(GET => "/api/v1/tickets/$num2", 'sara.ek')->{json}{sla}{resolution}{state}, 'running',
	'its clock runs');

# Importing the same again changes nothing and recomputes nothing.
($rc, $out) = cat_import($d->{conf}, "$dir/own.yaml");
unlike($out, qr/recomputing/, 'the same levels again: nothing to recompute');

# The policy API: the catalogue's rows are shown, kept and not overwritten.
$r = api(GET => '/api/v1/sla/policies', $admin);
my @cat = grep { ($_->{source} // '') eq 'catalogue' } @{ $r->{json}{policies} };
is(scalar @cat, 4, 'GET shows the catalogue\'s rows');
is($cat[0]{service}, 'lss-app', 'by service code');
my @all = @{ $r->{json}{policies} };
$r = api(PUT => '/api/v1/sla/policies', $admin, { policies => \@all });
is($r->{status}, 200, 'what GET gave goes back as it is') or diag $r->{content};
is(policies(), 4, 'the catalogue\'s rows stay');
my %row = (service => 'lss-app', type => 'request', priority => 2, calendar => 'dalsland',
	first_response_minutes => 30, next_update_minutes => 240, resolution_minutes => 240);
my @mine = grep { ($_->{source} // '') ne 'catalogue' } @all;
$_ = { %$_ } for @mine;
delete $_->{source} for @mine;
$r = api(PUT => '/api/v1/sla/policies', $admin, { policies => [@mine, {%row}] });
is("$r->{status} $r->{json}{error}{code} $r->{json}{error}{field}",
	'409 conflict policies[' . scalar(@mine) . '].service',
	'a shared row for a service the catalogue sets is refused') or diag $r->{content};
$r = api(PUT => '/api/v1/sla/policies', $admin,
	{ policies => [@mine, { %row, tenant => 'BEN' }] });
is($r->{status}, 200, 'Bengtsfors\' own levels for the service are its to set') or diag $r->{content};
$r = api(PUT => '/api/v1/sla/policies', $admin,
	{ policies => [@mine, { %row, service => 'no-such-service' }] });
is("$r->{status} $r->{json}{error}{field}", '400 policies[' . scalar(@mine) . '].service',
	'an unknown service is named');
$r = api(PUT => '/api/v1/sla/policies', $admin, { policies => [{ %row, source => 'someone' }] });
is("$r->{status} $r->{json}{error}{field}", '400 policies[0].source', 'and a bad source');
is(policies(), 4, 'nothing refused changed anything');

# Levels dropped from the catalogue: the general policy again.
($rc, $out) = cat_import($d->{conf}, "$dir/plain.yaml");
like($out, qr/recomputing/, 'dropping the levels recomputes');
is(policies(), 0, 'the catalogue\'s rows are gone');
$t = api(GET => "/api/v1/tickets/$num", 'sara.ek')->{json};
is($t->{sla}{resolution}{target_minutes}, $general, 'the ticket is back on the general policy');

# Compliance per service, by its code.
my $v = $t->{version};
$r = api(PATCH => "/api/v1/tickets/$num", 'sara.ek', { version => $v, status => 'resolved',
	resolution_code => 'solved', resolution_text => 'Kontot är upplagt.' });
is($r->{status}, 200, 'resolved') or diag $r->{content};
$r = api(PATCH => "/api/v1/tickets/$num", 'hassan.ali', { version => $r->{json}{version},
	status => 'closed' });
is($r->{status}, 200, 'and closed') or diag $r->{content};
$r = api(GET => '/api/v1/reports/sla?group=service', 'karin.wall');
ok((grep { ($_->{key} // '') eq 'lss-app' } @{ $r->{json}{rows} }),
	'the compliance report groups by service code') or diag $r->{content};

done_testing();
