/* fuzz-relay-config.c — relay.ini limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-relay-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PuRelayLimits limits, before;

  memset (&limits, 0x5a, sizeof limits);
  before = limits;
  if (pu_relay_limits_load_from_data (&limits, "relay.ini", (const char *) data, size, NULL))
    {
      /* Whatever loads is within the bounds a relay can run with. */
      g_assert_cmpuint (limits.max_peers, >=, 1);
      g_assert_cmpuint (limits.peer_queue_bytes, >=, 64 * 1024);
      g_assert_cmpuint (limits.auth_timeout_seconds, >=, 1);
      g_assert_cmpuint (limits.auth_timeout_seconds, <=, 300);
    }
  else
    {
      /* A refused file leaves the caller's limits alone. */
      g_assert_cmpuint (limits.max_peers, ==, before.max_peers);
      g_assert_cmpuint (limits.peer_queue_bytes, ==, before.peer_queue_bytes);
      g_assert_cmpuint (limits.session_bytes, ==, before.session_bytes);
      g_assert_cmpuint (limits.session_seconds, ==, before.session_seconds);
      g_assert_cmpuint (limits.auth_timeout_seconds, ==, before.auth_timeout_seconds);
      g_assert_cmpint (limits.health_public, ==, before.health_public);
    }
  return 0;
}
