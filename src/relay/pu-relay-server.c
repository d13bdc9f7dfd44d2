/* pu-relay-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-server.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>

#include "pu-certificate.h"
#include "pu-error.h"
#include "pu-ice-path.h"
#include "pu-pair-message.h"
#include "pu-relay-frame.h"
#include "pu-relay-groups.h"
#include "pu-stun.h"
#include "pu-version.h"

/* STUN datagrams answered per wake-up, so a flood cannot starve the rest. */
#define STUN_BATCH 64
/* The window of PuRelayLimits.pairing_per_ip. */
#define PAIRING_WINDOW_SECONDS 60

typedef struct {
  PuRelayServer           *server;
  PuWebsocket             *ws;
  guint8                   nonce[PU_RELAY_NONCE_LEN];
  gboolean                 authed;
  gboolean                 closing;
  PuPeerId                 peer;
  guint64                  instance;
  gboolean                 serving;
  gboolean                 batch;       /* takes PACKETS frames */
  gboolean                 absent;      /* takes ABSENT frames */
  gboolean                 turn;        /* takes TURN frames */
  gint64                   turn_sent;   /* monotonic, 0 before the first */
  gint64                   last_absent; /* monotonic, when the last ABSENT went */
  guint64                  bytes;
  gint64                   started_at;  /* monotonic */
  gint64                   last_rx;
  char                    *ip;          /* the source address, for pairing limits */
  /* A pairing-only session, and once it named it, the one peer it may reach. */
  gboolean                 pairing;
  gboolean                 has_target;
  PuPeerId                 target;
  guint64                  target_instance;
  gboolean                 opened;       /* a pairing session's one OPEN */
  gboolean                 joined;       /* its one GROUP_JOIN */
} Session;

/* A number that brings a joiner to the inviter that claimed it. */
typedef struct {
  Session *owner;
  gint64   expires;  /* monotonic */
  guint    opens;
} Nameplate;

/* Pairing sessions a source IP started in its current window. */
typedef struct {
  gint64 window_start;  /* monotonic */
  guint  count;
} IpCount;

struct _PuRelayServer
{
  GObject        parent_instance;

  PuIdentity    *identity;
  PuCertificate *certificate;
  PuTrustStore  *trust;
  PuRelayLimits  limits;
  GMainContext  *context;
  SoupServer    *soup;
  GSocket       *udp;
  GSource       *udp_source;
  GSource       *sweep;
  guint16        port;
  gint64         started_at;
  /* every connection (owned), and the authenticated ones by peer, oldest first */
  GPtrArray     *sessions;
  GHashTable    *by_peer;
  guint          n_peers;
  guint          n_pairing;
  GHashTable    *pairing_ips;  /* char *ip → IpCount */
  GHashTable    *nameplates;   /* number → Nameplate */
  char          *groups_path;  /* pairing groups, or NULL */
  guint64        n_dropped;
};

G_DEFINE_FINAL_TYPE (PuRelayServer, pu_relay_server, G_TYPE_OBJECT)

static guint
peer_hash (gconstpointer key)
{
  return pu_peer_id_hash (key);
}

static gboolean
peer_equal (gconstpointer a,
            gconstpointer b)
{
  return pu_peer_id_equal (a, b);
}

static void
session_free (Session *s)
{
  g_signal_handlers_disconnect_by_data (s->ws, s);
  g_clear_object (&s->ws);
  g_free (s->ip);
  g_free (s);
}

/* Drops the nameplates @owner claimed (NULL: those expired by @now). */
static void
drop_nameplates (PuRelayServer *self,
                 Session       *owner,
                 gint64         now)
{
  GHashTableIter iter;
  Nameplate *plate;

  g_hash_table_iter_init (&iter, self->nameplates);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &plate))
    if (owner != NULL ? plate->owner == owner : plate->expires <= now)
      g_hash_table_iter_remove (&iter);
}

static void
unregister (Session *s)
{
  PuRelayServer *self = s->server;
  GPtrArray *list;

  if (!s->authed)
    return;
  drop_nameplates (self, s, 0);
  s->authed = FALSE;
  self->n_peers--;
  if (s->pairing)
    self->n_pairing--;
  s->pairing = FALSE;
  list = g_hash_table_lookup (self->by_peer, &s->peer);
  g_assert (list != NULL);
  g_ptr_array_remove (list, s);
  if (list->len == 0)
    g_hash_table_remove (self->by_peer, &s->peer);
}

static void
session_close (Session    *s,
               gushort     code,
               const char *reason)
{
  unregister (s);
  s->closing = TRUE;
  pu_websocket_close (s->ws, code, reason);
}

/* Tells the node why (its relay client shows @message) and hangs up. */
static void
session_fail (Session          *s,
              PuRelayErrorCode  code,
              const char       *message)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_ERROR, .error_code = code };

  if (s->closing)
    return;
  g_strlcpy (frame.message, message, sizeof frame.message);
  pu_relay_frame_send (s->ws, &frame, FALSE, NULL);
  session_close (s, PU_WEBSOCKET_CLOSE_POLICY_VIOLATION, message);
}

/* A snapshot to walk while closing sessions changes the list. */
static GPtrArray *
borrow_sessions (PuRelayServer *self)
{
  GPtrArray *copy = g_ptr_array_copy (self->sessions, NULL, NULL);

  /* The copy would inherit the free function. */
  g_ptr_array_set_free_func (copy, NULL);
  return copy;
}

