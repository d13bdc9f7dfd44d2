/* pu-cli-proxy.c — `peerup proxy`: a peer's service on a local TCP port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-proxy.h"

/* Every connection that could not be carried says why, never a silent close. */
static void
stream_failed_cb (PuProxy      *proxy,
                  const GError *error,
                  gpointer      user_data)
{
  pu_cli_fail (error);
}

/* The running core says why a connection through its forward on @port failed. */
typedef struct {
  guint16 port;
} Watch;

static void
core_forward_failed_cb (PuPeerUp1  *core,
                        GVariant   *forward,
                        const char *message,
                        Watch      *watch)
{
  guint16 port = 0;

  if (g_variant_lookup (forward, "port", "q", &port) && port == watch->port)
    pu_cli_fail_printf ("%s", message);
}

/* Asks the running core for the forward, and closes it when stopped (the
 * core closes it too if this process goes away). */
static int
proxy_through_core (PuPeerUp1      *core,
                    PuCliLoop      *loop,
                    const PuPeerId *peer,
                    const char     *service,
                    guint16         port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_id = pu_peer_id_to_string (peer);
  g_autofree char *label = NULL;
  guint16 bound = 0;
  Watch watch = { 0 };
  GVariantDict dict;
  GVariant *options;
  int status;

  /* Killed or hung up, this command leaves no forward behind in the core. */
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "hold", "b", TRUE);
  options = g_variant_dict_end (&dict);

  if (!pu_peer_up1_call_resolve_sync (core, peer_id, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &label,
                                      NULL, &error) ||
      !pu_peer_up1_call_connect_sync (core, peer_id, service, port, options,
                                      G_DBUS_CALL_FLAGS_NONE, -1, &bound, NULL, &error))
    return pu_cli_fail_remote (error);
  watch.port = bound;
  g_signal_connect (core, "forward-failed", G_CALLBACK (core_forward_failed_cb), &watch);
  g_print (_("Forwarding 127.0.0.1:%u → %s on %s (by the running Peer Up core)\n"), bound,
           service, label);

  status = pu_cli_loop_run (loop);
  g_signal_handlers_disconnect_by_data (core, &watch);
  if (!pu_peer_up1_call_disconnect_sync (core, bound, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                         &error))
    return pu_cli_fail_remote (error);
  return status;
}

int
pu_cli_proxy (int    argc,
              char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuNode) node = NULL;
  g_autoptr(PuProxy) proxy = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  g_autoptr(GInetAddress) lo = NULL;
  g_autoptr(GSocketAddress) listen = NULL;
  g_autofree char *label = NULL;
  const char *service;
  guint64 port;
  PuPeerId peer;
  const PuCliSpec spec = {
    .command = "proxy",
    .parameters = N_("PEER SERVICE LOCAL-PORT"),
    .summary = N_("Make a peer's service reachable on 127.0.0.1:LOCAL-PORT until stopped "
                  "(SIGTERM or Ctrl+C), e.g. `peerup proxy home ssh 2222` then "
                  "`ssh -p 2222 localhost`. Port 0 picks a free port. While a Peer Up core "
                  "runs for this device (`peerup daemon` or the app), it carries the "
                  "forward."),
    .min_args = 3,
    .max_args = 3,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  service = args.args[1];
  if (!g_ascii_string_to_unsigned (args.args[2], 10, 0, G_MAXUINT16, &port, NULL))
    return pu_cli_usage_error (spec.command, _("LOCAL-PORT must be a port number from 0 to "
                                               "65535, not “%s”"), args.args[2]);

  profile = pu_cli_open_profile_with_peer (&args, args.args[0], &peer);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;

  pu_cli_loop_init (&loop);
  core = pu_cli_client_connect (&args);
  if (core != NULL)
    return proxy_through_core (core, &loop, &peer, service, (guint16) port);

  node = pu_node_new (profile, FALSE, &error);
  if (node == NULL)
    return pu_cli_fail (error);

  lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  listen = g_inet_socket_address_new (lo, (guint16) port);
  proxy = pu_proxy_new (node, &peer, service, G_INET_SOCKET_ADDRESS (listen), &error);
  if (proxy == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        return pu_cli_fail_printf (_("127.0.0.1:%u is already in use; choose another local "
                                     "port"), (guint) port);
      return pu_cli_fail (error);
    }
  g_signal_connect (proxy, "stream-failed", G_CALLBACK (stream_failed_cb), NULL);
  pu_node_start (node);

  label = pu_node_dup_peer_label (node, &peer);
  g_print (_("Forwarding 127.0.0.1:%u → %s on %s\n"), pu_proxy_get_port (proxy), service,
           label);

  status = pu_cli_loop_run (&loop);
  pu_proxy_stop (proxy);
  pu_node_stop (node);
  return status;
}
