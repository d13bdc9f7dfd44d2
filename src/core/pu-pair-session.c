/* pu-pair-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-pair-session.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-pairing.h"
#include "pu-relay-client.h"

struct _PuPairSession
{
  GObject        parent_instance;

  PuProfile     *profile;
  PuRelayClient *relay;
  PuRelayAddr   *address;   /* inviter: its relay */
  PuInviteCode  *code;
  PuPairing     *pairing;
  char          *name;
  gint64         ttl;       /* inviter */
  gboolean       inviter;
  gboolean       short_code; /* inviter: make one; joiner: was given one */
  gboolean       connected;
  gboolean       finished;
  PuPairSessionState state;
  guint          failures;
  GError        *error;
  char          *code_text; /* inviter, once ready */
  char          *uri;
  /* after joining a relay pairing group */
  PuRelayMember *members;
  guint          n_members;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_FAILURES,
  N_PROPS
};

enum {
  SIGNAL_READY,
  SIGNAL_WRONG_CODE,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PuPairSession, pu_pair_session, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_state (PuPairSession      *self,
           PuPairSessionState  state)
{
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish (PuPairSession *self,
        const GError  *error)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_signal_handlers_disconnect_by_data (self->relay, self);
  if (self->pairing != NULL)
    g_signal_handlers_disconnect_by_data (self->pairing, self);
  pu_relay_client_stop (self->relay);
  self->error = error != NULL ? g_error_copy (error) : NULL;
  g_object_ref (self);
  set_state (self, error != NULL ? PU_PAIR_SESSION_FAILED : PU_PAIR_SESSION_DONE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error);
  g_object_unref (self);
}

static void
pairing_finished_cb (PuPairing     *pairing,
                     const GError  *error,
                     PuPairSession *self)
{
  finish (self, error);
}

static void
wrong_code_cb (PuPairing     *pairing,
               guint          failures,
               PuPairSession *self)
{
  self->failures = failures;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURES]);
  g_signal_emit (self, signals[SIGNAL_WRONG_CODE], 0, failures);
}