/* Credentials for the operator's TURN server, to an authorized session that
 * asked for them; again once half their lifetime has passed. */
static void
send_turn (Session *s)
{
  PuRelayServer *self = s->server;
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_TURN, .turn.port = self->limits.turn_port };
  g_autofree char *peer = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!s->turn || s->pairing || self->limits.turn_host[0] == '\0' ||
      (s->turn_sent != 0 &&
       now - s->turn_sent < (gint64) PU_RELAY_TURN_LIFETIME_SECONDS / 2 * G_USEC_PER_SEC))
    return;
  peer = pu_peer_id_to_string (&s->peer);
  pu_ice_path_turn_credentials (self->limits.turn_secret, peer,
                                g_get_real_time () / G_USEC_PER_SEC +
                                PU_RELAY_TURN_LIFETIME_SECONDS,
                                &username, &password);
  g_strlcpy (frame.turn.host, self->limits.turn_host, sizeof frame.turn.host);
  g_strlcpy (frame.turn.username, username, sizeof frame.turn.username);
  g_strlcpy (frame.turn.password, password, sizeof frame.turn.password);
  if (pu_relay_frame_send (s->ws, &frame, FALSE, NULL))
    s->turn_sent = now;
}

/* Once a second: connections that did not authenticate in time, went
 * silent (nodes ping every PU_RELAY_KEEPALIVE_SECONDS) or used up their
 * session time are closed; TURN credentials are renewed. */
static gboolean
sweep_cb (gpointer data)
{
  PuRelayServer *self = data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) sessions = borrow_sessions (self);
  GHashTableIter iter;
  IpCount *count;

  g_hash_table_iter_init (&iter, self->pairing_ips);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &count))
    if (now - count->window_start >= PAIRING_WINDOW_SECONDS * G_USEC_PER_SEC)
      g_hash_table_iter_remove (&iter);
  drop_nameplates (self, NULL, now);

  for (guint i = 0; i < sessions->len; i++)
    {
      Session *s = g_ptr_array_index (sessions, i);
      gint64 age = (now - s->started_at) / G_USEC_PER_SEC;

      if (s->closing)
        continue;
      if (!s->authed && self->limits.auth_timeout_seconds != 0 &&
          age >= self->limits.auth_timeout_seconds)
        session_fail (s, PU_RELAY_ERROR_TIMEOUT, "no authentication in time");
      else if (s->pairing && age >= self->limits.pairing_seconds)
        session_fail (s, PU_RELAY_ERROR_LIMIT, "pairing time is up");
      else if (s->authed && now - s->last_rx > PU_RELAY_DEAD_SECONDS * G_USEC_PER_SEC)
        session_close (s, PU_WEBSOCKET_CLOSE_GOING_AWAY, "silent for too long");
      else if (s->authed && self->limits.session_seconds != 0 &&
               age >= self->limits.session_seconds)
        session_fail (s, PU_RELAY_ERROR_LIMIT, "session duration limit reached");
      else if (s->authed)
        send_turn (s);
    }
  return G_SOURCE_CONTINUE;
}

/* An exact instance, or for instance 0 the newest serving connection of the
 * peer, else its newest. */
static Session *
route (PuRelayServer  *self,
       const PuPeerId *peer,
       guint64         instance)
{
  GPtrArray *list = g_hash_table_lookup (self->by_peer, peer);
  Session *newest = NULL;

  if (list == NULL)
    return NULL;
  for (guint i = list->len; i-- > 0;)
    {
      Session *s = g_ptr_array_index (list, i);

      if (instance != 0)
        {
          if (s->instance == instance)
            return s;
        }
      else if (s->serving)
        return s;
      else if (newest == NULL)
        newest = s;
    }
  return newest;
}

/* The pairing-only sessions of @peer, authorized now, become ordinary ones. */
static void
upgrade (PuRelayServer  *self,
         const PuPeerId *peer)
{
  GPtrArray *list = g_hash_table_lookup (self->by_peer, peer);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      Session *s = g_ptr_array_index (list, i);

      if (s->pairing)
        {
          s->pairing = FALSE;
          self->n_pairing--;
          send_turn (s);
        }
    }
}

/* The other members of the groups @peer is in, into MEMBERS @frame. */
static void
fill_members (GPtrArray      *groups,
              const PuPeerId *peer,
              PuRelayFrame   *frame)
{
  for (guint i = 0; i < groups->len; i++)
    {
      PuRelayGroup *group = g_ptr_array_index (groups, i);
      gboolean member = FALSE;

      for (guint j = 0; j < group->tokens->len; j++)
        {
          PuRelayGroupToken *t = g_ptr_array_index (group->tokens, j);

          member = member || (t->used && pu_peer_id_equal (&t->member, peer));
        }
      for (guint j = 0; member && j < group->tokens->len; j++)
        {
          PuRelayGroupToken *t = g_ptr_array_index (group->tokens, j);
          PuRelayMember *m = &frame->members[frame->n_members];

          if (!t->used || pu_peer_id_equal (&t->member, peer) ||
              frame->n_members >= PU_RELAY_GROUP_MAX)
            continue;
          m->peer = t->member;
          g_strlcpy (m->name, t->name, sizeof m->name);
          frame->n_members++;
        }
    }
}

