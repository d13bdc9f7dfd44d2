/* pu-ice-path.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-ice-path.h"

#include <nice.h>
#include <string.h>

#include "pu-udp.h"

#define COMPONENT 1
/* Datagrams handed to libnice in one call. */
#define SEND_BATCH 64
/* Host to host (a LAN or this machine): a 1500-byte MTU over IPv6 and UDP.
 * Anything else may cross tunnels or PPPoE: what IPv6's minimum MTU allows. */
#define LAN_DATAGRAM 1452
#define WAN_DATAGRAM 1232
/* Heartbeat: shorter than any QUIC packet or STUN message. */
#define HEARTBEAT_LEN 4
#define HEARTBEAT_HEARS_YOU 0x01

/* Check pacing sets how fast ICE goes through its pairs: libnice's default
 * (20 ms) is tuned for media calls with many components. The first check
 * waits for one tick: on loopback two paths connected in 22-25 ms at 20 ms,
 * 12-14 ms at 10 ms, 7-8 ms at 5 ms (RFC 8445's floor for Ta). Lost checks
 * (a NAT not yet open) are retried from 200 ms on, doubling, instead of
 * libnice's 500 ms, so a punched pair is found within a second or two. */
#define STUN_PACING_MS 5
#define STUN_INITIAL_TIMEOUT_MS 200
#define STUN_MAX_RETRANSMISSIONS 5
/* Socket buffers for a selected pair: room for a few milliseconds of a fast
 * path, so bursts do not overflow them (the kernel caps them at
 * net.core.[rw]mem_max). */
#define SOCKET_BUFFER (4 * 1024 * 1024)
/* Reading the selected pair's QUIC packets: messages per recvmmsg() (each
 * several datagrams when UDP_GRO joins them), and datagrams handed to the
 * connection per wakeup at most, so sending gets its turn. */
#define RECV_MESSAGES 8
#define RECV_DATAGRAMS_MAX (RECV_MESSAGES * 64)  /* the kernel joins 64 at most */
#define RECV_PER_WAKEUP 512

struct _PuIcePath
{
  GObject          parent_instance;

  gboolean         controlling;
  guint64          session;
  guint32          generation;
  GMainContext    *context;

  NiceAgent       *agent;
  guint            stream_id;
  GCancellable    *cancellable;   /* resolving the STUN server */
  char            *turn_host;
  guint16          turn_port;
  char            *turn_username;
  char            *turn_password;
  gboolean         include_loopback;
  guint16          stun_port;

  PuSignal         pending;       /* local candidates not yet sent */
  GSource         *flush_source;
  gboolean         gathering_done;
  gboolean         remote_credentials;
  guint            n_remote_candidates;

  PuIcePathState   state;
  gboolean         closed;
  gboolean         blocked;
  gboolean         has_pair;
  NiceCandidateType local_type;
  NiceCandidateType remote_type;
  guint            ip_version;
  char             remote_addr[NICE_ADDRESS_STRING_LEN + 8];
  gsize            max_datagram;
  /* The selected pair's own socket, when it is a plain UDP one (not TURN):
   * sent on directly, in batches, with GSO while the kernel takes it. Where
   * the system can, a socket of ours on its address gets the QUIC packets,
   * read in batches with GRO (read_source), and libnice keeps the rest. */
  GSocket         *socket;
  struct sockaddr_storage remote_sockaddr;
  socklen_t        remote_sockaddr_len;
  gboolean         gso;
  GSource         *read_source;
  guint8          *rx_bufs;       /* RECV_MESSAGES × PU_UDP_GRO_BYTES_MAX */
  PuDatagram      *rx_datagrams;  /* RECV_DATAGRAMS_MAX */
  guint64          batched_datagrams;

  gint64           started;
  gint64           connect_time;
  gint64           last_rx;
  gboolean         peer_hears_us;
  GSource         *heartbeat_source;

  PuConnection    *receiver;
};

static void pu_ice_path_iface_init (PuPathInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuIcePath, pu_ice_path, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PU_TYPE_PATH, pu_ice_path_iface_init))

