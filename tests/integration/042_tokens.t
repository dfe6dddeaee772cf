#!/usr/bin/perl
# API tokens: made by an administrator for one tenant and a list of
# permissions, shown once, stored as a hash; a token works as Bearer inside
# its tenant and permissions, sees nothing of other tenants (404), is
# refused what it lacks (403) and stops working when revoked or expired
# (401).  Tokens never carry the rights that make rights.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use POSIX qw(strftime);
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
my %id = map { split /\|/ } split /\n/, $pg->psql('SELECT login, id FROM people');
my $admin = session_for($d, 'AMA', 'adm-root', $pw);

sub api {
	my ($method, $path, $h, $body) = @_;
	return http($method => $d->url($path), headers => $h, defined $body ? (body => $body) : ());
}
sub err { my ($r) = @_; return join ' ', $r->{status}, $r->{json}{error}{code} // '-',
	$r->{json}{error}{field} // '-' }
my $month = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time + 30 * 86400));

my %tok = (tenant => 'BEN', name => 'Rapportjobb', permissions => ['person.read',
	'tenant.read', 'person.read'], expires_at => $month);
my $r = api(POST => '/api/v1/tokens', $admin, \%tok);
is($r->{status}, 201, 'administrator creates a Bengtsfors token') or diag(explain $r->{json});
my $secret = $r->{json}{secret};
my $t = $r->{json}{token};
like($secret, qr/^sdk_[A-Za-z0-9_-]{43}$/, 'the secret, shown once');
is_deeply($t->{permissions}, ['person.read', 'tenant.read'], 'permissions, each once');
is_deeply([@$t{qw(tenant name expires_at revoked_at last_used_at)}],
	['BEN', 'Rapportjobb', $month, undef, undef], 'tenant, name, expiry; unused');
my ($body) = substr($secret, 4);
is($pg->psql("SELECT count(*) FROM api_tokens WHERE encode(token_hash, 'escape') LIKE"
	. " '%$body%' OR name LIKE '%$body%'"), '0', 'the secret is not stored');