/* Sends @s the other members of the groups it is in, if any. */
static void
introduce (Session   *s,
           GPtrArray *groups)
{
  PuRelayFrame frame = { .type = PU_RELAY_FRAME_MEMBERS,
                         .status = PU_RELAY_MEMBERS_INTRODUCED };

  fill_members (groups, &s->peer, &frame);
  if (frame.n_members > 0)
    pu_relay_frame_send (s->ws, &frame, FALSE, NULL);
}

static GPtrArray *
load_groups (PuRelayServer *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *groups;

  if (self->groups_path == NULL)
    return NULL;
  groups = pu_relay_groups_load (self->groups_path, &error);
  if (groups == NULL)
    g_warning ("Pairing groups unusable: %s", error->message);
  return groups;
}

/* GROUP_JOIN: one attempt per connection; whatever fails, the answer is
 * the same. On success the device is authorized (for the group's member
 * time) and it and the group's connected members learn of each other. */
static void
join_group (Session            *s,
            const PuRelayFrame *frame)
{
  PuRelayServer *self = s->server;
  PuRelayFrame failed = { .type = PU_RELAY_FRAME_MEMBERS, .status = PU_RELAY_MEMBERS_FAILED };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;
  PuRelayGroupToken *token = NULL;
  PuRelayGroup *group = NULL;

  if (s->joined)
    {
      session_fail (s, PU_RELAY_ERROR_PAIRING, "one pairing code per connection");
      return;
    }
  s->joined = TRUE;
  groups = load_groups (self);
  if (groups != NULL)
    token = pu_relay_groups_find (groups, frame->token, now, &group);
  if (token == NULL)
    {
      pu_relay_frame_send (s->ws, &failed, FALSE, NULL);
      return;
    }

  token->used = TRUE;
  token->member = s->peer;
  token->name = g_strdup (frame->members[0].name);
  comment = g_strdup_printf ("group %s: %s", group->id, token->name);
  if (!pu_relay_groups_save (self->groups_path, groups, &error) ||
      (!pu_trust_store_add (self->trust, &s->peer, comment,
                            group->member_seconds > 0 ? now + group->member_seconds : 0,
                            &error) &&
       !g_error_matches (error, PU_ERROR, PU_ERROR_EXISTS)))
    {
      g_warning ("Could not add a member to pairing group %s: %s", group->id, error->message);
      pu_relay_frame_send (s->ws, &failed, FALSE, NULL);
      return;
    }

  upgrade (self, &s->peer);
  {
    PuRelayFrame joined = { .type = PU_RELAY_FRAME_MEMBERS, .status = PU_RELAY_MEMBERS_JOINED };
    g_autoptr(GPtrArray) sessions = borrow_sessions (self);

    /* The joiner always hears the answer, members or not. */
    fill_members (groups, &s->peer, &joined);
    pu_relay_frame_send (s->ws, &joined, FALSE, NULL);
    for (guint i = 0; i < sessions->len; i++)
      {
        Session *other = g_ptr_array_index (sessions, i);

        if (other != s && other->authed && !other->pairing && !other->closing)
          introduce (other, groups);
      }
  }
}

/* Whether an unknown device may have a pairing-only session now; when not,
 * the session is failed with the reason. */
static gboolean
admit_pairing (Session *s)
{
  PuRelayServer *self = s->server;
  gint64 now = g_get_monotonic_time ();
  IpCount *count;

  if (self->limits.pairing_max == 0)
    {
      session_fail (s, PU_RELAY_ERROR_NOT_AUTHORIZED,
                    "not authorized on this relay, which does not admit devices to pair");
      return FALSE;
    }
  if (self->n_pairing >= self->limits.pairing_max)
    {
      session_fail (s, PU_RELAY_ERROR_LIMIT, "too many devices are pairing; try again later");
      return FALSE;
    }
  count = g_hash_table_lookup (self->pairing_ips, s->ip);
  if (count == NULL)
    {
      if (g_hash_table_size (self->pairing_ips) >= PU_RELAY_PAIRING_IPS_MAX)
        {
          session_fail (s, PU_RELAY_ERROR_LIMIT,
                        "too many devices are pairing; try again later");
          return FALSE;
        }
      count = g_new0 (IpCount, 1);
      count->window_start = now;
      g_hash_table_insert (self->pairing_ips, g_strdup (s->ip), count);
    }
  if (count->count >= self->limits.pairing_per_ip)
    {
      session_fail (s, PU_RELAY_ERROR_LIMIT,
                    "too many pairing attempts from this address; try again in a minute");
      return FALSE;
    }
  count->count++;
  return TRUE;
}

