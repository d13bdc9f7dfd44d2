/* pu-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-connection.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <netinet/in.h>
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <string.h>

#include "pu-connection-private.h"
#include "pu-stream-private.h"

/* TLS 1.3 only, AES-128-GCM first (GnuTLS's ChaCha20 is much slower on
 * machines with AES instructions), no middlebox compatibility mode in QUIC. */
#define TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:" \
  "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:%DISABLE_TLS13_COMPAT_MODE"

/* QUIC's datagram floor and our ceiling: every path carries 1200 bytes, and
 * none gets more than a 1500-byte MTU takes over IPv6 and UDP, the relay
 * included. A connection starts on the relay and may move to a direct path,
 * while ngtcp2 0.12 sizes congestion control by the packet size it is created
 * with: with direct-path packets everywhere its windows mean on the direct
 * path what they would for TCP. A relay carries several packets per frame. */
#define MIN_DATAGRAM 1200
#define MAX_DATAGRAM 1452
/* Packets written per pass and handed to the path in one call: a GSO
 * message's worth (64 KB). One pass per main loop iteration, so ACKs get in
 * between: ngtcp2 0.12 caps the congestion window near 2.89 times the
 * bandwidth times the *minimum* RTT, so every bit of RTT our own batching
 * adds costs throughput. */
#define BATCH_PACKETS 64
#define BATCH_BYTES (BATCH_PACKETS * MAX_DATAGRAM)
#define MAX_VECS 16
#define CID_LEN 18

/* The default 333 ms would pace the handshake for a third of a second. */
#define INITIAL_RTT (10 * NGTCP2_MILLISECONDS)
#define HANDSHAKE_TIMEOUT (15 * NGTCP2_SECONDS)
/* Windows start large and grow with the measured bandwidth-delay product;
 * the connection window bounds what all streams together may buffer. */
#define STREAM_WINDOW (1024 * 1024)
#define MAX_STREAM_WINDOW (16 * 1024 * 1024)
#define CONNECTION_WINDOW (4 * 1024 * 1024)
#define MAX_CONNECTION_WINDOW (32 * 1024 * 1024)
#define MAX_STREAMS 1024
#define TIMER_SLACK NGTCP2_MILLISECONDS

struct _PuConnection
{
  GObject                           parent_instance;

  gboolean                          is_server;
  PuCertificate                    *certificate;
  PuPeerId                          expected_peer;
  PuPeerAuthorizeFunc               authorize;
  gpointer                          authorize_data;
  GDestroyNotify                    authorize_data_free;
  PuPath                           *path;
  guint                             idle_timeout_ms;

  ngtcp2_conn                      *conn;
  ngtcp2_crypto_conn_ref            conn_ref;
  gnutls_session_t                  session;
  gnutls_certificate_credentials_t  cred;
  /* QUIC sees one fixed path; the real one lies below it and may change. */
  struct sockaddr_in6               local_addr;
  struct sockaddr_in6               remote_addr;
  ngtcp2_path                       qpath;
  GSource                          *source;
  gboolean                          write_pending;

  PuPeerId                          peer_id;
  gboolean                          peer_checked;
  GError                           *auth_error;
  gboolean                          established;
  gboolean                          established_announced;
  gboolean                          closed;
  gboolean                          closed_announced;
  GError                           *close_error;

  GHashTable                       *streams;      /* gint64 id → PuStream (owned) */
  GQueue                            send_queue;   /* streams with something to send */
  GQueue                            pending_opens; /* GTask */
  GPtrArray                        *incoming;     /* new peer streams to announce */
  GPtrArray                        *finished;     /* streams QUIC forgot, released later */

  guint8                           *tx_buf;       /* BATCH_BYTES */
};

G_DEFINE_FINAL_TYPE (PuConnection, pu_connection, G_TYPE_OBJECT)

