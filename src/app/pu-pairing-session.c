/* pu-pairing-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-pairing-session.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-pair-session.h"
#include "pu-pairing.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"

struct _PuPairingSession
{
  GObject parent_instance;

  PuProfile *profile;
  PuPairSession *core;   /* the core's pairing session; NULL for a group code */
  gboolean inviter;
  PuInviteCode *code;
  PuRelayClient *relay;  /* a group code's relay */
  PuPairingSessionState state;
  GError *error;
  PuPeerId peer;
  char *name;
  guint failures;
};

G_DEFINE_FINAL_TYPE (PuPairingSession, pu_pairing_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FAILURES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
stop_relay (PuPairingSession *self)
{
  if (self->core != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->core, self);
      pu_pair_session_cancel (self->core);
    }
  g_clear_object (&self->core);
  if (self->relay != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->relay, self);
      pu_relay_client_stop (self->relay);
    }
  g_clear_object (&self->relay);
}

static void
set_state (PuPairingSession      *self,
           PuPairingSessionState  state)
{
  if (state == PU_PAIRING_SESSION_DONE || state == PU_PAIRING_SESSION_FAILED)
    stop_relay (self);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Ends the session with @error (taken). */
static void
fail (PuPairingSession *self,
      GError           *error)
{
  if (self->state == PU_PAIRING_SESSION_DONE || self->state == PU_PAIRING_SESSION_FAILED)
    {
      g_error_free (error);
      return;
    }
  g_clear_error (&self->error);
  self->error = error;
  set_state (self, PU_PAIRING_SESSION_FAILED);
}

static void
wrong_code_cb (GObject          *pairing,
               guint             failures,
               PuPairingSession *self)
{
  self->failures = failures;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURES]);
}

static void
members_cb (PuRelayClient       *relay,
            guint                status,
            const PuRelayMember *members,
            guint                n,
            PuPairingSession    *self)
{
  g_autoptr(GError) error = NULL;

  /* Only the answer to joining, not the introductions around it. */
  if (status == PU_RELAY_MEMBERS_INTRODUCED)
    return;
  if (status != PU_RELAY_MEMBERS_JOINED)
    {
      fail (self, g_error_new (PU_ERROR, PU_ERROR_PAIRING,
                               _("Pairing failed; ask the relay's operator for a new code")));
      return;
    }
  if (!pu_pairing_store_members (self->profile, self->code->relay, members,
                                 MIN (n, PU_RELAY_GROUP_MAX), NULL, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  set_state (self, PU_PAIRING_SESSION_DONE);
}

static void
connected_cb (PuRelayClient    *relay,
              PuPairingSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  /* Only the first connection counts. */
  if (self->state != PU_PAIRING_SESSION_CONNECTING)
    return;
  name = pu_profile_dup_device_name (self->profile);
  g_signal_connect (relay, "members", G_CALLBACK (members_cb), self);
  if (!pu_relay_client_join_group (relay, self->code->secret, name, &error))
    fail (self, g_steal_pointer (&error));
}

/* Before the first connection, a failure to reach the relay ends the
 * session; afterwards the client reconnects by itself. */
static void
disconnected_cb (PuRelayClient    *relay,
                 const GError     *error,
                 PuPairingSession *self)
{
  g_autofree char *text = NULL;

  if (self->state != PU_PAIRING_SESSION_CONNECTING || error == NULL)
    return;
  text = pu_relay_addr_to_string (self->code->relay);
  fail (self, g_error_new (PU_ERROR, PU_ERROR_IO, _("Could not reach the relay %s: %s"), text,
                           error->message));
}

static void
core_ready_cb (PuPairSession    *core,
               PuPairingSession *self)
{
  g_autoptr(GError) error = NULL;

  self->code = pu_invite_code_parse (pu_pair_session_get_code (core), &error);
  if (self->code == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  /* A short code holds neither: its relay is the session's, and it expires
   * there as long as a full one works. */
  if (self->code->kind == PU_INVITE_CODE_SHORT)
    {
      self->code->relay = pu_relay_addr_copy (pu_pair_session_get_relay (core));
      self->code->expires = now_seconds () + PU_PAIRING_SESSION_TTL_SECONDS;
    }
  set_state (self, PU_PAIRING_SESSION_WAITING);
}

static void
core_finished_cb (PuPairSession    *core,
                  const GError     *error,
                  PuPairingSession *self)
{
  if (error != NULL)
    {
      fail (self, g_error_copy (error));
      return;
    }
  self->peer = *pu_pair_session_get_peer (core);
  self->name = g_strdup (pu_pair_session_get_name (core));
  set_state (self, PU_PAIRING_SESSION_DONE);
}

/* Follows @core (taken), or fails with @error when there is none. */
static void
use_core (PuPairingSession *self,
          PuPairSession    *core,
          GError           *error)
{
  if (core == NULL)
    {
      fail (self, error);
      return;
    }
  self->core = core;
  g_signal_connect (core, "ready", G_CALLBACK (core_ready_cb), self);
  g_signal_connect (core, "wrong-code", G_CALLBACK (wrong_code_cb), self);
  g_signal_connect (core, "finished", G_CALLBACK (core_finished_cb), self);
  if (!self->inviter)
    set_state (self, PU_PAIRING_SESSION_PAIRING);
}

static void
start (PuPairingSession *self)
{
  g_autoptr(GError) error = NULL;
  PuIdentity *identity = pu_profile_get_identity (self->profile);

  /* A joiner the relay does not know yet may still pair through it. */
  self->relay = pu_relay_client_new_for_pairing (identity, self->code->relay, &error);
  if (self->relay == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  g_signal_connect (self->relay, "connected", G_CALLBACK (connected_cb), self);
  g_signal_connect (self->relay, "disconnected", G_CALLBACK (disconnected_cb), self);
  pu_relay_client_start (self->relay);
}

static PuPairingSession *
session_new (PuProfile *profile,
             gboolean   inviter)
{
  PuPairingSession *self = g_object_new (PU_TYPE_PAIRING_SESSION, NULL);

  self->profile = g_object_ref (profile);
  self->inviter = inviter;
  return self;
}

PuPairingSession *
pu_pairing_session_new_invite (PuProfile *profile,
                               gboolean   short_code)
{
  PuPairingSession *self;
  GError *error = NULL;
  PuPairSession *core;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);

  self = session_new (profile, TRUE);
  core = pu_pair_session_invite (profile, NULL, PU_PAIRING_SESSION_TTL_SECONDS, short_code,
                                 &error);
  use_core (self, core, error);
  return self;
}

PuPairingSession *
pu_pairing_session_new_join (PuProfile          *profile,
                             const PuInviteCode *code)
{
  PuPairingSession *self;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  self = session_new (profile, FALSE);
  self->code = pu_invite_code_copy (code);
  /* A relay group's code: the relay itself invites. */
  if (code->kind == PU_INVITE_CODE_FULL &&
      pu_peer_id_equal (&code->inviter, &code->relay->peer_id))
    {
      start (self);
      return self;
    }
  {
    GError *error = NULL;
    g_autofree char *text = pu_invite_code_to_string (code);
    PuPairSession *core = pu_pair_session_join (profile, text, NULL, NULL, &error);

    use_core (self, core, error);
  }
  return self;
}

PuProfile *
pu_pairing_session_get_profile (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), NULL);

  return self->profile;
}

PuPairingSessionState
pu_pairing_session_get_state (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), PU_PAIRING_SESSION_FAILED);

  return self->state;
}

