#!/usr/bin/perl
# sdeskctl catalogue import/export: a valid file becomes a catalogue
# version; export gives the canonical form and import → export → import →
# export is byte-stable; an invalid file reports every problem with its
# position and changes nothing; prices already in force cannot change;
# withdrawn services stay for old orders; every import is audited.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use SdeskCatalogue;
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
my $conf = $d->{conf};
my $dir = tempdir(CLEANUP => 1);
my $today = today_se();

sub count { $pg->psql("SELECT count(*) FROM $_[0]", db => 'sdesk') }

write_file("$dir/v1.yaml", test_catalogue());
my ($rc, $out) = cat_import($conf, "$dir/v1.yaml");
is($rc, 0, 'a valid catalogue imports') or diag $out;
like($out, qr/catalogue version 1: 4 services, 4 added, 0 changed, 0 withdrawn/, 'says what it did');
is(count('services WHERE active'), 4, 'four services');
is($pg->psql("SELECT string_agg(t.code, ',' ORDER BY t.code) FROM service_offerings o JOIN"
	. " services s ON s.id = o.service_id JOIN tenants t ON t.id = o.tenant_id WHERE s.code ="
	. " 'lss-app'", db => 'sdesk'), 'BEN', 'offered where the file says');
is($pg->psql("SELECT amount_ore FROM service_prices p JOIN services s ON s.id = p.service_id"
	. " WHERE s.code = 'gis-addon'", db => 'sdesk'), '12050', 'money is stored in öre');