enum {
  SIGNAL_HANDSHAKE_COMPLETED,
  SIGNAL_CLOSED,
  SIGNAL_INCOMING_STREAM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (PuConnection *self);

static ngtcp2_tstamp
now (void)
{
  return (ngtcp2_tstamp) g_get_monotonic_time () * NGTCP2_MICROSECONDS;
}

static void
random_cid (ngtcp2_cid *cid)
{
  guint8 data[CID_LEN];

  gnutls_rnd (GNUTLS_RND_NONCE, data, sizeof data);
  ngtcp2_cid_init (cid, data, sizeof data);
}

static gsize
datagram_size (PuConnection *self)
{
  return CLAMP (pu_path_get_max_datagram_size (self->path), MIN_DATAGRAM, MAX_DATAGRAM);
}

/* Records why the connection ended; the first reason wins. */
static void
set_closed (PuConnection *self,
            GError       *error)
{
  if (self->closed)
    {
      g_error_free (error);
      return;
    }

  self->closed = TRUE;
  self->close_error = error;
  schedule (self);
}

static PuStream *
lookup_stream (PuConnection *self,
               gint64        id)
{
  return g_hash_table_lookup (self->streams, &id);
}

static PuStream *
add_stream (PuConnection *self,
            gint64        id)
{
  PuStream *stream = _pu_stream_new (self, id);
  gint64 *key = g_new (gint64, 1);

  *key = id;
  g_hash_table_insert (self->streams, key, stream);
  return stream;
}

static gboolean
in_send_queue (PuConnection *self,
               PuStream     *stream)
{
  GList *link = _pu_stream_get_send_link (stream);

  return link->prev != NULL || link->next != NULL || self->send_queue.head == link;
}

static void
remove_from_send_queue (PuConnection *self,
                        PuStream     *stream)
{
  if (in_send_queue (self, stream))
    g_queue_unlink (&self->send_queue, _pu_stream_get_send_link (stream));
}

/* ngtcp2 callbacks. None of them emits signals or completes tasks: that
 * happens in dispatch_events(), once ngtcp2 has returned. */

static ngtcp2_conn *
get_conn (ngtcp2_crypto_conn_ref *ref)
{
  return ((PuConnection *) ref->user_data)->conn;
}

static void
rand_cb (uint8_t                *dest,
         size_t                  len,
         const ngtcp2_rand_ctx  *ctx)
{
  gnutls_rnd (GNUTLS_RND_RANDOM, dest, len);
}

static int
get_new_connection_id_cb (ngtcp2_conn *conn,
                          ngtcp2_cid  *cid,
                          uint8_t     *token,
                          size_t       cidlen,
                          void        *user_data)
{
  guint8 data[NGTCP2_MAX_CIDLEN];

  g_assert (cidlen <= sizeof data);
  gnutls_rnd (GNUTLS_RND_NONCE, data, cidlen);
  ngtcp2_cid_init (cid, data, cidlen);
  gnutls_rnd (GNUTLS_RND_NONCE, token, NGTCP2_STATELESS_RESET_TOKENLEN);
  return 0;
}

static int
handshake_completed_cb (ngtcp2_conn *conn,
                        void        *user_data)
{
  PuConnection *self = user_data;

  /* The server has checked the client by now. The client waits for
   * handshake_confirmed: only then has the server accepted it too. */
  if (self->is_server)
    self->established = TRUE;
  return 0;
}

static int
handshake_confirmed_cb (ngtcp2_conn *conn,
                        void        *user_data)
{
  ((PuConnection *) user_data)->established = TRUE;
  return 0;
}

static int
stream_open_cb (ngtcp2_conn *conn,
                int64_t      stream_id,
                void        *user_data)
{
  PuConnection *self = user_data;

  if (!ngtcp2_is_bidi_stream (stream_id))
    return NGTCP2_ERR_CALLBACK_FAILURE;

  g_ptr_array_add (self->incoming, g_object_ref (add_stream (self, stream_id)));
  return 0;
}

static int
recv_stream_data_cb (ngtcp2_conn   *conn,
                     uint32_t       flags,
                     int64_t        stream_id,
                     uint64_t       offset,
                     const uint8_t *data,
                     size_t         datalen,
                     void          *user_data,
                     void          *stream_user_data)
{
  PuConnection *self = user_data;
  PuStream *stream = lookup_stream (self, stream_id);

  if (stream == NULL)
    return NGTCP2_ERR_CALLBACK_FAILURE;

  _pu_stream_deliver (stream, data, datalen, (flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0);
  return 0;
}

static int
acked_stream_data_offset_cb (ngtcp2_conn *conn,
                             int64_t      stream_id,
                             uint64_t     offset,
                             uint64_t     datalen,
                             void        *user_data,
                             void        *stream_user_data)
{
  PuStream *stream = lookup_stream (user_data, stream_id);

  if (stream != NULL)
    _pu_stream_acked (stream, datalen);
  return 0;
}

static int
stream_close_cb (ngtcp2_conn *conn,
                 uint32_t     flags,
                 int64_t      stream_id,
                 uint64_t     app_error_code,
                 void        *user_data,
                 void        *stream_user_data)
{
  PuConnection *self = user_data;
  gpointer key, value;

  if (!g_hash_table_steal_extended (self->streams, &stream_id, &key, &value))
    return 0;

  g_free (key);
  remove_from_send_queue (self, value);
  _pu_stream_quic_closed (value);
  g_ptr_array_add (self->finished, value);

  /* Keep the peer's stream budget constant. */
  if (!ngtcp2_conn_is_local_stream (conn, stream_id))
    ngtcp2_conn_extend_max_streams_bidi (conn, 1);
  return 0;
}

static int
stream_reset_cb (ngtcp2_conn *conn,
                 int64_t      stream_id,
                 uint64_t     final_size,
                 uint64_t     app_error_code,
                 void        *user_data,
                 void        *stream_user_data)
{
  PuStream *stream = lookup_stream (user_data, stream_id);
  g_autoptr(GError) error = NULL;

  if (stream == NULL)
    return 0;

  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       _("The peer aborted the stream (code %" G_GUINT64_FORMAT ")"),
                       (guint64) app_error_code);
  _pu_stream_fail_read (stream, error);
  return 0;
}

static int
extend_max_stream_data_cb (ngtcp2_conn *conn,
                           int64_t      stream_id,
                           uint64_t     max_data,
                           void        *user_data,
                           void        *stream_user_data)
{
  PuConnection *self = user_data;
  PuStream *stream = lookup_stream (self, stream_id);

  if (stream != NULL && _pu_stream_has_unsent (stream) && !in_send_queue (self, stream))
    g_queue_push_tail_link (&self->send_queue, _pu_stream_get_send_link (stream));
  return 0;
}

static int
extend_max_local_streams_bidi_cb (ngtcp2_conn *conn,
                                  uint64_t     max_streams,
                                  void        *user_data)
{
  /* Pending opens are retried after every packet anyway. */
  return 0;
}

/* Runs while GnuTLS handles the peer's Certificate message: refusing here
 * aborts the handshake with an alert, before any stream can exist. */
static int
verify_peer_cb (gnutls_session_t session)
{
  ngtcp2_crypto_conn_ref *ref = gnutls_session_get_ptr (session);
  PuConnection *self = ref->user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  gnutls_datum_t alpn;
  PuPeerId id;

  if (gnutls_alpn_get_selected_protocol (session, &alpn) != 0 ||
      alpn.size != strlen (PU_CONNECTION_ALPN) ||
      memcmp (alpn.data, PU_CONNECTION_ALPN, alpn.size) != 0)
    {
      g_set_error_literal (&self->auth_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The peer does not speak the Peer Up protocol"));
      return -1;
    }

  if (!pu_certificate_peer_id_from_session (session, &id, &error))
    {
      g_set_error (&self->auth_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The peer's certificate was refused: %s"), error->message);
      return -1;
    }

  peer = pu_peer_id_to_string (&id);
  if (!self->is_server && !pu_peer_id_equal (&id, &self->expected_peer))
    {
      g_autofree char *expected = pu_peer_id_to_string (&self->expected_peer);

      g_set_error (&self->auth_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The device that answered is %s, not %s; check the peer ID and address"),
                   peer, expected);
      return -1;
    }

  if (self->is_server && !self->authorize (&id, self->authorize_data))
    {
      g_set_error (&self->auth_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Refused %s: not in authorized_keys (or expired); pair the devices first"),
                   peer);
      return -1;
    }

  self->peer_id = id;
  self->peer_checked = TRUE;
  return 0;
}

static const ngtcp2_callbacks client_callbacks = {
  .client_initial = ngtcp2_crypto_client_initial_cb,
  .recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb,
  .encrypt = ngtcp2_crypto_encrypt_cb,
  .decrypt = ngtcp2_crypto_decrypt_cb,
  .hp_mask = ngtcp2_crypto_hp_mask_cb,
  .recv_retry = ngtcp2_crypto_recv_retry_cb,
  .update_key = ngtcp2_crypto_update_key_cb,
  .delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb,
  .delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb,
  .get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb,
  .version_negotiation = ngtcp2_crypto_version_negotiation_cb,
  .rand = rand_cb,
  .get_new_connection_id = get_new_connection_id_cb,
  .handshake_completed = handshake_completed_cb,
  .handshake_confirmed = handshake_confirmed_cb,
  .stream_open = stream_open_cb,
  .recv_stream_data = recv_stream_data_cb,
  .acked_stream_data_offset = acked_stream_data_offset_cb,
  .stream_close = stream_close_cb,
  .stream_reset = stream_reset_cb,
  .extend_max_stream_data = extend_max_stream_data_cb,
  .extend_max_local_streams_bidi = extend_max_local_streams_bidi_cb,
};

static const ngtcp2_callbacks server_callbacks = {
  .recv_client_initial = ngtcp2_crypto_recv_client_initial_cb,
  .recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb,
  .encrypt = ngtcp2_crypto_encrypt_cb,
  .decrypt = ngtcp2_crypto_decrypt_cb,
  .hp_mask = ngtcp2_crypto_hp_mask_cb,
  .update_key = ngtcp2_crypto_update_key_cb,
  .delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb,
  .delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb,
  .get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb,
  .version_negotiation = ngtcp2_crypto_version_negotiation_cb,
  .rand = rand_cb,
  .get_new_connection_id = get_new_connection_id_cb,
  .handshake_completed = handshake_completed_cb,
  .stream_open = stream_open_cb,
  .recv_stream_data = recv_stream_data_cb,
  .acked_stream_data_offset = acked_stream_data_offset_cb,
  .stream_close = stream_close_cb,
  .stream_reset = stream_reset_cb,
  .extend_max_stream_data = extend_max_stream_data_cb,
  .extend_max_local_streams_bidi = extend_max_local_streams_bidi_cb,
};

static gboolean
tls_failed (GError     **error,
            const char  *what,
            int          ret)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
setup_tls (PuConnection  *self,
           GError       **error)
{
  gnutls_datum_t alpn = { (unsigned char *) PU_CONNECTION_ALPN, strlen (PU_CONNECTION_ALPN) };
  int ret;

  if ((ret = gnutls_certificate_allocate_credentials (&self->cred)) < 0)
    return tls_failed (error, "Could not set up TLS", ret);
  if (!pu_certificate_add_to_credentials (self->certificate, self->cred, error))
    return FALSE;

  if ((ret = gnutls_init (&self->session, (self->is_server ? GNUTLS_SERVER : GNUTLS_CLIENT) |
                          GNUTLS_NO_AUTO_SEND_TICKET | GNUTLS_NO_END_OF_EARLY_DATA)) < 0 ||
      (ret = gnutls_priority_set_direct (self->session, TLS_PRIORITY, NULL)) < 0 ||
      (ret = gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE, self->cred)) < 0 ||
      (ret = gnutls_alpn_set_protocols (self->session, &alpn, 1, GNUTLS_ALPN_MANDATORY)) < 0)
    return tls_failed (error, "Could not set up TLS", ret);

  if ((self->is_server ? ngtcp2_crypto_gnutls_configure_server_session (self->session)
                       : ngtcp2_crypto_gnutls_configure_client_session (self->session)) != 0)
    return tls_failed (error, "Could not set up QUIC on TLS", GNUTLS_E_INTERNAL_ERROR);

  if (self->is_server)
    gnutls_certificate_server_set_request (self->session, GNUTLS_CERT_REQUIRE);
  gnutls_session_set_verify_function (self->session, verify_peer_cb);
  self->conn_ref.get_conn = get_conn;
  self->conn_ref.user_data = self;
  gnutls_session_set_ptr (self->session, &self->conn_ref);
  ngtcp2_conn_set_tls_native_handle (self->conn, self->session);
  return TRUE;
}

static void
init_settings (PuConnection           *self,
               ngtcp2_settings        *settings,
               ngtcp2_transport_params *params)
{
  ngtcp2_settings_default (settings);
  settings->initial_ts = now ();
  settings->initial_rtt = INITIAL_RTT;
  settings->handshake_timeout = HANDSHAKE_TIMEOUT;
  settings->max_window = MAX_CONNECTION_WINDOW;
  settings->max_stream_window = MAX_STREAM_WINDOW;
  /* CUBIC, which does not pace. Across the NAT lab BBR and BBR2 (which pace)
   * did no better: direct at 1.03-1.05 and 0.97-1.01 of ssh -L, CUBIC at
   * 1.01-1.12, three to five runs each. */
  settings->cc_algo = NGTCP2_CC_ALGO_CUBIC;
  /* Packet size follows the current path (the buffer we write into), not a
   * discovery that a path switch would invalidate. Congestion control counts
   * in packets of MAX_DATAGRAM; a path with smaller packets (1232 bytes on
   * one that is not host to host) fills its windows with a few more. */
  settings->max_tx_udp_payload_size = datagram_size (self);
  settings->no_tx_udp_payload_size_shaping = 1;
  settings->no_pmtud = 1;

  ngtcp2_transport_params_default (params);
  params->initial_max_stream_data_bidi_local = STREAM_WINDOW;
  params->initial_max_stream_data_bidi_remote = STREAM_WINDOW;
  params->initial_max_data = CONNECTION_WINDOW;
  params->initial_max_streams_bidi = MAX_STREAMS;
  params->initial_max_streams_uni = 0;
  params->max_idle_timeout = (ngtcp2_duration) self->idle_timeout_ms * NGTCP2_MILLISECONDS;
  params->disable_active_migration = 1;
}

static void
after_conn_created (PuConnection *self)
{
  ngtcp2_conn_set_keep_alive_timeout (self->conn, (ngtcp2_duration) self->idle_timeout_ms *
                                                  NGTCP2_MILLISECONDS / 3);
}

static gboolean
start_client (PuConnection  *self,
              GError       **error)
{
  ngtcp2_settings settings;
  ngtcp2_transport_params params;
  ngtcp2_cid dcid, scid;
  int ret;

  init_settings (self, &settings, &params);
  random_cid (&dcid);
  random_cid (&scid);
  ret = ngtcp2_conn_client_new (&self->conn, &dcid, &scid, &self->qpath, NGTCP2_PROTO_VER_V1,
                                &client_callbacks, &settings, &params, NULL, self);
  if (ret != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not start QUIC: %s",
                   ngtcp2_strerror (ret));
      return FALSE;
    }

  after_conn_created (self);
  return setup_tls (self, error);
}

/* The server's QUIC state starts with the client's first Initial packet. */
static gboolean
start_server (PuConnection  *self,
              const guint8  *data,
              gsize          len)
{
  g_autoptr(GError) error = NULL;
  ngtcp2_settings settings;
  ngtcp2_transport_params params;
  ngtcp2_pkt_hd hd;
  ngtcp2_cid scid;
  int ret;

  if (ngtcp2_accept (&hd, data, len) != 0)
    return FALSE;

  init_settings (self, &settings, &params);
  params.original_dcid = hd.dcid;
  random_cid (&scid);
  ret = ngtcp2_conn_server_new (&self->conn, &hd.scid, &scid, &self->qpath, hd.version,
                                &server_callbacks, &settings, &params, NULL, self);
  if (ret != 0)
    {
      set_closed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "Could not accept QUIC: %s",
                                     ngtcp2_strerror (ret)));
      return FALSE;
    }

  after_conn_created (self);
  if (!setup_tls (self, &error))
    {
      set_closed (self, g_steal_pointer (&error));
      return FALSE;
    }

  return TRUE;
}

