/* pu-relay-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-client.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <string.h>

#include "pu-certificate.h"
#include "pu-error.h"
#include "pu-relay-frame.h"
#include "pu-version.h"

/* The HTTP response to the upgrade, headers only; more is not a relay. */
#define RESPONSE_MAX 8192
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Datagrams handed over per ::packets emission; a frame of QUIC packets
 * holds at most 13. */
#define RX_BATCH 32

typedef enum {
  STATE_IDLE,        /* stopped */
  STATE_WAITING,     /* backing off before the next attempt */
  STATE_CONNECTING,  /* TCP, TLS and the WebSocket upgrade */
  STATE_AUTHENTICATING,
  STATE_CONNECTED,
} State;

struct _PuRelayClient
{
  GObject                  parent_instance;

  PuIdentity              *identity;
  PuRelayAddr             *relay;
  char                    *address;  /* "host:port", for messages */
  gboolean                 serving;
  gboolean                 pairing;
  gboolean                 pinned;   /* else the first relay key seen is kept */
  guint64                  instance;
  GMainContext            *context;

  State                    state;
  guint                    attempts;
  GCancellable            *cancellable;
  GIOStream               *tls;       /* during the upgrade */
  char                    *request;   /* the upgrade request */
  char                    *accept;    /* the Sec-WebSocket-Accept it calls for */
  guint8                  *response;  /* what came back so far: RESPONSE_MAX bytes */
  gsize                    response_len;
  PuWebsocket             *ws;
  gboolean                 batch;      /* the relay takes PACKETS frames */
  guint8                  *batch_buf;  /* PU_RELAY_PAYLOAD_MAX, while batch */
  GSource                 *timer;      /* backoff, or the keepalive tick */
  gint64                   started_at; /* of the current attempt */
  gint64                   last_rx;
  guint64                  ping_cookie;
  guint64                  keepalive_cookie; /* of the PING awaiting its PONG, or 0 */
  gint64                   keepalive_sent;
  gint64                   rtt;              /* last measured round trip, 0 before */
  /* GTask of pu_relay_client_ping_async, oldest first; each task's data is
   * its Ping */
  GQueue                   pings;
  /* why the current attempt or connection is failing, for ::disconnected */
  GError                  *error;
  /* the relay's TURN server and credentials for it (a TURN frame), or NULL */
  PuRelayTurn             *turn;
};

G_DEFINE_FINAL_TYPE (PuRelayClient, pu_relay_client, G_TYPE_OBJECT)

enum {
  SIGNAL_CONNECTED,
  SIGNAL_DISCONNECTED,
  SIGNAL_PACKETS,
  SIGNAL_SIGNAL,
  SIGNAL_SPONSORED,
  SIGNAL_NAMEPLATE,
  SIGNAL_MEMBERS,
  SIGNAL_ABSENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  guint64 cookie;
  gint64  sent;
} Ping;

static void connect_now (PuRelayClient *self);

/* Fails every measurement still waiting for its PONG. */
static void
fail_pings (PuRelayClient *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->pings)) != NULL)
    {
      g_task_return_new_error (task, PU_ERROR, PU_ERROR_FAILED,
                               _("The connection to the relay at %s ended before it answered"),
                               self->address);
      g_object_unref (task);
    }
}

