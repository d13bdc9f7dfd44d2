/* pu-node.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-node.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-certificate.h"
#include "pu-error.h"
#include "pu-ice-path.h"
#include "pu-pairing.h"
#include "pu-relay-client.h"
#include "pu-relay-path.h"
#include "pu-splice.h"

#define PING_LEN 8
#define SERVICE_CONNECT_SECONDS 10
/* An ICE attempt that finds no working pair in this time has failed. */
#define ICE_ATTEMPT_SECONDS 10
/* A lost direct path gets this long to come back before ICE starts over. */
#define ICE_RECOVER_SECONDS 10
/* Between failed attempts: doubling, capped. */
#define ICE_RETRY_MIN_SECONDS 5
#define ICE_RETRY_MAX_SECONDS 120
/* A peer's RESTART or a network change restarts ICE at most this often. */
#define ICE_RESTART_MIN_USEC (2 * G_USEC_PER_SEC)
/* TURN credentials made for an attempt stay valid this long. */
#define TURN_LIFETIME_SECONDS (24 * 3600)

/* One QUIC connection with a process of a peer, through one relay. */
typedef struct {
  PuNode        *node;      /* unowned */
  PuPeerId       peer;
  guint64        instance;  /* the remote process; 0 until it answered a dial */
  PuRelayClient *relay;     /* NULL while a dial waits for a relay */
  PuRelayPath   *path;
  PuConnection  *conn;
  gboolean       dialed;
  gboolean       established; /* "peer-changed" was emitted for it */
  GPtrArray     *waiters;   /* GTask of pu_node_connect_async */
  guint          timeout_id;
  gboolean       absent;    /* the relay said the peer is not there */
  gint64         created;   /* first contact, for the time to a direct path */
  /* The direct path: once the connection is up the dialer draws a signaling
   * session and controls ICE; each attempt is a new generation. */
  guint64        session;
  guint32        generation;
  PuIcePath     *ice;
  gint64         ice_started;
  gboolean       ice_counted; /* this attempt's outcome is in the metrics */
  guint          ice_timer_id; /* attempt deadline, recovery wait or retry */
  guint          ice_backoff;  /* seconds before the next retry; 0 after a success */
} Link;

struct _PuNode
{
  GObject        parent_instance;

  PuProfile     *profile;
  PuCertificate *certificate;
  gboolean       serving;
  gboolean       started;
  GPtrArray     *relays;     /* PuRelayClient */
  GHashTable    *relays_up;  /* the connected ones (unowned) */
  /* Link → Link, by relay + peer + instance; owns the links. */
  GHashTable    *links;
  /* PuPeerId → Link (unowned): the connection we dial to each peer. */
  GHashTable    *dials;
  guint          n_served;
  GNetworkMonitor *monitor;
  gboolean       direct_paths;
  PuNodeIceMetrics ice_metrics;
};

G_DEFINE_FINAL_TYPE (PuNode, pu_node, G_TYPE_OBJECT)

enum {
  SIGNAL_RELAY_CHANGED,
  SIGNAL_PEER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint
link_hash (gconstpointer key)
{
  const Link *link = key;

  return pu_peer_id_hash (&link->peer) ^ g_int64_hash (&link->instance) ^
         g_direct_hash (link->relay);
}

static gboolean
link_equal (gconstpointer a,
            gconstpointer b)
{
  const Link *x = a, *y = b;

  return x->relay == y->relay && x->instance == y->instance &&
         pu_peer_id_equal (&x->peer, &y->peer);
}

static void ice_stop (Link *link);

static void
link_fail_waiters (Link         *link,
                   const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&link->waiters);

  link->waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
link_free (Link *link)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                 _("The connection was closed"));

  link_fail_waiters (link, error);
  g_ptr_array_unref (link->waiters);
  g_clear_handle_id (&link->timeout_id, g_source_remove);
  ice_stop (link);
  if (link->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (link->conn, link);
      pu_connection_close (link->conn);
      g_clear_object (&link->conn);
    }
  g_clear_object (&link->path);
  g_free (link);
}

/* Forgets @link; the connection is closed. */
static void
link_drop (Link *link)
{
  PuNode *self = link->node;
  PuPeerId peer = link->peer;
  gboolean was_established = link->established;

  if (link->dialed && g_hash_table_lookup (self->dials, &link->peer) == link)
    g_hash_table_remove (self->dials, &link->peer);
  if (!link->dialed)
    self->n_served--;
  if (!g_hash_table_remove (self->links, link))
    link_free (link);
  if (was_established)
    g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &peer);
}

char *
pu_node_dup_peer_label (PuNode         *self,
                        const PuPeerId *peer)
{
  const char *name;

  g_return_val_if_fail (PU_IS_NODE (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  name = pu_config_name_for_peer (pu_profile_get_config (self->profile), peer);
  return name != NULL ? g_strdup (name) : pu_peer_id_to_short (peer);
}

/* What a user should read when a dial ends in @error. */
static GError *
dial_error (Link         *link,
            const GError *error)
{
  g_autofree char *label = pu_node_dup_peer_label (link->node, &link->peer);
  g_autofree char *own_id = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        _("%s is offline or unreachable (no answer through the relay)"), label);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      own_id = g_strdup (pu_identity_get_peer_id_string (
                           pu_profile_get_identity (link->node->profile)));
      return g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                          _("You are not authorized by %s; its owner can allow you with "
                            "`peerup auth add %s`"), label, own_id);
    }
  return g_error_copy (error);
}

static void
link_closed_cb (PuConnection *conn,
                const GError *error,
                Link         *link)
{
  g_autoptr(GError) reason = dial_error (link, error);

  link_fail_waiters (link, reason);
  link_drop (link);
}

static void ice_start (Link    *link,
                       guint32  generation);

/* An identifier, not a secret: it keeps signaling of connections apart. */
static guint64
new_session (void)
{
  return (guint64) g_random_int () << 32 | g_random_int ();
}