enum {
  SIGNAL_SEND_SIGNAL,
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
pu_ice_path_state_to_string (PuIcePathState state)
{
  switch (state)
    {
    case PU_ICE_PATH_CONNECTING:
      return "connecting";
    case PU_ICE_PATH_CONNECTED:
      return "connected";
    case PU_ICE_PATH_LOST:
      return "lost";
    case PU_ICE_PATH_FAILED:
      return "failed";
    default:
      g_return_val_if_reached ("failed");
    }
}

static const char *
candidate_type_to_string (NiceCandidateType type)
{
  switch (type)
    {
    case NICE_CANDIDATE_TYPE_HOST:
      return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED:
      return "relay";
    default:
      return "unknown";
    }
}

static void
set_state (PuIcePath      *self,
           PuIcePathState  state)
{
  if (self->state == state)
    return;
  g_debug ("ICE path %016" G_GINT64_MODIFIER "x/%u: %s → %s", self->session, self->generation,
           pu_ice_path_state_to_string (self->state), pu_ice_path_state_to_string (state));
  self->state = state;
  if (state == PU_ICE_PATH_CONNECTED && self->connect_time == 0)
    self->connect_time = MAX (g_get_monotonic_time () - self->started, 1);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
send_signal (PuIcePath      *self,
             const PuSignal *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = pu_signal_encode (msg, &error);

  if (bytes == NULL)
    {
      g_warning ("Could not encode an ICE %s message: %s",
                 pu_signal_type_to_string (msg->type), error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SEND_SIGNAL], 0, bytes);
}

static void
flush_candidates (PuIcePath *self)
{
  if (self->pending.n_candidates > 0)
    send_signal (self, &self->pending);
  pu_signal_init (&self->pending, PU_SIGNAL_CANDIDATES, self->session, self->generation);
}

static gboolean
flush_cb (gpointer user_data)
{
  PuIcePath *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush_candidates (self);
  return G_SOURCE_REMOVE;
}

static void
new_candidate_cb (NiceAgent     *agent,
                  NiceCandidate *candidate,
                  PuIcePath     *self)
{
  g_autofree char *sdp = nice_agent_generate_local_candidate_sdp (agent, candidate);

  if (sdp == NULL)
    return;
  if (self->pending.n_candidates == PU_SIGNAL_MAX_CANDIDATES)
    flush_candidates (self);
  if (!pu_signal_add_candidate (&self->pending, sdp))
    {
      g_debug ("Not signaling a local ICE candidate: %s", sdp);
      return;
    }
  /* Candidates found together go in one message. */
  if (self->flush_source == NULL)
    {
      self->flush_source = g_idle_source_new ();
      g_source_set_callback (self->flush_source, flush_cb, self, NULL);
      g_source_attach (self->flush_source, self->context);
    }
}

static void
gathering_done_cb (NiceAgent *agent,
                   guint      stream_id,
                   PuIcePath *self)
{
  PuSignal msg;

  if (self->gathering_done)
    return;
  self->gathering_done = TRUE;
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  flush_candidates (self);
  pu_signal_init (&msg, PU_SIGNAL_END_OF_CANDIDATES, self->session, self->generation);
  send_signal (self, &msg);
}

static void
send_heartbeat (PuIcePath *self)
{
  guint8 beat[HEARTBEAT_LEN] = { 0x00, 'p', 'u', 0 };
  gint64 now = g_get_monotonic_time ();

  if (self->blocked)
    return;
  if (self->last_rx != 0 && now - self->last_rx < PU_ICE_PATH_DEAD_MS * 1000)
    beat[3] |= HEARTBEAT_HEARS_YOU;
  nice_agent_send (self->agent, self->stream_id, COMPONENT, sizeof beat, (const char *) beat);
}

/* CONNECTED while the peer's packets arrive and the peer hears ours. */
static void
update_liveness (PuIcePath *self)
{
  gboolean alive = self->has_pair && self->peer_hears_us && self->last_rx != 0 &&
                   g_get_monotonic_time () - self->last_rx < PU_ICE_PATH_DEAD_MS * 1000;

  if (self->state == PU_ICE_PATH_FAILED || self->closed)
    return;
  if (alive && self->state != PU_ICE_PATH_CONNECTED)
    {
      /* Let the peer know it is heard without waiting for the next beat. */
      send_heartbeat (self);
      set_state (self, PU_ICE_PATH_CONNECTED);
    }
  else if (!alive && self->state == PU_ICE_PATH_CONNECTED)
    set_state (self, PU_ICE_PATH_LOST);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  PuIcePath *self = user_data;

  send_heartbeat (self);
  update_liveness (self);
  return G_SOURCE_CONTINUE;
}

/* The peer sends QUIC packets here only while it hears us. */
static void
received_quic (PuIcePath *self)
{
  self->peer_hears_us = TRUE;
  if (self->state != PU_ICE_PATH_CONNECTED)
    update_liveness (self);
}

static void
recv_cb (NiceAgent *agent,
         guint      stream_id,
         guint      component_id,
         guint      len,
         gchar     *buf,
         gpointer   user_data)
{
  PuIcePath *self = user_data;
  const guint8 *data = (const guint8 *) buf;

  if (self->blocked || self->closed)
    return;
  self->last_rx = g_get_monotonic_time ();
  if (len == HEARTBEAT_LEN && data[0] == 0x00 && data[1] == 'p' && data[2] == 'u')
    {
      self->peer_hears_us = (data[3] & HEARTBEAT_HEARS_YOU) != 0;
      /* Tell a peer that does not hear us yet that we hear it, at once. */
      if (!self->peer_hears_us && self->has_pair)
        send_heartbeat (self);
      update_liveness (self);
      return;
    }
  received_quic (self);
  if (self->receiver != NULL)
    pu_connection_receive_datagram (self->receiver, data, len);
}

/* The QUIC packets of the selected pair, in batches. */
static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  g_autoptr(PuIcePath) self = g_object_ref (user_data);
  guint total = 0, n, n_read;

  do
    {
      /* Like libnice, nothing from where the pair does not lead. */
      n = pu_udp_receive (g_socket_get_fd (socket), (struct sockaddr *) &self->remote_sockaddr,
                          self->rx_bufs, PU_UDP_GRO_BYTES_MAX, RECV_MESSAGES,
                          self->rx_datagrams, RECV_DATAGRAMS_MAX, &n_read);
      total += MAX (n, n_read);
      self->batched_datagrams += n;
      if (n > 0 && !self->blocked)
        {
          self->last_rx = g_get_monotonic_time ();
          received_quic (self);
          if (self->receiver != NULL)
            pu_connection_receive_datagrams (self->receiver, self->rx_datagrams, n);
        }
    }
  while (n_read > 0 && total < RECV_PER_WAKEUP && !self->closed);
  /* Once closed, the source is destroyed already. */
  return G_SOURCE_CONTINUE;
}

static void
stop_reading (PuIcePath *self)
{
  if (self->read_source != NULL)
    g_source_destroy (self->read_source);
  g_clear_pointer (&self->read_source, g_source_unref);
  g_clear_object (&self->socket);
}

/* Sends go straight to the selected pair's socket when libnice has one we may
 * use (not TURN, which frames what it relays), and QUIC packets come in on a
 * socket of ours beside it when the system can steer them there. */
static void
use_selected_socket (PuIcePath         *self,
                     const NiceAddress *remote)
{
  g_autoptr(GSocket) base = NULL;
  g_autoptr(GError) error = NULL;

  stop_reading (self);
  base = nice_agent_get_selected_socket (self->agent, self->stream_id, COMPONENT);
  if (base == NULL)
    return;
  memset (&self->remote_sockaddr, 0, sizeof self->remote_sockaddr);
  nice_address_copy_to_sockaddr (remote, (struct sockaddr *) &self->remote_sockaddr);
  self->remote_sockaddr_len = self->remote_sockaddr.ss_family == AF_INET6
                                ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
  self->gso = TRUE;
  g_socket_set_option (base, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER, NULL);
  g_socket_set_option (base, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER, NULL);

  self->socket = pu_udp_open_steered (base, &error);
  if (self->socket == NULL)
    {
      g_debug ("ICE path %016" G_GINT64_MODIFIER "x/%u: libnice reads every packet: %s",
               self->session, self->generation, error->message);
      self->socket = g_steal_pointer (&base);
      return;
    }
  g_socket_set_option (self->socket, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER, NULL);
  pu_udp_enable_gro (g_socket_get_fd (self->socket));
  if (self->rx_bufs == NULL)
    {
      self->rx_bufs = g_malloc (RECV_MESSAGES * PU_UDP_GRO_BYTES_MAX);
      self->rx_datagrams = g_new (PuDatagram, RECV_DATAGRAMS_MAX);
    }
  self->read_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->read_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->read_source, self->context);
}

