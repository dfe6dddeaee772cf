# SdeskTickets.pm: a demo world for the ticket tests: the four
# municipalities, a few local accounts (technicians of the host across all
# tenants, employees of the municipalities) and logged-in sessions for them.
# Technicians here are not asked for MFA ([auth] mfa_roles = admin) so that
# the ticket tests are about tickets; MFA has its own tests.
package SdeskTickets;

use strict;
use warnings;
use utf8;
use Exporter 'import';
use SdeskTest;

our @EXPORT = qw(ticket_world);

my $PW = 'Brygga-Tistel-Lampa-83';

# People: login => [tenant, name, roles...]
my %PEOPLE = (
	'elin.frisk' => ['FAR', 'Elin Frisk', 'employee'],
	'goran.hed' => ['FAR', 'Göran Hed', 'employee'],
	'lisa.nord' => ['BEN', 'Lisa Nord', 'employee'],
	'sara.ek' => ['AMA', 'Sara Ek', 'employee', 'tech1:*'],
	'lena.dahl' => ['AMA', 'Lena Dahl', 'employee', 'tech2:*:identity'],
	'jonas.berg' => ['AMA', 'Jonas Berg', 'employee', 'tech2:*:network'],
	'karin.wall' => ['AMA', 'Karin Wall', 'employee', 'team_lead:*'],
	'ingrid.kvist' => ['BEN', 'Ingrid Kvist', 'employee', 'it_contact'],
);

# ticket_world(%daemon_opts): (daemon, pg, \%session headers by login, \%ids).
sub ticket_world {
	my (%opts) = @_;
	my $pg = pg_start();
	my %sections = %{ $opts{sections} || {} };
	$sections{auth} = { mfa_roles => 'admin', cache_ms => 0, %{ $sections{auth} || {} } };
	my $d = daemon_start($pg, demo => 1, sections => \%sections);
	my (%h, %id);
	for my $login (sort keys %PEOPLE) {
		my ($tenant, $name, @roles) = @{ $PEOPLE{$login} };
		my ($rc, $out) = local_account($d->{conf}, $tenant, $login, $PW, '--name', $name,
			map { ('--role', $_) } @roles);
		die "local-account $login: $out" if $rc;
		my ($r, $hdr) = login_as($d, $tenant, $login, $PW);
		die "login $login: $r->{status} $r->{content}" unless $r->{status} == 201;
		$h{$login} = $hdr;
		$id{$login} = $r->{json}{person}{id};
	}
	return ($d, $pg, \%h, \%id);
}

1;
