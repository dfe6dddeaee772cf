# SdeskSlapd.pm: a private OpenLDAP server with the demo directories of the
# four municipalities, for the integration tests.  Wraps
# packaging/slapd-demo.sh with a temp dir and a free loopback port; every
# server started here is stopped (and its dir removed) in an END block.
# Core Perl only.
#
#   my $ldap = slapd_start();
#   $ldap->uri;     # ldap://127.0.0.1:PORT
#   $ldap->stop;    # the directory goes away
#   $ldap->start;   # and comes back on the same port
#   my %plugin = demo_realms($ldap, $dir);   # [plugin.ldap] for all four
package SdeskSlapd;

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use File::Path qw(remove_tree);
use IO::Socket::INET;

our @EXPORT = qw(slapd_start slapd_available demo_realms);

my $TOP = $ENV{SDESK_TOP} || do {
	my $d = __FILE__;
	$d =~ s{/tests/lib/SdeskSlapd\.pm$}{};
	$d eq __FILE__ ? '.' : $d;
};
my @servers;

# slapd_available(): true when slapd and ldapsearch are installed.
sub slapd_available {
	return -x '/usr/sbin/slapd' && -x '/usr/sbin/slapadd' && grep { -x "$_/ldapsearch" }
		split /:/, $ENV{PATH} // '';
}

# A loopback port nobody listens on right now.
sub free_port {
	my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
		Listen => 1, ReuseAddr => 1) or die "no free port: $!";
	my $port = $s->sockport;
	close($s);
	return $port;
}

# Runs packaging/slapd-demo.sh; returns (exit code, output).
sub script {
	my ($self, @args) = @_;
	my $pid = open(my $fh, '-|') // die "fork: $!";
	if ($pid == 0) {
		open(STDERR, '>&', \*STDOUT) or exit 127;
		exec('sh', "$TOP/packaging/slapd-demo.sh", @args) or exit 127;
	}
	local $/;
	my $out = <$fh> // '';
	close($fh);
	return ($? >> 8, $out);
}

sub uri  { "ldap://127.0.0.1:$_[0]{port}" }
sub port { $_[0]{port} }
sub dir  { $_[0]{dir} }
sub log  { my $f = "$_[0]{dir}/slapd.log"; open(my $fh, '<', $f) or return ''; local $/; <$fh> }

# Starts (or restarts) the server on its port; dies with the log on failure.
sub start {
	my ($self) = @_;
	my ($rc, $out) = $self->script('start', $self->{dir}, $self->{port});
	die "slapd-demo.sh start failed ($rc): $out\n" . $self->log if $rc;
	$self->{running} = 1;
	return $self;
}

# Stops the server and waits until it is gone.
sub stop {
	my ($self) = @_;
	return unless $self->{running};
	my ($rc, $out) = $self->script('stop', $self->{dir});
	die "slapd-demo.sh stop failed ($rc): $out" if $rc;
	$self->{running} = 0;
	return $self;
}

# demo_realms($ldap, $dir, %over): the [plugin.ldap] keys that serve the
# four municipalities from this server, with the service account's
# password in $dir/bind.pw; %over sets more keys for every realm
# (e.g. user_filter => ...).
sub demo_realms {
	my ($ldap, $dir, %over) = @_;
	open(my $fh, '>', "$dir/bind.pw") or die "$dir/bind.pw: $!";
	print $fh "sdesk-bind-demo\n";
	close($fh);
	chmod 0600, "$dir/bind.pw";
	my %suffix = (AMA => 'dc=amal,dc=se', BEN => 'dc=bengtsfors,dc=se',
		MEL => 'dc=mellerud,dc=se', FAR => 'dc=fargelanda,dc=se');
	my %plugin = (kind => 'identity', realms => 'AMA, BEN, MEL, FAR');
	for my $t (keys %suffix) {
		my $s = $suffix{$t};
		$plugin{"$t.uri"} = $ldap->uri;
		$plugin{"$t.bind_dn"} = "cn=sdesk,ou=system,$s";
		$plugin{"$t.bind_password_file"} = "$dir/bind.pw";
		$plugin{"$t.base"} = "ou=people,$s";
		$plugin{"$t.group_base"} = "ou=groups,$s";
		$plugin{"$t.$_"} = $over{$_} for keys %over;
	}
	return %plugin;
}

# slapd_start(): a running server with the demo data loaded.
sub slapd_start {
	my $dir = tempdir('sdesk-slapd-XXXXXX', TMPDIR => 1, CLEANUP => 0);
	my $self = bless { dir => $dir, port => free_port() }, __PACKAGE__;
	push @servers, $self;
	# Another process may take the port between free_port and slapd's bind.
	for my $try (1 .. 3) {
		my $ok = eval { $self->start; 1 };
		return $self if $ok;
		die $@ if $try == 3;
		$self->{port} = free_port();
	}
}

END {
	my $rc = $?;
	for my $s (@servers) {
		eval { $s->stop };
		remove_tree($s->{dir}) unless $ENV{SDESK_KEEP_TMP};
	}
	$? = $rc;
}

1;