is($pg->psql("SELECT encode(token_hash, 'hex') FROM api_tokens WHERE id = $t->{id}"),
	do { my $h = `printf '%s' '$secret' | b2sum -l 256`; $h =~ s/\s.*//s; $h },
	'only its hash (BLAKE2b-256)');
is($pg->psql("SELECT details FROM audit_log WHERE action = 'token.create'"),
	qq({"expires_at":"$month","name":"Rapportjobb","permissions":["person.read","tenant.read"]}),
	'creation audited, without the secret');

$r = api(GET => '/api/v1/tokens', $admin);
is($r->{status}, 200, 'list');
my ($listed) = grep { $_->{id} == $t->{id} } @{ $r->{json}{tokens} };
ok($listed, 'the token is listed');
ok(!grep({ /secret|hash/ } keys %$listed), 'without secret or hash');
is_deeply(api(GET => '/api/v1/tokens?tenant=MEL', $admin)->{json}{tokens}, [],
	'none for Mellerud');

# Bad input.
my @bad = ([{ %tok, permissions => ['token.admin'] }, '400 invalid_field permissions',
		'token.admin'],
	[{ %tok, permissions => ['role.grant'] }, '400 invalid_field permissions', 'role.grant'],
	[{ %tok, permissions => ['person.admin'] }, '400 invalid_field permissions',
		'person.admin'],
	[{ %tok, permissions => ['root'] }, '400 invalid_field permissions', 'an unknown permission'],
	[{ %tok, permissions => [] }, '400 invalid_field permissions', 'no permission'],
	[{ %tok, permissions => 'person.read' }, '400 invalid_field permissions', 'not a list'],
	[{ %tok, permissions => [1] }, '400 invalid_field permissions', 'a number in the list'],
	[{ %tok, expires_at => '2001-01-01' }, '400 invalid_field expires_at', 'an expiry past'],
	[{ map { $_ => $tok{$_} } qw(tenant name permissions) }, '400 missing_field expires_at',
		'no expiry'],
	[{ %tok, name => '' }, '400 invalid_field name', 'an empty name'],
	[{ %tok, tenant => 'XYZ' }, '400 invalid_field tenant', 'an unknown tenant'],
	[{ %tok, scope => 'all' }, '400 unknown_field scope', 'an unknown field']);
for my $b (@bad) {
	is(err(api(POST => '/api/v1/tokens', $admin, $b->[0])), $b->[1], "refused: $b->[2]");
}
my $itk = session_for($d, 'BEN', 'itk.ben', $pw);
is(err(api(POST => '/api/v1/tokens', $itk, \%tok)), '403 forbidden -',
	'an IT contact makes no tokens');
is(api(GET => '/api/v1/tokens', $itk)->{status}, 403, 'nor lists them');

# The token at work.
my $bearer = { authorization => "Bearer $secret" };
$r = api(GET => '/api/v1/people?tenant=BEN', $bearer);
is($r->{status}, 200, 'Bearer: search Bengtsfors');
ok((grep { $_->{login} eq 'bo.berg' } @{ $r->{json}{people} }), 'finds Bo');
is(api(GET => "/api/v1/people/$id{'bo.berg'}", $bearer)->{status}, 200, 'reads Bo');
is(api(GET => '/api/v1/tenants/BEN', $bearer)->{status}, 200, 'reads its tenant');
is(api(GET => "/api/v1/people/$id{'mia.mel'}", $bearer)->{status}, 404,
	'a Mellerud person: 404');
is(api(GET => '/api/v1/tenants/MEL', $bearer)->{status}, 404, 'Mellerud: 404');
$r = api(GET => '/api/v1/people', $bearer);
is_deeply([sort keys %{ { map { ($_->{tenant} => 1) } @{ $r->{json}{people} } } }], ['BEN'],
	'a search without tenant finds Bengtsfors only');
is(err(api(PATCH => "/api/v1/people/$id{'bo.berg'}", $bearer, { name => 'X' })),
	'403 forbidden -', 'changing people: 403 (no person.admin)');
is(api(GET => '/api/v1/audit', $bearer)->{status}, 403, 'the audit trail: 403');
is(api(GET => '/api/v1/tokens', $bearer)->{status}, 403, 'tokens: 403');
like($pg->psql("SELECT last_used_at FROM api_tokens WHERE id = $t->{id}"), qr/^\d{4}-/,
	'use is recorded');

# Revoked and expired tokens stop working.
$r = api(DELETE => "/api/v1/tokens/$t->{id}", $admin);
is($r->{status}, 204, 'revoked');
is(err(api(GET => '/api/v1/people?tenant=BEN', $bearer)), '401 unauthenticated -',
	'a revoked token: 401');
is(err(api(DELETE => "/api/v1/tokens/$t->{id}", $admin)), '409 conflict -', 'revoked twice: 409');
is(api(DELETE => '/api/v1/tokens/999999', $admin)->{status}, 404, 'no such token: 404');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'token.revoke' AND object ="
	. " 'token:$t->{id}'"), '1', 'revocation audited');
$r = api(POST => '/api/v1/tokens', $admin, { %tok, name => 'Kortlivad' });
my ($s2, $t2) = ($r->{json}{secret}, $r->{json}{token}{id});
is(api(GET => '/api/v1/tenants/BEN', { authorization => "Bearer $s2" })->{status}, 200,
	'a second token works');
$pg->psql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $t2");
is(err(api(GET => '/api/v1/tenants/BEN', { authorization => "Bearer $s2" })),
	'401 unauthenticated -', 'until it expires: 401');
is(api(GET => '/api/v1/tenants/BEN', { authorization => 'Bearer sdk_nonsense' })->{status}, 401,
	'a made-up token: 401');
is((sdeskctl($conf, 'audit', 'verify'))[0], 0, 'audit chain intact');
done_testing();
