/* pu-trust-entry.h — one authorized_keys line
 *
 *   <peer-id> [expires=RFC3339] [verified=sha256:<8 hex>] [other=attrs] [# comment]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "pu-peer-id.h"

G_BEGIN_DECLS

#define PU_TRUST_LINE_MAX 4096
#define PU_TRUST_COMMENT_MAX 256
/* The part before the comment is capped so that a line printed from any
 * parsed entry (its comment at most PU_TRUST_COMMENT_MAX after sanitizing,
 * behind " # ") still fits in PU_TRUST_LINE_MAX and parses again. */
#define PU_TRUST_FIELDS_MAX (PU_TRUST_LINE_MAX - PU_TRUST_COMMENT_MAX - 3)

#define PU_TYPE_TRUST_ENTRY (pu_trust_entry_get_type ())

typedef struct {
  PuPeerId   peer_id;
  gint64     expires;   /* Unix seconds; 0 = never */
  char      *verified;  /* "sha256:0123abcd", or NULL */
  char      *comment;   /* sanitized single line, or NULL */
  GPtrArray *attrs;     /* other "key=value" strings, kept in file order */
} PuTrustEntry;

GType         pu_trust_entry_get_type (void) G_GNUC_CONST;
PuTrustEntry *pu_trust_entry_new      (const PuPeerId     *peer_id);
PuTrustEntry *pu_trust_entry_copy     (const PuTrustEntry *entry);
void          pu_trust_entry_free     (PuTrustEntry       *entry);
/* Returns NULL without error for blank and comment-only lines. */
PuTrustEntry *pu_trust_entry_parse    (const char         *line,
                                       GError            **error);
char         *pu_trust_entry_to_line  (const PuTrustEntry *entry);
gboolean      pu_trust_entry_is_expired (const PuTrustEntry *entry,
                                         gint64              now);
/* Replaces control characters (newlines, NUL…) by spaces, trims, caps the
 * length at PU_TRUST_COMMENT_MAX bytes on a UTF-8 boundary; NULL for empty. */
char         *pu_trust_comment_sanitize (const char       *comment);
/* "sha256:" and exactly 8 lowercase hex digits, as the SAS check writes it. */
gboolean      pu_trust_verified_is_valid (const char      *verified);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PuTrustEntry, pu_trust_entry_free)

G_END_DECLS
