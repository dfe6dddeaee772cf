#!/usr/bin/perl
# People: an administrator and an IT contact create local accounts (with
# every kind of bad input refused, naming the field), search, read one
# person (oneself always), change people (directory-owned fields refused,
# deactivation ends sessions, a new password goes through the policy) and
# lift a login lock; every change is audited, no password ever.
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
my $d = daemon_start($pg, demo => 1, sections => { auth => { lock_after => 3, delay_after => 100 } });
my $conf = $d->{conf};
my $pw = 'Fyrtorn-Lingon-Kompass-47';
is((local_account($conf, 'AMA', 'adm-root', $pw, '--name', 'Rot Administratör', '--kind',
	'privileged', '--role', 'admin:*'))[0], 0, 'administrator created');
is((local_account($conf, 'BEN', 'itk.ben', $pw, '--name', 'Ingrid Kontakt', '--role',
	'it_contact:BEN'))[0], 0, 'IT contact of Bengtsfors created');
my $admin = session_for($d, 'AMA', 'adm-root', $pw);
my $itk = session_for($d, 'BEN', 'itk.ben', $pw);

sub api {
	my ($method, $path, $h, $body, %extra) = @_;
	return http($method => $d->url($path), headers => { %$h, %{ $extra{headers} || {} } },
		defined $body ? (body => $body) : ());
}

my $new_pw = 'Brygga-Tistel-Lampa-83';
my %anna = (tenant => 'FAR', login => 'Konsult.Anna', name => 'Anna Konsult',
	email => 'anna@konsult.example', kind => 'external', expires_at => '2099-12-31',
	password => $new_pw, department => 'BOU', cost_centre => '3100');
my $r = api(POST => '/api/v1/people', $admin, \%anna);
is($r->{status}, 201, 'administrator creates an external user') or diag(explain $r->{json});
my $p = $r->{json};
is($p->{login}, 'konsult.anna', 'login stored in lower case');
is_deeply([$p->{tenant}, $p->{kind}, $p->{source}, $p->{active}], ['FAR', 'external', 'local',
	JSON::PP::true], 'tenant, kind, source, active');
is($p->{expires_at}, '2099-12-31T00:00:00Z', 'expiry as RFC 3339 UTC');
is_deeply($p->{department}, { code => 'BOU', name => 'Barn- och utbildningsförvaltningen' },
	'department');
is($p->{cost_centre}{code}, '3100', 'cost centre');
is_deeply($p->{roles}, [], 'no roles yet');
like($pg->psql("SELECT password_hash FROM people WHERE id = $p->{id}"), qr/^\$argon2id\$/,
	'password stored as an Argon2id hash');
my $audit = $pg->psql("SELECT actor || ' ' || object || ' ' || details FROM audit_log"
	. " WHERE action = 'person.create'");
like($audit, qr{^AMA/adm-root person:$p->{id} .*"login":"konsult.anna"}, 'creation audited');
is($pg->psql("SELECT count(*) FROM audit_log WHERE details LIKE '%$new_pw%' OR details LIKE"
	. " '%\"password\":%'"), '0', 'no password in the audit trail');
unlike($d->log, qr/\Q$new_pw\E/, 'nor in the log');

$r = api(POST => '/api/v1/people', $admin, { %anna, email => 'other@konsult.example' });
is($r->{status}, 409, 'the same login again: 409');
is($r->{json}{error}{field}, 'login', 'naming the login');

