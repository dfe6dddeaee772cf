#!/usr/bin/perl
# The catalogue as each person sees it, and orders through the API: who may
# see and order what (tenant, department, role, ordering rights), form
# validation, approval by the cost centre's manager and an IT architect,
# rejection and withdrawal, fulfilment as tickets with sub-tasks, delivery
# starting the subscription at the price valid that day, and orders that
# keep their terms when the catalogue changes afterwards.
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

my ($d, $pg, $h, $id) = ticket_world();
my $dir = tempdir(CLEANUP => 1);
my $today = today_se();
my $PW = 'Brygga-Tistel-Lampa-83';

sub api {
	my ($method, $path, $who, $body) = @_;
	return http($method => $d->url($path), headers => $h->{$who},
		($body ? (body => $body) : ()));
}
sub codes { [sort map { $_->{code} } @{ $_[0]{json}{services} }] }

# More people: a Bengtsfors manager of cost centre 3100, a care worker in
# VOO, a Mellerud employee and the host's IT architect.
for my $p (['BEN', 'anders.by', 'Anders By'], ['BEN', 'hassan.ali', 'Hassan Ali'],
	['MEL', 'karl.ostlund', 'Karl Östlund'], ['AMA', 'mikael.ros', 'Mikael Ros', 'architect:*']) {
	my ($tenant, $login, $name, @roles) = @$p;
	my ($rc, $out) = local_account($d->{conf}, $tenant, $login, $PW, '--name', $name,
		map { ('--role', $_) } ('employee', @roles));
	die "local-account $login: $out" if $rc;
}
my %pid = map { ($_ => scalar $pg->psql("SELECT id FROM people WHERE login = '$_'")) }
	qw(anders.by hassan.ali lisa.nord);
my $r = api(PATCH => "/api/v1/people/$pid{'anders.by'}", 'ingrid.kvist',
	{ department => 'BUF', cost_centre => '3100' });
is($r->{status}, 200, 'the IT contact places the manager in BUF 3100') or diag $r->{content};
api(PATCH => "/api/v1/people/$pid{'lisa.nord'}", 'ingrid.kvist',
	{ department => 'BUF', cost_centre => '3100' });
api(PATCH => "/api/v1/people/$pid{'hassan.ali'}", 'ingrid.kvist',
	{ department => 'VOO', cost_centre => '5100' });
$r = api(POST => "/api/v1/people/$pid{'anders.by'}/roles", 'ingrid.kvist',
	{ role => 'manager', tenant => 'BEN', cost_centre => '3100' });
is($r->{status}, 201, 'and makes him manager of 3100') or diag $r->{content};
for my $login (qw(anders.by hassan.ali karl.ostlund mikael.ros)) {
	my $tenant = { 'anders.by' => 'BEN', 'hassan.ali' => 'BEN', 'karl.ostlund' => 'MEL',
		'mikael.ros' => 'AMA' }->{$login};
	(undef, $h->{$login}) = login_as($d, $tenant, $login, $PW);
}

$r = api(GET => '/api/v1/catalogue', 'lisa.nord');
is($r->{status}, 200, 'the catalogue answers before any import');
is_deeply($r->{json}{services}, [], 'empty');
write_file("$dir/cat.yaml", test_catalogue());
my ($rc, $out) = cat_import($d->{conf}, "$dir/cat.yaml");
is($rc, 0, 'test catalogue imported') or diag $out;

# ---- What each person sees.
$r = api(GET => '/api/v1/catalogue', 'lisa.nord');
is_deeply(codes($r), ['laptop-standard', 'screen-extra'],
	'an employee of BUF: no LSS system (VOO only), no add-on for managers');
is($r->{json}{tenant}, 'BEN', 'as Bengtsfors offers it');
my ($laptop) = grep { $_->{code} eq 'laptop-standard' } @{ $r->{json}{services} };
is($laptop->{price}{monthly_ore}, 43000, "with Bengtsfors' own price (430.00 kr)");
ok(!$laptop->{orderable}, 'a laptop is ordered by the manager');
is_deeply([map { $_->{code} } @{ $r->{json}{areas} }], ['workplace'], 'only areas with services');
is_deeply(codes(api(GET => '/api/v1/catalogue', 'hassan.ali')),
	['laptop-standard', 'lss-app', 'screen-extra'], 'the care worker in VOO sees the LSS system');