static void
handle_auth (Session            *s,
             const PuRelayFrame *frame)
{
  PuRelayServer *self = s->server;
  PuRelayFrame welcome = { .type = PU_RELAY_FRAME_WELCOME };
  guint8 transcript[PU_RELAY_AUTH_TRANSCRIPT_LEN];
  Session *old;
  GPtrArray *list;

  pu_relay_frame_auth_transcript (s->nonce, pu_identity_get_peer_id (self->identity),
                                  frame->instance, frame->serving, frame->pairing, transcript);
  if (!pu_identity_verify (&frame->peer, transcript, sizeof transcript, frame->signature))
    {
      session_fail (s, PU_RELAY_ERROR_AUTH_FAILED, "signature check failed");
      return;
    }
  if (!pu_trust_store_is_authorized (self->trust, &frame->peer,
                                     g_get_real_time () / G_USEC_PER_SEC))
    {
      if (!frame->pairing)
        {
          session_fail (s, PU_RELAY_ERROR_NOT_AUTHORIZED, "not authorized on this relay");
          return;
        }
      if (!admit_pairing (s))
        return;
      s->pairing = TRUE;
      self->n_pairing++;
    }

  /* The same process reconnecting: its old connection is dead or dying. */
  old = route (self, &frame->peer, frame->instance);
  if (old != NULL && old->instance == frame->instance)
    session_close (old, PU_WEBSOCKET_CLOSE_NORMAL, "replaced by a newer connection");

  s->peer = frame->peer;
  s->instance = frame->instance;
  s->serving = frame->serving;
  s->authed = TRUE;
  self->n_peers++;
  list = g_hash_table_lookup (self->by_peer, &s->peer);
  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->by_peer, g_memdup2 (&s->peer, sizeof s->peer), list);
    }
  g_ptr_array_add (list, s);

  s->started_at = g_get_monotonic_time ();
  pu_relay_frame_send (s->ws, &welcome, FALSE, NULL);
  send_turn (s);
  if (!s->pairing)
    {
      g_autoptr(GPtrArray) groups = load_groups (self);

      if (groups != NULL)
        introduce (s, groups);
    }
}

/* Whether @s may reach @dest: a pairing-only session hears from its target
 * alone (what it sends, pairing_allows() checked). */
static gboolean
may_reach (Session *s,
           Session *dest)
{
  if (dest->pairing)
    return dest->has_target && pu_peer_id_equal (&dest->target, &s->peer) &&
           dest->target_instance == s->instance;
  return TRUE;
}

/* Whether a pairing-only session may send @frame; the first pairing
 * message names the peer it pairs with, which must be an authorized one
 * connected now. */
static gboolean
pairing_allows (Session            *s,
                const PuRelayFrame *frame)
{
  Session *dest;

  if (frame->type == PU_RELAY_FRAME_PING || frame->type == PU_RELAY_FRAME_PONG)
    return TRUE;
  if (frame->type == PU_RELAY_FRAME_GROUP_JOIN)
    return TRUE;
  if (frame->type == PU_RELAY_FRAME_OPEN && !s->opened && !s->has_target)
    {
      s->opened = TRUE;
      return TRUE;
    }
  if (frame->type != PU_RELAY_FRAME_SIGNAL ||
      !pu_pair_message_is_pairing (frame->payload, frame->payload_len))
    return FALSE;
  if (s->has_target)
    return pu_peer_id_equal (&frame->peer, &s->target) &&
           frame->instance == s->target_instance;
  dest = route (s->server, &frame->peer, frame->instance);
  if (dest == NULL)
    return TRUE;  /* forward() tells the sender nobody is there */
  if (dest->pairing)
    return FALSE;
  s->has_target = TRUE;
  s->target = frame->peer;
  s->target_instance = dest->instance;
  return TRUE;
}

static gboolean
is_admin (const PuTrustEntry *entry)
{
  for (guint i = 0; entry->attrs != NULL && i < entry->attrs->len; i++)
    if (g_str_equal (g_ptr_array_index (entry->attrs, i), "admin=true"))
      return TRUE;
  return FALSE;
}

/* Whether the peer of @s may sponsor the joiner in @frame, and if so
 * authorizes the joiner. */
static PuRelaySponsorStatus
sponsor (Session            *s,
         const PuRelayFrame *frame)
{
  PuRelayServer *self = s->server;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 transcript[PU_RELAY_SPONSOR_TRANSCRIPT_LEN];
  const PuTrustEntry *entry = pu_trust_store_lookup (self->trust, &s->peer);
  g_autofree char *id = pu_peer_id_to_string (&s->peer);
  g_autofree char *comment = NULL;
  g_autoptr(GError) error = NULL;

  if (frame->timestamp > now + PU_RELAY_SPONSOR_WINDOW_SECONDS ||
      frame->timestamp < now - PU_RELAY_SPONSOR_WINDOW_SECONDS)
    return PU_RELAY_SPONSOR_INVALID;
  pu_relay_frame_sponsor_transcript (pu_identity_get_peer_id (self->identity), &frame->peer,
                                     frame->timestamp, transcript);
  if (!pu_identity_verify (&s->peer, transcript, sizeof transcript, frame->signature))
    return PU_RELAY_SPONSOR_INVALID;
  if (entry == NULL || (self->limits.invite_admin_only && !is_admin (entry)))
    return PU_RELAY_SPONSOR_DENIED;

  if (entry->comment != NULL)
    comment = g_strdup_printf ("sponsored by %s/%s", entry->comment, id);
  else
    comment = g_strdup_printf ("sponsored by %s", id);
  if (!pu_trust_store_add (self->trust, &frame->peer, comment, 0, &error) &&
      !g_error_matches (error, PU_ERROR, PU_ERROR_EXISTS))
    {
      g_warning ("Could not authorize a sponsored device: %s", error->message);
      return PU_RELAY_SPONSOR_DENIED;
    }
  if (!pu_trust_store_is_authorized (self->trust, &frame->peer, now))
    return PU_RELAY_SPONSOR_DENIED;

  upgrade (self, &frame->peer);
  return PU_RELAY_SPONSOR_OK;
}

