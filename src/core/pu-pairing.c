/* pu-pairing.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-pairing.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-pair-message.h"
#include "pu-pake.h"

/* name-2 … name-99 */
#define NAME_SUFFIX_MAX 99

struct _PuPairing
{
  GObject        parent_instance;

  PuProfile     *profile;
  PuRelayClient *relay;
  PuInviteCode  *code;
  PuPakeRole     role;
  char          *name_override;
  gulong         signal_id;
  gulong         connected_id;
  gulong         sponsored_id;
  gulong         absent_id;
  guint          timeout_id;
  guint          expiry_id;

  /* The attempt in progress. */
  PuPake        *pake;
  PuPeerId       peer;
  guint64        instance;
  guint64        attempt;
  gboolean       stored;
  guint          failures;
  /* Inviter: waiting for the relay's answer before WELCOME, and the answer. */
  gboolean       sponsoring;
  gint           sponsor_status;

  char          *name;
  gboolean       finished;
};

enum {
  SIGNAL_WRONG_CODE,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PuPairing, pu_pairing, G_TYPE_OBJECT)

static void
stop_listening (PuPairing *self)
{
  g_clear_signal_handler (&self->signal_id, self->relay);
  g_clear_signal_handler (&self->connected_id, self->relay);
  g_clear_signal_handler (&self->sponsored_id, self->relay);
  g_clear_signal_handler (&self->absent_id, self->relay);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
}

static void
pu_pairing_dispose (GObject *object)
{
  PuPairing *self = PU_PAIRING (object);

  if (self->relay != NULL)
    stop_listening (self);
  g_clear_object (&self->pake);
  g_clear_object (&self->relay);
  g_clear_object (&self->profile);
  G_OBJECT_CLASS (pu_pairing_parent_class)->dispose (object);
}

static void
pu_pairing_finalize (GObject *object)
{
  PuPairing *self = PU_PAIRING (object);

  g_clear_pointer (&self->code, pu_invite_code_free);
  g_free (self->name_override);
  g_free (self->name);
  G_OBJECT_CLASS (pu_pairing_parent_class)->finalize (object);
}

static void
pu_pairing_class_init (PuPairingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_pairing_dispose;
  object_class->finalize = pu_pairing_finalize;

  signals[SIGNAL_WRONG_CODE] =
    g_signal_new ("wrong-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pu_pairing_init (PuPairing *self)
{
  self->sponsor_status = -1;
}

/* Ends the pairing: no more messages are handled. */
static void
finish (PuPairing    *self,
        const GError *error)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  stop_listening (self);
  /* A handler may drop the last reference of its own. */
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error);
  g_object_unref (self);
}

static void
finish_error (PuPairing  *self,
              int         code,
              const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (PU_ERROR, code, message);

  finish (self, error);
}

static void
send_message (PuPairing         *self,
              PuPairMessageType  type,
              const PuPeerId    *peer,
              guint64            instance,
              guint64            attempt,
              GBytes            *body)
{
  g_autoptr(GBytes) msg = pu_pair_message_encode (type, attempt,
                                                  body != NULL ? g_bytes_get_data (body, NULL)
                                                               : NULL,
                                                  body != NULL ? g_bytes_get_size (body) : 0);
  g_autoptr(GError) error = NULL;

  /* A message lost here shows up as the other side's timeout. */
  if (!pu_relay_client_send_signal (self->relay, peer, instance, g_bytes_get_data (msg, NULL),
                                    g_bytes_get_size (msg), &error))
    g_message ("Could not send a pairing message: %s", error->message);
}

static gboolean
timeout_cb (gpointer user_data);

static void
arm_timeout (PuPairing *self,
             guint      seconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add_seconds (seconds, timeout_cb, self);
}

/* The name the peer gets here: @wanted, or the first of wanted-2, wanted-3…
 * that is free or already names the peer. */
