#!/usr/bin/perl
# A municipality's own configuration, kept by its IT contact: the setting
# that makes every employee use MFA (honoured at the next login), and the
# mapping from directory groups to roles, limited to the roles the IT
# contact may grant; the host's roles over every municipality only by an
# administrator.  Other municipalities' configuration is not there (404).
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
my $admin = session_for($d, 'AMA', 'adm-root', $pw);
my $itk = session_for($d, 'BEN', 'itk.ben', $pw);

sub api {
	my ($method, $path, $h, $body) = @_;
	return http($method => $d->url($path), headers => $h, defined $body ? (body => $body) : ());
}
sub err { my ($r) = @_; return join ' ', $r->{status}, $r->{json}{error}{code} // '-',
	$r->{json}{error}{field} // '-' }

# Settings.
my $r = api(GET => '/api/v1/tenants/BEN/settings', $itk);
is($r->{status}, 200, 'the IT contact reads the settings of Bengtsfors');
is_deeply($r->{json}, { mfa_all_users => JSON::PP::false }, 'MFA for staff only');
is((login_as($d, 'BEN', 'bo.berg', $pw))[0]{json}{mfa}, 'ok', 'so Bo logs in without MFA');
$r = api(PUT => '/api/v1/tenants/BEN/settings', $itk, { mfa_all_users => JSON::PP::true });
is($r->{status}, 200, 'MFA for everyone in Bengtsfors');
is_deeply($r->{json}, { mfa_all_users => JSON::PP::true }, 'stored');
is(api(GET => '/api/v1/tenants/BEN/settings', $itk)->{json}{mfa_all_users}, JSON::PP::true,
	'and read back');
is((login_as($d, 'BEN', 'bo.berg', $pw))[0]{json}{mfa}, 'enrol', 'Bo must now set up MFA');
is((login_as($d, 'MEL', 'mia.mel', $pw))[0]{json}{mfa}, 'ok', 'Mellerud is unchanged');
is($pg->psql("SELECT actor || ' ' || details FROM audit_log WHERE action = 'tenant.settings'"),
	'BEN/itk.ben {"mfa_all_users":{"from":false,"to":true}}', 'audited');
is(err(api(PUT => '/api/v1/tenants/BEN/settings', $itk, { mfa_all_users => 'yes' })),
	'400 invalid_field mfa_all_users', 'a string for a boolean');
is(err(api(PUT => '/api/v1/tenants/BEN/settings', $itk, {})), '400 missing_field mfa_all_users',
	'nothing given');
is(err(api(PUT => '/api/v1/tenants/BEN/settings', $itk, { mfa_all_users => JSON::PP::true,
	sms => 1 })), '400 unknown_field sms', 'an unknown setting');
is(api(GET => '/api/v1/tenants/MEL/settings', $itk)->{status}, 404, 'Mellerud settings: 404');
is(api(PUT => '/api/v1/tenants/MEL/settings', $itk, { mfa_all_users => JSON::PP::true })->{status},
	404, 'and cannot be changed');
is($pg->psql("SELECT count(*) FROM tenant_settings s JOIN tenants t ON t.id = s.tenant_id"
	. " WHERE t.code = 'MEL' AND s.mfa_all_users"), '0', 'nothing changed in Mellerud');
is(api(GET => '/api/v1/tenants/XYZ/settings', $admin)->{status}, 404, 'no such tenant: 404');
is(api(PUT => '/api/v1/tenants/MEL/settings', $admin, { mfa_all_users => JSON::PP::false })->{status},
	200, 'an administrator may change any municipality');

# Directory groups.
$r = api(GET => '/api/v1/tenants/BEN/directory-groups', $itk);
is($r->{status}, 200, 'the group mappings of Bengtsfors');
is_deeply([sort map { $_->{role} } @{ $r->{json}{groups} }], ['it_contact', 'manager'],
	'as in the demo');
my $dn = 'cn=sdesk-arkitekter,ou=groups,dc=bengtsfors,dc=se';
$r = api(POST => '/api/v1/tenants/BEN/directory-groups', $itk, { group_dn => $dn,
	role => 'architect' });
is($r->{status}, 201, 'the IT contact maps a group to architect');
my $g = $r->{json};
is_deeply([@$g{qw(group_dn role team all_tenants)}], [$dn, 'architect', undef, JSON::PP::false],
	'as asked');
like($pg->psql("SELECT object || ' ' || details FROM audit_log WHERE action ="
	. " 'directory_groups.add'"), qr/^directory_group:$g->{id} .*"role":"architect"/, 'audited');
is(err(api(POST => '/api/v1/tenants/BEN/directory-groups', $itk, { group_dn => uc $dn,
	role => 'architect' })), '409 conflict group_dn', 'the same mapping again (any case): 409');
my @bad = ([{ group_dn => 'cn=x,dc=se', role => 'admin' }, '403 forbidden role', 'role admin'],
	[{ group_dn => 'cn=x,dc=se', role => 'tech1' }, '403 forbidden role', 'a staff role'],
	[{ group_dn => 'cn=x,dc=se', role => 'manager', all_tenants => JSON::PP::true },
		'400 invalid_field all_tenants', 'every tenant from a partner municipality'],
	[{ group_dn => 'cn=x,dc=se', role => 'tech2' }, '400 missing_field team', 'tech2 without team'],
	[{ group_dn => 'cn', role => 'manager' }, '400 invalid_field group_dn', 'too short a DN'],
	[{ role => 'manager' }, '400 missing_field group_dn', 'no DN'],
	[{ group_dn => 'cn=x,dc=se', role => 'boss' }, '400 invalid_field role', 'an unknown role'],
	[{ group_dn => 'cn=x,dc=se', role => 'manager', owner => 'me' }, '400 unknown_field owner',
		'an unknown field']);
for my $b (@bad) {
	is(err(api(POST => '/api/v1/tenants/BEN/directory-groups', $itk, $b->[0])), $b->[1],
		"refused: $b->[2]");
}
is(api(POST => '/api/v1/tenants/MEL/directory-groups', $itk, { group_dn => 'cn=x,dc=se',
	role => 'manager' })->{status}, 404, 'Mellerud mappings cannot be added');
is(api(GET => '/api/v1/tenants/MEL/directory-groups', $itk)->{status}, 404, 'nor read');
my $mel = $pg->psql("SELECT g.id FROM directory_groups g JOIN tenants t ON t.id = g.tenant_id"
	. " WHERE t.code = 'MEL' LIMIT 1");
is(api(DELETE => "/api/v1/tenants/BEN/directory-groups/$mel", $itk)->{status}, 404,
	'a Mellerud mapping under Bengtsfors: 404');
is(api(DELETE => "/api/v1/tenants/MEL/directory-groups/$mel", $itk)->{status}, 404,
	'and under Mellerud: 404');
is($pg->psql("SELECT count(*) FROM directory_groups WHERE id = $mel"), '1', 'still there');

# The host's groups over every municipality: administrators only.
$r = api(POST => '/api/v1/tenants/AMA/directory-groups', $admin, { group_dn =>
	'cn=sdesk-servicedesk,ou=groups,dc=amal,dc=se', role => 'tech1', all_tenants => JSON::PP::true });
is($r->{status}, 201, 'an administrator maps a host group to tech1 everywhere');
is($r->{json}{all_tenants}, JSON::PP::true, 'all tenants');
is(api(DELETE => "/api/v1/tenants/AMA/directory-groups/$r->{json}{id}", $itk)->{status}, 404,
	'the IT contact of Bengtsfors cannot touch it');
my $itm = $pg->psql("SELECT g.id FROM directory_groups g JOIN tenants t ON t.id = g.tenant_id"
	. " WHERE t.code = 'BEN' AND g.role = 'it_contact'");
$r = api(DELETE => "/api/v1/tenants/BEN/directory-groups/$g->{id}", $itk);
is($r->{status}, 204, 'the IT contact removes the architect mapping');
is(api(DELETE => "/api/v1/tenants/BEN/directory-groups/$g->{id}", $itk)->{status}, 404,
	'twice: 404');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'directory_groups.remove' AND object"
	. " = 'directory_group:$g->{id}'"), '1', 'removal audited');
is(api(DELETE => "/api/v1/tenants/BEN/directory-groups/$itm", $admin)->{status}, 204,
	'an administrator removes another');
is((sdeskctl($conf, 'audit', 'verify'))[0], 0, 'audit chain intact');
done_testing();