static void
send_packets (PuConnection *self,
              PuDatagram   *datagrams,
              guint         n)
{
  /* A path that is down drops; loss recovery or a new path takes over. */
  if (n > 0)
    pu_path_send (self->path, datagrams, n);
}

/* Tells the peer why we are leaving, in one packet. */
static void
send_connection_close (PuConnection                        *self,
                       const ngtcp2_connection_close_error *ccerr)
{
  ngtcp2_ssize n;
  PuDatagram datagram;

  if (self->conn == NULL || ngtcp2_conn_is_in_closing_period (self->conn) ||
      ngtcp2_conn_is_in_draining_period (self->conn))
    return;

  n = ngtcp2_conn_write_connection_close (self->conn, NULL, NULL, self->tx_buf,
                                          datagram_size (self), ccerr, now ());
  if (n > 0)
    {
      datagram.data = self->tx_buf;
      datagram.len = n;
      send_packets (self, &datagram, 1);
    }
}

/* An ngtcp2 call failed with @ret: close with the clearest reason we have. */
static void
fail (PuConnection *self,
      int           ret)
{
  ngtcp2_connection_close_error ccerr;

  if (self->auth_error != NULL)
    {
      /* Our check refused the peer: the alert tells it so. */
      ngtcp2_connection_close_error_set_transport_error_tls_alert (
        &ccerr, ngtcp2_conn_get_tls_alert (self->conn), NULL, 0);
      send_connection_close (self, &ccerr);
      set_closed (self, g_steal_pointer (&self->auth_error));
      return;
    }

  if (ret == NGTCP2_ERR_DRAINING || ret == NGTCP2_ERR_CLOSING)
    {
      ngtcp2_conn_get_connection_close_error (self->conn, &ccerr);
      if (ccerr.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_TRANSPORT &&
          (ccerr.error_code & ~(guint64) 0xff) == NGTCP2_CRYPTO_ERROR)
        set_closed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                       _("The peer refused the connection (%s); it may not "
                                         "have authorized this device yet"),
                                       gnutls_alert_get_strname (ccerr.error_code & 0xff)));
      else
        set_closed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                               _("The peer closed the connection")));
      return;
    }

  if (ret == NGTCP2_ERR_IDLE_CLOSE || ret == NGTCP2_ERR_HANDSHAKE_TIMEOUT)
    {
      set_closed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                             ret == NGTCP2_ERR_IDLE_CLOSE
                                               ? _("The peer stopped answering")
                                               : _("The peer did not answer the handshake")));
      return;
    }

  if (ret == NGTCP2_ERR_CRYPTO)
    ngtcp2_connection_close_error_set_transport_error_tls_alert (
      &ccerr, ngtcp2_conn_get_tls_alert (self->conn), NULL, 0);
  else
    ngtcp2_connection_close_error_set_transport_error_liberr (&ccerr, ret, NULL, 0);
  send_connection_close (self, &ccerr);
  set_closed (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("The connection failed: %s"), ngtcp2_strerror (ret)));
}

