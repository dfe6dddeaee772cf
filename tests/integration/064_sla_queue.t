#!/usr/bin/perl
# The queue view: nearest deadline first (tickets without a running clock
# last), then priority, with keyset pagination across pages; every summary
# shows its clocks with the business time remaining, worked out when read.
# A priority change recomputes the clocks in the same request and moves the
# ticket to the top.  Real time; the OLA targets are taken away so that the first
# response is the nearest deadline of each priority (30, 60, 240, 480 min).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use SdeskSla;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });
$pg->psql('DELETE FROM ola_targets');

my %prio = (1 => [1, 1], 2 => [1, 2], 3 => [2, 2], 4 => [3, 3]);
my %num;
for my $p (4, 2, 3, 1, 'waiting') {
	my ($imp, $urg) = @{ $prio{$p} // [1, 1] };
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
		type => 'incident', subject => "Kö $p", requester => $id->{'elin.frisk'},
		channel => 'phone', impact => $imp, urgency => $urg });
	die "create: $r->{content}" unless $r->{status} == 201;
	$num{$p} = $r->{json}{number};
}
my $r = http(PATCH => $d->url("/api/v1/tickets/$num{waiting}"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'waiting_requester' });
is($r->{json}{sla}{resolution}{state}, 'paused', 'waiting for the requester: paused');

my (@seen, @pages);
my $url = '/api/v1/queues/first_line/tickets?limit=2';
while (defined $url) {
	$r = http(GET => $d->url($url), headers => $h->{'sara.ek'});
	is($r->{status}, 200, "queue page " . (@pages + 1)) or last;
	push @pages, scalar @{ $r->{json}{tickets} };
	push @seen, @{ $r->{json}{tickets} };
	$url = $r->{json}{next} ? "/api/v1/queues/first_line/tickets?limit=2&after=$r->{json}{next}"
		: undef;
	last if @pages > 5;
}
is_deeply(\@pages, [2, 2, 1], 'three pages of 2, 2 and 1');
is_deeply([map { $_->{number} } @seen], [@num{1, 2, 3, 4, 'waiting'}],
	'nearest deadline first: P1, P2, P3, P4, then the paused one')
	or diag(explain [map { "$_->{number} P$_->{priority}" } @seen]);
my %target = (1 => 30, 2 => 60, 3 => 240, 4 => 480);
for my $s (@seen[0 .. 3]) {
	my $fr = $s->{sla}{first_response};
	my $t = $target{ $s->{priority} };
	ok($fr->{remaining_minutes} <= $t && $fr->{remaining_minutes} >= $t - 2,
		"P$s->{priority}: first response $fr->{remaining_minutes} of $t min remaining");
	ok($fr->{due_at}, "P$s->{priority}: with its due time");
}
is($seen[0]{sla}{first_response}{warning}, undef, 'no warning has fired yet');
is($seen[4]{sla}{first_response}{state}, 'stopped', 'the paused one was answered');
is($seen[4]{sla}{resolution}{due_at}, undef, 'and has no due time');

# The remaining time is worked out when read: it matches the due instant.
my $due = $pg->psql("SELECT extract(epoch FROM sla_due)::bigint FROM tickets WHERE number = "
	. "'$num{4}'");
my $left = $pg->psql("SELECT extract(epoch FROM due_at)::bigint FROM sla_clocks c JOIN tickets t"
	. " ON t.id = c.ticket_id WHERE t.number = '$num{4}' AND kind = 'first_response'");
is($due, $left, 'the queue key is the nearest running deadline (first response)');

# P4 raised to P1: recomputed in the same request, and it moves up.
$r = http(PATCH => $d->url("/api/v1/tickets/$num{4}"), headers => $h->{'sara.ek'},
	body => { version => 1, impact => 1, urgency => 1 });
is($r->{json}{priority}, 1, 'raised to P1');
is($r->{json}{sla}{resolution}{target_minutes}, 240, 'the answer already has the P1 target');
is($r->{json}{sla}{first_response}{target_minutes}, 30, 'and the P1 first response');
$r = http(GET => $d->url('/api/v1/queues/first_line/tickets?limit=2'), headers => $h->{'sara.ek'});
# P1 from its filing (the first of all): its first response is due first.
is_deeply([map { $_->{number} } @{ $r->{json}{tickets} }], [@num{4, 1}],
	'the raised ticket is at the top now');

# Other lists carry the clocks too.
$r = http(GET => $d->url('/api/v1/tickets?queue=first_line'), headers => $h->{'sara.ek'});
ok((grep { $_->{sla} && $_->{sla}{resolution} } @{ $r->{json}{tickets} }) == 5,
	'search results have clocks');
$r = http(PATCH => $d->url("/api/v1/tickets/$num{2}"), headers => $h->{'sara.ek'},
	body => { version => 1, assignee => $id->{'sara.ek'} });
$r = http(GET => $d->url('/api/v1/me/tickets'), headers => $h->{'sara.ek'});
is($r->{json}{assigned}[0]{sla}{resolution}{target_minutes}, 540, 'my tickets too');
$r = http(GET => $d->url('/api/v1/me/tickets'), headers => $h->{'elin.frisk'});
ok(!grep({ exists $_->{sla} } @{ $r->{json}{requested} }), 'but not for the requester');

# Bad cursors.
for my $bad ('1_2_3', 'x_1_2_3', '1_2_3_4_5', '1_2_3_4x') {
	$r = http(GET => $d->url("/api/v1/queues/first_line/tickets?after=$bad"),
		headers => $h->{'sara.ek'});
	is("$r->{status} $r->{json}{error}{field}", '400 after', "after=$bad: 400 naming after");
}

$d->stop;
done_testing();
