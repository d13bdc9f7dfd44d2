/* pu-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-window.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-peer-row.h"
#include "pu-relay-row.h"
#include "pu-service-row.h"

/* How long the window waits at most before it looks at expiries again. */
#define EXPIRY_CHECK_MAX_SECONDS (24 * 60 * 60)

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
  GtkListBox *relay_list;
  GtkWidget *relay_empty;
  GtkLabel *relay_command;
  GtkListBox *peer_list;
  GtkWidget *peer_empty;
  GtkLabel *peer_command;
  GtkListBox *service_list;
  GtkWidget *service_empty;
  GtkLabel *service_command;

  PuProfile *profile;  /* the one whose changes are shown */
  guint expiry_id;
};

G_DEFINE_FINAL_TYPE (PuWindow, pu_window, ADW_TYPE_APPLICATION_WINDOW)

static PuApplication *
get_application (PuWindow *self)
{
  return PU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* Replaces the rows of @list by @rows, showing @empty instead when
 * there are none. The keyboard stays at the same place in the list. */
static void
fill_list (PuWindow   *self,
           GtkListBox *list,
           GtkWidget  *empty,
           GPtrArray  *rows)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean in_list = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (list));
  gboolean in_empty = focus != NULL && (focus == empty || gtk_widget_is_ancestor (focus, empty));
  guint focus_index = 0;
  GtkWidget *child;

  if (in_list)
    {
      GtkWidget *row = gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);

      if (row != NULL)
        focus_index = (guint) MAX (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)), 0);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = 0; i < rows->len; i++)
    gtk_list_box_append (list, g_ptr_array_index (rows, i));

  gtk_widget_set_visible (GTK_WIDGET (list), rows->len > 0);
  gtk_widget_set_visible (empty, rows->len == 0);

  if ((in_list || in_empty) && rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (rows, MIN (focus_index, rows->len - 1)));
  else if (in_list)
    gtk_widget_child_focus (empty, GTK_DIR_TAB_FORWARD);
}

static void
update_relays (PuWindow *self)
{
  GPtrArray *relays = pu_config_get_relays (pu_profile_get_config (self->profile));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  for (guint i = 0; i < relays->len; i++)
    g_ptr_array_add (rows, pu_relay_row_new (g_ptr_array_index (relays, i)));
  fill_list (self, self->relay_list, self->relay_empty, rows);
}

static void update_peers (PuWindow *self);

static gboolean
expiry_cb (gpointer user_data)
{
  PuWindow *self = user_data;

  self->expiry_id = 0;
  update_peers (self);
  return G_SOURCE_REMOVE;
}

static void
update_peers (PuWindow *self)
{
  PuConfig *config = pu_profile_get_config (self->profile);
  g_autoptr(GPtrArray) entries = pu_trust_store_list (pu_profile_get_trust_store (self->profile));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 next = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      const PuTrustEntry *entry = g_ptr_array_index (entries, i);

      g_ptr_array_add (rows, pu_peer_row_new (entry, config, now));
      if (entry->expires > now && (next == 0 || entry->expires < next))
        next = entry->expires;
    }
  fill_list (self, self->peer_list, self->peer_empty, rows);

  /* Look again once the next one has expired. */
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  if (next != 0)
    self->expiry_id = g_timeout_add_seconds ((guint) MIN (next - now + 1,
                                                          EXPIRY_CHECK_MAX_SECONDS),
                                             expiry_cb, self);
}

static void
update_services (PuWindow *self)
{
  PuConfig *config = pu_profile_get_config (self->profile);
  GPtrArray *services = pu_config_get_services (config);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  for (guint i = 0; i < services->len; i++)
    g_ptr_array_add (rows, pu_service_row_new (g_ptr_array_index (services, i), config));
  fill_list (self, self->service_list, self->service_empty, rows);
}

static void
config_changed_cb (PuWindow *self)
{
  g_autofree char *name = pu_profile_dup_device_name (self->profile);

  adw_status_page_set_title (self->device_page, name);
  update_relays (self);
  /* Device names come from config.ini too. */
  update_peers (self);
  update_services (self);
}

/* What a user types in a shell, quoted only when it needs to be. */
static char *
shell_word (const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._-+,:@%=", *p) == NULL)
      return g_shell_quote (word);
  return g_strdup (word);
}

/* "peerup relay add ADDR", with --config when this is not the default device. */
static void
set_command (PuWindow   *self,
             GtkLabel   *label,
             const char *command)
{
  const char *config_path = pu_application_get_config_path (get_application (self));
  g_autofree char *text = NULL;

  if (config_path != NULL)
    {
      g_autofree char *quoted = shell_word (config_path);

      text = g_strdup_printf ("peerup %s --config %s", command, quoted);
    }
  else
    {
      text = g_strdup_printf ("peerup %s", command);
    }
  gtk_label_set_label (label, text);
}

static void
set_commands (PuWindow *self)
{
  g_autofree char *relay = g_strdup_printf ("relay add %s", _("ADDR"));
  g_autofree char *peer = g_strdup_printf ("auth add %s", _("PEER"));
  g_autofree char *service = g_strdup_printf ("service add %s", _("NAME HOST:PORT"));

  set_command (self, self->relay_command, relay);
  set_command (self, self->peer_command, peer);
  set_command (self, self->service_command, service);
}

/* Follows the changes of @profile (nullable) instead of the previous one's. */
static void
watch_profile (PuWindow  *self,
               PuProfile *profile)
{
  if (self->profile == profile)
    return;

  if (self->profile != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->profile, self);
      g_signal_handlers_disconnect_by_data (pu_profile_get_trust_store (self->profile), self);
    }
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_set_object (&self->profile, profile);
  if (profile == NULL)
    return;

  g_signal_connect_swapped (profile, "config-changed", G_CALLBACK (config_changed_cb), self);
  g_signal_connect_swapped (pu_profile_get_trust_store (profile), "changed",
                            G_CALLBACK (update_peers), self);
  set_commands (self);
  config_changed_cb (self);
}

/* Shows the device, or why it could not be opened. */
static void
update_profile (PuWindow *self)
{
  PuApplication *app = get_application (self);
  PuProfile *profile = pu_application_get_profile (app);
  const GError *error = pu_application_get_profile_error (app);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-peer-id", profile != NULL);
  watch_profile (self, profile);

  if (profile != NULL)
    {
      PuIdentity *identity = pu_profile_get_identity (profile);
      gboolean was_error = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                      "error") == 0;

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
copy_id (PuWindow   *self,
         const char *peer_id)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), peer_id);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Peer ID copied")));
}

/* This device's peer ID. */
static void
copy_peer_id_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);
  PuProfile *profile = pu_application_get_profile (get_application (self));

  g_return_if_fail (profile != NULL);

  copy_id (self, pu_identity_get_peer_id_string (pu_profile_get_identity (profile)));
}

/* Another device's or a relay's, from its row. */
static void
copy_id_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  copy_id (PU_WINDOW (widget), g_variant_get_string (parameter, NULL));
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
  watch_profile (PU_WINDOW (object), NULL);
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
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_empty);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_command);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_empty);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_command);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, service_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, service_empty);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, service_command);

  gtk_widget_class_install_action (widget_class, "win.copy-peer-id", NULL,
                                   copy_peer_id_activated);
  gtk_widget_class_install_action (widget_class, "win.copy-id", "s", copy_id_activated);
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
