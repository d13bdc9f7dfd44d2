/* pu-pair-session.h — one pairing from start to end, for a running core
 *
 * Everything around a PuPairing that a long-running process needs: the
 * relay connection (the device's first pinned relay to invite, the code's
 * relay to join), the full invite code, and one outcome. The control API
 * and the desktop app start pairings with it and hear the result through
 * signals, so nothing waits or polls.
 *
 * Signals:
 *   ::ready      ()                  inviter: the relay is reached and the
 *                                    code is known (pu_pair_session_get_code())
 *   ::wrong-code (guint failures)    inviter: an attempt with a wrong code
 *   ::finished   (const GError *error)  NULL on success; emitted once, also
 *                                    when the relay cannot be reached or
 *                                    after pu_pair_session_cancel()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-profile.h"
#include "pu-relay-addr.h"

G_BEGIN_DECLS

#define PU_PAIR_SESSION_DEFAULT_TTL_SECONDS (10 * 60)
#define PU_PAIR_SESSION_MAX_TTL_SECONDS (24 * 60 * 60)

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
 * through @relay (nullable: this device's first relay). Relay group codes
 * are left to `peerup join`. Starts at once. */
PuPairSession  *pu_pair_session_join      (PuProfile         *profile,
                                           const char        *code,
                                           const char        *name,
                                           const PuRelayAddr *relay,
                                           GError           **error);
/* The relay a short code is joined through: @given (nullable) or the
 * first relay of @config; pinned when this device knows its peer ID, else
 * pinned by the pairing itself. PU_ERROR_INVALID_ARGUMENT when there is none
 * or @given contradicts a relay pinned here. */
PuRelayAddr    *pu_pair_session_short_code_relay (PuConfig          *config,
                                                  const PuRelayAddr *given,
                                                  GError           **error);
gboolean        pu_pair_session_is_inviter (PuPairSession *self);
/* The relay the pairing goes through. */
const PuRelayAddr *pu_pair_session_get_relay (PuPairSession *self);
/* Inviter, once ::ready: the code and (a full code's) peerup: URI; else
 * NULL. */
const char     *pu_pair_session_get_code  (PuPairSession  *self);
const char     *pu_pair_session_get_uri   (PuPairSession  *self);
/* After success: the other device and its name here; else NULL. */
const PuPeerId *pu_pair_session_get_peer  (PuPairSession  *self);
const char     *pu_pair_session_get_name  (PuPairSession  *self);
/* Inviter, after success: the relay's answer to serving the other device
 * too (a PuRelaySponsorStatus), or -1 when it gave none. */
gint            pu_pair_session_get_sponsor_status (PuPairSession *self);
/* Ends a pairing not finished yet (::finished with G_IO_ERROR_CANCELLED). */
void            pu_pair_session_cancel    (PuPairSession  *self);

G_END_DECLS