/* The code is complete: the PAKE can run. */
static void
start_pairing (PuPairSession *self)
{
  if (self->inviter)
    {
      self->pairing = pu_pairing_new_inviter (self->profile, self->relay, self->code,
                                              self->name);
      self->code_text = pu_invite_code_to_string (self->code);
      if (!self->short_code)
        self->uri = pu_invite_code_to_uri (self->code);
    }
  else
    {
      self->pairing = pu_pairing_new_joiner (self->profile, self->relay, self->code, self->name);
    }
  g_signal_connect (self->pairing, "finished", G_CALLBACK (pairing_finished_cb), self);
  g_signal_connect (self->pairing, "wrong-code", G_CALLBACK (wrong_code_cb), self);
  if (!self->inviter)
    {
      set_state (self, PU_PAIR_SESSION_PAIRING);
      return;
    }
  set_state (self, PU_PAIR_SESSION_WAITING);
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

static void
fail (PuPairSession *self,
      GError        *error)
{
  finish (self, error);
  g_error_free (error);
}

/* The relay's answer about the short code's number. */
static void
nameplate_cb (PuRelayClient  *relay,
              guint           number,
              const PuPeerId *inviter,
              guint64         instance,
              PuPairSession  *self)
{
  PuIdentity *identity = pu_profile_get_identity (self->profile);

  g_signal_handlers_disconnect_by_func (relay, nameplate_cb, self);
  if (self->inviter)
    {
      if (number == 0)
        {
          fail (self, g_error_new (PU_ERROR, PU_ERROR_FAILED,
                                   _("The relay has no free number for a short code; try "
                                     "again later or use the full code")));
          return;
        }
      self->code = pu_invite_code_new_short (number);
      self->code->relay = pu_relay_addr_copy (self->address);
      self->code->inviter = *pu_identity_get_peer_id (identity);
      self->code->instance = pu_relay_client_get_instance (relay);
      self->code->expires = now_seconds () + self->ttl;
    }
  else
    {
      if (inviter == NULL)
        {
          fail (self, g_error_new (PU_ERROR, PU_ERROR_PAIRING,
                                   _("Pairing failed: the relay %s has no invite %u (it "
                                     "expired, was used or tried too often, or the number is "
                                     "wrong); ask for a new code"),
                                   pu_relay_client_get_address (relay), self->code->nameplate));
          return;
        }
      if (pu_peer_id_equal (inviter, pu_identity_get_peer_id (identity)))
        {
          fail (self, g_error_new (PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                                   _("This code was made on this device; join it on the other "
                                     "device")));
          return;
        }
      self->code->inviter = *inviter;
      self->code->instance = instance;
      self->code->expires = now_seconds () + PU_PAIR_SESSION_DEFAULT_TTL_SECONDS;
      self->code->relay->peer_id = *pu_relay_client_get_peer_id (relay);
      self->code->relay->has_peer_id = TRUE;
    }
  start_pairing (self);
}

/* The relay's answer to joining its pairing group. */
static void
members_cb (PuRelayClient       *relay,
            guint                status,
            const PuRelayMember *members,
            guint                n,
            PuPairSession       *self)
{
  GError *error = NULL;

  /* Only the answer to joining, not the introductions around it. */
  if (status == PU_RELAY_MEMBERS_INTRODUCED)
    return;
  if (status != PU_RELAY_MEMBERS_JOINED)
    {
      fail (self, g_error_new (PU_ERROR, PU_ERROR_PAIRING,
                               _("Pairing failed; ask the relay's operator for a new code")));
      return;
    }
  n = MIN (n, PU_RELAY_GROUP_MAX);
  if (!pu_pairing_store_members (self->profile, self->code->relay, members, n, NULL, &error))
    {
      fail (self, error);
      return;
    }
  self->members = g_memdup2 (members, n * sizeof *members);
  self->n_members = n;
  finish (self, NULL);
}

static gboolean
is_group_code (const PuInviteCode *code)
{
  return code->kind == PU_INVITE_CODE_FULL &&
         pu_peer_id_equal (&code->inviter, &code->relay->peer_id);
}

static void
relay_connected_cb (PuRelayClient *relay,
                    PuPairSession *self)
{
  GError *error = NULL;
  gboolean sent;

  if (self->connected)
    return;
  self->connected = TRUE;
  if (!self->inviter && is_group_code (self->code))
    {
      g_autofree char *name = pu_profile_dup_device_name (self->profile);

      g_signal_connect (relay, "members", G_CALLBACK (members_cb), self);
      set_state (self, PU_PAIR_SESSION_PAIRING);
      if (!pu_relay_client_join_group (relay, self->code->secret, name, &error))
        fail (self, error);
      return;
    }
  if (!self->short_code)
    {
      if (self->inviter)
        self->code = pu_invite_code_new_full (self->address,
                                              pu_identity_get_peer_id (
                                                pu_profile_get_identity (self->profile)),
                                              pu_relay_client_get_instance (relay),
                                              now_seconds () + self->ttl,
                                              pu_config_get_network (
                                                pu_profile_get_config (self->profile)));
      start_pairing (self);
      return;
    }
  g_signal_connect (relay, "nameplate", G_CALLBACK (nameplate_cb), self);
  sent = self->inviter ? pu_relay_client_claim_nameplate (relay, (guint) self->ttl, &error)
                       : pu_relay_client_open_nameplate (relay, self->code->nameplate, &error);
  if (!sent)
    fail (self, error);
}

/* Before the first connection a failure ends the pairing; afterwards the
 * client reconnects by itself. */
static void
relay_disconnected_cb (PuRelayClient *relay,
                       const GError  *error,
                       PuPairSession *self)
{
  g_autoptr(GError) failure = NULL;

  if (self->connected || error == NULL)
    return;
  failure = g_error_new (PU_ERROR, PU_ERROR_FAILED, _("Could not reach the relay %s: %s"),
                         pu_relay_client_get_address (relay), error->message);
  finish (self, failure);
}

static PuPairSession *
session_new (PuProfile  *profile,
             const char *name,
             GError    **error)
{
  PuPairSession *self;

  if (name != NULL && name[0] != '\0' && !pu_label_validate (name, _("peer name"), error))
    return NULL;
  self = g_object_new (PU_TYPE_PAIR_SESSION, NULL);
  self->profile = g_object_ref (profile);
  self->name = name != NULL && name[0] != '\0' ? g_strdup (name) : NULL;
  return self;
}

static void
start (PuPairSession *self)
{
  g_signal_connect (self->relay, "connected", G_CALLBACK (relay_connected_cb), self);
  g_signal_connect (self->relay, "disconnected", G_CALLBACK (relay_disconnected_cb), self);
  pu_relay_client_start (self->relay);
}

PuPairSession *
pu_pair_session_invite (PuProfile   *profile,
                        const char  *name,
                        gint64       ttl,
                        gboolean     short_code,
                        GError     **error)
{
  g_autoptr(PuPairSession) self = NULL;
  GPtrArray *relays;
  const PuRelayAddr *address = NULL;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);

  if (ttl < 1 || ttl > PU_PAIR_SESSION_MAX_TTL_SECONDS)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("A code works for 1 second to 24 hours, not %" G_GINT64_FORMAT " seconds"),
                   ttl);
      return NULL;
    }
  relays = pu_config_get_relays (pu_profile_get_config (profile));
  for (guint i = 0; i < relays->len && address == NULL; i++)
    if (((PuRelayAddr *) relays->pdata[i])->has_peer_id)
      address = relays->pdata[i];
  if (address == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("Pairing goes through a relay pinned to its peer ID: add one with "
                     "`peerup relay add ADDR --peer-id ID`"));
      return NULL;
    }

  self = session_new (profile, name, error);
  if (self == NULL)
    return NULL;
  self->inviter = TRUE;
  self->short_code = short_code;
  self->ttl = ttl;
  self->address = pu_relay_addr_copy (address);
  self->relay = pu_relay_client_new (pu_profile_get_identity (profile), address, FALSE, error);
  if (self->relay == NULL)
    return NULL;
  start (self);
  return g_steal_pointer (&self);
}

