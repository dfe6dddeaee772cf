#!/usr/bin/perl
# Roles by hand: an IT contact grants the local roles in their own
# municipality and nothing more; the database's rules (administrator only on
# adm-*, municipal people only at home) come back as 400 naming the field;
# duplicates are 409; directory grants cannot be revoked here; a staff role
# ends the person's sessions so that it starts with MFA; all audited.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

plan skip_all => 'oathtool missing (configure installs it)' unless have_prog('oathtool');
my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
my $conf = $d->{conf};
my $pw = 'Fyrtorn-Lingon-Kompass-47';
local_account($conf, 'AMA', 'adm-root', $pw, '--name', 'Rot Admin', '--kind', 'privileged',
	'--role', 'admin:*');
local_account($conf, 'BEN', 'itk.ben', $pw, '--name', 'Ingrid Kontakt', '--role', 'it_contact:BEN');
local_account($conf, 'BEN', 'bo.berg', $pw, '--name', 'Bo Berg', '--role', 'employee');
local_account($conf, 'MEL', 'mia.mel', $pw, '--name', 'Mia Mel', '--role', 'employee');
local_account($conf, 'AMA', 'alf.ama', $pw, '--name', 'Alf Amal', '--role', 'employee');
my %id = map { split /\|/ } split /\n/, $pg->psql('SELECT login, id FROM people');
my $admin = session_for($d, 'AMA', 'adm-root', $pw);
my $itk = session_for($d, 'BEN', 'itk.ben', $pw);

sub api {
	my ($method, $path, $h, $body) = @_;
	return http($method => $d->url($path), headers => $h, defined $body ? (body => $body) : ());
}
sub err { my ($r) = @_; return join ' ', $r->{status}, $r->{json}{error}{code} // '-',
	$r->{json}{error}{field} // '-' }

my $r = api(GET => "/api/v1/people/$id{'bo.berg'}/roles", $itk);
is($r->{status}, 200, 'roles of a Bengtsfors person');
is_deeply([map { "$_->{role}\@$_->{tenant}/$_->{source}" } @{ $r->{json}{roles} }],
	['employee@BEN/local'], 'employee in Bengtsfors, granted locally');

$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $itk,
	{ role => 'manager', tenant => 'BEN', cost_centre => '5100' });
is($r->{status}, 201, 'the IT contact makes Bo a manager') or diag(explain $r->{json});
my $grant = $r->{json};
is_deeply([@$grant{qw(role tenant team cost_centre source)}], ['manager', 'BEN', undef, '5100',
	'local'], 'with ordering rights for cost centre 5100');
is($pg->psql("SELECT granted_by FROM role_grants WHERE id = $grant->{id}"), $id{'itk.ben'},
	'granted_by recorded');
is($pg->psql("SELECT details FROM audit_log WHERE action = 'role.grant'"),
	qq({"cost_centre":"5100","grant":$grant->{id},"role":"manager","team":null,"tenant":"BEN"}),
	'audited');
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $itk,
	{ role => 'manager', tenant => 'BEN', cost_centre => '5100' });
is(err($r), '409 conflict role', 'the same grant twice: 409');

# What an IT contact may not grant.
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $itk, { role => 'tech1', tenant => 'BEN' });
is(err($r), '403 forbidden role', 'no staff roles');
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $itk, { role => 'employee', tenant => 'MEL' });
is(err($r), '403 forbidden role', 'nothing in another municipality');
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $itk, { role => 'employee', tenant => '*' });
is(err($r), '403 forbidden role', 'nothing over every municipality');
for my $path ("/api/v1/people/$id{'mia.mel'}/roles") {
	is(api(GET => $path, $itk)->{status}, 404, 'a Mellerud person is not there: GET');
	is(api(POST => $path, $itk, { role => 'employee', tenant => 'MEL' })->{status}, 404, 'POST');
	my $mg = $pg->psql("SELECT id FROM role_grants WHERE person_id = $id{'mia.mel'}");
	is(api(DELETE => "$path/$mg", $itk)->{status}, 404, 'DELETE');
	is($pg->psql("SELECT count(*) FROM role_grants WHERE id = $mg"), '1', 'still there');
}