static void
stop_timer (PuRelayClient *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static void
start_timer (PuRelayClient *self,
             guint          ms,
             GSourceFunc    func)
{
  stop_timer (self);
  self->timer = g_timeout_source_new (ms);
  g_source_set_callback (self->timer, func, self, NULL);
  g_source_attach (self->timer, self->context);
}

static void
set_error (PuRelayClient *self,
           GError        *error)
{
  /* The first reason is the real one; what follows is its consequence. */
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

static void
drop_connection (PuRelayClient *self)
{
  fail_pings (self);
  self->keepalive_cookie = 0;
  self->rtt = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->tls != NULL)
    g_io_stream_close_async (self->tls, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->tls);
  g_clear_pointer (&self->request, g_free);
  g_clear_pointer (&self->accept, g_free);
  g_clear_pointer (&self->response, g_free);
  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      pu_websocket_close (self->ws, PU_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }
}

static gboolean
retry_cb (gpointer data)
{
  PuRelayClient *self = data;

  g_clear_pointer (&self->timer, g_source_unref);
  connect_now (self);
  return G_SOURCE_REMOVE;
}

/* Ends the attempt or connection, tells listeners why and schedules the next
 * attempt: MIN .. MAX milliseconds, doubling, each wait picked at random in
 * its upper half so many nodes do not return to a relay at the same moment. */
static void
fail (PuRelayClient *self)
{
  g_autoptr(GError) error = g_steal_pointer (&self->error);
  guint delay = PU_RELAY_BACKOFF_MIN_MS;

  drop_connection (self);
  stop_timer (self);

  for (guint i = 0; i < self->attempts && delay < PU_RELAY_BACKOFF_MAX_MS / 2; i++)
    delay *= 2;
  delay = MIN (delay, PU_RELAY_BACKOFF_MAX_MS);
  delay = delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1);
  self->attempts++;
  self->state = STATE_WAITING;
  start_timer (self, delay, retry_cb);

  if (error == NULL)
    error = g_error_new (PU_ERROR, PU_ERROR_FAILED,
                         _("The connection to the relay at %s was lost; reconnecting"),
                         self->address);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
}

static gboolean
send_frame (PuRelayClient      *self,
            const PuRelayFrame *frame,
            gboolean            may_drop,
            GError            **error)
{
  if (self->state != STATE_CONNECTED && frame->type != PU_RELAY_FRAME_AUTH)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_FAILED,
                   _("Not connected to the relay at %s yet; try again shortly"), self->address);
      return FALSE;
    }
  return pu_relay_frame_send (self->ws, frame, may_drop, error);
}

/* Keeps the connection alive and measures its round trip. */
static void
send_keepalive (PuRelayClient *self)
{
  PuRelayFrame ping = { .type = PU_RELAY_FRAME_PING, .cookie = ++self->ping_cookie };

  self->keepalive_cookie = ping.cookie;
  self->keepalive_sent = g_get_monotonic_time ();
  send_frame (self, &ping, TRUE, NULL);
}

static gboolean
tick_cb (gpointer data)
{
  PuRelayClient *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->state == STATE_CONNECTING &&
      now - self->started_at > PU_RELAY_CONNECT_TIMEOUT_SECONDS * G_USEC_PER_SEC)
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s did not answer; check the address and "
                                      "that the relay runs"), self->address));
      g_clear_pointer (&self->timer, g_source_unref);
      fail (self);
      return G_SOURCE_REMOVE;
    }
  if (self->ws != NULL && now - self->last_rx > PU_RELAY_DEAD_SECONDS * G_USEC_PER_SEC)
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s stopped answering; reconnecting"),
                                    self->address));
      g_clear_pointer (&self->timer, g_source_unref);
      fail (self);
      return G_SOURCE_REMOVE;
    }
  if (self->state == STATE_CONNECTED)
    send_keepalive (self);
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (PuRelayClient *self)
{
  stop_timer (self);
  self->timer = g_timeout_source_new_seconds (MIN (PU_RELAY_KEEPALIVE_SECONDS,
                                                   PU_RELAY_CONNECT_TIMEOUT_SECONDS));
  g_source_set_callback (self->timer, tick_cb, self, NULL);
  g_source_attach (self->timer, self->context);
}

/* Only the pinned key will do, whoever signed the certificate. */
static gboolean
certificate_is_pinned (PuRelayClient   *self,
                       GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GError) error = NULL;
  PuPeerId presented;

  if (certificate == NULL)
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s presented no certificate"),
                                    self->address));
      return FALSE;
    }
  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL || !pu_certificate_peer_id_from_der (der->data, der->len, &presented, &error))
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s is not a Peer Up relay: %s"),
                                    self->address, error != NULL ? error->message : "?"));
      return FALSE;
    }
  if (!self->pinned)
    {
      self->relay->peer_id = presented;
      self->relay->has_peer_id = TRUE;
      self->pinned = TRUE;
    }
  if (!pu_peer_id_equal (&presented, &self->relay->peer_id))
    {
      g_autofree char *got = pu_peer_id_to_string (&presented);
      g_autofree char *want = pu_peer_id_to_string (&self->relay->peer_id);

      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s is %s, not the pinned %s; check the "
                                      "relay address and its peer ID"),
                                    self->address, got, want));
      return FALSE;
    }
  return TRUE;
}

