#!/usr/bin/perl
# bench.pl: `make bench`.  Starts a private PostgreSQL and sdeskd, measures
# them against baselines taken in the same run on the same machine, and
# prints every figure as key=value on its own line.
#
#   BENCH_SECONDS      seconds per wrk run (default 5)
#   BENCH_TICKETS      tickets for the queue/search figures (default 1000000)
#   BENCH_ONLY         comma list of sections: http, tickets, big (with the
#                      SLA re-evaluation over it), sla
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use POSIX qw(:sys_wait_h);
use HTTP::Tiny;
use Time::HiRes qw(time);
use SdeskTest;

my $secs = $ENV{BENCH_SECONDS} || 5;
my $conns = $ENV{BENCH_CONNECTIONS} || 16;
my $bigcount = $ENV{BENCH_TICKETS} || 1_000_000;
my %only = map { $_ => 1 } split /,/, ($ENV{BENCH_ONLY} || 'http,tickets,big,sla');
my $threads = 4;
my $dir = tempdir(CLEANUP => 1);

sub figure { printf "%s=%s\n", @_; }

# Runs wrk; returns (requests per second, p99 in ms).
sub wrk {
	my ($url, %o) = @_;
	my @args = ("-t2", "-c" . ($o{conns} // $conns), "-d${secs}s", '--latency');
	push @args, '-s', $o{script} if $o{script};
	my $out = `wrk @args $url 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	die "wrk failed against $url:\n$out" unless defined $rps;
	my ($non2xx) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	warn "bench: $non2xx non-2xx answers from $url\n" if $non2xx;
	my ($p99, $unit) = $out =~ /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m;
	$p99 = defined $p99 ? $p99 * ($unit eq 'us' ? 0.001 : $unit eq 's' ? 1000 : 1) : -1;
	return ($rps, $p99);
}

# A wrk Lua script sending the given method, headers and body.
sub wrk_script {
	my ($name, $method, $headers, $body) = @_;
	my $path = "$dir/$name.lua";
	open(my $fh, '>', $path) or die;
	print $fh "wrk.method = \"$method\"\n";
	for my $k (sort keys %$headers) {
		print $fh "wrk.headers[\"$k\"] = \"$headers->{$k}\"\n";
	}
	if (defined $body) {
		$body =~ s/(["\\])/\\$1/g;
		print $fh "wrk.body = \"$body\"\n";
	}
	close($fh);
	return $path;
}

# pgbench with a custom script on the cluster; returns transactions per second.
sub pgbench_tps {
	my ($pg, $script, $clients) = @_;
	my $f = "$dir/pgbench.sql";
	open(my $fh, '>', $f) or die;
	print $fh $script;
	close($fh);
	my $out = `pgbench -h $pg->{sock} -U postgres -n -c $clients -j 2 -T $secs -f $f sdesk 2>&1`;
	my ($tps) = $out =~ /tps = ([\d.]+)/;
	die "pgbench failed:\n$out" unless defined $tps;
	return $tps;
}

# Commits reach the disk, as in the appliance: pgbench's baseline and the
# creates both pay for it (the tests' clusters skip it).
my $pg = pg_start(durable => 1);
my $d = daemon_start($pg, demo => 1,
	sections => { http => { access_log => 'no', threads => $threads },
		auth => { mfa_roles => 'admin', cache_ms => 1000 },
		# Warnings would fire by the thousand after the re-evaluation below.
		sla => { scheduler => 'no' } });

if ($only{http}) {
	my $bpid = fork() // die;
	if ($bpid == 0) {
		exec(obj() . '/tests/bench/mhd_baseline', "$dir/port", $threads) or die;
	}
	my $bport = wait_for(sub { (slurp("$dir/port") =~ /^(\d+)/)[0] }, 10)
		or die 'baseline did not start';
	wrk($d->url('/healthz'));    # warm the pool and the caches
	my ($healthz) = wrk($d->url('/healthz'));
	my ($mhd) = wrk("http://127.0.0.1:$bport/healthz");
	figure(healthz_rps => sprintf('%.0f', $healthz));
	figure(mhd_baseline_rps => sprintf('%.0f', $mhd));
	figure(healthz_vs_mhd_ratio => sprintf('%.3f', $healthz / $mhd));
	if ($only{tickets}) {
		tickets_bench($mhd);
	}
	kill 'TERM', $bpid;
	waitpid($bpid, 0);
}

sub tickets_bench {
	my ($mhd) = @_;
	my $pw = 'Brygga-Tistel-Lampa-83';
	local_account($d->{conf}, 'FAR', 'bench.user', $pw, '--name', 'Bench User',
		'--role', 'employee');
	my (undef, $h) = login_as($d, 'FAR', 'bench.user', $pw);
	my %hdr = (%$h, 'Content-Type' => 'application/json');
	my $create = wrk_script('create', 'POST', \%hdr,
		'{"type":"incident","subject":"Skrivaren skriver inte ut","description":"Bench"}');

	$pg->psql('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, t text, at timestamptz'
		. ' DEFAULT now())');
	my $pgb = pgbench_tps($pg, "INSERT INTO bench_insert (t) VALUES ('Skrivaren skriver inte ut');\n", 8);
	my ($created) = wrk($d->url('/api/v1/tickets'), script => $create, conns => 8);
	figure(ticket_create_per_s => sprintf('%.0f', $created));
	figure(pgbench_insert_per_s => sprintf('%.0f', $pgb));
	figure(ticket_create_vs_pgbench_ratio => sprintf('%.3f', $created / $pgb));
	ticket_rows_floor($pgb);

	my $number = $pg->psql('SELECT number FROM tickets ORDER BY id LIMIT 1');
	my $read = wrk_script('read', 'GET', { cookie => $h->{cookie} });
	my ($reads, $p99) = wrk($d->url("/api/v1/tickets/$number"), script => $read);
	figure(ticket_read_per_s => sprintf('%.0f', $reads));
	figure(ticket_read_vs_mhd_ratio => sprintf('%.3f', $reads / $mhd));
	figure(ticket_read_p99_ms => sprintf('%.2f', $p99));

	# The same ticket read by first line, who also gets its SLA clocks.
	local_account($d->{conf}, 'AMA', 'bench.tech', $pw, '--name', 'Bench Tech',
		'--role', 'tech1:*');
	my (undef, $th) = login_as($d, 'AMA', 'bench.tech', $pw);
	my $sread = wrk_script('sread', 'GET', { cookie => $th->{cookie} });
	my ($sreads, $sp99) = wrk($d->url("/api/v1/tickets/$number"), script => $sread);
	figure(ticket_read_staff_per_s => sprintf('%.0f', $sreads));
	figure(ticket_read_staff_vs_mhd_ratio => sprintf('%.3f', $sreads / $mhd));
	figure(ticket_read_staff_p99_ms => sprintf('%.2f', $sp99));
}

# What the database alone needs to write what a create writes: the ticket,
# its first event, four clocks and eight warnings, in one statement sent by
# pgbench as the superuser (no daemon, no row policies, no round trips);
# with the triggers and foreign keys, and bare (no triggers, no checks of
# foreign keys).  A floor for the create figure above: no daemon can
# create tickets faster than their rows can be written.
sub ticket_rows_floor {
	my ($pgb) = @_;
	my ($tenant, $code, $person) = split /\|/, $pg->psql("SELECT p.tenant_id, t.code, p.id"
		. " FROM people p JOIN tenants t ON t.id = p.tenant_id WHERE p.login = 'bench.user'");
	my $cal = $pg->psql('SELECT min(id) FROM sla_calendars');
	$pg->psql('CREATE SEQUENCE bench_rows');
	my $due = "now() + interval '8 hours'";
	my $kinds = "unnest(ARRAY['first_response', 'next_update', 'resolution', 'ola_line1']) k";
	my $rows = "BEGIN;\n"
		. "WITH t AS (INSERT INTO tickets (tenant_id, number, type, requester_id, channel,"
		. " subject, description, impact, urgency, priority, queue, doc, summary, sla_due)"
		. " VALUES ($tenant, '$code-2099-' || lpad(nextval('bench_rows')::text, 6, '0'),"
		. " 'incident', $person, 'portal', 'Skrivaren skriver inte ut', 'Bench', 3, 3, 4,"
		. " 'first_line', '{}', '{}', $due) RETURNING id, tenant_id),"
		. " e AS (INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, public, data)"
		. " SELECT t.tenant_id, t.id, $person, 'created', true, '{\"priority\": 4}' FROM t),"
		. " c AS (INSERT INTO sla_clocks (tenant_id, ticket_id, kind, calendar_id, state,"
		. " target_s, elapsed_s, evaluated_at, due_at, type, priority) SELECT t.tenant_id, t.id,"
		. " k, $cal, 'running', 28800, 0, now(), $due, 'incident', 4 FROM t, $kinds)"
		. " INSERT INTO sla_warnings (tenant_id, ticket_id, clock, cycle, threshold, due_at)"
		. " SELECT t.tenant_id, t.id, k, 0, th, $due FROM t, $kinds,"
		. " unnest(ARRAY[75, 100]) th;\n"
		. "COMMIT;\n";
	my $full = pgbench_tps($pg, $rows, 8);
	my $bare = pgbench_tps($pg, "SET session_replication_role = replica;\n$rows", 8);
	figure(ticket_rows_sql_per_s => sprintf('%.0f', $full));
	figure(ticket_rows_bare_per_s => sprintf('%.0f', $bare));
	figure(ticket_rows_bare_vs_pgbench_ratio => sprintf('%.3f', $bare / $pgb));
	# Gone again, so that the queue and search figures see only real tickets.
	$pg->psql('SET session_replication_role = replica;'
		. " DELETE FROM sla_warnings w USING tickets t WHERE t.id = w.ticket_id AND t.number"
		. " LIKE '%-2099-%'; DELETE FROM sla_clocks c USING tickets t WHERE t.id = c.ticket_id"
		. " AND t.number LIKE '%-2099-%'; DELETE FROM ticket_events e USING tickets t WHERE"
		. " t.id = e.ticket_id AND t.number LIKE '%-2099-%'; DELETE FROM tickets WHERE number"
		. " LIKE '%-2099-%'; DROP SEQUENCE bench_rows");
}

if ($only{big}) {
	big_bench();
}

# Median milliseconds of an HTTP GET over n tries: the exchange alone (a
# new connection each time, as a browser's first request), not the test
# library's OpenAPI validation of the answer, which is slower than sdeskd.
sub median_ms {
	my ($url, $h, $n) = @_;
	my $ht = HTTP::Tiny->new(timeout => 30, keep_alive => 0);
	my @t;
	http(GET => $url, headers => $h); # the answer is still checked once
	for (1 .. $n) {
		my $t0 = time;
		my $r = $ht->get($url, { headers => $h });
		push @t, (time - $t0) * 1000;
		die "GET $url: $r->{status}" unless $r->{status} == 200;
	}
	@t = sort { $a <=> $b } @t;
	return $t[int(@t / 2)];
}

# A million tickets across the four municipalities, then the queue view and
# a search, timed end to end over HTTP.
sub big_bench {
	my $pw = 'Brygga-Tistel-Lampa-83';
	local_account($d->{conf}, 'AMA', 'bench.tech', $pw, '--name', 'Bench Tech', '--role',
		'tech1:*');
	my (undef, $h) = login_as($d, 'AMA', 'bench.tech', $pw);
	my $t0 = time;
	my @psql = ('psql', '-h', $pg->{sock}, '-U', 'postgres', '-d', 'sdesk', '-qX', '-v',
		'ON_ERROR_STOP=1');
	my ($rc, $out) = SdeskTest::run_quiet(@psql, '-f', "$FindBin::Bin/load_people.sql");
	die "load: $out" if $rc;
	# One part per core: the triggers, not the disk, set the pace.
	my $parts = 2;
	my @kids;
	for my $part (0 .. $parts - 1) {
		my $pid = fork() // die;
		if ($pid == 0) {
			my ($krc, $kout) = SdeskTest::run_quiet(@psql, '-v', "count=$bigcount", '-v',
				"part=$part", '-v', "parts=$parts", '-f', "$FindBin::Bin/load_tickets.sql");
			print STDERR "load part $part: $kout" if $krc;
			POSIX::_exit($krc ? 1 : 0);
		}
		push @kids, $pid;
	}
	for my $pid (@kids) {
		waitpid($pid, 0);
		die "load failed\n" if $?;
	}
	$pg->psql('ANALYZE');
	figure(bench_load_1m_s => sprintf('%.1f', time - $t0));
	my $q = median_ms($d->url('/api/v1/queues/first_line/tickets?limit=50'), $h, 21);
	figure(queue_first_page_ms_1m => sprintf('%.2f', $q));
	my $s = median_ms($d->url('/api/v1/tickets?q=treserva&limit=25'), $h, 21);
	figure(search_ms_1m => sprintf('%.2f', $s));
	sla_db_bench($h);
}

# Every open ticket's clocks evaluated and stored the way an administrator
# does it after a calendar change: `sdeskctl sla recompute --calendar`,
# streaming the tickets out with COPY and the results back in batches.  The
# first run gives the tickets their clocks; the timed one follows a change
# of the Dalsland calendar (Fridays close at 15:30).
sub sla_db_bench {
	my ($h) = @_;
	my $open = $pg->psql("SELECT count(*) FROM tickets WHERE status NOT IN ('resolved', 'closed')");
	my $t0 = time;
	my ($rc, $out) = sdeskctl($d->{conf}, 'sla', 'recompute');
	die "sla recompute: $out" if $rc;
	figure(sla_recompute_first_s => sprintf('%.2f', time - $t0));
	$pg->psql(q{UPDATE sla_calendars SET spec = jsonb_set(spec, '{week,fri}', '["07:30-15:30"]'),
		version = version + 1, updated_at = now() WHERE code = 'dalsland'});
	$t0 = time;
	($rc, $out) = sdeskctl($d->{conf}, 'sla', 'recompute', '--calendar', 'dalsland');
	die "sla recompute: $out" if $rc;
	figure(sla_reeval_1m_db_s => sprintf('%.2f', time - $t0));
	my ($n, $clocks) = $out =~ /recomputed (\d+) ticket\(s\) \((\d+) clocks\)/;
	my ($cpu) = $out =~ /compute ([\d.]+) s/;
	die "sla recompute covered $n of $open open tickets" unless $n == $open;
	figure(sla_reeval_open_tickets => $n);
	figure(sla_reeval_clocks => $clocks);
	figure(sla_reeval_compute_s => $cpu);
	my $q = median_ms($d->url('/api/v1/queues/first_line/tickets?limit=50'), $h, 21);
	figure(queue_first_page_sla_ms_1m => sprintf('%.2f', $q));
}

$d->stop;

# Domain-library benchmarks print their own key=value lines.
if ($only{sla}) {
	for my $b (sort glob(obj() . '/tests/bench/*_bench')) {
		print `$b`;
	}
}
