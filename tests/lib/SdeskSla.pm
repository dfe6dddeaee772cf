# SdeskSla.pm: what the SLA tests share.  Clocks are computed from a
# ticket's history, so a test makes the history through the API and then
# moves each step of it to the local (Stockholm) time it is about, with
# sdeskd's clock fixed ([sla] now) at the moment the test looks from; the
# computation itself is never touched.
package SdeskSla;

use strict;
use warnings;
use utf8;
use Exporter 'import';
use SdeskTest;

our @EXPORT = qw(utc_of last_event retime recompute sla_admin ticket_of);

# utc_of($pg, 'YYYY-MM-DD HH:MM'): that Stockholm wall time as RFC 3339 UTC.
sub utc_of {
	my ($pg, $local) = @_;
	return $pg->psql("SELECT to_char(('$local'::timestamp AT TIME ZONE 'Europe/Stockholm')"
		. " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
}

# The newest event id: what a step of the history wrote ends here.
sub last_event {
	my ($pg) = @_;
	return $pg->psql('SELECT coalesce(max(id), 0) FROM ticket_events') + 0;
}

# retime($pg, $number, [$last_event_id, 'YYYY-MM-DD HH:MM'], ...): moves each
# step of a ticket's history (its events up to that id, in order) to a local
# time, and the ticket's own timestamps with the step that set them.  Give
# each step its own time: the ticket's timestamps are matched by instant.
sub retime {
	my ($pg, $number, @steps) = @_;
	my $tid = $pg->psql("SELECT id FROM tickets WHERE number = '$number'");
	my $prev = 0;
	for my $s (@steps) {
		my ($upto, $when) = @$s;
		my $real = $pg->psql("SELECT max(at) FROM ticket_events WHERE ticket_id = $tid"
			. " AND id > $prev AND id <= $upto");
		die "no events of $number up to $upto" if $real eq '';
		my $at = "('$when'::timestamp AT TIME ZONE 'Europe/Stockholm')";
		my $set = join(', ', map { "$_ = CASE WHEN $_ = '$real' THEN $at ELSE $_ END" }
			qw(created_at updated_at first_response_at resolved_at closed_at));
		$pg->psql("UPDATE tickets SET $set WHERE id = $tid");
		$pg->psql("UPDATE ticket_events SET at = $at WHERE ticket_id = $tid AND id > $prev"
			. " AND id <= $upto");
		$prev = $upto;
	}
}

# recompute($d, @args): `sdeskctl sla recompute @args`; dies when it fails.
sub recompute {
	my ($d, @args) = @_;
	my ($rc, $out) = sdeskctl($d->{conf}, 'sla', 'recompute', @args);
	die "sla recompute: $out" if $rc;
	return $out;
}

# An administrator over every tenant (privileged identity, MFA by oathtool).
sub sla_admin {
	my ($d) = @_;
	my $pw = 'Fyrtorn-Lingon-Kompass-47';
	my ($rc, $out) = local_account($d->{conf}, 'AMA', 'adm-sla', $pw, '--name', 'SLA Admin',
		'--kind', 'privileged', '--role', 'admin:*');
	die "local-account adm-sla: $out" if $rc;
	return scalar session_for($d, 'AMA', 'adm-sla', $pw);
}

# GET a ticket as $h (its JSON, or undef).
sub ticket_of {
	my ($d, $h, $number) = @_;
	return http(GET => $d->url("/api/v1/tickets/$number"), headers => $h)->{json};
}

1;
