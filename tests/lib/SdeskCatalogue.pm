# SdeskCatalogue.pm: a small catalogue for the tests (four services that
# between them use every rule: manager ordering with two approvals,
# one-time and monthly prices, a per-tenant price, a Bengtsfors-only
# service for one department, an add-on for managers only, form fields
# of every kind, sub-tasks), and helpers to import and export catalogues.
package SdeskCatalogue;

use strict;
use warnings;
use utf8;
use Exporter 'import';
use POSIX qw(strftime);
use SdeskTest;

our @EXPORT = qw(test_catalogue write_file cat_import cat_export today_se);

# Today in Sweden, as the database reckons prices.
sub today_se {
	local $ENV{TZ} = 'Europe/Stockholm';
	POSIX::tzset();
	my $d = strftime('%Y-%m-%d', localtime);
	delete $ENV{TZ};
	POSIX::tzset();
	return $d;
}

# test_catalogue(%extra): the YAML text; extra{laptop_prices} adds price
# lines to the laptop, extra{without} leaves a service out.
sub test_catalogue {
	my (%x) = @_;
	my %svc;
	$svc{'laptop-standard'} = <<"EOT";
  - code: laptop-standard
    area: workplace
    name: Standarddator (bärbar, leasad)
    name_en: Standard laptop (leased)
    description: En bärbar dator med dockningsstation, leasad på 36 månader.
    queue: first_line
    maturity: 3
    charging: consumption
    unit: device
    order: manager
    approvals: [manager, architect]
    offer:
      tenants: [AMA, BEN, MEL, FAR]
    prices:
      - {kind: monthly, amount: "450.00", from: 2020-01-01}
      - {kind: monthly, amount: "430.00", from: 2020-01-01, tenant: BEN}
@{[ $x{laptop_prices} // '' ]}    form:
      - {name: user_name, type: text, label: Ny medarbetares namn, label_en: New employee's name, required: true, min: 2, max: 100}
      - {name: start_date, type: date, label: Startdatum, required: true}
      - {name: keyboard, type: choice, label: Tangentbord, required: false, choices: [svenskt, engelskt]}
      - {name: mentor, type: person, label: Handledare, required: false}
    subtasks:
      - {queue: identity, title: Skapa konto och behörigheter}
EOT
	$svc{'screen-extra'} = <<"EOT";
  - code: screen-extra
    area: workplace
    name: Extra bildskärm
    name_en: Extra screen
    queue: first_line
    maturity: 2
    charging: consumption
    unit: order
    order: manager
    approvals: [manager]
    offer:
      tenants: [AMA, BEN, MEL, FAR]
    prices:
      - {kind: one_time, amount: "1890.00", from: 2020-01-01}
    form:
      - {name: size, type: choice, label: Storlek, required: true, choices: ["24", "27"]}
      - {name: count, type: number, label: Antal skärmar, required: false, min: 1, max: 2}
      - {name: charge_to, type: cost_centre, label: Annat kostnadsställe, required: false}
      - {name: height_adjustable, type: boolean, label: Höj- och sänkbar arm, required: false}
EOT
	$svc{'lss-app'} = <<"EOT";
  - code: lss-app
    area: systems
    name: Verksamhetssystem för LSS
    name_en: LSS business system
    queue: business_systems
    maturity: 1
    charging: consumption
    unit: account
    order: anyone
    approvals: []
    offer:
      tenants: [BEN]
      departments: [VOO]
    prices:
      - {kind: monthly, amount: "25.00", from: 2020-01-01}
EOT
	$svc{'gis-addon'} = <<"EOT";
  - code: gis-addon
    area: systems
    name: GIS-verktyg (tillval)
    name_en: GIS tool (add-on)
    queue: business_systems
    maturity: 2
    charging: consumption
    unit: account
    order: anyone
    approvals: []
    offer:
      tenants: [AMA, BEN, MEL, FAR]
      roles: [manager]
      addon: true
    prices:
      - {kind: monthly, amount: "120.50", from: 2020-01-01}
EOT
	my $text = <<"EOT";
version: 1
areas:
  - {code: workplace, name: IT-arbetsplats, name_en: IT workplace}
  - {code: systems, name: Verksamhetssystem, name_en: Business systems}
services:
EOT
	for my $code (sort keys %svc) {
		next if $x{without} && $x{without} eq $code;
		$text .= $svc{$code};
	}
	return $text;
}

sub write_file {
	my ($path, $text) = @_;
	open(my $fh, '>:utf8', $path) or die "$path: $!";
	print $fh $text;
	close($fh);
}

# cat_import($conf, $file): (exit code, standard output and error).
sub cat_import {
	my ($conf, $file) = @_;
	return sdeskctl($conf, 'catalogue', 'import', $file);
}

# cat_export($conf): (exit code, the catalogue as bytes).
sub cat_export {
	my ($conf) = @_;
	my $cmd = join(' ', map { quotemeta } (SdeskTest::top() . '/sdeskctl', '-c', $conf,
		'catalogue', 'export'));
	my $out = `$cmd 2>/dev/null`;
	return ($? >> 8, $out);
}

1;
