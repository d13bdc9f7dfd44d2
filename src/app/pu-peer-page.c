/* pu-peer-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-peer-page.h"

#include <glib/gi18n-lib.h>

#include "pu-edit.h"
#include "pu-label.h"
#include "pu-sas.h"
#include "pu-sas-dialog.h"
#include "pu-stream.h"

struct _PuPeerPage
{
  AdwBin parent_instance;

  GtkLabel *title_label;
  GtkLabel *state_label;
  AdwEntryRow *name_row;
  AdwActionRow *id_row;
  AdwActionRow *path_row;
  AdwActionRow *rtt_row;
  GtkListBox *forward_list;
  GtkWidget *connect_row;
  AdwActionRow *verify_row;
  GtkWidget *verify_button;

  PuApplication *app;  /* weak */
  PuPeerId peer;
  gboolean has_peer;
  PuForwards *forwards;        /* whose forwards are listed */
  GCancellable *connecting;    /* the service being checked before a forward */
  char *connecting_service;
};

G_DEFINE_FINAL_TYPE (PuPeerPage, pu_peer_page, ADW_TYPE_BIN)

static void
toast (PuPeerPage *self,
       const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static char *
describe_path (const PuNodePeerState *state)
{
  if (state->path != PU_PATH_KIND_DIRECT)
    return g_strdup (_("Through the relay"));
  if (state->local_candidate == NULL || state->remote_candidate == NULL)
    return g_strdup (_("Direct"));
  /* Translators: ICE candidate types ("host", "srflx"…) and the IP version. */
  return g_strdup_printf (_("Direct (%s to %s, IPv%u)"), state->local_candidate,
                          state->remote_candidate, state->ip_version);
}

/* Services people open in a browser. */
static gboolean
is_web (const char *service)
{
  static const char *const names[] = { "web", "http", "https", "www", "jellyfin", "ollama",
                                       "grafana", "nextcloud", NULL };

  return g_strv_contains (names, service) || g_str_has_prefix (service, "web");
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *label,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

/* "ssh on localhost:40123" with what can be done with it. */
static GtkWidget *
forward_row (PuProxy *proxy)
{
  const char *service = pu_proxy_get_service (proxy);
  guint16 port = pu_proxy_get_port (proxy);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *address = g_strdup_printf ("localhost:%u", port);
  g_autofree char *label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), service);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), address);
  gtk_widget_set_name (row, service);

  if (g_str_equal (service, "ssh"))
    {
      g_autofree char *command = g_strdup_printf ("ssh -p %u localhost", port);

      /* Translators: %s is a service name. */
      label = g_strdup_printf (_("Copy the ssh command for %s"), service);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("utilities-terminal-symbolic",
                                              _("Copy ssh Command"), label, "peer.copy-text",
                                              g_variant_new_string (command)));
      g_clear_pointer (&label, g_free);
    }
  if (is_web (service))
    {
      g_autofree char *uri = g_strdup_printf ("http://localhost:%u/", port);

      /* Translators: %s is a service name. */
      label = g_strdup_printf (_("Open %s in the browser"), service);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("web-browser-symbolic", _("Open in Browser"),
                                              label, "peer.open-uri",
                                              g_variant_new_string (uri)));
      g_clear_pointer (&label, g_free);
    }
  /* Translators: %s is a service name. */
  label = g_strdup_printf (_("Copy the address of %s"), service);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("edit-copy-symbolic", _("Copy Address"), label,
                                          "peer.copy-text", g_variant_new_string (address)));
  g_clear_pointer (&label, g_free);
  /* Translators: %s is a service name. */
  label = g_strdup_printf (_("Close %s"), service);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("window-close-symbolic", _("Close"), label,
                                          "peer.close-forward", g_variant_new_uint16 (port)));
  return row;
}

/* "Checking that laptop shares ssh…", with a way to stop. */
static GtkWidget *
pending_row (const char *service)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), service);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Checking that the device shares it…"));
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Connecting"), -1);
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "peer.cancel-connect");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
  return row;
}

static void
update_forwards (PuPeerPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->forward_list))) != NULL)
    gtk_list_box_remove (self->forward_list, child);
  if (self->forwards != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->forwards)); i++)
      {
        g_autoptr(PuProxy) proxy = g_list_model_get_item (G_LIST_MODEL (self->forwards), i);

        if (pu_peer_id_equal (pu_proxy_get_peer (proxy), &self->peer))
          gtk_list_box_append (self->forward_list, forward_row (proxy));
      }
  if (self->connecting_service != NULL)
    gtk_list_box_append (self->forward_list, pending_row (self->connecting_service));
  gtk_list_box_append (self->forward_list, self->connect_row);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.connect",
                                 self->forwards != NULL && self->connecting == NULL);
}

/* Lists the forwards of @forwards (nullable: no node). */
static void
watch_forwards (PuPeerPage *self,
                PuForwards *forwards)
{
  if (self->forwards != forwards)
    {
      if (self->forwards != NULL)
        g_signal_handlers_disconnect_by_data (self->forwards, self);
      g_set_object (&self->forwards, forwards);
      if (forwards != NULL)
        g_signal_connect_swapped (forwards, "items-changed", G_CALLBACK (update_forwards), self);
    }
  update_forwards (self);
}

