#!/usr/bin/perl
# Local accounts: password policy, login, the session cookie, CSRF, logout,
# unknown user and wrong password answered alike, expiry, and the audit
# trail with its hash chain (which notices tampering).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
my $conf = $d->{conf};

my ($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'sommar2024', '--name', 'Eva Konsult',
	'--kind', 'external', '--expires', '2099-12-31');
isnt($rc, 0, 'a short common password is refused');
like($out, qr/12 to 1024/, "says why");
($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'password12345', '--name', 'Eva Konsult',
	'--kind', 'external', '--expires', '2099-12-31');
isnt($rc, 0, 'a dictionary password is refused');
like($out, qr/common password or word/, 'says why');
($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'Sommar2024!!', '--name', 'Eva Konsult',
	'--kind', 'external', '--expires', '2099-12-31');
isnt($rc, 0, 'a season and a year is refused');
($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'abcabcabcabc1', '--name', 'Eva Konsult',
	'--kind', 'external', '--expires', '2099-12-31');
isnt($rc, 0, 'a systematic password is refused (cracklib)');
like($out, qr/too easy to guess/, 'cracklib says why');
($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'Brygga-Tistel-Lampa-83', '--name',
	'Eva Konsult', '--kind', 'external', '--role', 'employee');
isnt($rc, 0, 'an external user without expiry is refused');
($rc, $out) = local_account($conf, 'FAR', 'konsult.eva', 'Brygga-Tistel-Lampa-83', '--name',
	'Eva Konsult', '--kind', 'external', '--expires', '2099-12-31', '--role', 'employee');
is($rc, 0, 'external user created') or diag($out);
like($pg->psql("SELECT password_hash FROM people WHERE login = 'konsult.eva'"), qr/^\$argon2id\$/,
	'password stored as an Argon2id hash');

# Unknown user and wrong password look the same.
my ($bad) = login_as($d, 'FAR', 'konsult.eva', 'Fel-Losenord-123');
my ($unknown) = login_as($d, 'FAR', 'ingen.sadan', 'Fel-Losenord-123');
is($bad->{status}, 401, 'wrong password: 401');
is($bad->{json}{error}{code}, 'invalid_credentials', 'wrong password: invalid_credentials');
is($unknown->{status}, 401, 'unknown user: 401');
is($unknown->{content}, $bad->{content}, 'unknown user and wrong password: the same body');

my $r = http(POST => $d->url('/api/v1/session'), body => { tenant => 'FAR', login => 'x' });
is($r->{json}{error}{field}, 'password', 'missing password: names the field');
$r = http(POST => $d->url('/api/v1/session'),
	body => { tenant => 'FAR', login => 'x', password => 'y', remember => 1 });
is($r->{json}{error}{code}, 'unknown_field', 'unknown field refused');
is($r->{json}{error}{field}, 'remember', 'and named');
$r = http(POST => $d->url('/api/v1/session'), body => '{"tenant": "FAR", "login": ',
	headers => { 'content-type' => 'application/json' });
is($r->{status}, 400, 'malformed JSON: 400');
is($r->{json}{error}{code}, 'bad_json', 'malformed JSON: bad_json');
like($r->{json}{error}{message}, qr/rad 1, kolumn \d+ \(byte \d+\)/, 'names the position');
$r = http(POST => $d->url('/api/v1/session'), body => 'tenant=FAR',
	headers => { 'content-type' => 'application/x-www-form-urlencoded' });
is($r->{status}, 415, 'form posts: 415');
$r = http(POST => $d->url('/api/v1/session'), body => { tenant => 'XYZ', login => 'a', password => 'b' });
is($r->{json}{error}{field}, 'tenant', 'unknown municipality: names the field');

my ($ok, $h) = login_as($d, 'FAR', 'Konsult.Eva', 'Brygga-Tistel-Lampa-83');
is($ok->{status}, 201, 'login succeeds (login compared without case)');
is($ok->{json}{person}{login}, 'konsult.eva', 'person in the answer');
is($ok->{json}{mfa}, 'ok', 'no MFA needed for an employee role');
my $sc = $ok->{headers}{'set-cookie'};
like($sc, qr/HttpOnly/, 'cookie is HttpOnly');
like($sc, qr/SameSite=Strict/, 'cookie is SameSite=Strict');
unlike($sc, qr/Secure/, 'no Secure flag over plain HTTP');
my ($tok) = $h->{cookie} =~ /=(.*)/;
is(length($tok), 43, '256-bit token');
is($pg->psql("SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%$tok%'"
	. " OR csrf_token = '$tok'"), '0', 'the token itself is not stored');