static gboolean
accept_certificate_cb (GTlsConnection       *tls,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return certificate_is_pinned (data, certificate);
}

static void
socket_event_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 gpointer            data)
{
  /* Packets go out as they come: Nagle's algorithm would hold small ones
   * (acknowledgements, pings) back for the peer's delayed ACK. */
  if (event == G_SOCKET_CLIENT_CONNECTED)
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)),
                         IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  /* Only a certificate that fails ordinary validation comes here; one that
   * passes is checked once connected. */
  else if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect_object (connection, "accept-certificate",
                             G_CALLBACK (accept_certificate_cb), data, 0);
}

static void
handle_challenge (PuRelayClient      *self,
                  const PuRelayFrame *challenge)
{
  PuRelayFrame auth = {
    .type = PU_RELAY_FRAME_AUTH,
    .peer = *pu_identity_get_peer_id (self->identity),
    .instance = self->instance,
    .serving = self->serving,
    .pairing = self->pairing,
  };
  guint8 transcript[PU_RELAY_AUTH_TRANSCRIPT_LEN];

  if (!pu_peer_id_equal (&challenge->peer, &self->relay->peer_id))
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s challenged for another relay key; "
                                      "check the relay address"), self->address));
      fail (self);
      return;
    }
  pu_relay_frame_auth_transcript (challenge->nonce, &self->relay->peer_id, self->instance,
                                  self->serving, self->pairing, transcript);
  pu_identity_sign (self->identity, transcript, sizeof transcript, auth.signature);
  self->state = STATE_AUTHENTICATING;
  send_frame (self, &auth, FALSE, NULL);
}

