#!/usr/bin/perl
# Logging in through the municipalities' directories (a real slapd): the
# person appears with the directory's attributes, group membership becomes
# roles (host groups across all tenants, municipal groups locally), both are
# refreshed at every login, a disabled user is refused, a directory that is
# down gives a clear error while local break-glass login still works.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskSlapd;
use SdeskTest;
use Test::More;

plan skip_all => 'slapd missing (configure installs it)' unless slapd_available();
my $ldap = slapd_start();
my $pg = pg_start();
my $dir = tempdir(CLEANUP => 1);
open(my $fh, '>', "$dir/bind.pw") or die;
print $fh "sdesk-bind-demo\n";
close($fh);
chmod 0600, "$dir/bind.pw";

my %suffix = (AMA => 'dc=amal,dc=se', BEN => 'dc=bengtsfors,dc=se', MEL => 'dc=mellerud,dc=se',
	FAR => 'dc=fargelanda,dc=se');
my %plugin = (kind => 'identity', realms => 'AMA, BEN, MEL, FAR');
for my $t (keys %suffix) {
	my $s = $suffix{$t};
	$plugin{"$t.uri"} = $ldap->uri;
	$plugin{"$t.bind_dn"} = "cn=sdesk,ou=system,$s";
	$plugin{"$t.bind_password_file"} = "$dir/bind.pw";
	$plugin{"$t.base"} = $t eq 'AMA' ? $s : "ou=people,$s";
	$plugin{"$t.user_filter"} = '(&(objectClass=inetOrgPerson)(uid=%s)(!(employeeType=disabled)))';
	$plugin{"$t.group_base"} = "ou=groups,$s";
}
my $d = daemon_start($pg, demo => 1, sections => { plugins => { load => 'ldap' },
	'plugin.ldap' => \%plugin, auth => { directory_timeout => 2000 } });
