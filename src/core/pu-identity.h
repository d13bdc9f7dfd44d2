/* pu-identity.h — this device's Ed25519 identity
 *
 * Stored as a libp2p protobuf PrivateKey (08 01 12 40 + 32-byte seed +
 * 32-byte public key), mode 0600; a file readable by group/others is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "pu-peer-id.h"

G_BEGIN_DECLS

#define PU_IDENTITY_KEY_FILE_LEN 68
#define PU_SIGNATURE_LEN 64

#define PU_TYPE_IDENTITY (pu_identity_get_type ())
G_DECLARE_FINAL_TYPE (PuIdentity, pu_identity, PU, IDENTITY, GObject)

PuIdentity     *pu_identity_generate          (void);
/* Parses the 68-byte protobuf; checks the public key matches the seed. */
PuIdentity     *pu_identity_new_from_bytes    (const guint8  *data,
                                               gsize          len,
                                               GError       **error);
PuIdentity     *pu_identity_load              (const char    *path,
                                               GError       **error);
/* Atomic, 0600. Refuses (PU_ERROR_EXISTS) to replace an existing file. */
gboolean        pu_identity_save              (PuIdentity    *self,
                                               const char    *path,
                                               GError       **error);
/* The protobuf private key bytes (secret: callers must not log them). */
GBytes         *pu_identity_to_bytes          (PuIdentity    *self);
const PuPeerId *pu_identity_get_peer_id       (PuIdentity    *self);
const char     *pu_identity_get_peer_id_string (PuIdentity   *self);
void            pu_identity_sign              (PuIdentity    *self,
                                               const guint8  *data,
                                               gsize          len,
                                               guint8         signature[PU_SIGNATURE_LEN]);
gboolean        pu_identity_verify            (const PuPeerId *peer,
                                               const guint8   *data,
                                               gsize           len,
                                               const guint8    signature[PU_SIGNATURE_LEN]);

G_END_DECLS
