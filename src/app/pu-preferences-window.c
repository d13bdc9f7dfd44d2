/* pu-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-preferences-window.h"

struct _PuPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  GtkSwitch *background_switch;
  GtkSwitch *login_switch;
  GtkSwitch *tray_switch;
  GtkSwitch *notify_switch;
  AdwPreferencesGroup *security_group;
  GtkSwitch *keyring_switch;
  PuProfile *profile;
};

G_DEFINE_FINAL_TYPE (PuPreferencesWindow, pu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
pu_preferences_window_finalize (GObject *object)
{
  PuPreferencesWindow *self = PU_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (pu_preferences_window_parent_class)->finalize (object);
}

static void
pu_preferences_window_class_init (PuPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pu_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, tray_switch);
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, security_group);
  gtk_widget_class_bind_template_child (widget_class, PuPreferencesWindow, keyring_switch);
}

static void
pu_preferences_window_init (PuPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (PU_APP_ID);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-at-login", self->login_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-tray-icon", self->tray_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-peers-online", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/* Moves the key where the switch now says; on failure the switch stays and
 * a toast says why. */
static gboolean
keyring_state_set_cb (GtkSwitch           *sw,
                      gboolean             to_keyring,
                      PuPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  gboolean moved = to_keyring ? pu_profile_move_identity_to_keyring (self->profile, &error)
                              : pu_profile_move_identity_to_file (self->profile, &error);

  if (moved)
    gtk_switch_set_state (sw, to_keyring);
  else
    {
      g_signal_handlers_block_by_func (sw, keyring_state_set_cb, self);
      gtk_switch_set_active (sw, !to_keyring);
      g_signal_handlers_unblock_by_func (sw, keyring_state_set_cb, self);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
    }
  return TRUE;
}

GtkWindow *
pu_preferences_window_new (GtkWindow *parent,
                           PuProfile *profile)
{
  PuPreferencesWindow *self = g_object_new (PU_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->security_group), profile != NULL);
  if (profile != NULL)
    {
      gboolean in_keyring = pu_profile_get_identity_store (profile) == PU_IDENTITY_STORE_KEYRING;

      self->profile = g_object_ref (profile);
      gtk_switch_set_active (self->keyring_switch, in_keyring);
      gtk_switch_set_state (self->keyring_switch, in_keyring);
      g_signal_connect (self->keyring_switch, "state-set", G_CALLBACK (keyring_state_set_cb),
                        self);
    }
  return GTK_WINDOW (self);
}