static void
link_established_cb (PuConnection *conn,
                     Link         *link)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&link->waiters);

  link->waiters = g_ptr_array_new ();
  g_clear_handle_id (&link->timeout_id, g_source_remove);
  link->established = TRUE;
  if (!link->dialed)
    {
      g_autofree char *id = pu_peer_id_to_string (&link->peer);
      const char *name = pu_config_name_for_peer (pu_profile_get_config (link->node->profile),
                                                  &link->peer);

      if (name != NULL)
        g_message ("Accepted a connection from %s (%s)", name, id);
      else
        g_message ("Accepted a connection from %s", id);
    }
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      g_task_return_pointer (task, g_object_ref (conn), g_object_unref);
      g_object_unref (task);
    }
  g_signal_emit (link->node, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
  if (link->dialed && link->node->direct_paths)
    {
      link->session = new_session ();
      ice_start (link, 1);
    }
}

static gboolean
link_timeout_cb (gpointer user_data)
{
  Link *link = user_data;
  g_autoptr(GError) error = NULL;

  link->timeout_id = 0;
  if (link->relay == NULL)
    {
      PuRelayClient *first = link->node->relays->len > 0 ? link->node->relays->pdata[0] : NULL;

      error = g_error_new (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                           first != NULL ? _("No relay is reachable (tried %s); check the "
                                             "relay with `peerup relay list`")
                                         : _("No relay is configured; add one with `peerup "
                                             "relay add ADDRESS`"),
                           first != NULL ? pu_relay_client_get_address (first) : "");
    }
  else if (link->absent)
    {
      g_autofree char *label = pu_node_dup_peer_label (link->node, &link->peer);

      error = g_error_new (G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                           _("%s is offline: it is not connected to the relay %s; check that "
                             "Peer Up runs there"), label,
                           pu_relay_client_get_address (link->relay));
    }
  else
    {
      g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "");

      error = dial_error (link, timeout);
    }
  link_fail_waiters (link, error);
  link_drop (link);
  return G_SOURCE_REMOVE;
}

/* The handshake's check of a client: in authorized_keys and not expired,
 * read at this moment so edits apply to the next connection. */
static gboolean
authorize_peer (const PuPeerId *peer,
                gpointer        user_data)
{
  PuTrustStore *trust = user_data;

  if (pu_trust_store_is_authorized (trust, peer, g_get_real_time () / G_USEC_PER_SEC))
    return TRUE;

  g_autofree char *id = pu_peer_id_to_string (peer);
  g_message ("Refused a connection from %s: not in %s (or expired)", id,
             pu_trust_store_get_path (trust));
  return FALSE;
}

static void incoming_stream_cb (PuConnection *conn,
                                PuStream     *stream,
                                Link         *link);

/* Sets up the QUIC side of @link once it has a relay. */
static gboolean
link_start (Link     *link,
            GError  **error)
{
  PuNode *self = link->node;

  link->path = pu_relay_path_new (link->relay, &link->peer, link->instance);
  if (link->dialed)
    link->conn = pu_connection_new_client (self->certificate, &link->peer,
                                           PU_PATH (link->path), error);
  else
    link->conn = pu_connection_new_server (self->certificate, authorize_peer,
                                           g_object_ref (pu_profile_get_trust_store (
                                                           self->profile)),
                                           g_object_unref, PU_PATH (link->path), error);
  if (link->conn == NULL)
    return FALSE;

  g_signal_connect (link->conn, "closed", G_CALLBACK (link_closed_cb), link);
  g_signal_connect (link->conn, "handshake-completed", G_CALLBACK (link_established_cb), link);
  g_signal_connect (link->conn, "incoming-stream", G_CALLBACK (incoming_stream_cb), link);
  return TRUE;
}

static PuRelayClient *
first_connected_relay (PuNode *self)
{
  for (guint i = 0; i < self->relays->len; i++)
    if (pu_relay_client_is_connected (self->relays->pdata[i]))
      return self->relays->pdata[i];
  return NULL;
}

/* Gives @link a relay and starts its handshake; FALSE when none is up yet. */
static gboolean
link_try_start (Link *link)
{
  g_autoptr(GError) error = NULL;
  PuRelayClient *relay = first_connected_relay (link->node);

  if (relay == NULL)
    return FALSE;

  /* Re-key: the relay is part of the hash. */
  g_hash_table_steal (link->node->links, link);
  link->relay = relay;
  g_hash_table_add (link->node->links, link);

  if (!link_start (link, &error))
    {
      link_fail_waiters (link, error);
      link_drop (link);
      return TRUE;
    }
  g_clear_handle_id (&link->timeout_id, g_source_remove);
  link->timeout_id = g_timeout_add_seconds (PU_NODE_DIAL_SECONDS, link_timeout_cb, link);
  return TRUE;
}

static void
relay_connected_cb (PuRelayClient *relay,
                    PuNode        *self)
{
  GHashTableIter iter;
  Link *link;
  g_autoptr(GPtrArray) waiting = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->dials);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &link))
    if (link->relay == NULL)
      g_ptr_array_add (waiting, link);
  for (guint i = 0; i < waiting->len; i++)
    link_try_start (waiting->pdata[i]);
  g_hash_table_add (self->relays_up, relay);
  g_signal_emit (self, signals[SIGNAL_RELAY_CHANGED], 0, relay);
}

/* Also each failed attempt: only the end of a connection is a change. */
static void
relay_disconnected_cb (PuRelayClient *relay,
                       const GError  *error,
                       PuNode        *self)
{
  if (g_hash_table_remove (self->relays_up, relay))
    g_signal_emit (self, signals[SIGNAL_RELAY_CHANGED], 0, relay);
}

static gboolean
is_quic_initial (const PuDatagram *packet)
{
  /* Long header, fixed bit, type Initial (QUIC v1), padded to 1200 bytes. */
  return packet->len >= 1200 && (packet->data[0] & 0xf0) == 0xc0;
}

/* The link @packet from @peer's process @instance through @relay belongs
 * to, a new one if it opens a connection to us; NULL to drop it. */
