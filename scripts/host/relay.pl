#!/usr/bin/perl
# A byte pipe between stdin/stdout and the PostgreSQL unix socket $ARGV[0] (src/steps/relay.ts),
# run as the backup user so that peer authentication applies. perl with IO::Socket::UNIX is part
# of perl-base, present on every Debian/Ubuntu host.
use strict; use warnings; use Socket qw(SOCK_STREAM); use IO::Socket::UNIX; use IO::Select;
my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $ARGV[0])
  or die "stagesync relay: cannot connect to $ARGV[0]: $!\n";
binmode STDIN; binmode STDOUT; binmode $s;
my $sel = IO::Select->new(\*STDIN, $s);
sub put { my ($fh, $buf) = @_; my $off = 0;
  while ($off < length $buf) { my $w = syswrite($fh, $buf, length($buf) - $off, $off);
    die "stagesync relay: write: $!\n" unless defined $w; $off += $w; } }
while ($sel->count) {
  for my $fh ($sel->can_read) {
    my $n = sysread($fh, my $buf, 65536);
    die "stagesync relay: read: $!\n" unless defined $n;
    if (fileno($fh) == fileno($s)) { exit 0 unless $n; put(\*STDOUT, $buf); }
    elsif (!$n) { $sel->remove(\*STDIN); shutdown($s, 1); }
    else { put($s, $buf); }
  }
}
