/* pu-trust-store.h — the authorized_keys file as an object others query
 *
 * Lines that are not entries (comments, blanks, lines that failed to parse)
 * are kept verbatim on rewrite; a bad line never authorizes anyone. The store
 * reloads itself when the file changes on disk and emits ::changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-trust-entry.h"

G_BEGIN_DECLS

#define PU_TRUST_FILE_MAX (1024 * 1024)

#define PU_TYPE_TRUST_STORE (pu_trust_store_get_type ())
G_DECLARE_FINAL_TYPE (PuTrustStore, pu_trust_store, PU, TRUST_STORE, GObject)

/* Loads @path (a missing file is an empty store) and starts watching it. */
PuTrustStore       *pu_trust_store_new           (const char          *path,
                                                  GError             **error);
const char         *pu_trust_store_get_path      (PuTrustStore        *self);
gboolean            pu_trust_store_reload        (PuTrustStore        *self,
                                                  GError             **error);
/* Present and not expired at @now (Unix seconds). */
gboolean            pu_trust_store_is_authorized (PuTrustStore        *self,
                                                  const PuPeerId      *peer,
                                                  gint64               now);
const PuTrustEntry *pu_trust_store_lookup        (PuTrustStore        *self,
                                                  const PuPeerId      *peer);
/* (transfer container): entries in file order, owned by the store. */
GPtrArray          *pu_trust_store_list          (PuTrustStore        *self);
/* Each mutation re-reads the file, applies the change and rewrites it
 * atomically (0600). Adding a present peer is PU_ERROR_EXISTS; removing or
 * changing an absent one is PU_ERROR_NOT_FOUND. */
gboolean            pu_trust_store_add           (PuTrustStore        *self,
                                                  const PuPeerId      *peer,
                                                  const char          *comment,
                                                  gint64               expires,
                                                  GError             **error);
gboolean            pu_trust_store_remove        (PuTrustStore        *self,
                                                  const PuPeerId      *peer,
                                                  GError             **error);
gboolean            pu_trust_store_set_verified  (PuTrustStore        *self,
                                                  const PuPeerId      *peer,
                                                  const char          *verified,
                                                  GError             **error);
/* Problems of a whole file, one "line N: reason" string each; empty array
 * when the data is valid. Used by `auth validate` and the fuzzer. */
GPtrArray          *pu_trust_store_validate_data (const char          *data,
                                                  gsize                len);

G_END_DECLS