static void
selected_pair_cb (NiceAgent     *agent,
                  guint          stream_id,
                  guint          component_id,
                  NiceCandidate *local,
                  NiceCandidate *remote,
                  PuIcePath     *self)
{
  char addr[NICE_ADDRESS_STRING_LEN];

  self->local_type = local->type;
  self->remote_type = remote->type;
  self->ip_version = nice_address_ip_version (&remote->addr);
  nice_address_to_string (&remote->addr, addr);
  g_snprintf (self->remote_addr, sizeof self->remote_addr,
              self->ip_version == 6 ? "[%s]:%u" : "%s:%u", addr,
              nice_address_get_port (&remote->addr));
  self->max_datagram = local->type == NICE_CANDIDATE_TYPE_HOST &&
                       remote->type == NICE_CANDIDATE_TYPE_HOST ? LAN_DATAGRAM : WAN_DATAGRAM;
  g_debug ("ICE path %016" G_GINT64_MODIFIER "x/%u: selected %s → %s %s",
           self->session, self->generation, candidate_type_to_string (local->type),
           candidate_type_to_string (remote->type), self->remote_addr);
  use_selected_socket (self, &remote->addr);

  if (!self->has_pair)
    {
      self->has_pair = TRUE;
      self->heartbeat_source = g_timeout_source_new (PU_ICE_PATH_HEARTBEAT_MS);
      g_source_set_callback (self->heartbeat_source, heartbeat_cb, self, NULL);
      g_source_attach (self->heartbeat_source, self->context);
      send_heartbeat (self);
    }
}

