/* pu-peer-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-peer-page.h"

#include <glib/gi18n-lib.h>

#include "pu-edit.h"
#include "pu-sas.h"
#include "pu-sas-dialog.h"

struct _PuPeerPage
{
  AdwBin parent_instance;

  GtkLabel *title_label;
  GtkLabel *state_label;
  AdwEntryRow *name_row;
  AdwActionRow *id_row;
  AdwActionRow *path_row;
  AdwActionRow *rtt_row;
  GtkWidget *forwards_group;
  AdwActionRow *verify_row;
  GtkWidget *verify_button;

  PuApplication *app;  /* weak */
  PuPeerId peer;
  gboolean has_peer;
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
pu_peer_page_dispose (GObject *object)
{
  PuPeerPage *self = PU_PEER_PAGE (object);

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
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, forwards_group);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, verify_row);
  gtk_widget_class_bind_template_child (widget_class, PuPeerPage, verify_button);
  gtk_widget_class_bind_template_callback (widget_class, name_applied_cb);

  gtk_widget_class_install_action (widget_class, "peer.copy-id", NULL, copy_id_activated);
  gtk_widget_class_install_action (widget_class, "peer.verify", NULL, verify_activated);
  gtk_widget_class_install_action (widget_class, "peer.remove", NULL, remove_activated);
}

static void
pu_peer_page_init (PuPeerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