static void
on_message (PuWebsocket *ws,
            GBytes      *message,
            gpointer     data)
{
  PuRelayClient *self = data;
  g_autoptr(GError) error = NULL;
  PuRelayFrame frame;
  gsize len;
  const guint8 *raw = g_bytes_get_data (message, &len);

  self->last_rx = g_get_monotonic_time ();

  if (!pu_relay_frame_decode (raw, len, &frame, &error))
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s sent a bad message: %s"), self->address,
                                    error->message));
      fail (self);
      return;
    }

  switch (frame.type)
    {
    case PU_RELAY_FRAME_CHALLENGE:
      if (self->state == STATE_CONNECTING)
        {
          handle_challenge (self, &frame);
          return;
        }
      break;

    case PU_RELAY_FRAME_WELCOME:
      if (self->state == STATE_AUTHENTICATING)
        {
          self->state = STATE_CONNECTED;
          self->attempts = 0;
          /* The round trip is known from the start. */
          send_keepalive (self);
          g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
          return;
        }
      break;

    case PU_RELAY_FRAME_ERROR:
      /* The relay closes right after; ::disconnected carries this. */
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("The relay at %s refused this device: %s"),
                                    self->address, frame.message));
      return;

    case PU_RELAY_FRAME_PACKETS:
      if (self->state == STATE_CONNECTED)
        {
          PuDatagram datagrams[RX_BATCH];
          gsize offset = 0, size;
          guint n = 0;
          const guint8 *datagram;

          /* One emission hands over many datagrams, in place in the frame. */
          while (pu_relay_frame_batch_next (&frame, &offset, &datagram, &size))
            {
              datagrams[n++] = (PuDatagram) { datagram, size };
              if (n == RX_BATCH)
                {
                  g_signal_emit (self, signals[SIGNAL_PACKETS], 0, &frame.peer, frame.instance,
                                 datagrams, n);
                  n = 0;
                }
            }
          if (n > 0)
            g_signal_emit (self, signals[SIGNAL_PACKETS], 0, &frame.peer, frame.instance,
                           datagrams, n);
          return;
        }
      break;

    case PU_RELAY_FRAME_PACKET:
      if (self->state == STATE_CONNECTED)
        {
          PuDatagram datagram = { frame.payload, frame.payload_len };

          g_signal_emit (self, signals[SIGNAL_PACKETS], 0, &frame.peer, frame.instance,
                         &datagram, 1);
          return;
        }
      break;

    case PU_RELAY_FRAME_SIGNAL:
      if (self->state == STATE_CONNECTED)
        {
          g_autoptr(GBytes) payload = g_bytes_new_from_bytes (message,
                                                              PU_RELAY_FRAME_ADDR_LEN,
                                                              frame.payload_len);

          g_signal_emit (self, signals[SIGNAL_SIGNAL], 0, &frame.peer, frame.instance, payload);
          return;
        }
      break;

    case PU_RELAY_FRAME_SPONSORED:
      if (self->state == STATE_CONNECTED)
        {
          g_signal_emit (self, signals[SIGNAL_SPONSORED], 0, &frame.peer, (guint) frame.status);
          return;
        }
      break;

    case PU_RELAY_FRAME_MEMBERS:
      if (self->state == STATE_CONNECTED)
        {
          g_signal_emit (self, signals[SIGNAL_MEMBERS], 0, (guint) frame.status,
                         frame.members, frame.n_members);
          return;
        }
      break;

    case PU_RELAY_FRAME_TURN:
      if (self->state == STATE_CONNECTED)
        {
          g_free (self->turn);
          self->turn = g_memdup2 (&frame.turn, sizeof frame.turn);
          return;
        }
      break;

    case PU_RELAY_FRAME_ABSENT:
      if (self->state == STATE_CONNECTED)
        {
          g_signal_emit (self, signals[SIGNAL_ABSENT], 0, &frame.peer, frame.instance);
          return;
        }
      break;

    case PU_RELAY_FRAME_NAMEPLATE:
      if (self->state == STATE_CONNECTED)
        {
          g_signal_emit (self, signals[SIGNAL_NAMEPLATE], 0, (guint) frame.nameplate,
                         frame.status == 0 ? &frame.peer : NULL, frame.instance);
          return;
        }
      break;

    case PU_RELAY_FRAME_PING:
      if (self->state == STATE_CONNECTED)
        {
          frame.type = PU_RELAY_FRAME_PONG;
          send_frame (self, &frame, TRUE, NULL);
          return;
        }
      break;

    case PU_RELAY_FRAME_PONG:
      if (frame.cookie != 0 && frame.cookie == self->keepalive_cookie)
        {
          self->rtt = MAX (g_get_monotonic_time () - self->keepalive_sent, 1);
          self->keepalive_cookie = 0;
          return;
        }
      for (GList *l = self->pings.head; l != NULL; l = l->next)
        {
          GTask *task = l->data;
          Ping *ping = g_task_get_task_data (task);

          if (ping->cookie == frame.cookie)
            {
              self->rtt = MAX (g_get_monotonic_time () - ping->sent, 1);
              g_queue_delete_link (&self->pings, l);
              g_task_return_int (task, self->rtt);
              g_object_unref (task);
              break;
            }
        }
      return;

    default:
      break;
    }

  set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                _("The relay at %s broke the protocol; reconnecting"),
                                self->address));
  fail (self);
}

/* Nothing in the protocol is text. */
static void
on_text (PuWebsocket *ws,
         GBytes      *message,
         gpointer     data)
{
  PuRelayClient *self = data;

  set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                _("The relay at %s sent a bad message: %s"), self->address,
                                _("not binary")));
  fail (self);
}

static void
on_closed (PuWebsocket *ws,
           gpointer     data)
{
  PuRelayClient *self = data;

  if (pu_websocket_get_close_code (ws) == PU_WEBSOCKET_CLOSE_GOING_AWAY)
    set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                  _("The relay at %s is shutting down; reconnecting"),
                                  self->address));
  fail (self);
}

static void
upgrade_failed (PuRelayClient *self,
                const char    *why)
{
  set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                _("The relay at %s did not accept the WebSocket upgrade (%s); "
                                  "check the address"), self->address, why));
  fail (self);
}

