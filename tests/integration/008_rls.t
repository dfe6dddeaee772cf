#!/usr/bin/perl
# Row-level security from the first migration: the daemon's role sees and
# changes only the tenants named in the per-transaction setting, cannot
# bypass RLS and owns nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use SdeskTest;
use Test::More;

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1);
$d->stop;

my %id = map { split /\|/ } split /\n/, $pg->psql('SELECT code, id FROM tenants');
is(scalar keys %id, 4, 'four tenants in the demo');

sub as_app {
	my ($tenants, $sql, %o) = @_;
	my $set = defined $tenants ? "SELECT set_config('sdesk.tenants', '$tenants', false);" : '';
	return $pg->psql("$set $sql", user => 'sdesk_app', %o);
}

is(as_app(undef, 'SELECT count(*) FROM departments'), '0', 'no setting: no departments');
is(as_app(undef, 'SELECT count(*) FROM cost_centres'), '0', 'no setting: no cost centres');
is(as_app(undef, 'SELECT count(*) FROM tenants'), '0', 'no setting: no tenants');
my $ben = "{$id{BEN}}";
my $out = as_app($ben, 'SELECT DISTINCT t.code FROM departments d JOIN tenants t ON t.id = d.tenant_id');
is((split /\n/, $out)[-1], 'BEN', 'BEN setting: only BEN departments');
$out = as_app($ben, "SELECT count(*) FROM cost_centres WHERE tenant_id = $id{MEL}");
is((split /\n/, $out)[-1], '0', 'BEN setting: MEL cost centres invisible even when asked');

my ($err, $rc) = as_app($ben,
	"INSERT INTO departments (tenant_id, code, name) VALUES ($id{MEL}, 'X', 'Intrång')",
	ok_fail => 1);
ok($rc != 0, 'BEN setting: cannot insert a MEL department');
like($err, qr/row-level security/, 'refused by row-level security');
($err, $rc) = as_app($ben,
	"UPDATE departments SET name = 'x' WHERE tenant_id = $id{MEL} RETURNING 'touched'");
unlike($err, qr/touched/, 'BEN setting: update of MEL rows touches nothing');
is($pg->psql("SELECT count(*) FROM departments WHERE name = 'x'"), '0', 'nothing changed');
($err, $rc) = as_app($ben, "UPDATE tenants SET name = 'x'", ok_fail => 1);
ok($rc != 0, 'tenants are read-only for the daemon role');

# A cost centre cannot point at another tenant's department.
my $mel_dep = $pg->psql("SELECT id FROM departments WHERE tenant_id = $id{MEL} LIMIT 1");
($err, $rc) = $pg->psql("INSERT INTO cost_centres (tenant_id, department_id, code, name)"
	. " VALUES ($id{BEN}, $mel_dep, '9999', 'Fel')", ok_fail => 1);
ok($rc != 0, 'composite key stops a cross-tenant cost centre even for the owner');

is($pg->psql("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'sdesk_app'"), 'f',
	'daemon role has no BYPASSRLS');
is($pg->psql("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
	. " WHERE r.rolname = 'sdesk_app'"), '0', 'daemon role owns no tables');
is($pg->psql("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	. " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'"
	. " AND NOT c.relrowsecurity"), '0', 'every table but schema_migrations has RLS enabled');
done_testing();