$r = http(GET => $d->url('/api/v1/session'), headers => $h);
is($r->{status}, 200, 'GET session with the cookie');
is($r->{json}{person}{tenant}, 'FAR', 'the right tenant');
is_deeply($r->{json}{tenants}, ['FAR'], 'sees only Färgelanda');
is(http(GET => $d->url('/api/v1/tenants/FAR'), headers => $h)->{status}, 200, 'own tenant readable');
is(http(GET => $d->url('/api/v1/tenants/BEN'), headers => $h)->{status}, 404,
	'another tenant: 404, not 403');

my ($s2, $h2) = login_as($d, 'FAR', 'konsult.eva', 'Brygga-Tistel-Lampa-83');
isnt($h2->{cookie}, $h->{cookie}, 'each login gets a new token');
isnt($s2->{json}{csrf_token}, $ok->{json}{csrf_token}, 'and a new CSRF token');

$r = http(DELETE => $d->url('/api/v1/session'), headers => { cookie => $h->{cookie} });
is($r->{status}, 403, 'logout without the CSRF token: 403');
is($r->{json}{error}{code}, 'csrf_failed', 'csrf_failed');
$r = http(DELETE => $d->url('/api/v1/session'),
	headers => { cookie => $h->{cookie}, 'x-csrf-token' => $s2->{json}{csrf_token} });
is($r->{status}, 403, "another session's CSRF token: 403");
$r = http(DELETE => $d->url('/api/v1/session'), headers => $h);
is($r->{status}, 204, 'logout');
like($r->{headers}{'set-cookie'}, qr/Max-Age=0/, 'cookie cleared');
$r = http(GET => $d->url('/api/v1/session'), headers => $h);
is($r->{status}, 401, 'the old token no longer works');
is(http(GET => $d->url('/api/v1/session'), headers => $h2)->{status}, 200,
	'the other session lives on');

# An external user past the expiry date cannot log in.
$pg->psql("UPDATE people SET expires_at = now() - interval '1 day' WHERE login = 'konsult.eva'");
($r) = login_as($d, 'FAR', 'konsult.eva', 'Brygga-Tistel-Lampa-83');
is($r->{json}{error}{code}, 'invalid_credentials', 'expired account refused like a wrong password');
is(http(GET => $d->url('/api/v1/session'), headers => $h2)->{status}, 401,
	'and its live sessions end too');

# The audit trail.
my $actions = $pg->psql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log");
like($actions, qr/person\.local_account/, 'account creation audited');
like($actions, qr/login\.failure.*login\.failure.*login\.success/, 'failures and success audited');
like($actions, qr/logout/, 'logout audited');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'login.failure' AND object ="
	. " 'login:FAR/ingen.sadan'"), 1, 'unknown logins audited too');
my ($vrc, $vout) = sdeskctl($conf, 'audit', 'verify');
is($vrc, 0, 'audit chain verifies');
like($vout, qr/intact: \d+ rows/, 'and says so');

my ($e, $erc) = $pg->psql("UPDATE audit_log SET details = '{}' WHERE id = 2",
	user => 'sdesk_app', ok_fail => 1);
ok($erc != 0, 'the daemon role cannot change audit rows');
($e, $erc) = $pg->psql("DELETE FROM audit_log WHERE id = 2", user => 'sdesk_app', ok_fail => 1);
ok($erc != 0, 'nor delete them');
my $second = $pg->psql("SELECT id FROM audit_log ORDER BY id OFFSET 1 LIMIT 1");
$pg->psql("UPDATE audit_log SET address = '10.0.0.1' WHERE id = $second");
($vrc, $vout) = sdeskctl($conf, 'audit', 'verify');
is($vrc, 1, 'tampering detected');
like($vout, qr/BROKEN at row $second/, 'names the first broken row');
done_testing();