/* Checks the response headers (@len bytes, blank line included) and hands
 * the connection to the WebSocket with whatever followed them. */
static void
upgrade_done (PuRelayClient *self,
              gsize          len)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autofree char *reason = NULL;
  const char *accept;
  guint status;

  if (!soup_headers_parse_response ((const char *) self->response, (int) len, headers, NULL,
                                    &status, &reason))
    {
      upgrade_failed (self, _("not an HTTP response"));
      return;
    }
  if (status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_autofree char *why = g_strdup_printf ("HTTP %u", status);

      upgrade_failed (self, why);
      return;
    }
  accept = soup_message_headers_get_one (headers, "Sec-WebSocket-Accept");
  if (!soup_message_headers_header_equals (headers, "Upgrade", "websocket") ||
      !soup_message_headers_header_contains (headers, "Connection", "upgrade") ||
      g_strcmp0 (accept, self->accept) != 0 ||
      soup_message_headers_get_one (headers, "Sec-WebSocket-Extensions") != NULL)
    {
      upgrade_failed (self, _("bad response headers"));
      return;
    }

  self->batch = soup_message_headers_header_contains (headers, PU_RELAY_FEATURES_HEADER,
                                                      PU_RELAY_FEATURE_BATCH);
  if (self->batch && self->batch_buf == NULL)
    self->batch_buf = g_malloc (PU_RELAY_PAYLOAD_MAX);
  self->ws = pu_websocket_new (self->tls, PU_WEBSOCKET_CLIENT, PU_RELAY_FRAME_MAX,
                               self->response + len, self->response_len - len);
  g_clear_object (&self->tls);
  g_clear_pointer (&self->response, g_free);
  g_signal_connect (self->ws, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->ws, "text", G_CALLBACK (on_text), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (on_closed), self);
  self->last_rx = g_get_monotonic_time ();
}

/* Where the blank line after the headers ends, looking from @from on. */
static gsize
headers_end (const guint8 *data,
             gsize         len,
             gsize         from)
{
  for (gsize i = from; i + 4 <= len; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      return i + 4;
  return 0;
}

static void read_response (PuRelayClient *self);

static void
response_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(PuRelayClient) self = data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  gsize from, end;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->state != STATE_CONNECTING)
    return;
  if (n <= 0)
    {
      upgrade_failed (self, n < 0 ? error->message : _("connection closed"));
      return;
    }

  /* The blank line may straddle two reads. */
  from = self->response_len >= 3 ? self->response_len - 3 : 0;
  self->response_len += n;
  end = headers_end (self->response, self->response_len, from);
  if (end > 0)
    upgrade_done (self, end);
  else if (self->response_len == RESPONSE_MAX)
    upgrade_failed (self, _("response too long"));
  else
    read_response (self);
}

static void
read_response (PuRelayClient *self)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (self->tls),
                             self->response + self->response_len,
                             RESPONSE_MAX - self->response_len, G_PRIORITY_DEFAULT,
                             self->cancellable, response_read_cb, g_object_ref (self));
}

static void
request_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(PuRelayClient) self = data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          self->state == STATE_CONNECTING)
        upgrade_failed (self, error->message);
      return;
    }
  self->response = g_malloc (RESPONSE_MAX);
  self->response_len = 0;
  read_response (self);
}

/* The WebSocket upgrade (RFC 6455 section 4.1), without extensions:
 * relayed packets are encrypted, compression would only cost memory. */
