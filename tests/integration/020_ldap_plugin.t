#!/usr/bin/perl
# The LDAP identity plugin against a real slapd with the demo directories:
# logins in every municipality, refusals that all read alike, filter
# injection, preflight, and a directory that is down, silent or restarted.
# Drives the built plugin through tests/tools/ldap_probe.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskSlapd;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);
use Test::More;

plan skip_all => 'slapd and ldap-utils are not installed' unless slapd_available();

my $probe = obj() . '/tests/tools/ldap_probe';
my $so = obj() . '/plugins/sdesk_ldap.so';
my $built = ok(-x $probe, "ldap_probe is built ($probe)");
$built = ok(-f $so, "the plugin is built ($so)") && $built;
if (!$built) {
	done_testing();
	exit 1;
}

my $tmp = tempdir('sdesk-ldap-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $ldap = slapd_start();
my %suffix = (AMA => 'dc=amal,dc=se', BEN => 'dc=bengtsfors,dc=se',
	MEL => 'dc=mellerud,dc=se', FAR => 'dc=fargelanda,dc=se');
my $PW = 'Dalsland-2026';
my $DENIED = 'fel användarnamn eller lösenord';

sub write_file {
	my ($path, $text, $mode) = @_;
	open(my $fh, '>', $path) or die "$path: $!";
	print $fh $text;
	close($fh);
	chmod $mode, $path;
	return $path;
}

my $pwfile = write_file("$tmp/bind.pw", "sdesk-bind-demo\n", 0600);

# The configuration of the four realms as sdeskd would read it, with
# overrides: key => value, or key => undef to leave the key out.
sub conf {
	my (%over) = @_;
	my %c = (realms => 'AMA, BEN, MEL, FAR');
	for my $r (sort keys %suffix) {
		my $s = $suffix{$r};
		$c{"$r.uri"} = $ldap->uri;
		$c{"$r.bind_dn"} = "cn=sdesk,ou=system,$s";
		$c{"$r.bind_password_file"} = $pwfile;
		$c{"$r.base"} = "ou=people,$s";
		$c{"$r.user_filter"} =
			'(&(objectClass=inetOrgPerson)(uid=%s)(!(employeeType=disabled)))';
		$c{"$r.group_base"} = "ou=groups,$s";
	}
	$c{'BEN.bind_password'} = 'sdesk-bind-demo';
	delete $c{'BEN.bind_password_file'};
	for my $k (keys %over) {
		if (defined $over{$k}) { $c{$k} = $over{$k} } else { delete $c{$k} }
	}
	return map { "$_=$c{$_}" } sort keys %c;
}

# probe(op => 'auth', args => [...], conf => [...], t => ms, s => size, j => n):
# runs ldap_probe; returns { status, error, uid, ..., groups => [], secs }.
# A sanitizer report or a crash fails the test that caused it.
sub probe {
	my (%o) = @_;
	my @cmd = ($probe);
	push @cmd, '-t', $o{t} if defined $o{t};
	push @cmd, '-s', $o{s} if defined $o{s};
	push @cmd, '-j', $o{j} if defined $o{j};
	push @cmd, $so, $o{op}, @{ $o{args} || [] }, @{ $o{conf} || [conf()] };
	my $errf = "$tmp/stderr";
	my $t0 = time;
	my $pid = open(my $fh, '-|') // die "fork: $!";
	if ($pid == 0) {
		open(STDERR, '>', $errf) or exit 127;
		exec(@cmd) or exit 127;
	}
	my %r = (groups => []);
	while (my $line = <$fh>) {
		chomp $line;
		my ($k, $v) = split /=/, $line, 2;
		if ($k eq 'group') { push @{ $r{groups} }, $v } else { $r{$k} = $v }
	}
	close($fh);
	$r{exit} = $? >> 8;
	$r{signal} = $? & 127;
	$r{secs} = time - $t0;
	$r{stderr} = SdeskTest::slurp($errf);
	if ($r{stderr} =~ /(ERROR: \w+Sanitizer|runtime error:)/ || $r{signal} || $r{exit}) {
		fail("ldap_probe @{[ $o{op} ]} ran cleanly");
		diag("exit $r{exit} signal $r{signal}\n$r{stderr}");
	}
	return \%r;
}

# The preflight error for a configuration, or 'passed'.
sub preflight_error {
	my (%over) = @_;
	my $p = probe(op => 'preflight', conf => [conf(%over)]);
	return $p->{preflight} eq 'fail' ? $p->{preflight_error} : 'passed';
}

sub auth { probe(op => 'auth', args => [@_[0 .. 2]], @_[3 .. $#_]) }
sub lookup { probe(op => 'lookup', args => [@_[0 .. 1]], @_[2 .. $#_]) }

# ------------------------------------------------------------------ logins

my $r = probe(op => 'preflight');
is($r->{preflight}, 'ok', 'preflight passes on the demo configuration')
	or diag($r->{preflight_error});

my @people = (
	[AMA => 'anna.lind', 'Anna Lind', 'anna.lind@amal.se', 'KLF', []],
	[AMA => 'nils.sjo', 'Nils Sjö', 'nils.sjo@amal.se', 'IT', ['sdesk-tredje-linjen']],
	[AMA => 'karin.wall', 'Karin Wall', 'karin.wall@amal.se', 'IT',
		['sdesk-forsta-linjen', 'sdesk-teamledare']],
	[BEN => 'anders.by', 'Anders By', 'anders.by@bengtsfors.se', 'BUF', ['sdesk-chefer']],
	[BEN => 'lisa.nord', 'Lisa Nord', 'lisa.nord@bengtsfors.se', 'BUF', []],
	[MEL => 'sofia.ahl', 'Sofia Åhl', 'sofia.ahl@mellerud.se', 'KLF', ['sdesk-it-kontakt']],
	[FAR => 'goran.hed', 'Göran Hed', 'goran.hed@fargelanda.se', 'SOC', ['sdesk-chefer']],
	[FAR => 'elin.frisk', 'Elin Frisk', 'elin.frisk@fargelanda.se', 'SOC', []],
);
for my $p (@people) {
	my ($realm, $uid, $name, $mail, $dept, $groups) = @$p;
	my $s = $suffix{$realm};
	$r = auth($realm, $uid, $PW);
	is($r->{status}, 'OK', "$realm $uid: logs in") or diag($r->{error}, $r->{stderr});
	is_deeply([@$r{qw(uid name mail department)}], [$uid, $name, $mail, $dept],
		"$realm $uid: uid, name, mail and department");
	is_deeply([sort @{ $r->{groups} }], [map { "cn=$_,ou=groups,$s" } @$groups],
		"$realm $uid: groups (each once)");
	is($r->{error}, '', "$realm $uid: no error text");
}

# ---------------------------------------------------------------- refusals

my $wrong = auth(AMA => 'anna.lind', 'Dalsland-2025');
my $unknown = auth(AMA => 'anna.lindh', $PW);
is($wrong->{status}, 'DENIED', 'wrong password: DENIED');
is($unknown->{status}, 'DENIED', 'unknown user: DENIED');
is($wrong->{error}, $DENIED, 'wrong password: the refusal text');
is($unknown->{error}, $wrong->{error}, 'unknown user reads exactly like a wrong password');
is_deeply([@$wrong{qw(uid name mail)}, @{ $wrong->{groups} }], ['', '', ''],
	'a refusal fills in nothing');
unlike($wrong->{stderr}, qr/Dalsland-2025/, 'the password is never logged');
like($wrong->{stderr}, qr/Invalid credentials/, 'the log says what really happened');

$r = auth(AMA => 'lisa.nord', $PW);
is($r->{status}, 'DENIED', 'a Bengtsfors person is not found in Åmål');

$r = auth(AMA => 'erik.gammal', $PW);
is($r->{status}, 'DENIED', 'disabled person: DENIED');
is($r->{error}, $DENIED, 'disabled person: the same refusal text');
$r = auth(AMA => 'erik.gammal', $PW,
	conf => [conf('AMA.user_filter' => '(&(objectClass=inetOrgPerson)(uid=%s))')]);
is($r->{status}, 'OK', 'the disabled person is refused by the filter, not the password');

# Unescaped, each of these would find karin.wall and her password would work.
for my $login ('karin.wal*', '*)(uid=karin.wall', 'karin.wall)(uid=*', '*') {
	$r = auth(AMA => $login, $PW);
	is($r->{status}, 'DENIED', "filter injection '$login': DENIED");
}
$r = auth(AMA => '*)(uid=*', $PW);
is($r->{status}, 'DENIED', "filter injection '*)(uid=*': DENIED");
$r = lookup(AMA => 'karin.wal*');
is($r->{status}, 'DENIED', 'lookup with a wildcard finds nobody');

# Refusals that need no directory: the URI is a port nobody listens on, so
# any network use would turn into UNAVAILABLE.
my $closed = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1);
my $dead_uri = 'ldap://127.0.0.1:' . $closed->sockport;
close($closed);
my @offline = (conf('AMA.uri' => $dead_uri));
$r = auth(AMA => 'anna.lind', '', conf => \@offline);
is($r->{status}, 'DENIED', 'empty password: DENIED without contacting the directory');
is($r->{error}, $DENIED, 'empty password: the same refusal text');
$r = auth(AMA => "anna.lind\n", $PW, conf => \@offline);
is($r->{status}, 'DENIED', 'login with a control character: DENIED without a search');
$r = auth(AMA => 'a' x 300, $PW, conf => \@offline);
is($r->{status}, 'DENIED', 'overlong login: DENIED without a search');
$r = auth(AMA => 'anna.lind', $PW, conf => \@offline);
is($r->{status}, 'UNAVAILABLE', '(the same configuration does reach for the network)');

# ------------------------------------------------------------------ lookup

$r = lookup(BEN => 'ingrid.kvist');
is($r->{status}, 'OK', 'lookup without a password');
is_deeply([@$r{qw(uid name department)}, @{ $r->{groups} }],
	['ingrid.kvist', 'Ingrid Kvist', 'KLF', 'cn=sdesk-it-kontakt,ou=groups,dc=bengtsfors,dc=se'],
	'lookup: fields and groups');
$r = lookup(BEN => 'ingrid.kvistt');
is($r->{status}, 'DENIED', 'lookup of nobody: DENIED');
like($r->{error}, qr/finns inte/, 'lookup of nobody: says so');

# ------------------------------------------------------- settings and sizes

$r = auth(MEL => 'sofia.ahl', $PW, conf => [conf('MEL.group_base' => undef)]);
is_deeply($r->{groups}, ['cn=sdesk-it-kontakt,ou=groups,dc=mellerud,dc=se'],
	'groups from memberOf alone (Mellerud offers it)');
$r = auth(AMA => 'karin.wall', $PW, conf => [conf('AMA.group_base' => undef)]);
is_deeply($r->{groups}, [], 'no group_base and no memberOf: no groups');

$r = auth(AMA => 'adm-jonas.berg', $PW);
is($r->{status}, 'DENIED', 'the admin identity is outside ou=people');
$r = auth(AMA => 'adm-jonas.berg', $PW, conf => [conf('AMA.base' => 'dc=amal,dc=se')]);
is($r->{status}, 'OK', 'the admin identity logs in with base = the whole tree');
is_deeply($r->{groups}, ['cn=sdesk-administratorer,ou=groups,dc=amal,dc=se'],
	'the admin identity: its group');

$r = auth(BEN => 'lisa.nord', $PW,
	conf => [conf('BEN.bind_password' => 'wrong', 'BEN.bind_password_file' => $pwfile)]);
is($r->{status}, 'OK', 'bind_password_file wins over bind_password');
$r = auth(BEN => 'lisa.nord', $PW, conf => [conf('BEN.bind_password' => 'wrong')]);
is($r->{status}, 'ERROR', 'service account refused: ERROR, not the user\'s fault');
$r = auth(XYZ => 'lisa.nord', $PW);
is($r->{status}, 'ERROR', 'unknown realm: ERROR');

# StartTLS against the demo's private CA (made when openssl is installed).
SKIP: {
	my $ca = $ldap->dir . '/tls/ca.pem';
	skip 'the demo directory has no TLS (no openssl)', 8 unless -s $ca;
	my @tls = ('BEN.starttls' => 'yes', 'BEN.tls_cacert' => $ca);
	$r = auth(BEN => 'lisa.nord', $PW, conf => [conf(@tls)]);
	is($r->{status}, 'OK', 'StartTLS with the demo CA: OK') or diag($r->{error});
	$r = auth(BEN => 'lisa.nord', 'fel', conf => [conf(@tls)]);
	is($r->{error}, $DENIED, 'StartTLS: a wrong password is still just DENIED');
	$r = auth(BEN => 'lisa.nord', $PW, j => 6, conf => [conf(@tls)]);
	is($r->{threads_agree}, 'yes', 'StartTLS on six threads at once: the same answer');
	is($r->{status}, 'OK', 'StartTLS on six threads at once: OK');
	system("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
		. "$tmp/other.key -out $tmp/other.pem -days 2 -subj /CN=other >/dev/null 2>&1");
	$r = auth(BEN => 'lisa.nord', $PW, conf => [conf(@tls, 'BEN.tls_cacert' => "$tmp/other.pem")]);
	is($r->{status}, 'ERROR', 'StartTLS with a certificate from another CA: ERROR');
	like($r->{error}, qr/TLS handshake/, 'StartTLS with another CA: says so');
	$r = auth(BEN => 'lisa.nord', $PW, conf => [conf('BEN.starttls' => 'yes')]);
	is($r->{status}, 'ERROR', 'StartTLS with the system CAs (which do not know the demo CA): ERROR');
	like(preflight_error(@tls, 'BEN.uri' => 'ldaps://127.0.0.1:636'), qr/^BEN\.starttls/,
		'preflight: StartTLS on an ldaps:// URI');
}

# ir_groups starts after 4 + 128 + 3 * 256 bytes: a host with a shorter
# result gets the fields that fit and nothing written past its size.
$r = auth(AMA => 'karin.wall', $PW, s => 900);
is($r->{status}, 'OK', 'a short result (no ir_groups): OK');
is($r->{department}, 'IT', 'a short result: the fields that fit');
is($r->{canary}, 'intact', 'a short result: nothing written past ir_size');
$r = auth(AMA => 'karin.wall', $PW, s => 900 + 60);
is(scalar @{ $r->{groups} }, 1, 'room for one group: the second is left out whole');
is($r->{canary}, 'intact', 'room for one group: nothing written past ir_size');
like($r->{stderr}, qr/more groups than the result holds; 1 dropped/, 'room for one group: logged');
$r = auth(AMA => 'karin.wall', 'bad', s => 200);
is($r->{canary}, 'intact', 'a tiny result: nothing written past ir_size');

$r = auth(FAR => 'maja.lind', $PW, j => 8);
is($r->{status}, 'OK', 'eight threads at once: OK');
is($r->{threads_agree}, 'yes', 'eight threads at once: the same answer');

# --------------------------------------------------------------- preflight

my $world = write_file("$tmp/world.pw", "sdesk-bind-demo\n", 0644);
like(preflight_error('MEL.base' => undef), qr/^MEL\.base is not set/, 'preflight: missing base');
like(preflight_error('FAR.user_filter' => '(uid=*)'), qr/^FAR\.user_filter .*%s/,
	'preflight: user filter without %s');
like(preflight_error('FAR.group_filter' => '(|(member=%s)(uniqueMember=%s))'),
	qr/^FAR\.group_filter/, 'preflight: group filter with %s twice');
like(preflight_error('AMA.bind_password_file' => $world), qr/^AMA\.bind_password_file .*everyone/,
	'preflight: world-readable password file');
like(preflight_error('AMA.bind_password_file' => "$tmp/absent"), qr/No such file/,
	'preflight: missing password file');
like(preflight_error('BEN.uri' => 'http://127.0.0.1/'), qr/^BEN\.uri/,
	'preflight: not an ldap:// URI');
like(preflight_error('BEN.uri' => undef), qr/^BEN\.uri is not set/, 'preflight: no URI');
like(preflight_error('BEN.starttls' => 'ja'), qr/^BEN\.starttls/, 'preflight: starttls not yes/no');
like(preflight_error(realms => undef), qr/realms/, 'preflight: no realms');
like(preflight_error('AMA.tls_cacert' => "$tmp/absent.pem"), qr/^AMA\.tls_cacert/,
	'preflight: missing CA file');
like(preflight_error('AMA.attr_mail' => 'mail)(x'), qr/^AMA\.attr_mail/,
	'preflight: not an attribute name');
is(preflight_error(map { ("$_.uri" => $dead_uri) } keys %suffix), 'passed',
	'preflight does not need the directory to be up');

# ------------------------------------------ a directory that goes away

$ldap->stop;
$r = auth(BEN => 'lisa.nord', $PW, t => 3000);
is($r->{status}, 'UNAVAILABLE', 'directory down: UNAVAILABLE');
like($r->{error}, qr/^katalogtjänsten svarar inte \(/, 'directory down: says so, with detail');
cmp_ok($r->{secs}, '<', 2, 'directory down: answered at once');
is(probe(op => 'preflight')->{preflight}, 'ok', 'directory down: preflight still passes');

# A server that accepts the connection and then never says a word.
my $hole = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 16,
	ReuseAddr => 1) or die "listen: $!";
my $hole_pid = fork() // die "fork: $!";
if ($hole_pid == 0) {
	my @held;
	local $SIG{ALRM} = sub { POSIX::_exit(0) };
	alarm 60;
	while (my $c = $hole->accept) { push @held, $c }
	POSIX::_exit(0);
}
my $hole_uri = 'ldap://127.0.0.1:' . $hole->sockport;
close($hole);
$r = auth(BEN => 'lisa.nord', $PW, t => 500, conf => [conf('BEN.uri' => $hole_uri)]);
is($r->{status}, 'UNAVAILABLE', 'silent server: UNAVAILABLE');
like($r->{error}, qr/^katalogtjänsten svarar inte \(.*Timed out/, 'silent server: timed out');
cmp_ok($r->{secs}, '<', 2, 'silent server: within the 500 ms timeout (and start-up)');
cmp_ok($r->{elapsed_ms}, '>=', 450, 'silent server: it did wait for the answer');
$r = auth(BEN => 'lisa.nord', $PW, t => 500,
	conf => [conf('BEN.uri' => $hole_uri, 'BEN.starttls' => 'yes')]);
is($r->{status}, 'UNAVAILABLE', 'silent server during StartTLS: UNAVAILABLE');
cmp_ok($r->{secs}, '<', 2, 'silent server during StartTLS: within the timeout');
kill 'TERM', $hole_pid;
waitpid($hole_pid, 0);

$ldap->start;
$r = auth(BEN => 'lisa.nord', $PW);
is($r->{status}, 'OK', 'directory back: logins work again');
is($r->{mail}, 'lisa.nord@bengtsfors.se', 'directory back: the person is read again');

done_testing();
