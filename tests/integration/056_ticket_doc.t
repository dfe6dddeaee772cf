#!/usr/bin/perl
# A ticket keeps its API document in its row (009_ticket_doc.sql).  What it
# shows of others follows them: a person renamed by the directory, a VIP
# added, a department or a service renamed, a queue moved to another line.
# The ticket itself (version, updated_at) does not change for that, times
# read the same whichever session writes, and every stored document equals
# one made afresh.  A read sends the document out as it was written, with
# the rating, the next moves and (staff only) the clocks added.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskCatalogue;
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(sections => { sla => { scheduler => 'no' } });
my $dir = tempdir(CLEANUP => 1);
write_file("$dir/cat.yaml", test_catalogue());
my ($rc, $out) = cat_import($d->{conf}, "$dir/cat.yaml");
is($rc, 0, 'the catalogue imports') or diag $out;

sub get {
	my ($n, $who) = @_;
	my $r = http(GET => $d->url("/api/v1/tickets/$n"), headers => $h->{ $who || 'sara.ek' });
	is($r->{status}, 200, "read $n") or diag($r->{content});
	return $r->{json};
}

# Sara registers a call for Elin, Lena takes it.
my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'sara.ek'}, body => {
	type => 'request', subject => 'Ny skärm till receptionen', requester => $id->{'elin.frisk'},
	channel => 'phone', service => 'screen-extra' });
is($r->{status}, 201, 'ticket registered') or diag($r->{content});
my $n = $r->{json}{number};
$r = http(PATCH => $d->url("/api/v1/tickets/$n"), headers => $h->{'lena.dahl'},
	body => { version => $r->{json}{version}, assignee => $id->{'lena.dahl'} });
is($r->{status}, 200, 'assigned') or diag($r->{content});
my $t0 = get($n);
is($t0->{requester}{name}, 'Elin Frisk', 'requester card');
is($t0->{registered_by}{name}, 'Sara Ek', 'registered-by card');
is($t0->{assignee}{name}, 'Lena Dahl', 'assignee card');
ok($t0->{service}{name}, "service shown ($t0->{service}{name})");

# The directory renames Elin and Lena (as a directory sync writes them).
$pg->psql("UPDATE people SET display_name = 'Elin Frisk Berg' WHERE login = 'elin.frisk'");
$pg->psql("UPDATE people SET login = 'lena.dahl2' WHERE login = 'lena.dahl'");
my $t1 = get($n);
is($t1->{requester}{name}, 'Elin Frisk Berg', 'a renamed requester is shown by the new name');
is($t1->{assignee}{login}, 'lena.dahl2', 'a new login is shown');
is($t1->{version}, $t0->{version}, 'the ticket version is unchanged by it');
is($t1->{updated_at}, $t0->{updated_at}, 'and so is updated_at');
$r = http(GET => $d->url('/api/v1/me/tickets'), headers => $h->{'elin.frisk'});
is($r->{json}{requested}[0]{requester}{name}, 'Elin Frisk Berg', 'lists show the new name too');
$r = http(GET => $d->url('/api/v1/tickets?q=sk%C3%A4rm'), headers => $h->{'sara.ek'});
is($r->{json}{tickets}[0]{assignee}{login}, 'lena.dahl2', 'and so does search')
	or diag($r->{content});

# A rename that changes nothing writes nothing.
my $xmin = $pg->psql("SELECT xmin FROM tickets WHERE number = '$n'");
$pg->psql("UPDATE people SET display_name = display_name WHERE login = 'elin.frisk'");
is($pg->psql("SELECT xmin FROM tickets WHERE number = '$n'"), $xmin,
	'an unchanged name leaves the ticket row alone');

# VIP: the card says so at once.
$pg->psql("INSERT INTO vip_people (person_id, tenant_id, reason) SELECT id, tenant_id, 'Kommunchef'"
	. " FROM people WHERE login = 'elin.frisk'");
ok(get($n)->{requester}{vip}, 'a requester made VIP is shown as VIP');
$pg->psql("DELETE FROM vip_people");
ok(!get($n)->{requester}{vip}, 'and no longer when taken off the list');

# A service and a queue's line.
$pg->psql("UPDATE services SET name_sv = 'Bildskärm (ny)' WHERE code = 'screen-extra'");
is(get($n)->{service}{name}, 'Bildskärm (ny)', 'a renamed service is shown by the new name');
my $q = get($n)->{queue};
my $line = get($n)->{line};
$pg->psql("UPDATE queues SET line = " . ($line == 3 ? 2 : $line + 1) . " WHERE code = '$q'");
isnt(get($n)->{line}, $line, 'a queue moved to another line shows it');
$pg->psql("UPDATE queues SET line = $line WHERE code = '$q'");

