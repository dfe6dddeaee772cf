#!/usr/bin/perl
# The OpenAPI document: linted by @redocly/cli, and equal to the daemon's
# route table and error registry (tests/node/openapi-check.js prints TAP).
use strict;
use warnings;
use FindBin;
my $top = $ENV{SDESK_TOP} || "$FindBin::Bin/../..";
exec('node', "$top/tests/node/openapi-check.js") or die "cannot run node: $!";