# Bad input: each refused with the field named.
my @bad = (
	[{ %anna, login => 'ny.anna', phone => '1' }, 'unknown_field', 'phone', 'an unknown field'],
	[{ %anna, login => 'ny.anna', name => 5 }, 'invalid_field', 'name', 'a number for a name'],
	[{ map { $_ => $anna{$_} } grep { $_ ne 'password' } keys %anna }, 'missing_field',
		'password', 'no password'],
	[{ %anna, login => 'ny.anna', name => 'x' x 201 }, 'invalid_field', 'name', 'too long a name'],
	[{ %anna, login => 'ny.anna', password => 'sommar2024' }, 'weak_password', 'password',
		'a weak password'],
	[{ %anna, login => 'ny.anna', password => 'Anna Konsult-Lampa-9' }, 'weak_password',
		'password', 'a password built on the name'],
	[{ %anna, login => 'ny.anna', expires_at => undef }, 'missing_field', 'expires_at',
		'an external user without expiry'],
	[{ %anna, login => 'ny.anna', expires_at => 'next week' }, 'invalid_field', 'expires_at',
		'a date that is no date'],
	[{ %anna, login => 'ny.anna', expires_at => '2020-01-01' }, 'invalid_field', 'expires_at',
		'an expiry in the past'],
	[{ %anna, login => 'ny.anna', expires_at => '2099-02-30' }, 'invalid_field', 'expires_at',
		'30 February'],
	[{ %anna, login => 'ny anna' }, 'invalid_field', 'login', 'a login with a space'],
	[{ %anna, login => 'ny.anna', kind => 'privileged' }, 'invalid_field', 'login',
		'a privileged identity not named adm-*'],
	[{ %anna, login => 'adm-anna' }, 'invalid_field', 'kind', 'adm-* that is not privileged'],
	[{ %anna, login => 'ny.anna', kind => 'robot' }, 'invalid_field', 'kind', 'an unknown kind'],
	[{ %anna, login => 'ny.anna', email => 'ingen-snabel-a' }, 'invalid_field', 'email',
		'an e-mail address without @'],
	[{ %anna, login => 'ny.anna', department => 'XYZ' }, 'invalid_field', 'department',
		'an unknown department'],
	[{ %anna, login => 'ny.anna', cost_centre => '5100' }, 'invalid_field', 'cost_centre',
		'a cost centre of another department'],
	[{ %anna, login => 'ny.anna', tenant => 'XYZ' }, 'invalid_field', 'tenant',
		'an unknown municipality'],
);
for my $b (@bad) {
	my ($body, $code, $field, $what) = @$b;
	$r = api(POST => '/api/v1/people', $admin, $body);
	is("$r->{status} $r->{json}{error}{code} " . ($r->{json}{error}{field} // '-'),
		"400 $code $field", "refused: $what");
}
$r = api(POST => '/api/v1/people', $admin, { %anna, login => 'ny.anna', password => 'kort' });
like($r->{json}{error}{message}, qr/Lösenordet ska vara 12 till 1024 tecken/, 'Swedish by default');
$r = api(POST => '/api/v1/people', $admin, { %anna, login => 'ny.anna', password => 'kort' },
	headers => { 'accept-language' => 'en' });
like($r->{json}{error}{message}, qr/must be 12 to 1024 characters/, 'English when asked');
is($pg->psql("SELECT count(*) FROM people WHERE login = 'ny.anna'"), '0', 'none of them created');

# The IT contact: at home only, and no privileged identities.
my %emp = (tenant => 'BEN', login => 'bo.berg', name => 'Bo Berg', kind => 'employee',
	password => $new_pw, department => 'VOO');
$r = api(POST => '/api/v1/people', $itk, \%emp);
is($r->{status}, 201, 'IT contact creates an employee in Bengtsfors');
my $bo = $r->{json}{id};
$r = api(POST => '/api/v1/people', $itk, { %emp, tenant => 'MEL' });
is("$r->{status} $r->{json}{error}{field}", '403 tenant', 'but not in Mellerud');
$r = api(POST => '/api/v1/people', $itk, { %emp, login => 'adm-bo', kind => 'privileged' });
is("$r->{status} $r->{json}{error}{field}", '403 kind', 'nor a privileged identity');
$r = api(POST => '/api/v1/people', $admin, { %emp, login => 'adm-bo', kind => 'privileged' });
is($r->{status}, 201, 'an administrator may');
my $adm_bo = $r->{json}{id};
$pg->psql("INSERT INTO role_grants (tenant_id, person_id, role, scope_tenant_id, source) SELECT"
	. " tenant_id, id, 'admin', tenant_id, 'local' FROM people WHERE id = $adm_bo");

# Search.
for my $n (1 .. 5) {
	$r = api(POST => '/api/v1/people', $admin, { tenant => 'BEN', login => "sok.$n",
		name => "Sökbar Person $n", kind => 'employee', password => $new_pw });
	is($r->{status}, 201, "person $n created") if $n == 1;
}
$r = api(GET => '/api/v1/people?q=S%C3%96KBAR&limit=2', $admin);
is($r->{status}, 200, 'search');
my @names = map { $_->{name} } @{ $r->{json}{people} };
is_deeply(\@names, ['Sökbar Person 1', 'Sökbar Person 2'], 'prefix without case, by name');
my @all = @names;
while (my $next = $r->{json}{next}) {
	$r = api(GET => "/api/v1/people?q=s%C3%B6kbar&limit=2&after=$next", $admin);
	push @all, map { $_->{name} } @{ $r->{json}{people} };
}
is_deeply(\@all, [map { "Sökbar Person $_" } 1 .. 5], 'paging with the cursor: each once, in order');
$r = api(GET => '/api/v1/people?q=anna%40konsult', $admin);
is_deeply([map { $_->{login} } @{ $r->{json}{people} }], ['konsult.anna'], 'by e-mail prefix');
$r = api(GET => '/api/v1/people?q=%25', $admin);
is_deeply($r->{json}{people}, [], 'LIKE wildcards are plain characters');
$r = api(GET => '/api/v1/people', $itk);
my %tenants = map { ($_->{tenant} => 1) } @{ $r->{json}{people} };
is_deeply([sort keys %tenants], ['BEN'], 'the IT contact finds Bengtsfors people only');
$r = api(GET => '/api/v1/people?tenant=FAR', $itk);
is_deeply($r->{json}{people}, [], 'and nobody when asking for Färgelanda');
for my $q (['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=x', 'limit'],
	['after=bm9wZQ', 'after'], ['after=%21%21', 'after'], ['tenant=XYZ', 'tenant']) {
	$r = api(GET => "/api/v1/people?$q->[0]", $admin);
	is("$r->{status} $r->{json}{error}{field}", "400 $q->[1]", "bad query $q->[0] refused");
}

# One person: oneself always, others with person.read.
my $anna = session_for($d, 'FAR', 'konsult.anna', $new_pw);
$r = api(GET => "/api/v1/people/$p->{id}", $anna);
is($r->{status}, 200, 'an external user reads herself');
is($r->{json}{login}, 'konsult.anna', 'herself');
is(api(GET => "/api/v1/people/$bo", $anna)->{status}, 404, 'but nobody else');
is(api(GET => "/api/v1/people/$p->{id}", $itk)->{status}, 404,
	'the IT contact of Bengtsfors does not see a Färgelanda person');
is(api(GET => "/api/v1/people/$bo", $itk)->{json}{name}, 'Bo Berg', 'but Bo of Bengtsfors');
is(api(GET => '/api/v1/people/999999', $admin)->{status}, 404, 'no such person: 404');
is(api(GET => '/api/v1/people/abc', $admin)->{status}, 404, 'not an id: 404');

# Changes.
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { name => 'Anna Konsultsson',
	email => undef, cost_centre => undef });
