#!/usr/bin/perl
# sdeskd refuses to start, with one clear line, on a bad configuration or an
# unreachable database; -t checks a configuration.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskTest;
use Test::More;

my $dir = tempdir(CLEANUP => 1);
my $sdeskd = top() . '/sdeskd';

sub conf_says {
	my ($text, $want, $name) = @_;
	open(my $fh, '>', "$dir/c.conf") or die;
	print $fh $text;
	close($fh);
	my $out = `$sdeskd -c $dir/c.conf -t 2>&1`;
	my $rc = $? >> 8;
	is($rc, 1, "$name: exit 1");
	like($out, $want, "$name: says why");
}

conf_says("[http]\nprot = 80\n", qr/c\.conf:2: unknown key 'prot' in \[http\]/, 'typo in a key');
conf_says("[http]\nport = 99999\n", qr/c\.conf:2: .*port.*0 to 65535/, 'port out of range');
conf_says("[http]\nthreads = many\n", qr/c\.conf:2: .*threads/, 'not a number');
conf_says("[log]\nlevel = loud\n", qr/c\.conf:2: .*level/, 'unknown log level');
conf_says("[plugins]\nload = ../evil\n", qr/plugin name/, 'plugin names are not paths');
conf_says("[nonsense\n", qr/c\.conf:1: /, 'syntax error');
my $out = `$sdeskd -c $dir/missing.conf 2>&1`;
is($? >> 8, 1, 'missing file: exit 1');
like($out, qr/missing\.conf: cannot open/, 'missing file: says so');

open(my $fh, '>', "$dir/ok.conf") or die;
print $fh "; comment\n[http]\nport = 8081\nmax_body = 2M\n[database]\nmigrate = no\n";
close($fh);
$out = `$sdeskd -c $dir/ok.conf -t 2>&1`;
is($? >> 8, 0, 'valid configuration: -t exits 0');
like($out, qr/is valid/, 'and says so');

# Database unreachable: refuse to start.
my $pg = pg_start();
my $d = daemon_start($pg, expect_fail => 1, sections => { database => {
	dsn => "host=$dir/nosuchsocket dbname=sdesk user=sdesk_app", owner_dsn => undef } });
is($d->{status} >> 8, 1, 'unreachable database: exit 1');
like($d->log, qr/database unreachable: .*nosuchsocket/, 'unreachable database: says so');

# Schema behind and no owner_dsn to migrate with: refuse, naming the fix.
$d = daemon_start($pg, expect_fail => 1, sections => { database => { owner_dsn => undef } });
is($d->{status} >> 8, 1, 'unmigrated schema: exit 1');
like($d->log, qr/schema is at version .*sdeskctl migrate/, 'unmigrated schema: names the fix');

# A migration changed after it was applied is refused.
$d = daemon_start($pg);
$d->stop;
$pg->psql("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1");
$d = daemon_start($pg, expect_fail => 1);
is($d->{status} >> 8, 1, 'edited migration: exit 1');
like($d->log, qr/001_base\.sql was changed after it was applied/, 'edited migration: says so');

done_testing();
