/* bench-relay-peers.c — many idle devices connected to one relay
 *
 * Usage: bench-relay-peers RELAY-MULTIADDR AUTHORIZED-KEYS [N]   (default 1000)
 *
 * Makes N identities, adds them to the relay's AUTHORIZED-KEYS (a running
 * relay picks the change up), connects one relay client per identity and
 * keeps them connected and idle (keepalives only) until SIGTERM or SIGINT.
 * Prints "N peers connected, M attempts failed on the way" once they all
 * are, so that a script can read the relay's memory then
 * (tests/bench/bench-tunnel.sh does).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "pu-file.h"
#include "pu-relay-client.h"

/* Once this long has passed without every client connected, give up. */
#define GUARD_SECONDS 300

typedef struct {
  GPtrArray *clients;
  guint      n_failed;  /* attempts, while connecting */
  gboolean   stop;
  guint      guard;
} Peers;

static void
disconnected_cb (PuRelayClient *client,
                 const GError  *error,
                 Peers         *peers)
{
  peers->n_failed++;
}

static guint
count_connected (Peers *peers)
{
  guint n = 0;

  for (guint i = 0; i < peers->clients->len; i++)
    n += pu_relay_client_is_connected (peers->clients->pdata[i]);
  return n;
}

static gboolean
stop_cb (gpointer data)
{
  ((Peers *) data)->stop = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
guard_cb (gpointer data)
{
  Peers *peers = data;

  peers->guard = 0;
  peers->stop = TRUE;
  return G_SOURCE_REMOVE;
}

/* The relay's file with @identities added at the end. */
static gboolean
authorize (const char  *path,
           GPtrArray   *identities,
           GError     **error)
{
  g_autofree char *old = NULL;
  g_autoptr(GString) text = NULL;

  if (!g_file_get_contents (path, &old, NULL, error))
    return FALSE;
  text = g_string_new (old);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  for (guint i = 0; i < identities->len; i++)
    g_string_append_printf (text, "%s # bench-relay-peers %u\n",
                            pu_identity_get_peer_id_string (identities->pdata[i]), i);
  return pu_file_write_atomic (path, text->str, text->len, 0600, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) addr = NULL;
  g_autoptr(GPtrArray) identities = g_ptr_array_new_with_free_func (g_object_unref);
  Peers peers = { g_ptr_array_new_with_free_func (g_object_unref), 0, FALSE, 0 };
  guint64 n = 1000;
  guint connected;

  if (argc < 3 || argc > 4 ||
      (argc == 4 && !g_ascii_string_to_unsigned (argv[3], 10, 1, 100000, &n, NULL)))
    {
      g_printerr ("Usage: %s RELAY-MULTIADDR AUTHORIZED-KEYS [N]\n", argv[0]);
      return 2;
    }
  addr = pu_relay_addr_parse (argv[1], NULL, &error);
  if (addr == NULL)
    {
      g_printerr ("bench-relay-peers: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (identities, pu_identity_generate ());
  if (!authorize (argv[2], identities, &error))
    {
      g_printerr ("bench-relay-peers: %s\n", error->message);
      return 1;
    }

  g_unix_signal_add (SIGTERM, stop_cb, &peers);
  g_unix_signal_add (SIGINT, stop_cb, &peers);
  peers.guard = g_timeout_add_seconds (GUARD_SECONDS, guard_cb, &peers);
  for (guint i = 0; i < n; i++)
    {
      PuRelayClient *client = pu_relay_client_new (identities->pdata[i], addr, FALSE, &error);

      if (client == NULL)
        {
          g_printerr ("bench-relay-peers: %s\n", error->message);
          return 1;
        }
      g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), &peers);
      g_ptr_array_add (peers.clients, client);
    }

  /* The first one is in once the relay has noticed its new authorized_keys
   * (until then it is refused and tries again); then the others, so that
   * no refused attempt counts in the relay's memory. */
  pu_relay_client_start (peers.clients->pdata[0]);
  while (!pu_relay_client_is_connected (peers.clients->pdata[0]) && !peers.stop)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 1; i < n; i++)
    pu_relay_client_start (peers.clients->pdata[i]);
  while ((connected = count_connected (&peers)) < n && !peers.stop)
    g_main_context_iteration (NULL, TRUE);
  if (connected < n)
    {
      g_printerr ("bench-relay-peers: only %u of %u peers connected\n", connected, (guint) n);
      return 1;
    }
  g_clear_handle_id (&peers.guard, g_source_remove);
  printf ("%u peers connected, %u attempts failed on the way\n", (guint) n, peers.n_failed);
  fflush (stdout);

  while (!peers.stop)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < peers.clients->len; i++)
    pu_relay_client_stop (peers.clients->pdata[i]);
  g_ptr_array_unref (peers.clients);
  return 0;
}