/* CLAIM: a free number for @s, or 0. */
static guint16
claim_nameplate (Session *s,
                 guint32  ttl)
{
  PuRelayServer *self = s->server;
  guint start = g_random_int_range (1, PU_RELAY_NAMEPLATE_MAX + 1);
  guint owned = 0;
  GHashTableIter iter;
  Nameplate *plate;

  if (s->pairing || ttl == 0 || ttl > PU_RELAY_NAMEPLATE_TTL_MAX)
    return 0;
  g_hash_table_iter_init (&iter, self->nameplates);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &plate))
    owned += plate->owner == s;
  if (owned >= PU_RELAY_NAMEPLATES_PER_SESSION)
    return 0;
  for (guint i = 0; i < PU_RELAY_NAMEPLATE_MAX; i++)
    {
      guint number = (start + i - 1) % PU_RELAY_NAMEPLATE_MAX + 1;

      if (g_hash_table_contains (self->nameplates, GUINT_TO_POINTER (number)))
        continue;
      plate = g_new0 (Nameplate, 1);
      plate->owner = s;
      plate->expires = g_get_monotonic_time () + (gint64) ttl * G_USEC_PER_SEC;
      g_hash_table_insert (self->nameplates, GUINT_TO_POINTER (number), plate);
      return (guint16) number;
    }
  return 0;
}

/* OPEN: the inviter behind @number, counting the attempt; the last one
 * allowed burns the number. */
static Session *
open_nameplate (PuRelayServer *self,
                guint16        number)
{
  Nameplate *plate = g_hash_table_lookup (self->nameplates, GUINT_TO_POINTER (number));
  Session *owner;

  if (plate == NULL || plate->expires <= g_get_monotonic_time ())
    return NULL;
  owner = plate->owner;
  if (++plate->opens >= PU_RELAY_NAMEPLATE_ATTEMPTS)
    g_hash_table_remove (self->nameplates, GUINT_TO_POINTER (number));
  return owner;
}

/* Tells @s that what it sent to the peer of @frame has nobody to go to; at
 * most one such answer per interval, whatever the sender sends. */
static void
send_absent (Session            *s,
             const PuRelayFrame *frame)
{
  PuRelayFrame absent = { .type = PU_RELAY_FRAME_ABSENT, .peer = frame->peer,
                          .instance = frame->instance };
  gint64 now = g_get_monotonic_time ();

  if (!s->absent || now - s->last_absent < PU_RELAY_ABSENT_INTERVAL_MS * 1000)
    return;
  s->last_absent = now;
  pu_relay_frame_send (s->ws, &absent, TRUE, NULL);
}

static void
forward (Session            *s,
         const PuRelayFrame *frame)
{
  PuRelayServer *self = s->server;
  PuRelayFrame out = *frame;
  Session *dest;

  dest = route (self, &frame->peer, frame->instance);
  if (dest == NULL || !may_reach (s, dest))
    {
      send_absent (s, frame);
      return;
    }

  /* The receiver learns who sent it, as the relay authenticated them. */
  out.peer = s->peer;
  out.instance = s->instance;
  if (frame->type == PU_RELAY_FRAME_PACKETS && !dest->batch)
    {
      gsize offset = 0;

      /* A node that did not ask for batches gets the datagrams one by one. */
      out.type = PU_RELAY_FRAME_PACKET;
      while (pu_relay_frame_batch_next (frame, &offset, &out.payload, &out.payload_len))
        if (!pu_relay_frame_send (dest->ws, &out, TRUE, NULL))
          self->n_dropped++;
      return;
    }
  if (!pu_relay_frame_send (dest->ws, &out, TRUE, NULL))
    self->n_dropped++;
}

