/* pu-service-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-service-row.h"

#include <glib/gi18n-lib.h>

struct _PuServiceRow
{
  AdwActionRow parent_instance;

  GtkSwitch *enabled_switch;
  GtkWidget *access_button;
  GtkWidget *remove_button;
  char *name;
};

G_DEFINE_FINAL_TYPE (PuServiceRow, pu_service_row, ADW_TYPE_ACTION_ROW)

static void
pu_service_row_finalize (GObject *object)
{
  g_free (PU_SERVICE_ROW (object)->name);

  G_OBJECT_CLASS (pu_service_row_parent_class)->finalize (object);
}

static void
pu_service_row_class_init (PuServiceRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pu_service_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-service-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PuServiceRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, PuServiceRow, access_button);
  gtk_widget_class_bind_template_child (widget_class, PuServiceRow, remove_button);
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

static void
switch_changed_cb (PuServiceRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.enable-service", "(sb)", self->name,
                              gtk_switch_get_active (self->enabled_switch));
}

GtkWidget *
pu_service_row_new (const PuService *service,
                    PuConfig        *config)
{
  PuServiceRow *self;
  g_autofree char *address = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (PU_IS_CONFIG (config), NULL);

  self = g_object_new (PU_TYPE_SERVICE_ROW, NULL);
  address = pu_service_get_address (service);
  allowed = describe_allowed (service, config);
  subtitle = g_strdup_printf ("%s\n%s", address, allowed);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), service->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  self->name = g_strdup (service->name);
  gtk_switch_set_active (self->enabled_switch, service->enabled);
  g_signal_connect_swapped (self->enabled_switch, "notify::active",
                            G_CALLBACK (switch_changed_cb), self);
  /* Translators: %s is a service name. */
  label = g_strdup_printf (_("Share %s"), service->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enabled_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_free (label);
  /* Translators: %s is a service name. */
  label = g_strdup_printf (_("Choose who may use %s"), service->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->access_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->access_button), "s", service->name);
  g_free (label);
  /* Translators: %s is a service name. */
  label = g_strdup_printf (_("Remove %s"), service->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", service->name);
  return GTK_WIDGET (self);
}
