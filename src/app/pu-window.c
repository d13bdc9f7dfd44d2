/* pu-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-window.h"

#include <glib/gi18n-lib.h>

#include "pu-access-dialog.h"
#include "pu-add-device-window.h"
#include "pu-edit.h"
#include "pu-peer-page.h"
#include "pu-peer-row.h"
#include "pu-qr-paintable.h"
#include "pu-relay-client.h"
#include "pu-relay-row.h"
#include "pu-service-dialog.h"
#include "pu-service-row.h"
#include "pu-setup-page.h"

/* How long the window waits at most before it looks at expiries again. */
#define EXPIRY_CHECK_MAX_SECONDS (24 * 60 * 60)

struct _PuWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkWidget *setup_page;
  GtkWidget *back_button;
  GtkWidget *add_button;
  GtkWidget *status_bar;
  GtkLabel *status_label;
  GtkWidget *resume_button;
  AdwViewStack *view_stack;
  AdwLeaflet *peers_leaflet;
  PuPeerPage *peer_page;
  AdwStatusPage *device_page;
  AdwEntryRow *name_row;
  GtkLabel *peer_id_label;
  GtkWidget *copy_button;
  GtkPicture *device_qr;
  GtkLabel *error_label;
  GtkListBox *relay_list;
  GtkWidget *relay_empty;
  AdwEntryRow *relay_row;
  AdwActionRow *reach_row;
  AdwActionRow *host_row;
  GtkWidget *host_switch;
  GtkListBox *peer_list;
  GtkWidget *peer_empty;
  GtkListBox *service_list;
  GtkWidget *service_empty;

  PuProfile *profile;  /* the one whose changes are shown */
  PuNode *node;        /* the one whose changes are shown */
  guint expiry_id;
};

G_DEFINE_FINAL_TYPE (PuWindow, pu_window, ADW_TYPE_APPLICATION_WINDOW)

static PuApplication *
get_application (PuWindow *self)
{
  return PU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
toast (PuWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
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

/* The node's client of @relay, if it uses it. */
static PuRelayClient *
find_relay_client (PuWindow          *self,
                   const PuRelayAddr *relay)
{
  GPtrArray *clients;

  if (self->node == NULL)
    return NULL;
  clients = pu_node_get_relays (self->node);
  for (guint i = 0; i < clients->len; i++)
    if (pu_relay_addr_equal (pu_relay_client_get_relay_addr (clients->pdata[i]), relay))
      return clients->pdata[i];
  return NULL;
}

static void
update_relays (PuWindow *self)
{
  GPtrArray *relays = pu_config_get_relays (pu_profile_get_config (self->profile));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *reach = NULL;
  guint connected = 0;
  guint used = 0;

  for (guint i = 0; i < relays->len; i++)
    {
      PuRelayClient *client = find_relay_client (self, g_ptr_array_index (relays, i));
      PuRelayRowState state = PU_RELAY_ROW_UNUSED;

      if (client != NULL)
        {
          used++;
          state = pu_relay_client_is_connected (client) ? PU_RELAY_ROW_CONNECTED
                                                        : PU_RELAY_ROW_CONNECTING;
          connected += state == PU_RELAY_ROW_CONNECTED;
        }
      g_ptr_array_add (rows, pu_relay_row_new (g_ptr_array_index (relays, i), state));
    }
  fill_list (self, self->relay_list, self->relay_empty, rows);

  if (self->node == NULL)
    reach = g_strdup (_("Not running: your devices cannot reach this one"));
  else if (used == 0)
    reach = g_strdup (_("No relay: your devices cannot reach this one"));
  else if (connected == 0)
    reach = g_strdup (_("Connecting to the relays…"));
  else
    /* Translators: relays connected, of relays in use. */
    reach = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Through %u of %u relay, and directly where the "
                                          "network allows",
                                          "Through %u of %u relays, and directly where the "
                                          "network allows", used), connected, used);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reach_row),
                                 connected > 0 ? _("Reachable") : _("Not Reachable"));
  adw_action_row_set_subtitle (self->reach_row, reach);
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
  PuApplication *app = get_application (self);
  PuConfig *config = pu_profile_get_config (self->profile);
  g_autoptr(GPtrArray) entries = pu_trust_store_list (pu_profile_get_trust_store (self->profile));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 next = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      const PuTrustEntry *entry = g_ptr_array_index (entries, i);
      PuNodePeerState state = { 0 };

      if (self->node != NULL)
        pu_node_get_peer_state (self->node, &entry->peer_id, &state);
      g_ptr_array_add (rows, pu_peer_row_new (entry, config, now,
                                              self->node != NULL ? &state : NULL,
                                              pu_application_get_last_seen (app,
                                                                            &entry->peer_id)));
      if (entry->expires > now && (next == 0 || entry->expires < next))
        next = entry->expires;
    }
  fill_list (self, self->peer_list, self->peer_empty, rows);
  pu_peer_page_update (self->peer_page);

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
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  adw_status_page_set_title (self->device_page, name);
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->name_row)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  update_relays (self);
  /* Device names come from config.ini too. */
  update_peers (self);
  update_services (self);
}

