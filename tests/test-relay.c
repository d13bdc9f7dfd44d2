/* test-relay.c — relay server and clients over real loopback sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pu-certificate.h"
#include "pu-error.h"
#include "pu-file.h"
#include "pu-ice-path.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"
#include "pu-relay-groups.h"
#include "pu-relay-path.h"
#include "pu-relay-server.h"
#include "pu-stun.h"
#include "pu-test-util.h"
#include "pu-version.h"

/* Only a guard against hanging: every wait normally ends in milliseconds. */
#define GUARD_SECONDS 30

typedef gboolean (*Condition) (gpointer data);

static gboolean
guard_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @context (NULL: the default one) until @cond holds. */
static void
wait_in (GMainContext *context,
         Condition     cond,
         gpointer      data,
         const char   *what)
{
  gboolean expired = FALSE;
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);

  g_source_set_callback (guard, guard_cb, &expired, NULL);
  g_source_attach (guard, context);
  while (!cond (data) && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  if (expired)
    g_error ("timed out waiting for %s", what);
}

static void
wait_for (Condition   cond,
          gpointer    data,
          const char *what)
{
  wait_in (NULL, cond, data, what);
}

typedef struct {
  PuPeerId peer;
  guint64  instance;
  GBytes  *payload;
  gboolean is_signal;
} Received;

static void
received_free (Received *r)
{
  g_bytes_unref (r->payload);
  g_free (r);
}

/* A client and what it has seen. */
typedef struct {
  PuRelayClient *client;
  GPtrArray     *received;
  guint          n_connected;
  guint          n_disconnected;
  GError        *error;
  gint           sponsored;  /* the last ::sponsored status, or -1 */
  gint           members_status;  /* the last ::members, or -1, with: */
  guint          n_members;
  PuRelayMember  members[PU_RELAY_GROUP_MAX];
  gboolean       answered;   /* ::nameplate came, with: */
  guint          nameplate;
  gboolean       found;
  PuPeerId       inviter;
  guint64        instance;
  guint          n_absent;   /* ::absent came, the last with: */
  PuPeerId       absent_peer;
  guint64        absent_instance;
} Node;

static void
on_connected (PuRelayClient *client,
              Node          *node)
{
  node->n_connected++;
}

static void
on_disconnected (PuRelayClient *client,
                 const GError  *error,
                 Node          *node)
{
  node->n_disconnected++;
  g_clear_error (&node->error);
  if (error != NULL)
    node->error = g_error_copy (error);
}

static void
add_received (Node           *node,
              const PuPeerId *peer,
              guint64         instance,
              GBytes         *payload,
              gboolean        is_signal)
{
  Received *r = g_new0 (Received, 1);

  r->peer = *peer;
  r->instance = instance;
  r->payload = payload;
  r->is_signal = is_signal;
  g_ptr_array_add (node->received, r);
}

static void
on_sponsored (PuRelayClient  *client,
              const PuPeerId *joiner,
              guint           status,
              Node           *node)
{
  node->sponsored = (gint) status;
}

static void
on_members (PuRelayClient       *client,
            guint                status,
            const PuRelayMember *members,
            guint                n,
            Node                *node)
{
  node->members_status = (gint) status;
  node->n_members = n;
  memcpy (node->members, members, n * sizeof *members);
}

static void
on_nameplate (PuRelayClient  *client,
              guint           number,
              const PuPeerId *inviter,
              guint64         instance,
              Node           *node)
{
  node->answered = TRUE;
  node->nameplate = number;
  node->found = inviter != NULL;
  if (inviter != NULL)
    node->inviter = *inviter;
  node->instance = instance;
}

static void
on_absent (PuRelayClient  *client,
           const PuPeerId *peer,
           guint64         instance,
           Node           *node)
{
  node->n_absent++;
  node->absent_peer = *peer;
  node->absent_instance = instance;
}

static void
on_packets (PuRelayClient    *client,
            const PuPeerId   *peer,
            guint64           instance,
            const PuDatagram *packets,
            guint             n_packets,
            Node             *node)
{
  for (guint i = 0; i < n_packets; i++)
    add_received (node, peer, instance, g_bytes_new (packets[i].data, packets[i].len), FALSE);
}

static void
on_signal (PuRelayClient  *client,
           const PuPeerId *peer,
           guint64         instance,
           GBytes         *payload,
           Node           *node)
{
  add_received (node, peer, instance, g_bytes_ref (payload), TRUE);
}

typedef struct {
  char          *dir;
  char          *keys_path;
  PuIdentity    *identity;
  PuTrustStore  *trust;
  PuRelayServer *server;
  PuRelayLimits  limits;
  guint16        port;
} Relay;

/* Writes the relay's authorized_keys; the relay notices by itself, but
 * with @reload the test need not wait for that. */
static void
write_keys_full (Relay      *relay,
                 gboolean    reload,
                 PuIdentity *first,
                 ...)
{
  g_autoptr(GString) text = g_string_new ("# relay users\n");
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, first);
  for (PuIdentity *id = first; id != NULL; id = va_arg (ap, PuIdentity *))
    g_string_append_printf (text, "%s\n", pu_identity_get_peer_id_string (id));
  va_end (ap);
  g_assert_true (pu_file_write_atomic (relay->keys_path, text->str, text->len, 0600, &error));
  g_assert_no_error (error);
  if (reload && relay->trust != NULL)
    g_assert_true (pu_trust_store_reload (relay->trust, &error));
  g_assert_no_error (error);
}

#define write_keys(relay, ...) write_keys_full (relay, TRUE, __VA_ARGS__)

static void
relay_start (Relay *relay)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, relay->port);

  relay->server = pu_relay_server_new (relay->identity, relay->trust, &error);
  g_assert_no_error (error);
  pu_relay_server_set_limits (relay->server, &relay->limits);
  g_assert_true (pu_relay_server_listen (relay->server, G_INET_SOCKET_ADDRESS (addr), &error));
  g_assert_no_error (error);
  relay->port = pu_relay_server_get_port (relay->server);
  g_assert_cmpuint (relay->port, !=, 0);
}

static Relay *
relay_new (void)
{
  g_autoptr(GError) error = NULL;
  Relay *relay = g_new0 (Relay, 1);

  relay->dir = g_dir_make_tmp ("peerup-relay-XXXXXX", &error);
  g_assert_no_error (error);
  relay->keys_path = g_build_filename (relay->dir, "authorized_keys", NULL);
  relay->identity = pu_identity_generate ();
  write_keys_full (relay, FALSE, NULL);
  relay->trust = pu_trust_store_new (relay->keys_path, &error);
  g_assert_no_error (error);
  pu_relay_limits_init_default (&relay->limits);
  relay_start (relay);
  return relay;
}

static void
relay_free (Relay *relay)
{
  g_clear_object (&relay->server);
  g_clear_object (&relay->trust);
  g_clear_object (&relay->identity);
  g_unlink (relay->keys_path);
  g_rmdir (relay->dir);
  g_free (relay->keys_path);
  g_free (relay->dir);
  g_free (relay);
}

/* The relay as a user would give it, in multiaddr form. */
static PuRelayAddr *
relay_addr (Relay *relay)
{
  g_autofree char *text = g_strdup_printf ("/ip4/127.0.0.1/tcp/%u/p2p/%s", relay->port,
                                           pu_identity_get_peer_id_string (relay->identity));
  g_autoptr(GError) error = NULL;
  PuRelayAddr *addr = pu_relay_addr_parse (text, NULL, &error);

  g_assert_no_error (error);
  return addr;
}

static Node *
node_new_full (PuIdentity        *identity,
               const PuRelayAddr *addr,
               gboolean           serving,
               gboolean           pairing)
{
  g_autoptr(GError) error = NULL;
  Node *node = g_new0 (Node, 1);

  if (pairing)
    node->client = pu_relay_client_new_for_pairing (identity, addr, &error);
  else
    node->client = pu_relay_client_new (identity, addr, serving, &error);
  g_assert_no_error (error);
  node->sponsored = -1;
  g_signal_connect (node->client, "sponsored", G_CALLBACK (on_sponsored), node);
  g_signal_connect (node->client, "nameplate", G_CALLBACK (on_nameplate), node);
  g_signal_connect (node->client, "members", G_CALLBACK (on_members), node);
  g_signal_connect (node->client, "absent", G_CALLBACK (on_absent), node);
  node->members_status = -1;
  node->received = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  g_signal_connect (node->client, "connected", G_CALLBACK (on_connected), node);
  g_signal_connect (node->client, "disconnected", G_CALLBACK (on_disconnected), node);
  g_signal_connect (node->client, "packets", G_CALLBACK (on_packets), node);
  g_signal_connect (node->client, "signal", G_CALLBACK (on_signal), node);
  pu_relay_client_start (node->client);
  return node;
}

