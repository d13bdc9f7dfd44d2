/* pu-cli-client.c — commands acting through the core running this device
 *
 * When `peerup daemon` or the desktop app runs the device a command is about
 * (same config.ini), the command asks that core over its private socket, so
 * the change is applied (and logged) by the core and a forward lives in it.
 * Otherwise the command does the work itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-control-socket.h"

typedef struct {
  gboolean   done;
  PuPeerUp1 *proxy;
  GError    *error;
} Connect;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connect *connect = user_data;

  connect->proxy = pu_control_socket_connect_finish (result, &connect->error);
  connect->done = TRUE;
}

PuPeerUp1 *
pu_cli_client_open (const char  *config_path,
                    GError     **error)
{
  g_autofree char *socket_path = pu_control_socket_path (config_path);
  Connect connect = { 0 };

  pu_control_socket_connect_async (socket_path, NULL, connected_cb, &connect);
  while (!connect.done)
    g_main_context_iteration (NULL, TRUE);
  if (connect.proxy == NULL)
    g_propagate_error (error, connect.error);
  return connect.proxy;
}

PuPeerUp1 *
pu_cli_client_connect (const PuCliArgs *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = pu_cli_config_path (args);
  PuPeerUp1 *proxy = pu_cli_client_open (config_path, &error);

  if (proxy == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_printerr (_("peerup: the running Peer Up core did not answer (%s); going on without "
                  "it\n"), error->message);
  return proxy;
}

int
pu_cli_fail_remote (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  return pu_cli_fail (error);
}