static void
stream_write_failed (PuConnection *self,
                     PuStream     *stream)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                                                 _("The peer stopped reading the stream"));

  remove_from_send_queue (self, stream);
  _pu_stream_fail_write (stream, error);
}

/* Writes up to a batch of packets (stream data round-robin, ACKs, control
 * frames) and hands them to the path in one call. Returns TRUE if it stopped
 * only because the batch was full. */
static gboolean
write_batch (PuConnection *self)
{
  PuDatagram datagrams[BATCH_PACKETS];
  gsize size = datagram_size (self);
  ngtcp2_tstamp ts = now ();
  guint max, n = 0;
  gsize quantum = ngtcp2_conn_get_send_quantum (self->conn);
  ngtcp2_pkt_info pi;

  max = CLAMP (quantum / size, 1, MIN (BATCH_PACKETS, BATCH_BYTES / size));

  while (n < max)
    {
      guint8 *buf = self->tx_buf + n * size;
      GList *link = self->send_queue.head;
      PuStream *stream = link != NULL ? link->data : NULL;
      ngtcp2_vec vecs[MAX_VECS];
      gsize nvecs = 0;
      gboolean fin = FALSE;
      ngtcp2_ssize written, accepted = -1;
      guint32 flags = NGTCP2_WRITE_STREAM_FLAG_MORE;

      if (stream != NULL && !_pu_stream_has_unsent (stream))
        {
          g_queue_unlink (&self->send_queue, link);
          continue;
        }
      if (stream != NULL)
        {
          nvecs = _pu_stream_peek_unsent (stream, vecs, MAX_VECS, &fin);
          if (fin)
            flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
        }

      written = ngtcp2_conn_writev_stream (self->conn, NULL, &pi, buf, size, &accepted, flags,
                                           stream != NULL ? pu_stream_get_id (stream) : -1,
                                           vecs, nvecs, ts);
      if (stream != NULL && accepted >= 0)
        {
          _pu_stream_sent (stream, accepted, fin);
          /* Round robin: whoever just sent goes to the back. */
          g_queue_unlink (&self->send_queue, link);
          if (_pu_stream_has_unsent (stream))
            g_queue_push_tail_link (&self->send_queue, link);
        }

      if (written == NGTCP2_ERR_WRITE_MORE)
        continue;
      if (written == NGTCP2_ERR_STREAM_DATA_BLOCKED)
        {
          /* Back in the queue when the peer extends its window. */
          remove_from_send_queue (self, stream);
          continue;
        }
      if (written == NGTCP2_ERR_STREAM_SHUT_WR || written == NGTCP2_ERR_STREAM_NOT_FOUND)
        {
          stream_write_failed (self, stream);
          continue;
        }
      if (written < 0)
        {
          fail (self, written);
          return FALSE;
        }
      if (written == 0)
        break;

      datagrams[n].data = buf;
      datagrams[n].len = written;
      n++;
    }

  send_packets (self, datagrams, n);
  ngtcp2_conn_update_pkt_tx_time (self->conn, ts);
  return n == max;
}