static void
component_state_cb (NiceAgent *agent,
                    guint      stream_id,
                    guint      component_id,
                    guint      state,
                    PuIcePath *self)
{
  g_debug ("ICE path %016" G_GINT64_MODIFIER "x/%u: component %s", self->session,
           self->generation, nice_component_state_to_string (state));
  if (state == NICE_COMPONENT_STATE_FAILED)
    set_state (self, PU_ICE_PATH_FAILED);
}

static void
gather (PuIcePath *self)
{
  if (self->turn_host != NULL)
    nice_agent_set_relay_info (self->agent, self->stream_id, COMPONENT, self->turn_host,
                               self->turn_port, self->turn_username, self->turn_password,
                               NICE_RELAY_TYPE_TURN_UDP);
  if (!nice_agent_gather_candidates (self->agent, self->stream_id))
    {
      g_message ("Could not gather ICE candidates (no usable network interface)");
      set_state (self, PU_ICE_PATH_FAILED);
    }
}

static void
stun_resolved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  PuIcePath *self;

  if (addresses == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = PU_ICE_PATH (user_data);
  if (addresses != NULL)
    {
      g_autofree char *ip = g_inet_address_to_string (addresses->data);

      g_object_set (self->agent, "stun-server", ip, "stun-server-port", self->stun_port, NULL);
      g_resolver_free_addresses (addresses);
    }
  else
    g_message ("No server-reflexive ICE candidates: %s", error->message);
  gather (self);
}

