#!/usr/bin/perl
# In the browser: an employee reports a problem and rates the help, a
# technician takes and resolves it and registers a call, the chief sees the
# figures move (tests/browser/portal_flow.js); axe on every page.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use SdeskTest;
use World;
use Test::More;

my ($d) = browser_world();
run_browser($d, 'portal_flow.js');
is($d->stop, 0, 'sdeskd exits 0');
done_testing();
