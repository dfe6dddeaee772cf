#!/usr/bin/perl
# Reopening: the time a ticket lay resolved does not count, the clock runs
# on from where it stopped; when the ticket finally closes every clock
# records met or breached.  Looked at from Tuesday 3 March 2026 11:00.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(
	sections => { sla => { now => '2026-03-03T11:00:00+01:00', scheduler => 'no' } });

sub patch {
	my ($login, $n, %body) = @_;
	my $t = ticket_of($d, $h->{$login}, $n);
	my $r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{$login},
		body => { version => $t->{version}, %body });
	die "PATCH $n: $r->{content}" unless $r->{status} == 200;
	return last_event($pg);
}

# The whole history first (the reopen window is counted from the real
# resolution), then each phase of it looked at in turn: steps not yet
# taken are moved after now, where they do not count.
my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
	type => 'incident', subject => 'Inloggningen strular', requester => $id->{'elin.frisk'},
	channel => 'phone', impact => 2, urgency => 2 });
my $n = $r->{json}{number};
my @ids = (last_event($pg));
push @ids, patch('sara.ek', $n, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Lösenordet återställt.');
push @ids, patch('elin.frisk', $n, status => 'in_progress');
push @ids, patch('sara.ek', $n, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Gammalt lösenord låg kvar i telefonen.');
push @ids, patch('elin.frisk', $n, status => 'closed');

sub phase {
	my @when = @_;
	# Distinct instants, so that each step keeps its own.
	push @when, sprintf('2026-03-10 12:%02d', scalar @when) while @when < @ids;
	retime($pg, $n, map { [$ids[$_], $when[$_]] } 0 .. $#ids);
	recompute($d, '--ticket', $n);
	return ticket_of($d, $h->{'sara.ek'}, $n);
}

# Filed Monday 08:00, resolved 10:00.
my $t = phase('2026-03-02 08:00', '2026-03-02 10:00');
is($t->{sla}{resolution}{state}, 'stopped', 'resolved: the clock stopped');
is($t->{sla}{resolution}{elapsed_minutes}, 120, 'after 2 h');
is($t->{sla}{resolution}{met}, undef, 'not closed: no verdict yet');

# Elin reopened it Tuesday 09:00.
$t = phase('2026-03-02 08:00', '2026-03-02 10:00', '2026-03-03 09:00');
is($t->{reopen_count}, 1, 'reopened');
is($t->{sla}{resolution}{state}, 'running', 'the clock runs again');
is($t->{sla}{resolution}{elapsed_minutes}, 240, '2 h Monday + 2 h Tuesday, not the night between');
# 27 h - 4 h = 23 h: Tuesday to 16:30 5.5 h, Wednesday 9 h, Thursday 8.5 h.
is($t->{sla}{resolution}{due_at}, '2026-03-05T15:00:00Z', 'due Thursday 16:00');
is($t->{sla}{first_response}{state}, 'stopped', 'a first response stays given');

# Resolved again at 10:30, confirmed closed by Elin at 10:45.
$t = phase('2026-03-02 08:00', '2026-03-02 10:00', '2026-03-03 09:00', '2026-03-03 10:30',
	'2026-03-03 10:45');
is($t->{status}, 'closed', 'closed');
is($t->{sla}{resolution}{elapsed_minutes}, 210, 'resolution took 3.5 business hours');
is($t->{sla}{resolution}{met}, JSON::PP::true, 'met');
is($t->{sla}{first_response}{met}, JSON::PP::true, 'first response met (2 h of 4)');
is($pg->psql("SELECT string_agg(kind || '=' || met, ',' ORDER BY kind) FROM sla_clocks"),
	'first_response=true,next_update=true,ola_line1=true,resolution=true',
	'every clock recorded met');
is($pg->psql("SELECT to_char(closed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')"
	. " FROM sla_clocks WHERE kind = 'resolution'"), '2026-03-03 10:45', 'with the closing time');

$d->stop;
done_testing();