is($r->{status}, 200, 'name, e-mail and cost centre changed');
is_deeply([$r->{json}{name}, $r->{json}{email}, $r->{json}{cost_centre}],
	['Anna Konsultsson', undef, undef], 'as asked');
is($pg->psql("SELECT details FROM audit_log WHERE action = 'person.update' ORDER BY id DESC"
	. " LIMIT 1"), '{"fields":["name","email","cost_centre"]}', 'audited with the field names');
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { department => 'SOC', cost_centre => '3100' });
is("$r->{status} $r->{json}{error}{field}", '400 cost_centre',
	'a cost centre of another department refused');
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { expires_at => undef });
is("$r->{status} $r->{json}{error}{field}", '400 expires_at', 'an external user keeps an expiry');
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { nickname => 'A' });
is("$r->{status} $r->{json}{error}{code}", '400 unknown_field', 'unknown field refused');
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { active => 'no' });
is("$r->{status} $r->{json}{error}{field}", '400 active', 'active must be a boolean');
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { password => 'sommar2024' });
is("$r->{status} $r->{json}{error}{code}", '400 weak_password', 'a weak new password refused');
$r = api(PATCH => "/api/v1/people/$p->{id}", $itk, { name => 'X' });
is($r->{status}, 404, 'the IT contact of Bengtsfors cannot change a Färgelanda person');
$r = api(PATCH => "/api/v1/people/$adm_bo", $itk, { password => 'Helt-Annat-Losen-99' });
is($r->{status}, 403, 'nor take over an administrator identity in Bengtsfors');