static Node *
node_new_for (PuIdentity        *identity,
              const PuRelayAddr *addr,
              gboolean           serving)
{
  return node_new_full (identity, addr, serving, FALSE);
}

static Node *
node_new (Relay      *relay,
          PuIdentity *identity,
          gboolean    serving)
{
  g_autoptr(PuRelayAddr) addr = relay_addr (relay);

  return node_new_for (identity, addr, serving);
}

static void
node_free (Node *node)
{
  g_signal_handlers_disconnect_by_data (node->client, node);
  g_clear_object (&node->client);
  g_ptr_array_unref (node->received);
  g_clear_error (&node->error);
  g_free (node);
}

static gboolean
is_connected (gpointer data)
{
  return pu_relay_client_is_connected (((Node *) data)->client);
}

static gboolean
has_error (gpointer data)
{
  return ((Node *) data)->error != NULL;
}

static gboolean
has_received (gpointer data)
{
  return ((Node *) data)->received->len > 0;
}

static void
wait_connected (Node *node)
{
  wait_for (is_connected, node, "a relay connection");
}

static void
send_ok (Node           *from,
         const PuPeerId *to,
         guint64         instance,
         const char     *text,
         gboolean        is_signal)
{
  g_autoptr(GError) error = NULL;

  if (is_signal)
    g_assert_true (pu_relay_client_send_signal (from->client, to, instance,
                                                (const guint8 *) text, strlen (text), &error));
  else
    g_assert_true (pu_relay_client_send_packet (from->client, to, instance,
                                                (const guint8 *) text, strlen (text), &error));
  g_assert_no_error (error);
}

/* Waits for one message on @node and checks what it carries. */
static void
expect (Node           *node,
        const PuPeerId *from,
        guint64         instance,
        const char     *text,
        gboolean        is_signal)
{
  Received *r;

  wait_for (has_received, node, "a relayed message");
  r = g_ptr_array_steal_index (node->received, 0);
  g_assert_true (pu_peer_id_equal (&r->peer, from));
  g_assert_cmpuint (r->instance, ==, instance);
  g_assert_cmpmem (g_bytes_get_data (r->payload, NULL), g_bytes_get_size (r->payload),
                   text, strlen (text));
  g_assert_cmpint (r->is_signal, ==, is_signal);
  received_free (r);
}

static void
test_exchange (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) bob = pu_identity_generate ();
  const PuPeerId *alice_id = pu_identity_get_peer_id (alice);
  const PuPeerId *bob_id = pu_identity_get_peer_id (bob);
  Node *a, *b;
  g_autoptr(PuRelayPath) path = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  PuDatagram datagrams[2] = {
    { (const guint8 *) "one", 3 },
    { (const guint8 *) "two", 3 },
  };

  write_keys (relay, alice, bob, NULL);
  a = node_new (relay, alice, TRUE);
  b = node_new (relay, bob, FALSE);
  wait_connected (a);
  wait_connected (b);
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 2);
  g_assert_cmpuint (a->n_connected, ==, 1);

  /* instance 0: the relay picks; the receiver learns who sent it */
  send_ok (b, alice_id, 0, "hello alice", FALSE);
  expect (a, bob_id, pu_relay_client_get_instance (b->client), "hello alice", FALSE);
  send_ok (a, bob_id, pu_relay_client_get_instance (b->client), "hello bob", FALSE);
  expect (b, alice_id, pu_relay_client_get_instance (a->client), "hello bob", FALSE);

  send_ok (b, alice_id, 0, "candidate", TRUE);
  expect (a, bob_id, pu_relay_client_get_instance (b->client), "candidate", TRUE);

  /* The path carries each datagram as one packet. */
  path = pu_relay_path_new (b->client, alice_id, pu_relay_client_get_instance (a->client));
  g_assert_cmpint (pu_path_get_kind (PU_PATH (path)), ==, PU_PATH_KIND_RELAYED);
  g_assert_true (pu_relay_path_get_client (path) == b->client);
  g_assert_cmpuint (pu_path_get_max_datagram_size (PU_PATH (path)), ==, PU_RELAY_PATH_DATAGRAM_MAX);
  description = pu_path_describe (PU_PATH (path));
  g_assert_true (g_str_has_prefix (description, "relay 127.0.0.1:"));
  g_assert_true (pu_path_send (PU_PATH (path), datagrams, 2));
  expect (a, bob_id, pu_relay_client_get_instance (b->client), "one", FALSE);
  expect (a, bob_id, pu_relay_client_get_instance (b->client), "two", FALSE);

  /* Too large for one frame: refused before anything is sent. */
  {
    g_autofree guint8 *big = g_malloc0 (PU_RELAY_PAYLOAD_MAX + 1);

    g_assert_false (pu_relay_client_send_packet (b->client, alice_id, 0, big,
                                                 PU_RELAY_PAYLOAD_MAX + 1, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }

  /* A stopped client's path is closed for good. */
  pu_relay_client_stop (b->client);
  g_assert_false (pu_path_send (PU_PATH (path), datagrams, 1));
  g_assert_false (pu_relay_client_send_packet (b->client, alice_id, 0, (const guint8 *) "x", 1,
                                               &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_FAILED);

  node_free (a);
  node_free (b);
  relay_free (relay);
}

static gboolean
trust_changed (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_trust_changed (PuTrustStore *trust,
                  gboolean     *changed)
{
  *changed = TRUE;
}

static void
test_unauthorized (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  gboolean changed = FALSE;
  Node *c;

  c = node_new (relay, carol, FALSE);
  wait_for (has_error, c, "the relay's refusal");
  g_assert_error (c->error, PU_ERROR, PU_ERROR_FAILED);
  g_assert_nonnull (strstr (c->error->message, "not authorized on this relay"));
  g_assert_false (pu_relay_client_is_connected (c->client));
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 0);

  /* Authorizing her in the file is enough: the same client gets in on
   * its next attempt, without restarting the relay. */
  g_signal_connect (relay->trust, "changed", G_CALLBACK (on_trust_changed), &changed);
  write_keys_full (relay, FALSE, carol, NULL);
  wait_for (trust_changed, &changed, "the relay to notice authorized_keys changed");
  wait_connected (c);
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 1);

  /* Removing her disconnects her. */
  g_clear_error (&c->error);
  changed = FALSE;
  write_keys_full (relay, FALSE, NULL);
  wait_for (has_error, c, "the relay to drop a peer no longer authorized");
  g_assert_nonnull (strstr (c->error->message, "not authorized on this relay"));
  g_signal_handlers_disconnect_by_data (relay->trust, &changed);

  node_free (c);
  relay_free (relay);
}

static void
test_wrong_pin (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) impostor = pu_identity_generate ();
  const char *wanted = pu_identity_get_peer_id_string (impostor);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) addr = relay_addr (relay);
  Node *a;

  write_keys (relay, alice, NULL);
  addr->peer_id = *pu_identity_get_peer_id (impostor);
  a = node_new_for (alice, addr, FALSE);
  wait_for (has_error, a, "the pin check to fail");
  g_assert_error (a->error, PU_ERROR, PU_ERROR_FAILED);
  g_assert_nonnull (strstr (a->error->message, "not the pinned"));
  g_assert_nonnull (strstr (a->error->message, wanted));
  g_assert_false (pu_relay_client_is_connected (a->client));
  node_free (a);

  /* Without a pinned key there is nothing to check the relay against. */
  addr->has_peer_id = FALSE;
  g_assert_null (pu_relay_client_new (alice, addr, FALSE, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);

  relay_free (relay);
}

/* An HTTPS server with the pinned key that is no relay: the upgrade fails
 * with what the server said. */