void
pu_peer_page_update (PuPeerPage *self)
{
  PuProfile *profile;
  PuNode *node;
  PuConfig *config;
  const PuTrustEntry *entry;
  PuNodePeerState state = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *short_id = NULL;
  const char *name;
  GtkWidget *focus;
  gboolean online;

  g_return_if_fail (PU_IS_PEER_PAGE (self));

  if (self->app == NULL || !self->has_peer)
    return;
  profile = pu_application_get_profile (self->app);
  if (profile == NULL)
    return;
  node = pu_application_get_node (self->app);
  watch_forwards (self, pu_application_get_forwards (self->app));
  config = pu_profile_get_config (profile);
  entry = pu_trust_store_lookup (pu_profile_get_trust_store (profile), &self->peer);

  id = pu_peer_id_to_string (&self->peer);
  short_id = pu_peer_id_to_short (&self->peer);
  name = pu_config_name_for_peer (config, &self->peer);
  gtk_label_set_label (self->title_label, name != NULL ? name : short_id);
  /* Not while the user types a new one. */
  focus = gtk_widget_get_root (GTK_WIDGET (self)) != NULL
          ? gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self))) : NULL;
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->name_row)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  adw_action_row_set_subtitle (self->id_row, id);

  online = node != NULL && pu_node_get_peer_state (node, &self->peer, &state);
  if (node == NULL)
    gtk_label_set_label (self->state_label, _("This device is not running"));
  else
    gtk_label_set_label (self->state_label, online ? _("Online") : _("Offline"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), online ? "dim-label" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), online ? "success" : "dim-label");
  if (online)
    {
      g_autofree char *path = describe_path (&state);
      g_autofree char *rtt = state.rtt > 0
                             ? g_strdup_printf (_("%.1f ms"), (double) state.rtt / 1000.0)
                             : g_strdup (_("Not measured yet"));

      adw_action_row_set_subtitle (self->path_row, path);
      adw_action_row_set_subtitle (self->rtt_row, rtt);
    }
  else
    {
      adw_action_row_set_subtitle (self->path_row, _("Not connected"));
      adw_action_row_set_subtitle (self->rtt_row, "—");
    }

  if (entry != NULL && pu_sas_entry_is_verified (entry,
                                                 pu_identity_get_peer_id (
                                                   pu_profile_get_identity (profile))))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verify_row), _("Verified"));
      adw_action_row_set_subtitle (self->verify_row,
                                   _("The emoji were compared on both devices"));
      gtk_button_set_label (GTK_BUTTON (self->verify_button), _("_Compare Again…"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verify_row), _("Not Verified"));
      adw_action_row_set_subtitle (self->verify_row,
                                   _("Compare the emoji on both devices to be sure"));
      gtk_button_set_label (GTK_BUTTON (self->verify_button), _("_Verify…"));
    }
}

void
pu_peer_page_set_peer (PuPeerPage     *self,
                       PuApplication  *app,
                       const PuPeerId *peer)
{
  g_return_if_fail (PU_IS_PEER_PAGE (self));
  g_return_if_fail (PU_IS_APPLICATION (app));
  g_return_if_fail (peer != NULL);

  g_set_weak_pointer (&self->app, app);
  g_cancellable_cancel (self->connecting);
  self->peer = *peer;
  self->has_peer = TRUE;
  pu_peer_page_update (self);
}

const PuPeerId *
pu_peer_page_get_peer (PuPeerPage *self)
{
  g_return_val_if_fail (PU_IS_PEER_PAGE (self), NULL);

  return self->has_peer ? &self->peer : NULL;
}

static PuProfile *
get_profile (PuPeerPage *self)
{
  return self->app != NULL ? pu_application_get_profile (self->app) : NULL;
}

static void
name_applied_cb (PuPeerPage *self)
{
  g_autoptr(GError) error = NULL;
  PuProfile *profile = get_profile (self);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (profile == NULL)
    return;
  if (!pu_edit_rename_peer (profile, &self->peer, name, &error))
    {
      toast (self, error->message);
      return;
    }
  pu_peer_page_update (self);
}

static void
copy_id_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PuPeerPage *self = PU_PEER_PAGE (widget);
  g_autofree char *id = pu_peer_id_to_string (&self->peer);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), id);
  toast (self, _("Peer ID copied"));
}

static void
verify_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PuPeerPage *self = PU_PEER_PAGE (widget);
  PuProfile *profile = get_profile (self);

  if (profile == NULL)
    return;
  gtk_window_present (GTK_WINDOW (pu_sas_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                     profile, &self->peer)));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PuPeerPage       *self)
{
  g_autoptr(GError) error = NULL;
  PuProfile *profile = get_profile (self);

  if (!g_str_equal (response, "remove") || profile == NULL)
    return;
  if (!pu_edit_forget_peer (profile, &self->peer, &error))
    toast (self, error->message);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
}