static void
on_message (PuWebsocket *ws,
            GBytes      *message,
            gpointer     data)
{
  Session *s = data;
  PuRelayServer *self = s->server;
  PuRelayFrame frame;
  gsize len;
  const guint8 *raw = g_bytes_get_data (message, &len);

  if (s->closing)
    return;
  s->last_rx = g_get_monotonic_time ();
  if (!pu_relay_frame_decode (raw, len, &frame, NULL))
    {
      session_fail (s, PU_RELAY_ERROR_PROTOCOL, "malformed frame");
      return;
    }

  if (!s->authed)
    {
      if (frame.type != PU_RELAY_FRAME_AUTH)
        session_fail (s, PU_RELAY_ERROR_PROTOCOL, "expected authentication");
      else
        handle_auth (s, &frame);
      return;
    }

  s->bytes += len;
  if (self->limits.session_bytes != 0 && s->bytes > self->limits.session_bytes)
    {
      session_fail (s, PU_RELAY_ERROR_LIMIT, "session byte limit reached");
      return;
    }
  if (s->pairing && !pairing_allows (s, &frame))
    {
      session_fail (s, PU_RELAY_ERROR_PAIRING,
                    "a device not authorized here may only pair with the peer it named");
      return;
    }

  switch (frame.type)
    {
    case PU_RELAY_FRAME_PACKET:
    case PU_RELAY_FRAME_PACKETS:
    case PU_RELAY_FRAME_SIGNAL:
      forward (s, &frame);
      break;

    case PU_RELAY_FRAME_SPONSOR:
      {
        PuRelayFrame answer = { .type = PU_RELAY_FRAME_SPONSORED, .peer = frame.peer };

        answer.status = sponsor (s, &frame);
        pu_relay_frame_send (ws, &answer, FALSE, NULL);
      }
      break;

    case PU_RELAY_FRAME_CLAIM:
      {
        PuRelayFrame answer = { .type = PU_RELAY_FRAME_NAMEPLATE, .peer = s->peer,
                                .instance = s->instance };

        answer.nameplate = claim_nameplate (s, frame.ttl);
        answer.status = answer.nameplate == 0;
        pu_relay_frame_send (ws, &answer, FALSE, NULL);
      }
      break;

    case PU_RELAY_FRAME_GROUP_JOIN:
      join_group (s, &frame);
      break;

    case PU_RELAY_FRAME_OPEN:
      {
        PuRelayFrame answer = { .type = PU_RELAY_FRAME_NAMEPLATE, .nameplate = frame.nameplate,
                                .status = 1 };
        Session *inviter = open_nameplate (self, frame.nameplate);

        if (inviter != NULL)
          {
            answer.status = 0;
            answer.peer = inviter->peer;
            answer.instance = inviter->instance;
          }
        pu_relay_frame_send (ws, &answer, FALSE, NULL);
      }
      break;

    case PU_RELAY_FRAME_PING:
      frame.type = PU_RELAY_FRAME_PONG;
      pu_relay_frame_send (ws, &frame, TRUE, NULL);
      break;

    case PU_RELAY_FRAME_PONG:
      break;

    default:
      session_fail (s, PU_RELAY_ERROR_PROTOCOL, "unexpected frame");
      break;
    }
}

/* Nothing in the protocol is text. */
static void
on_text (PuWebsocket *ws,
         GBytes      *message,
         gpointer     data)
{
  session_fail (data, PU_RELAY_ERROR_PROTOCOL, "malformed frame");
}

static void
on_closed (PuWebsocket *ws,
           gpointer     data)
{
  Session *s = data;
  PuRelayServer *self = s->server;

  unregister (s);
  g_ptr_array_remove (self->sessions, s);
}

static gboolean
wants (SoupServerMessage *msg,
       const char        *feature)
{
  return soup_message_headers_header_contains (soup_server_message_get_request_headers (msg),
                                               PU_RELAY_FEATURES_HEADER, feature);
}

/* The upgrade is through: the connection is a session from now on. */
static void
upgraded_cb (SoupServerMessage *msg,
             PuRelayServer     *self)
{
  PuRelayFrame challenge = { .type = PU_RELAY_FRAME_CHALLENGE };
  GSocket *socket = soup_server_message_get_socket (msg);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autoptr(GIOStream) stream = NULL;
  Session *s = g_new0 (Session, 1);
  gboolean full = self->sessions->len >= self->limits.max_peers;

  /* The socket's send buffer is this peer's whole outgoing queue. */
  if (socket != NULL)
    g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, (gint) self->limits.peer_queue_bytes,
                         NULL);
  stream = soup_server_message_steal_connection (msg);

  s->server = self;
  s->ip = G_IS_INET_SOCKET_ADDRESS (remote)
          ? g_inet_address_to_string (
              g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)))
          : g_strdup ("");
  s->batch = wants (msg, PU_RELAY_FEATURE_BATCH);
  s->absent = wants (msg, PU_RELAY_FEATURE_ABSENT);
  s->turn = wants (msg, PU_RELAY_FEATURE_TURN);
  s->ws = pu_websocket_new (stream, PU_WEBSOCKET_SERVER, PU_RELAY_FRAME_MAX, NULL, 0);
  s->started_at = s->last_rx = g_get_monotonic_time ();
  g_ptr_array_add (self->sessions, s);
  g_signal_connect (s->ws, "message", G_CALLBACK (on_message), s);
  g_signal_connect (s->ws, "text", G_CALLBACK (on_text), s);
  g_signal_connect (s->ws, "closed", G_CALLBACK (on_closed), s);

  if (full)
    {
      session_fail (s, PU_RELAY_ERROR_FULL, "relay is full");
      return;
    }

  randombytes_buf (s->nonce, sizeof s->nonce);
  memcpy (challenge.nonce, s->nonce, sizeof s->nonce);
  challenge.peer = *pu_identity_get_peer_id (self->identity);
  pu_relay_frame_send (s->ws, &challenge, FALSE, NULL);
}

/* libsoup answers the upgrade (no extensions: relayed packets are
 * encrypted, compression would only cost memory); the connection is ours
 * once the 101 response is out. */
static void
websocket_cb (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  static const char * const features[] = { PU_RELAY_FEATURE_BATCH, PU_RELAY_FEATURE_ABSENT,
                                            PU_RELAY_FEATURE_TURN };
  g_autoptr(GString) agreed = g_string_new (NULL);

  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;
  /* The answer names the features asked for that this relay knows. */
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    if (wants (msg, features[i]))
      g_string_append_printf (agreed, "%s%s", agreed->len > 0 ? ", " : "", features[i]);
  if (agreed->len > 0)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  PU_RELAY_FEATURES_HEADER, agreed->str);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (upgraded_cb), data, 0);
}