static Link *
relay_link (PuNode           *self,
            PuRelayClient    *relay,
            const PuPeerId   *peer,
            guint64           instance,
            const PuDatagram *packet)
{
  Link key = { .peer = *peer, .instance = instance, .relay = relay };
  Link *link = g_hash_table_lookup (self->links, &key);
  g_autoptr(GError) error = NULL;

  if (link != NULL)
    return link;

  link = g_hash_table_lookup (self->dials, peer);
  /* The first answer to a dial names the process that took it. */
  if (link != NULL && link->relay == relay && link->instance == 0 &&
      pu_connection_owns_datagram (link->conn, packet->data, packet->len))
    {
      g_hash_table_steal (self->links, link);
      link->instance = instance;
      pu_relay_path_set_instance (link->path, instance);
      g_hash_table_add (self->links, link);
      return link;
    }

  if (!self->serving || !is_quic_initial (packet) ||
      self->n_served >= PU_NODE_MAX_SERVED_CONNECTIONS)
    return NULL;

  link = g_new0 (Link, 1);
  link->node = self;
  link->peer = *peer;
  link->instance = instance;
  link->relay = relay;
  link->waiters = g_ptr_array_new ();
  link->created = g_get_monotonic_time ();
  self->n_served++;
  g_hash_table_add (self->links, link);
  if (!link_start (link, &error))
    {
      g_autofree char *id = pu_peer_id_to_string (peer);

      g_message ("Could not accept a connection from %s: %s", id, error->message);
      link_drop (link);
      return NULL;
    }
  return link;
}

static void
relay_packets_cb (PuRelayClient    *relay,
                  const PuPeerId   *peer,
                  guint64           instance,
                  const PuDatagram *packets,
                  guint             n_packets,
                  PuNode           *self)
{
  /* All come from one process: once one finds its link, so do the rest. */
  for (guint i = 0; i < n_packets; i++)
    {
      Link *link = relay_link (self, relay, peer, instance, &packets[i]);

      if (link != NULL)
        {
          pu_connection_receive_datagrams (link->conn, packets + i, n_packets - i);
          return;
        }
    }
}

static gboolean
link_is_up (Link *link)
{
  return link->established && pu_connection_is_established (link->conn);
}

/* Sends on the relay again; TRUE if the direct path was in use. */
static gboolean
link_use_relay (Link *link)
{
  if (link->ice == NULL || pu_connection_get_path (link->conn) != PU_PATH (link->ice))
    return FALSE;
  pu_connection_set_path (link->conn, PU_PATH (link->path));
  return TRUE;
}

static void
ice_stop (Link *link)
{
  g_clear_handle_id (&link->ice_timer_id, g_source_remove);
  if (link->ice == NULL)
    return;
  link_use_relay (link);
  g_signal_handlers_disconnect_by_data (link->ice, link);
  pu_ice_path_close (link->ice);
  g_clear_object (&link->ice);
}

static gboolean
ice_retry_cb (gpointer user_data)
{
  Link *link = user_data;

  link->ice_timer_id = 0;
  ice_start (link, link->generation + 1);
  return G_SOURCE_REMOVE;
}

/* Ends the attempt: traffic stays on the relay and the dialer tries again
 * later, waiting longer after each failure. */
static void
ice_give_up (Link *link)
{
  PuNode *self = link->node;
  gboolean was_direct = link_use_relay (link);

  if (link->ice != NULL && !link->ice_counted)
    self->ice_metrics.failures++;
  ice_stop (link);
  if (was_direct)
    g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
  if (!link->dialed)
    return;
  link->ice_backoff = link->ice_backoff == 0 ? ICE_RETRY_MIN_SECONDS
                                             : MIN (link->ice_backoff * 2, ICE_RETRY_MAX_SECONDS);
  link->ice_timer_id = g_timeout_add_seconds (link->ice_backoff, ice_retry_cb, link);
}

static gboolean
ice_give_up_cb (gpointer user_data)
{
  Link *link = user_data;

  link->ice_timer_id = 0;
  ice_give_up (link);
  return G_SOURCE_REMOVE;
}

static void
ice_send_signal_cb (PuIcePath *ice,
                    GBytes    *message,
                    Link      *link)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);

  /* A lost message costs this attempt at worst; the next one starts anew. */
  if (!pu_relay_client_send_signal (link->relay, &link->peer, link->instance, data, len,
                                    &error))
    g_debug ("Could not send an ICE message: %s", error->message);
}

static void
ice_state_cb (PuIcePath *ice,
              Link      *link)
{
  PuNode *self = link->node;
  PuIcePathState state = pu_ice_path_get_state (ice);

  switch (state)
    {
    case PU_ICE_PATH_CONNECTED:
      g_clear_handle_id (&link->ice_timer_id, g_source_remove);
      if (!link->ice_counted)
        {
          link->ice_counted = TRUE;
          link->ice_backoff = 0;
          self->ice_metrics.successes++;
          self->ice_metrics.last_time_to_direct = g_get_monotonic_time () - link->created;
        }
      pu_connection_set_path (link->conn, PU_PATH (ice));
      {
        g_autofree char *label = pu_node_dup_peer_label (self, &link->peer);
        g_autofree char *desc = pu_path_describe (PU_PATH (ice));

        g_message ("Direct path to %s: %s", label, desc);
      }
      g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
      break;

    case PU_ICE_PATH_LOST:
      /* At once: the relay carries the traffic while the direct path may
       * come back. */
      link_use_relay (link);
      self->ice_metrics.fallbacks++;
      {
        g_autofree char *label = pu_node_dup_peer_label (self, &link->peer);

        g_message ("Direct path to %s lost; using the relay", label);
      }
      g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
      g_clear_handle_id (&link->ice_timer_id, g_source_remove);
      link->ice_timer_id = g_timeout_add_seconds (ICE_RECOVER_SECONDS, ice_give_up_cb, link);
      break;

    case PU_ICE_PATH_FAILED:
      ice_give_up (link);
      break;

    case PU_ICE_PATH_CONNECTING:
    default:
      break;
    }
}

