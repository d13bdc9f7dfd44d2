#!/usr/bin/env bash
# lab.sh — a small Internet in network namespaces, for testing Peer Up across NATs
#
# A "public" segment (a bridge in its own namespace, 203.0.113.0/24) holds public hosts such as
# the relay. Each site is a NAT router namespace (WAN 203.0.113.(100+N), LAN 192.168.N.0/24)
# with one or more hosts behind it. Every namespace is named pulab-<id>-<node>, where <id> is
# unique to the run, so parallel runs and leftovers never clash.
#
# NAT types (RFC 4787 terms), all built from nftables and conntrack:
#   full-cone           endpoint-independent mapping, endpoint-independent filtering
#   address-restricted  endpoint-independent mapping, address-dependent filtering
#   port-restricted     endpoint-independent mapping, address-and-port-dependent filtering
#   symmetric           address-and-port-dependent mapping and filtering
#   udp-blocked         outbound UDP dropped; TCP is masqueraded as usual
#
# Sourced, it gives lab_* functions and removes everything on exit (lab_init sets the trap):
#   lab_init; lab_public_host relay 203.0.113.1; lab_site home full-cone 1
#   lab_exec home-h1 ip route
# Run, it manages labs that outlive the command:
#   lab.sh up [SITE=TYPE[:HOSTS]]…   build a lab (a relay host and the sites); prints its id
#   lab.sh exec ID NODE COMMAND…     run a command in a node (relay, home-nat, home-h1, …)
#   lab.sh down ID                   remove a lab
#   lab.sh list | gc                 show labs; remove the labs whose creator has exited
#
# SPDX-License-Identifier: GPL-3.0-or-later

LAB_TYPES="full-cone address-restricted port-restricted symmetric udp-blocked"
LAB_PUBLIC_NET=203.0.113
LAB_STATE_ROOT=${LAB_STATE_ROOT:-/run/pulab}
# How long an idle UDP mapping lives in the NAT (seconds): what consumer routers do.
LAB_UDP_TIMEOUT=${LAB_UDP_TIMEOUT:-120}

LAB_ID=
LAB_DIR=
LAB_KEEP=0

lab_log ()
{
  echo "lab: $*" >&2
}

# Why the lab cannot run here, or nothing when it can.
lab_missing ()
{
  if [ "$(id -u)" -ne 0 ]; then
    echo "needs root (network namespaces and nftables)"
  elif ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
    echo "needs ip netns (iproute2)"
  elif ! command -v nft >/dev/null; then
    echo "needs nft (nftables)"
  elif ! ip netns add "pulab-probe-$$" 2>/dev/null; then
    echo "cannot create network namespaces here"
  elif ! ip netns exec "pulab-probe-$$" nft add table ip probe 2>/dev/null; then
    ip netns delete "pulab-probe-$$"
    echo "nftables does not work in a network namespace here"
  else
    ip netns delete "pulab-probe-$$"
  fi
}

lab_ns ()
{
  echo "pulab-$LAB_ID-$1"
}

# The address of a node on its network: public hosts and routers on the public segment,
# site hosts on their LAN.
lab_addr ()
{
  awk -v n="$1" '$1 == n { print $2; exit }' "$LAB_DIR/nodes"
}

lab_exec ()
{
  local node=$1; shift
  ip netns exec "$(lab_ns "$node")" "$@"
}

# Starts COMMAND in NODE in the background with its output in LOG; prints its pid, which
# lab_down stops. Environment variables may come first: lab_spawn NODE LOG VAR=x cmd …
lab_spawn ()
{
  local node=$1 log=$2; shift 2
  ip netns exec "$(lab_ns "$node")" env "$@" </dev/null >"$log" 2>&1 &
  echo $! >>"$LAB_DIR/pids"
  echo $!
}