/* Says why this device is not reachable, when it is not running. */
static void
update_status (PuWindow *self)
{
  PuApplication *app = get_application (self);
  GVariant *paused;
  const GError *error;
  gboolean is_paused;

  if (app == NULL)
    return;
  paused = g_action_group_get_action_state (G_ACTION_GROUP (app), "pause");
  error = pu_application_get_node_error (app);
  is_paused = paused != NULL && g_variant_get_boolean (paused);
  g_clear_pointer (&paused, g_variant_unref);
  if (is_paused)
    gtk_label_set_label (self->status_label,
                         _("Paused: your devices cannot reach this one"));
  else if (error != NULL)
    gtk_label_set_label (self->status_label, error->message);
  gtk_widget_set_visible (self->resume_button, is_paused);
  gtk_widget_set_visible (self->status_bar,
                          self->profile != NULL && (is_paused || error != NULL));
}

/* Follows the changes of @node (nullable) instead of the previous one's. */
static void
watch_node (PuWindow *self,
            PuNode   *node)
{
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->node, node);
  if (node != NULL)
    {
      g_signal_connect_swapped (node, "peer-changed", G_CALLBACK (update_peers), self);
      g_signal_connect_swapped (node, "relay-changed", G_CALLBACK (update_relays), self);
    }
  if (self->profile != NULL)
    {
      update_relays (self);
      update_peers (self);
    }
  update_status (self);
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
  config_changed_cb (self);
}

static void
show_device_qr (PuWindow   *self,
                const char *peer_id)
{
  g_autoptr(PuQrPaintable) qr = pu_qr_paintable_new (peer_id, NULL);

  gtk_picture_set_paintable (self->device_qr, GDK_PAINTABLE (qr));
}

/* Shows the device, the first run, or why it could not be opened. */
static void
update_profile (PuWindow *self)
{
  PuApplication *app = get_application (self);
  PuProfile *profile = pu_application_get_profile (app);
  const GError *error = pu_application_get_profile_error (app);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-peer-id", profile != NULL);
  watch_profile (self, profile);
  watch_node (self, pu_application_get_node (app));

  if (profile != NULL)
    {
      PuIdentity *identity = pu_profile_get_identity (profile);
      gboolean was_error = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                      "error") == 0;

      gtk_label_set_label (self->peer_id_label, pu_identity_get_peer_id_string (identity));
      show_device_qr (self, pu_identity_get_peer_id_string (identity));
      gtk_stack_set_visible_child_name (self->stack, "device");
      /* "Try Again" is gone and GTK hands its focus to the peer ID, which
       * selects it all: keep the keyboard on a button instead. */
      if (was_error)
        {
          gtk_widget_grab_focus (self->add_button);
          gtk_label_select_region (self->peer_id_label, 0, 0);
        }
    }
  else if (pu_application_needs_setup (app))
    {
      gtk_stack_set_visible_child_name (self->stack, "setup");
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

/* Where the hosted relay serves, or why it does not. */
static void
update_relay_host (PuWindow *self)
{
  PuApplication *app = get_application (self);
  PuRelayHost *host = pu_application_get_relay_host (app);
  const GError *error = pu_application_get_relay_host_error (app);
  g_autofree char *text = NULL;

  if (host != NULL)
    /* Translators: %s is the relay's address. */
    text = g_strdup_printf (_("Serving at %s. To reach it from other networks, forward TCP "
                              "and UDP port 7777 to this computer."),
                            pu_relay_host_get_addr (host));
  else if (error != NULL)
    text = g_strdup (error->message);
  else
    text = g_strdup (_("Your devices meet through this computer; no other server needed"));
  adw_action_row_set_subtitle (self->host_row, text);
}

static void
node_changed_cb (PuWindow *self)
{
  watch_node (self, pu_application_get_node (get_application (self)));
}

static void
copy_id (PuWindow   *self,
         const char *peer_id)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), peer_id);
  toast (self, _("Peer ID copied"));
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

static void
leaflet_changed_cb (PuWindow *self)
{
  const char *name = adw_leaflet_get_visible_child_name (self->peers_leaflet);
  gboolean detail = g_strcmp0 (name, "detail") == 0 &&
                    g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                               "peers") == 0;

  gtk_widget_set_visible (self->back_button, detail);
  gtk_widget_set_visible (self->add_button, !detail);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->peers_leaflet, "list");
}

