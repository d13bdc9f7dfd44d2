/* pu-pair-session.h — one pairing from start to end
 *
 * Everything around a PuPairing that a process needs, for every face (the
 * control API, the desktop app, `peerup invite` and `peerup join`): the
 * relay connection, the code, and one outcome.
 *
 * The inviter connects to this device's first pinned relay and makes a full
 * code, or claims a nameplate there for a short code, then waits for the
 * other device. The joiner connects to the code's relay (a short code's:
 * the relay given, else this device's first) and pairs: with the inviter,
 * whose nameplate it opens first for a short code, or with the relay itself
 * for a relay pairing group's code (the relay introduces the group's
 * members, now and as they come). Nothing waits or polls: :state says where
 * it is and the signals tell what happened.
 *
 * Signals:
 *   ::ready      ()                  inviter: the relay is reached and the
 *                                    code is known (pu_pair_session_get_code())
 *   ::wrong-code (guint failures)    inviter: an attempt with a wrong code
 *   ::finished   (const GError *error)  NULL on success; emitted once, also
 *                                    when the relay cannot be reached or
 *                                    after pu_pair_session_cancel()
 *
 * Properties: :state (a PuPairSessionState), :failures (wrong codes tried
 * so far).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-invite-code.h"
#include "pu-profile.h"
#include "pu-relay-addr.h"
#include "pu-relay-frame.h"

G_BEGIN_DECLS

#define PU_PAIR_SESSION_DEFAULT_TTL_SECONDS (10 * 60)
#define PU_PAIR_SESSION_MAX_TTL_SECONDS (24 * 60 * 60)

typedef enum {
  PU_PAIR_SESSION_CONNECTING,  /* to the relay (and to its nameplate for a short code) */
  PU_PAIR_SESSION_WAITING,     /* inviter: the code is ready */
  PU_PAIR_SESSION_PAIRING,     /* joiner: talking with the inviter or the relay */
  PU_PAIR_SESSION_DONE,
  PU_PAIR_SESSION_FAILED,
} PuPairSessionState;

#define PU_TYPE_PAIR_SESSION (pu_pair_session_get_type ())
G_DECLARE_FINAL_TYPE (PuPairSession, pu_pair_session, PU, PAIR_SESSION, GObject)

/* An invitation valid for @ttl seconds (1 to PU_PAIR_SESSION_MAX_TTL_SECONDS)
 * through this device's first pinned relay; @name (nullable) is what to call
 * the other device here. @short_code: a code to read aloud
 * ("7-purple-sausage", no URI), which the other device joins through the
 * same relay. Starts at once. */
PuPairSession  *pu_pair_session_invite    (PuProfile         *profile,
                                           const char        *name,
                                           gint64             ttl,
                                           gboolean           short_code,
                                           GError           **error);
/* Joins the inviter of @code (a full code, its peerup: URI or a short code),
 * checked here: PU_ERROR_INVALID_ARGUMENT, PU_ERROR_PARSE, PU_ERROR_VERSION
 * or PU_ERROR_PAIRING (expired) before anything starts. A short code goes
 * through @relay (nullable: this device's first relay). Starts at once. */
PuPairSession  *pu_pair_session_join      (PuProfile         *profile,
                                           const char        *code,
                                           const char        *name,
                                           const PuRelayAddr *relay,
                                           GError           **error);
/* The relay a short code is joined through: @given (nullable) or the
 * first relay of @config; pinned when this device knows its peer ID, else
 * pinned by the pairing itself. PU_ERROR_NOT_FOUND when there is none,
 * PU_ERROR_INVALID_ARGUMENT when @given contradicts a relay pinned here. */
PuRelayAddr    *pu_pair_session_short_code_relay (PuConfig          *config,
                                                  const PuRelayAddr *given,
                                                  GError           **error);
PuProfile      *pu_pair_session_get_profile (PuPairSession *self);
gboolean        pu_pair_session_is_inviter (PuPairSession *self);
PuPairSessionState pu_pair_session_get_state (PuPairSession *self);
/* The relay the pairing goes through. */
const PuRelayAddr *pu_pair_session_get_relay (PuPairSession *self);
/* Inviter, once ::ready: the code and (a full code's) peerup: URI; else
 * NULL. */
const char     *pu_pair_session_get_code  (PuPairSession  *self);
const char     *pu_pair_session_get_uri   (PuPairSession  *self);
/* Inviter, once ::ready: the code itself (to show, with its expiry); else
 * NULL. */
const PuInviteCode *pu_pair_session_get_invite_code (PuPairSession *self);
/* Wrong codes tried against this invite so far. */
guint           pu_pair_session_get_failures (PuPairSession *self);
/* FAILED: why, in one line that says what to do; else NULL. */
const GError   *pu_pair_session_get_error (PuPairSession  *self);
/* After success: the other device and its name here; NULL after joining a
 * relay pairing group, which may bring several. */
const PuPeerId *pu_pair_session_get_peer  (PuPairSession  *self);
const char     *pu_pair_session_get_name  (PuPairSession  *self);
/* After joining a relay pairing group: the members the relay introduced
 * (@n of them); else NULL and 0. */
const PuRelayMember *pu_pair_session_get_members (PuPairSession *self,
                                                  guint         *n);
/* Inviter, after success: the relay's answer to serving the other device
 * too (a PuRelaySponsorStatus), or -1 when it gave none. */
gint            pu_pair_session_get_sponsor_status (PuPairSession *self);
/* Ends a pairing not finished yet (::finished with G_IO_ERROR_CANCELLED). */
void            pu_pair_session_cancel    (PuPairSession  *self);

G_END_DECLS
