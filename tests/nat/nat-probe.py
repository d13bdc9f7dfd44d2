#!/usr/bin/env python3
# nat-probe.py — UDP and TCP probes that show how a NAT maps and filters
#
#   nat-probe.py serve ADDR1 ADDR2 PORT1 PORT2
#       On a public host with two addresses: answers on all four ADDR:PORT pairs, UDP and TCP.
#       "map" gets back the sender's address as seen here ("seen IP:PORT"). "filter" gets the
#       same answer, then one unsolicited packet from the same address on the other port
#       ("from-port") and one from the other address on the same port ("from-addr").
#   nat-probe.py mapping ADDR1 ADDR2 PORT
#       From behind a NAT, one socket: the external address towards ADDR1:PORT and towards
#       ADDR2:PORT. Prints {"first": "IP:PORT", "second": "IP:PORT"}.
#   nat-probe.py filter ADDR PORT
#       A fresh socket contacts ADDR:PORT only, then waits for the unsolicited packets. Prints
#       {"seen": "IP:PORT", "from_port": bool, "from_addr": bool}.
#   nat-probe.py udp ADDR PORT
#       One UDP round trip. Prints {"seen": "IP:PORT"}.
#   nat-probe.py tcp ADDR PORT
#       A TCP round trip. Prints {"seen": "IP:PORT"}.
# serve may be given one address twice (a host with one address).
# A probe that gets no answer prints {"error": "…"} and exits with 1.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import select
import socket
import sys
import time

ANSWER_TIMEOUT = 1.0
RETRIES = 3
# Long enough for a packet across a few namespaces; what has not come by then was dropped.
UNSOLICITED_WAIT = 1.0


def serve(addr1, addr2, port1, port2):
    udp = {}
    tcp = []
    for addr in sorted({addr1, addr2}):
        for port in (port1, port2):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, port))
            udp[(addr, port)] = s
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, port))
            t.listen(8)
            tcp.append(t)
    other_addr = {addr1: addr2, addr2: addr1}
    other_port = {port1: port2, port2: port1}
    by_socket = {s: key for key, s in udp.items()}
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select(list(udp.values()) + tcp, [], [])
        for s in readable:
            if s in tcp:
                conn, peer = s.accept()
                with conn:
                    conn.settimeout(ANSWER_TIMEOUT)
                    try:
                        conn.recv(64)
                        conn.sendall(("seen %s:%d" % peer).encode())
                    except OSError:
                        pass
                continue
            data, peer = s.recvfrom(64)
            addr, port = by_socket[s]
            s.sendto(("seen %s:%d" % peer).encode(), peer)
            if data == b"filter":
                udp[(addr, other_port[port])].sendto(b"from-port", peer)
                udp[(other_addr[addr], port)].sendto(b"from-addr", peer)


def ask(sock, server, request):
    for _ in range(RETRIES):
        sock.sendto(request, server)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([sock], [], [], deadline - time.monotonic())
            if not ready:
                break
            data, peer = sock.recvfrom(64)
            if peer == server and data.startswith(b"seen "):
                return data[5:].decode()
    raise TimeoutError("no answer from %s:%d" % server)


def new_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    return s


def mapping(addr1, addr2, port):
    with new_socket() as s:
        first = ask(s, (addr1, port), b"map")
        second = ask(s, (addr2, port), b"map")
    return {"first": first, "second": second}


def filtering(addr, port):
    with new_socket() as s:
        seen = ask(s, (addr, port), b"filter")
        got = set()
        deadline = time.monotonic() + UNSOLICITED_WAIT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([s], [], [], deadline - time.monotonic())
            if ready:
                got.add(s.recvfrom(64)[0])
    return {"seen": seen, "from_port": b"from-port" in got, "from_addr": b"from-addr" in got}


def udp(addr, port):
    with new_socket() as s:
        return {"seen": ask(s, (addr, port), b"map")}


def tcp(addr, port):
    with socket.create_connection((addr, port), timeout=ANSWER_TIMEOUT) as s:
        s.sendall(b"map")
        data = s.recv(64)
    if not data.startswith(b"seen "):
        raise TimeoutError("no answer from %s:%d" % (addr, port))
    return {"seen": data[5:].decode()}


def main(argv):
    if len(argv) >= 5 and argv[0] == "serve":
        serve(argv[1], argv[2], int(argv[3]), int(argv[4]))
        return 0
    try:
        if len(argv) == 4 and argv[0] == "mapping":
            result = mapping(argv[1], argv[2], int(argv[3]))
        elif len(argv) == 3 and argv[0] == "filter":
            result = filtering(argv[1], int(argv[2]))
        elif len(argv) == 3 and argv[0] == "udp":
            result = udp(argv[1], int(argv[2]))
        elif len(argv) == 3 and argv[0] == "tcp":
            result = tcp(argv[1], int(argv[2]))
        else:
            print("usage: nat-probe.py serve|mapping|filter|udp|tcp … (see its first lines)",
                  file=sys.stderr)
            return 2
    except (OSError, TimeoutError) as e:
        print(json.dumps({"error": str(e)}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