is_deeply(codes(api(GET => '/api/v1/catalogue', 'anders.by')),
	['gis-addon', 'laptop-standard', 'screen-extra'], 'the manager sees the add-on for managers');
is_deeply(codes(api(GET => '/api/v1/catalogue', 'karl.ostlund')),
	['laptop-standard', 'screen-extra'], 'a Mellerud employee never sees Bengtsfors-only services');
$r = api(GET => '/api/v1/catalogue/services/lss-app', 'karl.ostlund');
is($r->{status}, 404, 'not even by its code');
$r = api(GET => '/api/v1/catalogue?tenant=BEN', 'karl.ostlund');
is("$r->{status} $r->{json}{error}{field}", '403 tenant', 'nor by asking for another municipality');
$r = api(GET => '/api/v1/catalogue', 'sara.ek');
is_deeply(codes($r), ['gis-addon', 'laptop-standard', 'lss-app', 'screen-extra'],
	'a technician browses everything');
is($r->{json}{tenant}, undef, 'not as one municipality');
($laptop) = grep { $_->{code} eq 'laptop-standard' } @{ $r->{json}{services} };
is_deeply($laptop->{tenants}, [qw(AMA BEN FAR MEL)], 'with who offers it');
is($laptop->{price}{monthly_ore}, 45000, 'and the default price');
$r = api(GET => '/api/v1/catalogue?tenant=MEL', 'sara.ek');
is_deeply(codes($r), ['gis-addon', 'laptop-standard', 'screen-extra'], 'or as Mellerud sees it');
ok(!(grep { $_->{orderable} } @{ $r->{json}{services} }), 'ordering only in one\'s own municipality');
is_deeply(codes(api(GET => '/api/v1/catalogue?q=SK%C3%84RM', 'lisa.nord')), ['screen-extra'],
	'search in names and descriptions');
$r = api(GET => "/api/v1/catalogue?q=SK\xC4RM", 'lisa.nord');
is("$r->{status} $r->{json}{error}{field}", '400 q', 'a search that is not UTF-8 is refused');
$r = api(GET => '/api/v1/catalogue/services/laptop-standard', 'anders.by');
is($r->{status}, 200, 'one service');
is_deeply([map { $_->{name} } @{ $r->{json}{form} }], [qw(user_name start_date keyboard mentor)],
	'with its form');
