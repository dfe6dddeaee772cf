#!/usr/bin/perl
# Attachments: the type is sniffed from the bytes, only documents and
# images are taken, contents are stored once under their SHA-256, and a
# download is always a download (Content-Disposition, nosniff).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(decode_base64);
use SdeskTest;
use SdeskTickets;
use Test::More;

my ($d, $pg, $h, $id) = ticket_world(sections => { tickets => { attachment_max => '64k' } });
my $r = http(POST => $d->url('/api/v1/tickets'), headers => $h->{'elin.frisk'},
	body => { type => 'incident', subject => 'Felmeddelande på skärmen' });
my $n = $r->{json}{number};
my $png = decode_base64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'
	. '+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==');

sub upload {
	my ($who, $name, $bytes, $extra) = @_;
	return http(POST => $d->url("/api/v1/tickets/$n/attachments?filename=$name" . ($extra // '')),
		headers => { %{ $h->{$who} }, 'content-type' => 'text/html' }, body => $bytes);
}

$r = upload('elin.frisk', 'sk%C3%A4rmbild.png', $png);
is($r->{status}, 201, 'requester uploads a screenshot') or diag($r->{content});
is($r->{json}{content_type}, 'image/png', 'type sniffed from the bytes, not the header');
is($r->{json}{sha256}, sha256_hex($png), 'content hash');
is($r->{json}{filename}, 'skärmbild.png', 'UTF-8 file name kept');
my $aid = $r->{json}{id};

$r = upload('sara.ek', 'igen.png', $png, '&internal=1');
is($r->{status}, 201, 'technician uploads the same bytes as an internal file');
is($pg->psql('SELECT count(*) FROM attachment_blobs'), '1', 'contents stored once');
$r = http(GET => $d->url("/api/v1/tickets/$n/attachments"), headers => $h->{'elin.frisk'});
is(scalar @{ $r->{json}{attachments} }, 1, 'the requester does not see the internal file');
$r = http(GET => $d->url("/api/v1/tickets/$n/attachments"), headers => $h->{'sara.ek'});
is(scalar @{ $r->{json}{attachments} }, 2, 'the technician sees both');

$r = http(GET => $d->url("/api/v1/tickets/$n/attachments/$aid"), headers => $h->{'elin.frisk'});
is($r->{status}, 200, 'download');
is($r->{content}, $png, 'the same bytes back');
is($r->{headers}{'content-type'}, 'image/png', 'served with the sniffed type');
like($r->{headers}{'content-disposition'}, qr/^attachment; filename="sk_+rmbild\.png"; filename\*=UTF-8''sk%C3%A4rmbild\.png$/,
	'as an attachment, with an RFC 6266 name');
is($r->{headers}{'x-content-type-options'}, 'nosniff', 'nosniff');

$r = upload('elin.frisk', 'evil.html', "<!DOCTYPE html><html><script>alert(1)</script></html>");
is($r->{status}, 415, 'HTML refused');
like($r->{json}{error}{message}, qr{text/html}, 'says which type');
$r = upload('elin.frisk', 'prog.exe', "\x7fELF\x02\x01\x01" . ("\0" x 60));
is($r->{status}, 415, 'programs refused');
$r = upload('elin.frisk', 'stor.txt', 'x' x 70000);
is($r->{status}, 413, 'over attachment_max: 413');
$r = upload('elin.frisk', '..', 'hej');
is($r->{json}{error}{field}, 'filename', 'a path is not a file name');
$r = upload('elin.frisk', 'ok.txt', 'hej', '&internal=1');
is($r->{status}, 403, 'requesters cannot hide files');
is(http(GET => $d->url("/api/v1/tickets/$n/attachments/$aid"), headers => $h->{'lisa.nord'})->{status},
	404, "another municipality cannot download it");
$r = http(GET => $d->url("/api/v1/tickets/$n/history"), headers => $h->{'elin.frisk'});
is(scalar(grep { $_->{kind} eq 'attachment' } @{ $r->{json}{history} }), 1,
	'the upload is in the public history, the internal one is not');
done_testing();