static void
try_open_streams (PuConnection *self)
{
  GTask *task;

  while (self->established && (task = g_queue_peek_head (&self->pending_opens)) != NULL)
    {
      gint64 id;

      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (g_queue_pop_head (&self->pending_opens));
          continue;
        }
      if (ngtcp2_conn_open_bidi_stream (self->conn, &id, NULL) != 0)
        return;  /* blocked until the peer allows more */

      g_queue_pop_head (&self->pending_opens);
      g_task_return_pointer (task, g_object_ref (add_stream (self, id)), g_object_unref);
      g_object_unref (task);
    }
}

static void
fail_everything (PuConnection *self)
{
  GHashTableIter iter;
  gpointer value;
  GTask *task;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _pu_stream_detach (value, self->close_error);
  g_queue_init (&self->send_queue);
  g_hash_table_remove_all (self->streams);

  while ((task = g_queue_pop_head (&self->pending_opens)) != NULL)
    {
      g_task_return_error (task, g_error_copy (self->close_error));
      g_object_unref (task);
    }
}

/* Signals, task completions and releases, once no ngtcp2 call is running. */
static void
dispatch_events (PuConnection *self)
{
  /* Signal handlers may drop the last reference. */
  g_object_ref (self);
  g_ptr_array_set_size (self->finished, 0);

  if (self->established && !self->established_announced && !self->closed)
    {
      self->established_announced = TRUE;
      g_signal_emit (self, signals[SIGNAL_HANDSHAKE_COMPLETED], 0);
    }

  while (self->incoming->len > 0 && !self->closed)
    {
      g_autoptr(PuStream) stream = g_ptr_array_steal_index (self->incoming, 0);

      /* A client the server refused never reaches this point. */
      if (self->peer_checked)
        g_signal_emit (self, signals[SIGNAL_INCOMING_STREAM], 0, stream);
    }

  if (!self->closed)
    try_open_streams (self);

  if (self->closed && !self->closed_announced)
    {
      self->closed_announced = TRUE;
      g_ptr_array_set_size (self->incoming, 0);
      fail_everything (self);
      g_clear_pointer (&self->source, g_source_destroy);
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0, self->close_error);
    }
  g_object_unref (self);
}