PuRelayAddr *
pu_pair_session_short_code_relay (PuConfig           *config,
                                  const PuRelayAddr  *given,
                                  GError            **error)
{
  GPtrArray *relays = pu_config_get_relays (config);
  g_autoptr(PuRelayAddr) chosen = NULL;

  if (given == NULL && relays->len == 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("A short code needs the inviting device's relay: give it with "
                     "--relay ADDR"));
      return NULL;
    }
  chosen = pu_relay_addr_copy (given != NULL ? given : relays->pdata[0]);
  for (guint i = 0; i < relays->len; i++)
    {
      const PuRelayAddr *known = relays->pdata[i];

      if (!known->has_peer_id || !pu_relay_addr_equal (known, chosen))
        continue;
      if (chosen->has_peer_id && !pu_peer_id_equal (&chosen->peer_id, &known->peer_id))
        {
          g_autofree char *text = pu_relay_addr_to_string (known);

          g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                       _("--relay: the relay %s is pinned here to another peer ID; check the "
                         "address"), text);
          return NULL;
        }
      chosen->peer_id = known->peer_id;
      chosen->has_peer_id = TRUE;
    }
  return g_steal_pointer (&chosen);
}

PuPairSession *
pu_pair_session_join (PuProfile          *profile,
                      const char         *code,
                      const char         *name,
                      const PuRelayAddr  *relay,
                      GError            **error)
{
  g_autoptr(PuPairSession) self = NULL;
  PuIdentity *identity;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  self = session_new (profile, name, error);
  if (self == NULL)
    return NULL;
  self->code = pu_invite_code_parse (code, error);
  if (self->code == NULL || !pu_invite_code_check_expiry (self->code, now_seconds (), error))
    return NULL;
  identity = pu_profile_get_identity (profile);
  self->short_code = self->code->kind == PU_INVITE_CODE_SHORT;
  if (self->short_code)
    {
      self->code->relay = pu_pair_session_short_code_relay (pu_profile_get_config (profile),
                                                            relay, error);
      if (self->code->relay == NULL)
        return NULL;
    }
  else if (relay != NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("A full code names its relay; give a relay with short codes only"));
      return NULL;
    }
  else if (pu_peer_id_equal (&self->code->inviter, pu_identity_get_peer_id (identity)))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("This code was made on this device; join it on the other device"));
      return NULL;
    }
  /* A device the relay does not know yet may still pair through it. */
  self->relay = pu_relay_client_new_for_pairing (identity, self->code->relay, error);
  if (self->relay == NULL)
    return NULL;
  start (self);
  return g_steal_pointer (&self);
}

