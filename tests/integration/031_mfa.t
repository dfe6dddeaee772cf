#!/usr/bin/perl
# MFA: staff and administrators are forced through TOTP enrolment; codes
# from an independent implementation (oathtool) work, a code works once,
# recovery codes work once, and completing MFA rotates the session token.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

plan skip_all => 'oathtool missing (configure installs it)' unless have_prog('oathtool');
my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
my $pw = 'Fyrtorn-Lingon-Kompass-47';
my ($rc, $out) = local_account($d->{conf}, 'AMA', 'adm-nodkonto', $pw, '--name',
	'Nödkonto Administratör', '--kind', 'privileged', '--role', 'admin:*');
is($rc, 0, 'break-glass administrator created') or diag($out);
($rc, $out) = local_account($d->{conf}, 'AMA', 'nodkonto', $pw, '--name', 'Vanlig Person',
	'--role', 'admin:*');
isnt($rc, 0, 'an ordinary identity cannot hold the administrator role');
like($out, qr/separate privileged identity/, 'says why');

my ($r, $h) = login_as($d, 'AMA', 'adm-nodkonto', $pw);
is($r->{status}, 201, 'password accepted');
is($r->{json}{mfa}, 'enrol', 'administrator must enrol');
$r = http(GET => $d->url('/api/v1/tenants/BEN'), headers => $h);
is($r->{status}, 401, 'nothing else until enrolled');
is($r->{json}{error}{code}, 'mfa_enrolment_required', 'code says enrol');

$r = http(POST => $d->url('/api/v1/session/mfa/enrolment'), headers => $h);
is($r->{status}, 200, 'enrolment starts');
my $secret = $r->{json}{secret};
like($secret, qr/^[A-Z2-7]{32}$/, 'base32 secret (160 bits)');
like($r->{json}{otpauth_uri}, qr{^otpauth://totp/.*secret=$secret.*issuer=}, 'otpauth URI');
like($r->{json}{qr_svg}, qr/^<svg.*<title>QR-kod/s, 'QR code as SVG with a title');
is($pg->psql("SELECT count(*) FROM people WHERE mfa_pending_secret::text LIKE '%'"
	. " || encode('$secret', 'escape') || '%'"), '0', 'secret not stored in the clear');

$r = http(POST => $d->url('/api/v1/session/mfa/enrolment/confirm'), headers => $h,
	body => { code => '000000' eq totp_now($secret) ? '111111' : '000000' });
is($r->{status}, 401, 'wrong first code refused');
is($r->{json}{error}{code}, 'invalid_code', 'invalid_code');

my $code = totp_now($secret);
$r = http(POST => $d->url('/api/v1/session/mfa/enrolment/confirm'), headers => $h,
	body => { code => $code });
is($r->{status}, 200, 'oathtool code confirms enrolment') or diag(explain $r->{json});
my @recovery = @{ $r->{json}{recovery_codes} || [] };
is(scalar @recovery, 10, 'ten recovery codes, shown once');
like($recovery[0], qr/^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$/, 'readable recovery codes');
is($r->{json}{session}{mfa}, 'ok', 'session complete');
my $new = cookie_of($r);
isnt($new, $h->{cookie}, 'session token rotated at the privilege change');
is(http(GET => $d->url('/api/v1/session'), headers => $h)->{status}, 401, 'old token is dead');
my $h2 = { cookie => $new, 'x-csrf-token' => $r->{json}{session}{csrf_token} };
$r = http(GET => $d->url('/api/v1/tenants/BEN'), headers => $h2);
is($r->{status}, 200, 'administrator sees every tenant');

http(DELETE => $d->url('/api/v1/session'), headers => $h2);
($r, $h) = login_as($d, 'AMA', 'adm-nodkonto', $pw);
is($r->{json}{mfa}, 'challenge', 'next login asks for a code');
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => $h, body => { code => $code });
is($r->{status}, 401, 'the same code twice: refused');
is($r->{json}{error}{code}, 'code_reused', 'code_reused');
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => $h,
	body => { code => totp_now($secret, 30) });
is($r->{status}, 200, 'next step accepted (one step of drift)') or diag(explain $r->{json});
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => { cookie => cookie_of($r),
	'x-csrf-token' => $r->{json}{session}{csrf_token} }, body => { code => '123456' });
is($r->{status}, 409, 'no code expected once verified');

# Out of the window: three steps away.
($r, $h) = login_as($d, 'AMA', 'adm-nodkonto', $pw);
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => $h,
	body => { code => totp_now($secret, 150) });
is($r->{json}{error}{code}, 'invalid_code', 'code five steps ahead refused');
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => $h,
	body => { recovery_code => lc $recovery[3] });
is($r->{status}, 200, 'a recovery code works (any case)');
is($r->{json}{recovery_codes_left}, 9, 'nine left');
($r, $h) = login_as($d, 'AMA', 'adm-nodkonto', $pw);
$r = http(POST => $d->url('/api/v1/session/mfa'), headers => $h,
	body => { recovery_code => $recovery[3] });
is($r->{json}{error}{code}, 'invalid_code', 'a recovery code works only once');

my $actions = $pg->psql("SELECT string_agg(DISTINCT action, ',') FROM audit_log");
like($actions, qr/mfa\.enrolled/, 'enrolment audited');
like($actions, qr/mfa\.success/, 'MFA success audited');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'login.failure'"
	. " AND details LIKE '%mfa%'"), 4, 'each wrong code audited as a failure');
is((sdeskctl($d->{conf}, 'audit', 'verify'))[0], 0, 'chain intact');
done_testing();