/* A new ICE attempt of @generation, on the link's relay's STUN responder. */
static void
ice_start (Link    *link,
           guint32  generation)
{
  PuNode *self = link->node;
  const PuRelayAddr *relay = pu_relay_client_get_relay_addr (link->relay);
  g_autoptr(GInetAddress) relay_ip = g_inet_address_new_from_string (relay->host);
  gboolean was_direct = link_use_relay (link);
  const char *turn_host, *turn_secret, *turn_username, *turn_password;
  guint16 turn_port;

  ice_stop (link);
  if (was_direct)
    g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
  if (!pu_config_get_direct (pu_profile_get_config (self->profile)))
    return;
  link->generation = generation;
  link->ice = pu_ice_path_new (link->dialed, link->session, generation);
  link->ice_started = g_get_monotonic_time ();
  link->ice_counted = FALSE;
  self->ice_metrics.attempts++;
  g_signal_connect (link->ice, "send-signal", G_CALLBACK (ice_send_signal_cb), link);
  g_signal_connect (link->ice, "state-changed", G_CALLBACK (ice_state_cb), link);
  pu_ice_path_set_receiver (link->ice, link->conn);
  /* This device's own TURN server first, else the one its relay offers. */
  if (pu_config_get_turn (pu_profile_get_config (self->profile), &turn_host, &turn_port,
                          &turn_secret))
    {
      g_autofree char *username = NULL, *password = NULL;
      const char *own = pu_identity_get_peer_id_string (pu_profile_get_identity (self->profile));

      pu_ice_path_turn_credentials (turn_secret, own,
                                    g_get_real_time () / G_USEC_PER_SEC + TURN_LIFETIME_SECONDS,
                                    &username, &password);
      pu_ice_path_set_turn (link->ice, turn_host, turn_port, username, password);
    }
  else if (pu_relay_client_get_turn (link->relay, &turn_host, &turn_port, &turn_username,
                                     &turn_password))
    {
      pu_ice_path_set_turn (link->ice, turn_host, turn_port, turn_username, turn_password);
    }
  link->ice_timer_id = g_timeout_add_seconds (ICE_ATTEMPT_SECONDS, ice_give_up_cb, link);
  /* A relay on this machine: the peer may be here too. */
  pu_ice_path_start (link->ice, relay->host, relay->port,
                     relay_ip != NULL && g_inet_address_get_is_loopback (relay_ip));
}

/* Starts ICE over now, unless an attempt started moments ago. */
static void
ice_restart (Link *link)
{
  PuSignal msg;
  g_autoptr(GBytes) bytes = NULL;

  if (link->ice != NULL && g_get_monotonic_time () - link->ice_started < ICE_RESTART_MIN_USEC)
    return;
  link->ice_backoff = 0;
  if (link->dialed)
    {
      ice_start (link, link->generation + 1);
      return;
    }
  /* The controlling side starts generations: ask it. */
  pu_signal_init (&msg, PU_SIGNAL_RESTART, link->session, link->generation);
  bytes = pu_signal_encode (&msg, NULL);
  ice_send_signal_cb (NULL, bytes, link);
}

/* The relay introduces the other members of this device's pairing groups. */
static void
relay_members_cb (PuRelayClient       *relay,
                  guint                status,
                  const PuRelayMember *members,
                  guint                n,
                  PuNode              *self)
{
  g_autoptr(GError) error = NULL;
  guint added = 0;

  if (status == PU_RELAY_MEMBERS_FAILED)
    return;
  if (!pu_pairing_store_members (self->profile, NULL, members, n, &added, &error))
    g_warning ("Could not authorize the relay's group members: %s", error->message);
  else if (added > 0)
    g_message ("The relay introduced %u new member(s) of this device's pairing group", added);
}

/* A dial through @relay reached nobody: it ends soon unless the peer comes
 * (back) to the relay meanwhile, as after a relay restart. */
static void
relay_absent_cb (PuRelayClient  *relay,
                 const PuPeerId *peer,
                 guint64         instance,
                 PuNode         *self)
{
  Link *link = g_hash_table_lookup (self->dials, peer);

  if (link == NULL || link->relay != relay || link->established || link->absent ||
      link->instance != instance)
    return;
  link->absent = TRUE;
  g_clear_handle_id (&link->timeout_id, g_source_remove);
  link->timeout_id = g_timeout_add_seconds (PU_NODE_ABSENT_GRACE_SECONDS, link_timeout_cb, link);
}

static void
relay_signal_cb (PuRelayClient  *relay,
                 const PuPeerId *peer,
                 guint64         instance,
                 GBytes         *payload,
                 PuNode         *self)
{
  Link key = { .peer = *peer, .instance = instance, .relay = relay };
  Link *link = g_hash_table_lookup (self->links, &key);
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);
  PuSignal msg;

  /* Signaling follows an authenticated connection; nothing else gets in. */
  if (link == NULL || !link_is_up (link) || !self->direct_paths)
    return;
  if (!pu_signal_decode (data, len, &msg, &error))
    {
      g_autofree char *label = pu_node_dup_peer_label (self, peer);

      g_message ("Ignored a signaling message from %s: %s", label, error->message);
      return;
    }

  if (link->dialed)
    {
      if (msg.session != link->session || msg.generation > link->generation)
        return;
      if (msg.type == PU_SIGNAL_RESTART)
        {
          ice_restart (link);
          return;
        }
    }
  else if (msg.type == PU_SIGNAL_CREDENTIALS &&
           (msg.session != link->session || msg.generation > link->generation ||
            link->ice == NULL))
    {
      /* The dialer opened a new attempt: answer it. */
      link->session = msg.session;
      ice_start (link, msg.generation);
    }

  if (link->ice == NULL || msg.session != link->session || msg.generation != link->generation)
    return;
  pu_ice_path_handle_signal (link->ice, &msg);
}

/* Where a direct path is not in use, try again now rather than at the next
 * retry: the network that failed may be gone. */
static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    PuNode          *self)
{
  GHashTableIter iter;
  Link *link;
  g_autoptr(GPtrArray) restart = g_ptr_array_new ();

  if (!self->direct_paths)
    return;
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    if (link_is_up (link) &&
        (link->ice == NULL || pu_ice_path_get_state (link->ice) != PU_ICE_PATH_CONNECTED))
      g_ptr_array_add (restart, link);
  for (guint i = 0; i < restart->len; i++)
    ice_restart (restart->pdata[i]);
}

