/* pu-test-relay.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-test-relay.h"

#include "pu-test-util.h"

PuTestRelay *
pu_test_relay_new (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autofree char *trust_path = g_build_filename (dir, "relay-authorized_keys", NULL);
  g_autofree char *id = NULL;
  PuTestRelay *relay = g_new0 (PuTestRelay, 1);

  relay->dir = g_strdup (dir);
  relay->identity = pu_identity_generate ();
  relay->trust = pu_trust_store_new (trust_path, &error);
  g_assert_no_error (error);
  relay->server = pu_relay_server_new (relay->identity, relay->trust, &error);
  g_assert_no_error (error);
  pu_relay_server_listen (relay->server, G_INET_SOCKET_ADDRESS (addr), &error);
  g_assert_no_error (error);
  id = pu_peer_id_to_string (pu_relay_server_get_peer_id (relay->server));
  relay->addr = g_strdup_printf ("/ip4/127.0.0.1/tcp/%u/p2p/%s",
                                 pu_relay_server_get_port (relay->server), id);
  return relay;
}

void
pu_test_relay_free (PuTestRelay *relay)
{
  pu_relay_server_stop (relay->server);
  g_clear_object (&relay->server);
  g_clear_object (&relay->trust);
  g_clear_object (&relay->identity);
  g_free (relay->addr);
  g_free (relay->dir);
  g_free (relay);
}

PuProfile *
pu_test_relay_add_device (PuTestRelay *relay,
                          const char  *name)
{
  g_autofree char *path = g_build_filename (relay->dir, name, "config.ini", NULL);
  g_autoptr(GError) error = NULL;
  PuProfile *profile = pu_profile_init (path, name, relay->addr, NULL, &error);

  g_assert_no_error (error);
  pu_trust_store_add (relay->trust, pu_identity_get_peer_id (pu_profile_get_identity (profile)),
                      name, 0, &error);
  g_assert_no_error (error);
  return profile;
}

typedef struct {
  gboolean  done;
  gint64    rtt;
  GError   *error;
} Ping;

static void
ping_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Ping *ping = user_data;

  ping->rtt = pu_node_ping_finish (PU_NODE (object), result, &ping->error);
  ping->done = TRUE;
}

gint64
pu_test_ping (PuNode          *node,
              const PuPeerId  *peer,
              GError         **error)
{
  Ping ping = { 0 };

  pu_node_ping_async (node, peer, NULL, ping_cb, &ping);
  pu_test_run_until (&ping.done);
  if (ping.error != NULL)
    g_propagate_error (error, ping.error);
  return ping.rtt;
}
