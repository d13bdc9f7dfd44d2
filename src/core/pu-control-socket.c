/* pu-control-socket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-control-socket.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-config.h"
#include "pu-error.h"
#include "pu-file.h"

char *
pu_control_socket_path (const char *config_path)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *default_path = pu_config_default_path ();
  g_autofree char *canonical = g_canonicalize_filename (config_path != NULL ? config_path
                                                                            : default_path,
                                                        NULL);
  g_autofree char *canonical_default = g_canonicalize_filename (default_path, NULL);
  g_autofree char *name = NULL;

  if (runtime != NULL && g_path_is_absolute (runtime))
    dir = g_build_filename (runtime, "peerup", NULL);
  else
    {
      g_autofree char *own = g_strdup_printf ("peerup-%u", (guint) getuid ());

      dir = g_build_filename (g_get_tmp_dir (), own, NULL);
    }

  if (g_str_equal (canonical, canonical_default))
    name = g_strdup ("bus");
  else
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);

      name = g_strdup_printf ("bus-%.16s", hash);
    }
  return g_build_filename (dir, name, NULL);
}

gboolean
pu_control_socket_ensure_dir (const char  *socket_path,
                              GError     **error)
{
  g_autofree char *dir = NULL;
  GStatBuf st;

  g_return_val_if_fail (socket_path != NULL, FALSE);

  dir = g_path_get_dirname (socket_path);
  if (!pu_dir_ensure_private (dir, error))
    return FALSE;
  /* Under a shared $TMPDIR someone else may have made it first. */
  if (g_lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid ())
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PERMISSIONS,
                   _("%s is not a directory of this user; remove it, or set XDG_RUNTIME_DIR "
                     "to a private directory"), dir);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  char         *socket_path;
  GCancellable *cancellable; /* cancelled by the caller's or by the timeout */
  gulong        cancelled_id;
  GSource      *timeout;
  gboolean      timed_out;
} Connect;

static void
connect_free (Connect *c)
{
  g_source_destroy (c->timeout);
  g_source_unref (c->timeout);
  g_clear_object (&c->cancellable);
  g_free (c->socket_path);
  g_free (c);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  Connect *c = user_data;

  c->timed_out = TRUE;
  g_cancellable_cancel (c->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     Connect      *c)
{
  g_cancellable_cancel (c->cancellable);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_dbus_connection_new_for_address_finish (result,
                                                                                     &error);
  PuPeerUp1 *proxy;

  g_cancellable_disconnect (g_task_get_cancellable (task), c->cancelled_id);
  if (connection == NULL)
    {
      if (c->timed_out)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 _("The Peer Up core at %s does not answer"), c->socket_path);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 _("No Peer Up core is running (%s is left from one that "
                                   "stopped)"), c->socket_path);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  proxy = pu_peer_up1_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                  G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                      NULL, PU_CONTROL_OBJECT_PATH, NULL, &error);
  if (proxy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy),
                                    PU_CONTROL_TIMEOUT_SECONDS * 1000);
  g_task_return_pointer (task, proxy, g_object_unref);
}

void
pu_control_socket_connect_async (const char          *socket_path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *address = NULL;
  Connect *c;

  g_return_if_fail (socket_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_control_socket_connect_async);

  if (!g_file_test (socket_path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No Peer Up core is running (no socket at %s)"), socket_path);
      return;
    }

  c = g_new0 (Connect, 1);
  c->socket_path = g_strdup (socket_path);
  c->cancellable = g_cancellable_new ();
  c->timeout = g_timeout_source_new_seconds (PU_CONTROL_TIMEOUT_SECONDS);
  g_source_set_callback (c->timeout, connect_timeout_cb, c, NULL);
  g_source_attach (c->timeout, g_main_context_get_thread_default ());
  g_task_set_task_data (task, c, (GDestroyNotify) connect_free);
  if (cancellable != NULL)
    c->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb), c,
                                             NULL);

  escaped = g_dbus_address_escape_value (socket_path);
  address = g_strdup_printf ("unix:path=%s", escaped);
  g_dbus_connection_new_for_address (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, c->cancellable, connected_cb,
                                     g_steal_pointer (&task));
}

PuPeerUp1 *
pu_control_socket_connect_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