my ($erc, $exp1) = cat_export($conf);
is($erc, 0, 'export runs');
like($exp1, qr/laptop-standard/, 'export has the services');
write_file("$dir/exp1.yaml", '');
open(my $fh, '>:raw', "$dir/exp1.yaml") or die;
print $fh $exp1;
close($fh);
($rc, $out) = cat_import($conf, "$dir/exp1.yaml");
is($rc, 0, 'the export imports again') or diag $out;
like($out, qr/unchanged \(version 1/, 'and is recognised as the same catalogue');
my (undef, $exp2) = cat_export($conf);
is($exp2, $exp1, 'import → export → import → export gives the same bytes');

# Every problem, each with its position; nothing changes.
my $bad = test_catalogue();
$bad =~ s/queue: business_systems\n    maturity: 1/queue: no_such_queue\n    maturity: 1/ or die;
$bad =~ s/amount: "1890.00"/amount: "1 890,00"/ or die;
$bad =~ s/tenants: \[BEN\]/tenants: [BEN, XYZ]/ or die;
$bad =~ s/from: 2020-01-01\}\n    form:\n      - \{name: size/from: 2020-02-30}\n    form:\n      - {name: size/ or die;
write_file("$dir/bad.yaml", $bad);
($rc, $out) = cat_import($conf, "$dir/bad.yaml");
is($rc, 1, 'an invalid catalogue is refused');
my @lines = grep { /^\Q$dir\E\/bad\.yaml:\d+:\d+: / } split /\n/, $out;
cmp_ok(scalar @lines, '>=', 4, 'every problem is reported with file, line and column') or diag $out;
like($out, qr/no_such_queue/, 'the unknown queue');
like($out, qr/1 890,00/, 'the malformed amount');
like($out, qr/XYZ/, 'the unknown tenant');
like($out, qr/2020-02-30/, 'the impossible date');
like($out, qr/nothing was imported/, 'and that nothing changed');
is(count('catalogue_versions'), 1, 'no new version');

# Only the database knows departments.
my $dep = test_catalogue();
$dep =~ s/departments: \[VOO\]/departments: [VOO, NOPE]/ or die;
write_file("$dir/dep.yaml", $dep);
($rc, $out) = cat_import($conf, "$dir/dep.yaml");
is($rc, 1, 'an unknown department is refused');
like($out, qr/dep\.yaml:\d+:\d+: .*NOPE/, 'naming it and where');

# A price in force cannot change; a new one may start today.
my $past = test_catalogue();
$past =~ s/amount: "450.00", from: 2020-01-01/amount: "460.00", from: 2020-01-01/ or die;
write_file("$dir/past.yaml", $past);
($rc, $out) = cat_import($conf, "$dir/past.yaml");
is($rc, 1, 'changing a price already in force is refused');
like($out, qr/past\.yaml:(\d+):\d+: .*monthly price from 2020-01-01/, 'the new row is named');
like($out, qr/price .*from 2020-01-01 is in force and cannot be removed/, 'and the old one');
my $gone = test_catalogue();
$gone =~ s/      - \{kind: monthly, amount: "430.00", from: 2020-01-01, tenant: BEN\}\n// or die;
write_file("$dir/gone.yaml", $gone);
($rc, $out) = cat_import($conf, "$dir/gone.yaml");
is($rc, 1, 'removing a price in force is refused');

write_file("$dir/v2.yaml", test_catalogue(laptop_prices =>
	qq(      - {kind: monthly, amount: "475.00", from: $today}\n)));
($rc, $out) = cat_import($conf, "$dir/v2.yaml");
is($rc, 0, 'a new price from today is accepted') or diag $out;
like($out, qr/version 2: 4 services, 0 added, 1 changed, 0 withdrawn/, 'one service changed');
is($pg->psql("SELECT sdesk_price_on(s.id, 'monthly', t.id, sdesk_today()) || ' ' ||"
	. " sdesk_price_on(s.id, 'monthly', b.id, sdesk_today()) FROM services s, tenants t,"
	. " tenants b WHERE s.code = 'laptop-standard' AND t.code = 'MEL' AND b.code = 'BEN'",
	db => 'sdesk'), '47500 43000', 'the default price changed today; Bengtsfors keeps its own');
is($pg->psql("SELECT string_agg(h.version::text, ',' ORDER BY h.version) FROM service_history h"
	. " JOIN services s ON s.id = h.service_id WHERE s.code = 'laptop-standard'", db => 'sdesk'),
	'1,2', 'the service keeps both definitions');
($rc, $out) = cat_import($conf, "$dir/v2.yaml");
like($out, qr/unchanged \(version 2/, 'importing it again changes nothing');

# Withdrawn: gone from the catalogue and the export, kept in the database.
write_file("$dir/v3.yaml", test_catalogue(without => 'gis-addon', laptop_prices =>
	qq(      - {kind: monthly, amount: "475.00", from: $today}\n)));
($rc, $out) = cat_import($conf, "$dir/v3.yaml");
like($out, qr/version 3: 3 services, 0 added, 0 changed, 1 withdrawn/, 'a service left out is withdrawn');
is($pg->psql("SELECT active FROM services WHERE code = 'gis-addon'", db => 'sdesk'), 'f',
	'kept, inactive');
my (undef, $exp3) = cat_export($conf);
unlike($exp3, qr/gis-addon/, 'not exported');
write_file("$dir/v4.yaml", test_catalogue(laptop_prices =>
	qq(      - {kind: monthly, amount: "475.00", from: $today}\n)));
($rc, $out) = cat_import($conf, "$dir/v4.yaml");
like($out, qr/version 4: 4 services, 0 added, 1 changed, 0 withdrawn/, 'and can come back');

# Versioned and audited.
is($pg->psql("SELECT string_agg(details::json->>'version', ',' ORDER BY id) FROM audit_log WHERE"
	. " action = 'catalogue.import'", db => 'sdesk'), '1,2,3,4', 'every import is audited');
is($pg->psql("SELECT details::json->>'withdrawn' FROM audit_log WHERE action ="
	. " 'catalogue.import' AND details::json->>'version' = '3'", db => 'sdesk'), '["gis-addon"]',
	'naming what it withdrew');
($rc, $out) = sdeskctl($conf, 'audit', 'verify');
like($out, qr/audit chain intact/, 'the audit chain holds');

($rc, $out) = sdeskctl($conf, 'catalogue', 'import');
is($rc, 2, 'usage without a file');
($rc, $out) = cat_import($conf, "$dir/missing.yaml");
is($rc, 1, 'a missing file is an error');
like($out, qr/missing\.yaml: No such file/, 'saying so');

done_testing();