void
pu_ice_path_start (PuIcePath  *self,
                   const char *stun_host,
                   guint16     stun_port,
                   gboolean    include_loopback)
{
  g_autoptr(GInetAddress) stun_ip = NULL;
  g_autofree char *ufrag = NULL, *pwd = NULL;
  PuSignal msg;

  g_return_if_fail (PU_IS_ICE_PATH (self));
  g_return_if_fail (self->started == 0 && !self->closed);
  g_return_if_fail (stun_host != NULL);

  self->started = g_get_monotonic_time ();
  self->stun_port = stun_port;
  if (include_loopback)
    {
      GList *ips = nice_interfaces_get_local_ips (TRUE);

      /* Adding any address turns libnice's own discovery off: add them all. */
      for (GList *l = ips; l != NULL; l = l->next)
        {
          NiceAddress addr;

          nice_address_init (&addr);
          if (nice_address_set_from_string (&addr, l->data))
            nice_agent_add_local_address (self->agent, &addr);
        }
      g_list_free_full (ips, g_free);
    }

  nice_agent_get_local_credentials (self->agent, self->stream_id, &ufrag, &pwd);
  pu_signal_init (&msg, PU_SIGNAL_CREDENTIALS, self->session, self->generation);
  g_strlcpy (msg.ufrag, ufrag, sizeof msg.ufrag);
  g_strlcpy (msg.pwd, pwd, sizeof msg.pwd);
  send_signal (self, &msg);

  stun_ip = g_inet_address_new_from_string (stun_host);
  if (stun_ip != NULL)
    {
      g_object_set (self->agent, "stun-server", stun_host, "stun-server-port", stun_port, NULL);
      gather (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  g_resolver_lookup_by_name_async (g_resolver_get_default (), stun_host, self->cancellable,
                                   stun_resolved_cb, self);
}

static void
add_remote_candidates (PuIcePath      *self,
                       const PuSignal *msg)
{
  GSList *list = NULL;

  for (guint i = 0; i < msg->n_candidates; i++)
    {
      g_autofree char *sdp = g_strconcat ("a=", msg->candidates[i], NULL);
      NiceCandidate *candidate;

      if (self->n_remote_candidates >= PU_ICE_PATH_MAX_REMOTE_CANDIDATES)
        break;
      candidate = nice_agent_parse_remote_candidate_sdp (self->agent, self->stream_id, sdp);
      if (candidate == NULL || candidate->component_id != COMPONENT ||
          candidate->transport != NICE_CANDIDATE_TRANSPORT_UDP)
        {
          g_debug ("Ignoring a remote ICE candidate: %s", msg->candidates[i]);
          g_clear_pointer (&candidate, nice_candidate_free);
          continue;
        }
      self->n_remote_candidates++;
      list = g_slist_prepend (list, candidate);
    }
  if (list != NULL)
    nice_agent_set_remote_candidates (self->agent, self->stream_id, COMPONENT, list);
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);
}

void
pu_ice_path_handle_signal (PuIcePath      *self,
                           const PuSignal *msg)
{
  g_return_if_fail (PU_IS_ICE_PATH (self));
  g_return_if_fail (msg != NULL);
  g_return_if_fail (msg->session == self->session && msg->generation == self->generation);

  if (self->closed)
    return;
  switch (msg->type)
    {
    case PU_SIGNAL_CREDENTIALS:
      /* The first answer counts; a changed one would be a new generation. */
      if (!self->remote_credentials)
        self->remote_credentials = nice_agent_set_remote_credentials (self->agent,
                                                                      self->stream_id,
                                                                      msg->ufrag, msg->pwd);
      break;
    case PU_SIGNAL_CANDIDATES:
      if (self->remote_credentials)
        add_remote_candidates (self, msg);
      break;
    case PU_SIGNAL_END_OF_CANDIDATES:
      nice_agent_peer_candidate_gathering_done (self->agent, self->stream_id);
      break;
    case PU_SIGNAL_RESTART:
      /* The owner starts a new generation. */
      break;
    default:
      break;
    }
}

void
pu_ice_path_set_receiver (PuIcePath    *self,
                          PuConnection *connection)
{
  g_return_if_fail (PU_IS_ICE_PATH (self));

  self->receiver = connection;
}

static void
agent_closed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_object_unref (object);
}

