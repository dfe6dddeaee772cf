#!/usr/bin/perl
# In the browser: the directory-down message and two-step verification
# (enrolment, recovery codes, challenge, recovery code) of tests/browser/mfa.js.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use File::Temp qw(tempdir);
use SdeskTest;
use World;
use Test::More;

# Mellerud's directory is configured but answers nobody (nothing listens there).
my $dir = tempdir(CLEANUP => 1);
open(my $fh, '>', "$dir/bind.pw") or die;
print $fh "sdesk-bind-demo\n";
close($fh);
chmod 0600, "$dir/bind.pw";
my ($d) = browser_world(sections => { plugins => { load => 'ldap' },
	'plugin.ldap' => { kind => 'identity', realms => 'MEL', 'MEL.uri' => 'ldap://127.0.0.1:9',
		'MEL.bind_dn' => 'cn=sdesk,ou=system,dc=mellerud,dc=se',
		'MEL.bind_password_file' => "$dir/bind.pw", 'MEL.base' => 'ou=people,dc=mellerud,dc=se',
		'MEL.user_filter' => '(uid=%s)', 'MEL.group_base' => 'ou=groups,dc=mellerud,dc=se' },
	auth => { directory_timeout => 1000 } });
run_browser($d, 'mfa.js');
is($d->stop, 0, 'sdeskd exits 0');
done_testing();
