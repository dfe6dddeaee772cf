#!/usr/bin/perl
# Finding tickets: case numbers per tenant and year, full-text search in
# Swedish, filters, keyset pagination, queue views and their counts, "my
# tickets"; a requester finds only their own tickets.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();
my @subjects = ('Skrivaren skriver inte ut', 'Datorn startar inte', 'Lösenordet har gått ut',
	'Wifi i matsalen fungerar inte', 'Behöver ny skärm');
my %num;
for my $i (0 .. $#subjects) {
	my $who = $i % 2 ? 'lisa.nord' : 'elin.frisk';
	my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{$who},
		body => { type => 'incident', subject => $subjects[$i], urgency => 1 + $i % 3 });
	$num{$subjects[$i]} = $r->{json}{number};
}
my @far = sort grep { /^FAR/ } values %num;
my @ben = sort grep { /^BEN/ } values %num;
like($far[0], qr/^FAR-\d{4}-000001$/, 'Färgelanda counts from 1');
like($ben[0], qr/^BEN-\d{4}-000001$/, 'Bengtsfors counts from 1 too');
like($far[2], qr/^FAR-\d{4}-000003$/, 'and on without gaps');

my $r = http(GET => $d->url('/api/v1/tickets?q=skrivare'), headers => $h->{'sara.ek'});
is_deeply([map { $_->{number} } @{ $r->{json}{tickets} }], [$num{'Skrivaren skriver inte ut'}],
	'Swedish stemming: "skrivare" finds "Skrivaren"');
$r = http(GET => $d->url('/api/v1/tickets?q=l%C3%B6senordet'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 1, 'Swedish letters in the query find "Lösenordet"');
my $n = $num{'Wifi i matsalen fungerar inte'};
http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'lisa.nord'},
	body => { body => 'Gäller även personalrummet på Ängsgården' });
$r = http(GET => $d->url('/api/v1/tickets?q=personalrummet'), headers => $h->{'sara.ek'});
is_deeply([map { $_->{number} } @{ $r->{json}{tickets} }], [$n], 'public replies are searched');