void
pu_node_connect_async (PuNode              *self,
                       const PuPeerId      *peer,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Link *link;

  g_return_if_fail (PU_IS_NODE (self));
  g_return_if_fail (peer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_node_connect_async);

  if (pu_peer_id_equal (peer, pu_identity_get_peer_id (pu_profile_get_identity (self->profile))))
    {
      g_task_return_new_error (task, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                               _("That is this device's own peer ID; give another device's "
                                 "name or ID"));
      return;
    }

  link = g_hash_table_lookup (self->dials, peer);
  if (link != NULL && link->conn != NULL && pu_connection_is_established (link->conn))
    {
      g_task_return_pointer (task, g_object_ref (link->conn), g_object_unref);
      return;
    }

  if (link == NULL)
    {
      link = g_new0 (Link, 1);
      link->node = self;
      link->peer = *peer;
      link->dialed = TRUE;
      link->waiters = g_ptr_array_new ();
      link->created = g_get_monotonic_time ();
      g_hash_table_add (self->links, link);
      g_hash_table_insert (self->dials, &link->peer, link);
      if (!link_try_start (link))
        link->timeout_id = g_timeout_add_seconds (PU_NODE_RELAY_WAIT_SECONDS,
                                                  link_timeout_cb, link);
    }
  g_ptr_array_add (link->waiters, g_steal_pointer (&task));
}

PuConnection *
pu_node_connect_finish (PuNode        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading one header or status frame without taking any payload along. */
typedef struct {
  gboolean       reply;
  guint8         buf[PU_STREAM_HEADER_MAX_LEN];
  gsize          have;
  gsize          need;
  PuStreamHeader header;
  PuStreamReply  status;
} FrameRead;

static void frame_read_more (GTask *task);

static void
frame_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FrameRead *fr = g_task_get_task_data (task);
  GError *error = NULL;
  gsize n = 0;
  gsize consumed = 0;
  PuStreamDecode ret;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  fr->have += n;
  if (fr->have < fr->need)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               fr->reply ? _("The peer closed the stream without answering")
                                         : _("The peer closed the stream before saying what "
                                             "it is for"));
      return;
    }

  if (fr->reply)
    ret = pu_stream_reply_decode (fr->buf, fr->have, &fr->status, &consumed, &error);
  else
    ret = pu_stream_header_decode (fr->buf, fr->have, &fr->header, &consumed, &error);

  if (ret == PU_STREAM_DECODE_MALFORMED)
    g_task_return_error (task, error);
  else if (ret == PU_STREAM_DECODE_OK)
    g_task_return_boolean (task, TRUE);
  else
    {
      g_assert (consumed > fr->have && consumed <= sizeof fr->buf);
      fr->need = consumed;
      frame_read_more (g_steal_pointer (&task));
    }
}

static void
frame_read_more (GTask *task)
{
  FrameRead *fr = g_task_get_task_data (task);
  GInputStream *in = g_io_stream_get_input_stream (g_task_get_source_object (task));

  g_input_stream_read_all_async (in, fr->buf + fr->have, fr->need - fr->have, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task), frame_read_cb, task);
}

static void
frame_read_async (PuStream            *stream,
                  gboolean             reply,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  FrameRead *fr = g_new0 (FrameRead, 1);
  gsize consumed = 0;

  fr->reply = reply;
  /* An empty buffer tells how much to read first. */
  if (reply)
    pu_stream_reply_decode (fr->buf, 0, &fr->status, &consumed, NULL);
  else
    pu_stream_header_decode (fr->buf, 0, &fr->header, &consumed, NULL);
  fr->need = consumed;
  g_task_set_task_data (task, fr, g_free);
  frame_read_more (task);
}

static FrameRead *
frame_read_finish (GAsyncResult  *result,
                   GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* Serving one incoming stream. */
typedef struct {
  PuNode            *node;
  PuPeerId           peer;
  PuStream          *stream;
  PuStreamKind       kind;
  char              *service;
  GSocketConnection *local;
  GBytes            *reply;
  gboolean           refused;
} Serve;

static void
serve_free (Serve *serve)
{
  g_clear_object (&serve->node);
  g_clear_object (&serve->stream);
  g_clear_object (&serve->local);
  g_clear_pointer (&serve->reply, g_bytes_unref);
  g_free (serve->service);
  g_free (serve);
}

static void
serve_spliced_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Serve *serve = user_data;
  g_autoptr(GError) error = NULL;

  if (!pu_splice_finish (result, NULL, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Stream to service %s ended: %s", serve->service, error->message);
  serve_free (serve);
}

static void
serve_replied_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Serve *serve = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_debug ("Could not answer a stream: %s", error->message);
      pu_stream_abort (serve->stream);
      serve_free (serve);
      return;
    }

  if (serve->refused)
    {
      /* The answer is all a refused peer gets. */
      g_io_stream_close_async (G_IO_STREAM (serve->stream), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      serve_free (serve);
    }
  else if (serve->kind == PU_STREAM_KIND_PROXY)
    pu_splice_async (G_IO_STREAM (serve->stream), G_IO_STREAM (serve->local), NULL,
                     serve_spliced_cb, serve);
  else
    {
      GIOStream *io = G_IO_STREAM (serve->stream);

      /* PING: echo until the peer's FIN, then FIN back. */
      g_output_stream_splice_async (g_io_stream_get_output_stream (io),
                                    g_io_stream_get_input_stream (io),
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT,
                                    NULL, NULL, NULL);
      serve_free (serve);
    }
}

/* Answers with @status; a refusal (any status but OK) then ends the stream. */
static void
serve_reply (Serve          *serve,
             PuStreamStatus  status,
             const char     *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *capped = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (serve->stream));

  if (message != NULL && strlen (message) > PU_STREAM_STATUS_MESSAGE_MAX)
    {
      const char *end = message + PU_STREAM_STATUS_MESSAGE_MAX;

      /* Cut on a character boundary. */
      while (end > message && (*end & 0xc0) == 0x80)
        end--;
      message = capped = g_strndup (message, end - message);
    }

  serve->reply = pu_stream_reply_encode (status, message, &error);
  if (serve->reply == NULL)
    {
      g_critical ("Could not encode a stream reply: %s", error->message);
      pu_stream_abort (serve->stream);
      serve_free (serve);
      return;
    }
  serve->refused = status != PU_STREAM_STATUS_OK;
  if (serve->kind == PU_STREAM_KIND_PROXY || serve->refused)
    {
      g_autofree char *label = pu_node_dup_peer_label (serve->node, &serve->peer);

      if (serve->refused)
        g_message ("Refused a stream from %s: %s", label,
                   message != NULL ? message : pu_stream_status_to_string (status));
      else
        g_message ("Serving %s to %s", serve->service, label);
    }
  g_output_stream_write_all_async (out, g_bytes_get_data (serve->reply, NULL),
                                   g_bytes_get_size (serve->reply), G_PRIORITY_DEFAULT, NULL,
                                   serve_replied_cb, serve);
}

