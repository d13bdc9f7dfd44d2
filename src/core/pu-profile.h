/* pu-profile.h — one device's files together: config, identity, trust store
 *
 * Every face (CLI, daemon, app) opens the device through this object, so
 * first-time setup and loading behave the same everywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-config.h"
#include "pu-identity.h"
#include "pu-trust-store.h"

G_BEGIN_DECLS

#define PU_TYPE_PROFILE (pu_profile_get_type ())
G_DECLARE_FINAL_TYPE (PuProfile, pu_profile, PU, PROFILE, GObject)

/* Where the identity's private key is kept. */
typedef enum {
  PU_IDENTITY_STORE_FILE,     /* identity.key beside config.ini, mode 0600 */
  PU_IDENTITY_STORE_KEYRING,  /* the Secret Service (pu-secret.h), named by
                               * identity.keyring beside config.ini, which
                               * holds the peer ID and replaces identity.key */
} PuIdentityStore;

/* identity.keyring: the marker of a key kept in the keyring. */
#define PU_PROFILE_KEYRING_MARKER "identity.keyring"

/* Creates what is missing — the config directory (0700), identity.key,
 * config.ini and an empty authorized_keys (0600) — and never replaces an
 * existing identity. @name (nullable) sets the device name when the config
 * has none; @relay (nullable) is added unless already present.
 * @created_identity tells whether a new identity was made. @config_path NULL
 * means the default path. */
PuProfile    *pu_profile_init            (const char  *config_path,
                                          const char  *name,
                                          const char  *relay,
                                          gboolean    *created_identity,
                                          GError     **error);
/* Loads an initialized device; a missing identity or config says to run
 * `peerup init`. @config_path NULL means the default path. */
PuProfile    *pu_profile_open            (const char  *config_path,
                                          GError     **error);
PuConfig     *pu_profile_get_config      (PuProfile   *self);
PuIdentity   *pu_profile_get_identity    (PuProfile   *self);
PuTrustStore *pu_profile_get_trust_store (PuProfile   *self);

/* Reads config.ini again (after another process changed it): when it says
 * something new, pu_profile_get_config() returns the new object (the previous
 * one stays valid for whoever holds a reference) and ::config-changed is
 * emitted; on failure (a bad edit) the current config stays in place.
 *
 * A profile watches its config.ini and does this by itself a moment after
 * the file changes, in the main context it was made in. */
gboolean      pu_profile_reload_config   (PuProfile   *self,
                                          GError     **error);

PuIdentityStore pu_profile_get_identity_store (PuProfile *self);
/* Moves the private key into the desktop keyring: stores it there, reads it
 * back, writes identity.keyring and then deletes identity.key, so that every
 * step leaves a usable key (a file left beside the keyring wins). Every face
 * (CLI, daemon, app) of the same user then finds it there. */
gboolean     pu_profile_move_identity_to_keyring (PuProfile  *self,
                                                  GError    **error);
/* Moves the private key back to identity.key (0600, atomic) and removes it
 * from the keyring. */
gboolean     pu_profile_move_identity_to_file    (PuProfile  *self,
                                                  GError    **error);

/* The device name from config.ini, or the host name made into a label. */
char         *pu_profile_dup_device_name (PuProfile   *self);

G_END_DECLS