static void
test_not_a_relay (void)
{
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) web_identity = pu_identity_generate ();
  g_autoptr(PuCertificate) certificate = pu_certificate_new (web_identity, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(SoupServer) web = NULL;
  g_autoptr(PuRelayAddr) addr = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GSList *listeners;
  Node *a;

  web = soup_server_new ("tls-certificate", pu_certificate_get_tls_certificate (certificate),
                         NULL);
  g_assert_true (soup_server_listen (web, any, SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  listeners = soup_server_get_listeners (web);
  bound = g_socket_get_local_address (listeners->data, &error);
  g_assert_no_error (error);
  g_slist_free (listeners);
  text = g_strdup_printf ("/ip4/127.0.0.1/tcp/%u/p2p/%s",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)),
                          pu_identity_get_peer_id_string (web_identity));
  addr = pu_relay_addr_parse (text, NULL, &error);
  g_assert_no_error (error);

  a = node_new_for (alice, addr, FALSE);
  wait_for (has_error, a, "the WebSocket upgrade to fail");
  g_assert_error (a->error, PU_ERROR, PU_ERROR_FAILED);
  g_assert_nonnull (strstr (a->error->message, "did not accept the WebSocket upgrade (HTTP 404)"));
  g_assert_false (pu_relay_client_is_connected (a->client));

  node_free (a);
  soup_server_disconnect (web);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

/* A WebSocket that authenticates by hand, to send what a client never would. */
typedef struct {
  SoupWebsocketConnection *ws;
  /* answers the challenge as this identity, unless NULL */
  PuIdentity              *identity;
  /* …claiming to be this peer instead, or with a damaged signature */
  const PuPeerId          *claim;
  gboolean                 bad_signature;
  gboolean                 challenged;
  gboolean                 welcomed;
  gboolean                 closed;
  gint                     sponsored;  /* a SPONSORED status, or -1 */
  guint16                  error_code;
  GError                  *error;
} Raw;

static void raw_connected (GObject *source, GAsyncResult *result, gpointer data);

static void
raw_connect (Raw         *raw,
             Relay       *relay,
             SoupSession *session)
{
  g_autofree char *url = g_strdup_printf ("wss://127.0.0.1:%u%s", relay->port,
                                          PU_RELAY_WEBSOCKET_PATH);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        raw_connected, raw);
}

static void
raw_clear (Raw *raw)
{
  g_signal_handlers_disconnect_by_data (raw->ws, raw);
  g_clear_object (&raw->ws);
}

static void
raw_send (SoupWebsocketConnection *ws,
          const PuRelayFrame      *frame)
{
  g_autoptr(GBytes) bytes = pu_relay_frame_encode (frame, NULL);

  g_assert_nonnull (bytes);
  soup_websocket_connection_send_message (ws, SOUP_WEBSOCKET_DATA_BINARY, bytes);
}

static void
raw_on_message (SoupWebsocketConnection *ws,
                gint                     type,
                GBytes                  *message,
                Raw                     *raw)
{
  PuRelayFrame frame, auth = { .type = PU_RELAY_FRAME_AUTH, .instance = 1 };
  guint8 transcript[PU_RELAY_AUTH_TRANSCRIPT_LEN];

  g_assert_true (pu_relay_frame_decode (g_bytes_get_data (message, NULL),
                                        g_bytes_get_size (message), &frame, NULL));
  if (frame.type == PU_RELAY_FRAME_CHALLENGE)
    raw->challenged = TRUE;
  if (frame.type == PU_RELAY_FRAME_CHALLENGE && raw->identity != NULL)
    {
      auth.peer = raw->claim != NULL ? *raw->claim : *pu_identity_get_peer_id (raw->identity);
      pu_relay_frame_auth_transcript (frame.nonce, &frame.peer, 1, FALSE, FALSE, transcript);
      pu_identity_sign (raw->identity, transcript, sizeof transcript, auth.signature);
      if (raw->bad_signature)
        auth.signature[0] ^= 1;
      raw_send (ws, &auth);
    }
  else if (frame.type == PU_RELAY_FRAME_WELCOME)
    raw->welcomed = TRUE;
  else if (frame.type == PU_RELAY_FRAME_SPONSORED)
    raw->sponsored = frame.status;
  else if (frame.type == PU_RELAY_FRAME_ERROR)
    raw->error_code = frame.error_code;
}

static void
raw_on_closed (SoupWebsocketConnection *ws,
               Raw                     *raw)
{
  raw->closed = TRUE;
}

static void
raw_connected (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Raw *raw = data;

  raw->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &raw->error);
  g_assert_no_error (raw->error);
  g_signal_connect (raw->ws, "message", G_CALLBACK (raw_on_message), raw);
  g_signal_connect (raw->ws, "closed", G_CALLBACK (raw_on_closed), raw);
}

static gboolean
raw_challenged (gpointer data)
{
  return ((Raw *) data)->challenged;
}

static gboolean
raw_welcomed (gpointer data)
{
  return ((Raw *) data)->welcomed;
}

static gboolean
raw_closed (gpointer data)
{
  return ((Raw *) data)->closed;
}

static void
test_oversize (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) bob = pu_identity_generate ();
  g_autoptr(PuIdentity) mallory = pu_identity_generate ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree guint8 *big = g_malloc0 (PU_RELAY_FRAME_MAX + 1);
  Raw raw = { .identity = mallory };
  Node *a, *b;

  write_keys (relay, alice, bob, mallory, NULL);
  a = node_new (relay, alice, TRUE);
  b = node_new (relay, bob, FALSE);
  wait_connected (a);
  wait_connected (b);

  raw_connect (&raw, relay, session);
  wait_for (raw_welcomed, &raw, "the hand-made client to authenticate");
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 3);

  big[0] = PU_RELAY_FRAME_VERSION;
  big[1] = PU_RELAY_FRAME_PACKET;
  soup_websocket_connection_send_binary (raw.ws, big, PU_RELAY_FRAME_MAX + 1);
  wait_for (raw_closed, &raw, "the relay to close the offender");

  /* Everyone else carries on. */
  send_ok (b, pu_identity_get_peer_id (alice), 0, "still here", FALSE);
  expect (a, pu_identity_get_peer_id (bob), pu_relay_client_get_instance (b->client),
                 "still here", FALSE);
  g_assert_cmpuint (a->n_disconnected, ==, 0);
  g_assert_cmpuint (b->n_disconnected, ==, 0);
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 2);

  raw_clear (&raw);
  node_free (a);
  node_free (b);
  relay_free (relay);
}

/* Two connected nodes and a hand-made client that must be refused with
 * @code; alice and bob carry on, and nothing from the offender reached
 * alice (the first thing she gets is bob's). */
typedef struct {
  Relay       *relay;
  PuIdentity  *alice;
  PuIdentity  *bob;
  PuIdentity  *mallory;
  Node        *a;
  Node        *b;
  SoupSession *session;
} Bystanders;

static void
bystanders_init (Bystanders *by)
{
  by->relay = relay_new ();
  by->alice = pu_identity_generate ();
  by->bob = pu_identity_generate ();
  by->mallory = pu_identity_generate ();
  by->session = soup_session_new ();
  write_keys (by->relay, by->alice, by->bob, by->mallory, NULL);
  by->a = node_new (by->relay, by->alice, TRUE);
  by->b = node_new (by->relay, by->bob, FALSE);
  wait_connected (by->a);
  wait_connected (by->b);
}

static void
bystanders_check (Bystanders *by,
                  Raw        *raw,
                  guint16     code)
{
  wait_for (raw_closed, raw, "the relay to close the offender");
  g_assert_cmpuint (raw->error_code, ==, code);
  g_assert_false (raw->welcomed);
  raw_clear (raw);

  send_ok (by->b, pu_identity_get_peer_id (by->alice), 0, "still here", FALSE);
  expect (by->a, pu_identity_get_peer_id (by->bob),
                 pu_relay_client_get_instance (by->b->client), "still here", FALSE);
  g_assert_cmpuint (by->a->n_disconnected, ==, 0);
  g_assert_cmpuint (by->b->n_disconnected, ==, 0);
  g_assert_cmpuint (pu_relay_server_get_n_peers (by->relay->server), ==, 2);
}

static void
bystanders_clear (Bystanders *by)
{
  node_free (by->a);
  node_free (by->b);
  relay_free (by->relay);
  g_object_unref (by->alice);
  g_object_unref (by->bob);
  g_object_unref (by->mallory);
  g_object_unref (by->session);
}

static void
test_unauthenticated (void)
{
  Bystanders by;
  PuRelayFrame packet = {
    .type = PU_RELAY_FRAME_PACKET,
    .payload = (const guint8 *) "sneaked in",
    .payload_len = 10,
  };
  Raw raw = { 0 };

  bystanders_init (&by);
  packet.peer = *pu_identity_get_peer_id (by.alice);
  raw_connect (&raw, by.relay, by.session);
  wait_for (raw_challenged, &raw, "the relay's challenge");
  raw_send (raw.ws, &packet);
  bystanders_check (&by, &raw, PU_RELAY_ERROR_PROTOCOL);
  bystanders_clear (&by);
}

