/* pu-relay-addr-private.h — host/port parsing shared by relay and service addresses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-relay-addr.h"

G_BEGIN_DECLS

/* 1–65535 in decimal, at most 5 digits, nothing else. */
gboolean     _pu_port_parse            (const char   *text,
                                        gsize         len,
                                        guint16      *port);
/* The canonical text of an IP literal (no brackets, no zone), or NULL. */
char        *_pu_ip_canonical          (const char   *text,
                                        GSocketFamily *family);
/* Splits "host:port", "[v6]:port", "[v6]", "host" or a bare IPv6 literal;
 * *port is 0 when absent. On failure *reason says why (translated). */
gboolean     _pu_host_port_split       (const char   *text,
                                        char        **host,
                                        guint16      *port,
                                        gboolean     *bracketed,
                                        const char  **reason);
/* "host:port", or "[v6]:port" when @host is an IPv6 literal. */
char        *_pu_host_port_format      (const char   *host,
                                        guint16       port);
/* pu_relay_addr_parse(), optionally without insisting that a host name be
 * pinned (to name a configured relay, e.g. for removal). */
PuRelayAddr *_pu_relay_addr_parse_full (const char   *text,
                                        const char   *peer_id,
                                        gboolean      require_pin,
                                        GError      **error);

G_END_DECLS