static void
service_connected_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Serve *serve = user_data;
  g_autoptr(GError) error = NULL;

  serve->local = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (serve->local == NULL)
    {
      g_autofree char *own = pu_profile_dup_device_name (serve->node->profile);
      g_autofree char *message =
        g_strdup_printf (_("service %s on %s is not reachable: %s"), serve->service, own,
                         error->message);

      serve_reply (serve, PU_STREAM_STATUS_UNREACHABLE, message);
      return;
    }
  /* The client's timeout is for connecting only: once connected, a service
   * may stay silent as long as it likes (an idle SSH session, a slow answer). */
  g_socket_set_timeout (g_socket_connection_get_socket (serve->local), 0);
  serve_reply (serve, PU_STREAM_STATUS_OK, NULL);
}

static gboolean
service_allows (PuNode          *self,
                const PuService *service,
                const PuPeerId  *peer)
{
  PuConfig *config = pu_profile_get_config (self->profile);

  if (service->allowed == NULL || service->allowed[0] == NULL)
    return TRUE;

  for (guint i = 0; service->allowed[i] != NULL; i++)
    {
      PuPeerId allowed;

      if (pu_config_resolve_peer (config, service->allowed[i], &allowed, NULL) &&
          pu_peer_id_equal (&allowed, peer))
        return TRUE;
    }
  return FALSE;
}

static void
serve_proxy (Serve *serve)
{
  PuNode *self = serve->node;
  const PuService *service;
  g_autofree char *own = pu_profile_dup_device_name (self->profile);
  g_autofree char *message = NULL;
  g_autoptr(GSocketClient) client = NULL;

  service = pu_config_lookup_service (pu_profile_get_config (self->profile), serve->service);
  if (service == NULL || !service->enabled)
    {
      message = g_strdup_printf (_("service %s is not exposed by %s"), serve->service, own);
      serve_reply (serve, PU_STREAM_STATUS_NO_SUCH_SERVICE, message);
      return;
    }
  if (!service_allows (self, service, &serve->peer))
    {
      message = g_strdup_printf (_("you are not allowed to use service %s on %s"),
                                 serve->service, own);
      serve_reply (serve, PU_STREAM_STATUS_DENIED, message);
      return;
    }

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, SERVICE_CONNECT_SECONDS);
  g_socket_client_connect_to_host_async (client, service->host, service->port, NULL,
                                         service_connected_cb, serve);
}

static void
header_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Serve *serve = user_data;
  g_autoptr(GError) error = NULL;
  FrameRead *fr = frame_read_finish (result, &error);

  if (fr == NULL)
    {
      g_debug ("Dropped a stream: %s", error->message);
      pu_stream_abort (serve->stream);
      serve_free (serve);
      return;
    }

  serve->kind = fr->header.kind;
  switch (fr->header.kind)
    {
    case PU_STREAM_KIND_PROXY:
      serve->service = g_strdup (fr->header.service);
      serve_proxy (serve);
      break;
    case PU_STREAM_KIND_PING:
      serve_reply (serve, PU_STREAM_STATUS_OK, NULL);
      break;
    case PU_STREAM_KIND_CONTROL:
    case PU_STREAM_KIND_FILE:
    default:
      serve_reply (serve, PU_STREAM_STATUS_DENIED,
                   _("this device does not accept that kind of stream"));
      break;
    }
}

static void
incoming_stream_cb (PuConnection *conn,
                    PuStream     *stream,
                    Link         *link)
{
  Serve *serve = g_new0 (Serve, 1);

  serve->node = g_object_ref (link->node);
  serve->peer = link->peer;
  serve->stream = g_object_ref (stream);
  frame_read_async (stream, FALSE, NULL, header_read_cb, serve);
}

/* Opening a stream: connect, open, send the header, read the answer. */
typedef struct {
  PuPeerId      peer;
  PuStreamKind  kind;
  char         *service;
  PuStream     *stream;
  GBytes       *header;
} Open;

static void
open_free (Open *open)
{
  g_free (open->service);
  g_clear_object (&open->stream);
  g_clear_pointer (&open->header, g_bytes_unref);
  g_free (open);
}

static void
open_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Open *open = g_task_get_task_data (task);
  GError *error = NULL;
  FrameRead *fr = frame_read_finish (result, &error);
  PuError code;

  if (fr == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (fr->status.status == PU_STREAM_STATUS_OK)
    {
      g_task_return_pointer (task, g_steal_pointer (&open->stream), g_object_unref);
      return;
    }

  code = fr->status.status == PU_STREAM_STATUS_DENIED ? PU_ERROR_PERMISSIONS
       : fr->status.status == PU_STREAM_STATUS_NO_SUCH_SERVICE ? PU_ERROR_NOT_FOUND
       : PU_ERROR_FAILED;
  if (fr->status.message[0] != '\0')
    g_task_return_new_error (task, PU_ERROR, code, "%s", fr->status.message);
  else
    g_task_return_new_error (task, PU_ERROR, code, _("The peer refused the stream (%s)"),
                             pu_stream_status_to_string (fr->status.status));
}

