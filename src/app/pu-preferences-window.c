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
};

G_DEFINE_FINAL_TYPE (PuPreferencesWindow, pu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
pu_preferences_window_finalize (GObject *object)
{
  PuPreferencesWindow *self = PU_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

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

GtkWindow *
pu_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (PU_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}