static gboolean
is_loopback (GSocketAddress *address)
{
  GInetAddress *ip;
  const guint8 *raw;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  ip = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (g_inet_address_get_is_loopback (ip))
    return TRUE;
  /* 127.0.0.0/8 as seen on a dual-stack socket: ::ffff:127.x.y.z */
  raw = g_inet_address_to_bytes (ip);
  return g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6 &&
         memcmp (raw, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f", 13) == 0;
}

static void
health_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  PuRelayServer *self = data;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *json;

  if (!self->limits.health_public && !is_loopback (soup_server_message_get_remote_address (msg)))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PU_VERSION);
  json_builder_set_member_name (builder, "uptime_seconds");
  json_builder_add_int_value (builder, (g_get_monotonic_time () - self->started_at) /
                                       G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "peers");
  json_builder_add_int_value (builder, self->n_peers);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

static gboolean
stun_ready_cb (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  for (guint i = 0; i < STUN_BATCH; i++)
    {
      guint8 buf[PU_STUN_MAX_MESSAGE + 1];
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GBytes) answer = NULL;
      gssize n;

      /* Oversized datagrams arrive cut to the buffer and are refused by length. */
      n = g_socket_receive_from (socket, &from, (char *) buf, sizeof buf, NULL, NULL);
      if (n < 0)
        break;
      if (!G_IS_INET_SOCKET_ADDRESS (from))
        continue;
      answer = pu_stun_answer (buf, (gsize) n, G_INET_SOCKET_ADDRESS (from), NULL);
      if (answer != NULL)
        g_socket_send_to (socket, from, g_bytes_get_data (answer, NULL),
                          g_bytes_get_size (answer), NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
listen_udp (PuRelayServer       *self,
            GInetSocketAddress  *address,
            GError             **error)
{
  g_autoptr(GSocketAddress) bind_addr = NULL;
  GInetAddress *ip = g_inet_socket_address_get_address (address);

  self->udp = g_socket_new (g_inet_address_get_family (ip), G_SOCKET_TYPE_DATAGRAM,
                            G_SOCKET_PROTOCOL_UDP, error);
  if (self->udp == NULL)
    return FALSE;
  bind_addr = g_inet_socket_address_new (ip, self->port);
  /* No address reuse: on UDP it would let two relays share the port. */
  if (!g_socket_bind (self->udp, bind_addr, FALSE, error))
    {
      g_prefix_error (error, _("Could not listen for STUN on UDP port %u: "), self->port);
      return FALSE;
    }
  g_socket_set_blocking (self->udp, FALSE);
  self->udp_source = g_socket_create_source (self->udp, G_IO_IN, NULL);
  g_source_set_callback (self->udp_source, G_SOURCE_FUNC (stun_ready_cb), self, NULL);
  g_source_attach (self->udp_source, self->context);
  return TRUE;
}

static void
on_trust_changed (PuTrustStore *trust,
                  gpointer      data)
{
  PuRelayServer *self = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) sessions = borrow_sessions (self);

  for (guint i = 0; i < sessions->len; i++)
    {
      Session *s = g_ptr_array_index (sessions, i);
      gboolean authorized;

      if (!s->authed || s->closing)
        continue;
      authorized = pu_trust_store_is_authorized (trust, &s->peer, now);
      if (s->pairing && authorized)
        upgrade (self, &s->peer);
      else if (!s->pairing && !authorized)
        session_fail (s, PU_RELAY_ERROR_NOT_AUTHORIZED, "not authorized on this relay");
    }
}

void
pu_relay_limits_init_default (PuRelayLimits *limits)
{
  g_return_if_fail (limits != NULL);

  *limits = (PuRelayLimits) {
    .max_peers = PU_RELAY_DEFAULT_MAX_PEERS,
    .peer_queue_bytes = PU_RELAY_DEFAULT_PEER_QUEUE_BYTES,
    .session_bytes = PU_RELAY_DEFAULT_SESSION_BYTES,
    .session_seconds = PU_RELAY_DEFAULT_SESSION_SECONDS,
    .auth_timeout_seconds = PU_RELAY_DEFAULT_AUTH_TIMEOUT_SECONDS,
    .health_public = FALSE,
    .pairing_max = PU_RELAY_DEFAULT_PAIRING_MAX,
    .pairing_seconds = PU_RELAY_DEFAULT_PAIRING_SECONDS,
    .pairing_per_ip = PU_RELAY_DEFAULT_PAIRING_PER_IP,
    .invite_admin_only = FALSE,
  };
}

static void
pu_relay_server_dispose (GObject *object)
{
  PuRelayServer *self = PU_RELAY_SERVER (object);

  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  pu_relay_server_stop (self);
  g_clear_pointer (&self->by_peer, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_ptr_array_unref);
  g_clear_pointer (&self->pairing_ips, g_hash_table_unref);
  g_clear_pointer (&self->nameplates, g_hash_table_unref);
  g_clear_pointer (&self->groups_path, g_free);
  g_clear_object (&self->soup);
  g_clear_object (&self->trust);
  g_clear_object (&self->certificate);
  g_clear_object (&self->identity);

  G_OBJECT_CLASS (pu_relay_server_parent_class)->dispose (object);
}

static void
pu_relay_server_finalize (GObject *object)
{
  PuRelayServer *self = PU_RELAY_SERVER (object);

  g_main_context_unref (self->context);

  G_OBJECT_CLASS (pu_relay_server_parent_class)->finalize (object);
}

static void
pu_relay_server_class_init (PuRelayServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_relay_server_dispose;
  object_class->finalize = pu_relay_server_finalize;
}

static void
pu_relay_server_init (PuRelayServer *self)
{
  pu_relay_limits_init_default (&self->limits);
  self->context = g_main_context_ref_thread_default ();
  self->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) session_free);
  self->by_peer = g_hash_table_new_full (peer_hash, peer_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->pairing_ips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->nameplates = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

PuRelayServer *
pu_relay_server_new (PuIdentity    *identity,
                     PuTrustStore  *trust,
                     GError       **error)
{
  g_autoptr(PuRelayServer) self = NULL;

  g_return_val_if_fail (PU_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (PU_IS_TRUST_STORE (trust), NULL);

  self = g_object_new (PU_TYPE_RELAY_SERVER, NULL);
  self->identity = g_object_ref (identity);
  self->trust = g_object_ref (trust);
  self->certificate = pu_certificate_new (identity, error);
  if (self->certificate == NULL)
    return NULL;
  g_signal_connect (trust, "changed", G_CALLBACK (on_trust_changed), self);

  self->soup = soup_server_new ("tls-certificate",
                                pu_certificate_get_tls_certificate (self->certificate),
                                "server-header", "peerup-relay/" PU_VERSION,
                                NULL);
  soup_server_add_handler (self->soup, PU_RELAY_WEBSOCKET_PATH, websocket_cb, self, NULL);
  soup_server_add_handler (self->soup, "/healthz", health_cb, self, NULL);
  return g_steal_pointer (&self);
}

void
pu_relay_server_set_limits (PuRelayServer       *self,
                            const PuRelayLimits *limits)
{
  g_return_if_fail (PU_IS_RELAY_SERVER (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}

void
pu_relay_server_set_groups_path (PuRelayServer *self,
                                 const char    *path)
{
  g_return_if_fail (PU_IS_RELAY_SERVER (self));

  g_free (self->groups_path);
  self->groups_path = g_strdup (path);
}

/* As soup_server_listen() does, with room in the accept queue for every
 * device reconnecting at once after a relay restart: libsoup's default
 * queue of 10 drops their SYNs, and retried SYNs back off for seconds. */
static gboolean
listen_tcp (PuRelayServer       *self,
            GInetSocketAddress  *address,
            GError             **error)
{
  GSocketFamily family = g_socket_address_get_family (G_SOCKET_ADDRESS (address));
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return FALSE;
  /* [::] takes IPv4 devices too, as the STUN socket does. */
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY,
                            !g_inet_address_get_is_any (
                              g_inet_socket_address_get_address (address)),
                            error))
    return FALSE;
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  return g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error) &&
         g_socket_listen (socket, error) &&
         soup_server_listen_socket (self->soup, socket, SOUP_SERVER_LISTEN_HTTPS, error);
}

gboolean
pu_relay_server_listen (PuRelayServer       *self,
                        GInetSocketAddress  *address,
                        GError             **error)
{
  g_autoptr(GSocketAddress) local = NULL;
  GSList *listeners;

  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (self->port == 0, FALSE);

  if (!listen_tcp (self, address, error))
    {
      g_prefix_error (error, _("Could not listen on TCP port %u: "),
                      g_inet_socket_address_get_port (address));
      return FALSE;
    }
  listeners = soup_server_get_listeners (self->soup);
  g_assert (listeners != NULL);
  local = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (local == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->started_at = g_get_monotonic_time ();

  if (!listen_udp (self, address, error))
    {
      pu_relay_server_stop (self);
      return FALSE;
    }
  self->sweep = g_timeout_source_new_seconds (1);
  g_source_set_callback (self->sweep, sweep_cb, self, NULL);
  g_source_attach (self->sweep, self->context);
  return TRUE;
}

guint16
pu_relay_server_get_port (PuRelayServer *self)
{
  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), 0);

  return self->port;
}