$r = http(GET => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{tickets} }, 3, 'a requester finds only her own tickets');
$r = http(GET => $d->url('/api/v1/tickets?q=sk%C3%A4rm'), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{tickets} }, 1, 'her own matches');
$r = http(GET => $d->url('/api/v1/tickets?q=datorn'), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{tickets} }, 0, "never someone else's");
$r = http(GET => $d->url('/api/v1/tickets?tenant=BEN'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 2, 'technician filters by tenant');
$r = http(GET => $d->url('/api/v1/tickets?priority=2'), headers => $h->{'sara.ek'});
ok(!grep({ $_->{priority} != 2 } @{ $r->{json}{tickets} }), 'filter by priority');
$r = http(GET => $d->url("/api/v1/tickets?requester=$id->{'lisa.nord'}"), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 2, 'filter by requester');
$r = http(GET => $d->url('/api/v1/tickets?status=open&created_from=2000-01-01'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 5, 'status and date filters');
for my $bad ('priority=9', 'status=deleted', 'created_from=igår', 'limit=0', 'after=x',
	'assignee=bob') {
	my ($f) = $bad =~ /^(\w+)/;
	$r = http(GET => $d->url("/api/v1/tickets?$bad"), headers => $h->{'sara.ek'});
	is($r->{json}{error}{field}, $f, "bad $f: 400 naming it");
}

# Keyset pagination: two at a time, newest first, no duplicates.
my (@seen, $next);
my $url = '/api/v1/tickets?limit=2';
for (1 .. 5) {
	$r = http(GET => $d->url($url . ($next ? "&after=$next" : '')), headers => $h->{'sara.ek'});
	push @seen, map { $_->{number} } @{ $r->{json}{tickets} };
	$next = $r->{json}{next} or last;
}
is(scalar @seen, 5, 'all five over three pages');
is(scalar(keys %{ { map { $_ => 1 } @seen } }), 5, 'no ticket twice');

# Queues.
$r = http(GET => $d->url('/api/v1/queues'), headers => $h->{'sara.ek'});
my ($first) = grep { $_->{code} eq 'first_line' } @{ $r->{json}{queues} };
is($first->{counts}{new}, 5, 'first line holds five new tickets');
ok(grep({ $_->{name} eq 'Sara Ek' } @{ $first->{members} }), 'Sara is a member of first line');
my ($ident) = grep { $_->{code} eq 'identity' } @{ $r->{json}{queues} };
ok(grep({ $_->{name} eq 'Lena Dahl' } @{ $ident->{members} }), 'Lena is in the identity team');
$r = http(GET => $d->url('/api/v1/queues/first_line/tickets'), headers => $h->{'sara.ek'});
my @prio = map { $_->{priority} } @{ $r->{json}{tickets} };
is_deeply(\@prio, [sort { $a <=> $b } @prio], 'queue view: most urgent first');
my @paged;
$next = undef;
for (1 .. 4) {
	$r = http(GET => $d->url('/api/v1/queues/first_line/tickets?limit=2' . ($next ? "&after=$next" : '')),
		headers => $h->{'sara.ek'});
	push @paged, map { $_->{number} } @{ $r->{json}{tickets} };
	$next = $r->{json}{next} or last;
}
is_deeply(\@paged, [map { $_->{number} } @{ http(GET => $d->url('/api/v1/queues/first_line/tickets'),
	headers => $h->{'sara.ek'})->{json}{tickets} }], 'queue pages in the same order');
$r = http(GET => $d->url('/api/v1/queues/first_line/tickets?tenant=BEN'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 2, 'queue view filtered by tenant');
$r = http(GET => $d->url('/api/v1/queues/first_line/tickets?status=assigned'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 0, 'and by status');
is(http(GET => $d->url('/api/v1/queues'), headers => $h->{'elin.frisk'})->{status}, 403,
	'employees have no queue view');
is(http(GET => $d->url('/api/v1/queues/nowhere/tickets'), headers => $h->{'sara.ek'})->{status},
	404, 'unknown queue: 404');

# My tickets, as a technician: assigned to me.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 2, assignee => $id->{'sara.ek'} });
is($r->{status}, 200, 'Sara takes a ticket');
$r = http(GET => $d->url('/api/v1/me/tickets'), headers => $h->{'sara.ek'});
is_deeply([map { $_->{number} } @{ $r->{json}{assigned} }], [$n], 'it is in her "my tickets"');
# A common word (more than 5,000 tickets) walks the newest tickets; a rare
# one takes its tickets by id from the text index.  Either way the caller
# finds only what the policy lets them read.
$pg->psql(q{INSERT INTO tickets (tenant_id, number, type, requester_id, channel, subject,
	description, impact, urgency, priority, queue, created_at)
	SELECT p.tenant_id, t.code || '-2019-' || lpad(g::text, 6, '0'), 'incident', p.id, 'portal',
		CASE WHEN g = 4000 THEN 'Qvintus kan inte skriva ut' ELSE 'Utskrift saknas ' || g END,
		'Skrivs av testet', 2, 2, 3, 'first_line', now() - make_interval(mins => g)
	FROM generate_series(1, 5010) g, people p JOIN tenants t ON t.id = p.tenant_id
	WHERE p.login = 'lisa.nord'});
$pg->psql('ANALYZE tickets');
my @common;
$next = undef;
for (1 .. 2) {
	$r = http(GET => $d->url('/api/v1/tickets?q=utskrift&limit=100' . ($next ? "&after=$next" : '')),
		headers => $h->{'sara.ek'});
	is($r->{status}, 200, 'a common word') or diag($r->{content});
	push @common, map { $_->{subject} } @{ $r->{json}{tickets} };
	$next = $r->{json}{next};
}
is(scalar @common, 200, 'two full pages of it');
is_deeply([@common[0, 1, 199]], ['Utskrift saknas 1', 'Utskrift saknas 2', 'Utskrift saknas 200'],
	'newest first, the second page after the first');
$r = http(GET => $d->url('/api/v1/tickets?q=utskrift'), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{tickets} }, 0, "a requester finds no one else's, however common the word");
$r = http(GET => $d->url('/api/v1/tickets?q=qvintus'), headers => $h->{'sara.ek'});
is_deeply([map { $_->{subject} } @{ $r->{json}{tickets} }], ['Qvintus kan inte skriva ut'],
	'a rare word finds its one ticket');
$r = http(GET => $d->url('/api/v1/tickets?q=qvintus&status=closed'), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{tickets} }, 0, 'and filters still apply to it');
$r = http(GET => $d->url('/api/v1/tickets?q=qvintus'), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{tickets} }, 0, "but not for a requester it is not hers");
is((split /\n/, $pg->psql(q{SET ROLE sdesk_app; SELECT set_config('sdesk.tenants', '{1,2,3,4}', false),
	set_config('sdesk.user_id', '0', false), set_config('sdesk.perms', '', false);
	SELECT cardinality(sdesk_ticket_matches(websearch_to_tsquery('swedish', 'qvintus'), 5000))}))[-1],
	0, 'sdesk_ticket_matches gives no ids the policy would not show');
done_testing();