static char *
pick_name (PuConfig       *config,
           const PuPeerId *peer,
           const char     *wanted)
{
  g_autofree char *id = pu_peer_id_to_string (peer);

  for (guint n = 1; n <= NAME_SUFFIX_MAX; n++)
    {
      g_autofree char *suffix = n == 1 ? g_strdup ("") : g_strdup_printf ("-%u", n);
      g_autofree char *base = g_strndup (wanted, PU_LABEL_MAX_LEN - strlen (suffix));
      g_autofree char *name = NULL;
      const char *taken;

      /* A cut must not leave a '-' before the suffix. */
      while (strlen (base) > 1 && base[strlen (base) - 1] == '-')
        base[strlen (base) - 1] = '\0';
      name = g_strconcat (base, suffix, NULL);
      taken = pu_config_lookup_name (config, name);
      if (taken == NULL || g_str_equal (taken, id))
        return g_steal_pointer (&name);
    }
  return NULL;
}

/* Adds @relay to @config unless a relay at its address is there. */
static gboolean
learn_relay (PuConfig           *config,
             const PuRelayAddr  *relay,
             GError            **error)
{
  GPtrArray *relays = pu_config_get_relays (config);

  for (guint i = 0; i < relays->len; i++)
    if (pu_relay_addr_equal (g_ptr_array_index (relays, i), relay))
      return TRUE;
  return pu_config_add_relay (config, relay, error);
}

/* Authorizes @peer here and names it @wanted, or the first free
 * wanted-2, …; the name, or NULL. The caller saves the config. */
static char *
authorize_named (PuProfile       *profile,
                 const PuPeerId  *peer,
                 const char      *wanted,
                 GError         **error)
{
  PuConfig *config = pu_profile_get_config (profile);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = pick_name (config, peer, wanted);

  if (name == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("Too many peers are named %s-…; pair again with --name NAME"), wanted);
      return NULL;
    }
  if (!pu_trust_store_add (pu_profile_get_trust_store (profile), peer, name, 0, &local_error) &&
      !g_error_matches (local_error, PU_ERROR, PU_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!pu_config_set_name (config, name, peer, error))
    return NULL;
  return g_steal_pointer (&name);
}

/* Whether the other device's sealed relays include @relay_id: a short code
 * carries no relay, so the key the joiner's relay presented is pinned only
 * when the inviter names it. */
static gboolean
relay_vouched (GPtrArray      *relays,
               const PuPeerId *relay_id)
{
  for (guint i = 0; i < relays->len; i++)
    if (pu_peer_id_equal (&((PuRelayAddr *) g_ptr_array_index (relays, i))->peer_id, relay_id))
      return TRUE;
  return FALSE;
}

/* Authorizes and names the peer here and adds the relays it uses (the
 * joiner also the code's). */
static gboolean
store_peer (PuPairing   *self,
            const char  *announced,
            GPtrArray   *peer_relays,
            GError     **error)
{
  PuConfig *config = pu_profile_get_config (self->profile);
  const char *wanted = self->name_override != NULL ? self->name_override : announced;
  g_autofree char *name = NULL;

  if (self->role == PU_PAKE_ROLE_JOINER && self->code->kind == PU_INVITE_CODE_SHORT &&
      !relay_vouched (peer_relays, &self->code->relay->peer_id))
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PAIRING,
                           _("The relay is not one the inviting device uses, so this device "
                             "cannot trust it; pair with the full code instead"));
      return FALSE;
    }
  name = authorize_named (self->profile, &self->peer, wanted, error);
  if (name == NULL)
    return FALSE;
  if (self->role == PU_PAKE_ROLE_JOINER && !learn_relay (config, self->code->relay, error))
    return FALSE;
  for (guint i = 0; i < peer_relays->len; i++)
    if (!learn_relay (config, g_ptr_array_index (peer_relays, i), error))
      return FALSE;
  if (!pu_config_save (config, error))
    return FALSE;

  self->name = g_steal_pointer (&name);
  self->stored = TRUE;
  return TRUE;
}

