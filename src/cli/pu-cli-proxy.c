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
                  "`ssh -p 2222 localhost`. Port 0 picks a free port."),
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