const PuPeerId *
pu_relay_server_get_peer_id (PuRelayServer *self)
{
  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), NULL);

  return pu_identity_get_peer_id (self->identity);
}

guint
pu_relay_server_get_n_peers (PuRelayServer *self)
{
  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), 0);

  return self->n_peers;
}

guint
pu_relay_server_get_n_pairing (PuRelayServer *self)
{
  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), 0);

  return self->n_pairing;
}

guint64
pu_relay_server_get_n_dropped (PuRelayServer *self)
{
  g_return_val_if_fail (PU_IS_RELAY_SERVER (self), 0);

  return self->n_dropped;
}

void
pu_relay_server_stop (PuRelayServer *self)
{
  g_return_if_fail (PU_IS_RELAY_SERVER (self));

  if (self->sessions != NULL)
    for (guint i = 0; i < self->sessions->len; i++)
      session_close (g_ptr_array_index (self->sessions, i), PU_WEBSOCKET_CLOSE_GOING_AWAY,
                     "relay stopping");
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->udp_source != NULL)
    {
      g_source_destroy (self->udp_source);
      g_clear_pointer (&self->udp_source, g_source_unref);
    }
  if (self->sweep != NULL)
    {
      g_source_destroy (self->sweep);
      g_clear_pointer (&self->sweep, g_source_unref);
    }
  if (self->udp != NULL)
    {
      g_socket_close (self->udp, NULL);
      g_clear_object (&self->udp);
    }
}
