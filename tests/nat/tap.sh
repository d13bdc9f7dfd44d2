# tap.sh — Test Anything Protocol output for the shell tests of tests/nat
# shellcheck shell=bash
#
# SPDX-License-Identifier: GPL-3.0-or-later

TAP_COUNT=0
TAP_FAILED=0

# The whole test is skipped: tap_skip_all REASON (exits).
tap_skip_all ()
{
  echo "1..0 # SKIP $*"
  exit 0
}

tap_diag ()
{
  local line
  while IFS= read -r line; do
    echo "# $line"
  done <<<"$*"
}

# tap_result PASSED DESCRIPTION [DIRECTIVE]: PASSED is 0 (yes) or anything else (no).
tap_result ()
{
  TAP_COUNT=$((TAP_COUNT + 1))
  if [ "$1" = 0 ]; then
    echo "ok $TAP_COUNT - $2${3:+ # $3}"
  else
    echo "not ok $TAP_COUNT - $2${3:+ # $3}"
    case ${3:-} in TODO*) ;; *) TAP_FAILED=$((TAP_FAILED + 1)) ;; esac
  fi
}

# tap_is GOT EXPECTED DESCRIPTION
tap_is ()
{
  if [ "$1" = "$2" ]; then
    tap_result 0 "$3"
  else
    tap_result 1 "$3"
    tap_diag "got '$1', expected '$2'"
  fi
}

tap_skip ()
{
  TAP_COUNT=$((TAP_COUNT + 1))
  echo "ok $TAP_COUNT - $1 # SKIP $2"
}

# Prints the plan; the exit status says whether everything passed.
tap_done ()
{
  echo "1..$TAP_COUNT"
  [ "$TAP_FAILED" -eq 0 ]
}