void
pu_ice_path_close (PuIcePath *self)
{
  g_return_if_fail (PU_IS_ICE_PATH (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  self->receiver = NULL;
  stop_reading (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  if (self->heartbeat_source != NULL)
    g_source_destroy (self->heartbeat_source);
  g_clear_pointer (&self->heartbeat_source, g_source_unref);
  if (self->agent != NULL)
    {
      NiceAgent *agent = g_steal_pointer (&self->agent);

      g_signal_handlers_disconnect_by_data (agent, self);
      nice_agent_attach_recv (agent, self->stream_id, COMPONENT, self->context, NULL, NULL);
      /* The agent goes once it has released what it holds on a TURN server. */
      nice_agent_close_async (agent, agent_closed_cb, NULL);
    }
}

static gboolean
pu_ice_path_send (PuPath           *path,
                  const PuDatagram *datagrams,
                  guint             n_datagrams)
{
  PuIcePath *self = PU_ICE_PATH (path);

  if (self->closed)
    return FALSE;
  if (self->blocked || !self->has_pair)
    return TRUE;

  /* Would block: dropped, QUIC recovers. */
  if (self->socket != NULL)
    {
      pu_udp_send (g_socket_get_fd (self->socket), (struct sockaddr *) &self->remote_sockaddr,
                   self->remote_sockaddr_len, datagrams, n_datagrams, &self->gso);
      return TRUE;
    }
  for (guint done = 0; done < n_datagrams;)
    {
      GOutputVector vecs[SEND_BATCH];
      NiceOutputMessage messages[SEND_BATCH];
      guint n = MIN (n_datagrams - done, SEND_BATCH);
      gint sent;

      for (guint i = 0; i < n; i++)
        {
          vecs[i].buffer = datagrams[done + i].data;
          vecs[i].size = datagrams[done + i].len;
          messages[i].buffers = &vecs[i];
          messages[i].n_buffers = 1;
        }
      sent = nice_agent_send_messages_nonblocking (self->agent, self->stream_id, COMPONENT,
                                                   messages, n, NULL, NULL);
      if (sent < (gint) n)
        break;
      done += n;
    }
  return TRUE;
}

static PuPathKind
pu_ice_path_get_kind (PuPath *path)
{
  return PU_PATH_KIND_DIRECT;
}

static gsize
pu_ice_path_get_max_datagram_size (PuPath *path)
{
  PuIcePath *self = PU_ICE_PATH (path);

  return self->max_datagram;
}

static char *
pu_ice_path_describe (PuPath *path)
{
  PuIcePath *self = PU_ICE_PATH (path);

  if (!self->has_pair)
    return g_strdup_printf ("direct (%s)", pu_ice_path_state_to_string (self->state));
  return g_strdup_printf ("direct %s→%s IPv%u %s", candidate_type_to_string (self->local_type),
                          candidate_type_to_string (self->remote_type), self->ip_version,
                          self->remote_addr);
}

static void
pu_ice_path_iface_init (PuPathInterface *iface)
{
  iface->send = pu_ice_path_send;
  iface->get_kind = pu_ice_path_get_kind;
  iface->get_max_datagram_size = pu_ice_path_get_max_datagram_size;
  iface->describe = pu_ice_path_describe;
}

static void
pu_ice_path_dispose (GObject *object)
{
  PuIcePath *self = PU_ICE_PATH (object);

  pu_ice_path_close (self);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (pu_ice_path_parent_class)->dispose (object);
}

static void
pu_ice_path_finalize (GObject *object)
{
  PuIcePath *self = PU_ICE_PATH (object);

  g_free (self->rx_bufs);
  g_free (self->rx_datagrams);
  g_free (self->turn_host);
  g_free (self->turn_username);
  g_free (self->turn_password);

  G_OBJECT_CLASS (pu_ice_path_parent_class)->finalize (object);
}

static void
pu_ice_path_class_init (PuIcePathClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_ice_path_dispose;
  object_class->finalize = pu_ice_path_finalize;

  signals[SIGNAL_SEND_SIGNAL] =
    g_signal_new ("send-signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
pu_ice_path_init (PuIcePath *self)
{
  self->max_datagram = WAN_DATAGRAM;
}

PuIcePath *
pu_ice_path_new (gboolean controlling,
                 guint64  session,
                 guint32  generation)
{
  PuIcePath *self = g_object_new (PU_TYPE_ICE_PATH, NULL);

  self->controlling = controlling;
  self->session = session;
  self->generation = generation;
  self->context = g_main_context_ref_thread_default ();
  pu_signal_init (&self->pending, PU_SIGNAL_CANDIDATES, session, generation);

  self->agent = nice_agent_new_full (self->context, NICE_COMPATIBILITY_RFC5245,
                                     NICE_AGENT_OPTION_ICE_TRICKLE |
                                     NICE_AGENT_OPTION_CONSENT_FRESHNESS);
  g_object_set (self->agent,
                "controlling-mode", controlling,
                "ice-tcp", FALSE,
                "upnp", FALSE,
                "keepalive-conncheck", TRUE,
                "stun-pacing-timer", (guint) STUN_PACING_MS,
                "stun-initial-timeout", (guint) STUN_INITIAL_TIMEOUT_MS,
                "stun-max-retransmissions", (guint) STUN_MAX_RETRANSMISSIONS,
                NULL);
  self->stream_id = nice_agent_add_stream (self->agent, 1);
  nice_agent_set_stream_name (self->agent, self->stream_id, "application");
  g_signal_connect (self->agent, "new-candidate-full", G_CALLBACK (new_candidate_cb), self);
  g_signal_connect (self->agent, "candidate-gathering-done", G_CALLBACK (gathering_done_cb),
                    self);
  g_signal_connect (self->agent, "new-selected-pair-full", G_CALLBACK (selected_pair_cb), self);
  g_signal_connect (self->agent, "component-state-changed", G_CALLBACK (component_state_cb),
                    self);
  nice_agent_attach_recv (self->agent, self->stream_id, COMPONENT, self->context, recv_cb, self);
  return self;
}

void
pu_ice_path_set_turn (PuIcePath  *self,
                      const char *host,
                      guint16     port,
                      const char *username,
                      const char *password)
{
  g_return_if_fail (PU_IS_ICE_PATH (self));
  g_return_if_fail (self->started == 0);
  g_return_if_fail (host != NULL && username != NULL && password != NULL);

  g_free (self->turn_host);
  g_free (self->turn_username);
  g_free (self->turn_password);
  self->turn_host = g_strdup (host);
  self->turn_port = port;
  self->turn_username = g_strdup (username);
  self->turn_password = g_strdup (password);
}

PuIcePathState
pu_ice_path_get_state (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), PU_ICE_PATH_FAILED);

  return self->state;
}

gboolean
pu_ice_path_is_controlling (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), FALSE);

  return self->controlling;
}

guint64
pu_ice_path_get_session (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), 0);

  return self->session;
}

