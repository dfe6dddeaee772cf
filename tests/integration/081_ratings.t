#!/usr/bin/perl
# Rating the help: the requester gives 1-5 and a comment once the ticket is
# resolved, may change it until the ticket closes, and nobody else may; the
# rating is part of the ticket and a public history event, and row-level
# security keeps anyone else from writing one.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();

sub rate {
	my ($who, $n, $body) = @_;
	return http(POST => $d->url("/api/v1/tickets/$n/rating"), headers => $h->{$who},
		body => $body);
}
sub ticket { http(GET => $d->url("/api/v1/tickets/$_[1]"), headers => $h->{$_[0]})->{json} }

my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => 'Skrivaren på plan 2 skriver inte ut' });
is($r->{status}, 201, 'Elin reports a problem');
my $n = $r->{json}{number};
is($r->{json}{rating}, undef, 'no rating yet');
ok(exists $r->{json}{rating}, 'but the member is there');

$r = rate('elin.frisk', $n, { score => 4 });
is($r->{status}, 409, 'no rating before the ticket is resolved');
is($r->{json}{error}{field}, 'score', 'names the score');

$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Papperet satt fast; skrivaren fungerar igen.' });
is($r->{json}{status}, 'resolved', 'first line resolves it');

$r = rate('sara.ek', $n, { score => 5 });
is($r->{status}, 403, 'the technician cannot rate her own help');
$r = rate('lisa.nord', $n, { score => 1 });
is($r->{status}, 404, 'another municipality does not see the ticket at all');

for my $bad ([{ score => 0 }, 'score'], [{ score => 6 }, 'score'], [{ comment => 'bra' }, 'score'],
	[{ score => 3, stars => 3 }, 'stars'], [{ score => '4' }, 'score'],
	[{ score => 4, comment => 'x' x 2001 }, 'comment']) {
	$r = rate('elin.frisk', $n, $bad->[0]);
	is($r->{status}, 400, "bad body refused: 400 ($bad->[1])");
	is($r->{json}{error}{field}, $bad->[1], "names $bad->[1]");
}

$r = rate('elin.frisk', $n, { score => 4, comment => 'Snabbt och vänligt!' });
is($r->{status}, 201, 'the requester rates the help');
is($r->{json}{score}, 4, 'score');
is($r->{json}{comment}, 'Snabbt och vänligt!', 'comment');
like($r->{json}{rated_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'when');
is(ticket('elin.frisk', $n)->{rating}{score}, 4, 'the ticket shows the rating');
is(ticket('sara.ek', $n)->{rating}{comment}, 'Snabbt och vänligt!', 'and staff see it too');

$r = rate('elin.frisk', $n, { score => 5 });
is($r->{status}, 200, 'a change while resolved: 200');
is($r->{json}{score}, 5, 'the new score');
is($r->{json}{comment}, '', 'without a comment the comment is empty');
is($pg->psql("SELECT count(*) FROM ticket_ratings"), '1', 'still one rating per ticket');

my $hist = http(GET => $d->url("/api/v1/tickets/$n/history"), headers => $h->{'elin.frisk'});
my @rated = grep { $_->{kind} eq 'rated' } @{ $hist->{json}{history} };
is(scalar @rated, 2, 'each rating is a public event');
is_deeply([map { $_->{data}{score} } @rated], [4, 5], 'with the score');

my $t = ticket('elin.frisk', $n);
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'},
	body => { version => $t->{version}, status => 'closed' });
is($r->{json}{status}, 'closed', 'she confirms and closes it');
is($r->{json}{rating}{score}, 5, 'the change answer carries the rating');
$r = rate('elin.frisk', $n, { score => 2 });
is($r->{status}, 409, 'closed: the rating can no longer be changed');
is(ticket('elin.frisk', $n)->{rating}{score}, 5, 'and stays');

# A ticket closed without a rating can still be rated: every ticket counts.
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'question', subject => 'Hur når jag lönebeskedet?' });
my $n2 = $r->{json}{number};
$r = http(PATCH => $d->url("/api/v1/tickets/$n2"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Via självservice, länk skickad.' });
$r = http(PATCH => $d->url("/api/v1/tickets/$n2"), headers => $h->{'sara.ek'},
	body => { version => $r->{json}{version}, status => 'closed' });
is($r->{json}{status}, 'closed', 'a second ticket closed unrated');
$r = rate('elin.frisk', $n2, { score => 3, comment => 'Ok.' });
is($r->{status}, 201, 'rated after closing');

# The database refuses a rating written as someone else.
my $tid = $pg->psql("SELECT id FROM tickets WHERE number = '$n2'");
my ($out, $rc) = $pg->psql("BEGIN; SELECT set_config('sdesk.user_id', '$id->{'sara.ek'}', true), "
	. "set_config('sdesk.tenants', '{1,2,3,4}', true), set_config('sdesk.perms', "
	. "'ticket.read,ticket.work', true); UPDATE ticket_ratings SET score = 1; "
	. "INSERT INTO ticket_ratings (ticket_id, tenant_id, person_id, score) SELECT id, tenant_id, "
	. "$id->{'sara.ek'}, 1 FROM tickets WHERE id = $tid; COMMIT", user => 'sdesk_app',
	ok_fail => 1);
ok($rc, 'RLS: staff cannot write a rating');
like($out, qr/row-level security/, 'refused by the policy');
is($pg->psql("SELECT string_agg(score::text, ',' ORDER BY ticket_id) FROM ticket_ratings"), '5,3',
	'and the ratings are unchanged');
is($d->stop, 0, 'exits 0');
done_testing();