static GBytes *
own_payload (PuPairing *self)
{
  g_autofree char *name = pu_profile_dup_device_name (self->profile);
  g_autoptr(GBytes) plain = NULL;
  PuConfig *config = pu_profile_get_config (self->profile);
  const PuPeerId *id = pu_identity_get_peer_id (pu_profile_get_identity (self->profile));

  plain = pu_pair_payload_encode (id, name, pu_config_get_relays (config));
  return pu_pake_seal (self->pake, plain);
}

/* Opens the other side's payload, checks it names the peer the relay
 * authenticated, and stores the pairing. */
static gboolean
accept_payload (PuPairing     *self,
                const guint8  *data,
                gsize          len,
                GError       **error)
{
  g_autoptr(GBytes) sealed = g_bytes_new (data, len);
  g_autoptr(GBytes) plain = pu_pake_open (self->pake, sealed, error);
  g_autofree char *announced = NULL;
  g_autoptr(GPtrArray) relays = NULL;
  PuPeerId claimed;

  if (plain == NULL || !pu_pair_payload_decode (plain, &claimed, &announced, &relays, error))
    return FALSE;
  if (!pu_peer_id_equal (&claimed, &self->peer))
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PAIRING,
                           _("The other device sent another peer ID than its own; pair again"));
      return FALSE;
    }
  return store_peer (self, announced, relays, error);
}

static GError *
mismatch_error (void)
{
  return g_error_new_literal (PU_ERROR, PU_ERROR_PAIRING,
                              _("The code did not match; check it with the other device and "
                                "try again"));
}

/* Inviter: the attempt in progress did not confirm. */
static void
attempt_failed (PuPairing *self)
{
  g_clear_object (&self->pake);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->failures++;
  g_signal_emit (self, signals[SIGNAL_WRONG_CODE], 0, self->failures);
  if (self->failures >= PU_PAIRING_MAX_FAILURES)
    finish_error (self, PU_ERROR_PAIRING,
                  _("The code was tried wrongly 3 times and no longer works; make a new one "
                    "with `peerup invite`"));
}

/* Inviter: the last message of the exchange. */
static void
send_welcome (PuPairing *self)
{
  g_autoptr(GBytes) welcome = own_payload (self);

  self->sponsoring = FALSE;
  g_clear_signal_handler (&self->sponsored_id, self->relay);
  send_message (self, PU_PAIR_WELCOME, &self->peer, self->instance, self->attempt, welcome);
  arm_timeout (self, PU_PAIRING_DONE_SECONDS);
}

static void
relay_sponsored_cb (PuRelayClient  *relay,
                    const PuPeerId *joiner,
                    guint           status,
                    PuPairing      *self)
{
  if (!self->sponsoring || !pu_peer_id_equal (joiner, &self->peer))
    return;
  self->sponsor_status = (gint) status;
  send_welcome (self);
}

/* Inviter: asks the relay to authorize the joiner, so that it can use the
 * relay once it has the WELCOME. */
static void
sponsor_joiner (PuPairing *self)
{
  g_autoptr(GError) error = NULL;

  self->sponsoring = TRUE;
  self->sponsored_id = g_signal_connect (self->relay, "sponsored",
                                         G_CALLBACK (relay_sponsored_cb), self);
  if (!pu_relay_client_sponsor (self->relay, &self->peer, &error))
    {
      g_message ("Could not ask the relay to authorize the other device: %s", error->message);
      send_welcome (self);
      return;
    }
  arm_timeout (self, PU_PAIRING_DONE_SECONDS);
}

