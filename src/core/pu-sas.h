/* pu-sas.h — the short authentication string two paired devices compare
 *
 * Derived from the two peer IDs alone, so either device shows it at any time
 * and both show the same, whichever side asks:
 *
 *   digest = SHA-256 ("peerup-sas-v1" || low || high)
 *
 * where low and high are the two 32-byte Ed25519 public keys (the keys the
 * peer IDs encode) in bytewise order. Bytes 0–3 of the digest pick 4 emoji
 * from a table of 256; bytes 4–7 (big-endian) modulo 1000000 are the number,
 * shown as "123-456". A confirmed comparison is stored on the peer's
 * authorized_keys line as verified=sha256:<bytes 0–3 in lowercase hex>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pu-peer-id.h"
#include "pu-trust-entry.h"

G_BEGIN_DECLS

#define PU_SAS_N_EMOJI 4
#define PU_SAS_TABLE_SIZE 256
/* "sha256:" + 8 hex digits + NUL */
#define PU_SAS_VERIFIED_SIZE 16

typedef struct {
  guint8  emoji[PU_SAS_N_EMOJI];         /* indexes into the table */
  guint32 number;                        /* 0–999999 */
  char    verified[PU_SAS_VERIFIED_SIZE]; /* the authorized_keys attribute value */
} PuSas;

void        pu_sas_compute         (const PuPeerId *a,
                                    const PuPeerId *b,
                                    PuSas          *sas);
/* The emoji at @index (< PU_SAS_TABLE_SIZE), UTF-8. */
const char *pu_sas_emoji           (guint           index);
/* Its name to say aloud, translated. */
const char *pu_sas_emoji_name      (guint           index);
/* "123-456" */
char       *pu_sas_format_number   (const PuSas    *sas);
/* Whether @entry carries the verification of the pair (@self, its peer). */
gboolean    pu_sas_entry_is_verified (const PuTrustEntry *entry,
                                      const PuPeerId     *self);

G_END_DECLS