/* The source is ready at once when there is something to write: a flag the
 * main loop checks before it sleeps, so asking costs no wakeup (every
 * datagram received asks). Otherwise it runs at ngtcp2's next deadline
 * (retransmission, ACK delay, pacing, idle), its ready time. */
typedef struct {
  GSource       parent;
  PuConnection *connection;  /* not owned: the connection destroys the source */
} ConnectionSource;

static void
update_timer (PuConnection *self)
{
  ngtcp2_tstamp expiry;

  if (self->source == NULL)
    return;

  expiry = self->conn != NULL ? ngtcp2_conn_get_expiry (self->conn) : UINT64_MAX;
  if (expiry == UINT64_MAX)
    g_source_set_ready_time (self->source, -1);
  else if (expiry < now () + TIMER_SLACK)
    /* The main loop sleeps in whole milliseconds, while pacing on a fast
     * path asks for microseconds: run again at once rather than idle. */
    g_source_set_ready_time (self->source, 0);
  else
    g_source_set_ready_time (self->source, (gint64) (expiry / NGTCP2_MICROSECONDS));
}

/* Only ever called in the thread of the connection's main context. */
static void
schedule (PuConnection *self)
{
  self->write_pending = TRUE;
}

static gboolean
source_prepare (GSource *source,
                gint    *timeout)
{
  *timeout = -1;
  return ((ConnectionSource *) source)->connection->write_pending;
}

static gboolean
source_check (GSource *source)
{
  return ((ConnectionSource *) source)->connection->write_pending;
}

static gboolean
source_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs source_funcs = {
  source_prepare, source_check, source_dispatch, NULL, NULL, NULL
};

static gboolean
on_source (gpointer user_data)
{
  PuConnection *self = user_data;
  g_autoptr(GError) error = NULL;
  int ret;

  self->write_pending = FALSE;

  if (!self->closed && self->conn == NULL && !self->is_server &&
      !start_client (self, &error))
    set_closed (self, g_steal_pointer (&error));

  if (!self->closed && self->conn != NULL)
    {
      ngtcp2_tstamp ts = now ();

      if (ngtcp2_conn_get_expiry (self->conn) <= ts &&
          (ret = ngtcp2_conn_handle_expiry (self->conn, ts)) != 0)
        fail (self, ret);
      else if (write_batch (self))
        /* One full batch, then let incoming packets (ACKs) in. */
        self->write_pending = TRUE;
    }

  dispatch_events (self);
  update_timer (self);
  return G_SOURCE_CONTINUE;
}

void
pu_connection_receive_datagram (PuConnection *self,
                                const guint8 *data,
                                gsize         len)
{
  PuDatagram datagram = { data, len };

  g_return_if_fail (data != NULL || len == 0);

  pu_connection_receive_datagrams (self, &datagram, 1);
}

void
pu_connection_receive_datagrams (PuConnection     *self,
                                 const PuDatagram *datagrams,
                                 guint             n_datagrams)
{
  gboolean read = FALSE;

  g_return_if_fail (PU_IS_CONNECTION (self));
  g_return_if_fail (datagrams != NULL || n_datagrams == 0);

  if (self->closed)
    return;
  /* All of them in, then one round of events; the answer is written once,
   * from the source. */
  for (guint i = 0; i < n_datagrams && !self->closed; i++)
    {
      ngtcp2_pkt_info pi = { 0 };
      int ret;

      if (self->conn == NULL &&
          (!self->is_server || !start_server (self, datagrams[i].data, datagrams[i].len)))
        continue;

      ret = ngtcp2_conn_read_pkt (self->conn, &self->qpath, &pi, datagrams[i].data,
                                  datagrams[i].len, now ());
      read = TRUE;
      if (ret != 0 && ret != NGTCP2_ERR_DISCARD_PKT)
        fail (self, ret);
      else if (self->auth_error != NULL)
        fail (self, NGTCP2_ERR_CRYPTO);
    }

  if (read)
    schedule (self);
  dispatch_events (self);
}