static gboolean
timeout_cb (gpointer user_data)
{
  PuPairing *self = user_data;

  self->timeout_id = 0;
  if (self->role == PU_PAKE_ROLE_INVITER)
    {
      if (self->sponsoring)
        send_welcome (self);  /* the relay did not answer: pairing goes on */
      else if (self->stored)
        finish (self, NULL);  /* the joiner's DONE got lost: it was told */
      else
        attempt_failed (self);
    }
  else
    {
      finish_error (self, PU_ERROR_PAIRING,
                    _("The inviting device did not answer; check that `peerup invite` still "
                      "runs there and that this is its latest code"));
    }
  return G_SOURCE_REMOVE;
}

static gboolean
expiry_cb (gpointer user_data)
{
  PuPairing *self = user_data;

  self->expiry_id = 0;
  if (!self->stored)
    finish_error (self, PU_ERROR_PAIRING,
                  _("The invite code expired; make a new one with `peerup invite`"));
  return G_SOURCE_REMOVE;
}

static void
inviter_handle (PuPairing           *self,
                const PuPeerId      *peer,
                guint64              instance,
                const PuPairMessage *msg)
{
  g_autoptr(GError) error = NULL;
  guint8 closed = PU_PAIR_FAIL_CLOSED;
  guint8 busy = PU_PAIR_FAIL_BUSY;
  gboolean same = self->pake != NULL && pu_peer_id_equal (peer, &self->peer) &&
                  instance == self->instance && msg->attempt == self->attempt;

  switch (msg->type)
    {
    case PU_PAIR_HELLO:
      {
        g_autoptr(GBytes) body = NULL;
        g_autoptr(GBytes) msg1 = NULL;
        g_autoptr(GBytes) msg2 = NULL;
        const PuPeerId *self_id = pu_identity_get_peer_id (
          pu_profile_get_identity (self->profile));

        if (self->stored)
          {
            body = g_bytes_new (&closed, 1);
            send_message (self, PU_PAIR_FAIL, peer, instance, msg->attempt, body);
            return;
          }
        if (self->pake != NULL)
          {
            body = g_bytes_new (&busy, 1);
            send_message (self, PU_PAIR_FAIL, peer, instance, msg->attempt, body);
            return;
          }
        if (pu_peer_id_equal (peer, self_id))
          return;

        self->peer = *peer;
        self->instance = instance;
        self->attempt = msg->attempt;
        self->pake = pu_pake_new (PU_PAKE_ROLE_INVITER, self->code->secret,
                                  self->code->secret_len, self_id, peer);
        msg1 = g_bytes_new (msg->body, msg->body_len);
        msg2 = pu_pake_inviter_respond (self->pake, msg1, &error);
        if (msg2 == NULL)
          {
            g_message ("Ignored a pairing attempt: %s", error->message);
            g_clear_object (&self->pake);
            return;
          }
        send_message (self, PU_PAIR_REPLY, peer, instance, msg->attempt, msg2);
        arm_timeout (self, PU_PAIRING_REPLY_SECONDS);
      }
      break;

    case PU_PAIR_CONFIRM:
      {
        g_autoptr(GBytes) msg3 = NULL;

        if (!same || pu_pake_is_confirmed (self->pake))
          return;
        msg3 = g_bytes_new (msg->body, PU_PAKE_MSG3_LEN);
        if (!pu_pake_inviter_finish (self->pake, msg3, &error))
          {
            attempt_failed (self);
            return;
          }
        if (msg->body_len == PU_PAKE_MSG3_LEN ||
            !accept_payload (self, msg->body + PU_PAKE_MSG3_LEN,
                             msg->body_len - PU_PAKE_MSG3_LEN, &error))
          {
            if (error == NULL)
              error = mismatch_error ();
            finish (self, error);
            return;
          }
        sponsor_joiner (self);
      }
      break;

    case PU_PAIR_DONE:
      if (same && self->stored)
        finish (self, NULL);
      break;

    default:
      break;
    }
}

