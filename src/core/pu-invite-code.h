/* pu-invite-code.h — the one-time codes that pair two devices
 *
 * Full code: everything a fresh device needs to reach the inviter, as
 * Crockford base32 in dash-separated groups of 4 (also the `peerup:` URI a QR
 * shows). Its bytes:
 *
 *   version (1) | secret (16) | inviter public key (32) | inviter's relay
 *   instance (u64 BE) | expiry (u32 BE, Unix seconds) | relay public key (32) |
 *   relay host: 4 + IPv4 (4), 6 + IPv6 (16) or 3 + length (1) + DNS name |
 *   relay port (u16 BE) | network: length (1, 0 = none) + label | check: first
 *   4 bytes of SHA-256 over all before
 *
 * Version 1 makes every full code start with "0"; any other version is
 * refused with "please upgrade".
 *
 * Short code: "7-purple-sausage", a nameplate (1–999, no leading zero) the
 * relay uses to bring the two sides together, then 2 words from pu-words.h
 * (16 bits of secret: the PAKE allows one guess per attempt). A short code's
 * first group has 1–3 digits, a full code's 4 characters.
 *
 * Parsing is total and strict: a bad character, a misspelt word, a missing
 * or extra part and a failed check are each reported as such, before any
 * network use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "pu-peer-id.h"
#include "pu-relay-addr.h"

G_BEGIN_DECLS

#define PU_INVITE_CODE_VERSION 1
#define PU_INVITE_SECRET_LEN 16
#define PU_INVITE_SHORT_SECRET_LEN 2
#define PU_INVITE_NAMEPLATE_MAX 999
/* Longest text pu_invite_code_parse() reads; longer is refused unread. */
#define PU_INVITE_TEXT_MAX 512
#define PU_INVITE_URI_SCHEME "peerup:"

#define PU_TYPE_INVITE_CODE (pu_invite_code_get_type ())

typedef enum {
  PU_INVITE_CODE_FULL,
  PU_INVITE_CODE_SHORT,
} PuInviteCodeKind;

typedef struct {
  PuInviteCodeKind  kind;
  guint8            secret[PU_INVITE_SECRET_LEN];
  gsize             secret_len;  /* PU_INVITE_SECRET_LEN, or 2 for a short code */
  /* Full codes only. */
  PuRelayAddr      *relay;       /* with its peer ID */
  PuPeerId          inviter;
  guint64           instance;    /* the inviter's connection to the relay */
  gint64            expires;     /* Unix seconds */
  char             *network;     /* a label, or NULL */
  /* Short codes only. */
  guint             nameplate;
} PuInviteCode;

GType         pu_invite_code_get_type  (void) G_GNUC_CONST;
/* A full code with a fresh random secret. @relay must carry its peer ID;
 * @instance is the inviter's pu_relay_client_get_instance() there, where the
 * joiner's messages go; @network (nullable) is a label. */
PuInviteCode *pu_invite_code_new_full  (const PuRelayAddr  *relay,
                                        const PuPeerId     *inviter,
                                        guint64             instance,
                                        gint64              expires,
                                        const char         *network);
/* A short code with fresh random words. */
PuInviteCode *pu_invite_code_new_short (guint               nameplate);
PuInviteCode *pu_invite_code_copy      (const PuInviteCode *code);
void          pu_invite_code_free      (PuInviteCode       *code);
/* Either form, or the URI; surrounding white space is ignored. Errors are
 * PU_ERROR_INVALID_ARGUMENT, PU_ERROR_VERSION or PU_ERROR_TOO_LARGE. */
PuInviteCode *pu_invite_code_parse     (const char         *text,
                                        GError            **error);
/* "0abc-defg-…" or "7-purple-sausage" */
char         *pu_invite_code_to_string (const PuInviteCode *code);
/* "peerup:0abcdefg…" (full codes) */
char         *pu_invite_code_to_uri    (const PuInviteCode *code);
/* Fails with "expired … ask for a new one" once @now reaches the expiry of a
 * full code; short codes expire on the relay. */
gboolean      pu_invite_code_check_expiry (const PuInviteCode *code,
                                           gint64              now,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PuInviteCode, pu_invite_code_free)

G_END_DECLS
