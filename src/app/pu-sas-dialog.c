/* pu-sas-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-sas-dialog.h"

#include <glib/gi18n-lib.h>

#include "pu-edit.h"
#include "pu-sas.h"

struct _PuSasDialog
{
  AdwMessageDialog parent_instance;

  PuProfile *profile;
  PuPeerId peer;
  PuSas sas;
};

G_DEFINE_FINAL_TYPE (PuSasDialog, pu_sas_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
pu_sas_dialog_response (AdwMessageDialog *dialog,
                        const char       *response)
{
  PuSasDialog *self = PU_SAS_DIALOG (dialog);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "confirm"))
    pu_trust_store_set_verified (pu_profile_get_trust_store (self->profile), &self->peer,
                                 self->sas.verified, &error);
  else if (g_str_equal (response, "mismatch"))
    pu_edit_forget_peer (self->profile, &self->peer, &error);
  if (error != NULL)
    g_message ("%s", error->message);
}

static void
pu_sas_dialog_finalize (GObject *object)
{
  PuSasDialog *self = PU_SAS_DIALOG (object);

  g_clear_object (&self->profile);

  G_OBJECT_CLASS (pu_sas_dialog_parent_class)->finalize (object);
}

static void
pu_sas_dialog_class_init (PuSasDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_sas_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = pu_sas_dialog_response;
}

static void
pu_sas_dialog_init (PuSasDialog *self)
{
}

/* One emoji, large, with its name below. */
static GtkWidget *
emoji_box (guint index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *emoji = gtk_label_new (pu_sas_emoji (index));
  GtkWidget *name = gtk_label_new (pu_sas_emoji_name (index));

  gtk_widget_add_css_class (emoji, "sas-emoji");
  gtk_widget_add_css_class (name, "caption");
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_justify (GTK_LABEL (name), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (emoji), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pu_sas_emoji_name (index), -1);
  gtk_box_append (GTK_BOX (box), emoji);
  gtk_box_append (GTK_BOX (box), name);
  gtk_widget_set_hexpand (box, TRUE);
  return box;
}

GtkWidget *
pu_sas_dialog_new (GtkWindow      *parent,
                   PuProfile      *profile,
                   const PuPeerId *peer)
{
  PuSasDialog *self;
  GtkWidget *content;
  GtkWidget *emoji;
  GtkWidget *number;
  g_autofree char *digits = NULL;
  g_autofree char *body = NULL;
  g_autofree char *label = NULL;
  const char *name;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  self = g_object_new (PU_TYPE_SAS_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", _("Do These Match on the Other Device?"),
                       NULL);
  self->profile = g_object_ref (profile);
  self->peer = *peer;
  pu_sas_compute (pu_identity_get_peer_id (pu_profile_get_identity (profile)), peer,
                  &self->sas);

  name = pu_config_name_for_peer (pu_profile_get_config (profile), peer);
  label = name != NULL ? g_strdup (name) : pu_peer_id_to_short (peer);
  /* Translators: %s is a device name. */
  body = g_strdup_printf (_("Compare the emoji and the number with what %s shows. If they "
                            "match, nobody came between the two devices."), label);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  emoji = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_set_homogeneous (GTK_BOX (emoji), TRUE);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    gtk_box_append (GTK_BOX (emoji), emoji_box (self->sas.emoji[i]));
  gtk_box_append (GTK_BOX (content), emoji);
  digits = pu_sas_format_number (&self->sas);
  number = gtk_label_new (digits);
  gtk_widget_set_name (number, "sas_number");
  gtk_widget_add_css_class (number, "title-1");
  gtk_widget_add_css_class (number, "numeric");
  gtk_label_set_selectable (GTK_LABEL (number), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (number), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Security number"), -1);
  gtk_box_append (GTK_BOX (content), number);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), content);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "later", _("_Later"),
                                    "mismatch", _("They _Don't Match"),
                                    "confirm", _("_Confirm"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "mismatch",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "confirm",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "confirm");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "later");
  return GTK_WIDGET (self);
}
