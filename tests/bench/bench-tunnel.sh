#!/usr/bin/env bash
# bench-tunnel.sh — Peer Up's tunnel, relayed and direct, against raw TCP and
# `ssh -L`, measured in one run on loopback with iperf3, plus the tunnel's
# latencies and the relay's costs. Prints figures; asserts nothing. Run it with
# `ninja -C _build bench-tunnel` (or set PU_PEERUP_BIN and PU_BENCH_RELAY_PEERS).
#
#   PU_BENCH_SECONDS   length of each iperf3 run (default 5)
#   PU_BENCH_PEERS     idle devices connected to the relay (default 1000)
#
# The `ssh -L` figure needs sshd and root; without them it is skipped.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../system/net.sh
. "$here/../system/net.sh"

seconds=${PU_BENCH_SECONDS:-5}
n_peers=${PU_BENCH_PEERS:-1000}
relay_peers=${PU_BENCH_RELAY_PEERS:?set PU_BENCH_RELAY_PEERS to the bench-relay-peers binary}

for tool in iperf3 curl python3 ss; do
  command -v "$tool" >/dev/null || { echo "bench-tunnel: $tool is not installed" >&2; exit 1; }
done
# One descriptor per idle peer on each side, and then some.
ulimit -n "$(ulimit -Hn)"

fail () {
  echo "bench-tunnel: $1" >&2
  shift
  net_dump "$@" >&2
  exit 1
}

# now_us: wall clock in microseconds, without a fork.
now_us () {
  local t=${EPOCHREALTIME/[.,]/}

  echo "$t"
}

