# net.sh — sourced by tests/system/tunnel.sh and the benchmarks of tests/bench:
# a relay, Peer Up devices and real servers (HTTP, sshd) on loopback, each
# device with its own XDG_CONFIG_HOME, all in one temporary directory that is
# removed, with every process started here, on exit. tests/nat/matrix.sh puts
# them in the network namespaces of its NAT lab instead (net_ns).
#
# SPDX-License-Identifier: GPL-3.0-or-later

peerup=${PU_PEERUP_BIN:?set PU_PEERUP_BIN to the peerup binary}
sshd_bin=${PU_SSHD:-/usr/sbin/sshd}

net_tmp=$(mktemp -d "${TMPDIR:-/tmp}/peerup-net-XXXXXX")
declare -A net_pid=()   # name → pid of a process started here
declare -A net_id=()    # device → peer ID
# name → the network namespace its programs run in; loopback (none) when unset.
# Names: devices, "relay", "sshd", "http", and "ssh" for the ssh client.
declare -A net_ns=()
net_relay_port=
net_relay_addr=

net_cleanup () {
  local name pid deadline=$((SECONDS + 10))

  for pid in "${net_pid[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for name in "${!net_pid[@]}"; do
    pid=${net_pid[$name]}
    while net_alive "$pid" && [ $SECONDS -lt $deadline ]; do
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$net_tmp"
}
trap net_cleanup EXIT

# net_alive PID: running (an exited child stays a zombie until waited for).
net_alive () {
  [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}
trap 'exit 1' INT TERM

# net_skip_unless TOOL…: TAP "skip everything" unless each TOOL is installed.
net_skip_unless () {
  local tool

  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      echo "1..0 # SKIP $tool not installed"
      exit 0
    fi
  done
}

# net_wait SECONDS COMMAND…: runs COMMAND every 0.1 s until it succeeds;
# fails once SECONDS have passed.
net_wait () {
  local deadline=$((SECONDS + $1))

  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# net_in NAME: sets net_in to the command prefix that runs a program in NAME's
# network namespace (empty when NAME has none).
net_in () {
  net_in=()
  [ -z "${net_ns[$1]:-}" ] || net_in=(ip netns exec "${net_ns[$1]}")
}

# net_has FILE TEXT: FILE contains TEXT (fixed string).
net_has () {
  grep -qF -- "$2" "$1" 2>/dev/null
}

# net_wait_log SECONDS NAME TEXT: NAME's stdout or stderr shows TEXT.
net_wait_log () {
  net_wait "$1" net_has_either "$2" "$3"
}

net_has_either () {
  net_has "$net_tmp/$1.out" "$2" || net_has "$net_tmp/$1.err" "$2"
}

# net_start NAME COMMAND…: runs COMMAND in the background, output in
# $net_tmp/NAME.out and .err. COMMAND must be one program (it is exec'd), so
# that the pid kept is the program's own.
net_start () {
  local name=$1

  shift
  # Emptied here, not by the background job: a name used again must not show
  # the last process's output to whoever waits for the new one's.
  : >"$net_tmp/$name.out"
  : >"$net_tmp/$name.err"
  "$@" >"$net_tmp/$name.out" 2>"$net_tmp/$name.err" &
  net_pid[$name]=$!
}

# net_stop NAME: SIGTERM and wait (bounded) for it to go; its exit status.
net_stop () {
  local pid=${net_pid[$1]} status=0

  kill -TERM "$pid" 2>/dev/null || true
  net_wait 10 net_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || status=$?
  unset "net_pid[$1]"
  return $status
}

net_gone () {
  ! net_alive "$1"
}

# net_port NAME: the port in NAME's "127.0.0.1:PORT" or "127.0.0.1 port PORT".
net_port () {
  awk 'match($0, /127\.0\.0\.1(:| port )[0-9]+/) {
         port = substr($0, RSTART, RLENGTH); sub(/.*[^0-9]/, "", port); print port; exit
       }' "$net_tmp/$1.out" "$net_tmp/$1.err"
}

# A TCP port nobody listens on right now, for programs that cannot pick one.
net_free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); \
print(s.getsockname()[1])'
}

# net_dump NAME…: the end of each one's output as TAP comments.
net_dump () {
  local name file

  for name in "$@"; do
    if [ -n "${net_pid[$name]:-}" ]; then
      echo "# $name: pid ${net_pid[$name]} $(net_alive "${net_pid[$name]}" && echo running ||
                                               echo exited)"
    fi
    for file in "$net_tmp/$name.out" "$net_tmp/$name.err"; do
      [ -s "$file" ] || continue
      echo "# --- $(basename "$file")"
      tail -n 20 "$file" | sed 's/^/#   /'
    done
  done
}

