#!/usr/bin/env bash
# tunnel.sh — Peer Up end to end with real programs, as separate processes on
# loopback: a relay; "home" exposing an HTTP server and sshd; "laptop"
# reaching them through `peerup proxy`; devices that must be refused; a relay
# restart the proxy has to survive. TAP output.
#
# Needs python3, curl, ssh, sshd and root (for sshd); CI has them all.
# PU_PEERUP_BIN is the peerup binary (meson sets it).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=net.sh
. "$here/net.sh"

net_skip_unless python3 curl ssh ssh-keygen sha256sum cmp timeout
[ -x "$sshd_bin" ] || { echo "1..0 # SKIP sshd not installed"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP sshd needs root"; exit 0; }

n=0
ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  shift
  net_dump "$@"
}

bail () {
  echo "Bail out! $1"
  shift
  net_dump "$@"
  exit 1
}

# check WHAT "LOGS…" COMMAND…: one TAP line for COMMAND; LOGS dumped if it fails.
check () {
  local what=$1 logs=$2

  shift 2
  if "$@"; then
    ok "$what"
  else
    # shellcheck disable=SC2086
    not_ok "$what" $logs
  fi
}

echo "1..10"

# --- set-up: relay, devices, servers --------------------------------------

www="$net_tmp/www"
mkdir -p "$www"
head -c 100M /dev/urandom >"$www/big"
head -c 4096 /dev/urandom >"$www/small"

net_relay_start || bail "the relay did not start" relay
for device in home laptop stranger late; do
  net_device "$device" || bail "could not set up $device"
done
pu home auth add "${net_id[laptop]}" --comment laptop >/dev/null
# An entry that expired long ago (auth add refuses past times, as it should).
printf '%s expires=2001-01-01T00:00:00Z # late\n' "${net_id[late]}" \
  >>"$net_tmp/home/peerup/authorized_keys"
pu laptop name set home "${net_id[home]}" >/dev/null

net_http "$www" || bail "the HTTP server did not start" http
http_port=$(net_port http)
ssh_port=$(net_free_port)
net_sshd "$ssh_port" || bail "sshd did not start" sshd

pu home service add web "127.0.0.1:$http_port" >/dev/null
pu home service add ssh "127.0.0.1:$ssh_port" >/dev/null
pu home service add private "127.0.0.1:$http_port" --allow "${net_id[stranger]}" >/dev/null
net_daemon home || bail "home's daemon did not connect to the relay" home relay

net_proxy web laptop home web || bail "laptop's web proxy did not start" web
net_proxy ssh laptop home ssh || bail "laptop's ssh proxy did not start" ssh
web_port=$(net_port web)
ssh_proxy_port=$(net_port ssh)

# --- 1. a 100 MB file and an SSH session through the tunnel -----------------

big_through () {
  local want got

  want=$(sha256sum <"$www/big")
  got=$(curl -sS --max-time 300 "http://127.0.0.1:$web_port/big" | sha256sum)
  [ "$got" = "$want" ]
}
check "100 MB over HTTP through the tunnel, same sha256" "web home" big_through

ssh_through () {
  [ "$(net_ssh "$ssh_proxy_port" echo ok)" = "ok" ]
}
check "ssh through the tunnel runs a command" "ssh home sshd" ssh_through

# Longer than the daemon's connect timeout (10 s), which must not apply after.
silent_through () {
  [ "$(net_ssh "$ssh_proxy_port" 'sleep 12; echo ok')" = "ok" ]
}
check "a connection silent for 12 s stays up" "ssh home sshd" silent_through

# --- 2. 200 connections at once through one tunnel --------------------------

concurrent () {
  local dir="$net_tmp/concurrent" i pid good=0 curls=()

  mkdir -p "$dir"
  for i in $(seq 1 200); do
    curl -sS --max-time 120 -o "$dir/$i" "http://127.0.0.1:$web_port/small" \
      2>"$dir/$i.err" &
    curls+=($!)
  done
  for pid in "${curls[@]}"; do
    wait "$pid" || true
  done
  for i in $(seq 1 200); do
    if cmp -s "$dir/$i" "$www/small"; then
      good=$((good + 1))
    else
      echo "# connection $i: $(cat "$dir/$i.err") ($(wc -c <"$dir/$i" 2>/dev/null || echo 0) bytes)"
    fi
  done
  echo "# $good of 200 concurrent transfers complete and correct"
  [ "$good" -eq 200 ]
}

check "200 concurrent connections complete with the right content" "web home" concurrent

# --- 3. a device home does not authorize --------------------------------------

# refused NAME DEVICE SERVICE TEXT: DEVICE's proxy to home's SERVICE carries
# no byte and prints TEXT.
refused () {
  local port got

  net_proxy "$1" "$2" "${net_id[home]}" "$3" || return 1
  port=$(net_port "$1")
  got=$(curl -s --max-time 60 "http://127.0.0.1:$port/small" | wc -c) || true
  [ "$got" -eq 0 ] || return 1
  net_wait 30 net_has "$net_tmp/$1.err" "$4"
}
check "an unauthorized device's proxy says it is not authorized and gets no byte" \
  "stranger home" refused stranger stranger web "not authorized by"
check "home's log names the refused device" "home" \
  net_wait 30 net_has "$net_tmp/home.err" "Refused a connection from ${net_id[stranger]}"

# --- 4. a service limited to other peers; an expired authorization ----------

check "a peer not allowed to use a service is told so and gets no byte" "denied home" \
  refused denied laptop private "you are not allowed to use service private on home"

expired () {
  refused late late web "not authorized by" &&
    net_wait 30 net_has "$net_tmp/home.err" "Refused a connection from ${net_id[late]}"
}
check "an expired authorization is refused" "late home" expired

# --- 5. the relay restarts under a running proxy ---------------------------

small_through () {
  curl -s --max-time 5 -o "$net_tmp/after-restart" "http://127.0.0.1:$web_port/small" &&
    cmp -s "$net_tmp/after-restart" "$www/small"
}

relay_restart () {
  local port=$net_relay_port start

  net_stop relay || { echo "# the relay did not exit with status 0"; return 1; }
  net_relay_start "$port" || return 1
  start=$(date +%s%N)
  if ! net_wait 30 small_through; then
    echo "# connections of the relay's port:"
    ss -Htanp "( sport = :$port or dport = :$port )" | sed 's/^/#   /'
    return 1
  fi
  echo "# first connection through the restarted relay after" \
    "$(( ($(date +%s%N) - start) / 1000000 )) ms"
}
check "after a relay restart the running proxy works again by itself" "relay web home" \
  relay_restart

# --- every peerup process stops cleanly (sanitizer builds check leaks then) --

clean_exits () {
  local name good=0

  for name in web ssh stranger denied late home relay; do
    if net_stop "$name"; then
      good=$((good + 1))
    else
      echo "# $name did not exit with status 0"
      net_dump "$name"
    fi
  done
  [ $good -eq 7 ]
}
check "every peerup process exits with status 0 on SIGTERM" "" clean_exits
