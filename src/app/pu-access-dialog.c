/* pu-access-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-access-dialog.h"

#include <glib/gi18n-lib.h>

#include "pu-edit.h"

struct _PuAccessDialog
{
  AdwMessageDialog parent_instance;

  PuProfile *profile;
  char *service;
  GtkSwitch *everyone;
  GPtrArray *checks;   /* GtkCheckButton, each with "allowed" data: a name or peer ID */
};

G_DEFINE_FINAL_TYPE (PuAccessDialog, pu_access_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
pu_access_dialog_response (AdwMessageDialog *dialog,
                           const char       *response)
{
  PuAccessDialog *self = PU_ACCESS_DIALOG (dialog);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) allowed = g_ptr_array_new ();

  if (!g_str_equal (response, "save"))
    return;
  if (!gtk_switch_get_active (self->everyone))
    for (guint i = 0; i < self->checks->len; i++)
      if (gtk_check_button_get_active (self->checks->pdata[i]))
        g_ptr_array_add (allowed, g_object_get_data (self->checks->pdata[i], "allowed"));
  g_ptr_array_add (allowed, NULL);
  if (!pu_edit_set_service_allowed (self->profile, self->service,
                                    (const char * const *) allowed->pdata, &error))
    g_message ("%s", error->message);
}

static void
everyone_changed_cb (PuAccessDialog *self)
{
  gboolean everyone = gtk_switch_get_active (self->everyone);
  guint chosen = 0;

  for (guint i = 0; i < self->checks->len; i++)
    {
      gtk_widget_set_sensitive (self->checks->pdata[i], !everyone);
      chosen += gtk_check_button_get_active (self->checks->pdata[i]);
    }
  /* Nobody chosen would lock the service: switch it off instead. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           everyone || chosen > 0);
}

static void
pu_access_dialog_finalize (GObject *object)
{
  PuAccessDialog *self = PU_ACCESS_DIALOG (object);

  g_clear_object (&self->profile);
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (pu_access_dialog_parent_class)->finalize (object);
}

static void
pu_access_dialog_class_init (PuAccessDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_access_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = pu_access_dialog_response;
}

static void
pu_access_dialog_init (PuAccessDialog *self)
{
  self->checks = g_ptr_array_new ();
}

/* Whether @service names @peer among its devices. */
static gboolean
allows (PuConfig        *config,
        const PuService *service,
        const PuPeerId  *peer)
{
  for (guint i = 0; service->allowed != NULL && service->allowed[i] != NULL; i++)
    {
      PuPeerId allowed;

      if (pu_config_resolve_peer (config, service->allowed[i], &allowed, NULL) &&
          pu_peer_id_equal (&allowed, peer))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
switch_row (PuAccessDialog *self,
            gboolean        everyone)
{
  GtkWidget *row = adw_action_row_new ();

  self->everyone = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->everyone), GTK_ALIGN_CENTER);
  gtk_switch_set_active (self->everyone, everyone);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->everyone), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("All paired devices"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("All Paired Devices"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->everyone));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->everyone));
  g_signal_connect_swapped (self->everyone, "notify::active", G_CALLBACK (everyone_changed_cb),
                            self);
  return row;
}

static GtkWidget *
device_row (PuAccessDialog     *self,
            PuConfig           *config,
            const PuService    *service,
            const PuTrustEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  const char *name = pu_config_name_for_peer (config, &entry->peer_id);
  char *id = pu_peer_id_to_string (&entry->peer_id);
  g_autofree char *short_id = pu_peer_id_to_short (&entry->peer_id);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : short_id);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               allows (config, service, &entry->peer_id));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name != NULL ? name : short_id, -1);
  /* Stored by name when it has one, as `peerup service allow` does. */
  g_object_set_data_full (G_OBJECT (check), "allowed",
                          name != NULL ? g_strdup (name) : g_strdup (id), g_free);
  g_free (id);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (everyone_changed_cb), self);
  g_ptr_array_add (self->checks, check);
  return row;
}

GtkWidget *
pu_access_dialog_new (GtkWindow  *parent,
                      PuProfile  *profile,
                      const char *service_name)
{
  PuConfig *config = pu_profile_get_config (profile);
  const PuService *service = pu_config_lookup_service (config, service_name);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *heading = NULL;
  PuAccessDialog *self;
  GtkWidget *list;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);

  if (service == NULL)
    return NULL;
  /* Translators: %s is a service name. */
  heading = g_strdup_printf (_("Who May Use %s?"), service_name);
  self = g_object_new (PU_TYPE_ACCESS_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       "body", _("Devices not chosen are refused, with the reason."),
                       NULL);
  self->profile = g_object_ref (profile);
  self->service = g_strdup (service_name);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list),
                       switch_row (self, service->allowed == NULL || service->allowed[0] == NULL));
  entries = pu_trust_store_list (pu_profile_get_trust_store (profile));
  for (guint i = 0; i < entries->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list),
                         device_row (self, config, service, entries->pdata[i]));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "save",
                                              ADW_RESPONSE_SUGGESTED);
  everyone_changed_cb (self);
  return GTK_WIDGET (self);
}