# net_cmd DEVICE: sets net_cmd to the command line of peerup for DEVICE: its
# own configuration, its own runtime directory (where a running core keeps its
# control socket) and no session bus, so devices never find each other's core.
net_cmd () {
  mkdir -p -m 0700 "$net_tmp/$1.run"
  net_in "$1"
  net_cmd=("${net_in[@]}" env -u DBUS_SESSION_BUS_ADDRESS XDG_CONFIG_HOME="$net_tmp/$1"
           XDG_RUNTIME_DIR="$net_tmp/$1.run" "$peerup")
}

# pu DEVICE ARGS…: peerup as DEVICE.
pu () {
  net_cmd "$1"
  shift
  "${net_cmd[@]}" "$@"
}

# net_relay_start [PORT [IP]]: the relay (its directory under XDG_CONFIG_HOME
# "relay"), on IP (127.0.0.1) and PORT or a free one; sets net_relay_port and
# net_relay_addr.
net_relay_start () {
  local ip=${2:-127.0.0.1}

  net_cmd relay
  net_start relay "${net_cmd[@]}" relay serve \
    --listen "$ip:${1:-0}"
  net_wait 30 net_has "$net_tmp/relay.out" "peerup relay add /ip4/" || return 1
  net_relay_addr=$(grep -oE "/ip4/${ip//./\\.}/tcp/[0-9]+/p2p/[1-9A-Za-z]+" \
                     "$net_tmp/relay.out" | head -n 1)
  net_relay_port=${net_relay_addr#/ip4/*/tcp/}
  net_relay_port=${net_relay_port%%/*}
}

# net_device NAME: a new device using the relay and authorized on it.
net_device () {
  pu "$1" init --name "$1" --relay "$net_relay_addr" --non-interactive >/dev/null || return 1
  net_id[$1]=$(pu "$1" whoami) || return 1
  pu relay relay authorize "${net_id[$1]}" --comment "$1" >/dev/null
}

# net_daemon NAME: the device's daemon, once connected to the relay.
net_daemon () {
  net_cmd "$1"
  net_start "$1" "${net_cmd[@]}" daemon
  net_wait 30 net_has "$net_tmp/$1.err" "Connected to the relay at"
}

# Functions that start a process must not run in $( ): the pid would be
# lost with the subshell. Once started, `net_port NAME` tells its port.

# net_proxy NAME DEVICE PEER SERVICE: DEVICE's proxy to PEER's SERVICE on a
# free port.
net_proxy () {
  net_cmd "$2"
  net_start "$1" "${net_cmd[@]}" proxy "$3" "$4" 0
  net_wait 30 net_has "$net_tmp/$1.out" "Forwarding 127.0.0.1:"
}

# net_http DIR: `python3 -m http.server` for DIR, as "http", with a listen
# backlog of 1024 like common servers: its own default of 5 overflows under
# hundreds of connections at once, and the kernel then resets some.
net_http () {
  net_in http
  net_start http "${net_in[@]}" python3 -u -c 'import runpy, socketserver, sys
socketserver.TCPServer.request_queue_size = 1024
sys.argv[0] = "http.server"
runpy.run_module("http.server", run_name="__main__", alter_sys=True)' \
    0 --bind 127.0.0.1 --directory "$1"
  net_wait 30 net_has "$net_tmp/http.out" "Serving HTTP on 127.0.0.1 port "
}

# net_sshd PORT [ADDR]: sshd on ADDR (127.0.0.1) with its own config, host key
# and authorized key (root only), as "sshd". The client key is
# $net_tmp/ssh/user_key. The keys are made once and kept for the next sshd.
net_sshd () {
  local dir="$net_tmp/ssh" port=$1 addr=${2:-127.0.0.1}

  mkdir -p "$dir" /run/sshd
  if [ ! -f "$dir/host_key" ]; then
    ssh-keygen -q -t ed25519 -N '' -C peerup-test-host -f "$dir/host_key" || return 1
    ssh-keygen -q -t ed25519 -N '' -C peerup-test-user -f "$dir/user_key" || return 1
    install -m 0600 "$dir/user_key.pub" "$dir/authorized_keys"
  fi
  cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress $addr
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile none
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF
  "$sshd_bin" -t -f "$dir/sshd_config" || return 1
  net_in sshd
  net_start sshd "${net_in[@]}" "$sshd_bin" -f "$dir/sshd_config" -D -e
  net_wait 30 net_has "$net_tmp/sshd.err" "Server listening on $addr port $port"
}

# net_ssh PORT COMMAND…: runs COMMAND as root@127.0.0.1:PORT with the test key.
net_ssh () {
  local port=$1

  shift
  net_in ssh
  "${net_in[@]}" timeout 60 ssh -F /dev/null -p "$port" -i "$net_tmp/ssh/user_key" \
    -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR root@127.0.0.1 "$@"
}