PuProfile *
pu_pair_session_get_profile (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->profile;
}

PuPairSessionState
pu_pair_session_get_state (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), PU_PAIR_SESSION_FAILED);

  return self->state;
}

const PuInviteCode *
pu_pair_session_get_invite_code (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->inviter ? self->code : NULL;
}

guint
pu_pair_session_get_failures (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), 0);

  return self->failures;
}

const GError *
pu_pair_session_get_error (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->error;
}

const PuRelayMember *
pu_pair_session_get_members (PuPairSession *self,
                             guint         *n)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);
  g_return_val_if_fail (n != NULL, NULL);

  *n = self->n_members;
  return self->members;
}

gboolean
pu_pair_session_is_inviter (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), FALSE);

  return self->inviter;
}

const PuRelayAddr *
pu_pair_session_get_relay (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->inviter ? self->address : self->code->relay;
}

const char *
pu_pair_session_get_code (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->code_text;
}

const char *
pu_pair_session_get_uri (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  return self->uri;
}

const PuPeerId *
pu_pair_session_get_peer (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  if (self->state != PU_PAIR_SESSION_DONE || self->pairing == NULL)
    return NULL;
  return pu_pairing_get_peer (self->pairing);
}

const char *
pu_pair_session_get_name (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), NULL);

  if (self->state != PU_PAIR_SESSION_DONE || self->pairing == NULL)
    return NULL;
  return pu_pairing_get_name (self->pairing);
}

gint
pu_pair_session_get_sponsor_status (PuPairSession *self)
{
  g_return_val_if_fail (PU_IS_PAIR_SESSION (self), -1);

  if (!self->finished || !self->inviter || self->pairing == NULL)
    return -1;
  return pu_pairing_get_sponsor_status (self->pairing);
}

void
pu_pair_session_cancel (PuPairSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PU_IS_PAIR_SESSION (self));

  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Pairing cancelled"));
  finish (self, error);
}

static void
pu_pair_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PuPairSession *self = PU_PAIR_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_FAILURES:
      g_value_set_uint (value, self->failures);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_pair_session_dispose (GObject *object)
{
  PuPairSession *self = PU_PAIR_SESSION (object);

  if (self->relay != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->relay, self);
      pu_relay_client_stop (self->relay);
    }
  if (self->pairing != NULL)
    g_signal_handlers_disconnect_by_data (self->pairing, self);
  g_clear_object (&self->pairing);
  g_clear_object (&self->relay);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (pu_pair_session_parent_class)->dispose (object);
}

static void
pu_pair_session_finalize (GObject *object)
{
  PuPairSession *self = PU_PAIR_SESSION (object);

  g_clear_pointer (&self->code, pu_invite_code_free);
  g_clear_pointer (&self->address, pu_relay_addr_free);
  g_clear_error (&self->error);
  g_free (self->members);
  g_free (self->name);
  g_free (self->code_text);
  g_free (self->uri);

  G_OBJECT_CLASS (pu_pair_session_parent_class)->finalize (object);
}

static void
pu_pair_session_class_init (PuPairSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pu_pair_session_get_property;
  object_class->dispose = pu_pair_session_dispose;
  object_class->finalize = pu_pair_session_finalize;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, PU_PAIR_SESSION_FAILED,
                       PU_PAIR_SESSION_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURES] =
    g_param_spec_uint ("failures", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_WRONG_CODE] =
    g_signal_new ("wrong-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
pu_pair_session_init (PuPairSession *self)
{
}