void
pu_window_show_peer (PuWindow       *self,
                     const PuPeerId *peer)
{
  g_return_if_fail (PU_IS_WINDOW (self));
  g_return_if_fail (peer != NULL);

  if (self->profile == NULL)
    return;
  pu_peer_page_set_peer (self->peer_page, get_application (self), peer);
  adw_view_stack_set_visible_child_name (self->view_stack, "peers");
  adw_leaflet_set_visible_child_name (self->peers_leaflet, "detail");
}

static void
show_peer_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PuPeerId peer;

  if (pu_peer_id_parse (g_variant_get_string (parameter, NULL), &peer, NULL))
    pu_window_show_peer (PU_WINDOW (widget), &peer);
}

void
pu_window_join (PuWindow   *self,
                const char *code)
{
  g_return_if_fail (PU_IS_WINDOW (self));

  if (self->profile == NULL)
    {
      if (code != NULL)
        pu_setup_page_set_code (PU_SETUP_PAGE (self->setup_page), code);
      return;
    }
  gtk_window_present (GTK_WINDOW (pu_add_device_window_new (GTK_WINDOW (self),
                                                            get_application (self), code)));
}

void
pu_window_add_device (PuWindow *self)
{
  pu_window_join (self, NULL);
}

static void
add_service_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);

  if (self->profile != NULL)
    gtk_window_present (GTK_WINDOW (pu_service_dialog_new (GTK_WINDOW (self), self->profile)));
}

static void
enable_service_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *name;
  gboolean enabled;

  g_variant_get (parameter, "(&sb)", &name, &enabled);
  if (self->profile != NULL &&
      !pu_edit_set_service_enabled (self->profile, name, enabled, &error))
    {
      toast (self, error->message);
      update_services (self);
    }
}

static void
service_access_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);
  GtkWidget *dialog;

  if (self->profile == NULL)
    return;
  dialog = pu_access_dialog_new (GTK_WINDOW (self), self->profile,
                                 g_variant_get_string (parameter, NULL));
  if (dialog != NULL)
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_service_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PuWindow *self = PU_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->profile != NULL &&
      !pu_edit_remove_service (self->profile, g_variant_get_string (parameter, NULL), &error))
    toast (self, error->message);
}

static void
name_applied_cb (PuWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->profile != NULL &&
      !pu_edit_set_device_name (self->profile,
                                gtk_editable_get_text (GTK_EDITABLE (self->name_row)), &error))
    toast (self, error->message);
}

static void
relay_applied_cb (PuWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->profile == NULL)
    return;
  if (!pu_edit_add_relay (self->profile, gtk_editable_get_text (GTK_EDITABLE (self->relay_row)),
                          &error))
    {
      toast (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->relay_row), "");
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
  g_signal_connect_object (app, "notify::node",
                           G_CALLBACK (node_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "action-state-changed::pause",
                           G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::relay-host",
                           G_CALLBACK (update_relay_host), self, G_CONNECT_SWAPPED);
  update_profile (self);
  update_relay_host (self);
}

static void
pu_window_dispose (GObject *object)
{
  PuWindow *self = PU_WINDOW (object);

  watch_profile (self, NULL);
  watch_node (self, NULL);
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

  g_type_ensure (PU_TYPE_SETUP_PAGE);
  g_type_ensure (PU_TYPE_PEER_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/peerup/PeerUp/pu-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PuWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, setup_page);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peers_leaflet);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_page);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, device_page);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_id_label);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, device_qr);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_empty);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, relay_row);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, reach_row);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, host_switch);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, peer_empty);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, service_list);
  gtk_widget_class_bind_template_child (widget_class, PuWindow, service_empty);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, relay_applied_cb);

  gtk_widget_class_install_action (widget_class, "win.copy-peer-id", NULL,
                                   copy_peer_id_activated);
  gtk_widget_class_install_action (widget_class, "win.copy-id", "s", copy_id_activated);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_activated);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "win.show-peer", "s", show_peer_activated);
  gtk_widget_class_install_action (widget_class, "win.add-service", NULL,
                                   add_service_activated);
  gtk_widget_class_install_action (widget_class, "win.enable-service", "(sb)",
                                   enable_service_activated);
  gtk_widget_class_install_action (widget_class, "win.service-access", "s",
                                   service_access_activated);
  gtk_widget_class_install_action (widget_class, "win.remove-service", "s",
                                   remove_service_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back",
                                       NULL);
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
  g_settings_bind (self->settings, "host-relay", self->host_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

PuWindow *
pu_window_new (PuApplication *application)
{
  g_return_val_if_fail (PU_IS_APPLICATION (application), NULL);

  return g_object_new (PU_TYPE_WINDOW, "application", application, NULL);
}
