/* pu-peer-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-peer-row.h"

#include <glib/gi18n-lib.h>

#include "pu-time.h"

#define MINUTE 60
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

struct _PuPeerRow
{
  AdwActionRow parent_instance;

  GtkLabel *state_label;
  GtkLabel *verified_label;
  GtkLabel *expiry_label;
  GtkWidget *copy_button;
};

G_DEFINE_FINAL_TYPE (PuPeerRow, pu_peer_row, ADW_TYPE_ACTION_ROW)

static void
pu_peer_row_class_init (PuPeerRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-peer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PuPeerRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, PuPeerRow, verified_label);
  gtk_widget_class_bind_template_child (widget_class, PuPeerRow, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, PuPeerRow, copy_button);
}

static void
pu_peer_row_init (PuPeerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* "Expires in 3 days": the largest unit, rounded to the nearest. */
static char *
describe_expiry (gint64 expires,
                 gint64 now)
{
  gint64 left = expires - now;
  int n;

  if (left >= DAY)
    {
      n = (int) MIN ((left + DAY / 2) / DAY, G_MAXINT);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Expires in %d day",
                                           "Expires in %d days", n), n);
    }
  if (left >= HOUR)
    {
      n = (int) ((left + HOUR / 2) / HOUR);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Expires in %d hour",
                                           "Expires in %d hours", n), n);
    }
  if (left >= MINUTE)
    {
      n = (int) ((left + MINUTE / 2) / MINUTE);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Expires in %d minute",
                                           "Expires in %d minutes", n), n);
    }
  return g_strdup (_("Expires in less than a minute"));
}

static void
show_expiry (PuPeerRow *self,
             gint64     expires,
             gint64     now)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (expires == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), FALSE);
      return;
    }

  if (expires <= now)
    {
      text = g_strdup (_("Expired"));
      gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "error");
    }
  else
    {
      text = describe_expiry (expires, now);
      gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "dim-label");
    }
  gtk_label_set_label (self->expiry_label, text);

  when = g_date_time_new_from_unix_local (expires);
  if (when != NULL)
    {
      g_autofree char *date = g_date_time_format (when, "%c");

      /* Translators: %s is a date and time. */
      tooltip = g_strdup_printf (expires <= now ? _("Expired on %s") : _("Expires on %s"), date);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->expiry_label), tooltip);
    }
}

static void
show_verified (PuPeerRow  *self,
               const char *verified)
{
  if (verified != NULL)
    {
      gtk_label_set_label (self->verified_label, _("Verified"));
      gtk_widget_add_css_class (GTK_WIDGET (self->verified_label), "success");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->verified_label),
                                   _("The security code was compared on both devices"));
    }
  else
    {
      gtk_label_set_label (self->verified_label, _("Unverified"));
      gtk_widget_add_css_class (GTK_WIDGET (self->verified_label), "dim-label");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->verified_label),
                                   _("The security code was never compared on both devices"));
    }
}

/* "Online, direct" / "Offline, seen 5m ago" */
static void
show_state (PuPeerRow             *self,
            const PuNodePeerState *state,
            gint64                 last_seen,
            gint64                 now)
{
  g_autofree char *text = NULL;
  GtkWidget *label = GTK_WIDGET (self->state_label);

  if (state != NULL && state->n_connections > 0)
    {
      text = g_strdup (state->path == PU_PATH_KIND_DIRECT ? _("Online, direct")
                                                          : _("Online, relayed"));
      gtk_widget_add_css_class (label, "success");
    }
  else if (last_seen > 0)
    {
      g_autofree char *ago = pu_duration_format (MAX (now - last_seen, 1));

      /* Translators: %s is a duration, "5m" or "2d 3h". */
      text = g_strdup_printf (_("Offline, seen %s ago"), ago);
      gtk_widget_add_css_class (label, "dim-label");
    }
  else
    {
      text = g_strdup (_("Offline"));
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_label_set_label (self->state_label, text);
}

GtkWidget *
pu_peer_row_new (const PuTrustEntry    *entry,
                 PuConfig              *config,
                 gint64                 now,
                 const PuNodePeerState *state,
                 gint64                 last_seen)
{
  PuPeerRow *self;
  g_autofree char *peer_id = NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *copy_label = NULL;
  const char *name;
  GString *subtitle;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (PU_IS_CONFIG (config), NULL);

  self = g_object_new (PU_TYPE_PEER_ROW, NULL);
  peer_id = pu_peer_id_to_string (&entry->peer_id);
  short_id = pu_peer_id_to_short (&entry->peer_id);
  name = pu_config_name_for_peer (config, &entry->peer_id);

  /* The name if it has one, then the ID; the comment below. */
  subtitle = g_string_new (NULL);
  if (name != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
      g_string_append (subtitle, short_id);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), short_id);
    }
  if (entry->comment != NULL)
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? "\n" : "", entry->comment);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);
  g_string_free (subtitle, TRUE);

  show_state (self, state, last_seen, now);
  show_verified (self, entry->verified);
  show_expiry (self, entry->expires, now);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", peer_id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "win.show-peer");

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), peer_id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", peer_id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "win.copy-id");
  /* Translators: %s is a device name or a shortened peer ID. */
  copy_label = g_strdup_printf (_("Copy the peer ID of %s"), name != NULL ? name : short_id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  return GTK_WIDGET (self);
}
