/* pu-relay-groups.h — relay pairing groups: codes an operator hands out so
 * that each holder can join the relay and meet the group's other members
 *
 * The relay keeps them in pairing-groups.ini in its directory (0600):
 *
 *   [group 3f9a1c2e]
 *   expires=1767225600        until when the codes work (Unix seconds)
 *   member-seconds=604800     how long each member may use the relay (0: always)
 *   token-1=<SHA-256 of the token, hex>
 *   token-2=<hex> 12D3KooW… laptop      once used: by whom, under which name
 *
 * Only hashes of the tokens are stored; a presented token is compared with
 * every unused one in constant time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pu-peer-id.h"
#include "pu-relay-frame.h"

G_BEGIN_DECLS

#define PU_RELAY_GROUPS_FILE "pairing-groups.ini"
#define PU_RELAY_GROUPS_FILE_MAX (256 * 1024)
#define PU_RELAY_GROUPS_MAX 256
#define PU_RELAY_GROUP_ID_LEN 8

typedef struct {
  guint8    hash[32];
  gboolean  used;
  PuPeerId  member;
  char     *name;     /* a label, when used */
} PuRelayGroupToken;

typedef struct {
  char      *id;               /* PU_RELAY_GROUP_ID_LEN hex digits */
  gint64     expires;
  gint64     member_seconds;
  GPtrArray *tokens;           /* PuRelayGroupToken, at most PU_RELAY_GROUP_MAX */
} PuRelayGroup;

void          pu_relay_group_free        (PuRelayGroup    *group);
/* A new group with a random ID for @n tokens (random, n × 16 bytes), of
 * which it keeps the hashes. */
PuRelayGroup *pu_relay_group_new         (guint            n,
                                          gint64           expires,
                                          gint64           member_seconds,
                                          const guint8   (*tokens)[PU_RELAY_GROUP_TOKEN_LEN]);

/* (element-type PuRelayGroup): the groups in @data, strictly parsed; @path
 * names the file in messages. */
GPtrArray    *pu_relay_groups_parse      (const char      *path,
                                          const char      *data,
                                          gsize            len,
                                          GError         **error);
/* The same from a file; a missing file holds no groups. */
GPtrArray    *pu_relay_groups_load       (const char      *path,
                                          GError         **error);
gboolean      pu_relay_groups_save       (const char      *path,
                                          GPtrArray       *groups,
                                          GError         **error);
/* The unused token of an unexpired group that hashes like @token, looked
 * for in constant time over all of them, or NULL. */
PuRelayGroupToken *pu_relay_groups_find  (GPtrArray      *groups,
                                          const guint8    token[PU_RELAY_GROUP_TOKEN_LEN],
                                          gint64          now,
                                          PuRelayGroup  **group);

G_END_DECLS
