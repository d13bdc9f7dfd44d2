/* pu-service-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-service-dialog.h"

#include <glib/gi18n-lib.h>

#include "pu-edit.h"
#include "pu-service.h"

typedef struct {
  const char *label;    /* translatable */
  const char *name;
  const char *address;
} Template;

static const Template templates[] = {
  { N_("SSH"), "ssh", "127.0.0.1:22" },
  { N_("Remote Desktop (RDP)"), "rdp", "127.0.0.1:3389" },
  { N_("Web (port 80)"), "web", "127.0.0.1:80" },
  { N_("Web (port 8080)"), "web", "127.0.0.1:8080" },
  { N_("Ollama"), "ollama", "127.0.0.1:11434" },
  { N_("Jellyfin"), "jellyfin", "127.0.0.1:8096" },
  { N_("Minecraft"), "minecraft", "127.0.0.1:25565" },
  { N_("Custom"), "", "127.0.0.1:" },
};

struct _PuServiceDialog
{
  AdwWindow parent_instance;

  AdwComboRow *template_row;
  AdwEntryRow *name_row;
  AdwEntryRow *address_row;
  GtkLabel *message_label;
  GtkWidget *add_button;
  GtkSpinner *spinner;

  PuProfile *profile;
  GCancellable *cancellable;
  /* Nothing answered at this address and the user was told. */
  char *unanswered;
};

G_DEFINE_FINAL_TYPE (PuServiceDialog, pu_service_dialog, ADW_TYPE_WINDOW)

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_message (PuServiceDialog *self,
             const char      *text,
             const char      *css_class)
{
  gtk_label_set_label (self->message_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "warning");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), css_class);
}

static void
set_checking (PuServiceDialog *self,
              gboolean         checking)
{
  gtk_spinner_set_spinning (self->spinner, checking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !checking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), !checking);
}

static PuService *
validate (PuServiceDialog  *self,
          GError          **error)
{
  return pu_service_new (row_text (self->name_row), row_text (self->address_row), error);
}

static void
entry_changed_cb (PuServiceDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuService) service = validate (self, &error);

  g_clear_pointer (&self->unanswered, g_free);
  gtk_button_set_label (GTK_BUTTON (self->add_button), _("_Add"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "service.add", service != NULL);
  set_message (self, service != NULL || *row_text (self->name_row) == '\0' ? "" : error->message,
               "error");
}

static void
template_changed_cb (PuServiceDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->template_row);

  if (selected >= G_N_ELEMENTS (templates))
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), templates[selected].name);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), templates[selected].address);
}

static void
add (PuServiceDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!pu_edit_add_service (self->profile, row_text (self->name_row),
                            row_text (self->address_row), &error))
    {
      set_message (self, error->message, "error");
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PuServiceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *text = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_checking (self, FALSE);
  if (connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      add (self);
      return;
    }
  /* Translators: %s is an address, then why nothing answered there. */
  text = g_strdup_printf (_("Nothing answers at %s (%s). Start the service first, or add it "
                            "anyway."), row_text (self->address_row), error->message);
  set_message (self, text, "warning");
  self->unanswered = g_strdup (row_text (self->address_row));
  gtk_button_set_label (GTK_BUTTON (self->add_button), _("_Add Anyway"));
}

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PuServiceDialog *self = PU_SERVICE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuService) service = validate (self, &error);
  g_autoptr(GSocketClient) client = NULL;
  g_autofree char *address = NULL;

  if (service == NULL)
    {
      set_message (self, error->message, "error");
      return;
    }
  /* Told once; the second press adds it. */
  if (g_strcmp0 (self->unanswered, row_text (self->address_row)) == 0)
    {
      add (self);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, PU_SERVICE_CHECK_SECONDS);
  address = pu_service_get_address (service);
  set_checking (self, TRUE);
  set_message (self, _("Checking that the service answers…"), NULL);
  g_socket_client_connect_to_host_async (client, address, service->port, self->cancellable,
                                         connected_cb, g_object_ref (self));
}

static void
address_activated_cb (PuServiceDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "service.add", NULL);
}

static void
pu_service_dialog_dispose (GObject *object)
{
  PuServiceDialog *self = PU_SERVICE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile);
  gtk_widget_dispose_template (GTK_WIDGET (object), PU_TYPE_SERVICE_DIALOG);

  G_OBJECT_CLASS (pu_service_dialog_parent_class)->dispose (object);
}

static void
pu_service_dialog_finalize (GObject *object)
{
  g_free (PU_SERVICE_DIALOG (object)->unanswered);

  G_OBJECT_CLASS (pu_service_dialog_parent_class)->finalize (object);
}

static void
pu_service_dialog_class_init (PuServiceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pu_service_dialog_dispose;
  object_class->finalize = pu_service_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-service-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, template_row);
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, PuServiceDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, template_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_activated_cb);

  gtk_widget_class_install_action (widget_class, "service.add", NULL, add_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pu_service_dialog_init (PuServiceDialog *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    gtk_string_list_append (model, _(templates[i].label));
  adw_combo_row_set_model (self->template_row, G_LIST_MODEL (model));
  template_changed_cb (self);
}

PuServiceDialog *
pu_service_dialog_new (GtkWindow *parent,
                       PuProfile *profile)
{
  PuServiceDialog *self;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);

  self = g_object_new (PU_TYPE_SERVICE_DIALOG, "transient-for", parent, NULL);
  self->profile = g_object_ref (profile);
  return self;
}