# The database's rules, as answers naming the field.
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $admin, { role => 'employee', tenant => 'MEL' });
is(err($r), '400 invalid_field tenant', 'a Bengtsfors person gets no role in Mellerud');
like($r->{json}{error}{message}, qr/egen kommun/, 'says why');
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $admin, { role => 'admin', tenant => 'BEN' });
is(err($r), '400 invalid_field role', 'the administrator role only on adm-*');
$r = api(POST => "/api/v1/people/$id{'bo.berg'}/roles", $admin,
	{ role => 'manager', tenant => 'BEN', cost_centre => '9999' });
is(err($r), '400 invalid_field cost_centre', 'an unknown cost centre');
my @bad = ([{ role => 'tech2', tenant => 'AMA' }, '400 missing_field team', 'tech2 without team'],
	[{ role => 'tech1', tenant => 'AMA', team => 'network' }, '400 invalid_field team',
		'a team for tech1'],
	[{ role => 'tech2', tenant => 'AMA', team => 'kitchen' }, '400 invalid_field team',
		'an unknown team'],
	[{ role => 'wizard', tenant => 'AMA' }, '400 invalid_field role', 'an unknown role'],
	[{ role => 'tech1', tenant => 'XYZ' }, '400 invalid_field tenant', 'an unknown tenant'],
	[{ role => 'tech1' }, '400 missing_field tenant', 'no tenant'],
	[{ role => 'tech1', tenant => 'AMA', since => 'now' }, '400 unknown_field since',
		'an unknown field'],
	[{ role => ['tech1'], tenant => 'AMA' }, '400 invalid_field role', 'a list for a role']);
for my $b (@bad) {
	is(err(api(POST => "/api/v1/people/$id{'alf.ama'}/roles", $admin, $b->[0])), $b->[1],
		"refused: $b->[2]");
}

# Host staff: a role over every municipality, which needs MFA at once.
my $alf = session_for($d, 'AMA', 'alf.ama', $pw);
is(api(GET => '/api/v1/session', $alf)->{status}, 200, 'Alf is logged in');
$r = api(POST => "/api/v1/people/$id{'alf.ama'}/roles", $admin,
	{ role => 'tech2', tenant => '*', team => 'network' });
is($r->{status}, 201, 'an administrator makes Alf a network technician everywhere');
is_deeply([@{ $r->{json} }{qw(tenant team)}], ['*', 'network'], 'over every tenant');
is(api(GET => '/api/v1/session', $alf)->{status}, 401, "Alf's session ended");
($r) = login_as($d, 'AMA', 'alf.ama', $pw);
is($r->{json}{mfa}, 'enrol', 'his next login asks for MFA');

# Revoking.
$r = api(DELETE => "/api/v1/people/$id{'bo.berg'}/roles/$grant->{id}", $itk);
is($r->{status}, 204, 'the IT contact revokes the manager role');
is($pg->psql("SELECT count(*) FROM role_grants WHERE id = $grant->{id}"), '0', 'gone');
like($pg->psql("SELECT details FROM audit_log WHERE action = 'role.revoke'"),
	qr/"role":"manager"/, 'audited');
is(api(DELETE => "/api/v1/people/$id{'bo.berg'}/roles/$grant->{id}", $itk)->{status}, 404,
	'again: 404');
my $t1 = $pg->psql("INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, source)"
	. " SELECT tenant_id, id, 'tech1', tenant_id, 'local' FROM people WHERE login = 'bo.berg'"
	. " RETURNING id");
is(err(api(DELETE => "/api/v1/people/$id{'bo.berg'}/roles/$t1", $itk)), '403 forbidden -',
	'the IT contact cannot revoke a role they could not grant');
my $dg = $pg->psql("INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, source)"
	. " SELECT tenant_id, id, 'manager', tenant_id, 'directory' FROM people WHERE login ="
	. " 'bo.berg' RETURNING id");
$r = api(DELETE => "/api/v1/people/$id{'bo.berg'}/roles/$dg", $admin);
is(err($r), '409 conflict -', 'a role from the directory cannot be revoked here');
like($r->{json}{error}{message}, qr/nästa inloggning/, 'it says the role comes back at login');
is($pg->psql("SELECT count(*) FROM role_grants WHERE id = $dg"), '1', 'and it stays');
is(api(DELETE => "/api/v1/people/$id{'bo.berg'}/roles/$grant->{id}", $alf)->{status}, 401,
	'no session, no revoking');
is((sdeskctl($conf, 'audit', 'verify'))[0], 0, 'audit chain intact');
done_testing();