static void
test_bad_signature (void)
{
  Bystanders by;
  Raw damaged = { 0 };
  Raw impostor = { 0 };

  bystanders_init (&by);

  /* An authorized key, a signature that does not verify. */
  damaged.identity = by.mallory;
  damaged.bad_signature = TRUE;
  raw_connect (&damaged, by.relay, by.session);
  bystanders_check (&by, &damaged, PU_RELAY_ERROR_AUTH_FAILED);

  /* Mallory signing as herself while claiming to be alice: refused, and the
   * real alice is not replaced. */
  impostor.identity = by.mallory;
  impostor.claim = pu_identity_get_peer_id (by.alice);
  raw_connect (&impostor, by.relay, by.session);
  bystanders_check (&by, &impostor, PU_RELAY_ERROR_AUTH_FAILED);

  bystanders_clear (&by);
}

static void
test_malformed (void)
{
  static const struct {
    const char *what;
    const char *bytes;
    gsize       len;
  } cases[] = {
    { "empty", "", 0 },
    { "version only", "\x01", 1 },
    { "packet without its address", "\x01\x05", 2 },
    { "another version", "\x02\x07\0\0\0\0\0\0\0\0", 10 },
    { "unknown type", "\x01\x63\0\0\0\0\0\0\0\0", 10 },
    { "a relay's frame from a node", "\x01\x03", 2 },
  };

  for (guint i = 0; i <= G_N_ELEMENTS (cases); i++)
    {
      Bystanders by;
      Raw raw = { 0 };

      bystanders_init (&by);
      raw.identity = by.mallory;
      raw_connect (&raw, by.relay, by.session);
      wait_for (raw_welcomed, &raw, "the hand-made client to authenticate");
      raw.welcomed = FALSE;
      if (i < G_N_ELEMENTS (cases))
        {
          g_test_message ("malformed frame: %s", cases[i].what);
          soup_websocket_connection_send_binary (raw.ws, cases[i].bytes, cases[i].len);
        }
      else
        soup_websocket_connection_send_text (raw.ws, "not a frame");
      bystanders_check (&by, &raw, PU_RELAY_ERROR_PROTOCOL);
      bystanders_clear (&by);
    }
}

static void
test_auth_timeout (void)
{
  Relay *relay = relay_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  Raw raw = { 0 };

  g_object_unref (relay->server);
  relay->limits.auth_timeout_seconds = 1;
  relay_start (relay);

  /* connects, never answers the challenge */
  raw_connect (&raw, relay, session);
  wait_for (raw_closed, &raw, "the relay to give up on authentication");
  g_assert_cmpuint (raw.error_code, ==, PU_RELAY_ERROR_TIMEOUT);
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 0);

  raw_clear (&raw);
  relay_free (relay);
}

static gboolean
dropped_some (gpointer data)
{
  return pu_relay_server_get_n_dropped (data) > 0;
}

/* The most a TCP socket may buffer for reading: the slow reader's socket
 * holds what the relay forwarded and nobody read. */
static guint64
socket_receive_max (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  guint64 max = 0;

  g_assert_true (g_file_get_contents ("/proc/sys/net/ipv4/tcp_rmem", &text, NULL, NULL));
  fields = g_strsplit_set (g_strstrip (text), " \t", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 3);
  g_assert_true (g_ascii_string_to_unsigned (fields[g_strv_length (fields) - 1], 10, 1,
                                             G_MAXUINT32, &max, NULL));
  return max;
}

static void
test_slow_reader (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) slow = pu_identity_generate ();
  g_autoptr(PuIdentity) sender = pu_identity_generate ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) bob = pu_identity_generate ();
  g_autoptr(GMainContext) slow_context = g_main_context_new ();
  g_autofree guint8 *chunk = g_malloc0 (PU_RELAY_PAYLOAD_MAX);
  const PuPeerId *slow_id = pu_identity_get_peer_id (slow);
  gboolean expired = FALSE;
  GSource *guard;
  Node *r, *s, *a, *b;
  guint sent = 0;
  guint64 bound, flood_frames, forwarded;

  g_object_unref (relay->server);
  relay->limits.peer_queue_bytes = 64 * 1024;
  relay_start (relay);
  write_keys (relay, slow, sender, alice, bob, NULL);
  /* The kernel doubles a send buffer's size. */
  bound = 2 * relay->limits.peer_queue_bytes + socket_receive_max ();
  flood_frames = 2 * bound / PU_RELAY_FRAME_MAX + 1;

  /* The slow reader lives in a context nobody runs once it is connected, so
   * it never reads again. */
  g_main_context_push_thread_default (slow_context);
  r = node_new (relay, slow, TRUE);
  g_main_context_pop_thread_default (slow_context);
  /* The relay answers from the default context while the slow one waits;
   * what a context starts must run in it, so it is pushed while it runs. */
  guard = g_timeout_source_new_seconds (GUARD_SECONDS);
  g_source_set_callback (guard, guard_cb, &expired, NULL);
  g_source_attach (guard, NULL);
  while (!pu_relay_client_is_connected (r->client) && !expired)
    {
      g_main_context_iteration (NULL, FALSE);
      g_main_context_push_thread_default (slow_context);
      g_main_context_iteration (slow_context, FALSE);
      g_main_context_pop_thread_default (slow_context);
    }
  g_source_destroy (guard);
  g_source_unref (guard);
  g_assert_false (expired);
  s = node_new (relay, sender, FALSE);
  a = node_new (relay, alice, TRUE);
  b = node_new (relay, bob, FALSE);
  wait_connected (s);
  wait_connected (a);
  wait_connected (b);

  /* Flood: the relay must drop for the slow peer rather than queue. Sent
   * twice what the sockets can hold, so that the relay had to drop at
   * least half of it. */
  guard = g_timeout_source_new_seconds (GUARD_SECONDS);
  g_source_set_callback (guard, guard_cb, &expired, NULL);
  g_source_attach (guard, NULL);
  while ((!dropped_some (relay->server) || sent < flood_frames) && !expired)
    {
      if (pu_relay_client_send_packet (s->client, slow_id, 0, chunk, PU_RELAY_PAYLOAD_MAX, NULL))
        sent++;
      for (guint i = 0; i < 16 && g_main_context_iteration (NULL, FALSE); i++)
        ;
    }
  g_source_destroy (guard);
  g_source_unref (guard);
  g_assert_false (expired);

  /* Once this arrives the relay has handled all of the sender's frames:
   * what it did not drop went into sockets; nothing is held for later. */
  while (!pu_relay_client_send_packet (s->client, pu_identity_get_peer_id (alice), 0,
                                       (const guint8 *) "flood over", 10, NULL))
    g_main_context_iteration (NULL, TRUE);
  expect (a, pu_identity_get_peer_id (sender), pu_relay_client_get_instance (s->client),
                 "flood over", FALSE);
  forwarded = (sent - pu_relay_server_get_n_dropped (relay->server)) * PU_RELAY_FRAME_MAX;
  g_test_message ("%u frames sent, %" G_GUINT64_FORMAT " bytes forwarded to the slow reader",
                  sent, forwarded);
  g_assert_cmpuint (forwarded, <=, bound);

  /* Neither the sender nor anyone else is held up by it. */
  g_assert_true (pu_relay_client_is_connected (s->client));
  send_ok (b, pu_identity_get_peer_id (alice), 0, "not stalled", FALSE);
  expect (a, pu_identity_get_peer_id (bob), pu_relay_client_get_instance (b->client),
                 "not stalled", FALSE);

  g_main_context_push_thread_default (slow_context);
  node_free (r);
  while (g_main_context_iteration (slow_context, FALSE))
    ;
  g_main_context_pop_thread_default (slow_context);
  node_free (s);
  node_free (a);
  node_free (b);
  relay_free (relay);
}

static gboolean
two_peers (gpointer data)
{
  return pu_relay_server_get_n_peers (data) == 2;
}

