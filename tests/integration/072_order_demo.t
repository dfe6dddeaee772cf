#!/usr/bin/perl
# The demo, end to end through the API: the default catalogue
# (catalogue/dalsland.yaml) and the municipalities' directories (a real
# slapd with the demo people).  Anders By, manager in Bengtsfors, orders an
# extra screen and a laptop for a new employee; the laptop needs the IT
# architect Mikael Ros; both become tickets in the right queues with the
# services' SLA; resolving them delivers the orders and starts the laptop's
# monthly subscription for Anders' cost centre at the price valid that day,
# and charges the screen once.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use POSIX qw(strftime);
use SdeskCatalogue;
use SdeskSlapd;
use SdeskTest;
use Test::More;

plan skip_all => 'slapd missing (configure installs it)' unless slapd_available();
my $ldap = slapd_start();
my $pg = pg_start();
my $dir = tempdir(CLEANUP => 1);
my %plugin = demo_realms($ldap, $dir);
my $d = daemon_start($pg, demo => 1,
	sections => { plugins => { load => 'ldap' }, 'plugin.ldap' => \%plugin });
my ($rc, $out) = cat_import($d->{conf}, top() . '/catalogue/dalsland.yaml');
is($rc, 0, 'the default catalogue imports') or diag $out;
like($out, qr/catalogue version 1: (\d+) services/, 'as version 1');
my $today = today_se();
my $pw = 'Dalsland-2026';

my %h;
$h{anders} = session_for($d, 'BEN', 'anders.by', $pw);
$h{mikael} = session_for($d, 'AMA', 'mikael.ros', $pw);
$h{sara} = session_for($d, 'AMA', 'sara.ek', $pw);
$h{lena} = session_for($d, 'AMA', 'lena.dahl', $pw);
sub api {
	my ($method, $path, $who, $body) = @_;
	return http($method => $d->url($path), headers => $h{$who}, ($body ? (body => $body) : ()));
}

my $r = api(GET => '/api/v1/catalogue', 'anders');
my %svc = map { ($_->{code} => $_) } @{ $r->{json}{services} };
cmp_ok(scalar keys %svc, '>=', 30, 'the manager sees the Bengtsfors catalogue');
ok($svc{'laptop-standard'}{orderable} && $svc{'screen-extra'}{orderable},
	'and may order a laptop and a screen');
ok(!$svc{'system-social-joint'} || grep({ $_ eq 'BEN' } @{ $svc{'system-social-joint'}{tenants} }),
	'only services Bengtsfors offers');

# The screen: the manager's own approval is all it needs.
$r = api(POST => '/api/v1/orders', 'anders', { service => 'screen-extra',
	answers => { user_name => 'Nora Nyberg', size => '27 tum', place => 'Förskolan Solstrålen' } });
is($r->{status}, 201, 'Anders orders an extra screen') or diag $r->{content};
my $screen = $r->{json};
is($screen->{status}, 'in_fulfilment', 'approved by himself as the cost centre\'s manager');
is($screen->{cost_centre}{code}, '3100', 'for his cost centre (from the directory)');

# The laptop: a hardware purchase, so the IT architect too.
my $delivery = strftime('%Y-%m-%d', gmtime(time + 21 * 86400));
$r = api(POST => '/api/v1/orders', 'anders', { service => 'laptop-standard',
	answers => { user_name => 'Nora Nyberg', delivery_date => $delivery,
	model => '14 tum, standard', reason => 'Ny förskollärare från januari.' } });
is($r->{status}, 201, 'Anders orders a laptop for the new employee') or diag $r->{content};
my $laptop = $r->{json};
is($laptop->{status}, 'pending_approval', 'it waits for the architect');
is($laptop->{price}{monthly_ore}, 43000, 'quoted at Bengtsfors\' price, 430.00 kr a month');
$r = api(GET => '/api/v1/approvals', 'mikael');
ok((grep { $_->{number} eq $laptop->{number} } @{ $r->{json}{orders} }), 'in Mikael\'s inbox');
$r = api(POST => "/api/v1/orders/$laptop->{number}/decision", 'mikael',
	{ decision => 'approve', reason => 'Standardmodell enligt arkitekturen.' });
