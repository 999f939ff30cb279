#!/bin/sh
# Builds the reference C driver and the deliberately broken ones (the same source with NS1_FAULT set) with the
# system's C compiler into OUT (default driver/target/native). Maven's driver module calls it at compile time;
# run it by hand after editing the C sources: driver/src/main/c/build.sh
set -eu
src="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$src/../../../target/native}"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  # Not fatal: the Java side builds and runs without C drivers; their tests skip saying so (CI installs gcc and
  # sets NICSIM_REQUIRE_TOOLS=1, which makes them fail instead).
  echo "nicsim: no C compiler '$cc' found: C drivers not built (Debian: apt-get install gcc libc6-dev)" >&2
  exit 0
fi
mkdir -p "$out"
flags="-std=c11 -O2 -g -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden"
# Only nicsim_driver is exported (default visibility); everything else stays inside the library.
build() { # name, fault number, [more flags]
  "$cc" $flags -DNS1_FAULT="$2" ${3:-} -D'NICSIM_EXPORT=__attribute__((visibility("default")))' -o "$out/lib$1.so" \
    "$src/ns1.c"
}
build ns1 0
build ns1-tail-beyond-ring 1
build ns1-no-bus-master 2
build ns1-free-owned-buffers 3
build ns1-misaligned-ring 4
build ns1-cpu-pointer-in-descriptor 5
build ns1-unmask-unprogrammed 6
build ns1-no-reset-wait 7
build ns1-rx-frame-bad-address 8
build ns1-tso-header-length 9
build ns1-rss-table-beyond 10
build ns1-queue-vectors-masked 11
# The reference driver built as an ABI 1 driver (one queue pair, no TSO): older drivers still load.
build ns1-abi1 0 -DNS1_ABI=1
# ... and as an ABI 2 driver (no set_rss): RSS settings are refused for it before the run.
build ns1-abi2 0 -DNS1_ABI=2