void
_pu_connection_stream_consumed (PuConnection *self,
                                PuStream     *stream,
                                gsize         len,
                                gboolean      stream_window)
{
  if (self->closed || self->conn == NULL)
    return;

  if (stream_window)
    ngtcp2_conn_extend_max_stream_offset (self->conn, pu_stream_get_id (stream), len);
  ngtcp2_conn_extend_max_offset (self->conn, len);
  schedule (self);
}

void
_pu_connection_stream_ready (PuConnection *self,
                             PuStream     *stream)
{
  if (self->closed)
    return;

  if (!in_send_queue (self, stream))
    g_queue_push_tail_link (&self->send_queue, _pu_stream_get_send_link (stream));
  schedule (self);
}

void
_pu_connection_stream_shutdown (PuConnection *self,
                                PuStream     *stream,
                                gboolean      read,
                                gboolean      write)
{
  gint64 id = pu_stream_get_id (stream);

  if (self->closed || self->conn == NULL)
    return;

  if (read)
    ngtcp2_conn_shutdown_stream_read (self->conn, id, PU_STREAM_ERROR_ABORTED);
  if (write)
    {
      ngtcp2_conn_shutdown_stream_write (self->conn, id, PU_STREAM_ERROR_ABORTED);
      remove_from_send_queue (self, stream);
    }
  schedule (self);
}

static void
pu_connection_dispose (GObject *object)
{
  PuConnection *self = PU_CONNECTION (object);

  if (!self->closed)
    pu_connection_close (self);

  G_OBJECT_CLASS (pu_connection_parent_class)->dispose (object);
}

static void
pu_connection_finalize (GObject *object)
{
  PuConnection *self = PU_CONNECTION (object);

  g_clear_pointer (&self->source, g_source_destroy);
  g_clear_pointer (&self->conn, ngtcp2_conn_del);
  g_clear_pointer (&self->session, gnutls_deinit);
  g_clear_pointer (&self->cred, gnutls_certificate_free_credentials);
  g_clear_object (&self->certificate);
  g_clear_object (&self->path);
  if (self->authorize_data_free != NULL)
    self->authorize_data_free (self->authorize_data);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_clear_error (&self->auth_error);
  g_clear_error (&self->close_error);
  g_free (self->tx_buf);

  G_OBJECT_CLASS (pu_connection_parent_class)->finalize (object);
}

static void
pu_connection_class_init (PuConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_connection_dispose;
  object_class->finalize = pu_connection_finalize;

  /**
   * PuConnection::handshake-completed:
   *
   * Both ends are authenticated; streams can be opened.
   */
  signals[SIGNAL_HANDSHAKE_COMPLETED] =
    g_signal_new ("handshake-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PuConnection::closed:
   * @error: why (a GError, never %NULL)
   *
   * Emitted once; every stream has failed by then.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * PuConnection::incoming-stream:
   * @stream: the stream the peer opened
   *
   * Take a reference to keep it; the stream lives until both directions
   * have finished.
   */
  signals[SIGNAL_INCOMING_STREAM] =
    g_signal_new ("incoming-stream", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PU_TYPE_STREAM);
}

static void
pu_connection_init (PuConnection *self)
{
  self->idle_timeout_ms = PU_CONNECTION_IDLE_TIMEOUT_MS;
  self->streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
  self->tx_buf = g_malloc (BATCH_BYTES);

  /* Fixed documentation addresses (RFC 3849): QUIC never sees the real path. */
  self->local_addr.sin6_family = AF_INET6;
  self->local_addr.sin6_port = g_htons (1);
  self->remote_addr.sin6_family = AF_INET6;
  self->remote_addr.sin6_port = g_htons (2);
  self->local_addr.sin6_addr.s6_addr[0] = self->remote_addr.sin6_addr.s6_addr[0] = 0x20;
  self->local_addr.sin6_addr.s6_addr[1] = self->remote_addr.sin6_addr.s6_addr[1] = 0x01;
  self->local_addr.sin6_addr.s6_addr[2] = self->remote_addr.sin6_addr.s6_addr[2] = 0x0d;
  self->local_addr.sin6_addr.s6_addr[3] = self->remote_addr.sin6_addr.s6_addr[3] = 0xb8;
  self->qpath.local.addr = (ngtcp2_sockaddr *) &self->local_addr;
  self->qpath.local.addrlen = sizeof self->local_addr;
  self->qpath.remote.addr = (ngtcp2_sockaddr *) &self->remote_addr;
  self->qpath.remote.addrlen = sizeof self->remote_addr;

  self->source = g_source_new (&source_funcs, sizeof (ConnectionSource));
  ((ConnectionSource *) self->source)->connection = self;
  g_source_set_static_name (self->source, "PuConnection");
  g_source_set_callback (self->source, on_source, self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  g_source_unref (self->source);
}

static PuConnection *
connection_new (gboolean        is_server,
                PuCertificate  *certificate,
                PuPath         *path)
{
  PuConnection *self = g_object_new (PU_TYPE_CONNECTION, NULL);

  self->is_server = is_server;
  self->certificate = g_object_ref (certificate);
  self->path = g_object_ref (path);
  return self;
}

PuConnection *
pu_connection_new_client (PuCertificate  *certificate,
                          const PuPeerId *peer,
                          PuPath         *path,
                          GError        **error)
{
  PuConnection *self;

  g_return_val_if_fail (PU_IS_CERTIFICATE (certificate), NULL);
  g_return_val_if_fail (peer != NULL, NULL);
  g_return_val_if_fail (PU_IS_PATH (path), NULL);

  self = connection_new (FALSE, certificate, path);
  self->expected_peer = *peer;
  schedule (self);
  return self;
}

PuConnection *
pu_connection_new_server (PuCertificate        *certificate,
                          PuPeerAuthorizeFunc   authorize,
                          gpointer              user_data,
                          GDestroyNotify        user_data_free,
                          PuPath               *path,
                          GError              **error)
{
  PuConnection *self;

  g_return_val_if_fail (PU_IS_CERTIFICATE (certificate), NULL);
  g_return_val_if_fail (authorize != NULL, NULL);
  g_return_val_if_fail (PU_IS_PATH (path), NULL);

  self = connection_new (TRUE, certificate, path);
  self->authorize = authorize;
  self->authorize_data = user_data;
  self->authorize_data_free = user_data_free;
  return self;
}

void
pu_connection_set_idle_timeout (PuConnection *self,
                                guint         msec)
{
  g_return_if_fail (PU_IS_CONNECTION (self));
  g_return_if_fail (self->conn == NULL);
  g_return_if_fail (msec > 0);

  self->idle_timeout_ms = msec;
}

/* What was in flight on the old path is likely lost, and the retransmission
 * timer may have backed off for seconds while that path was dying: fire it
 * now, so probes go out on the new path and the peer's ACKs show the losses
 * within a round trip. ngtcp2 0.12 has no call for that, so the timer is run
 * at its own deadline, unless the idle timeout might come first. */
static void
kick_loss_detection (PuConnection *self)
{
  ngtcp2_conn_stat cstat;
  ngtcp2_tstamp ts = now ();
  int ret;

  if (self->closed || self->conn == NULL || !ngtcp2_conn_get_handshake_completed (self->conn))
    return;
  ngtcp2_conn_get_conn_stat (self->conn, &cstat);
  if (cstat.loss_detection_timer == UINT64_MAX ||
      cstat.loss_detection_timer >= ts + (ngtcp2_duration) self->idle_timeout_ms *
                                         NGTCP2_MILLISECONDS / 2)
    return;
  ret = ngtcp2_conn_handle_expiry (self->conn, MAX (ts, cstat.loss_detection_timer));
  if (ret != 0)
    fail (self, ret);
  dispatch_events (self);
  update_timer (self);
}

void
pu_connection_set_path (PuConnection *self,
                        PuPath       *path)
{
  g_return_if_fail (PU_IS_CONNECTION (self));
  g_return_if_fail (PU_IS_PATH (path));

  if (self->path == path)
    return;
  g_set_object (&self->path, path);
  kick_loss_detection (self);
  schedule (self);
}

PuPath *
pu_connection_get_path (PuConnection *self)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), NULL);

  return self->path;
}

