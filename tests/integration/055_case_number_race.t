#!/usr/bin/perl
# The first two tickets of a municipality and year at the same moment: the
# first creates the year's case-number sequence and has not committed yet
# when the second asks for a number.  The second waits, then gets the next
# number; it must not fail on the sequence the first one made.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use IO::Handle;
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
$d->stop;
my $ben = $pg->psql("SELECT id FROM tenants WHERE code = 'BEN'");
my @psql = ('psql', '-h', $pg->{sock}, '-U', 'sdesk_app', '-d', 'sdesk', '-qAtX');

# The first: number 1 taken, the sequence made, not committed.
open(my $first, '|-', @psql, '-o', "$pg->{dir}/first.out") or die "psql: $!";
$first->autoflush(1);
print $first "BEGIN;\nSELECT sdesk_case_number($ben, 2099);\n";
ok(wait_for(sub { $pg->psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'sdesk_app'"
	. " AND state = 'idle in transaction'") == 1 }, 10), 'the first holds its new sequence');

# The second asks meanwhile and has to wait for the first.
my $pid = open(my $second, '-|', @psql, '-v', 'ON_ERROR_STOP=1', '-c',
	"SELECT sdesk_case_number($ben, 2099)") or die "psql: $!";
ok(wait_for(sub { $pg->psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'sdesk_app'"
	. " AND wait_event_type = 'Lock'") == 1 }, 10), 'the second waits for it');

print $first "COMMIT;\n";
close($first);
my $out = do { local $/; <$second> };
close($second);
is($?, 0, 'the second does not fail');
is($out, "2\n", 'and gets the next number');
is(SdeskTest::slurp("$pg->{dir}/first.out"), "1\n", 'the first had number 1');
is($pg->psql("SELECT sdesk_case_number($ben, 2099)", user => 'sdesk_app'), '3',
	'numbers go on from there');

done_testing();