static void
test_instances (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) xavier = pu_identity_generate ();
  g_autoptr(PuIdentity) yann = pu_identity_generate ();
  const PuPeerId *x_id = pu_identity_get_peer_id (xavier);
  const PuPeerId *y_id = pu_identity_get_peer_id (yann);
  Node *x1, *x2, *y;
  guint64 i1, i2, iy;

  write_keys (relay, xavier, yann, NULL);
  /* two processes, one identity: the first serves */
  x1 = node_new (relay, xavier, TRUE);
  x2 = node_new (relay, xavier, FALSE);
  y = node_new (relay, yann, FALSE);
  wait_connected (x1);
  wait_connected (x2);
  wait_connected (y);
  i1 = pu_relay_client_get_instance (x1->client);
  i2 = pu_relay_client_get_instance (x2->client);
  iy = pu_relay_client_get_instance (y->client);
  g_assert_cmpuint (i1, !=, i2);

  /* A new connection goes to the serving process, though x2 came later. */
  send_ok (y, x_id, 0, "to whoever serves", FALSE);
  expect (x1, y_id, iy, "to whoever serves", FALSE);

  /* Each process gets its own replies. */
  send_ok (x2, y_id, 0, "from x2", FALSE);
  expect (y, x_id, i2, "from x2", FALSE);
  send_ok (y, x_id, i2, "reply to x2", FALSE);
  expect (x2, y_id, iy, "reply to x2", FALSE);

  send_ok (x1, y_id, 0, "from x1", FALSE);
  expect (y, x_id, i1, "from x1", FALSE);
  send_ok (y, x_id, i1, "reply to x1", FALSE);
  expect (x1, y_id, iy, "reply to x1", FALSE);

  g_assert_cmpuint (x1->received->len, ==, 0);
  g_assert_cmpuint (x2->received->len, ==, 0);

  /* Without a serving process, the newest one gets new connections. */
  node_free (x1);
  wait_for (two_peers, relay->server, "the relay to notice a client left");
  send_ok (y, x_id, 0, "to the newest", FALSE);
  expect (x2, y_id, iy, "to the newest", FALSE);

  node_free (x2);
  node_free (y);
  relay_free (relay);
}

static gboolean
reconnected (gpointer data)
{
  Node *node = data;

  return node->n_connected >= 2 && pu_relay_client_is_connected (node->client);
}

static void
test_restart (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  Node *a;

  write_keys (relay, alice, NULL);
  a = node_new (relay, alice, FALSE);
  wait_connected (a);

  pu_relay_server_stop (relay->server);
  wait_for (has_error, a, "the client to notice the relay went away");
  g_assert_nonnull (strstr (a->error->message, "shutting down"));
  g_clear_object (&relay->server);

  /* Same identity, same port: the client comes back by itself. */
  relay_start (relay);
  wait_for (reconnected, a, "the client to reconnect");
  g_assert_cmpuint (pu_relay_server_get_n_peers (relay->server), ==, 1);

  node_free (a);
  relay_free (relay);
}

/* Outcomes of pu_relay_client_ping_async(). */
typedef struct {
  guint   n_done;
  gint64  rtt[PU_RELAY_MAX_PENDING_PINGS + 2];
  GError *errors[PU_RELAY_MAX_PENDING_PINGS + 2];
} Pings;

static void
ping_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Pings *pings = data;
  guint i = pings->n_done++;

  pings->rtt[i] = pu_relay_client_ping_finish (PU_RELAY_CLIENT (source), result,
                                               &pings->errors[i]);
}

static gboolean
pings_done (gpointer data)
{
  return ((Pings *) data)->n_done > 0;
}

static gboolean
all_pings_done (gpointer data)
{
  return ((Pings *) data)->n_done == PU_RELAY_MAX_PENDING_PINGS + 1;
}

static void
pings_clear (Pings *pings)
{
  for (guint i = 0; i < G_N_ELEMENTS (pings->errors); i++)
    g_clear_error (&pings->errors[i]);
  memset (pings, 0, sizeof *pings);
}

static void
test_ping (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuRelayAddr) addr = relay_addr (relay);
  g_autoptr(PuRelayClient) idle = pu_relay_client_new (alice, addr, FALSE, NULL);
  Pings pings = { 0 };
  Node *a;

  /* Not connected: it says so at once. */
  pu_relay_client_ping_async (idle, NULL, ping_done, &pings);
  wait_for (pings_done, &pings, "the refused ping");
  g_assert_error (pings.errors[0], PU_ERROR, PU_ERROR_FAILED);
  g_assert_nonnull (strstr (pings.errors[0]->message, "Not connected"));
  pings_clear (&pings);

  write_keys (relay, alice, NULL);
  a = node_new (relay, alice, FALSE);
  wait_connected (a);

  pu_relay_client_ping_async (a->client, NULL, ping_done, &pings);
  wait_for (pings_done, &pings, "the relay's PONG");
  g_assert_no_error (pings.errors[0]);
  g_assert_cmpint (pings.rtt[0], >=, 0);
  pings_clear (&pings);

  /* Bounded: one more than the limit fails at once; the rest end when the
   * connection does, answered or not. */
  for (guint i = 0; i < PU_RELAY_MAX_PENDING_PINGS + 1; i++)
    pu_relay_client_ping_async (a->client, NULL, ping_done, &pings);
  g_assert_cmpuint (pings.n_done, ==, 0);
  pu_relay_client_stop (a->client);
  wait_for (all_pings_done, &pings, "every ping to end");
  {
    guint n_too_many = 0;

    for (guint i = 0; i < pings.n_done; i++)
      if (pings.errors[i] != NULL && strstr (pings.errors[i]->message, "Too many") != NULL)
        n_too_many++;
    g_assert_cmpuint (n_too_many, ==, 1);
  }
  pings_clear (&pings);

  node_free (a);
  relay_free (relay);
}

static void
health_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GBytes **body = data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
have_body (gpointer data)
{
  return *(GBytes **) data != NULL;
}

/* `--listen [::]:PORT` serves IPv4 devices as well. */
static void
test_dual_stack (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *keys = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(PuTrustStore) trust = NULL;
  g_autoptr(PuRelayServer) server = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (any, 0);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  g_assert_true (pu_file_write_atomic (keys, "", 0, 0600, &error));
  trust = pu_trust_store_new (keys, &error);
  g_assert_no_error (error);
  server = pu_relay_server_new (identity, trust, &error);
  g_assert_no_error (error);
  if (pu_relay_server_listen (server, G_INET_SOCKET_ADDRESS (addr), &error))
    {
      conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                              pu_relay_server_get_port (server), NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (conn);
      pu_relay_server_stop (server);
    }
  else
    {
      g_test_skip_printf ("no IPv6 here: %s", error->message);
    }
  g_clear_object (&trust);
  pu_test_remove_tree (dir);
}

static void
test_healthz (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  JsonObject *obj;
  Node *a;

  write_keys (relay, alice, NULL);
  a = node_new (relay, alice, FALSE);
  wait_connected (a);

  url = g_strdup_printf ("https://127.0.0.1:%u/healthz", relay->port);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, health_done, &body);
  wait_for (have_body, &body, "/healthz");

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_content_type (
                     soup_message_get_response_headers (msg), NULL), ==, "application/json");
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (obj, "version"), ==, PU_VERSION);
  g_assert_cmpint (json_object_get_int_member (obj, "uptime_seconds"), >=, 0);
  g_assert_cmpint (json_object_get_int_member (obj, "peers"), ==, 1);

  node_free (a);
  relay_free (relay);
}

typedef struct {
  GSocket            *socket;
  guint8              txid[PU_STUN_TXID_LEN];
  GInetSocketAddress *mapped;
} StunProbe;

static gboolean
stun_answered (gpointer data)
{
  StunProbe *probe = data;
  guint8 buf[PU_STUN_MAX_MESSAGE];
  gssize n = g_socket_receive (probe->socket, (char *) buf, sizeof buf, NULL, NULL);

  if (n > 0)
    probe->mapped = pu_stun_parse_binding_response (buf, (gsize) n, probe->txid, NULL);
  return probe->mapped != NULL;
}

