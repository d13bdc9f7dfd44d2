#!/usr/bin/env bash
# matrix.sh — real `peerup` nodes across every pair of NAT types: the path they end on, and
# real traffic through it (TAP)
#
# A relay in the public segment; for each pair of site types a "home" host running `peerup
# daemon` with a real sshd exposed as service ssh, and a "laptop" host behind the other NAT.
# Every profile is made with the CLI (init, relay authorize, auth add, relay add, service add).
# The laptop pings home until the path is direct or NAT_DIRECT_WAIT seconds have passed since
# the first reply, and the path must then be what the pair allows:
#   direct   every pair that hole punching can join, and two hosts of one site
#   relayed  symmetric against port-restricted or symmetric, and anything with udp-blocked
# Either way `ssh … echo ok` and a file (sha256) go through `peerup proxy`. Then:
#   fault    while a file is downloaded over the direct path, UDP is dropped at the laptop's
#            NAT: the download goes on over the relay and arrives whole; once UDP passes
#            again the path is direct again
#   turn     with coturn in the public segment and [turn] set in the devices' config.ini, or
#            in the relay's relay.ini (which hands out credentials), a symmetric pair goes
#            through TURN rather than the relay
# Time to direct and fallback times are printed at the end (figures, not asserted).
#
# Environment: PU_PEERUP_BIN (the peerup binary), NAT_MATRIX_TYPES (the site types to pair,
# default all; "" for none), NAT_DIRECT_WAIT (seconds, default 8).
#
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source-path=SCRIPTDIR
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tap.sh
source "$here/tap.sh"
# shellcheck source=lab.sh
source "$here/lab.sh"

export PU_PEERUP_BIN=${PU_PEERUP_BIN:-$here/../../_build/src/cli/peerup}
types=${NAT_MATRIX_TYPES-$LAB_TYPES}
direct_wait=${NAT_DIRECT_WAIT:-8}
relay_ip=$LAB_PUBLIC_NET.1
turn_ip=$LAB_PUBLIC_NET.3
turn_secret=lab-turn-secret

reason=$(lab_missing)
[ -z "$reason" ] || tap_skip_all "$reason"
for tool in python3 ssh ssh-keygen curl sha256sum turnserver; do
  command -v "$tool" >/dev/null || tap_skip_all "needs $tool"
done
[ -x "${PU_SSHD:-/usr/sbin/sshd}" ] || tap_skip_all "needs sshd (openssh-server)"
[ -x "$PU_PEERUP_BIN" ] || tap_skip_all "no peerup binary at $PU_PEERUP_BIN (set PU_PEERUP_BIN)"

# Devices, the relay and servers as in the system tests, each in a node of the lab.
# shellcheck source=../system/net.sh
source "$here/../system/net.sh"

bail ()
{
  echo "Bail out! $*"
  net_dump "${@:2}"
  exit 1
}

# The figures printed at the end.
figures=()
# peerup processes that did not exit with status 0 when stopped.
unclean=()

# stop NAME: net_stop, noting a peerup process that exits with another status.
stop ()
{
  local status=0
  net_stop "$1" || status=$?
  [ "$status" -eq 0 ] || unclean+=("$1 (status $status)")
}

lab_init || bail "cannot build the lab"
trap 'net_cleanup; lab_down' EXIT

lab_public_host relay "$relay_ip" || bail "cannot build the lab"
net_ns[relay]=$(lab_ns relay)
net_relay_start 7777 "$relay_ip" || bail "the relay did not start" relay

# A random file that goes through every tunnel.
mkdir -p "$net_tmp/www"
head -c $((1 << 20)) /dev/urandom >"$net_tmp/www/blob"
blob_sum=$(sha256sum <"$net_tmp/www/blob" | cut -d' ' -f1)

# now_ms: a clock in milliseconds.
now_ms ()
{
  local us=${EPOCHREALTIME/./}
  echo $((us / 1000))
}

