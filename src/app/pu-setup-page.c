/* pu-setup-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-setup-page.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-application.h"
#include "pu-invite-code.h"
#include "pu-label.h"
#include "pu-window.h"

struct _PuSetupPage
{
  AdwBin parent_instance;

  AdwEntryRow *name_row;
  AdwEntryRow *code_row;
  AdwEntryRow *relay_row;
  GtkSwitch *host_switch;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (PuSetupPage, pu_setup_page, ADW_TYPE_BIN)

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
show_error (PuSetupPage *self,
            AdwEntryRow *row,
            const char  *message)
{
  if (row != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Checks what was typed so far; the button works only when all is well. */
static gboolean
validate (PuSetupPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  const char *code_text = row_text (self->code_row);
  const char *relay_text = row_text (self->relay_row);

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->relay_row), "error");
  show_error (self, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.set-up", FALSE);

  if (!pu_label_validate (row_text (self->name_row), _("device name"), &error))
    {
      /* An empty name is not an error yet, just not done. */
      if (*row_text (self->name_row) != '\0')
        show_error (self, self->name_row, error->message);
      return FALSE;
    }
  if (*code_text != '\0')
    {
      code = pu_invite_code_parse (code_text, &error);
      if (code != NULL && code->kind != PU_INVITE_CODE_FULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             _("A short code needs a relay this device does not have yet: "
                               "use the full code"));
      if (error != NULL)
        {
          show_error (self, self->code_row, error->message);
          return FALSE;
        }
    }
  if (*relay_text != '\0')
    {
      relay = pu_relay_addr_parse (relay_text, NULL, &error);
      if (relay != NULL && !relay->has_peer_id)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             _("Give the relay's address with its peer ID, as “peerup relay "
                               "info” prints it on the relay"));
      if (error != NULL)
        {
          show_error (self, self->relay_row, error->message);
          return FALSE;
        }
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.set-up", TRUE);
  return TRUE;
}

static void
set_up_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PuSetupPage *self = PU_SETUP_PAGE (widget);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  PuApplication *app;
  const char *relay = row_text (self->relay_row);

  if (!validate (self) || !PU_IS_WINDOW (root))
    return;
  app = PU_APPLICATION (gtk_window_get_application (GTK_WINDOW (root)));
  /* Read once the device exists: the relay starts with it. */
  if (gtk_switch_get_active (self->host_switch))
    {
      g_autoptr(GSettings) settings = g_settings_new (PU_APP_ID);

      g_settings_set_boolean (settings, "host-relay", TRUE);
    }
  if (!pu_application_set_up (app, row_text (self->name_row), *relay != '\0' ? relay : NULL,
                              &error))
    {
      show_error (self, NULL, error->message);
      return;
    }
  /* The code brings the relay: pairing with it is the last step. */
  if (*row_text (self->code_row) != '\0')
    pu_window_join (PU_WINDOW (root), row_text (self->code_row));
}

/* Enter in any field sets the device up once all is well. */
static void
entry_activated_cb (PuSetupPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "setup.set-up", NULL);
}

static void
pu_setup_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PU_TYPE_SETUP_PAGE);

  G_OBJECT_CLASS (pu_setup_page_parent_class)->dispose (object);
}

void
pu_setup_page_set_code (PuSetupPage *self,
                        const char  *code)
{
  g_return_if_fail (PU_IS_SETUP_PAGE (self));
  g_return_if_fail (code != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), code);
}

static void
pu_setup_page_class_init (PuSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pu_setup_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PuSetupPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, PuSetupPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, PuSetupPage, relay_row);
  gtk_widget_class_bind_template_child (widget_class, PuSetupPage, host_switch);
  gtk_widget_class_bind_template_child (widget_class, PuSetupPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.set-up", NULL, set_up_activated);
}

/* The host name, when it makes a valid device name. */
static char *
suggest_name (void)
{
  g_autofree char *host = g_ascii_strdown (g_get_host_name (), -1);
  char *dot = strchr (host, '.');

  if (dot != NULL)
    *dot = '\0';
  return pu_label_is_valid (host, -1) ? g_steal_pointer (&host) : g_strdup ("");
}

static void
pu_setup_page_init (PuSetupPage *self)
{
  g_autofree char *name = suggest_name ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  validate (self);
}