static void
joiner_handle (PuPairing           *self,
               const PuPairMessage *msg)
{
  g_autoptr(GError) error = NULL;

  if (self->pake == NULL || msg->attempt != self->attempt)
    return;

  switch (msg->type)
    {
    case PU_PAIR_REPLY:
      {
        g_autoptr(GBytes) msg2 = g_bytes_new (msg->body, msg->body_len);
        g_autoptr(GBytes) msg3 = NULL;
        g_autoptr(GByteArray) body = g_byte_array_new ();
        g_autoptr(GBytes) body_bytes = NULL;
        gboolean confirmed = FALSE;

        if (pu_pake_is_confirmed (self->pake))
          return;
        msg3 = pu_pake_joiner_finish (self->pake, msg2, &confirmed, &error);
        if (msg3 == NULL)
          {
            finish (self, error);
            return;
          }
        g_byte_array_append (body, g_bytes_get_data (msg3, NULL), g_bytes_get_size (msg3));
        if (confirmed)
          {
            g_autoptr(GBytes) sealed = own_payload (self);

            g_byte_array_append (body, g_bytes_get_data (sealed, NULL),
                                 g_bytes_get_size (sealed));
          }
        body_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&body));
        /* Also when our check failed: so the inviter finds out too. */
        send_message (self, PU_PAIR_CONFIRM, &self->peer, self->instance, self->attempt,
                      body_bytes);
        if (!confirmed)
          finish (self, error);
        else
          arm_timeout (self, PU_PAIRING_REPLY_SECONDS);
      }
      break;

    case PU_PAIR_WELCOME:
      if (!pu_pake_is_confirmed (self->pake) || self->stored)
        return;
      if (!accept_payload (self, msg->body, msg->body_len, &error))
        {
          finish (self, error);
          return;
        }
      send_message (self, PU_PAIR_DONE, &self->peer, self->instance, self->attempt, NULL);
      finish (self, NULL);
      break;

    case PU_PAIR_FAIL:
      if (msg->reason == PU_PAIR_FAIL_BUSY)
        finish_error (self, PU_ERROR_PAIRING,
                      _("The inviting device is pairing with another device; try again in a "
                        "moment"));
      else
        finish_error (self, PU_ERROR_PAIRING,
                      _("The invite code was used or has expired; ask for a new one"));
      break;

    default:
      break;
    }
}

static void
relay_signal_cb (PuRelayClient  *relay,
                 const PuPeerId *peer,
                 guint64         instance,
                 GBytes         *payload,
                 PuPairing      *self)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);
  PuPairMessage msg;

  if (self->finished || !pu_pair_message_is_pairing (data, len))
    return;
  if (!pu_pair_message_decode (data, len, &msg, &error))
    {
      g_message ("Ignored a pairing message: %s", error->message);
      return;
    }

  if (self->role == PU_PAKE_ROLE_INVITER)
    inviter_handle (self, peer, instance, &msg);
  else if (pu_peer_id_equal (peer, &self->peer))
    joiner_handle (self, &msg);
}

/* Joiner: the relay is there, say hello (once). */
static void
relay_connected_cb (PuRelayClient *relay,
                    PuPairing     *self)
{
  g_autoptr(GBytes) msg1 = NULL;

  if (self->pake != NULL)
    return;
  randombytes_buf (&self->attempt, sizeof self->attempt);
  self->pake = pu_pake_new (PU_PAKE_ROLE_JOINER, self->code->secret, self->code->secret_len,
                            &self->code->inviter,
                            pu_identity_get_peer_id (pu_profile_get_identity (self->profile)));
  msg1 = pu_pake_joiner_start (self->pake);
  send_message (self, PU_PAIR_HELLO, &self->peer, self->instance, self->attempt, msg1);
  arm_timeout (self, PU_PAIRING_REPLY_SECONDS);
}

/* Joiner: the relay has nobody to give this device's messages to. */
static void
relay_absent_cb (PuRelayClient  *relay,
                 const PuPeerId *peer,
                 guint64         instance,
                 PuPairing      *self)
{
  if (self->finished || self->stored || !pu_peer_id_equal (peer, &self->peer))
    return;
  finish_error (self, PU_ERROR_PAIRING,
                _("Pairing failed: the inviting device is no longer waiting for this code (it "
                  "was used or expired, or `peerup invite` stopped there); ask for a new code"));
}

