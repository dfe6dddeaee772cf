#!/usr/bin/perl
# In the browser: ordering from the catalogue and approving
# (tests/browser/orders.js): the default catalogue (catalogue/dalsland.yaml)
# and the demo directories in a real slapd, so that Lisa Nord (employee,
# BUF, cost centre 3100) orders and Anders By, the manager of 3100, decides.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use File::Temp qw(tempdir);
use SdeskCatalogue;
use SdeskSlapd;
use SdeskTest;
use World;
use Test::More;

plan skip_all => 'slapd missing (configure installs it)' unless slapd_available();
my $ldap = slapd_start();
my $pg = pg_start();
my $dir = tempdir(CLEANUP => 1);
my %plugin = demo_realms($ldap, $dir);
# Two-step verification for administrators only: the technician in the
# test signs in with her password.
my $d = daemon_start($pg, demo => 1, sections => { plugins => { load => 'ldap' },
	'plugin.ldap' => \%plugin, auth => { mfa_roles => 'admin', cache_ms => 0 } });
my ($rc, $out) = cat_import($d->{conf}, top() . '/catalogue/dalsland.yaml');
is($rc, 0, 'the default catalogue imports') or diag $out;
run_browser($d, 'orders.js', SDESK_PASSWORD => 'Dalsland-2026');
is($d->stop, 0, 'sdeskd exits 0');
done_testing();
