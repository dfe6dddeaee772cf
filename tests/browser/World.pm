# World.pm: what the browser tests share on the Perl side: the ticket world
# (tests/lib/SdeskTickets.pm) plus a digitalisation chief, then one node
# script driving Debian's chromium against it.  The script prints "ok - ..."
# and "not ok - ..." lines; they become this test's TAP, so prove sees one
# plan, and a sanitizer report of the daemon still fails the test.
package World;

use strict;
use warnings;
use utf8;
use Exporter 'import';
use File::Path qw(make_path);
use SdeskTest;
use SdeskTickets;
use Test::More;

our @EXPORT = qw(browser_world run_browser);

my $PW = 'Brygga-Tistel-Lampa-83';

# browser_world(%opts): (daemon, pg, \%ids) with the ticket world's people,
# maria.falk as chief and adm-test as an administrator who must use MFA.
sub browser_world {
	my (%opts) = @_;
	my ($d, $pg, $h, $id) = ticket_world(%opts);
	my @more = (['AMA', 'maria.falk', 'Maria Falk', 'employee', 'chief:*'],
		['AMA', 'adm-test', 'Test Administratör', 'admin:*']);
	for my $p (@more) {
		my ($tenant, $login, $name, @roles) = @$p;
		my @kind = $login =~ /^adm-/ ? ('--kind', 'privileged') : ();
		my ($rc, $out) = local_account($d->{conf}, $tenant, $login, $PW, '--name', $name, @kind,
			map { ('--role', $_) } @roles);
		die "local-account $login: $out" if $rc;
	}
	return ($d, $pg, $id);
}

# run_browser($daemon, $script, %env): runs tests/browser/$script with node.
sub run_browser {
	my ($d, $script, %env) = @_;
	my $top = top();
	my $chromium = $ENV{SDESK_CHROMIUM} || have_prog('chromium') || have_prog('chromium-browser');
	if (!$chromium) {
		plan skip_all => 'no chromium (configure installs it)' unless $ENV{SDESK_REQUIRE_OPENAPI};
		fail('chromium installed');
		return;
	}
	(my $name = $script) =~ s/\.js$//;
	my $art = "$top/tests/artifacts/$name";
	make_path($art);
	# Only this run's pictures: an older run's extra ones would mislead.
	unlink glob("$art/*.png");
	local $ENV{SDESK_URL} = $d->url('');
	local $ENV{SDESK_PASSWORD} = $PW;
	local $ENV{SDESK_ARTIFACTS} = $art;
	local $ENV{SDESK_CHROMIUM} = $chromium;
	local $ENV{NODE_PATH} = "$top/tests/node/node_modules";
	local @ENV{ keys %env } = values %env;
	open(my $fh, '-|', 'node', "$top/tests/browser/$script") or die "node: $!";
	binmode($fh, ':encoding(UTF-8)');
	while (my $line = <$fh>) {
		chomp $line;
		if ($line =~ /^(not )?ok\b\s*-?\s*(.*)$/) {
			ok(!$1, $2);
		} elsif ($line =~ /^#\s?(.*)$/) {
			diag($1);
		} elsif (length $line) {
			note($line);
		}
	}
	close($fh);
	is($? >> 8, 0, "$script finished");
}

1;
