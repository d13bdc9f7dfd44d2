#!/usr/bin/env bash
# bench-nat-throughput.sh — across the NAT lab (tests/nat): iperf3 from a laptop behind one
# NAT to home behind another, in one run, through raw TCP, `ssh -L` and Peer Up's tunnel,
# direct and relayed. Raw TCP and ssh reach home through a port forward (dnat) on home's NAT
# router, as a user exposing a server would; the tunnel needs none. Prints MB/s, MB per
# CPU-second and ratios; asserts nothing. Run it with `ninja -C _build bench-nat-throughput`
# (root). CPU counts iperf3 at both ends (as iperf3 reports it) and the processes each way
# adds: ssh and sshd, or the proxy, home's daemon and (relayed) the relay; the kernel's work
# forwarding across the lab lands on whichever of them runs, so it is a fair comparison on a
# busy machine, not an exact cost.
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

# cpu_ticks PID…: CPU time so far, in clock ticks, of the processes and all their
# descendants (those gone included, once waited for).
cpu_ticks ()
{
  python3 - "$@" <<'EOF'
import os, sys
parent, ticks = {}, {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    parent[int(pid)] = int(fields[1])
    ticks[int(pid)] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
todo, total, seen = [int(p) for p in sys.argv[1:]], 0, set()
while todo:
    pid = todo.pop()
    if pid in seen or pid not in ticks:
        continue
    seen.add(pid)
    total += ticks[pid]
    todo += [child for child, p in parent.items() if p == pid]
print(total)
EOF
}

# iperf ADDR PORT [PID…]: a run from the laptop; sets iperf_bps (received) and
# iperf_mb_per_cpu_s (CPU: iperf3 at both ends and the processes PID… with their descendants).
iperf ()
{
  local addr=$1 port=$2 before after

  shift 2
  net_in laptop
  before=$(cpu_ticks "$@")
  "${net_in[@]}" iperf3 -c "$addr" -p "$port" -t "$seconds" -J >"$net_tmp/iperf.json" ||
    die "iperf3 to $addr:$port failed: $(tail -n 5 "$net_tmp/iperf.json")" iperf
  after=$(cpu_ticks "$@")
  read -r iperf_bps iperf_mb_per_cpu_s < <(python3 -c 'import json, os, sys
end = json.load(open(sys.argv[1]))["end"]
cpu = end["cpu_utilization_percent"]
seconds = end["sum_received"]["seconds"]
cpu_s = (cpu["host_total"] + cpu["remote_total"]) / 100 * seconds
cpu_s += int(sys.argv[2]) / os.sysconf("SC_CLK_TCK")
bps = end["sum_received"]["bits_per_second"]
print(bps, "%.1f" % (bps / 8 / 1e6 * seconds / cpu_s))' \
    "$net_tmp/iperf.json" $((after - before)))
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
raw_cpu=$iperf_mb_per_cpu_s

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
iperf 127.0.0.1 "$forward_port" "${net_pid[forward]}" "${net_pid[sshd]}"
ssh_bps=$iperf_bps
ssh_cpu=$iperf_mb_per_cpu_s
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
iperf 127.0.0.1 "$(net_port direct)" "${net_pid[direct]}" "${net_pid[home]}"
direct_bps=$iperf_bps
direct_cpu=$iperf_mb_per_cpu_s
net_stop direct || true

# --- the tunnel, relayed -----------------------------------------------------

printf '\n[options]\ndirect=false\n' >>"$net_tmp/laptop/peerup/config.ini"
net_proxy relayed laptop home iperf || die "the relayed proxy did not start" relayed
iperf 127.0.0.1 "$(net_port relayed)" "${net_pid[relayed]}" "${net_pid[home]}" \
  "${net_pid[relay]}"
relayed_bps=$iperf_bps
relayed_cpu=$iperf_mb_per_cpu_s
net_stop relayed || true

# --- report ------------------------------------------------------------------

echo "home $home_type, laptop $laptop_type; iperf3 ${seconds} s each;" \
  "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
row ()
{
  printf '%-26s %10s %20s%s\n' "$@"
}
row "" "MB/s" "MB per CPU-second"
row "raw TCP (port forward)" "$(mb_per_s "$raw_bps")" "$raw_cpu"
row "ssh -L (port forward)" "$(mb_per_s "$ssh_bps")" "$ssh_cpu"
row "Peer Up direct tunnel" "$(mb_per_s "$direct_bps")" "$direct_cpu" \
  "   (ping direct after $direct_after ms)"
row "Peer Up relayed tunnel" "$(mb_per_s "$relayed_bps")" "$relayed_cpu"
row "direct / raw TCP" "$(ratio "$direct_bps" "$raw_bps")" "$(ratio "$direct_cpu" "$raw_cpu")"
row "direct / ssh -L" "$(ratio "$direct_bps" "$ssh_bps")" "$(ratio "$direct_cpu" "$ssh_cpu")"
row "direct / relayed" "$(ratio "$direct_bps" "$relayed_bps")" \
  "$(ratio "$direct_cpu" "$relayed_cpu")"
row "relayed / ssh -L" "$(ratio "$relayed_bps" "$ssh_bps")" "$(ratio "$relayed_cpu" "$ssh_cpu")"