static PuPairing *
pairing_new (PuPakeRole          role,
             PuProfile          *profile,
             PuRelayClient      *relay,
             const PuInviteCode *code,
             const char         *name)
{
  PuPairing *self;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (PU_IS_RELAY_CLIENT (relay), NULL);
  g_return_val_if_fail (code != NULL && code->relay != NULL && code->relay->has_peer_id, NULL);
  g_return_val_if_fail (name == NULL || pu_label_is_valid (name, -1), NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised; Peer Up cannot pair");

  self = g_object_new (PU_TYPE_PAIRING, NULL);
  self->role = role;
  self->profile = g_object_ref (profile);
  self->relay = g_object_ref (relay);
  self->code = pu_invite_code_copy (code);
  self->name_override = g_strdup (name);
  self->signal_id = g_signal_connect (relay, "signal", G_CALLBACK (relay_signal_cb), self);
  self->expiry_id = g_timeout_add_seconds ((guint) CLAMP (code->expires - now, 0, G_MAXINT),
                                           expiry_cb, self);
  return self;
}

PuPairing *
pu_pairing_new_inviter (PuProfile          *profile,
                        PuRelayClient      *relay,
                        const PuInviteCode *code,
                        const char         *name)
{
  return pairing_new (PU_PAKE_ROLE_INVITER, profile, relay, code, name);
}

PuPairing *
pu_pairing_new_joiner (PuProfile          *profile,
                       PuRelayClient      *relay,
                       const PuInviteCode *code,
                       const char         *name)
{
  PuPairing *self = pairing_new (PU_PAKE_ROLE_JOINER, profile, relay, code, name);

  self->peer = code->inviter;
  self->instance = code->instance;
  self->connected_id = g_signal_connect (relay, "connected", G_CALLBACK (relay_connected_cb),
                                         self);
  self->absent_id = g_signal_connect (relay, "absent", G_CALLBACK (relay_absent_cb), self);
  if (pu_relay_client_is_connected (relay))
    relay_connected_cb (relay, self);
  return self;
}

const PuPeerId *
pu_pairing_get_peer (PuPairing *self)
{
  g_return_val_if_fail (PU_IS_PAIRING (self), NULL);

  return &self->peer;
}

gboolean
pu_pairing_store_members (PuProfile            *profile,
                          const PuRelayAddr    *relay,
                          const PuRelayMember  *members,
                          guint                 n,
                          guint                *n_new,
                          GError              **error)
{
  PuTrustStore *trust;
  const PuPeerId *self_id;
  guint added = 0;

  g_return_val_if_fail (PU_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (members != NULL || n == 0, FALSE);

  trust = pu_profile_get_trust_store (profile);
  self_id = pu_identity_get_peer_id (pu_profile_get_identity (profile));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;

      if (pu_peer_id_equal (&members[i].peer, self_id) ||
          pu_trust_store_lookup (trust, &members[i].peer) != NULL)
        continue;
      name = authorize_named (profile, &members[i].peer, members[i].name, error);
      if (name == NULL)
        return FALSE;
      added++;
    }
  if (n_new != NULL)
    *n_new = added;
  if (relay != NULL && !learn_relay (pu_profile_get_config (profile), relay, error))
    return FALSE;
  return (added == 0 && relay == NULL) || pu_config_save (pu_profile_get_config (profile), error);
}

gint
pu_pairing_get_sponsor_status (PuPairing *self)
{
  g_return_val_if_fail (PU_IS_PAIRING (self), -1);

  return self->sponsor_status;
}

const char *
pu_pairing_get_name (PuPairing *self)
{
  g_return_val_if_fail (PU_IS_PAIRING (self), NULL);

  return self->name;
}