# cpu_ticks PID: user + system time of PID so far, in clock ticks.
cpu_ticks () {
  sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

rss_kb () {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

listening () {
  [ -n "$(ss -Hltn "sport = :$1")" ]
}

# iperf PORT: a run to 127.0.0.1:PORT; sets iperf_bytes and iperf_bps
# (received).
iperf () {
  iperf3 -c 127.0.0.1 -p "$1" -t "$seconds" -J >"$net_tmp/iperf.json" ||
    fail "iperf3 through port $1 failed: $(tail -n 5 "$net_tmp/iperf.json")" iperf
  read -r iperf_bytes iperf_bps < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["end"]["sum_received"]
print(r["bytes"], r["bits_per_second"])' "$net_tmp/iperf.json")
}

mb_per_s () {
  awk -v bps="$1" 'BEGIN { printf "%.1f", bps / 8 / 1e6 }'
}

ratio () {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# first_byte_ms PORT: milliseconds to the first byte of an HTTP answer.
first_byte_ms () {
  curl -s --max-time 30 -o /dev/null -w '%{time_starttransfer}' "http://127.0.0.1:$1/small" |
    awk '{ printf "%.3f", $1 * 1000 }'
}

# median_first_byte_ms PORT: the median of 20.
median_first_byte_ms () {
  local i

  for i in $(seq 1 20); do
    first_byte_ms "$1"
    echo
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (v[10] + v[11]) / 2 }'
}

# --- set-up ---------------------------------------------------------------

www="$net_tmp/www"
mkdir -p "$www"
head -c 4096 /dev/urandom >"$www/small"

net_relay_start || fail "the relay did not start" relay
for device in home laptop; do
  net_device "$device" || fail "could not set up $device"
done
pu home auth add "${net_id[laptop]}" >/dev/null
pu laptop name set home "${net_id[home]}" >/dev/null

iperf_port=$(net_free_port)
net_start iperf iperf3 -s -B 127.0.0.1 -p "$iperf_port"
net_wait 30 listening "$iperf_port" || fail "iperf3 -s did not start" iperf
net_http "$www" || fail "the HTTP server did not start" http
http_port=$(net_port http)
pu home service add iperf "127.0.0.1:$iperf_port" >/dev/null
pu home service add web "127.0.0.1:$http_port" >/dev/null
net_daemon home || fail "home's daemon did not connect to the relay" home relay
relay_pid=${net_pid[relay]}

# --- relay memory per idle peer -------------------------------------------

rss_before=$(rss_kb "$relay_pid")
net_start peers "$relay_peers" "$net_relay_addr" "$net_tmp/relay/peerup-relay/authorized_keys" \
  "$n_peers"
net_wait 300 net_has "$net_tmp/peers.out" "peers connected" ||
  fail "the idle peers did not all connect" peers relay
rss_after=$(rss_kb "$relay_pid")
failed_attempts=$(grep -oE '[0-9]+ attempts failed' "$net_tmp/peers.out" | grep -oE '^[0-9]+')
net_stop peers || true
kb_per_peer=$(awk -v a="$rss_after" -v b="$rss_before" -v n="$n_peers" \
                'BEGIN { printf "%.1f", (a - b) / n }')

# --- throughput: raw TCP, ssh -L, the tunnel -------------------------------

iperf "$iperf_port"
raw_bps=$iperf_bps

ssh_bps=
if [ -x "$sshd_bin" ] && [ "$(id -u)" -eq 0 ] && command -v ssh >/dev/null; then
  ssh_port=$(net_free_port)
  forward_port=$(net_free_port)
  net_sshd "$ssh_port" || fail "sshd did not start" sshd
  net_start forward ssh -F /dev/null -N -p "$ssh_port" -i "$net_tmp/ssh/user_key" \
    -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ExitOnForwardFailure=yes -L "127.0.0.1:$forward_port:127.0.0.1:$iperf_port" \
    root@127.0.0.1
  net_wait 30 listening "$forward_port" || fail "ssh -L did not start" forward sshd
  iperf "$forward_port"
  ssh_bps=$iperf_bps
fi

# The relayed tunnel: the laptop keeps its connections on the relay.
laptop_config="$net_tmp/laptop/peerup/config.ini"
cp "$laptop_config" "$net_tmp/laptop-config.ini"
printf '\n[options]\ndirect=false\n' >>"$laptop_config"
net_proxy tunnel laptop home iperf || fail "the iperf3 proxy did not start" tunnel
ticks_before=$(cpu_ticks "$relay_pid")
iperf "$(net_port tunnel)"
tunnel_bytes=$iperf_bytes
tunnel_bps=$iperf_bps
ticks_after=$(cpu_ticks "$relay_pid")
cpu_per_gb=$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" \
               -v b="$tunnel_bytes" 'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')
net_stop tunnel || true

# The same once ICE has moved a new connection to the direct path.
cp "$net_tmp/laptop-config.ini" "$laptop_config"
net_proxy direct laptop home iperf || fail "the direct iperf3 proxy did not start" direct
iperf "$(net_port direct)"
direct_bps=$iperf_bps

# --- latency: a proxy's first connection, then new streams ------------------

# cold_once: sets cold_ms to the time from starting a proxy to the first
# byte of a request through it.
cold_once () {
  local start curl_start first_byte deadline=$((SECONDS + 30))

  start=$(now_us)
  net_cmd laptop
  net_start cold "${net_cmd[@]}" proxy home web 0
  until net_has "$net_tmp/cold.out" "Forwarding 127.0.0.1:"; do
    [ $SECONDS -lt $deadline ] || fail "the web proxy did not start" cold
    sleep 0.002
  done
  curl_start=$(now_us)
  first_byte=$(first_byte_ms "$(net_port cold)")
  net_stop cold || true
  cold_ms=$(awk -v a="$curl_start" -v s="$start" -v fb="$first_byte" \
              'BEGIN { printf "%.0f", (a - s) / 1000 + fb }')
}

colds=()
for i in $(seq 1 5); do
  cold_once
  colds+=("$cold_ms")
done
read -r cold_median cold_min cold_max < <(printf '%s\n' "${colds[@]}" | sort -n |
  awk '{ v[NR] = $1 } END { print v[3], v[1], v[5] }')
net_proxy warm laptop home web || fail "the web proxy did not start" warm
first_byte_ms "$(net_port warm)" >/dev/null
warm_ms=$(median_first_byte_ms "$(net_port warm)")
direct_ms=$(median_first_byte_ms "$http_port")

# --- report -----------------------------------------------------------------

raw=$(mb_per_s "$raw_bps")
tunnel=$(mb_per_s "$tunnel_bps")
printf '%-34s %10s MB/s\n' "raw TCP (iperf3, ${seconds} s)" "$raw"
if [ -n "$ssh_bps" ]; then
  printf '%-34s %10s MB/s\n' "ssh -L" "$(mb_per_s "$ssh_bps")"
else
  printf '%-34s %10s\n' "ssh -L" "skipped (needs sshd and root)"
fi
printf '%-34s %10s MB/s   (goal >= 150)\n' "Peer Up relayed tunnel" "$tunnel"
printf '%-34s %10s\n' "relayed / raw" "$(ratio "$tunnel_bps" "$raw_bps")"
[ -z "$ssh_bps" ] || printf '%-34s %10s\n' "relayed / ssh -L" "$(ratio "$tunnel_bps" "$ssh_bps")"
printf '%-34s %10s MB/s\n' "Peer Up direct tunnel" "$(mb_per_s "$direct_bps")"
printf '%-34s %10s\n' "direct / raw" "$(ratio "$direct_bps" "$raw_bps")"
[ -z "$ssh_bps" ] || printf '%-34s %10s\n' "direct / ssh -L" "$(ratio "$direct_bps" "$ssh_bps")"
printf '%-34s %10s ms     (goal < 300; median of 5, %s to %s)\n' \
  "cold first byte (proxy start)" "$cold_median" "$cold_min" "$cold_max"
printf '%-34s %10s ms     (goal < 5; median of 20; direct %s ms)\n' \
  "warm new stream, first byte" \
  "$warm_ms" "$direct_ms"
printf '%-34s %10s s/GB   (%s MB forwarded)\n' "relay CPU" "$cpu_per_gb" \
  "$((tunnel_bytes / 1000000))"
printf '%-34s %10s KB     (goal < 50; %s peers, RSS %s -> %s kB, %s attempts failed)\n' \
  "relay memory per idle peer" "$kb_per_peer" "$n_peers" "$rss_before" "$rss_after" \
  "$failed_attempts"