is_deeply([map { "$_->{kind}:" . ($_->{tenant} // '*') . ":$_->{amount_ore}" } @{ $r->{json}{prices} }],
	['monthly:*:45000', 'monthly:BEN:43000'], 'and its prices for Bengtsfors');
ok($r->{json}{orderable}, 'which the manager may order');
$r = api(GET => '/api/v1/catalogue/versions', 'lisa.nord');
is($r->{status}, 403, 'versions are for staff');
$r = api(GET => '/api/v1/catalogue/versions', 'sara.ek');
is($r->{json}{versions}[0]{version}, 1, 'staff see the versions');

# ---- Validation and ordering rights.
my %laptop_answers = (user_name => 'Nora Ny', start_date => '2027-01-11', keyboard => 'svenskt',
	mentor => 'lisa.nord');
my @bad = (
	[{}, 400, 'missing_field', 'service'],
	[{ service => 'no-such-service' }, 404, 'not_found', 'service'],
	[{ service => 'lss-app' }, 404, 'not_found', 'service'],
	[{ service => 'laptop-standard' }, 400, 'missing_field', 'answers.user_name'],
	[{ service => 'laptop-standard', answers => { %laptop_answers, start_date => '2027-02-30' } },
		400, 'invalid_field', 'answers.start_date'],
	[{ service => 'laptop-standard', answers => { %laptop_answers, keyboard => 'dvorak' } },
		400, 'invalid_field', 'answers.keyboard'],
	[{ service => 'laptop-standard', answers => { %laptop_answers, colour => 'röd' } },
		400, 'invalid_field', 'answers.colour'],
	[{ service => 'laptop-standard', answers => { %laptop_answers, mentor => 'karl.ostlund' } },
		400, 'invalid_field', 'answers.mentor'],
	[{ service => 'laptop-standard', answers => { %laptop_answers, user_name => ['x'] } },
		400, 'invalid_field', 'answers.user_name'],
	[{ service => 'laptop-standard', cost_centre => '9999', answers => \%laptop_answers },
		400, 'invalid_field', 'cost_centre'],
	[{ service => 'laptop-standard', cost_centre => '5100', answers => \%laptop_answers },
		403, 'order_not_allowed', 'cost_centre'],
	[{ service => 'screen-extra', answers => { size => '27', count => 3 } }, 400, 'invalid_field',
		'answers.count'],
	[{ service => 'screen-extra', quantity => 0, answers => { size => '27' } }, 400,
		'invalid_field', 'quantity'],
);
for my $b (@bad) {
	my ($body, $status, $code, $field) = @$b;
	$r = api(POST => '/api/v1/orders', 'anders.by', $body);
	is("$r->{status} $r->{json}{error}{code} " . ($r->{json}{error}{field} // ''),
		"$status $code $field", "refused: $code on $field") or diag $r->{content};
}
$r = api(POST => '/api/v1/orders', 'lisa.nord',
	{ service => 'laptop-standard', answers => \%laptop_answers });
is("$r->{status} $r->{json}{error}{code}", '403 order_not_allowed',
	'an employee may not order what the manager orders');
$r = api(POST => '/api/v1/orders', 'hassan.ali', { service => 'lss-app', cost_centre => '3100' });
is("$r->{status} $r->{json}{error}{code}", '403 order_not_allowed',
	'nor order for someone else\'s cost centre');
is($pg->psql('SELECT count(*) FROM orders', db => 'sdesk'), 0, 'nothing refused was stored');

# Anyone may order lss-app for their own cost centre; no approval needed.
$r = api(POST => '/api/v1/orders', 'hassan.ali', { service => 'lss-app' });
is($r->{status}, 201, 'the care worker orders the LSS system') or diag $r->{content};
like($r->{json}{number}, qr/^BEN-B\d{4}-000001$/, 'order number of Bengtsfors');
is($r->{json}{status}, 'in_fulfilment', 'nothing to approve: straight to fulfilment');
is($r->{json}{cost_centre}{code}, '5100', 'for his own cost centre');
my $t = api(GET => "/api/v1/tickets/$r->{json}{ticket}", 'hassan.ali')->{json};
is("$t->{type} $t->{queue} $t->{service}{code} $t->{order}",
	"request business_systems lss-app $r->{json}{number}",
	'a service request in the service\'s queue, naming service and order');
is($t->{requester}{login}, 'hassan.ali', 'requested by the orderer');
is($t->{cost_centre}{code}, '5100', 'charged to the order\'s cost centre');
is(resolve($t->{number}, 'sara.ek')->{status}, 200, 'delivered');
is(api(GET => "/api/v1/orders/$r->{json}{number}", 'hassan.ali')->{json}{subscription}{monthly_ore},
	2500, 'his account subscription runs at 25.00 kr a month');

# ---- The laptop: manager's step approved at once, the architect decides.
$r = api(POST => '/api/v1/orders', 'anders.by',
	{ service => 'laptop-standard', answers => \%laptop_answers });
is($r->{status}, 201, 'the manager orders a laptop') or diag $r->{content};
my $o = $r->{json};
is($o->{status}, 'pending_approval', 'waiting for approval');
is_deeply([map { "$_->{step}:$_->{status}" } @{ $o->{approvals} }],
	['manager:approved', 'architect:pending'], 'his own step is done, the architect\'s is not');
is($o->{price}{monthly_ore}, 43000, 'quoted at today\'s Bengtsfors price');
is($o->{answers}{mentor}{login}, 'lisa.nord', 'people in the form are resolved');
my $n = $o->{number};
is(api(GET => "/api/v1/orders/$n", 'lisa.nord')->{status}, 404, 'another employee cannot see it');
is(api(GET => "/api/v1/orders/$n", 'karl.ostlund')->{status}, 404, 'nor another municipality');
$r = api(GET => '/api/v1/approvals', 'mikael.ros');
is_deeply([map { $_->{number} } @{ $r->{json}{orders} }], [$n], 'in the architect\'s inbox');
is_deeply(api(GET => '/api/v1/approvals', 'anders.by')->{json}{orders}, [],
	'not in the manager\'s: his step is done');
$r = api(POST => "/api/v1/orders/$n/decision", 'lisa.nord', { decision => 'approve' });
is($r->{status}, 404, 'an employee cannot decide (cannot even see it)');
$r = api(POST => "/api/v1/orders/$n/decision", 'sara.ek', { decision => 'approve' });
is("$r->{status} $r->{json}{error}{code}", '403 forbidden', 'a technician sees it but is no approver');
$r = api(POST => "/api/v1/orders/$n/decision", 'mikael.ros', { decision => 'reject' });
is("$r->{status} $r->{json}{error}{field}", '400 reason', 'a rejection needs a reason');
$r = api(POST => "/api/v1/orders/$n/decision", 'mikael.ros', { decision => 'maybe' });
is("$r->{status} $r->{json}{error}{field}", '400 decision', 'approve or reject');

# The price changes before the decision: the order keeps its quote.
write_file("$dir/cat2.yaml", test_catalogue(laptop_prices =>
	qq(      - {kind: monthly, amount: "440.00", from: $today, tenant: BEN}\n)));
($rc, $out) = cat_import($d->{conf}, "$dir/cat2.yaml");
is($rc, 0, 'Bengtsfors\' laptop price changes from today') or diag $out;
is(api(GET => "/api/v1/orders/$n", 'anders.by')->{json}{price}{monthly_ore}, 43000,
	'the order keeps the price it was placed with');

$r = api(POST => "/api/v1/orders/$n/decision", 'mikael.ros',
	{ decision => 'approve', reason => 'Standardmodell, ok.' });
is($r->{status}, 200, 'the architect approves') or diag $r->{content};
is($r->{json}{status}, 'in_fulfilment', 'in fulfilment');
is($r->{json}{approvals}[1]{by}{login}, 'mikael.ros', 'who approved is shown');
my $tn = $r->{json}{ticket};
ok($tn, "a ticket is filed ($tn)");
$r = api(POST => "/api/v1/orders/$n/decision", 'mikael.ros', { decision => 'approve' });
is("$r->{status} $r->{json}{error}{code}", '409 order_state', 'decided once');
$t = api(GET => "/api/v1/tickets/$tn", 'anders.by')->{json};
is("$t->{queue} $t->{service}{code} $t->{status}", 'first_line laptop-standard new',
	'the laptop ticket is in first line');
like($t->{description}, qr/Nora Ny/, 'with the form\'s answers');
my $links = api(GET => "/api/v1/tickets/$tn/links", 'sara.ek')->{json}{links};
is(scalar @$links, 1, 'one sub-task');
my $sub = $links->[0]{ticket};
is($links->[0]{kind}, 'parent_of', 'linked as its child');
$t = api(GET => "/api/v1/tickets/$sub", 'lena.dahl')->{json};
is("$t->{queue} $t->{order}", "identity $n", 'the account sub-task is with the identity team');

# Delivery waits for the sub-task, then starts the subscription.
sub resolve {
	my ($num, $who) = @_;
	my $v = api(GET => "/api/v1/tickets/$num", $who)->{json}{version};
	return api(PATCH => "/api/v1/tickets/$num", $who, { version => $v, status => 'resolved',
		resolution_code => 'solved', resolution_text => 'Levererat.' });
}
$r = resolve($tn, 'sara.ek');
is("$r->{status} $r->{json}{error}{code}", '409 subtasks_open', 'not delivered while a sub-task is open');
is(resolve($sub, 'lena.dahl')->{status}, 200, 'the identity team finishes the account');
is(api(GET => "/api/v1/orders/$n", 'anders.by')->{json}{status}, 'in_fulfilment',
	'a sub-task alone does not deliver');
$r = resolve($tn, 'sara.ek');
is($r->{status}, 200, 'first line delivers the laptop') or diag $r->{content};
$o = api(GET => "/api/v1/orders/$n", 'anders.by')->{json};
is($o->{status}, 'delivered', 'the order is delivered');
is_deeply($o->{subscription}, { start_date => $today, monthly_ore => 44000, quantity => 1,
	end_date => undef }, 'the subscription starts today at the price valid today (440.00 kr)');
is($o->{price}{monthly_ore}, 43000, 'while the order shows what was quoted');
$r = api(GET => '/api/v1/subscriptions', 'anders.by');
is(scalar @{ $r->{json}{subscriptions} }, 1, 'the manager sees his cost centre\'s subscription');
is($r->{json}{subscriptions}[0]{cost_centre}{code}, '3100', 'on cost centre 3100');
is_deeply(api(GET => '/api/v1/subscriptions', 'lisa.nord')->{json}{subscriptions}, [],
	'an employee sees none');
$r = api(GET => '/api/v1/subscriptions?tenant=BEN', 'karin.wall');
is(scalar @{ $r->{json}{subscriptions} }, 2, 'the team lead (reports) sees Bengtsfors\' two');

# ---- The screen: only the manager's approval, which is his own.
$r = api(POST => '/api/v1/orders', 'anders.by',
	{ service => 'screen-extra', quantity => 2, answers => { size => '27', height_adjustable => JSON::PP::true } });
is($r->{json}{status}, 'in_fulfilment', 'the manager\'s screen needs no one else') or diag $r->{content};
is($r->{json}{price}{one_time_ore}, 189000, 'one-time price 1 890.00 kr');
$r = resolve($r->{json}{ticket}, 'sara.ek');
$o = api(GET => '/api/v1/orders?mine=true&status=delivered', 'anders.by')->{json}{orders}[0];
is($o->{service}{code}, 'screen-extra', 'listed among his delivered orders');
is($o->{subscription}, undef, 'bought, not leased: no subscription');
is_deeply($o->{charge}, { amount_ore => 189000, quantity => 2, charged_on => $today },
	'the one-time fee is charged on delivery');

# ---- Rejection, withdrawal, and a service withdrawn after ordering.
$r = api(POST => '/api/v1/orders', 'anders.by', { service => 'laptop-standard', answers => \%laptop_answers });
my $n2 = $r->{json}{number};
$r = api(POST => "/api/v1/orders/$n2/decision", 'mikael.ros',
	{ decision => 'reject', reason => 'Använd en återlämnad dator i stället.' });
is($r->{json}{status}, 'rejected', 'the architect rejects');
is($r->{json}{approvals}[1]{reason}, 'Använd en återlämnad dator i stället.', 'the orderer sees why');
is($r->{json}{ticket}, undef, 'no ticket');
$r = api(POST => '/api/v1/orders', 'anders.by', { service => 'laptop-standard', answers => \%laptop_answers });
my $n3 = $r->{json}{number};
is(api(POST => "/api/v1/orders/$n3/cancel", 'lisa.nord')->{status}, 404, 'only the orderer withdraws');
$r = api(POST => "/api/v1/orders/$n3/cancel", 'anders.by');
is($r->{json}{status}, 'cancelled', 'the orderer withdraws his order');
$r = api(POST => "/api/v1/orders/$n3/cancel", 'anders.by');
is("$r->{status} $r->{json}{error}{code}", '409 order_state', 'once');
$r = api(POST => '/api/v1/orders', 'anders.by', { service => 'laptop-standard', answers => \%laptop_answers });
my $n4 = $r->{json}{number};
write_file("$dir/cat3.yaml", test_catalogue(without => 'laptop-standard'));
($rc, $out) = cat_import($d->{conf}, "$dir/cat3.yaml");
like($out, qr/1 withdrawn/, 'the laptop leaves the catalogue');
$r = api(GET => "/api/v1/orders/$n4", 'anders.by');
ok($r->{json}{service}{withdrawn}, 'the order shows the service was withdrawn');
$r = api(POST => "/api/v1/orders/$n4/decision", 'mikael.ros', { decision => 'approve' });
is($r->{json}{status}, 'in_fulfilment', 'an order placed before still goes ahead');
$r = api(POST => '/api/v1/orders', 'anders.by', { service => 'laptop-standard', answers => \%laptop_answers });
is($r->{status}, 404, 'but no new ones');

# The requester withdraws a fulfilment ticket: the order is cancelled.
$r = api(POST => '/api/v1/orders', 'anders.by', { service => 'screen-extra', answers => { size => '24' } });
my ($n5, $t5) = ($r->{json}{number}, $r->{json}{ticket});
my $v = api(GET => "/api/v1/tickets/$t5", 'anders.by')->{json}{version};
$r = api(PATCH => "/api/v1/tickets/$t5", 'anders.by', { version => $v, status => 'resolved' });
is($r->{status}, 200, 'the requester withdraws the screen ticket') or diag $r->{content};
$o = api(GET => "/api/v1/orders/$n5", 'anders.by')->{json};
is("$o->{status} " . ($o->{charge} // 'no charge'), 'cancelled no charge', 'the order is cancelled, nothing charged');

is($pg->psql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE object = 'order:$n'",
	db => 'sdesk'), 'order.create,order.approve,order.delivered', 'the order\'s way is audited');

done_testing();
