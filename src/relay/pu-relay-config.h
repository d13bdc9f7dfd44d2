/* pu-relay-config.h — relay.ini: the limits and policy a relay operator chooses
 *
 *   [limits]
 *   max-peers=1024              connections at once
 *   peer-queue-bytes=1048576    per-peer send queue
 *   session-bytes=68719476736   bytes per connection (0 = no limit)
 *   session-seconds=86400       connection lifetime (0 = no limit)
 *   auth-timeout-seconds=10     time to authenticate
 *   health-public=false         /healthz for everyone, not only loopback
 *   pairing-max=32              pairing-only sessions at once (0 = none)
 *   pairing-seconds=120         a pairing-only session's lifetime
 *   pairing-per-ip=10           pairing-only sessions per source IP per minute
 *
 *   [policy]
 *   invite=members              who may sponsor new devices: members (every
 *                               authorized peer) or admin (admin=true ones)
 *
 *   [turn]                      a TURN server for authorized peers (both or neither):
 *   url=turn:203.0.113.5:3478   its IP address and UDP port
 *   secret=…                    coturn's static-auth-secret (use-auth-secret)
 *
 * Every key is optional; unknown groups and keys are refused, so a typo
 * never silently leaves a default in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-relay-server.h"

G_BEGIN_DECLS

#define PU_RELAY_CONFIG_FILE_MAX (64 * 1024)

/* Starts from the defaults and applies @data; @path names the file in
 * messages. On failure @limits is untouched. */
gboolean pu_relay_limits_load_from_data (PuRelayLimits  *limits,
                                         const char     *path,
                                         const char     *data,
                                         gsize           len,
                                         GError        **error);
/* The same from a file; a missing file means the defaults. */
gboolean pu_relay_limits_load           (PuRelayLimits  *limits,
                                         const char     *path,
                                         GError        **error);

G_END_DECLS
