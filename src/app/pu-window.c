/* pu-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-window.h"

#include <glib/gi18n-lib.h>

struct _PuWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwStatusPage *device_page;
  GtkLabel *peer_id_label;
  GtkWidget *copy_button;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (PuWindow, pu_window, ADW_TYPE_APPLICATION_WINDOW)

static PuApplication *
get_application (PuWindow *self)
{
  return PU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* Shows the device, or why it could not be opened. */
static void
update_profile (PuWindow *self)
{
  PuApplication *app = get_application (self);
  PuProfile *profile = pu_application_get_profile (app);
  const GError *error = pu_application_get_profile_error (app);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-peer-id", profile != NULL);

  if (profile != NULL)
    {
      PuIdentity *identity = pu_profile_get_identity (profile);
      g_autofree char *name = pu_profile_dup_device_name (profile);
      gboolean was_error = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                      "error") == 0;

      adw_status_page_set_title (self->device_page, name);
      gtk_label_set_label (self->peer_id_label, pu_identity_get_peer_id_string (identity));
      gtk_stack_set_visible_child_name (self->stack, "device");
      /* "Try Again" is gone and GTK hands its focus to the peer ID, which
       * selects it all: keep the keyboard on a button instead. */
      if (was_error)
        {
          gtk_widget_grab_focus (self->copy_button);
          gtk_label_select_region (self->peer_id_label, 0, 0);
        }
    }
  else
    {
      gtk_label_set_label (self->error_label, error != NULL ? error->message : "");
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
}

static void
profile_changed_cb (PuWindow   *self,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  update_profile (self);
}

static void
copy_peer_id_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);
  PuProfile *profile = pu_application_get_profile (get_application (self));

  g_return_if_fail (profile != NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          pu_identity_get_peer_id_string (pu_profile_get_identity (profile)));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Peer ID copied")));
}

static void
retry_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);

  /* The outcome reaches the window through ::notify::profile. */
  pu_application_load_profile (get_application (self), NULL);
}

/* :application is set after construction, and goes back to NULL when the
 * window is destroyed. */
static void
application_changed_cb (PuWindow   *self,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  PuApplication *app = get_application (self);

  if (app == NULL)
    return;

  g_signal_connect_object (app, "notify::profile",
                           G_CALLBACK (profile_changed_cb), self, G_CONNECT_SWAPPED);
  update_profile (self);
}

static void
pu_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PU_TYPE_WINDOW);

  G_OBJECT_CLASS (pu_window_parent_class)->dispose (object);
}

static void
pu_window_finalize (GObject *object)
{
  PuWindow *self = PU_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pu_window_parent_class)->finalize (object);
}

static void
pu_window_class_init (PuWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pu_window_dispose;
  object_class->finalize = pu_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/peerup/PeerUp/pu-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PuWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, device_page);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_id_label);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, error_label);

  gtk_widget_class_install_action (widget_class, "win.copy-peer-id", NULL,
                                   copy_peer_id_activated);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_activated);
}

static void
pu_window_init (PuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);

  self->settings = g_settings_new (PU_APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);
}

PuWindow *
pu_window_new (PuApplication *application)
{
  g_return_val_if_fail (PU_IS_APPLICATION (application), NULL);

  return g_object_new (PU_TYPE_WINDOW, "application", application, NULL);
}
