#!/usr/bin/perl
# In the browser: tests/browser/mobile.js (see its header).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use SdeskTest;
use World;
use Test::More;

my ($d) = browser_world();
run_browser($d, 'mobile.js');
is($d->stop, 0, 'sdeskd exits 0');
done_testing();
