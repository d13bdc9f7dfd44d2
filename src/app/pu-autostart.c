/* pu-autostart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-autostart.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"

char *
pu_autostart_get_path (void)
{
  g_autofree char *name = g_strconcat (PU_APP_ID, ".desktop", NULL);

  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

static void
request_background_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_message ("Could not ask to start at login: %s", error->message);
}

/* The portal answers later, by a Request object; the user decides there. */
static gboolean
request_background (gboolean   enabled,
                    GError   **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  const char *commandline[] = { "peerup-desktop", "--hide-window", NULL };
  GVariantBuilder options;

  if (bus == NULL)
    return FALSE;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Peer Up keeps your devices reachable")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_BACKGROUND,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          request_background_cb, NULL);
  return TRUE;
}

gboolean
pu_autostart_set (gboolean   enabled,
                  GError   **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    return request_background (enabled, error);

  path = pu_autostart_get_path ();
  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not remove %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not create %s: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }
  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=%s\n"
                              "Exec=peerup-desktop --hide-window\n"
                              "Icon=" PU_APP_ID "\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              _("Peer Up"));
  return pu_file_write_atomic (path, contents, strlen (contents), 0644, error);
}
