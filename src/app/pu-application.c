/* pu-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-application.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-version.h"
#include "pu-window.h"

struct _PuApplication
{
  AdwApplication parent_instance;

  char *config_path;
  PuProfile *profile;
  GError *profile_error;
};

G_DEFINE_FINAL_TYPE (PuApplication, pu_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CONFIG_PATH,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PuProfile *
open_or_init_profile (const char  *config_path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  PuProfile *profile = pu_profile_open (config_path, &local_error);

  if (profile != NULL)
    return profile;

  /* A device that was never set up is set up the way `peerup init` does it;
   * anything else (a key others can read, a broken file) is for the user to
   * fix, so it is reported and nothing is touched. */
  if (!g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return pu_profile_init (config_path, NULL, NULL, NULL, error);
}

gboolean
pu_application_load_profile (PuApplication  *self,
                             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuProfile) profile = NULL;

  g_return_val_if_fail (PU_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  profile = open_or_init_profile (self->config_path, &local_error);

  g_clear_error (&self->profile_error);
  g_set_object (&self->profile, profile);
  if (local_error != NULL)
    self->profile_error = g_error_copy (local_error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

PuProfile *
pu_application_get_profile (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->profile;
}

const GError *
pu_application_get_profile_error (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->profile_error;
}

const char *
pu_application_get_config_path (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->config_path;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autofree char *debug_info = NULL;

  debug_info = g_strdup_printf ("Peer Up %s\nCommit: %s\nBuilt: %s\n"
                                "GLib %u.%u.%u\nGTK %u.%u.%u\nlibadwaita %u.%u.%u\n",
                                PU_VERSION, PU_GIT_COMMIT, PU_BUILD_DATE,
                                glib_major_version, glib_minor_version, glib_micro_version,
                                gtk_get_major_version (), gtk_get_minor_version (),
                                gtk_get_micro_version (),
                                adw_get_major_version (), adw_get_minor_version (),
                                adw_get_micro_version ());

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Peer Up"),
                         "application-icon", PU_APP_ID,
                         "developer-name", _("The Peer Up developers"),
                         "version", PU_VERSION,
                         "comments", _("Reach your own machines from anywhere, "
                                       "with no accounts and no vendor."),
                         "copyright", _("© 2026 The Peer Up developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "debug-info", debug_info,
                         /* Translators: your names, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  gtk_show_uri (gtk_application_get_active_window (app), "help:peerup", GDK_CURRENT_TIME);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "help", .activate = help_activated },
};

static void
pu_application_startup (GApplication *application)
{
  PuApplication *self = PU_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (pu_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
  gtk_window_set_default_icon_name (PU_APP_ID);

  /* Failures are shown by the window, which offers to try again. */
  pu_application_load_profile (self, NULL);
}

static void
pu_application_activate (GApplication *application)
{
  GtkApplication *app = GTK_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL)
    window = GTK_WINDOW (pu_window_new (PU_APPLICATION (application)));
  gtk_window_present (window);
}

static int
pu_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  PuApplication *self = PU_APPLICATION (application);
  const char *config_path = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("peerup-desktop %s (commit %s, built %s)\n",
               PU_VERSION, PU_GIT_COMMIT, PU_BUILD_DATE);
      return 0;
    }

  /* Another config.ini is another device: it gets its own instance instead
   * of activating the one already running. */
  if (g_variant_dict_lookup (options, "config", "^&ay", &config_path))
    {
      g_object_set (self, "config-path", config_path, NULL);
      g_application_set_flags (application,
                               g_application_get_flags (application)
                               | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
pu_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PuApplication *self = PU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      g_value_set_string (value, self->config_path);
      break;
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PuApplication *self = PU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      g_free (self->config_path);
      self->config_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_application_finalize (GObject *object)
{
  PuApplication *self = PU_APPLICATION (object);

  g_clear_pointer (&self->config_path, g_free);
  g_clear_object (&self->profile);
  g_clear_error (&self->profile_error);

  G_OBJECT_CLASS (pu_application_parent_class)->finalize (object);
}

static void
pu_application_class_init (PuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = pu_application_get_property;
  object_class->set_property = pu_application_set_property;
  object_class->finalize = pu_application_finalize;

  app_class->startup = pu_application_startup;
  app_class->activate = pu_application_activate;
  app_class->handle_local_options = pu_application_handle_local_options;

  /* Set before startup (--config, or a test); later changes apply on the
   * next pu_application_load_profile(). */
  properties[PROP_CONFIG_PATH] =
    g_param_spec_string ("config-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, PU_TYPE_PROFILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pu_application_init (PuApplication *self)
{
  static const GOptionEntry options[] = {
    { "config", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Use this config.ini instead of the default one"), N_("FILE") },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

PuApplication *
pu_application_new (void)
{
  return g_object_new (PU_TYPE_APPLICATION,
                       "application-id", PU_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/dev/peerup/PeerUp",
                       NULL);
}