const PuInviteCode *
pu_pairing_session_get_code (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), NULL);

  return self->state == PU_PAIRING_SESSION_WAITING ? self->code : NULL;
}

const GError *
pu_pairing_session_get_error (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), NULL);

  return self->error;
}

const PuPeerId *
pu_pairing_session_get_peer (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), NULL);

  return self->name != NULL ? &self->peer : NULL;
}

const char *
pu_pairing_session_get_name (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), NULL);

  return self->name;
}

guint
pu_pairing_session_get_failures (PuPairingSession *self)
{
  g_return_val_if_fail (PU_IS_PAIRING_SESSION (self), 0);

  return self->failures;
}

void
pu_pairing_session_cancel (PuPairingSession *self)
{
  g_return_if_fail (PU_IS_PAIRING_SESSION (self));

  fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Pairing cancelled")));
}

static void
pu_pairing_session_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PuPairingSession *self = PU_PAIRING_SESSION (object);

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
pu_pairing_session_dispose (GObject *object)
{
  stop_relay (PU_PAIRING_SESSION (object));

  G_OBJECT_CLASS (pu_pairing_session_parent_class)->dispose (object);
}

static void
pu_pairing_session_finalize (GObject *object)
{
  PuPairingSession *self = PU_PAIRING_SESSION (object);

  g_clear_object (&self->profile);
  g_clear_pointer (&self->code, pu_invite_code_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (pu_pairing_session_parent_class)->finalize (object);
}

static void
pu_pairing_session_class_init (PuPairingSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pu_pairing_session_get_property;
  object_class->dispose = pu_pairing_session_dispose;
  object_class->finalize = pu_pairing_session_finalize;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, PU_PAIRING_SESSION_FAILED,
                       PU_PAIRING_SESSION_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURES] =
    g_param_spec_uint ("failures", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pu_pairing_session_init (PuPairingSession *self)
{
}