# Stops one process started with lab_spawn, by its pid, and waits for it.
lab_stop ()
{
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

lab_init ()
{
  LAB_ID=$(printf '%x%04x' "$$" "$RANDOM")
  LAB_DIR=$LAB_STATE_ROOT/$LAB_ID
  mkdir -p "$LAB_DIR" || return 1
  echo "$$" >"$LAB_DIR/owner"
  : >"$LAB_DIR/nodes"
  : >"$LAB_DIR/sites"
  : >"$LAB_DIR/pids"
  : >"$LAB_DIR/ports"
  trap 'lab_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  lab_new_ns pub || return 1
  lab_exec pub ip link add br0 type bridge || return 1
  lab_exec pub ip link set br0 up
  lab_exec pub sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
  return 0
}

# Loads the state of a lab made by another process (lab.sh up).
lab_load ()
{
  LAB_ID=$1
  LAB_DIR=$LAB_STATE_ROOT/$LAB_ID
  [ -f "$LAB_DIR/nodes" ] || { lab_log "no lab $LAB_ID (see lab.sh list)"; return 1; }
}

lab_new_ns ()
{
  local ns
  ns=$(lab_ns "$1")
  ip netns add "$ns" || return 1
  ip -n "$ns" link set lo up
}

# Plugs NODE into the public bridge as eth0 with ADDR (and extra addresses).
lab_plug_public ()
{
  local node=$1 ifname=$2 addr=$3; shift 3
  local port extra
  echo "$node" >>"$LAB_DIR/ports"
  port=p$(wc -l <"$LAB_DIR/ports")
  ip -n "$(lab_ns pub)" link add "$port" type veth peer name "$ifname" \
    netns "$(lab_ns "$node")" || return 1
  ip -n "$(lab_ns pub)" link set "$port" master br0 up
  lab_exec "$node" ip addr add "$addr/24" dev "$ifname"
  for extra in "$@"; do
    lab_exec "$node" ip addr add "$extra/24" dev "$ifname"
  done
  lab_exec "$node" ip link set "$ifname" up
}

# A host on the public segment: lab_public_host NAME ADDR [MORE-ADDRS…]
lab_public_host ()
{
  local node=$1; shift
  lab_new_ns "$node" || return 1
  lab_plug_public "$node" eth0 "$@" || return 1
  echo "$node $1 public" >>"$LAB_DIR/nodes"
}

# The nftables ruleset of a NAT router of TYPE with WAN address WAN.
lab_nat_rules ()
{
  local type=$1 wan=$2
  local snat="masquerade"
  local map_type="type inet_service : ipv4_addr . inet_service"
  local inbound="" block=""

  # Linux keeps the source port when it is free: one external port per internal
  # address and port whatever the destination, i.e. endpoint-independent mapping.
  # "random" draws a new port for every connection: address-and-port-dependent.
  [ "$type" = symmetric ] && snat="masquerade random"
  # Conntrack alone lets in only replies from the exact address and port that was
  # contacted (address-and-port-dependent filtering). The weaker filters are maps,
  # filled as packets leave, that send what arrives back to the internal host:
  #   full-cone:           external port                  -> internal address, port
  #   address-restricted:  remote address . external port -> internal address, port
  case $type in
    full-cone)
      inbound="udp dport map @inbound"
      ;;
    address-restricted)
      inbound="ip saddr . udp dport map @inbound"
      map_type="type ipv4_addr . inet_service : ipv4_addr . inet_service"
      ;;
    udp-blocked)
      block="iifname \"lan\" oifname \"wan\" meta l4proto udp drop"
      ;;
  esac

  local key="udp sport" dnat="" learn=""
  [ "$type" = address-restricted ] && key="ip daddr . udp sport"
  if [ -n "$inbound" ]; then
    dnat="iifname \"wan\" ct state new dnat ip to $inbound"
    learn="oifname \"wan\" meta l4proto udp ct direction original \
update @inbound { $key : ct original ip saddr . ct original proto-src }
    oifname \"wan\" meta l4proto udp ct direction reply \
update @inbound { $key : ct reply ip saddr . ct reply proto-src }"
  fi

  cat <<EOF