guint32
pu_ice_path_get_generation (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), 0);

  return self->generation;
}

gint64
pu_ice_path_get_connect_time (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), 0);

  return self->connect_time;
}

guint64
pu_ice_path_get_batched_datagrams (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), 0);

  return self->batched_datagrams;
}

const char *
pu_ice_path_get_local_type (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), NULL);

  return self->has_pair ? candidate_type_to_string (self->local_type) : NULL;
}

const char *
pu_ice_path_get_remote_type (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), NULL);

  return self->has_pair ? candidate_type_to_string (self->remote_type) : NULL;
}

guint
pu_ice_path_get_ip_version (PuIcePath *self)
{
  g_return_val_if_fail (PU_IS_ICE_PATH (self), 0);

  return self->has_pair ? self->ip_version : 0;
}

void
pu_ice_path_turn_credentials (const char  *secret,
                              const char  *peer,
                              gint64       expiry,
                              char       **username,
                              char       **password)
{
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_if_fail (secret != NULL && peer != NULL && username != NULL && password != NULL);

  *username = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expiry, peer);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) *username, -1);
  g_hmac_get_digest (hmac, digest, &len);
  *password = g_base64_encode (digest, len);
}

void
pu_ice_path_set_blocked (PuIcePath *self,
                         gboolean   blocked)
{
  g_return_if_fail (PU_IS_ICE_PATH (self));

  self->blocked = blocked;
}