static void
send_upgrade (PuRelayClient *self)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  guint8 nonce[16], digest[20];
  gsize digest_len = sizeof digest;

  randombytes_buf (nonce, sizeof nonce);
  key = g_base64_encode (nonce, sizeof nonce);
  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_len);
  self->accept = g_base64_encode (digest, digest_len);
  self->request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                                   "Host: %s\r\n"
                                   "User-Agent: peerup/%s\r\n"
                                   "Upgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: %s\r\n"
                                   "Sec-WebSocket-Version: 13\r\n"
                                   PU_RELAY_FEATURES_HEADER ": " PU_RELAY_FEATURE_BATCH ", "
                                   PU_RELAY_FEATURE_ABSENT ", " PU_RELAY_FEATURE_TURN "\r\n"
                                   "\r\n",
                                   PU_RELAY_WEBSOCKET_PATH, self->address, PU_VERSION, key);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->tls), self->request,
                                   strlen (self->request), G_PRIORITY_DEFAULT, self->cancellable,
                                   request_sent_cb, g_object_ref (self));
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(PuRelayClient) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->state != STATE_CONNECTING)
    return;
  if (connection == NULL)
    {
      set_error (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                    _("Could not connect to the relay at %s: %s"),
                                    self->address, error->message));
      fail (self);
      return;
    }

  /* The TLS connection itself: pollable, and what the WebSocket runs on. */
  self->tls = g_object_ref (g_tcp_wrapper_connection_get_base_io_stream (
                              G_TCP_WRAPPER_CONNECTION (connection)));
  if (!certificate_is_pinned (self,
                              g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (self->tls))))
    {
      fail (self);
      return;
    }
  send_upgrade (self);
}

static void
connect_now (PuRelayClient *self)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;

  g_clear_error (&self->error);
  /* A relay that no longer has a TURN server sends none. */
  g_clear_pointer (&self->turn, g_free);
  address = g_network_address_new (self->relay->host, self->relay->port);
  g_socket_client_set_tls (client, TRUE);
  g_signal_connect_object (client, "event", G_CALLBACK (socket_event_cb), self, 0);
  self->cancellable = g_cancellable_new ();
  self->state = STATE_CONNECTING;
  self->started_at = g_get_monotonic_time ();
  start_ticking (self);

  /* Callbacks must come back in the client's own context. */
  g_main_context_push_thread_default (self->context);
  g_socket_client_connect_async (client, address, self->cancellable, connect_cb,
                                 g_object_ref (self));
  g_main_context_pop_thread_default (self->context);
}

static void
pu_relay_client_dispose (GObject *object)
{
  PuRelayClient *self = PU_RELAY_CLIENT (object);

  drop_connection (self);
  stop_timer (self);
  self->state = STATE_IDLE;

  G_OBJECT_CLASS (pu_relay_client_parent_class)->dispose (object);
}

static void
pu_relay_client_finalize (GObject *object)
{
  PuRelayClient *self = PU_RELAY_CLIENT (object);

  g_clear_error (&self->error);
  g_clear_object (&self->identity);
  g_clear_pointer (&self->relay, pu_relay_addr_free);
  g_free (self->address);
  g_free (self->batch_buf);
  g_free (self->turn);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (pu_relay_client_parent_class)->finalize (object);
}

static void
pu_relay_client_class_init (PuRelayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_relay_client_dispose;
  object_class->finalize = pu_relay_client_finalize;

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_PACKETS] =
    g_signal_new ("packets", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_POINTER, G_TYPE_UINT64, G_TYPE_POINTER,
                  G_TYPE_UINT);
  signals[SIGNAL_SIGNAL] =
    g_signal_new ("signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_UINT64, G_TYPE_BYTES);
  signals[SIGNAL_SPONSORED] =
    g_signal_new ("sponsored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIGNAL_NAMEPLATE] =
    g_signal_new ("nameplate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT64);
  signals[SIGNAL_MEMBERS] =
    g_signal_new ("members", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIGNAL_ABSENT] =
    g_signal_new ("absent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
pu_relay_client_init (PuRelayClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  /* 0 means "any instance" on the wire */
  while (self->instance == 0)
    randombytes_buf (&self->instance, sizeof self->instance);
}

PuRelayClient *
pu_relay_client_new (PuIdentity         *identity,
                     const PuRelayAddr  *address,
                     gboolean            serving,
                     GError            **error)
{
  PuRelayClient *self;

  g_return_val_if_fail (PU_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (address != NULL && address->host != NULL, NULL);

  if (!address->has_peer_id)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("The relay address %s has no relay peer ID; add it "
                     "(/ip4/…/tcp/…/p2p/12D3KooW… or --peer-id)"), address->host);
      return NULL;
    }

  self = g_object_new (PU_TYPE_RELAY_CLIENT, NULL);
  self->identity = g_object_ref (identity);
  self->relay = pu_relay_addr_copy (address);
  self->address = pu_relay_addr_to_string (address);
  self->serving = serving;
  self->pinned = TRUE;
  return self;
}

PuRelayClient *
pu_relay_client_new_for_pairing (PuIdentity         *identity,
                                 const PuRelayAddr  *address,
                                 GError            **error)
{
  g_autoptr(PuRelayAddr) pinned = NULL;
  PuRelayClient *self;

  g_return_val_if_fail (address != NULL, NULL);

  pinned = pu_relay_addr_copy (address);
  pinned->has_peer_id = TRUE;
  self = pu_relay_client_new (identity, pinned, FALSE, error);
  if (self == NULL)
    return NULL;
  self->pinned = address->has_peer_id;
  self->pairing = TRUE;
  return self;
}

gboolean
pu_relay_client_claim_nameplate (PuRelayClient  *self,
                                 guint           ttl,
                                 GError        **error)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_CLAIM, .ttl = ttl };

  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);

  return send_frame (self, &frame, FALSE, error);
}

