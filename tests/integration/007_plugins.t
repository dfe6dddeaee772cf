#!/usr/bin/perl
# The plugin host: plugins are found by name in the plugin directory, a
# wrong ABI major version, a wrong kind, missing operations or a failing
# preflight refuse the start with a clear line.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $tp = obj() . '/testplugins';

sub with_plugin {
	my ($name, %sec) = @_;
	return (sections => { paths => { plugin_dir => $tp }, plugins => { load => $name },
		"plugin.$name" => { kind => 'notifier', %sec } });
}

my $d = daemon_start($pg, with_plugin('probe'));
like($d->log, qr/plugin probe: probe plugin initialised/, 'plugin logs through the host');
like($d->log, qr/loaded probe \(notifier, version 1\.0, ABI 1\.0\)/, 'loaded with kind and ABI');
is(http(GET => $d->url('/healthz'))->{status}, 200, 'serves with the plugin loaded');
is($d->stop, 0, 'exits 0 and unloads');

$d = daemon_start($pg, expect_fail => 1, with_plugin('probeabi'));
isnt($d->{status}, 0, 'wrong ABI major: refused');
like($d->log, qr/plugin probeabi: built for ABI 99\.0, this sdeskd speaks ABI 1\.0/,
	'wrong ABI major: says which');

$d = daemon_start($pg, expect_fail => 1, with_plugin('probe', kind => 'identity'));
isnt($d->{status}, 0, 'wrong kind: refused');
like($d->log, qr/plugin probe: is a notifier plugin, the configuration expects identity/,
	'wrong kind: says which');

$d = daemon_start($pg, expect_fail => 1, with_plugin('probenoops'));
like($d->log, qr/plugin probenoops: offers no operations/, 'no operations: refused');

$d = daemon_start($pg, expect_fail => 1, with_plugin('probe', fail_preflight => 'yes'));
isnt($d->{status}, 0, 'failing preflight: refused');
like($d->log, qr/plugin probe: preflight failed: asked to fail/, 'failing preflight: says why');

$d = daemon_start($pg, expect_fail => 1, with_plugin('absent'));
like($d->log, qr/plugin absent: cannot load .*sdesk_absent\.so/, 'missing plugin: names the file');

$d = daemon_start($pg, expect_fail => 1,
	sections => { paths => { plugin_dir => $tp }, plugins => { load => 'probe' } });
like($d->log, qr/set \[plugin\.probe\] kind =/, 'kind not configured: says how');
done_testing();