# A department: the requester's, on the ticket since it was made.
my $dep = $pg->psql("SELECT d.id FROM departments d JOIN tenants t ON t.id = d.tenant_id"
	. " WHERE t.code = 'FAR' ORDER BY d.id LIMIT 1");
SKIP: {
	skip 'no department in the demo data', 1 unless $dep;
	$pg->psql("UPDATE tickets SET department_id = $dep WHERE number = '$n'");
	$pg->psql("UPDATE departments SET name = 'Omdöpt enhet' WHERE id = $dep");
	is(get($n)->{department}{name}, 'Omdöpt enhet', 'a renamed department is shown by the new name');
}

# A municipality's code, on its tickets and on its people's cards.
$pg->psql("UPDATE tenants SET code = 'FGL' WHERE code = 'FAR'");
my $t2 = get($n);
is($t2->{tenant}, 'FGL', "a new municipality code is shown on its tickets");
is($t2->{requester}{tenant}, 'FGL', "and on its people's cards");
is($t2->{assignee}{tenant}, 'AMA', "but not on others'");
$pg->psql("UPDATE tenants SET code = 'FAR' WHERE code = 'FGL'");

# Times are UTC whichever session writes.
$pg->psql("SET TimeZone = 'Europe/Stockholm'; UPDATE tickets SET subject = subject || '!'"
	. " WHERE number = '$n'");
like(get($n)->{created_at}, qr/\+00:00$/, 'a write from a Stockholm session stores UTC times');

# Every stored document equals one made afresh.
$r = http(POST => $d->url("/api/v1/tickets/$n/entries"), headers => $h->{'lena.dahl'},
	body => { kind => 'reply', body => 'Skärmen är beställd.' });
is($r->{status}, 201, 'a reply') or diag($r->{content});
my $before = $pg->psql("SELECT string_agg(doc::text || summary::text, '|' ORDER BY id) FROM tickets");
$pg->psql('UPDATE tickets SET doc = NULL');
is($pg->psql("SELECT string_agg(doc::text || summary::text, '|' ORDER BY id) FROM tickets"), $before,
	'every stored document is what a fresh one would be');

# No one writes a document by hand: whatever is written, it is made afresh.
$pg->psql("UPDATE tickets SET doc = '{}', summary = '{}' WHERE number = '$n'");
is(get($n)->{number}, $n, 'a document written by hand is replaced by the real one');

# A read is the stored document as PostgreSQL wrote it, with the rating,
# the caller's next moves and (for staff) the clocks written in before its
# closing brace: each once, and text the document holds comes out as it
# went in.
my $odd = "Skärm \"27 tum\" \\ ny\ttab \x{1F5A5} <b>&</b>";
$r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => $odd, description => "Rad 1\nRad 2" });
is($r->{status}, 201, 'a ticket with quotes, a backslash, a tab and an emoji') or diag($r->{content});
my $m = $r->{json}{number};
my $doc = $pg->psql("SELECT doc FROM tickets WHERE number = '$m'");
for my $who ('elin.frisk', 'lena.dahl') {
	$r = http(GET => $d->url("/api/v1/tickets/$m"), headers => $h->{$who});
	is($r->{status}, 200, "$who reads it") or diag($r->{content});
	is(index($r->{content}, substr($doc, 0, rindex($doc, '}'))), 0,
		"$who gets the stored document as it was written");
	is($r->{json}{subject}, $odd, "$who gets the subject as it was given");
	is($r->{json}{description}, "Rad 1\nRad 2", 'and the description');
	for my $k ('rating', 'allowed_status') {
		my $count = () = $r->{content} =~ /"\Q$k\E"/g;
		is($count, 1, "$who: \"$k\" once");
	}
	ok(exists $r->{json}{rating} && !defined $r->{json}{rating}, "$who: no rating yet");
}
ok(!exists get($m, 'elin.frisk')->{sla}, 'the requester gets no clocks');
my $sla = get($m, 'lena.dahl')->{sla};
is(ref $sla, 'HASH', 'staff get the clocks');
ok($sla->{resolution} && defined $sla->{resolution}{remaining_minutes},
	'finished for now (remaining minutes)') or diag(explain $sla);
is_deeply([sort @{ get($m, 'lena.dahl')->{allowed_status} }], [sort qw(assigned in_progress
	waiting_requester waiting_supplier resolved)], 'and the moves staff may make')
	or diag(explain get($m, 'lena.dahl')->{allowed_status});

done_testing();