gboolean
pu_relay_client_open_nameplate (PuRelayClient  *self,
                                guint           nameplate,
                                GError        **error)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_OPEN };

  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);
  g_return_val_if_fail (nameplate <= G_MAXUINT16, FALSE);

  frame.nameplate = (guint16) nameplate;
  return send_frame (self, &frame, FALSE, error);
}

gboolean
pu_relay_client_join_group (PuRelayClient  *self,
                            const guint8   *token,
                            const char     *name,
                            GError        **error)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_GROUP_JOIN };

  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);
  g_return_val_if_fail (token != NULL && name != NULL, FALSE);

  memcpy (frame.token, token, PU_RELAY_GROUP_TOKEN_LEN);
  g_strlcpy (frame.members[0].name, name, sizeof frame.members[0].name);
  return send_frame (self, &frame, FALSE, error);
}

gboolean
pu_relay_client_sponsor (PuRelayClient   *self,
                         const PuPeerId  *joiner,
                         GError         **error)
{
  PuRelayFrame frame = {
    .type = PU_RELAY_FRAME_SPONSOR,
    .peer = *joiner,
    .timestamp = g_get_real_time () / G_USEC_PER_SEC,
  };
  guint8 transcript[PU_RELAY_SPONSOR_TRANSCRIPT_LEN];

  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);
  g_return_val_if_fail (joiner != NULL, FALSE);

  pu_relay_frame_sponsor_transcript (&self->relay->peer_id, joiner, frame.timestamp,
                                     transcript);
  pu_identity_sign (self->identity, transcript, sizeof transcript, frame.signature);
  return send_frame (self, &frame, FALSE, error);
}

void
pu_relay_client_start (PuRelayClient *self)
{
  g_return_if_fail (PU_IS_RELAY_CLIENT (self));

  if (self->state != STATE_IDLE)
    return;
  self->attempts = 0;
  connect_now (self);
}

void
pu_relay_client_stop (PuRelayClient *self)
{
  gboolean was_connected;

  g_return_if_fail (PU_IS_RELAY_CLIENT (self));

  was_connected = self->state == STATE_CONNECTED;
  drop_connection (self);
  stop_timer (self);
  g_clear_error (&self->error);
  self->state = STATE_IDLE;
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, NULL);
}

gboolean
pu_relay_client_is_running (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);

  return self->state != STATE_IDLE;
}

gboolean
pu_relay_client_is_connected (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);

  return self->state == STATE_CONNECTED;
}

guint64
pu_relay_client_get_instance (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), 0);

  return self->instance;
}

const PuPeerId *
pu_relay_client_get_peer_id (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), NULL);

  return &self->relay->peer_id;
}

gint64
pu_relay_client_get_rtt (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), 0);

  return self->rtt;
}

gboolean
pu_relay_client_get_turn (PuRelayClient  *self,
                          const char    **host,
                          guint16        *port,
                          const char    **username,
                          const char    **password)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);

  if (self->turn == NULL)
    return FALSE;
  *host = self->turn->host;
  *port = self->turn->port;
  *username = self->turn->username;
  *password = self->turn->password;
  return TRUE;
}

