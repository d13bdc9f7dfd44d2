/* fuzz-relay-addr.c — relay and service address parsers
 *
 * The input is an address, optionally followed by a newline and a separate
 * relay peer ID.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-relay-addr.h"
#include "pu-service.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_relay (const char *text,
             const char *peer_id)
{
  g_autoptr(PuRelayAddr) addr = pu_relay_addr_parse (text, peer_id, NULL);
  g_autoptr(PuRelayAddr) from_string = NULL;
  g_autoptr(PuRelayAddr) from_multiaddr = NULL;
  g_autofree char *string = NULL;
  g_autofree char *multiaddr = NULL;
  g_autofree char *id = NULL;

  if (addr == NULL)
    return;

  /* Both printed forms parse back to the same relay with the same pin. */
  string = pu_relay_addr_to_string (addr);
  multiaddr = pu_relay_addr_to_multiaddr (addr);
  if (addr->has_peer_id)
    id = pu_peer_id_to_string (&addr->peer_id);

  from_string = pu_relay_addr_parse (string, id, NULL);
  g_assert_nonnull (from_string);
  g_assert_true (pu_relay_addr_equal (addr, from_string));

  from_multiaddr = pu_relay_addr_parse (multiaddr, NULL, NULL);
  g_assert_nonnull (from_multiaddr);
  g_assert_true (pu_relay_addr_equal (addr, from_multiaddr));
  g_assert_cmpint (addr->has_peer_id, ==, from_multiaddr->has_peer_id);
  if (addr->has_peer_id)
    g_assert_true (pu_peer_id_equal (&addr->peer_id, &from_multiaddr->peer_id));
}

static void
check_service (const char *text)
{
  g_autoptr(PuService) service = pu_service_new ("fuzz", text, NULL);
  g_autoptr(PuService) again = NULL;
  g_autofree char *address = NULL;

  if (service == NULL)
    return;

  address = pu_service_get_address (service);
  again = pu_service_new ("fuzz", address, NULL);
  g_assert_nonnull (again);
  g_assert_cmpstr (service->host, ==, again->host);
  g_assert_cmpuint (service->port, ==, again->port);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  char *newline = strchr (text, '\n');
  const char *peer_id = NULL;

  if (newline != NULL)
    {
      *newline = '\0';
      peer_id = newline + 1;
    }

  check_relay (text, peer_id);
  check_service (text);
  return 0;
}
