#!/usr/bin/env bash
# nat-behaviour.sh — each NAT type of the lab behaves as named (TAP)
#
# A public host with two addresses answers UDP probes from a host behind each type of NAT:
#   mapping    the external address towards two different servers: the same for
#              endpoint-independent mapping, different for symmetric
#   filtering  after contacting one server, an unsolicited packet from another port of the same
#              address and one from another address: let in or dropped as the type says
#   udp        udp-blocked sites get no UDP through; TCP works from every site
# Then the fault the other NAT tests inject: UDP dropped at a router, and passed again.
#
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tap.sh
source "$here/tap.sh"
# shellcheck source=lab.sh
source "$here/lab.sh"

reason=$(lab_missing)
[ -z "$reason" ] || tap_skip_all "$reason"
command -v python3 >/dev/null || tap_skip_all "needs python3"

probe=$here/nat-probe.py
server1=203.0.113.20
server2=203.0.113.21
port=3478

lab_init || { echo "Bail out! cannot build the lab"; exit 1; }
lab_public_host probe "$server1" "$server2" || { echo "Bail out! cannot build the lab"; exit 1; }
lab_spawn probe "$LAB_DIR/probe.log" python3 "$probe" serve "$server1" "$server2" \
  "$port" $((port + 1)) >/dev/null
for _ in $(seq 50); do
  grep -q ready "$LAB_DIR/probe.log" && break
  sleep 0.1
done

# field JSON KEY: a value of a probe's answer ("" when absent); booleans as true/false.
field ()
{
  python3 -c 'import json, sys; v = json.loads(sys.argv[1]).get(sys.argv[2], "")
print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

# What each type must do: mapping (same/different), from-port, from-addr, udp.
declare -A expect=(
  [full-cone]="same true true yes"
  [address-restricted]="same true false yes"
  [port-restricted]="same false false yes"
  [symmetric]="different false false yes"
  [udp-blocked]="- - - no"
)

for type in $LAB_TYPES; do
  site=${type%%-*}
  lab_site "$site" "$type" || { echo "Bail out! cannot build site $type"; exit 1; }
  read -r want_map want_port want_addr want_udp <<<"${expect[$type]}"

  result=$(lab_exec "$site-h1" python3 "$probe" mapping "$server1" "$server2" "$port")
  tap_diag "$type mapping: $result"
  if [ "$want_udp" = no ]; then
    tap_is "$(field "$result" error)" "no answer from $server1:$port" \
      "$type: no UDP gets through"
  else
    first=$(field "$result" first)
    second=$(field "$result" second)
    got=different
    [ -n "$first" ] && [ "$first" = "$second" ] && got=same
    [ -z "$first" ] && got="no answer"
    tap_is "$got" "$want_map" "$type: $want_map external port towards two servers"
    case $first in
      "$(lab_addr "$site-nat")":*) tap_result 0 "$type: mapped to the router's public address" ;;
      *) tap_result 1 "$type: mapped to the router's public address"; tap_diag "got $first" ;;
    esac

    result=$(lab_exec "$site-h1" python3 "$probe" filter "$server1" "$port")
    tap_diag "$type filtering: $result"
    tap_is "$(field "$result" from_port)" "$want_port" \
      "$type: unsolicited packet from another port of the server let in: $want_port"
    tap_is "$(field "$result" from_addr)" "$want_addr" \
      "$type: unsolicited packet from another address let in: $want_addr"
  fi

  result=$(lab_exec "$site-h1" python3 "$probe" tcp "$server1" "$port")
  case $(field "$result" seen) in
    "$(lab_addr "$site-nat")":*) tap_result 0 "$type: TCP through the NAT" ;;
    *) tap_result 1 "$type: TCP through the NAT"; tap_diag "$result" ;;
  esac
done

# Two hosts of one site reach each other on their LAN, without the NAT.
lab_site lan port-restricted 2 || { echo "Bail out! cannot build a site with two hosts"; exit 1; }
lab_spawn lan-h2 "$LAB_DIR/lan-probe.log" python3 "$probe" serve "$(lab_addr lan-h2)" \
  "$(lab_addr lan-h2)" "$port" $((port + 1)) >/dev/null
for _ in $(seq 50); do
  grep -q ready "$LAB_DIR/lan-probe.log" && break
  sleep 0.1
done
result=$(lab_exec lan-h1 python3 "$probe" udp "$(lab_addr lan-h2)" "$port")
tap_is "$(field "$result" seen)" "$(lab_addr lan-h1):$(field "$result" seen | cut -d: -f2)" \
  "two hosts of one site: UDP on their LAN, from the host's own address"

# The fault the matrix injects: all UDP dropped at a router while TCP still passes.
lab_site_fault port on
result=$(lab_exec port-h1 python3 "$probe" mapping "$server1" "$server2" "$port")
tap_is "$(field "$result" error)" "no answer from $server1:$port" "fault on: UDP dropped"
result=$(lab_exec port-h1 python3 "$probe" tcp "$server1" "$port")
tap_is "$(field "$result" error)" "" "fault on: TCP still passes"
lab_site_fault port off
result=$(lab_exec port-h1 python3 "$probe" mapping "$server1" "$server2" "$port")
tap_is "$(field "$result" error)" "" "fault off: UDP passes again"

tap_done
