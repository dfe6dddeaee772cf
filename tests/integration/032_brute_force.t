#!/usr/bin/perl
# Brute force: failures slow an account down with growing delays, then
# lock it; a lock holds against the right password until an administrator
# lifts it; every attempt is audited.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $pw = 'Brygga-Tistel-Lampa-83';

# Delays: after 2 failures the next try must wait.
my $d = daemon_start($pg, demo => 1, sections => { auth => { delay_after => 2, lock_after => 50 } });
is((local_account($d->{conf}, 'MEL', 'extern.kim', $pw, '--name', 'Kim Extern', '--kind',
	'external', '--expires', '2099-01-01', '--role', 'employee'))[0], 0, 'account created');
my ($r) = login_as($d, 'MEL', 'extern.kim', 'fel-1');
is($r->{status}, 401, 'first failure');
($r) = login_as($d, 'MEL', 'extern.kim', 'fel-2');
is($r->{status}, 401, 'second failure');
($r) = login_as($d, 'MEL', 'extern.kim', $pw);
is($r->{status}, 429, 'third try at once: 429 even with the right password');
is($r->{json}{error}{code}, 'too_many_attempts', 'too_many_attempts');
like($r->{headers}{'retry-after'} // '', qr/^\d+$/, 'Retry-After given');
($r) = login_as($d, 'MEL', 'someone.else', 'x');
is($r->{status}, 401, 'another account is not slowed down');
sleep(($r = http(GET => $d->url('/healthz'))) ? 2 : 2);
($r) = login_as($d, 'MEL', 'extern.kim', $pw);
is($r->{status}, 201, 'after the delay the right password works');
is($pg->psql("SELECT count(*) FROM auth_throttle WHERE key = 'account:MEL/extern.kim'"), '0',
	'success clears the account counter');
$d->stop;

# Lock: after 3 failures the account is locked until lifted.
$d = daemon_start($pg, sections => { auth => { delay_after => 100, lock_after => 3 } });
login_as($d, 'MEL', 'extern.kim', "fel-$_") for 1 .. 3;
($r) = login_as($d, 'MEL', 'extern.kim', $pw);
is($r->{status}, 423, 'locked account: 423 with the right password');
is($r->{json}{error}{code}, 'account_locked', 'account_locked');
($r) = login_as($d, 'MEL', 'ingen.alls', 'x') for 1 .. 3;
($r) = login_as($d, 'MEL', 'ingen.alls', 'x');
is($r->{status}, 423, 'an unknown login locks the same way (no existence leak)');
my ($rc, $out) = sdeskctl($d->{conf}, 'unlock', 'MEL', 'extern.kim');
like($out, qr/unlocked/, 'administrator lifts the lock');
($r) = login_as($d, 'MEL', 'extern.kim', $pw);
is($r->{status}, 201, 'login works again');
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'login.locked'"), '2',
	'locking audited');
ok($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'login.refused'") >= 3,
	'refused attempts audited');
done_testing();
