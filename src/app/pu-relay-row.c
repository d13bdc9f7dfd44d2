/* pu-relay-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-row.h"

#include <glib/gi18n-lib.h>

struct _PuRelayRow
{
  AdwActionRow parent_instance;

  GtkWidget *copy_button;
  GtkLabel *state_label;
};

G_DEFINE_FINAL_TYPE (PuRelayRow, pu_relay_row, ADW_TYPE_ACTION_ROW)

static void
pu_relay_row_class_init (PuRelayRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-relay-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PuRelayRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PuRelayRow, state_label);
}

static void
pu_relay_row_init (PuRelayRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pu_relay_row_new (const PuRelayAddr *relay,
                  PuRelayRowState    state)
{
  PuRelayRow *self;
  g_autofree char *address = NULL;
  g_autofree char *peer_id = NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (relay != NULL, NULL);

  self = g_object_new (PU_TYPE_RELAY_ROW, NULL);
  address = pu_relay_addr_to_string (relay);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), address);
  switch (state)
    {
    case PU_RELAY_ROW_CONNECTED:
      gtk_label_set_label (self->state_label, _("Connected"));
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
      break;
    case PU_RELAY_ROW_CONNECTING:
      gtk_label_set_label (self->state_label, _("Connecting…"));
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
      break;
    case PU_RELAY_ROW_UNUSED:
    default:
      gtk_widget_set_visible (GTK_WIDGET (self->state_label), FALSE);
      break;
    }

  /* A relay without a key is skipped by the node: say so. */
  if (!relay->has_peer_id)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Not pinned to a key, so not used"));
      gtk_widget_set_visible (self->copy_button, FALSE);
      return GTK_WIDGET (self);
    }

  peer_id = pu_peer_id_to_string (&relay->peer_id);
  short_id = pu_peer_id_to_short (&relay->peer_id);
  /* Translators: %s is the relay's shortened peer ID. */
  subtitle = g_strdup_printf (_("Pinned to %s"), short_id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), peer_id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", peer_id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "win.copy-id");
  return GTK_WIDGET (self);
}