static void
open_header_written_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Open *open = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  frame_read_async (open->stream, TRUE, cancellable, open_reply_cb,
                    g_steal_pointer (&task));
}

static void
open_stream_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Open *open = g_task_get_task_data (task);
  GError *error = NULL;
  GOutputStream *out;

  open->stream = pu_connection_open_stream_finish (PU_CONNECTION (object), result, &error);
  if (open->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = g_io_stream_get_output_stream (G_IO_STREAM (open->stream));
  g_output_stream_write_all_async (out, g_bytes_get_data (open->header, NULL),
                                   g_bytes_get_size (open->header), G_PRIORITY_DEFAULT,
                                   cancellable, open_header_written_cb,
                                   g_steal_pointer (&task));
}

static void
open_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr(PuConnection) conn = pu_node_connect_finish (PU_NODE (object), result, &error);

  if (conn == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pu_connection_open_stream_async (conn, cancellable, open_stream_cb,
                                   g_steal_pointer (&task));
}

void
pu_node_open_stream_async (PuNode              *self,
                           const PuPeerId      *peer,
                           PuStreamKind         kind,
                           const char          *service,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Open *open;

  g_return_if_fail (PU_IS_NODE (self));
  g_return_if_fail (peer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_node_open_stream_async);
  open = g_new0 (Open, 1);
  open->peer = *peer;
  open->kind = kind;
  open->service = g_strdup (service);
  g_task_set_task_data (task, open, (GDestroyNotify) open_free);

  open->header = pu_stream_header_encode (kind, service, &error);
  if (open->header == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pu_node_connect_async (self, peer, cancellable, open_connected_cb, g_steal_pointer (&task));
}

PuStream *
pu_node_open_stream_finish (PuNode        *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ping: one 8-byte round trip on a PING stream. */
typedef struct {
  PuStream *stream;
  gint64    sent;
  guint8    out[PING_LEN];
  guint8    in[PING_LEN];
} Ping;

static void
ping_free (Ping *ping)
{
  if (ping->stream != NULL)
    g_io_stream_close_async (G_IO_STREAM (ping->stream), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&ping->stream);
  g_free (ping);
}

static void
ping_echo_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Ping *ping = g_task_get_task_data (task);
  GError *error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (n != PING_LEN || memcmp (ping->in, ping->out, PING_LEN) != 0)
    {
      g_task_return_new_error (task, PU_ERROR, PU_ERROR_PARSE,
                               _("The peer answered the ping with other bytes"));
      return;
    }
  g_task_return_int (task, g_get_monotonic_time () - ping->sent);
}

static void
ping_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Ping *ping = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (ping->stream)),
                                 ping->in, PING_LEN, G_PRIORITY_DEFAULT,
                                 cancellable, ping_echo_cb,
                                 g_steal_pointer (&task));
}

static void
ping_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Ping *ping = g_task_get_task_data (task);
  GError *error = NULL;

  ping->stream = pu_node_open_stream_finish (PU_NODE (object), result, &error);
  if (ping->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ping->sent = g_get_monotonic_time ();
  memcpy (ping->out, &ping->sent, PING_LEN);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (ping->stream)),
                                   ping->out, PING_LEN, G_PRIORITY_DEFAULT,
                                   cancellable, ping_sent_cb,
                                   g_steal_pointer (&task));
}

void
pu_node_ping_async (PuNode              *self,
                    const PuPeerId      *peer,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PU_IS_NODE (self));
  g_return_if_fail (peer != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_node_ping_async);
  g_task_set_task_data (task, g_new0 (Ping, 1), (GDestroyNotify) ping_free);
  pu_node_open_stream_async (self, peer, PU_STREAM_KIND_PING, NULL, cancellable,
                             ping_opened_cb, task);
}

