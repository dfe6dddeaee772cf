#!/usr/bin/perl
# The whole way of a case, through the API: a first-line technician
# registers a phone call for a Färgelanda employee, the employee sees it in
# "my tickets", first line escalates it to the identity team, the team
# resolves it, the requester reopens it and it is resolved again; the
# history shows every step, the requester only the public part.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world();
my $year = (gmtime)[5] + 1900;

# 1. Sara (first line) registers a phone call from Elin.
my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
	type => 'incident', subject => 'Kommer inte in i verksamhetssystemet',
	description => 'Elin ringer: kontot låst sedan i morse, hemtjänstens planering påverkas.',
	requester => $id->{'elin.frisk'}, channel => 'phone', impact => 2, urgency => 2,
	category => 'account' });
is($r->{status}, 201, 'technician registers a ticket for a caller') or diag($r->{content});
my $t = $r->{json};
my $n = $t->{number};
like($n, qr/^FAR-\d{4}-000001$/, "case number of Färgelanda and the year ($n)");
is($t->{tenant}, 'FAR', "the requester's municipality");
is($t->{channel}, 'phone', 'channel phone');
is($t->{requester}{name}, 'Elin Frisk', 'requester');
is($t->{registered_by}{name}, 'Sara Ek', 'registered by the technician');
is($t->{queue}, 'first_line', 'lands in first line');
is($t->{priority}, 3, 'impact 2 × urgency 2 = P3');
is($t->{status}, 'new', 'status new');
ok(!exists $t->{id}, 'the internal id stays internal');

# 2. Elin sees it in "my tickets".
$r = http(GET => $d->url('/api/v1/me/tickets'), headers => $h->{'elin.frisk'});
is($r->{status}, 200, 'my tickets');
is_deeply([map { $_->{number} } @{ $r->{json}{requested} }], [$n], 'the employee sees her ticket');
$r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'});
is($r->{status}, 200, 'and can open it');
is_deeply($r->{json}{allowed_status}, ['resolved'], 'she may only withdraw it now');

# 3. First line escalates to the identity team.
$r = http(POST => $d->url("/api/v1/tickets/$n/escalate"), headers => $h->{'sara.ek'},
	body => { queue => 'identity', reason => 'Kontot låst i AD, behöver identitetsteamet.' });
is($r->{status}, 200, 'escalated') or diag($r->{content});
is($r->{json}{queue}, 'identity', 'now with the identity team');
is($r->{json}{line}, 2, 'second line');
ok($r->{json}{escalated}, 'marked escalated');

# 4. The identity team takes it and resolves it.
my $v = $r->{json}{version};
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $v, assignee => $id->{'lena.dahl'} });
is($r->{json}{status}, 'assigned', 'assigning sets status assigned');
is($r->{json}{assignee}{name}, 'Lena Dahl', 'assignee');
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $r->{json}{version}, status => 'in_progress' });
is($r->{json}{status}, 'in_progress', 'in progress');
$r = http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'lena.dahl'},
	body => { kind => 'note', body => 'Låst efter fem felaktiga försök från gammal telefon.',
	minutes => 15 });
is($r->{status}, 201, 'internal note with 15 minutes logged');
$r = http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'lena.dahl'},
	body => { body => 'Hej Elin! Kontot är upplåst nu. Byt lösenord i telefonen också.' });
is($r->{status}, 201, 'public reply');
$r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'});
ok($r->{json}{first_response_at}, 'first response recorded');
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $r->{json}{version}, status => 'resolved' });
is($r->{status}, 400, 'resolving without a resolution code: 400');
is($r->{json}{error}{field}, 'resolution_code', 'names the field');
$r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'});
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $r->{json}{version}, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Kontot upplåst och lösenordet bytt.' });
is($r->{json}{status}, 'resolved', 'resolved by the team');
is($r->{json}{resolution}{first_contact}, JSON::PP::false, 'not a first-contact resolution');

# 5. Elin reopens it.
$r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'});
is_deeply([sort @{ $r->{json}{allowed_status} }], ['closed', 'in_progress'],
	'she may confirm or reopen');
$r = http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'elin.frisk'},
	body => { body => 'Det fungerar fortfarande inte på surfplattan.' });
is($r->{status}, 201, 'requester replies');
$r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'});
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'elin.frisk'},
	body => { version => $r->{json}{version}, status => 'in_progress' });
is($r->{status}, 200, 'requester reopens') or diag($r->{content});
is($r->{json}{status}, 'in_progress', 'back with Lena');
is($r->{json}{reopen_count}, 1, 'reopen counted');
is($r->{json}{resolution}, undef, 'resolution cleared');

# 6. Resolved again.
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $r->{json}{version}, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Surfplattans sparade lösenord borttaget.' });
is($r->{json}{status}, 'resolved', 'resolved again');

# The history: staff see every step, the requester the public ones.
my $staff = http(GET => $d->url("/api/v1/tickets/$n/history"), headers => $h->{'lena.dahl'});
my @kinds = map { $_->{kind} } @{ $staff->{json}{history} };
is_deeply(\@kinds, [qw(created escalated forwarded assigned status note reply resolved status
	reply reopened status resolved status)], 'history has each step in order')
	or diag(explain \@kinds);
my $esc = (grep { $_->{kind} eq 'escalated' } @{ $staff->{json}{history} })[0];
is($esc->{actor}{name}, 'Sara Ek', 'who escalated');
like($esc->{data}{reason}, qr/identitetsteamet/, 'and why');
my $pub = http(GET => $d->url("/api/v1/tickets/$n/history"), headers => $h->{'elin.frisk'});
my @pk = map { $_->{kind} } @{ $pub->{json}{history} };
ok(!grep({ $_ eq 'escalated' || $_ eq 'note' } @pk), 'requester does not see internal events');
ok(grep({ $_ eq 'forwarded' } @pk), 'but sees that it was forwarded');
my $entries = http(GET => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'elin.frisk'});
is(scalar(grep { $_->{kind} eq 'note' } @{ $entries->{json}{entries} }), 0,
	'internal notes never reach the requester');
is($pg->psql("SELECT sum(minutes) FROM ticket_entries"), '15', 'time logged per entry');

# First-contact resolution: first line solves a ticket directly.
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'question', subject => 'Hur byter jag lösenord?' });
is($r->{json}{channel}, 'portal', 'employee files through the portal');
like($r->{json}{number}, qr/^FAR-\d{4}-000002$/, 'next number');
my $n2 = $r->{json}{number};
$r = http(PATCH => $d->url("/api/v1/tickets/$n2"), headers => $h->{'sara.ek'},
	body => { version => 1, status => 'resolved', resolution_code => 'solved',
	resolution_text => 'Instruktion skickad.' });
is($r->{json}{resolution}{first_contact}, JSON::PP::true, 'first-contact resolution recorded');
done_testing();
