# SdeskTest.pm: what the integration tests share.  Starts a real
# PostgreSQL cluster in a temp dir (as an unprivileged user), the real
# sdeskd on a free loopback port, and speaks HTTP to it.  Core Perl only.
package SdeskTest;

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use HTTP::Tiny;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use Test::More;

our @EXPORT = qw(pg_start daemon_start http json_body top obj slurp wait_for
	sdeskctl write_conf read_response have_prog local_account login_as cookie_of
	totp_now session_for);

my $TOP = $ENV{SDESK_TOP} || do {
	my $d = __FILE__;
	$d =~ s{/tests/lib/SdeskTest\.pm$}{};
	$d eq __FILE__ ? '.' : $d;
};
my $OBJ = $ENV{SDESK_OBJ} || "$TOP/.obj";
my $PGBIN = $ENV{SDESK_PGBIN} || (sort glob('/usr/lib/postgresql/*/bin'))[-1];
my @cleanup;

# Tests may hold Swedish text as characters (use utf8): print it as UTF-8.
binmode(Test::More->builder->$_, ':encoding(UTF-8)')
	for qw(output failure_output todo_output);

sub top { $TOP }

# have_prog($name): the program's path on PATH, or undef.
sub have_prog {
	my ($name) = @_;
	for my $d (split /:/, $ENV{PATH} // '') {
		return "$d/$name" if -x "$d/$name";
	}
	return;
}
sub obj { $OBJ }

sub slurp {
	my ($path) = @_;
	open(my $fh, '<', $path) or return '';
	local $/;
	my $s = <$fh>;
	close($fh);
	return $s;
}

