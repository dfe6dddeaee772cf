#!/usr/bin/perl
# The web pages: files under [paths] webroot for paths no API route takes,
# with their types, an ETag that turns a repeat into 304, no-cache, a strict
# Content-Security-Policy; nothing outside the webroot, no hidden files, and
# unknown API paths still get the JSON 404.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use IO::Socket::INET;
use SdeskTest;
use Test::More;

my $root = tempdir('sdesk-webroot-XXXXXX', TMPDIR => 1, CLEANUP => 1);
sub put {
	my ($name, $text) = @_;
	open(my $fh, '>', "$root/$name") or die "$root/$name: $!";
	print $fh $text;
	close($fh);
}
mkdir "$root/css";
mkdir "$root/docs";
put('index.html', "<!doctype html><title>sdesk</title>\n");
put('app.js', "export const x = 1;\n");
put('css/site.css', "body { color: #111; }\n");
put('docs/index.html', "<!doctype html><title>docs</title>\n");
put('logo.svg', "<svg xmlns='http://www.w3.org/2000/svg'/>\n");
put('.secret.html', "hidden\n");
put('notes.bak', "not a served type\n");
symlink('/etc/passwd', "$root/passwd.txt") or die "symlink: $!";
symlink("$root/app.js", "$root/alias.js") or die "symlink: $!";

my $pg = pg_start();
my $d = daemon_start($pg, sections => { paths => { webroot => $root } });

my $r = http(GET => $d->url('/'));
is($r->{status}, 200, '/ serves index.html');
like($r->{content}, qr/<title>sdesk/, 'the index page');
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8', 'HTML type');
my $csp = $r->{headers}{'content-security-policy'} // '';
like($csp, qr/default-src 'self'/, 'CSP: default-src self');
like($csp, qr/frame-ancestors 'none'/, 'CSP: no framing');
like($csp, qr/form-action 'self'/, 'CSP: forms to this origin only');
unlike($csp, qr/unsafe-inline|unsafe-eval/, 'CSP: no inline or eval');
is($r->{headers}{'cache-control'}, 'no-cache', 'revalidated on every use');
is($r->{headers}{'x-content-type-options'}, 'nosniff', 'nosniff');
like($r->{headers}{'x-request-id'} // '', qr/^[0-9a-f]{32}$/, 'request id');
my $etag = $r->{headers}{etag};
like($etag // '', qr/^"[0-9a-f.-]+"$/, 'strong ETag');

$r = http(GET => $d->url('/'), headers => { 'if-none-match' => $etag });
is($r->{status}, 304, 'If-None-Match with the ETag: 304');
is($r->{content} // '', '', '304 has no body');
is($r->{headers}{etag}, $etag, '304 repeats the ETag');
$r = http(GET => $d->url('/index.html'), headers => { 'if-none-match' => "\"x\", W/$etag" });
is($r->{status}, 304, 'a weak match in a list also counts');
$r = http(GET => $d->url('/'), headers => { 'if-none-match' => '"other"' });
is($r->{status}, 200, 'another ETag: the file');

my %types = ('/app.js' => 'text/javascript; charset=utf-8',
	'/css/site.css' => 'text/css; charset=utf-8', '/logo.svg' => 'image/svg+xml',
	'/docs/' => 'text/html; charset=utf-8', '/alias.js' => 'text/javascript; charset=utf-8');
for my $p (sort keys %types) {
	$r = http(GET => $d->url($p));
	is($r->{status}, 200, "$p: 200");
	is($r->{headers}{'content-type'}, $types{$p}, "$p: $types{$p}");
}
$r = http(HEAD => $d->url('/app.js'));
is($r->{status}, 200, 'HEAD: 200');
is($r->{headers}{'content-length'}, 20, 'HEAD: the length of the file');
is($r->{content} // '', '', 'HEAD: no body');

$r = http(POST => $d->url('/index.html'), body => 'x');
is($r->{status}, 405, 'POST to a file: 405');
is($r->{headers}{allow}, 'GET, HEAD', 'Allow: GET, HEAD');

# Nothing outside the webroot, nothing hidden, nothing of an unknown type.
for my $p ('/.secret.html', '/notes.bak', '/passwd.txt', '/docs', '/nope.html',
	'/css/../.secret.html', '//index.html', '/index.html/') {
	$r = http(GET => $d->url($p));
	is($r->{status}, 404, "$p: 404");
	is($r->{json}{error}{code}, 'not_found', "$p: the JSON 404");
}
# Raw requests, so that no client tidies the path first.
for my $p ('/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/css/%2e%2e/%2e%2e/etc/passwd',
	'/..%2f..%2fetc%2fpasswd', '/%2e%2e%5c%2e%2e%5cetc%5cpasswd') {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $d->{port}) or die $!;
	print $s "GET $p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	my $resp = read_response($s);
	close($s);
	my ($status) = $resp =~ m{^HTTP/1\.1 (\d+)};
	ok(defined $status && $status >= 400 && $status != 500, "$p: refused ($status)");
	unlike($resp, qr/root:/, "$p: no /etc/passwd");
}

# A NUL ends the path where it stands: at most index.html itself.
{
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $d->{port}) or die $!;
	print $s "GET /index.html%00.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	my $resp = read_response($s);
	close($s);
	unlike($resp, qr{^Content-Type: text/javascript}mi, '/index.html%00.js is no script');
}

# API paths keep their JSON answers.
$r = http(GET => $d->url('/api/v1/no-such-thing'));
is($r->{status}, 404, 'unknown API path: 404');
is($r->{headers}{'content-type'}, 'application/json', 'as JSON');
is($r->{json}{error}{code}, 'not_found', 'with the error body');
ok(!$r->{headers}{'content-security-policy'}, 'API answers are not pages');
is($r->{headers}{'cache-control'}, 'no-store', 'and are never stored');
$r = http(GET => $d->url('/api/index.html'));
is($r->{status}, 404, '/api/ is never looked up in the webroot');
$r = http(GET => $d->url('/healthz'));
is($r->{status}, 200, 'routes still win');

# The real webroot serves the portal.
$d->stop;
$d = daemon_start($pg);
$r = http(GET => $d->url('/'));
is($r->{status}, 200, 'the shipped webroot has an index page');
like($r->{content}, qr/<html lang="sv"/, 'in Swedish');
like($r->{content}, qr{<script type="module" src="/js/app\.js"></script>}, 'one module script');
unlike($r->{content}, qr/<script>|\sstyle=|\son[a-z]+=/, 'no inline script, style or handler');
$r = http(GET => $d->url('/js/app.js'));
is($r->{status}, 200, 'the app module');
is($d->stop, 0, 'exits 0');
done_testing();
