/* pu-test-relay.h — a real relay on loopback in this process, devices that
 * use it, pinging between their nodes and TCP through them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-node.h"
#include "pu-profile.h"
#include "pu-relay-server.h"

G_BEGIN_DECLS

typedef struct {
  char          *dir;
  PuIdentity    *identity;
  PuTrustStore  *trust;    /* the devices it serves */
  PuRelayServer *server;
  char          *addr;     /* "/ip4/127.0.0.1/tcp/PORT/p2p/ID" */
} PuTestRelay;

/* Listens on 127.0.0.1 (a free port); its files go in @dir. */
PuTestRelay *pu_test_relay_new        (const char  *dir);
/* Stops it. */
void         pu_test_relay_free       (PuTestRelay *relay);
/* A new device in @dir/@name/config.ini with this relay, which serves it. */
PuProfile   *pu_test_relay_add_device (PuTestRelay *relay,
                                       const char  *name);

/* The peer ID of @profile's device. */
const PuPeerId *pu_test_peer_of       (PuProfile      *profile);

/* One ping from @node to @peer, running the main loop until it ends: the
 * round trip (µs), or -1 and @error. */
gint64       pu_test_ping             (PuNode         *node,
                                       const PuPeerId *peer,
                                       GError        **error);

/* A TCP echo server on 127.0.0.1 (a free port, in @port): everything read
 * is written back, and end-of-stream is answered with end-of-stream. */
GSocketService *pu_test_echo_new      (guint16        *port);
/* Connects to 127.0.0.1:@port, sends @sent, ends its side and reads to the
 * end, running the main loop meanwhile: what came back (what arrived before
 * the connection was closed or reset: empty when the peer refused), or NULL
 * and @error when it could not connect. */
GBytes         *pu_test_tcp_exchange  (guint16         port,
                                       GBytes         *sent,
                                       GError        **error);
/* @len random bytes. */
GBytes         *pu_test_random_bytes  (gsize           len);

/* The two devices most tests need, in a new temporary directory with a
 * relay that serves both: "home" authorizes "laptop" and each calls the
 * other by those names. Their nodes (home's serving) are made, not started. */
typedef struct {
  char        *dir;
  PuTestRelay *relay;
  PuProfile   *home;
  PuProfile   *laptop;
  PuNode      *home_node;
  PuNode      *laptop_node;
} PuTestPair;

void            pu_test_pair_init     (PuTestPair     *pair);
/* Starts both nodes. */
void            pu_test_pair_start    (PuTestPair     *pair);
/* Drops it all, lets closing sockets and idle callbacks run out, and
 * removes the directory. */
void            pu_test_pair_clear    (PuTestPair     *pair);

G_END_DECLS
