#!/usr/bin/env bash
# bench-nat-throughput.sh — across the NAT lab (tests/nat): iperf3 from a laptop behind one
# NAT to home behind another, in one run, through raw TCP, `ssh -L` and Peer Up's tunnel,
# direct and relayed. Raw TCP and ssh reach home through a port forward (dnat) on home's NAT
# router, as a user exposing a server would; the tunnel needs none. Prints MB/s and ratios;
# asserts nothing. Run it with `ninja -C _build bench-nat-throughput` (root).
#
#   PU_BENCH_SECONDS   length of each iperf3 run (default 5)
#   NAT_HOME_TYPE      home's NAT type (default full-cone)
#   NAT_LAPTOP_TYPE    the laptop's NAT type (default port-restricted)
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../nat/lab.sh
source "$here/../nat/lab.sh"

export PU_PEERUP_BIN=${PU_PEERUP_BIN:-$here/../../_build/src/cli/peerup}
seconds=${PU_BENCH_SECONDS:-5}
home_type=${NAT_HOME_TYPE:-full-cone}
laptop_type=${NAT_LAPTOP_TYPE:-port-restricted}
iperf_port=5201
forward_port=15201

die ()
{
  echo "bench-nat-throughput: $1" >&2
  shift
  net_dump "$@" >&2
  exit 1
}

reason=$(lab_missing)
[ -z "$reason" ] || { echo "bench-nat-throughput: $reason" >&2; exit 1; }
for tool in iperf3 python3 ssh ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "bench-nat-throughput: needs $tool" >&2; exit 1; }
done
[ -x "${PU_SSHD:-/usr/sbin/sshd}" ] || { echo "bench-nat-throughput: needs sshd" >&2; exit 1; }

# shellcheck source=../system/net.sh
source "$here/../system/net.sh"

lab_init || die "cannot build the lab"
trap 'net_cleanup; lab_down' EXIT

lab_public_host relay "$LAB_PUBLIC_NET.1" || die "cannot build the lab"
if ! lab_site home "$home_type" || ! lab_site laptop "$laptop_type"; then
  die "cannot build the sites"
fi
net_ns[relay]=$(lab_ns relay)
net_ns[home]=$(lab_ns home-h1)
net_ns[laptop]=$(lab_ns laptop-h1)
net_ns[iperf]=${net_ns[home]}
net_ns[sshd]=${net_ns[home]}
net_ns[ssh]=${net_ns[laptop]}
home_wan=$(lab_addr home-nat)
home_lan=$(lab_addr home-h1)

# The port forward on home's router for the servers that are not behind Peer Up.
lab_exec home-nat nft add rule ip lab prerouting iifname wan tcp dport "{ $iperf_port, 22 }" \
  dnat ip to "$home_lan" || die "cannot add the port forward"

net_relay_start 7777 "$LAB_PUBLIC_NET.1" || die "the relay did not start" relay
for device in home laptop; do
  net_device "$device" || die "could not set up $device" relay
done
pu home auth add "${net_id[laptop]}" >/dev/null
pu laptop name set home "${net_id[home]}" >/dev/null

net_in iperf
net_start iperf "${net_in[@]}" iperf3 -s -p "$iperf_port"
pu home service add iperf "127.0.0.1:$iperf_port" >/dev/null
net_sshd 22 0.0.0.0 || die "sshd did not start" sshd
net_daemon home || die "home's daemon did not connect to the relay" home relay

# iperf ADDR PORT: a run from the laptop; sets iperf_bps (received).
iperf ()
{
  net_in laptop
  "${net_in[@]}" iperf3 -c "$1" -p "$2" -t "$seconds" -J >"$net_tmp/iperf.json" ||
    die "iperf3 to $1:$2 failed: $(tail -n 5 "$net_tmp/iperf.json")" iperf
  iperf_bps=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"])' \
    "$net_tmp/iperf.json")
}

mb_per_s ()
{
  awk -v bps="$1" 'BEGIN { printf "%.1f", bps / 8 / 1e6 }'
}

ratio ()
{
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# --- raw TCP and ssh -L through the port forward ----------------------------

iperf "$home_wan" "$iperf_port"
raw_bps=$iperf_bps

net_in ssh
net_start forward "${net_in[@]}" ssh -F /dev/null -N -p 22 -i "$net_tmp/ssh/user_key" \
  -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o ExitOnForwardFailure=yes -L "127.0.0.1:$forward_port:127.0.0.1:$iperf_port" \
  "root@$home_wan"
listening ()
{
  [ -n "$("${net_in[@]}" ss -Hltn "sport = :$forward_port")" ]
}
net_wait 30 listening || die "ssh -L did not start" forward sshd
iperf 127.0.0.1 "$forward_port"
ssh_bps=$iperf_bps
net_stop forward || true

# --- the tunnel, direct ------------------------------------------------------

net_cmd laptop
direct_after=${EPOCHREALTIME/[.,]/}
grep -q -m 1 '"path":"direct"' \
  < <(timeout 30 "${net_cmd[@]}" ping home -c 0 --interval 200ms --json 2>&1) ||
  die "peerup ping never reported a direct path" home
direct_after=$(( (${EPOCHREALTIME/[.,]/} - direct_after) / 1000 ))
# Home's daemon logs "Direct path to" once for each connection ICE moves.
direct_paths ()
{
  grep -cF "Direct path to" "$net_tmp/home.err"
}
paths_before=$(direct_paths)
net_proxy direct laptop home iperf || die "the proxy did not start" direct
# A first short run lets ICE move the proxy's connection to the direct path.
seconds=2 iperf 127.0.0.1 "$(net_port direct)"
[ "$(direct_paths)" -gt "$paths_before" ] ||
  die "the proxy's connection did not move to the direct path" home direct
iperf 127.0.0.1 "$(net_port direct)"
direct_bps=$iperf_bps
net_stop direct || true

# --- the tunnel, relayed -----------------------------------------------------

printf '\n[options]\ndirect=false\n' >>"$net_tmp/laptop/peerup/config.ini"
net_proxy relayed laptop home iperf || die "the relayed proxy did not start" relayed
iperf 127.0.0.1 "$(net_port relayed)"
relayed_bps=$iperf_bps
net_stop relayed || true

# --- report ------------------------------------------------------------------

echo "home $home_type, laptop $laptop_type; iperf3 ${seconds} s each"
printf '%-34s %10s MB/s\n' "raw TCP (port forward)" "$(mb_per_s "$raw_bps")"
printf '%-34s %10s MB/s\n' "ssh -L (port forward)" "$(mb_per_s "$ssh_bps")"
printf '%-34s %10s MB/s   (ping direct after %s ms)\n' "Peer Up direct tunnel" \
  "$(mb_per_s "$direct_bps")" "$direct_after"
printf '%-34s %10s MB/s\n' "Peer Up relayed tunnel" "$(mb_per_s "$relayed_bps")"
printf '%-34s %10s\n' "direct / raw" "$(ratio "$direct_bps" "$raw_bps")"
printf '%-34s %10s\n' "direct / ssh -L" "$(ratio "$direct_bps" "$ssh_bps")"
printf '%-34s %10s\n' "relayed / ssh -L" "$(ratio "$relayed_bps" "$ssh_bps")"
