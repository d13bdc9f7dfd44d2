/* pu-connection.h — an authenticated, encrypted QUIC connection to one peer
 *
 * QUIC v1 (ngtcp2) with TLS 1.3 (GnuTLS) inside, over a PuPath. Both ends
 * present the certificate made from their identity key (ALPN "peerup/1").
 * The client checks the server is the peer it dialed; the server asks its
 * authorize function about the client while the handshake runs, so a peer it
 * refuses never gets a stream. "handshake-completed" fires once both checks
 * have passed.
 *
 * Datagrams arriving on any path are handed in with
 * pu_connection_receive_datagram(); sends go to the current path, which can
 * be replaced at any time without closing the connection.
 *
 * Errors are G_IO_ERROR: PERMISSION_DENIED (wrong or unauthorized peer),
 * CONNECTION_REFUSED (the peer refused us), TIMED_OUT (handshake or idle
 * timeout), CONNECTION_CLOSED (the peer closed), CLOSED (closed here).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-certificate.h"
#include "pu-path.h"
#include "pu-peer-id.h"
#include "pu-stream.h"

G_BEGIN_DECLS

#define PU_CONNECTION_ALPN "peerup/1"
#define PU_CONNECTION_IDLE_TIMEOUT_MS 30000

/* Whether the client presenting @peer may connect. */
typedef gboolean (*PuPeerAuthorizeFunc) (const PuPeerId *peer,
                                         gpointer        user_data);

#define PU_TYPE_CONNECTION (pu_connection_get_type ())
G_DECLARE_FINAL_TYPE (PuConnection, pu_connection, PU, CONNECTION, GObject)

/* Starts the handshake with @peer at the next main loop iteration. */
PuConnection   *pu_connection_new_client        (PuCertificate        *certificate,
                                                 const PuPeerId       *peer,
                                                 PuPath               *path,
                                                 GError              **error);
/* Waits for a client's first datagram. */
PuConnection   *pu_connection_new_server        (PuCertificate        *certificate,
                                                 PuPeerAuthorizeFunc   authorize,
                                                 gpointer              user_data,
                                                 GDestroyNotify        user_data_free,
                                                 PuPath               *path,
                                                 GError              **error);
/* Only before the handshake starts (right after construction). The effective
 * timeout is the smaller of both ends'; keep-alives go out at a third of it. */
void            pu_connection_set_idle_timeout  (PuConnection         *self,
                                                 guint                 msec);

void            pu_connection_receive_datagram  (PuConnection         *self,
                                                 const guint8         *data,
                                                 gsize                 len);
/* Datagrams that arrived together: cheaper than one call each. */
void            pu_connection_receive_datagrams (PuConnection         *self,
                                                 const PuDatagram     *datagrams,
                                                 guint                 n_datagrams);
/* Whether @data is a QUIC packet addressed to one of this connection's IDs:
 * how a dialer recognizes the first answer from a peer it reached through a
 * relay without knowing which of the peer's processes would take it. */
gboolean        pu_connection_owns_datagram     (PuConnection         *self,
                                                 const guint8         *data,
                                                 gsize                 len);
void            pu_connection_set_path          (PuConnection         *self,
                                                 PuPath               *path);
PuPath         *pu_connection_get_path          (PuConnection         *self);

gboolean        pu_connection_is_server         (PuConnection         *self);
/* The authenticated peer, or NULL before "handshake-completed". */
const PuPeerId *pu_connection_get_peer_id       (PuConnection         *self);
gboolean        pu_connection_is_established    (PuConnection         *self);
gboolean        pu_connection_is_closed         (PuConnection         *self);
/* QUIC's smoothed round-trip estimate in microseconds (at least 1), or 0
 * before the first measurement. */
gint64          pu_connection_get_rtt           (PuConnection         *self);

/* Completes once the handshake is done and the peer allows another stream. */
void            pu_connection_open_stream_async (PuConnection         *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
PuStream       *pu_connection_open_stream_finish (PuConnection        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Tells the peer (CONNECTION_CLOSE, no error) and fails every open stream;
 * emits "closed" with G_IO_ERROR_CLOSED. Data not yet acknowledged is lost:
 * close streams and wait for the peer's answer first when it matters. */
void            pu_connection_close             (PuConnection         *self);

G_END_DECLS