gboolean
pu_connection_is_server (PuConnection *self)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), FALSE);

  return self->is_server;
}

const PuPeerId *
pu_connection_get_peer_id (PuConnection *self)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), NULL);

  return self->established_announced ? &self->peer_id : NULL;
}

gboolean
pu_connection_is_established (PuConnection *self)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), FALSE);

  return self->established_announced && !self->closed;
}

gboolean
pu_connection_is_closed (PuConnection *self)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), FALSE);

  return self->closed;
}

gint64
pu_connection_get_rtt (PuConnection *self)
{
  ngtcp2_conn_stat stat;

  g_return_val_if_fail (PU_IS_CONNECTION (self), 0);

  if (self->conn == NULL)
    return 0;
  ngtcp2_conn_get_conn_stat (self->conn, &stat);
  /* Before a sample, smoothed_rtt is only the configured initial guess. */
  if (stat.first_rtt_sample_ts == UINT64_MAX)
    return 0;
  return MAX (stat.smoothed_rtt / NGTCP2_MICROSECONDS, 1);
}

gboolean
pu_connection_owns_datagram (PuConnection *self,
                             const guint8 *data,
                             gsize         len)
{
  ngtcp2_version_cid vc;
  ngtcp2_cid scids[16];
  gsize n;

  g_return_val_if_fail (PU_IS_CONNECTION (self), FALSE);

  if (self->conn == NULL || self->closed ||
      ngtcp2_pkt_decode_version_cid (&vc, data, len, CID_LEN) != 0)
    return FALSE;
  if (ngtcp2_conn_get_num_scid (self->conn) > G_N_ELEMENTS (scids))
    return FALSE;

  n = ngtcp2_conn_get_scid (self->conn, scids);
  for (gsize i = 0; i < n; i++)
    if (scids[i].datalen == vc.dcidlen && memcmp (scids[i].data, vc.dcid, vc.dcidlen) == 0)
      return TRUE;
  return FALSE;
}

void
pu_connection_open_stream_async (PuConnection        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PU_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_connection_open_stream_async);
  g_task_set_check_cancellable (task, TRUE);

  if (self->closed)
    {
      g_task_return_error (task, g_error_copy (self->close_error));
      return;
    }

  g_queue_push_tail (&self->pending_opens, g_steal_pointer (&task));
  schedule (self);
}

PuStream *
pu_connection_open_stream_finish (PuConnection  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (PU_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pu_connection_close (PuConnection *self)
{
  ngtcp2_connection_close_error ccerr;

  g_return_if_fail (PU_IS_CONNECTION (self));

  if (self->closed)
    return;

  ngtcp2_connection_close_error_set_application_error (&ccerr, 0, NULL, 0);
  send_connection_close (self, &ccerr);
  set_closed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                         _("The connection was closed")));
  dispatch_events (self);
}