table ip lab {
  map inbound {
    $map_type
    flags dynamic,timeout
    timeout ${LAB_UDP_TIMEOUT}s
  }

  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    $dnat
  }

  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" $snat
  }

  # After NAT: the packet carries its external port; conntrack knows the internal end.
  chain mapping {
    type filter hook postrouting priority 200; policy accept;
    $learn
  }

  # Faults injected by tests (lab_site_fault) go here, ahead of everything else.
  chain fault {
    type filter hook forward priority -10; policy accept;
  }

  chain forward {
    type filter hook forward priority filter; policy drop;
    $block
    ct state established,related accept
    iifname "lan" oifname "wan" accept
    iifname "wan" ct status dnat accept
  }

  # Unsolicited packets are dropped before conntrack confirms them: an entry left by a
  # peer's early probe would otherwise take the external port a host is about to use.
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept
    iifname "lan" accept
    ct state established,related accept
  }
}
EOF
}

# Applies (or changes) the NAT type of a site's router.
lab_site_nat ()
{
  local site=$1 type=$2 wan
  case " $LAB_TYPES " in
    *" $type "*) ;;
    *) lab_log "unknown NAT type '$type' (one of: $LAB_TYPES)"; return 1 ;;
  esac
  wan=$(lab_addr "$site-nat")
  lab_exec "$site-nat" nft flush ruleset
  lab_nat_rules "$type" "$wan" | lab_exec "$site-nat" nft -f - || return 1
  sed -i "s/^\($site [0-9]*\) [^ ]*/\1 $type/" "$LAB_DIR/sites"
}

# Drops (on) or passes again (off) every UDP packet through a site's router.
lab_site_fault ()
{
  local site=$1 state=$2
  if [ "$state" = on ]; then
    lab_exec "$site-nat" nft add rule ip lab fault meta l4proto udp drop
  else
    lab_exec "$site-nat" nft flush chain ip lab fault
  fi
}

# A site: lab_site NAME TYPE [HOSTS]. Nodes NAME-nat and NAME-h1 … NAME-hHOSTS.
lab_site ()
{
  local site=$1 type=$2 hosts=${3:-1}
  local index wan lan h host
  index=$(( $(wc -l <"$LAB_DIR/sites") + 1 ))
  wan=$LAB_PUBLIC_NET.$((100 + index))
  lan=192.168.$index

  lab_new_ns "$site-nat" || return 1
  lab_plug_public "$site-nat" wan "$wan" || return 1
  lab_exec "$site-nat" ip link add lan type bridge
  lab_exec "$site-nat" ip addr add "$lan.1/24" dev lan
  lab_exec "$site-nat" ip link set lan up
  lab_exec "$site-nat" sysctl -qw net.ipv4.ip_forward=1
  # A home router's LAN is a switch: with br_netfilter loaded, bridged packets would go
  # through the NAT's forward chain and hosts of one site could not reach each other.
  lab_exec "$site-nat" sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
  lab_exec "$site-nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$LAB_UDP_TIMEOUT" \
    2>/dev/null
  lab_exec "$site-nat" sysctl -qw \
    net.netfilter.nf_conntrack_udp_timeout_stream="$LAB_UDP_TIMEOUT" 2>/dev/null
  echo "$site-nat $wan nat" >>"$LAB_DIR/nodes"
  echo "$site $index $type $hosts" >>"$LAB_DIR/sites"
  lab_site_nat "$site" "$type" || return 1

  for h in $(seq "$hosts"); do
    host=$site-h$h
    lab_new_ns "$host" || return 1
    ip -n "$(lab_ns "$site-nat")" link add "h$h" type veth peer name eth0 \
      netns "$(lab_ns "$host")" || return 1
    ip -n "$(lab_ns "$site-nat")" link set "h$h" master lan up
    lab_exec "$host" ip addr add "$lan.$((1 + h))/24" dev eth0
    lab_exec "$host" ip link set eth0 up
    lab_exec "$host" ip route add default via "$lan.1"
    echo "$host $lan.$((1 + h)) $site" >>"$LAB_DIR/nodes"
  done
}