gint64
pu_node_ping_finish (PuNode        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

PuProfile *
pu_node_get_profile (PuNode *self)
{
  g_return_val_if_fail (PU_IS_NODE (self), NULL);

  return self->profile;
}

guint
pu_node_get_n_relays (PuNode *self)
{
  g_return_val_if_fail (PU_IS_NODE (self), 0);

  return self->relays->len;
}

GPtrArray *
pu_node_get_relays (PuNode *self)
{
  g_return_val_if_fail (PU_IS_NODE (self), NULL);

  return self->relays;
}

guint
pu_node_get_n_relays_connected (PuNode *self)
{
  guint n = 0;

  g_return_val_if_fail (PU_IS_NODE (self), 0);

  for (guint i = 0; i < self->relays->len; i++)
    n += pu_relay_client_is_connected (self->relays->pdata[i]);
  return n;
}

/* Folds the open connection of @link into @state: a direct path beats the
 * relay, then the shorter measured round trip wins. */
static void
peer_state_add (PuNodePeerState *state,
                Link            *link)
{
  PuPath *path = pu_connection_get_path (link->conn);
  PuPathKind kind = pu_path_get_kind (path);
  gint64 rtt = pu_connection_get_rtt (link->conn);

  if (state->n_connections == 0 ||
      (kind == PU_PATH_KIND_DIRECT && state->path != PU_PATH_KIND_DIRECT) ||
      (kind == state->path && rtt > 0 && (state->rtt == 0 || rtt < state->rtt)))
    {
      state->path = kind;
      state->rtt = rtt;
      state->local_candidate = NULL;
      state->remote_candidate = NULL;
      state->ip_version = 0;
      if (PU_IS_ICE_PATH (path))
        {
          state->local_candidate = pu_ice_path_get_local_type (PU_ICE_PATH (path));
          state->remote_candidate = pu_ice_path_get_remote_type (PU_ICE_PATH (path));
          state->ip_version = pu_ice_path_get_ip_version (PU_ICE_PATH (path));
        }
    }
  state->n_connections++;
}

gboolean
pu_node_get_peer_state (PuNode          *self,
                        const PuPeerId  *peer,
                        PuNodePeerState *state)
{
  GHashTableIter iter;
  Link *link;

  g_return_val_if_fail (PU_IS_NODE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  *state = (PuNodePeerState) { .peer = *peer };
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    if (link_is_up (link) && pu_peer_id_equal (&link->peer, peer))
      peer_state_add (state, link);
  return state->n_connections > 0;
}

GArray *
pu_node_list_peers (PuNode *self)
{
  g_autoptr(GHashTable) index = NULL;
  GArray *states;
  GHashTableIter iter;
  Link *link;

  g_return_val_if_fail (PU_IS_NODE (self), NULL);

  states = g_array_new (FALSE, TRUE, sizeof (PuNodePeerState));
  /* PuPeerId (a link's) → position in @states + 1 */
  index = g_hash_table_new ((GHashFunc) pu_peer_id_hash, (GEqualFunc) pu_peer_id_equal);
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    {
      guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (index, &link->peer));

      if (!link_is_up (link))
        continue;
      if (pos == 0)
        {
          PuNodePeerState empty = { .peer = link->peer };

          g_array_append_val (states, empty);
          pos = states->len;
          g_hash_table_insert (index, &link->peer, GUINT_TO_POINTER (pos));
        }
      peer_state_add (&g_array_index (states, PuNodePeerState, pos - 1), link);
    }
  return states;
}

void
pu_node_set_direct_paths (PuNode   *self,
                          gboolean  enabled)
{
  GHashTableIter iter;
  Link *link;
  g_autoptr(GPtrArray) up = g_ptr_array_new ();

  g_return_if_fail (PU_IS_NODE (self));

  if (self->direct_paths == !!enabled)
    return;
  self->direct_paths = !!enabled;
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    if (link_is_up (link))
      g_ptr_array_add (up, link);
  for (guint i = 0; i < up->len; i++)
    {
      link = up->pdata[i];
      if (enabled)
        {
          if (link->dialed && link->session == 0)
            link->session = new_session ();
          ice_restart (link);
        }
      else if (link_use_relay (link))
        {
          ice_stop (link);
          g_signal_emit (self, signals[SIGNAL_PEER_CHANGED], 0, &link->peer);
        }
      else
        ice_stop (link);
    }
}

void
pu_node_get_ice_metrics (PuNode           *self,
                         PuNodeIceMetrics *metrics)
{
  g_return_if_fail (PU_IS_NODE (self));
  g_return_if_fail (metrics != NULL);

  *metrics = self->ice_metrics;
}

void
pu_node_start (PuNode *self)
{
  g_return_if_fail (PU_IS_NODE (self));

  if (self->started)
    return;
  self->started = TRUE;
  for (guint i = 0; i < self->relays->len; i++)
    pu_relay_client_start (self->relays->pdata[i]);
}

void
pu_node_stop (PuNode *self)
{
  g_return_if_fail (PU_IS_NODE (self));

  g_hash_table_remove_all (self->dials);
  g_hash_table_remove_all (self->links);
  self->n_served = 0;
  for (guint i = 0; i < self->relays->len; i++)
    pu_relay_client_stop (self->relays->pdata[i]);
  self->started = FALSE;
}

static void
pu_node_dispose (GObject *object)
{
  PuNode *self = PU_NODE (object);

  if (self->relays != NULL)
    {
      pu_node_stop (self);
      for (guint i = 0; i < self->relays->len; i++)
        g_signal_handlers_disconnect_by_data (self->relays->pdata[i], self);
    }
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->dials, g_hash_table_unref);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->relays, g_ptr_array_unref);
  g_clear_pointer (&self->relays_up, g_hash_table_unref);
  g_clear_object (&self->certificate);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (pu_node_parent_class)->dispose (object);
}

static void
pu_node_class_init (PuNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pu_node_dispose;

  signals[SIGNAL_RELAY_CHANGED] =
    g_signal_new ("relay-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PU_TYPE_RELAY_CLIENT);
  signals[SIGNAL_PEER_CHANGED] =
    g_signal_new ("peer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pu_node_init (PuNode *self)
{
  self->direct_paths = TRUE;
  self->relays = g_ptr_array_new_with_free_func (g_object_unref);
  self->relays_up = g_hash_table_new (NULL, NULL);
  self->links = g_hash_table_new_full (link_hash, link_equal, NULL, (GDestroyNotify) link_free);
  self->dials = g_hash_table_new ((GHashFunc) pu_peer_id_hash, (GEqualFunc) pu_peer_id_equal);
}

PuNode *
pu_node_new (PuProfile  *profile,
             gboolean    serving,
             GError    **error)
{
  g_autoptr(PuNode) self = NULL;
  GPtrArray *relays;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);

  self = g_object_new (PU_TYPE_NODE, NULL);
  self->profile = g_object_ref (profile);
  self->serving = serving;
  self->certificate = pu_certificate_new (pu_profile_get_identity (profile), error);
  if (self->certificate == NULL)
    return NULL;

  relays = pu_config_get_relays (pu_profile_get_config (profile));
  for (guint i = 0; i < relays->len; i++)
    {
      const PuRelayAddr *addr = relays->pdata[i];
      g_autoptr(GError) relay_error = NULL;
      PuRelayClient *relay;

      relay = pu_relay_client_new (pu_profile_get_identity (profile), addr, serving,
                                   &relay_error);
      if (relay == NULL)
        {
          g_autofree char *text = pu_relay_addr_to_string (addr);

          g_message ("Not using relay %s: %s", text, relay_error->message);
          continue;
        }
      g_signal_connect (relay, "connected", G_CALLBACK (relay_connected_cb), self);
      g_signal_connect (relay, "disconnected", G_CALLBACK (relay_disconnected_cb), self);
      g_signal_connect (relay, "packets", G_CALLBACK (relay_packets_cb), self);
      g_signal_connect (relay, "signal", G_CALLBACK (relay_signal_cb), self);
      g_signal_connect (relay, "absent", G_CALLBACK (relay_absent_cb), self);
      g_signal_connect (relay, "members", G_CALLBACK (relay_members_cb), self);
      g_ptr_array_add (self->relays, relay);
    }

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);

  return g_steal_pointer (&self);
}