static void
remove_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PuPeerPage *self = PU_PEER_PAGE (widget);
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  /* Translators: %s is a device name. */
  heading = g_strdup_printf (_("Remove %s?"), gtk_label_get_label (self->title_label));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("It can no longer connect to this device, and this device "
                                     "forgets its name. Pair again to undo."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_text_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          g_variant_get_string (parameter, NULL));
  toast (PU_PEER_PAGE (widget), _("Copied"));
}

static void
open_uri_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)),
                g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

static void
close_forward_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PuPeerPage *self = PU_PEER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->forwards != NULL &&
      !pu_forwards_close (self->forwards, g_variant_get_uint16 (parameter), &error))
    toast (self, error->message);
}

static void
connecting_done (PuPeerPage *self)
{
  g_clear_object (&self->connecting);
  g_clear_pointer (&self->connecting_service, g_free);
  update_forwards (self);
}

/* The peer answered: it shares the service, so the forward opens. */
static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PuPeerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PuStream) stream = pu_node_open_stream_finish (PU_NODE (source), result, &error);
  g_autofree char *service = g_strdup (self->connecting_service);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      connecting_done (self);
      return;
    }
  if (stream != NULL)
    pu_stream_abort (stream);
  connecting_done (self);
  if (stream == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (self->forwards == NULL ||
      pu_forwards_open (self->forwards, &self->peer, service, 0, &error) == NULL)
    toast (self, error != NULL ? error->message : _("This device is not running"));
}

static void
connect_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PuPeerPage       *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "service-row");
  PuNode *node = self->app != NULL ? pu_application_get_node (self->app) : NULL;

  if (!g_str_equal (response, "connect") || node == NULL || self->connecting != NULL)
    return;
  self->connecting = g_cancellable_new ();
  self->connecting_service = g_strdup (gtk_editable_get_text (entry));
  update_forwards (self);
  pu_node_open_stream_async (node, &self->peer, PU_STREAM_KIND_PROXY, self->connecting_service,
                             self->connecting, checked_cb, g_object_ref (self));
}

static void
service_name_changed_cb (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  gboolean valid = pu_label_is_valid (gtk_editable_get_text (entry), -1);

  adw_message_dialog_set_response_enabled (dialog, "connect", valid);
  if (valid || *gtk_editable_get_text (entry) == '\0')
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
}

static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PuPeerPage *self = PU_PEER_PAGE (widget);
  GtkWidget *dialog;
  GtkWidget *list;
  GtkWidget *row;
  g_autofree char *body = NULL;

  /* Translators: %s is a device name. */
  body = g_strdup_printf (_("The name %s gave the service under Services: ssh, rdp, web…; it "
                            "opens on a port of this computer."),
                          gtk_label_get_label (self->title_label));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Connect to Service"), body);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Service Name"));
  gtk_editable_set_text (GTK_EDITABLE (row), "ssh");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  g_object_set_data (G_OBJECT (dialog), "service-row", row);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "connect", _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "connect",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  g_signal_connect (row, "changed", G_CALLBACK (service_name_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (connect_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_connect_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_cancellable_cancel (PU_PEER_PAGE (widget)->connecting);
}

static void
pu_peer_page_dispose (GObject *object)
{
  PuPeerPage *self = PU_PEER_PAGE (object);

  g_cancellable_cancel (self->connecting);
  watch_forwards (self, NULL);
  g_clear_object (&self->connect_row);
  g_clear_weak_pointer (&self->app);
  gtk_widget_dispose_template (GTK_WIDGET (object), PU_TYPE_PEER_PAGE);

  G_OBJECT_CLASS (pu_peer_page_parent_class)->dispose (object);
}

static void
pu_peer_page_class_init (PuPeerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pu_peer_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-peer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, id_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, path_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, rtt_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, forward_list);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, connect_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, verify_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, verify_button);
  gtk_widget_class_bind_template_callback (widget_class, name_applied_cb);

  gtk_widget_class_install_action (widget_class, "peer.copy-id", NULL, copy_id_activated);
  gtk_widget_class_install_action (widget_class, "peer.verify", NULL, verify_activated);
  gtk_widget_class_install_action (widget_class, "peer.remove", NULL, remove_activated);
  gtk_widget_class_install_action (widget_class, "peer.connect", NULL, connect_activated);
  gtk_widget_class_install_action (widget_class, "peer.cancel-connect", NULL,
                                   cancel_connect_activated);
  gtk_widget_class_install_action (widget_class, "peer.copy-text", "s", copy_text_activated);
  gtk_widget_class_install_action (widget_class, "peer.open-uri", "s", open_uri_activated);
  gtk_widget_class_install_action (widget_class, "peer.close-forward", "q",
                                   close_forward_activated);
}

static void
pu_peer_page_init (PuPeerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Kept while the list is rebuilt around it. */
  g_object_ref (self->connect_row);
  update_forwards (self);
}
