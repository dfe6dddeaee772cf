#!/usr/bin/perl
# bench.pl: `make bench`.  Starts a private PostgreSQL and sdeskd, measures
# them against baselines taken in the same run on the same machine, and
# prints every figure as key=value on its own line.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use POSIX qw(:sys_wait_h);
use SdeskTest;

my $secs = $ENV{BENCH_SECONDS} || 5;
my $conns = $ENV{BENCH_CONNECTIONS} || 16;
my $threads = 4;

sub figure { printf "%s=%s\n", @_; }

# wrk's "Requests/sec" for a URL.
sub wrk_rps {
	my ($url, @extra) = @_;
	my $out = `wrk -t2 -c$conns -d${secs}s @extra $url 2>&1`;
	my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
	die "wrk failed against $url:\n$out" unless defined $rps;
	my ($non2xx) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
	warn "bench: $non2xx non-2xx answers from $url\n" if $non2xx;
	return $rps;
}

my $pg = pg_start();
my $d = daemon_start($pg, demo => 1,
	sections => { http => { access_log => 'no', threads => $threads } });

my $dir = tempdir(CLEANUP => 1);
my $bpid = fork() // die;
if ($bpid == 0) {
	exec(obj() . '/tests/bench/mhd_baseline', "$dir/port", $threads) or die;
}
my $bport = wait_for(sub { (slurp("$dir/port") =~ /^(\d+)/)[0] }, 10) or die 'baseline did not start';

wrk_rps($d->url('/healthz')); # warm the pool and the caches
my $healthz = wrk_rps($d->url('/healthz'));
my $mhd = wrk_rps("http://127.0.0.1:$bport/healthz");
figure(healthz_rps => sprintf('%.0f', $healthz));
figure(mhd_baseline_rps => sprintf('%.0f', $mhd));
figure(healthz_vs_mhd_ratio => sprintf('%.3f', $healthz / $mhd));

kill 'TERM', $bpid;
waitpid($bpid, 0);
$d->stop;

# Domain-library benchmarks print their own key=value lines.
for my $b (sort glob(obj() . '/tests/bench/*_bench')) {
	print `$b`;
}
