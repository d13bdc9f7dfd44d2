/* pu-secret.h — identity keys in the Secret Service (the desktop keyring)
 *
 * An identity is one item of the schema "dev.peerup.PeerUp.Identity" in the
 * default collection (the login keyring), found by its "peer-id" attribute.
 * The secret is the identity key in the libp2p protobuf form, base64 encoded
 * (as go-libp2p writes PrivKey in its config). The calls are synchronous:
 * they are made when a device is opened or its key is moved, and the keyring
 * may have to ask the user to unlock it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-identity.h"

G_BEGIN_DECLS

#define PU_SECRET_SCHEMA_NAME "dev.peerup.PeerUp.Identity"

/* Whether a Secret Service answers on the session bus and has a default
 * collection to keep keys in. */
gboolean    pu_secret_is_available  (void);
/* Stores @identity, replacing an item for the same peer ID. */
gboolean    pu_secret_store_identity (PuIdentity      *identity,
                                      GError         **error);
/* The identity of @peer; PU_ERROR_NOT_FOUND when the keyring has none. */
PuIdentity *pu_secret_load_identity (const PuPeerId   *peer,
                                     GError         **error);
/* Removes the item of @peer; no item is no error. */
gboolean    pu_secret_clear_identity (const PuPeerId  *peer,
                                      GError         **error);

G_END_DECLS
