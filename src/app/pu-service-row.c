/* pu-service-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-service-row.h"

#include <glib/gi18n-lib.h>

struct _PuServiceRow
{
  AdwActionRow parent_instance;

  GtkLabel *state_label;
};

G_DEFINE_FINAL_TYPE (PuServiceRow, pu_service_row, ADW_TYPE_ACTION_ROW)

static void
pu_service_row_class_init (PuServiceRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-service-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PuServiceRow, state_label);
}

static void
pu_service_row_init (PuServiceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* "All authorized devices", or "Only laptop, 12D3KooW…XyZ9". */
static char *
describe_allowed (const PuService *service,
                  PuConfig        *config)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (service->allowed == NULL || service->allowed[0] == NULL)
    return g_strdup (_("All authorized devices"));

  for (guint i = 0; service->allowed[i] != NULL; i++)
    {
      const char *allowed = service->allowed[i];
      g_autofree char *short_id = NULL;
      PuPeerId peer;

      /* A name stays as written; an ID reads better as its name, if any. */
      if (pu_peer_id_parse (allowed, &peer, NULL))
        {
          allowed = pu_config_name_for_peer (config, &peer);
          if (allowed == NULL)
            allowed = short_id = pu_peer_id_to_short (&peer);
        }
      if (names->len > 0)
        /* Translators: between the devices that may use a service. */
        g_string_append (names, _(", "));
      g_string_append (names, allowed);
    }
  /* Translators: %s lists the devices that may use a service. */
  return g_strdup_printf (_("Only %s"), names->str);
}

GtkWidget *
pu_service_row_new (const PuService *service,
                    PuConfig        *config)
{
  PuServiceRow *self;
  g_autofree char *address = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (PU_IS_CONFIG (config), NULL);

  self = g_object_new (PU_TYPE_SERVICE_ROW, NULL);
  address = pu_service_get_address (service);
  allowed = describe_allowed (service, config);
  subtitle = g_strdup_printf ("%s\n%s", address, allowed);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), service->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  if (service->enabled)
    {
      gtk_label_set_label (self->state_label, _("Enabled"));
    }
  else
    {
      gtk_label_set_label (self->state_label, _("Disabled"));
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "dim-label");
    }
  return GTK_WIDGET (self);
}
