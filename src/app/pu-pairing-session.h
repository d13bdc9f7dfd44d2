/* pu-pairing-session.h — one pairing run by the app, start to end, without
 * blocking, with any kind of code
 *
 * Invites and full and short codes are the core's PuPairSession, as for
 * the control API; a relay group's code (the relay itself invites) is
 * joined here, on the code's relay. :state says where it is; cancelling or
 * dropping the session stops it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-invite-code.h"
#include "pu-profile.h"

G_BEGIN_DECLS

/* How long an invite from the app works. */
#define PU_PAIRING_SESSION_TTL_SECONDS (10 * 60)

typedef enum {
  PU_PAIRING_SESSION_CONNECTING,  /* to the relay */
  PU_PAIRING_SESSION_WAITING,     /* inviter: the code is ready */
  PU_PAIRING_SESSION_PAIRING,     /* joiner: talking with the inviter */
  PU_PAIRING_SESSION_DONE,
  PU_PAIRING_SESSION_FAILED,
} PuPairingSessionState;

#define PU_TYPE_PAIRING_SESSION (pu_pairing_session_get_type ())
G_DECLARE_FINAL_TYPE (PuPairingSession, pu_pairing_session, PU, PAIRING_SESSION, GObject)

PuPairingSession     *pu_pairing_session_new_invite (PuProfile          *profile,
                                                     gboolean            short_code);
PuPairingSession     *pu_pairing_session_new_join   (PuProfile          *profile,
                                                     const PuInviteCode *code);
PuProfile            *pu_pairing_session_get_profile (PuPairingSession  *self);
PuPairingSessionState pu_pairing_session_get_state  (PuPairingSession   *self);
/* Inviter, from WAITING: the code to show. */
const PuInviteCode   *pu_pairing_session_get_code   (PuPairingSession   *self);
/* FAILED: why, in one line that says what to do. */
const GError         *pu_pairing_session_get_error  (PuPairingSession   *self);
/* DONE: the other device and its name here (NULL after a relay group join,
 * which may bring several). */
const PuPeerId       *pu_pairing_session_get_peer   (PuPairingSession   *self);
const char           *pu_pairing_session_get_name   (PuPairingSession   *self);
/* Wrong codes tried against this invite so far. */
guint                 pu_pairing_session_get_failures (PuPairingSession *self);
void                  pu_pairing_session_cancel     (PuPairingSession   *self);

G_END_DECLS
