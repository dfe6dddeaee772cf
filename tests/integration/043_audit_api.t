#!/usr/bin/perl
# GET /api/v1/audit: newest first, filtered by tenant and action, paged
# with before; an IT contact (and a token with audit.read) sees their own
# municipality's rows only; bad query arguments are refused by name.
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
local_account($conf, 'MEL', 'itk.mel', $pw, '--name', 'Maja Kontakt', '--role', 'it_contact:MEL');
my $admin = session_for($d, 'AMA', 'adm-root', $pw);
my $itk = session_for($d, 'BEN', 'itk.ben', $pw);
my $itm = session_for($d, 'MEL', 'itk.mel', $pw);
login_as($d, 'MEL', 'itk.mel', 'fel-losenord');

sub api {
	my ($method, $path, $h, $body) = @_;
	return http($method => $d->url($path), headers => $h, defined $body ? (body => $body) : ());
}
sub ids { return [map { $_->{id} } @{ $_[0]{json}{entries} }] }

my $r = api(GET => '/api/v1/audit', $admin);
is($r->{status}, 200, 'the administrator reads the trail');
my @e = @{ $r->{json}{entries} };
my $total = $pg->psql('SELECT count(*) FROM audit_log');
is(scalar @e, $total, 'every row (fewer than a page)');
is_deeply(ids($r), [sort { $b <=> $a } map { $_->{id} } @e], 'newest first');
is($r->{json}{next}, undef, 'no next page');
my ($fail) = grep { $_->{action} eq 'login.failure' } @e;
is_deeply([@$fail{qw(tenant object)}], ['MEL', 'login:MEL/itk.mel'], 'a row: tenant and object');
is_deeply($fail->{details}, { reason => 'password' }, 'details as an object');
like($fail->{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'time in RFC 3339 UTC');
like($fail->{request_id}, qr/^[0-9a-f]{32}$/, 'the request id');
is($fail->{address}, '127.0.0.1', 'the address');

$r = api(GET => '/api/v1/audit?action=person.local_account', $admin);
is(scalar @{ $r->{json}{entries} }, 4, 'by action');
ok(!grep({ $_->{action} ne 'person.local_account' } @{ $r->{json}{entries} }), 'that action only');
$r = api(GET => '/api/v1/audit?tenant=BEN', $admin);
is_deeply([sort keys %{ { map { ($_->{tenant} => 1) } @{ $r->{json}{entries} } } }], ['BEN'],
	'by tenant');

# Pages.
$r = api(GET => '/api/v1/audit?limit=2', $admin);
is(scalar @{ $r->{json}{entries} }, 2, 'a page of two');
my @paged = @{ ids($r) };
is($r->{json}{next}, $paged[-1], 'next is the last id of the page');
while (defined $r->{json}{next}) {
	$r = api(GET => "/api/v1/audit?limit=2&before=$r->{json}{next}", $admin);
	push @paged, @{ ids($r) };
}
is_deeply(\@paged, [map { $_->{id} } @e], 'paging with before: every row once, in order');

# An IT contact: their own municipality only.
$r = api(GET => '/api/v1/audit', $itk);
is($r->{status}, 200, 'the IT contact of Bengtsfors reads the trail');
my %t = map { (($_->{tenant} // 'none') => 1) } @{ $r->{json}{entries} };
is_deeply([sort keys %t], ['BEN'], 'Bengtsfors rows only');
ok((grep { $_->{action} eq 'mfa.enrolled' && $_->{actor} eq 'BEN/itk.ben' }
	@{ $r->{json}{entries} }), 'their own enrolment among them');
is_deeply(api(GET => '/api/v1/audit?tenant=MEL', $itk)->{json}{entries}, [],
	'Mellerud rows: none');
%t = map { (($_->{tenant} // 'none') => 1) } @{ api(GET => '/api/v1/audit', $itm)->{json}{entries} };
is_deeply([sort keys %t], ['MEL'], 'and the IT contact of Mellerud sees Mellerud only');
my $bo = session_for($d, 'BEN', 'bo.berg', $pw);
is(api(GET => '/api/v1/audit', $bo)->{status}, 403, 'an employee may not read it');

# A token with audit.read.
my $month = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time + 30 * 86400));
$r = api(POST => '/api/v1/tokens', $admin, { tenant => 'BEN', name => 'Logginsamlare',
	permissions => ['audit.read'], expires_at => $month });
my $bearer = { authorization => "Bearer $r->{json}{secret}" };
$r = api(GET => '/api/v1/audit', $bearer);
%t = map { (($_->{tenant} // 'none') => 1) } @{ $r->{json}{entries} };
is_deeply([sort keys %t], ['BEN'], 'a Bengtsfors token reads Bengtsfors rows only');
ok((grep { $_->{action} eq 'token.create' } @{ $r->{json}{entries} }), 'its own creation too');

for my $q (['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=ten', 'limit'],
	['before=0', 'before'], ['before=-5', 'before'], ['tenant=xyz', 'tenant'],
	['action=' . ('x' x 65), 'action']) {
	$r = api(GET => "/api/v1/audit?$q->[0]", $admin);
	is("$r->{status} $r->{json}{error}{code} $r->{json}{error}{field}",
		"400 invalid_field $q->[1]", "refused: $q->[0]");
}
is(api(GET => '/api/v1/audit?limit=200', $admin)->{status}, 200, 'limit 200 is fine');
done_testing();
