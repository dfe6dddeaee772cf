#!/usr/bin/perl
# The rules around a ticket: invalid status moves are 409 with the allowed
# ones, concurrent edits are caught by the version, requesters cannot do
# staff work, bad input names the field, another tenant's ticket is 404.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();
my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => 'Skrivaren på Solgården skriver inte ut' });
is($r->{status}, 201, 'employee files a ticket');
my $n = $r->{json}{number};
is($r->{json}{priority}, 4, 'defaults: impact 3 × urgency 2 = P4');

# Invalid move.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'closed' });
is($r->{status}, 409, 'new -> closed: 409');
is($r->{json}{error}{field}, 'status', 'names status');
is_deeply([sort @{ $r->{json}{error}{allowed} }],
	[sort qw(assigned in_progress waiting_requester waiting_supplier resolved)],
	'and lists the allowed moves');

# Version conflict: two technicians edit the same version.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 1, impact => 2 });
is($r->{json}{version}, 2, 'first edit saved');
is($r->{json}{priority}, 3, 'priority recomputed from the matrix');
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'karin.wall'},
	body => { version => 1, urgency => 1 });
is($r->{status}, 409, 'stale version: 409');
is($r->{json}{error}{field}, 'version', 'names version');
is(http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'})->{json}{urgency}, 2,
	'the stale edit changed nothing');

# The requester cannot do staff work.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'},
	body => { version => 2, impact => 1 });
is($r->{status}, 403, 'requester cannot change the priority');
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'},
	body => { version => 2, status => 'in_progress' });
is($r->{status}, 409, 'requester cannot start work');
$r = http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'elin.frisk'},
	body => { kind => 'note', body => 'x' });
is($r->{status}, 403, 'requester cannot write internal notes');
$r = http(POST => $d->url("/api/v1/tickets/$n/escalate"), headers => $h->{'elin.frisk'},
	body => { queue => 'network', reason => 'x' });
is($r->{status}, 403, 'requester cannot escalate');
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => 'x', requester => $id->{'goran.hed'} });
is($r->{status}, 403, 'an employee cannot file for someone else');
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => 'x', channel => 'phone' });
is($r->{status}, 403, 'nor pick the channel');

# Assigning to someone who is not a technician.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'sara.ek'},
	body => { version => 2, assignee => $id->{'goran.hed'} });
is($r->{status}, 400, 'assignee must be a technician');
is($r->{json}{error}{field}, 'assignee', 'names assignee');

# Bad input.
my @bad = (
	[{ type => 'incident', subject => 'x', colour => 'red' }, 'colour', 'unknown_field'],
	[{ type => 'incident' }, 'subject', 'missing_field'],
	[{ type => 'incident', subject => 'x' x 201 }, 'subject', 'invalid_field'],
	[{ type => 'incident', subject => 'x', impact => 'high' }, 'impact', 'invalid_field'],
	[{ type => 'incident', subject => 'x', impact => 7 }, 'impact', 'invalid_field'],
	[{ type => 'accident', subject => 'x' }, 'type', 'invalid_field'],
	[{ type => 'incident', subject => 'x', category => 'nope' }, 'category', 'invalid_field'],
	[{ type => 'incident', subject => 'x', personal_data_breach => JSON::PP::true },
		'personal_data_breach', 'invalid_field'],
);
for my $b (@bad) {
	$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => $b->[0]);
	is($r->{status}, 400, "bad input ($b->[1]): 400");
	is($r->{json}{error}{field}, $b->[1], "names $b->[1]");
	is($r->{json}{error}{code}, $b->[2], "code $b->[2]");
}
$r = http(POST => $d->url("/api/v1/tickets/$n/escalate"), headers => $h->{'sara.ek'},
	body => { queue => 'nowhere', reason => 'x' });
is($r->{json}{error}{field}, 'queue', 'unknown queue: names queue');

# Another tenant's ticket does not exist for Bengtsfors' people.
is(http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'lisa.nord'})->{status}, 404,
	'Bengtsfors employee: 404 for a Färgelanda ticket');
is(http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lisa.nord'},
	body => { version => 2, status => 'resolved' })->{status}, 404, 'and cannot change it');
is(http(GET => $d->url("/api/v1/tickets/$n/history"), headers => $h->{'lisa.nord'})->{status},
	404, 'nor read its history');
is(http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'lisa.nord'},
	body => { body => 'x' })->{status}, 404, 'nor reply to it');
is(http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'goran.hed'})->{status}, 404,
	"a colleague in the same municipality does not see another's ticket");
is(http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'ingrid.kvist'})->{status}, 404,
	"another municipality's IT contact does not see it");

# Withdraw: the requester can resolve an untouched ticket as cancelled.
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'question', subject => 'Glöm det' });
$r = http(PATCH => $d->url("/api/v1/tickets/$r->{json}{number}"), headers => $h->{'elin.frisk'},
	body => { version => 1, status => 'resolved' });
is($r->{json}{resolution}{code}, 'cancelled', 'withdrawn as cancelled');

# Reopen window: closed once the window has passed.
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'question', subject => 'Gammal fråga' });
my $old = $r->{json}{number};
$r = http(PATCH => $d->url("/api/v1/tickets/$old"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Besvarat.' });
$pg->psql("UPDATE tickets SET resolved_at = now() - interval '11 days' WHERE number = '$old'");
$r = http(PATCH => $d->url("/api/v1/tickets/$old"), headers => $h->{'elin.frisk'},
	body => { version => 2, status => 'in_progress' });
is($r->{status}, 409, 'reopening after the window: 409');
like($r->{json}{error}{message}, qr/ny anm/, 'asks for a new ticket');
$r = http(PATCH => $d->url("/api/v1/tickets/$old"), headers => $h->{'elin.frisk'},
	body => { version => 2, status => 'closed' });
is($r->{json}{status}, 'closed', 'requester confirms: closed');
$r = http(POST => $d->url("/api/v1/tickets/$old/entries"), headers => $h->{'elin.frisk'},
	body => { body => 'En sak till' });
is($r->{status}, 409, 'closed is final: no more replies');

# Confidential tickets: narrowed, and every read audited.
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
	type => 'security_incident', subject => 'Misstänkt intrång i e-posten',
	requester => $id->{'elin.frisk'}, classification => 'confidential',
	personal_data_breach => JSON::PP::true });
is($r->{status}, 201, 'confidential security incident registered');
my $c = $r->{json}{number};
is(http(GET => $d->url("/api/v1/tickets/$c"), headers => $h->{'jonas.berg'})->{status}, 404,
	'a technician of another queue does not see a confidential ticket');
is(http(GET => $d->url("/api/v1/tickets/$c"), headers => $h->{'karin.wall'})->{status}, 200,
	'the team lead does');
http(GET => $d->url("/api/v1/tickets/$c"), headers => $h->{'elin.frisk'});
is($pg->psql("SELECT count(*) FROM audit_log WHERE action = 'ticket.read_confidential'"
	. " AND object = 'ticket:$c'"), '2', 'each read of it audited');
done_testing();
