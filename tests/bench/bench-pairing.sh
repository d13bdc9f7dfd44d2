#!/usr/bin/env bash
# bench-pairing.sh — machine time of pairing: from the start of `peerup join` on a new device
# to both sides having authorized each other (join and invite both exited 0, each one's
# authorized_keys naming the other). On loopback, and across the NAT lab (tests/nat, root)
# for a few pairs of NAT types, with full and short codes. Prints min / median / max;
# asserts nothing but that each pairing worked. Run it with `ninja -C _build bench-pairing`.
#
#   PU_BENCH_RUNS    pairings per line (default 5)
#   NAT_PAIRS        "home:laptop" NAT types across the lab (default: three pairs)
#   PU_BENCH_RTT_MS  round trip added to the relay across the lab (default 100; the lab itself
#                    adds none)
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
export PU_PEERUP_BIN=${PU_PEERUP_BIN:-$here/../../_build/src/cli/peerup}
runs=${PU_BENCH_RUNS:-5}
nat_pairs=${NAT_PAIRS:-full-cone:port-restricted symmetric:symmetric port-restricted:udp-blocked}
relay_rtt=${PU_BENCH_RTT_MS:-100}

# shellcheck source=../nat/lab.sh
source "$here/../nat/lab.sh"
# shellcheck source=../system/net.sh
source "$here/../system/net.sh"

die ()
{
  echo "bench-pairing: $1" >&2
  shift
  net_dump "$@" >&2
  exit 1
}

now_us ()
{
  echo "${EPOCHREALTIME/[.,]/}"
}

# pair_once HOME LAPTOP KIND: a new device LAPTOP joins HOME with a KIND (full or short) code;
# sets pair_ms.
pair_once ()
{
  local home=$1 laptop=$2 kind=$3 code start join_args=()

  rm -rf "${net_tmp:?}/$laptop" "$net_tmp/$laptop.run"
  pu "$laptop" init --name "$laptop" --non-interactive >/dev/null ||
    die "could not set up $laptop"
  net_id[$laptop]=$(pu "$laptop" whoami)

  net_cmd "$home"
  if [ "$kind" = short ]; then
    net_start invite "${net_cmd[@]}" invite --non-interactive --short
    join_args=(--relay "$net_relay_addr")
  else
    net_start invite "${net_cmd[@]}" invite --non-interactive
  fi
  net_wait 30 net_has "$net_tmp/invite.err" "Waiting for the other device" ||
    die "invite did not start" invite
  code=$(head -n 1 "$net_tmp/invite.out")

  net_cmd "$laptop"
  start=$(now_us)
  "${net_cmd[@]}" join "$code" --non-interactive "${join_args[@]}" \
    >"$net_tmp/join.out" 2>"$net_tmp/join.err" || die "join failed" join invite relay
  net_wait 30 net_gone "${net_pid[invite]}" || die "invite did not finish" invite
  pair_ms=$(( ($(now_us) - start) / 1000 ))
  wait "${net_pid[invite]}" || die "invite failed" invite join
  unset "net_pid[invite]"

  net_has "$net_tmp/$home/peerup/authorized_keys" "${net_id[$laptop]}" ||
    die "$home did not authorize $laptop" invite
  net_has "$net_tmp/$laptop/peerup/authorized_keys" "${net_id[$home]}" ||
    die "$laptop did not authorize $home" join
}

# report LABEL: pairs $runs times with each kind of code and prints a line for each.
report ()
{
  local label=$1 kind i times

  for kind in full short; do
    times=()
    for i in $(seq "$runs"); do
      pair_once home "laptop$i" "$kind"
      times+=("$pair_ms")
    done
    printf '%-56s %s\n' "$label, $kind code" "$(printf '%s\n' "${times[@]}" | sort -n |
      awk '{ t[NR] = $1 } END { printf "min %4d  median %4d  max %4d ms  (%d runs)",
                               t[1], t[int((NR + 1) / 2)], t[NR], NR }')"
  done
}

# stop_all: stops every process and forgets every device, keeping $net_tmp.
stop_all ()
{
  local name

  for name in "${!net_pid[@]}"; do
    net_stop "$name" || true
  done
  rm -rf "${net_tmp:?}"/relay* "$net_tmp"/home* "$net_tmp"/laptop*
}

# setup RELAY_IP [FRONT_IP]: a relay on RELAY_IP and the inviting device home, which the
# relay knows. With FRONT_IP, devices reach the relay through delay-proxy.py there, which
# adds $relay_rtt ms to every round trip.
setup ()
{
  local relay_ip=$1 front_ip=${2:-}

  stop_all
  net_relay_start 7777 "$relay_ip" || die "the relay did not start" relay
  if [ -n "$front_ip" ]; then
    net_in front
    net_start front "${net_in[@]}" python3 -u "$here/../nat/delay-proxy.py" "$front_ip:7777" \
      "$relay_ip:7777" $((relay_rtt / 2))
    net_wait 30 net_has "$net_tmp/front.out" listening || die "the delay proxy did not start" front
    net_relay_addr=${net_relay_addr/\/ip4\/$relay_ip\//\/ip4\/$front_ip\/}
  fi
  net_device home || die "could not set up home" relay
  # Started again, the relay has home in its authorized_keys from the first moment.
  net_stop relay || true
  front_addr=$net_relay_addr
  net_relay_start 7777 "$relay_ip" || die "the relay did not start again" relay
  net_relay_addr=$front_addr
}

echo "Machine time from \`peerup join\` to both sides authorized (goal: < 1 s on loopback, <"
echo "3 s across the NAT lab)"

setup 127.0.0.1
report "loopback"

reason=$(lab_missing)
if [ -n "$reason" ]; then
  echo "NAT lab: skipped, $reason"
  exit 0
fi
for pair in $nat_pairs; do
  lab_init || die "cannot build the lab"
  trap 'net_cleanup; lab_down' EXIT
  lab_public_host relay "$LAB_PUBLIC_NET.1" || die "cannot build the lab"
  lab_public_host front "$LAB_PUBLIC_NET.2" || die "cannot build the lab"
  lab_site home "${pair%%:*}" || die "cannot build home's site"
  lab_site laptop "${pair#*:}" || die "cannot build the laptop's site"
  net_ns=([relay]=$(lab_ns relay) [front]=$(lab_ns front) [home]=$(lab_ns home-h1))
  for i in $(seq "$runs"); do
    net_ns[laptop$i]=$(lab_ns laptop-h1)
  done
  setup "$LAB_PUBLIC_NET.1" "$LAB_PUBLIC_NET.2"
  report "lab, RTT $relay_rtt ms, ${pair%%:*}/${pair#*:}"
  stop_all
  lab_down
  trap - EXIT
done