like($d->log, qr/loaded ldap \(identity/, 'LDAP plugin loaded');

my $pw = 'Dalsland-2026';
my ($r, $h) = login_as($d, 'BEN', 'lisa.nord', $pw);
is($r->{status}, 201, 'Bengtsfors employee logs in through the directory');
is($r->{json}{person}{name}, 'Lisa Nord', 'name from the directory');
is($r->{json}{mfa}, 'ok', 'employees need no MFA by default');
is_deeply([map { "$_->{role}\@$_->{tenant}" } @{ $r->{json}{roles} }], ['employee@BEN'],
	'employee of Bengtsfors');
is($pg->psql("SELECT p.email || ' ' || d.code || ' ' || c.code || ' ' || p.source FROM people p"
	. " JOIN departments d ON d.id = p.department_id JOIN cost_centres c ON c.id ="
	. " p.cost_centre_id WHERE login = 'lisa.nord'"), 'lisa.nord@bengtsfors.se BUF 3100 directory',
	'mail, department and a cost centre of it recorded');

($r) = login_as($d, 'BEN', 'anders.by', $pw);
my %roles = map { ("$_->{role}\@$_->{tenant}" => 1) } @{ $r->{json}{roles} };
ok($roles{'manager@BEN'}, 'group sdesk-chefer: manager in Bengtsfors');
is($pg->psql("SELECT c.code FROM role_grants g JOIN cost_centres c ON c.id = g.cost_centre_id"
	. " WHERE g.role = 'manager' AND g.person_id = (SELECT id FROM people WHERE login ="
	. " 'anders.by')"), '3100', "ordering rights for the manager's cost centre");

($r) = login_as($d, 'AMA', 'sara.ek', $pw);
is($r->{status}, 201, 'first-line technician logs in');
%roles = map { ("$_->{role}\@$_->{tenant}" => 1) } @{ $r->{json}{roles} };
ok($roles{'tech1@*'}, 'host group: first line across all tenants');
is($r->{json}{mfa}, 'enrol', 'staff must enrol in MFA');
is_deeply([sort @{ $r->{json}{tenants} }], [qw(AMA BEN FAR MEL)], 'sees all four municipalities');

($r) = login_as($d, 'AMA', 'jonas.berg', $pw);
%roles = map { ("$_->{role}\@$_->{tenant}" => $_->{team} // '') } @{ $r->{json}{roles} };
is($roles{'tech2@*'}, 'network', 'second line, network team');
ok(!exists $roles{'admin@*'}, 'the ordinary identity holds no administrator role');
($r) = login_as($d, 'AMA', 'adm-jonas.berg', $pw);
is($r->{status}, 201, 'privileged identity logs in');
is($r->{json}{person}{kind}, 'privileged', 'recorded as privileged');
%roles = map { ("$_->{role}\@$_->{tenant}" => 1) } @{ $r->{json}{roles} };
is_deeply([sort keys %roles], ['admin@*'], 'administrator and nothing else');

my ($bad) = login_as($d, 'BEN', 'lisa.nord', 'wrong-password');
my ($unknown) = login_as($d, 'BEN', 'no.body', 'wrong-password');
is($bad->{status}, 401, 'wrong directory password: 401');
is($unknown->{content}, $bad->{content}, 'unknown directory user: the same answer');
($r) = login_as($d, 'AMA', 'erik.gammal', $pw);
is($r->{status}, 401, 'disabled directory user refused');
($r) = login_as($d, 'BEN', 'lisa.nord)(uid=*', $pw);
is($r->{status}, 401, 'filter injection refused');

# Refresh at every login: a new name, and a group taken away.
sub ldapmodify {
	my ($suffix, $ldif) = @_;
	open(my $m, '|-', 'ldapmodify', '-x', '-H', $ldap->uri, '-D', "cn=admin,$suffix", '-w',
		'sdesk-admin-demo') or die;
	print $m $ldif;
	close($m);
	return $? >> 8;
}
is(ldapmodify($suffix{BEN}, "dn: uid=lisa.nord,ou=people,dc=bengtsfors,dc=se\nchangetype: modify\n"
	. "replace: cn\ncn: Lisa Nord-Berg\n"), 0, 'directory renames Lisa');
is(ldapmodify($suffix{BEN}, "dn: cn=sdesk-chefer,ou=groups,dc=bengtsfors,dc=se\nchangetype: modify\n"
	. "replace: member\nmember: cn=sdesk,ou=system,dc=bengtsfors,dc=se\n"), 0,
	'directory takes Anders out of the managers');
($r) = login_as($d, 'BEN', 'lisa.nord', $pw);
is($r->{json}{person}{name}, 'Lisa Nord-Berg', 'name refreshed at login');
($r) = login_as($d, 'BEN', 'anders.by', $pw);
%roles = map { ("$_->{role}\@$_->{tenant}" => 1) } @{ $r->{json}{roles} };
ok(!$roles{'manager@BEN'}, 'manager role gone at the next login');
ok($roles{'employee@BEN'}, 'still an employee');

# The directory goes away.
is((local_account($d->{conf}, 'AMA', 'adm-nodkonto', 'Fyrtorn-Lingon-Kompass-47', '--name',
	'Nödkonto', '--kind', 'privileged', '--role', 'admin:*'))[0], 0, 'break-glass account');
$ldap->stop;
my $t0 = time;
($r) = login_as($d, 'BEN', 'lisa.nord', $pw);
is($r->{status}, 503, 'directory down: 503');
is($r->{json}{error}{code}, 'directory_unavailable', 'directory_unavailable');
like($r->{json}{error}{message}, qr/Katalogtj\x{e4}nsten svarar inte/, 'says so in Swedish');
ok(time - $t0 < 5, 'quickly');
($r) = login_as($d, 'AMA', 'adm-nodkonto', 'Fyrtorn-Lingon-Kompass-47');
is($r->{status}, 201, 'local break-glass login still works');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'login.directory_unavailable'"), '1',
	'outage audited');
$ldap->start;
($r) = login_as($d, 'BEN', 'lisa.nord', $pw);
is($r->{status}, 201, 'directory back: login works');
is((sdeskctl($d->{conf}, 'audit', 'verify'))[0], 0, 'audit chain intact');
done_testing();