is($r->{json}{status}, 'in_fulfilment', 'the architect approves') or diag $r->{content};
$laptop = $r->{json};

# Tickets in the right queues, with the services' own SLA.
my $t = api(GET => "/api/v1/tickets/$screen->{ticket}", 'sara')->{json};
is("$t->{type} $t->{queue} $t->{service}{code}", 'request first_line screen-extra',
	'the screen is a service request in first line');
is($t->{sla}{resolution}{target_minutes}, 2400,
	'delivered within the screen\'s own 2400 business minutes (catalogue SLA)');
is($t->{sla}{first_response}{target_minutes}, 480, 'answered within its 480 minutes');
$t = api(GET => "/api/v1/tickets/$laptop->{ticket}", 'sara')->{json};
is("$t->{type} $t->{queue} $t->{service}{code}", 'request first_line laptop-standard',
	'the laptop too');
is($t->{sla}{resolution}{target_minutes}, 4800,
	'the laptop\'s own SLA: 4800 business minutes, ten working days');
is($t->{sla}{next_update}{target_minutes}, 480,
	'keeping the requester informed as the general request policy says');
is($t->{sla}{resolution}{state}, 'running', 'its clock runs');
is($t->{cost_centre}{code}, '3100', 'on the manager\'s cost centre');
my $links = api(GET => "/api/v1/tickets/$laptop->{ticket}/links", 'sara')->{json}{links};
my %subq;
for my $l (@$links) {
	my $st = api(GET => "/api/v1/tickets/$l->{ticket}", 'sara')->{json};
	$subq{$st->{queue}} = $st->{number};
}
is_deeply([sort keys %subq], ['first_line', 'identity'],
	'sub-tasks for the identity team and first line');

sub resolve {
	my ($num, $who) = @_;
	my $v = api(GET => "/api/v1/tickets/$num", $who)->{json}{version};
	my $res = api(PATCH => "/api/v1/tickets/$num", $who, { version => $v, status => 'resolved',
		resolution_code => 'solved', resolution_text => 'Levererat.' });
	return $res->{status};
}
is(resolve($subq{identity}, 'lena'), 200, 'the identity team checks account and licence');
is(resolve($subq{first_line}, 'sara'), 200, 'first line registers and delivers the laptop');
is(resolve($laptop->{ticket}, 'sara'), 200, 'the laptop order\'s ticket is resolved');
is(resolve($screen->{ticket}, 'sara'), 200, 'and the screen\'s');

$laptop = api(GET => "/api/v1/orders/$laptop->{number}", 'anders')->{json};
is($laptop->{status}, 'delivered', 'the laptop is delivered');
is_deeply($laptop->{subscription}, { start_date => $today, monthly_ore => 43000, quantity => 1,
	end_date => undef }, 'its monthly subscription starts today at the price valid today');
is($pg->psql("SELECT sdesk_price_on(s.id, 'monthly', t.id, sdesk_today()) FROM services s,"
	. " tenants t WHERE s.code = 'laptop-standard' AND t.code = 'BEN'"), '43000',
	'(which is what the catalogue says for Bengtsfors today)');
$screen = api(GET => "/api/v1/orders/$screen->{number}", 'anders')->{json};
is($screen->{status}, 'delivered', 'the screen is delivered');
is_deeply($screen->{charge}, { amount_ore => 215000, quantity => 1, charged_on => $today },
	'bought: charged once, 2 150.00 kr');
$r = api(GET => '/api/v1/subscriptions', 'anders');
is_deeply([map { "$_->{service}{code} $_->{cost_centre}{code} $_->{monthly_ore_at_start}" }
	@{ $r->{json}{subscriptions} }], ['laptop-standard 3100 43000'],
	'the consumption chargeback will bill, on cost centre 3100');

done_testing();