static void
test_stun (void)
{
  Relay *relay = relay_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (lo, relay->port);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mapped_ip = NULL;
  StunProbe probe = { 0 };

  probe.socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (probe.socket, any, FALSE, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (probe.socket, FALSE);
  local = g_socket_get_local_address (probe.socket, &error);
  g_assert_no_error (error);

  request = pu_stun_binding_request_new (probe.txid);
  g_assert_cmpint (g_socket_send_to (probe.socket, server, g_bytes_get_data (request, NULL),
                                     g_bytes_get_size (request), NULL, &error), >, 0);
  g_assert_no_error (error);
  wait_for (stun_answered, &probe, "a STUN answer");

  mapped_ip = g_inet_address_to_string (g_inet_socket_address_get_address (probe.mapped));
  g_assert_cmpstr (mapped_ip, ==, "127.0.0.1");
  g_assert_cmpuint (g_inet_socket_address_get_port (probe.mapped), ==,
                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

  g_object_unref (probe.mapped);
  g_object_unref (probe.socket);
  relay_free (relay);
}

static Node *
node_new_pairing (Relay      *relay,
                  PuIdentity *identity)
{
  g_autoptr(PuRelayAddr) addr = relay_addr (relay);

  return node_new_full (identity, addr, FALSE, TRUE);
}

/* Waits until @node's relay ended its session, for a reason saying @why. */
static void
expect_refused (Node       *node,
                const char *why)
{
  g_clear_error (&node->error);
  wait_for (has_error, node, "the relay to end the session");
  if (strstr (node->error->message, why) == NULL)
    g_error ("“%s” not in: %s", why, node->error->message);
  g_clear_error (&node->error);
}

static gboolean
no_pairing_sessions (gpointer data)
{
  return pu_relay_server_get_n_pairing (((Relay *) data)->server) == 0;
}

static void
test_pairing_session (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  g_autoptr(PuIdentity) dave = pu_identity_generate ();
  const PuPeerId *alice_id = pu_identity_get_peer_id (alice);
  const PuPeerId *dave_id = pu_identity_get_peer_id (dave);
  guint64 a_instance;
  Node *a, *c, *d;

  write_keys (relay, alice, carol, NULL);
  a = node_new (relay, alice, TRUE);
  c = node_new (relay, carol, FALSE);
  wait_connected (a);
  wait_connected (c);
  a_instance = pu_relay_client_get_instance (a->client);

  /* Dave is unknown to the relay: without asking to pair he is refused,
   * asking, he gets in on probation. */
  d = node_new (relay, dave, FALSE);
  expect_refused (d, "not authorized on this relay");
  node_free (d);
  d = node_new_pairing (relay, dave);
  wait_connected (d);
  g_assert_cmpuint (pu_relay_server_get_n_pairing (relay->server), ==, 1);

  /* Carol cannot reach him; her next message shows the relay took hers. */
  send_ok (c, dave_id, 0, "hello stranger", FALSE);
  send_ok (c, alice_id, 0, "marker", FALSE);
  expect (a, pu_identity_get_peer_id (carol), pu_relay_client_get_instance (c->client),
                 "marker", FALSE);

  /* His pairing messages reach the peer he names, and its answers him. */
  send_ok (d, alice_id, a_instance, "P hello", TRUE);
  expect (a, dave_id, pu_relay_client_get_instance (d->client), "P hello", TRUE);
  send_ok (a, dave_id, pu_relay_client_get_instance (d->client), "P reply", TRUE);
  expect (d, alice_id, a_instance, "P reply", TRUE);
  g_assert_cmpuint (d->received->len, ==, 0);

  /* Anything else ends the session: another peer, other signaling, a
   * packet, a sponsor request. */
  send_ok (d, pu_identity_get_peer_id (carol), 0, "P hello", TRUE);
  expect_refused (d, "may only pair with the peer it named");
  wait_connected (d);
  send_ok (d, alice_id, a_instance, "\x01ice candidates", TRUE);
  expect_refused (d, "may only pair with the peer it named");
  wait_connected (d);
  send_ok (d, alice_id, a_instance, "P packet", FALSE);
  expect_refused (d, "may only pair with the peer it named");
  wait_connected (d);
  g_assert_true (pu_relay_client_sponsor (d->client, dave_id, NULL));
  expect_refused (d, "may only pair with the peer it named");

  /* Nor may it name another device on probation. */
  node_free (c);
  c = node_new_pairing (relay, carol);
  write_keys (relay, alice, NULL);
  wait_connected (d);
  send_ok (d, pu_identity_get_peer_id (carol), 0, "P hello", TRUE);
  expect_refused (d, "may only pair with the peer it named");

  /* Authorized by the operator meanwhile, he is an ordinary peer at once. */
  wait_connected (d);
  write_keys (relay, alice, dave, NULL);
  send_ok (d, alice_id, a_instance, "now a member", FALSE);
  expect (a, dave_id, pu_relay_client_get_instance (d->client), "now a member", FALSE);

  g_assert_cmpuint (a->n_disconnected, ==, 0);
  node_free (a);
  node_free (c);
  node_free (d);
  relay_free (relay);
}

static gboolean
has_absent (gpointer data)
{
  return ((Node *) data)->n_absent > 0;
}

/* Waits for @node to hear that what it sent to @peer (@instance) has
 * nobody to go to. */
static void
expect_absent (Node           *node,
               const PuPeerId *peer,
               guint64         instance)
{
  wait_for (has_absent, node, "ABSENT");
  g_assert_true (pu_peer_id_equal (&node->absent_peer, peer));
  g_assert_cmpuint (node->absent_instance, ==, instance);
  node->n_absent = 0;
}

/* What has nobody to go to is answered at once, and costs a device on
 * probation nothing. */
static void
test_absent (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  g_autoptr(PuIdentity) dave = pu_identity_generate ();
  const PuPeerId *alice_id = pu_identity_get_peer_id (alice);
  const PuPeerId *carol_id = pu_identity_get_peer_id (carol);
  const PuPeerId *dave_id = pu_identity_get_peer_id (dave);
  guint64 a_instance, d_instance;
  Node *a, *c, *d;

  write_keys (relay, alice, carol, NULL);
  a = node_new (relay, alice, TRUE);
  wait_connected (a);
  a_instance = pu_relay_client_get_instance (a->client);

  /* Nobody by that peer ID, or not that process of it. */
  send_ok (a, dave_id, 5, "anyone?", TRUE);
  expect_absent (a, dave_id, 5);
  g_usleep (PU_RELAY_ABSENT_INTERVAL_MS * 1000);
  send_ok (a, alice_id, a_instance + 1, "P other process", FALSE);
  expect_absent (a, alice_id, a_instance + 1);

  /* A device on probation naming someone not there may try again. */
  d = node_new_pairing (relay, dave);
  wait_connected (d);
  d_instance = pu_relay_client_get_instance (d->client);
  send_ok (d, carol_id, 0, "P hello", TRUE);
  expect_absent (d, carol_id, 0);
  send_ok (d, alice_id, a_instance, "P hello", TRUE);
  expect (a, dave_id, d_instance, "P hello", TRUE);
  g_assert_null (d->error);

  /* Nor can others reach it, and they are told so. */
  c = node_new (relay, carol, FALSE);
  wait_connected (c);
  send_ok (c, dave_id, d_instance, "hello stranger", FALSE);
  expect_absent (c, dave_id, d_instance);
  g_assert_cmpuint (d->received->len, ==, 0);

  node_free (a);
  node_free (c);
  node_free (d);
  relay_free (relay);
}

static gboolean
has_turn (gpointer data)
{
  const char *host, *username, *password;
  guint16 port;

  return pu_relay_client_get_turn (((Node *) data)->client, &host, &port, &username, &password);
}

/* Checks the TURN credentials @node got: coturn's scheme for its peer ID,
 * valid for a day. */
static void
expect_turn (Node       *node,
             PuIdentity *identity)
{
  const char *host, *username, *password;
  g_autofree char *expected_username = NULL;
  g_autofree char *expected_password = NULL;
  g_auto(GStrv) parts = NULL;
  guint16 port;
  gint64 expiry, now = g_get_real_time () / G_USEC_PER_SEC;

  wait_for (has_turn, node, "TURN credentials");
  g_assert_true (pu_relay_client_get_turn (node->client, &host, &port, &username, &password));
  g_assert_cmpstr (host, ==, "203.0.113.3");
  g_assert_cmpuint (port, ==, 3479);
  parts = g_strsplit (username, ":", 2);
  g_assert_cmpstr (parts[1], ==, pu_identity_get_peer_id_string (identity));
  expiry = g_ascii_strtoll (parts[0], NULL, 10);
  g_assert_cmpint (expiry, >=, now + PU_RELAY_TURN_LIFETIME_SECONDS - 60);
  g_assert_cmpint (expiry, <=, now + PU_RELAY_TURN_LIFETIME_SECONDS + 60);
  pu_ice_path_turn_credentials ("lab-secret", parts[1], expiry, &expected_username,
                                &expected_password);
  g_assert_cmpstr (username, ==, expected_username);
  g_assert_cmpstr (password, ==, expected_password);
}

/* With a TURN server in its limits, the relay gives authorized peers
 * credentials for it, and devices on probation none until sponsored. */
static void
test_turn (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) dave = pu_identity_generate ();
  const PuPeerId *alice_id = pu_identity_get_peer_id (alice);
  Node *a, *d;

  g_strlcpy (relay->limits.turn_host, "203.0.113.3", sizeof relay->limits.turn_host);
  relay->limits.turn_port = 3479;
  g_strlcpy (relay->limits.turn_secret, "lab-secret", sizeof relay->limits.turn_secret);
  pu_relay_server_set_limits (relay->server, &relay->limits);
  write_keys (relay, alice, NULL);
  a = node_new (relay, alice, TRUE);
  expect_turn (a, alice);

  /* Dave on probation gets nothing (his pairing message going through shows
   * the relay would have sent it by then); authorized, he gets them. */
  d = node_new_pairing (relay, dave);
  wait_connected (d);
  send_ok (d, alice_id, pu_relay_client_get_instance (a->client), "P hello", TRUE);
  expect (a, pu_identity_get_peer_id (dave), pu_relay_client_get_instance (d->client),
          "P hello", TRUE);
  g_assert_false (has_turn (d));
  write_keys (relay, alice, dave, NULL);
  expect_turn (d, dave);

  node_free (a);
  node_free (d);
  relay_free (relay);
}

static void
test_pairing_limits (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) u1 = pu_identity_generate ();
  g_autoptr(PuIdentity) u2 = pu_identity_generate ();
  Node *a, *b;

  relay->limits.pairing_max = 1;
  relay->limits.pairing_per_ip = 2;
  pu_relay_server_set_limits (relay->server, &relay->limits);

  /* One device on probation at a time. */
  a = node_new_pairing (relay, u1);
  wait_connected (a);
  b = node_new_pairing (relay, u2);
  expect_refused (b, "too many devices are pairing");
  node_free (b);

  /* Two a minute from one address (the refusal above did not count). */
  node_free (a);
  wait_for (no_pairing_sessions, relay, "the relay to see the device go");
  a = node_new_pairing (relay, u1);
  wait_connected (a);
  node_free (a);
  wait_for (no_pairing_sessions, relay, "the relay to see the device go");
  a = node_new_pairing (relay, u1);
  expect_refused (a, "too many pairing attempts from this address");
  node_free (a);

  /* A session on probation is short. */
  relay->limits.pairing_per_ip = 100;
  relay->limits.pairing_seconds = 1;
  pu_relay_server_set_limits (relay->server, &relay->limits);
  a = node_new_pairing (relay, u1);
  wait_connected (a);
  expect_refused (a, "pairing time is up");
  node_free (a);

  /* And a relay may admit none. */
  relay->limits.pairing_max = 0;
  pu_relay_server_set_limits (relay->server, &relay->limits);
  a = node_new_pairing (relay, u1);
  expect_refused (a, "does not admit devices to pair");
  node_free (a);

  relay_free (relay);
}