const char *
pu_relay_client_get_address (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), NULL);

  return self->address;
}

const PuRelayAddr *
pu_relay_client_get_relay_addr (PuRelayClient *self)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), NULL);

  return self->relay;
}

static gboolean
send_addressed (PuRelayClient     *self,
                PuRelayFrameType   type,
                const PuPeerId    *peer,
                guint64            instance,
                const guint8      *data,
                gsize              len,
                GError           **error)
{
  PuRelayFrame frame = {
    .type = type,
    .peer = *peer,
    .instance = instance,
    .payload = data,
    .payload_len = len,
  };

  return send_frame (self, &frame, TRUE, error);
}

gboolean
pu_relay_client_send_packet (PuRelayClient   *self,
                             const PuPeerId  *peer,
                             guint64          instance,
                             const guint8    *data,
                             gsize            len,
                             GError         **error)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  return send_addressed (self, PU_RELAY_FRAME_PACKET, peer, instance, data, len, error);
}

void
pu_relay_client_send_packets (PuRelayClient    *self,
                              const PuPeerId   *peer,
                              guint64           instance,
                              const PuDatagram *datagrams,
                              guint             n_datagrams)
{
  gsize used = 0;
  guint n = 0;

  g_return_if_fail (PU_IS_RELAY_CLIENT (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (datagrams != NULL || n_datagrams == 0);

  if (!self->batch)
    {
      for (guint i = 0; i < n_datagrams; i++)
        send_addressed (self, PU_RELAY_FRAME_PACKET, peer, instance, datagrams[i].data,
                        datagrams[i].len, NULL);
      return;
    }
  /* Consecutive datagrams share frames, as many as fit. */
  for (guint i = 0; i <= n_datagrams; i++)
    {
      gboolean last = i == n_datagrams;

      if (n > 0 && (last || used + PU_RELAY_BATCH_ENTRY_HEAD + datagrams[i].len >
                            PU_RELAY_PAYLOAD_MAX))
        {
          if (n == 1)
            send_addressed (self, PU_RELAY_FRAME_PACKET, peer, instance, datagrams[i - 1].data,
                            datagrams[i - 1].len, NULL);
          else
            send_addressed (self, PU_RELAY_FRAME_PACKETS, peer, instance, self->batch_buf, used,
                            NULL);
          used = 0;
          n = 0;
        }
      if (last)
        break;
      if (datagrams[i].len == 0 || datagrams[i].len > PU_RELAY_PAYLOAD_MAX -
                                                       PU_RELAY_BATCH_ENTRY_HEAD)
        continue;
      used = pu_relay_frame_batch_append (self->batch_buf, used, datagrams[i].data,
                                          datagrams[i].len);
      n++;
    }
}

gboolean
pu_relay_client_send_signal (PuRelayClient   *self,
                             const PuPeerId  *peer,
                             guint64          instance,
                             const guint8    *data,
                             gsize            len,
                             GError         **error)
{
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  return send_addressed (self, PU_RELAY_FRAME_SIGNAL, peer, instance, data, len, error);
}

void
pu_relay_client_ping_async (PuRelayClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Ping *ping;
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_PING };

  g_return_if_fail (PU_IS_RELAY_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_relay_client_ping_async);

  if (self->pings.length >= PU_RELAY_MAX_PENDING_PINGS)
    {
      g_task_return_new_error (task, PU_ERROR, PU_ERROR_FAILED,
                               _("Too many measurements of the relay at %s at once; "
                                 "try again shortly"), self->address);
      return;
    }

  ping = g_new0 (Ping, 1);
  ping->cookie = frame.cookie = ++self->ping_cookie;
  ping->sent = g_get_monotonic_time ();
  g_task_set_task_data (task, ping, g_free);
  if (!send_frame (self, &frame, FALSE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_queue_push_tail (&self->pings, g_steal_pointer (&task));
}

gint64
pu_relay_client_ping_finish (PuRelayClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