# ping_path DEVICE: `peerup ping home` from DEVICE until the path is direct (three probes in a
# row) or NAT_DIRECT_WAIT seconds after the first reply. Sets path (of the last reply) and
# pair (its ICE candidate types, "srflx→host", on a direct path), first_ms (first reply after
# the start) and direct_ms (first direct reply, or "").
ping_path ()
{
  local dev=$1 start now line deadline="" timeout in_a_row=0
  path="" pair="" first_ms="" direct_ms=""
  start=$(now_ms)
  net_cmd "$dev"
  coproc PING {
    exec "${net_cmd[@]}" ping home -c 0 --interval 100ms --json 2>&1
  }
  # shellcheck disable=SC2153 # set by coproc
  local ping_pid=$PING_PID
  while :; do
    timeout=30
    if [ -n "$deadline" ]; then
      timeout=$((deadline - $(now_ms)))
      [ "$timeout" -gt 0 ] || break
      timeout=$(printf '%d.%03d' $((timeout / 1000)) $((timeout % 1000)))
    fi
    IFS= read -r -t "$timeout" line <&"${PING[0]}" || break
    [[ $line =~ \"path\":\"([^\"]*)\" ]] || continue
    now=$(now_ms)
    path=${BASH_REMATCH[1]}
    pair=""
    if [[ $line =~ \"local_candidate\":\"([^\"]*)\".*\"remote_candidate\":\"([^\"]*)\" ]]; then
      pair="${BASH_REMATCH[1]}→${BASH_REMATCH[2]}"
    fi
    if [ -z "$first_ms" ]; then
      first_ms=$((now - start))
      deadline=$((now + direct_wait * 1000))
    fi
    if [ "$path" = direct ]; then
      [ -n "$direct_ms" ] || direct_ms=$((now - start))
      in_a_row=$((in_a_row + 1))
      [ "$in_a_row" -lt 3 ] || break
    else
      in_a_row=0
    fi
  done
  local status=0
  kill -TERM "$ping_pid" 2>/dev/null
  wait "$ping_pid" 2>/dev/null || status=$?
  [ "$status" -eq 0 ] || unclean+=("ping from $dev (status $status)")
}

# expected_path TYPE TYPE
expected_path ()
{
  case "$1 $2" in
    *udp-blocked*) echo relayed ;;
    "symmetric symmetric" | "symmetric port-restricted" | "port-restricted symmetric")
      echo relayed ;;
    *) echo direct ;;
  esac
}

# add_figures LABEL: a line of figures from the last ping_path and traffic.
add_figures ()
{
  # ${#pair} counts characters, printf's width bytes: "→" is three.
  figures+=("$(printf '%-50s %-8s %s%*s first reply %5s ms  direct %5s ms  1 MiB %5s ms' "$1" \
    "${path:-none}" "$pair" $((13 - ${#pair})) "" "${first_ms:--}" "${direct_ms:--}" \
    "${traffic_ms:--}")")
}

# traffic LABEL DEVICE: ssh echo ok and the file, through DEVICE's proxy to home's sshd.
traffic ()
{
  local label=$1 dev=$2 port sum start ms
  net_ns[ssh]=${net_ns[$dev]}
  if ! net_proxy proxy "$dev" home ssh; then
    tap_result 1 "$label: peerup proxy home ssh"
    net_dump proxy
    stop proxy
    return
  fi
  port=$(net_port proxy)
  [ -n "$port" ] || net_dump proxy
  tap_is "$(net_ssh "$port" echo ok 2>&1)" ok "$label: ssh … echo ok through peerup proxy"
  start=$(now_ms)
  sum=$(net_ssh "$port" cat "$net_tmp/www/blob" | sha256sum | cut -d' ' -f1)
  ms=$(($(now_ms) - start))
  tap_is "$sum" "$blob_sum" "$label: a 1 MiB file through ssh and peerup proxy, byte-identical"
  stop proxy
  traffic_ms=$ms
}

# devices HOME LAPTOP HOME-NODE LAPTOP-NODE: two new devices made with the CLI, home
# authorizing the laptop, which calls it "home".
devices ()
{
  local dev
  net_ns[$1]=$(lab_ns "$3")
  net_ns[$2]=$(lab_ns "$4")
  # As a user would: init, then the line the relay prints (the system tests use init --relay).
  for dev in "$1" "$2"; do
    pu "$dev" init --name "$dev" --non-interactive >/dev/null &&
      net_id[$dev]=$(pu "$dev" whoami) &&
      pu relay relay authorize "${net_id[$dev]}" --comment "$dev" >/dev/null &&
      pu "$dev" relay add "$net_relay_addr" >/dev/null || return 1
  done
  pu "$1" auth add "${net_id[$2]}" --comment "$2" >/dev/null &&
    pu "$2" name set home "${net_id[$1]}" >/dev/null
}

# serve_ssh HOME: a real sshd in HOME's node on its 127.0.0.1:22, exposed as service ssh,
# and HOME's daemon.
serve_ssh ()
{
  net_ns[sshd]=${net_ns[$1]}
  net_sshd 22 || return 1
  pu "$1" service add ssh 127.0.0.1:22 >/dev/null || return 1
  net_daemon "$1"
}

# check_pair LABEL HOME-NODE LAPTOP-NODE EXPECTED N: a pair of fresh devices.
check_pair ()
{
  local label=$1 expected=$4 home=home$5 laptop=laptop$5
  traffic_ms=""
  devices "$home" "$laptop" "$2" "$3" || bail "$label: cannot make the devices" relay
  if ! serve_ssh "$home"; then
    tap_result 1 "$label: sshd and home's daemon start"
    net_dump sshd "$home"
  else
    ping_path "$laptop"
    tap_is "$path" "$expected" "$label: path $expected"
    [ "$path" = "$expected" ] || net_dump "$home"
    traffic "$label" "$laptop"
    add_figures "$label"
  fi
  stop "$home"
  net_stop sshd
}

n=0
for home_type in $types; do
  for laptop_type in $types; do
    n=$((n + 1))
    if ! lab_site "h$n" "$home_type" || ! lab_site "l$n" "$laptop_type"; then
      bail "cannot build the sites"
    fi
    check_pair "home $home_type, laptop $laptop_type" "h$n-h1" "l$n-h1" \
      "$(expected_path "$home_type" "$laptop_type")" "$n"
    lab_site_remove "h$n"
    lab_site_remove "l$n"
  done
done

# Two hosts of one site reach each other on their LAN.
n=$((n + 1))
lab_site same port-restricted 2 || bail "cannot build a site with two hosts"
check_pair "home and laptop in one port-restricted site" same-h1 same-h2 direct "$n"
lab_site_remove same

# peer_path HOME PEER-DEVICE: the path of HOME's connection with the device, as
# `peerup status --json` shows it ("" when not connected).
peer_path ()
{
  pu "$1" status --json 2>/dev/null | python3 -c 'import json, sys
try:
    peers = json.load(sys.stdin)["node"].get("peers", [])
except (ValueError, KeyError):
    peers = []
print(next((p.get("path", "") for p in peers if p.get("peer_id") == sys.argv[1]), ""))' \
    "${net_id[$2]}"
}

# wait_path HOME PEER-DEVICE PATH SECONDS: polls until home sees PATH; sets waited_ms.
wait_path ()
{
  local start deadline
  start=$(now_ms)
  deadline=$((start + $4 * 1000))
  waited_ms=""
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if [ "$(peer_path "$1" "$2")" = "$3" ]; then
      waited_ms=$(($(now_ms) - start))
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# fault TYPE: a download through `peerup proxy` between two sites of TYPE; UDP dropped at the
# laptop's NAT in the middle of it, then passed again.
fault ()
{
  local type=$1 label="fault ($1 both sides)" home=home$n laptop=laptop$n size=$((48 << 20))
  local got_sum want_sum before after curl_pid was_direct=no fallback="-" back="-"
  if ! lab_site "h$n" "$type" || ! lab_site "l$n" "$type"; then
    bail "cannot build the sites"
  fi
  devices "$home" "$laptop" "h$n-h1" "l$n-h1" || bail "$label: cannot make the devices" relay
  head -c "$size" /dev/urandom >"$net_tmp/www/large"
  want_sum=$(sha256sum <"$net_tmp/www/large" | cut -d' ' -f1)
  net_ns[http]=${net_ns[$home]}
  net_http "$net_tmp/www" || bail "$label: the HTTP server did not start" http
  pu "$home" service add files "127.0.0.1:$(net_port http)" >/dev/null
  net_daemon "$home" || bail "$label: home's daemon did not start" "$home"
  net_proxy proxy "$laptop" home files || bail "$label: the proxy did not start" proxy

  # 2 MB/s, 24 s: the download outlasts the fault and the recovery.
  lab_exec "l$n-h1" curl -sS --limit-rate 2M -o "$net_tmp/large.out" \
    "http://127.0.0.1:$(net_port proxy)/large" 2>"$net_tmp/curl.err" &
  curl_pid=$!
  wait_path "$home" "$laptop" direct "$direct_wait" && was_direct=yes
  tap_is "$(peer_path "$home" "$laptop")" direct "$label: direct before the fault"

  lab_site_fault "l$n" on
  before=$(stat -c %s "$net_tmp/large.out" 2>/dev/null || echo 0)
  if wait_path "$home" "$laptop" relayed 10 && [ "$was_direct" = yes ]; then
    fallback=$waited_ms
  fi
  tap_is "$(peer_path "$home" "$laptop")" relayed "$label: relayed once UDP is dropped"
  # curl's rate limit reads in bursts a few seconds apart.
  for _ in $(seq 100); do
    after=$(stat -c %s "$net_tmp/large.out" 2>/dev/null || echo 0)
    [ "$after" -le "$before" ] || break
    sleep 0.1
  done
  if [ "$after" -gt "$before" ]; then
    tap_result 0 "$label: the download goes on while UDP is dropped"
  else
    tap_result 1 "$label: the download goes on while UDP is dropped"
    tap_diag "$before bytes, then $after bytes"
  fi

  lab_site_fault "l$n" off
  wait_path "$home" "$laptop" direct 30 && back=$waited_ms
  tap_is "$(peer_path "$home" "$laptop")" direct "$label: direct again once UDP passes"

  wait "$curl_pid"
  got_sum=$(sha256sum <"$net_tmp/large.out" | cut -d' ' -f1)
  tap_is "$got_sum" "$want_sum" "$label: the 48 MiB download is byte-identical"
  [ "$got_sum" = "$want_sum" ] || tap_diag "$(cat "$net_tmp/curl.err")"
  figures+=("$(printf '%-50s fallback to the relay %5s ms  back to direct %5s ms' "$label" \
    "$fallback" "$back")")
  stop proxy
  stop "$home"
  net_stop http
  lab_site_remove "h$n"
  lab_site_remove "l$n"
}

n=$((n + 1))
fault port-restricted

# turn FROM: coturn in the public segment and [turn] in both devices' config.ini (FROM
# "config") or in the relay's relay.ini (FROM "relay": the relay restarts with it and hands
# the devices credentials); a pair that cannot punch goes through TURN. `peerup ping` calls
# that path direct, with a relay candidate in its ICE pair; coturn must have made an
# allocation. coturn is configured as the README says, denying peers in private ranges: the
# public segment has no route to the sites' LANs, and a failed send to a peer's host
# candidate would make coturn close the allocation.
turn ()
{
  local from=$1 label="symmetric both sides, with TURN from the $1" home=home$n laptop=laptop$n
  local dev turn_line

  [ -n "${net_ns[turn]:-}" ] || lab_public_host turn "$turn_ip" || bail "cannot build the lab"
  net_ns[turn]=$(lab_ns turn)
  turn_line=$(printf '\n[turn]\nurl=turn:%s:3478\nsecret=%s\n' "$turn_ip" "$turn_secret")
  if [ "$from" = relay ]; then
    stop relay
    echo "$turn_line" >>"$net_tmp/relay/peerup-relay/relay.ini"
    net_relay_start 7777 "$relay_ip" || bail "the relay did not start again" relay
  fi
  net_start turn ip netns exec "${net_ns[turn]}" turnserver -n --no-cli --no-tls --no-dtls \
    --listening-ip="$turn_ip" --relay-ip="$turn_ip" --listening-port=3478 \
    --denied-peer-ip=10.0.0.0-10.255.255.255 --denied-peer-ip=172.16.0.0-172.31.255.255 \
    --denied-peer-ip=192.168.0.0-192.168.255.255 \
    --use-auth-secret --static-auth-secret="$turn_secret" --realm=lab.peerup.dev \
    --log-file=stdout --simple-log --verbose --db="$net_tmp/turndb" --pidfile="$net_tmp/turn.pid"
  if ! lab_site "h$n" symmetric || ! lab_site "l$n" symmetric; then
    bail "cannot build the sites"
  fi
  devices "$home" "$laptop" "h$n-h1" "l$n-h1" || bail "$label: cannot make the devices" relay
  if [ "$from" = config ]; then
    for dev in "$home" "$laptop"; do
      echo "$turn_line" >>"$net_tmp/$dev/peerup/config.ini"
    done
  fi
  if ! serve_ssh "$home"; then
    tap_result 1 "$label: sshd and home's daemon start"
    net_dump sshd "$home"
  else
    ping_path "$laptop"
    tap_diag "$label: peerup ping says path=$path ${pair:+($pair)}"
    case $pair in
      relay→* | *→relay) tap_result 0 "$label: a TURN candidate on a $path path ($pair)" ;;
      *)
        tap_result 1 "$label: a TURN candidate (path ${path:-none}${pair:+ $pair})"
        tap_diag "$(grep -E 'CREATE_PERMISSION|error [0-9]+' "$net_tmp/turn.out" | tail -n 6)"
        ;;
    esac
    if grep -q "ALLOCATE processed, success" "$net_tmp/turn.out"; then
      tap_result 0 "$label: coturn made an allocation"
    else
      tap_result 1 "$label: coturn made an allocation"
      net_dump turn
    fi
    traffic "$label" "$laptop"
    add_figures "$label"
  fi
  stop "$home"
  net_stop sshd
  net_stop turn
  lab_site_remove "h$n"
  lab_site_remove "l$n"
}

n=$((n + 1))
turn config
n=$((n + 1))
turn relay

tap_is "${unclean[*]}" "" "every peerup daemon, proxy and ping exits with status 0 when stopped"

tap_diag "Time from the start of peerup ping to its first reply and to direct (waiting \
${direct_wait} s after the first reply); a 1 MiB file through ssh:"
for line in "${figures[@]}"; do
  tap_diag "  $line"
done

tap_done
