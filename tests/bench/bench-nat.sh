#!/usr/bin/env bash
# bench-nat.sh — across the NAT lab (tests/nat): for each pair of NAT types, the time from
# starting `peerup ping` to its first reply and to the direct path, a 1 MiB file through ssh;
# the fallback to the relay when UDP is cut at a NAT and the way back to direct. The figures
# come from tests/nat/matrix.sh; nothing is asserted. Run it with `ninja -C _build bench-nat`
# (root; NAT_MATRIX_TYPES and NAT_DIRECT_WAIT as for the matrix).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
"$here/../nat/matrix.sh" >"${TMPDIR:-/tmp}/bench-nat.$$.tap"
status=$?
sed -n '/^# Time from the start of peerup ping/,/^1\.\./{/^1\.\./d; s/^# //; p}' \
  "${TMPDIR:-/tmp}/bench-nat.$$.tap"
echo "matrix: $(grep -c '^ok' "${TMPDIR:-/tmp}/bench-nat.$$.tap") ok," \
  "$(grep -c '^not ok' "${TMPDIR:-/tmp}/bench-nat.$$.tap") not ok"
rm -f "${TMPDIR:-/tmp}/bench-nat.$$.tap"
exit $status