static gboolean
has_sponsored (gpointer data)
{
  return ((Node *) data)->sponsored >= 0;
}

static gboolean
raw_sponsored (gpointer data)
{
  return ((Raw *) data)->sponsored >= 0;
}

/* SPONSOR from @raw (connected as a member) for @joiner, signed by
 * @signer at @timestamp: the relay's answer. */
static gint
raw_sponsor (Raw            *raw,
             Relay          *relay,
             PuIdentity     *signer,
             const PuPeerId *joiner,
             gint64          timestamp)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_SPONSOR, .peer = *joiner };
  guint8 transcript[PU_RELAY_SPONSOR_TRANSCRIPT_LEN];

  frame.timestamp = timestamp;
  pu_relay_frame_sponsor_transcript (pu_identity_get_peer_id (relay->identity), joiner,
                                     timestamp, transcript);
  pu_identity_sign (signer, transcript, sizeof transcript, frame.signature);
  raw->sponsored = -1;
  raw_send (raw->ws, &frame);
  wait_for (raw_sponsored, raw, "the relay's answer");
  return raw->sponsored;
}

static gint
sponsor_ok (Node           *node,
            const PuPeerId *joiner)
{
  node->sponsored = -1;
  g_assert_true (pu_relay_client_sponsor (node->client, joiner, NULL));
  wait_for (has_sponsored, node, "the relay's answer");
  return node->sponsored;
}

static void
test_sponsor (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  g_autoptr(PuIdentity) dave = pu_identity_generate ();
  g_autoptr(PuIdentity) erin = pu_identity_generate ();
  g_autoptr(PuIdentity) mallory = pu_identity_generate ();
  g_autoptr(PuTrustStore) again = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *want = NULL;
  const PuPeerId *alice_id = pu_identity_get_peer_id (alice);
  const PuPeerId *dave_id = pu_identity_get_peer_id (dave);
  const PuPeerId *erin_id = pu_identity_get_peer_id (erin);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Raw raw = { .identity = carol, .sponsored = -1 };
  Node *a, *d;

  write_keys (relay, carol, NULL);
  g_assert_true (pu_trust_store_add (relay->trust, alice_id, "alice", 0, &error));
  g_assert_no_error (error);
  a = node_new (relay, alice, TRUE);
  d = node_new_pairing (relay, dave);
  wait_connected (a);
  wait_connected (d);

  /* Forged or stale requests change nothing. */
  raw_connect (&raw, relay, session);
  wait_for (raw_welcomed, &raw, "the raw client to be in");
  g_assert_cmpint (raw_sponsor (&raw, relay, mallory, dave_id, now), ==,
                   PU_RELAY_SPONSOR_INVALID);
  g_assert_cmpint (raw_sponsor (&raw, relay, carol, dave_id,
                                now - PU_RELAY_SPONSOR_WINDOW_SECONDS - 60), ==,
                   PU_RELAY_SPONSOR_INVALID);
  g_assert_cmpint (raw_sponsor (&raw, relay, carol, dave_id,
                                now + PU_RELAY_SPONSOR_WINDOW_SECONDS + 60), ==,
                   PU_RELAY_SPONSOR_INVALID);
  g_assert_false (pu_trust_store_is_authorized (relay->trust, dave_id, now));
  g_assert_cmpuint (pu_relay_server_get_n_pairing (relay->server), ==, 1);

  /* With invite=admin, a member that is no admin may not sponsor. */
  relay->limits.invite_admin_only = TRUE;
  pu_relay_server_set_limits (relay->server, &relay->limits);
  g_assert_cmpint (sponsor_ok (a, dave_id), ==, PU_RELAY_SPONSOR_DENIED);
  g_assert_false (pu_trust_store_is_authorized (relay->trust, dave_id, now));

  /* A member may by default: dave's session is an ordinary one at once. */
  relay->limits.invite_admin_only = FALSE;
  pu_relay_server_set_limits (relay->server, &relay->limits);
  g_assert_cmpint (sponsor_ok (a, dave_id), ==, PU_RELAY_SPONSOR_OK);
  g_assert_cmpuint (pu_relay_server_get_n_pairing (relay->server), ==, 0);
  send_ok (d, alice_id, 0, "a packet", FALSE);
  expect (a, dave_id, pu_relay_client_get_instance (d->client), "a packet", FALSE);
  g_assert_cmpuint (d->n_disconnected, ==, 0);
  /* Once more is no error. */
  g_assert_cmpint (sponsor_ok (a, dave_id), ==, PU_RELAY_SPONSOR_OK);

  /* It is in the file, saying who sponsored it. */
  g_assert_true (g_file_get_contents (relay->keys_path, &keys, NULL, NULL));
  want = g_strdup_printf ("%s # sponsored by alice/%s\n", pu_identity_get_peer_id_string (dave),
                          pu_identity_get_peer_id_string (alice));
  g_assert_nonnull (strstr (keys, want));
  again = pu_trust_store_new (relay->keys_path, &error);
  g_assert_no_error (error);
  g_assert_true (pu_trust_store_is_authorized (again, dave_id, now));

  /* An admin may sponsor under invite=admin. */
  relay->limits.invite_admin_only = TRUE;
  pu_relay_server_set_limits (relay->server, &relay->limits);
  g_assert_cmpint (sponsor_ok (a, erin_id), ==, PU_RELAY_SPONSOR_DENIED);
  {
    g_autofree char *line = g_strdup_printf ("%s admin=true # alice\n",
                                             pu_identity_get_peer_id_string (alice));

    g_assert_true (pu_file_write_atomic (relay->keys_path, line, strlen (line), 0600, &error));
    g_assert_true (pu_trust_store_reload (relay->trust, &error));
    g_assert_no_error (error);
  }
  wait_connected (a);
  g_assert_cmpint (sponsor_ok (a, erin_id), ==, PU_RELAY_SPONSOR_OK);
  g_assert_true (pu_trust_store_is_authorized (relay->trust, erin_id, now));

  raw_clear (&raw);
  node_free (a);
  node_free (d);
  relay_free (relay);
}

static gboolean
has_answer (gpointer data)
{
  return ((Node *) data)->answered;
}

/* Claims (@claim: for @value seconds) or opens nameplate @value. */
static void
ask_nameplate (Node     *node,
               gboolean  claim,
               guint     value)
{
  node->answered = FALSE;
  if (claim)
    g_assert_true (pu_relay_client_claim_nameplate (node->client, value, NULL));
  else
    g_assert_true (pu_relay_client_open_nameplate (node->client, value, NULL));
  wait_for (has_answer, node, "the relay's answer");
}