# wait_for(sub { ... }, seconds): polls until the sub returns true.
sub wait_for {
	my ($cond, $secs) = @_;
	my $until = time + ($secs // 10);
	while (time < $until) {
		my $v = $cond->();
		return $v if $v;
		sleep 0.05;
	}
	return;
}

sub run_quiet {
	my (@cmd) = @_;
	my $out = `@{[join ' ', map { quotemeta } @cmd]} 2>&1`;
	return ($? >> 8, $out);
}

# ---------------------------------------------------------------- PostgreSQL

package SdeskTest::Pg;

sub as_pg {
	my ($self, @cmd) = @_;
	return ('sh', "$TOP/packaging/pgctl.sh", $self->{data}, @cmd);
}

sub start {
	my ($self) = @_;
	# Tests need no durability; a benchmark measures the appliance's.
	my $opts = "-k $self->{sock} -c listen_addresses=''";
	$opts .= " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
		unless $self->{durable};
	my ($rc, $out) = SdeskTest::run_quiet($self->as_pg("$PGBIN/pg_ctl", '-D', $self->{data},
		'-l', "$self->{dir}/postgresql.log", '-w', '-s', '-o', $opts, 'start'));
	die "pg_ctl start failed: $out" . SdeskTest::slurp("$self->{dir}/postgresql.log") if $rc;
	$self->{running} = 1;
	return $self;
}

# Stops the server; mode 'immediate' is "the database went away".
sub stop {
	my ($self, $mode) = @_;
	return unless $self->{running};
	SdeskTest::run_quiet($self->as_pg("$PGBIN/pg_ctl", '-D', $self->{data}, '-m',
		$mode // 'fast', '-w', '-s', 'stop'));
	$self->{running} = 0;
}

# psql as the superuser (or as $opts{user}); dies on SQL errors unless
# $opts{ok_fail}.  Returns the unaligned output.
sub psql {
	my ($self, $sql, %opts) = @_;
	my $user = $opts{user} // 'postgres';
	my $db = $opts{db} // 'sdesk';
	my ($rc, $out) = SdeskTest::run_quiet('psql', '-h', $self->{sock}, '-U', $user, '-d',
		$db, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', $sql);
	die "psql failed ($sql): $out" if $rc && !$opts{ok_fail};
	chomp $out;
	return wantarray ? ($out, $rc) : $out;
}

sub dsn {
	my ($self, $user) = @_;
	return "host=$self->{sock} dbname=sdesk user=$user";
}

package SdeskTest;

# pg_start(): a fresh cluster with roles sdesk_owner and sdesk_app and an
# empty database sdesk owned by sdesk_owner.  Migrations are the daemon's.
# Commits are not flushed to disk unless durable => 1 (as the appliance's
# cluster does, for benchmarks).
sub pg_start {
	my (%opts) = @_;
	my $dir = tempdir('sdesk-test-XXXXXX', TMPDIR => 1, CLEANUP => 0);
	chmod 0755, $dir;
	my $pg = bless { dir => $dir, data => "$dir/pgdata", sock => "$dir/sock",
		durable => $opts{durable} }, 'SdeskTest::Pg';
	mkdir $pg->{sock};
	my $template = "$OBJ/pgtemplate";
	if (-s "$template/PG_VERSION") {
		system('cp', '-a', $template, $pg->{data}) == 0 or die "copy template: $?";
	} else {
		my ($rc, $out) = run_quiet($pg->as_pg("$PGBIN/initdb", '-D', $pg->{data}, '-U',
			'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8',
			'--no-instructions'));
		die "initdb failed: $out" if $rc;
	}
	chmod 0700, $pg->{data};
	$pg->start;
	push @cleanup, sub { $pg->stop('immediate'); remove_tree($dir) unless $ENV{SDESK_KEEP_TMP} };
	$pg->psql("CREATE ROLE sdesk_owner LOGIN; CREATE ROLE sdesk_app LOGIN NOBYPASSRLS",
		db => 'postgres');
	$pg->psql("CREATE DATABASE sdesk OWNER sdesk_owner", db => 'postgres');
	return $pg;
}

# -------------------------------------------------------------------- daemon

# write_conf($path, \%sections): an INI file; sections is
# { http => { port => 0 }, ... } merged over the defaults by the caller.
sub write_conf {
	my ($path, $sections) = @_;
	open(my $fh, '>', $path) or die "$path: $!";
	for my $s (sort keys %$sections) {
		print $fh "[$s]\n";
		for my $k (sort keys %{ $sections->{$s} }) {
			print $fh "$k = $sections->{$s}{$k}\n";
		}
		print $fh "\n";
	}
	close($fh);
}

sub default_sections {
	my ($pg, $dir) = @_;
	return {
		http => { address => '127.0.0.1', port => 0, port_file => "$dir/port",
			threads => 4 },
		database => { dsn => $pg->dsn('sdesk_app'), owner_dsn => $pg->dsn('sdesk_owner'),
			connect_timeout => 2, acquire_timeout => 2000 },
		paths => { plugin_dir => "$OBJ/plugins", webroot => "$TOP/webroot",
			state_dir => "$dir/state" },
		log => { level => 'info' },
		# Tests change the database behind the daemon's back and expect
		# to see it at once; 034_authcache.t tests the cache itself.
		auth => { cache_ms => 0 },
	};
}

# sdeskctl($conf, @args): runs sdeskctl; returns (exit code, output).
sub sdeskctl {
	my ($conf, @args) = @_;
	return run_quiet("$TOP/sdeskctl", '-c', $conf, @args);
}

package SdeskTest::Daemon;

sub url { my ($self, $path) = @_; return "http://127.0.0.1:$self->{port}" . ($path // '') }
sub log { SdeskTest::slurp($_[0]{log}) }
sub pid { $_[0]{pid} }

sub alive {
	my ($self) = @_;
	return 0 unless $self->{pid};
	return 1 if waitpid($self->{pid}, POSIX::WNOHANG()) == 0;
	$self->{status} = $?;
	$self->{pid} = undef;
	return 0;
}

# Stops with SIGTERM and returns the exit status; checks the log for
# sanitizer reports so that a leak or UB fails the test that caused it.
sub stop {
	my ($self) = @_;
	return $self->{status} unless $self->{pid};
	kill 'TERM', $self->{pid};
	my $ok = SdeskTest::wait_for(sub { waitpid($self->{pid}, POSIX::WNOHANG()) > 0 }, 30);
	if (!$ok) {
		kill 'KILL', $self->{pid};
		waitpid($self->{pid}, 0);
	}
	$self->{status} = $?;
	$self->{pid} = undef;
	$self->check_sanitizer;
	return $self->{status};
}

# A leak or undefined behaviour fails the test that caused it.
sub check_sanitizer {
	my ($self) = @_;
	my $log = $self->log;
	if ($log =~ /(ERROR: (?:Address|Leak)Sanitizer|runtime error:)/) {
		Test::More::fail("sanitizer report in sdeskd log");
		Test::More::diag($log);
	}
}

package SdeskTest;

# daemon_start($pg, %opts): writes a config and starts sdeskd.
#   sections => { ... } overrides/extends config sections
#   demo => 1 loads the demo data first
#   expect_fail => 1 returns after the process exits (for refusal tests)
sub daemon_start {
	my ($pg, %opts) = @_;
	my $dir = tempdir('sdeskd-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{SDESK_KEEP_TMP});
	mkdir "$dir/state";
	my $sec = default_sections($pg, $dir);
	for my $s (keys %{ $opts{sections} || {} }) {
		for my $k (keys %{ $opts{sections}{$s} }) {
			my $v = $opts{sections}{$s}{$k};
			if (defined $v) { $sec->{$s}{$k} = $v } else { delete $sec->{$s}{$k} }
		}
	}
	my $conf = "$dir/sdesk.conf";
	write_conf($conf, $sec);
	{
		my ($rc, $out) = sdeskctl($conf, 'keygen');
		die "keygen: $out" if $rc;
	}
	if ($opts{demo}) {
		my ($rc, $out) = sdeskctl($conf, 'migrate');
		die "migrate: $out" if $rc;
		($rc, $out) = sdeskctl($conf, 'demo', 'load');
		die "demo load: $out" if $rc;
	}
	my $log = "$dir/sdeskd.log";
	my $pid = fork() // die "fork: $!";
	if ($pid == 0) {
		open(STDOUT, '>>', $log) or die;
		open(STDERR, '>>', $log) or die;
		exec("$TOP/sdeskd", '-c', $conf) or die "exec: $!";
	}
	my $d = bless { pid => $pid, log => $log, dir => $dir, conf => $conf }, 'SdeskTest::Daemon';
	push @cleanup, sub { $d->stop };
	if ($opts{expect_fail}) {
		wait_for(sub { waitpid($pid, POSIX::WNOHANG()) > 0 }, 30);
		$d->{status} = $?;
		$d->{pid} = undef;
		$d->check_sanitizer;
		return $d;
	}
	my $port = wait_for(sub {
		my $p = slurp("$dir/port");
		return $p =~ /^(\d+)/ ? $1 : (waitpid($pid, POSIX::WNOHANG()) > 0 ? -1 : 0);
	}, 30);
	die "sdeskd did not start:\n" . slurp($log) if !$port || $port < 0;
	$d->{port} = $port;
	return $d;
}

# ---------------------------------------------------------------------- HTTP

my $JSON = JSON::PP->new->utf8->canonical;
sub json_body { $JSON }

# Every response the tests receive is checked against daemon/openapi.yaml
# by tests/node/openapi-validate.js (one process per test file).
my ($vpid, $vin, $vout);
sub validator {
	return if defined $vpid;
	$vpid = 0;
	return if ($ENV{SDESK_OPENAPI_VALIDATE} // '1') eq '0';
	my $js = "$TOP/tests/node/openapi-validate.js";
	if (!-d "$TOP/tests/node/node_modules/ajv" || !have_prog('node')) {
		Test::More::fail('OpenAPI validator available (run make check, which installs it)')
			if $ENV{SDESK_REQUIRE_OPENAPI};
		return;
	}
	require IPC::Open2;
	$vpid = IPC::Open2::open2($vout, $vin, 'node', $js);
	push @cleanup, sub { close($vin); waitpid($vpid, 0) if $vpid };
}

sub validate_response {
	my ($method, $url, $res) = @_;
	validator();
	return unless $vpid;
	my ($path) = $url =~ m{^https?://[^/]+([^?#]*)};
	my $msg = { method => $method, path => $path // '/', status => $res->{status} + 0,
		type => $res->{headers}{'content-type'} // '', body => $res->{content} // '' };
	print $vin JSON::PP->new->canonical->encode($msg), "\n";
	$vin->flush;
	my $answer = <$vout> // 'error validator gone';
	chomp $answer;
	return if $answer eq 'ok' || $answer =~ /^skip/;
	Test::More::fail("response matches the OpenAPI document");
	Test::More::diag($answer);
}

# http($method, $url, %opts): returns { status, headers, content, json }.
#   body => ref (sent as JSON) or string; headers => {}
sub http {
	my ($method, $url, %opts) = @_;
	my $ht = HTTP::Tiny->new(timeout => 30, keep_alive => 0);
	my %h = %{ $opts{headers} || {} };
	my %req = (headers => \%h);
	if (exists $opts{body}) {
		if (ref $opts{body}) {
			$req{content} = $JSON->encode($opts{body});
			$h{'content-type'} //= 'application/json';
		} else {
			$req{content} = $opts{body};
		}
	}
	my $res = $ht->request($method, $url, \%req);
	my $json;
	if (($res->{headers}{'content-type'} // '') =~ m{^application/json}) {
		$json = eval { $JSON->decode($res->{content}) };
	}
	# HTTP::Tiny reports its own failures (e.g. connection refused) as 599.
	validate_response($method, $url, $res) unless $res->{status} == 599;
	return { status => $res->{status}, headers => $res->{headers},
		content => $res->{content}, json => $json };
}

# read_response($socket): reads one HTTP/1.1 response (headers and a
# Content-Length body) from a raw socket; returns the text.
sub read_response {
	my ($s) = @_;
	my $buf = '';
	while ($buf !~ /\r\n\r\n/) {
		my $n = sysread($s, $buf, 4096, length $buf);
		return $buf unless $n;
	}
	my ($head, $body) = split /\r\n\r\n/, $buf, 2;
	my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
	while (defined $len && length($body) < $len) {
		my $n = sysread($s, $body, $len - length($body), length $body);
		last unless $n;
	}
	return "$head\r\n\r\n$body";
}

# local_account($conf, $tenant, $login, $password, @args): sdeskctl local-account.
sub local_account {
	my ($conf, $tenant, $login, $password, @args) = @_;
	my @words = ("$TOP/sdeskctl", '-c', $conf, 'local-account', $tenant, $login, @args);
	utf8::is_utf8($_) and utf8::encode($_) for @words;
	my $cmd = join(' ', map { quotemeta } @words);
	my $out = `printf '%s\n' \Q$password\E | $cmd 2>&1`;
	return ($? >> 8, $out);
}

# The session cookie a response set ("sdesk_session=..."), or undef.
sub cookie_of {
	my ($res) = @_;
	my $h = $res->{headers}{'set-cookie'} // '';
	for my $c (ref $h ? @$h : ($h)) {
		return $1 if $c =~ /^(sdesk_session=[^;]+)/;
	}
	return;
}

# login_as($daemon, $tenant, $login, $password): POST /api/v1/session.
# Returns (response, headers for later requests: cookie and CSRF token).
sub login_as {
	my ($d, $tenant, $login, $password) = @_;
	my $r = http(POST => $d->url('/api/v1/session'),
		body => { tenant => $tenant, login => $login, password => $password });
	my $cookie = cookie_of($r);
	my %h;
	$h{cookie} = $cookie if $cookie;
	$h{'x-csrf-token'} = $r->{json}{csrf_token} if $r->{json} && $r->{json}{csrf_token};
	return ($r, \%h);
}

# The TOTP code for a base32 secret at time now + offset (Debian's oathtool).
sub totp_now {
	my ($secret, $offset) = @_;
	my $t = time() + ($offset // 0);
	my $code = `oathtool --totp -b -N \@@{[int $t]} $secret`;
	chomp $code;
	return $code;
}

# session_for($d, $tenant, $login, $password): logs in and completes
# two-step verification when asked (enrols on first use, then answers
# challenges), with codes from oathtool; secrets and the last step used are
# remembered per login, so no code is offered twice.  Dies when anything
# fails.  Returns the headers for later requests (and, in list context,
# the session as well).
my (%mfa_secret, %mfa_step);

sub totp_next {
	my ($key) = @_;
	my $now = int(time() / 30);
	my $step = $now;
	$step = $mfa_step{$key} + 1 if defined $mfa_step{$key} && $mfa_step{$key} >= $step;
	# The server accepts one step of drift; beyond that, wait for the clock.
	sleep(($step - 1) * 30 - time() + 0.2) if $step > $now + 1;
	$mfa_step{$key} = $step;
	return totp_now($mfa_secret{$key}, $step * 30 + 1 - time());
}

sub session_for {
	my ($d, $tenant, $login, $password) = @_;
	my $key = lc "$tenant/$login";
	my ($r, $h) = login_as($d, $tenant, $login, $password);
	die "login $key: $r->{status} $r->{content}" unless $r->{status} == 201;
	my $s = $r->{json};
	return wantarray ? ($h, $s) : $h if $s->{mfa} eq 'ok';
	my $url;
	if ($s->{mfa} eq 'enrol') {
		my $e = http(POST => $d->url('/api/v1/session/mfa/enrolment'), headers => $h);
		die "MFA enrolment of $key: $e->{status} $e->{content}" unless $e->{status} == 200;
		$mfa_secret{$key} = $e->{json}{secret};
		delete $mfa_step{$key};
		$url = '/api/v1/session/mfa/enrolment/confirm';
	} else {
		die "no MFA secret remembered for $key" unless $mfa_secret{$key};
		$url = '/api/v1/session/mfa';
	}
	$r = http(POST => $d->url($url), headers => $h, body => { code => totp_next($key) });
	die "MFA for $key: $r->{status} $r->{content}" unless $r->{status} == 200;
	$s = $r->{json}{session};
	$h = { cookie => cookie_of($r), 'x-csrf-token' => $s->{csrf_token} };
	return wantarray ? ($h, $s) : $h;
}

END {
	my $rc = $?;
	$_->() for reverse @cleanup;
	$? = $rc;
}

1;