# Removes a site: its router and hosts, and what runs in them. Its number is not reused.
lab_site_remove ()
{
  local site=$1 node pid
  while read -r node; do
    for pid in $(ip netns pids "$(lab_ns "$node")" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
    ip netns delete "$(lab_ns "$node")"
  done < <(awk -v s="$site" '$1 == s "-nat" || $3 == s { print $1 }' "$LAB_DIR/nodes")
  awk -v s="$site" '$1 != s "-nat" && $3 != s' "$LAB_DIR/nodes" >"$LAB_DIR/nodes.new" &&
    mv "$LAB_DIR/nodes.new" "$LAB_DIR/nodes"
  sed -i "s/^$site /- /" "$LAB_DIR/sites"
}

# Removes every namespace of the lab and stops what runs in them.
lab_down ()
{
  local ns pid
  [ -n "$LAB_ID" ] || return 0
  [ "$LAB_KEEP" = 1 ] && return 0
  if [ -f "$LAB_DIR/pids" ]; then
    while read -r pid; do
      kill -TERM "$pid" 2>/dev/null
    done <"$LAB_DIR/pids"
  fi
  for ns in $(ip netns list | awk -v p="pulab-$LAB_ID-" 'index($1, p) == 1 { print $1 }'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
    ip netns delete "$ns" 2>/dev/null
  done
  rm -rf "$LAB_DIR"
  LAB_ID=
}

lab_list ()
{
  local dir id owner
  for dir in "$LAB_STATE_ROOT"/*/; do
    [ -f "$dir/owner" ] || continue
    id=$(basename "$dir")
    owner=$(cat "$dir/owner")
    if [ "$owner" = 1 ]; then
      echo "$id  kept (lab.sh down $id removes it)"
    elif kill -0 "$owner" 2>/dev/null; then
      echo "$id  created by pid $owner (running)"
    else
      echo "$id  created by pid $owner (exited)"
    fi
  done
}

lab_main ()
{
  local cmd=${1:-}
  local reason spec id owner dir
  shift || true
  case $cmd in
    up)
      reason=$(lab_missing)
      [ -z "$reason" ] || { lab_log "$reason"; return 1; }
      lab_init || return 1
      lab_public_host relay "$LAB_PUBLIC_NET.1" || return 1
      [ $# -gt 0 ] || set -- home=full-cone laptop=port-restricted
      for spec in "$@"; do
        local name=${spec%%=*} rest=${spec#*=}
        lab_site "$name" "${rest%%:*}" "$([ "$rest" != "${rest#*:}" ] && echo "${rest#*:}")" ||
          return 1
      done
      # The lab outlives this command; "lab.sh down" removes it.
      echo 1 >"$LAB_DIR/owner"
      LAB_KEEP=1
      echo "$LAB_ID"
      column -t "$LAB_DIR/nodes" >&2
      ;;
    exec)
      [ $# -ge 3 ] || { lab_log "usage: lab.sh exec ID NODE COMMAND…"; return 2; }
      lab_load "$1" || return 1
      shift
      lab_exec "$@"
      ;;
    down)
      [ $# -eq 1 ] || { lab_log "usage: lab.sh down ID"; return 2; }
      lab_load "$1" || return 1
      lab_down
      ;;
    list)
      lab_list
      ;;
    gc)
      for dir in "$LAB_STATE_ROOT"/*/; do
        [ -f "$dir/owner" ] || continue
        id=$(basename "$dir")
        owner=$(cat "$dir/owner")
        if [ "$owner" = 1 ] || kill -0 "$owner" 2>/dev/null; then
          continue
        fi
        lab_log "removing lab $id (its creator, pid $owner, has exited)"
        LAB_ID=$id LAB_DIR=${dir%/} lab_down
      done
      ;;
    *)
      sed -n '2,/^# SPDX/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
      return 2
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lab_main "$@"
  exit $?
fi
