/* pu-pairing.h — one side of pairing two devices with a full invite code
 *
 * The inviter made the code and waits on its relay connection; the joiner
 * read the code and reaches the inviter through the relay in the code. They
 * run the PAKE (pu-pake.h) in messages of pu-pair-message.h, exchange their
 * peer IDs, names and relays sealed, and each then authorizes the other in
 * its authorized_keys (the name as comment), names it in config.ini (a name
 * already used for another peer becomes name-2, name-3…) and adds the
 * other's relays it has not got; the joiner also adds the code's relay.
 * Before its last message the inviter asks the relay to authorize the
 * joiner (pu_relay_client_sponsor()), so a device the relay did not know
 * can use it as soon as pairing ends.
 *
 * The inviter answers one joiner at a time. Each attempt the inviter
 * answered and that did not confirm counts as one wrong guess; the third
 * burns the code. A code serves one successful pairing and ends at its
 * expiry.
 *
 * Signals:
 *   ::wrong-code (guint failures)  inviter: an attempt with a wrong code
 *   ::finished (const GError *error)  NULL on success; emitted once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-invite-code.h"
#include "pu-profile.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"

G_BEGIN_DECLS

#define PU_PAIRING_MAX_FAILURES 3
/* How long a side waits for the next message of an exchange. */
#define PU_PAIRING_REPLY_SECONDS 30
/* How long the inviter waits for the joiner's DONE once it has stored the
 * pairing, keeping its relay connection while its last message goes out. */
#define PU_PAIRING_DONE_SECONDS 5

#define PU_TYPE_PAIRING (pu_pairing_get_type ())
G_DECLARE_FINAL_TYPE (PuPairing, pu_pairing, PU, PAIRING, GObject)

/* @relay: this device's client of the code's relay, started by the caller.
 * @code: a full code, or a short one whose relay (with the peer ID the
 * relay presented), inviter, instance and expiry the caller filled in from
 * the relay's nameplate; the joiner of a short code then pins that relay
 * only if the inviter's sealed relays include it.
 * @name (nullable): what to call the other device here; by default the name
 * it announces. */
PuPairing      *pu_pairing_new_inviter (PuProfile          *profile,
                                        PuRelayClient      *relay,
                                        const PuInviteCode *code,
                                        const char         *name);
PuPairing      *pu_pairing_new_joiner  (PuProfile          *profile,
                                        PuRelayClient      *relay,
                                        const PuInviteCode *code,
                                        const char         *name);
/* After success: the other device and the name it has here. */
const PuPeerId *pu_pairing_get_peer    (PuPairing          *self);
const char     *pu_pairing_get_name    (PuPairing          *self);
/* Authorizes and names here each of @members (of a relay pairing group, as
 * the relay introduced them) not yet known, and adds @relay (nullable) when
 * missing; @n_new (nullable): how many members were new. */
gboolean        pu_pairing_store_members (PuProfile           *profile,
                                          const PuRelayAddr   *relay,
                                          const PuRelayMember *members,
                                          guint                n,
                                          guint               *n_new,
                                          GError             **error);
/* Inviter, after success: the relay's answer to sponsoring the joiner (a
 * PuRelaySponsorStatus), or -1 when it gave none. */
gint            pu_pairing_get_sponsor_status (PuPairing    *self);

G_END_DECLS