my $pw2 = 'Segelbat-Hjortron-Tak-12';
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { password => $pw2 });
is($r->{status}, 200, 'a new password');
is(api(GET => '/api/v1/session', $anna)->{status}, 401, 'which ends her sessions');
is((login_as($d, 'FAR', 'konsult.anna', $new_pw))[0]{status}, 401, 'the old password is dead');
$anna = session_for($d, 'FAR', 'konsult.anna', $pw2);
$r = api(PATCH => "/api/v1/people/$p->{id}", $admin, { active => JSON::PP::false });
is($r->{json}{active}, JSON::PP::false, 'deactivated');
is(api(GET => '/api/v1/session', $anna)->{status}, 401, 'her session ended at once');
is((login_as($d, 'FAR', 'konsult.anna', $pw2))[0]{status}, 401, 'and she cannot log in');
like($pg->psql("SELECT string_agg(details, ' ' ORDER BY id) FROM audit_log WHERE action ="
	. " 'person.update'"), qr/\["password"\].*\["active"\]/, 'both audited (field names only)');

# A directory user: the directory owns name, e-mail, department and password.
my $dir = $pg->psql("INSERT INTO people (tenant_id, kind, login, display_name, source)"
	. " SELECT id, 'employee', 'lisa.nord', 'Lisa Nord', 'directory' FROM tenants"
	. " WHERE code = 'BEN' RETURNING id");
for my $f (['name', 'Lisa N'], ['email', 'l@x.se'], ['department', 'KLF'], ['password', $pw2]) {
	$r = api(PATCH => "/api/v1/people/$dir", $itk, { $f->[0] => $f->[1] });
	is("$r->{status} $r->{json}{error}{code} $r->{json}{error}{field}",
		"400 invalid_field $f->[0]", "directory user: $f->[0] refused");
}
$r = api(PATCH => "/api/v1/people/$dir", $itk, { cost_centre => '5100', active => JSON::PP::false });
is($r->{status}, 200, 'but the cost centre and active are ours');

# Locks.
login_as($d, 'BEN', 'bo.berg', "fel-$_") for 1 .. 3;
is((login_as($d, 'BEN', 'bo.berg', $new_pw))[0]{status}, 423, 'Bo is locked out');
$r = api(POST => "/api/v1/people/$bo/unlock", $itk);
is($r->{status}, 200, 'the IT contact lifts the lock');
is($r->{json}{was_locked}, JSON::PP::true, 'there was one');
is((login_as($d, 'BEN', 'bo.berg', $new_pw))[0]{status}, 201, 'Bo logs in again');
is(api(POST => "/api/v1/people/$p->{id}/unlock", $itk)->{status}, 404,
	'another municipality: 404');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'auth.unlock' AND object ="
	. " 'person:$bo'"), '1', 'unlock audited');
is((sdeskctl($conf, 'audit', 'verify'))[0], 0, 'audit chain intact');
done_testing();