static void
test_nameplates (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  g_autoptr(PuIdentity) dave = pu_identity_generate ();
  guint number, other;
  Node *a, *c, *d;

  write_keys (relay, alice, carol, NULL);
  a = node_new (relay, alice, TRUE);
  c = node_new (relay, carol, FALSE);
  wait_connected (a);
  wait_connected (c);

  /* A number from 1 to 999 leads to the inviter's connection. */
  ask_nameplate (a, TRUE, 600);
  number = a->nameplate;
  g_assert_cmpuint (number, >=, 1);
  g_assert_cmpuint (number, <=, PU_RELAY_NAMEPLATE_MAX);
  d = node_new_pairing (relay, dave);
  wait_connected (d);
  ask_nameplate (d, FALSE, number);
  g_assert_true (d->found);
  g_assert_cmpuint (d->nameplate, ==, number);
  g_assert_true (pu_peer_id_equal (&d->inviter, pu_identity_get_peer_id (alice)));
  g_assert_cmpuint (d->instance, ==, pu_relay_client_get_instance (a->client));

  /* A device on probation opens one number per session. */
  g_assert_true (pu_relay_client_open_nameplate (d->client, number, NULL));
  expect_refused (d, "may only pair with the peer it named");

  /* Three opens in all, then the number is burned. */
  ask_nameplate (c, FALSE, number);
  g_assert_true (c->found);
  ask_nameplate (c, FALSE, number);
  g_assert_true (c->found);
  ask_nameplate (c, FALSE, number);
  g_assert_false (c->found);

  /* Numbers unknown, or of an inviter that left, lead nowhere. */
  ask_nameplate (a, TRUE, 600);
  other = a->nameplate;
  ask_nameplate (c, FALSE, other == 1 ? 2 : 1);
  g_assert_false (c->found);
  node_free (a);
  a = node_new (relay, alice, TRUE);
  wait_connected (a);
  ask_nameplate (c, FALSE, other);
  g_assert_false (c->found);

  /* Bounded: a few per connection, and no endless ones; a device on
   * probation claims none. */
  for (guint i = 0; i < PU_RELAY_NAMEPLATES_PER_SESSION; i++)
    {
      ask_nameplate (a, TRUE, 600);
      g_assert_cmpuint (a->nameplate, !=, 0);
    }
  ask_nameplate (a, TRUE, 600);
  g_assert_cmpuint (a->nameplate, ==, 0);
  ask_nameplate (c, TRUE, PU_RELAY_NAMEPLATE_TTL_MAX + 1);
  g_assert_cmpuint (c->nameplate, ==, 0);
  wait_connected (d);
  g_assert_true (pu_relay_client_claim_nameplate (d->client, 600, NULL));
  expect_refused (d, "may only pair with the peer it named");

  node_free (a);
  node_free (c);
  node_free (d);
  relay_free (relay);
}

static gboolean
has_members (gpointer data)
{
  return ((Node *) data)->members_status >= 0;
}

/* GROUP_JOIN with @token as @name: the status of the answer. */
static gint
join_group (Node         *node,
            const guint8 *token,
            const char   *name)
{
  node->members_status = -1;
  g_assert_true (pu_relay_client_join_group (node->client, token, name, NULL));
  wait_for (has_members, node, "the relay's answer");
  return node->members_status;
}

static void
test_groups (void)
{
  Relay *relay = relay_new ();
  g_autoptr(PuIdentity) alice = pu_identity_generate ();
  g_autoptr(PuIdentity) bob = pu_identity_generate ();
  g_autoptr(PuIdentity) carol = pu_identity_generate ();
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (
    (GDestroyNotify) pu_relay_group_free);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (relay->dir, PU_RELAY_GROUPS_FILE, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 tokens[3][PU_RELAY_GROUP_TOKEN_LEN] = { { 1 }, { 2 }, { 3 } };
  guint8 wrong[PU_RELAY_GROUP_TOKEN_LEN] = { 4 };
  const PuTrustEntry *entry;
  Node *a, *b, *c;

  /* Stored as hashes only, and read back the same. */
  g_ptr_array_add (groups, pu_relay_group_new (3, now + 3600, 7 * 86400,
                                               (const guint8 (*)[PU_RELAY_GROUP_TOKEN_LEN])
                                               tokens));
  g_assert_true (pu_relay_groups_save (path, groups, &error));
  g_assert_no_error (error);
  again = pu_relay_groups_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_nonnull (pu_relay_groups_find (again, tokens[2], now, NULL));
  g_assert_null (pu_relay_groups_find (again, tokens[2], now + 3600, NULL));
  g_assert_null (pu_relay_groups_find (again, wrong, now, NULL));
  pu_relay_server_set_groups_path (relay->server, path);

  /* A wrong token, then a second try on the same connection: refused. */
  a = node_new_pairing (relay, alice);
  wait_connected (a);
  g_assert_cmpint (join_group (a, wrong, "alice"), ==, PU_RELAY_MEMBERS_FAILED);
  g_assert_true (pu_relay_client_join_group (a->client, tokens[0], "alice", NULL));
  expect_refused (a, "one pairing code per connection");

  /* The right one: served at once, for the group's member time. */
  wait_connected (a);
  g_assert_cmpint (join_group (a, tokens[0], "alice"), ==, PU_RELAY_MEMBERS_JOINED);
  g_assert_cmpuint (a->n_members, ==, 0);
  g_assert_cmpuint (pu_relay_server_get_n_pairing (relay->server), ==, 0);
  entry = pu_trust_store_lookup (relay->trust, pu_identity_get_peer_id (alice));
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->expires, >=, now + 7 * 86400);
  g_assert_nonnull (strstr (entry->comment, ": alice"));

  /* The next member meets alice, and alice, connected, meets it. */
  b = node_new_pairing (relay, bob);
  wait_connected (b);
  a->members_status = -1;
  g_assert_cmpint (join_group (b, tokens[1], "bob"), ==, PU_RELAY_MEMBERS_JOINED);
  g_assert_cmpuint (b->n_members, ==, 1);
  g_assert_cmpstr (b->members[0].name, ==, "alice");
  g_assert_true (pu_peer_id_equal (&b->members[0].peer, pu_identity_get_peer_id (alice)));
  wait_for (has_members, a, "alice's introduction");
  g_assert_cmpint (a->members_status, ==, PU_RELAY_MEMBERS_INTRODUCED);
  g_assert_cmpuint (a->n_members, ==, 1);
  g_assert_cmpstr (a->members[0].name, ==, "bob");

  /* A used token fails like a wrong one. */
  c = node_new_pairing (relay, carol);
  wait_connected (c);
  g_assert_cmpint (join_group (c, tokens[0], "carol"), ==, PU_RELAY_MEMBERS_FAILED);
  g_assert_false (pu_trust_store_is_authorized (relay->trust, pu_identity_get_peer_id (carol),
                                                now));

  node_free (a);
  node_free (b);
  node_free (c);
  g_unlink (path);
  relay_free (relay);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay/exchange", test_exchange);
  g_test_add_func ("/relay/unauthorized", test_unauthorized);
  g_test_add_func ("/relay/wrong-pin", test_wrong_pin);
  g_test_add_func ("/relay/not-a-relay", test_not_a_relay);
  g_test_add_func ("/relay/oversize", test_oversize);
  g_test_add_func ("/relay/unauthenticated", test_unauthenticated);
  g_test_add_func ("/relay/bad-signature", test_bad_signature);
  g_test_add_func ("/relay/malformed", test_malformed);
  g_test_add_func ("/relay/auth-timeout", test_auth_timeout);
  g_test_add_func ("/relay/slow-reader", test_slow_reader);
  g_test_add_func ("/relay/instances", test_instances);
  g_test_add_func ("/relay/restart", test_restart);
  g_test_add_func ("/relay/ping", test_ping);
  g_test_add_func ("/relay/healthz", test_healthz);
  g_test_add_func ("/relay/dual-stack", test_dual_stack);
  g_test_add_func ("/relay/stun", test_stun);
  g_test_add_func ("/relay/pairing-session", test_pairing_session);
  g_test_add_func ("/relay/pairing-limits", test_pairing_limits);
  g_test_add_func ("/relay/absent", test_absent);
  g_test_add_func ("/relay/turn", test_turn);
  g_test_add_func ("/relay/sponsor", test_sponsor);
  g_test_add_func ("/relay/nameplates", test_nameplates);
  g_test_add_func ("/relay/groups", test_groups);

  return g_test_run ();
}
