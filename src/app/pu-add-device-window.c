/* pu-add-device-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-add-device-window.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-pair-session.h"
#include "pu-pairing.h"
#include "pu-qr-paintable.h"
#include "pu-sas-dialog.h"

struct _PuAddDeviceWindow
{
  AdwWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewStack *mode_stack;
  GtkStack *invite_stack;
  GtkLabel *invite_hint;
  GtkPicture *qr_picture;
  GtkLabel *code_label;
  GtkLabel *expiry_label;
  GtkSwitch *short_switch;
  AdwStatusPage *invite_error;
  GtkStack *join_stack;
  AdwEntryRow *join_row;
  GtkLabel *join_message;
  AdwStatusPage *join_error;

  PuApplication *app;
  PuPairSession *invite;
  PuPairSession *join;
  gboolean pairing;      /* told the application */
  guint countdown_id;
};

G_DEFINE_FINAL_TYPE (PuAddDeviceWindow, pu_add_device_window, ADW_TYPE_WINDOW)

static gboolean
session_running (PuPairSession *session)
{
  PuPairSessionState state = pu_pair_session_get_state (session);

  return state != PU_PAIR_SESSION_DONE && state != PU_PAIR_SESSION_FAILED;
}

/* Keeps the tray's "pairing" in step with this window's sessions. */
static void
update_pairing (PuAddDeviceWindow *self)
{
  gboolean pairing = (self->invite != NULL && session_running (self->invite)) ||
                     (self->join != NULL && session_running (self->join));

  if (pairing != self->pairing)
    {
      self->pairing = pairing;
      pu_application_set_pairing (self->app, pairing);
    }
}

static void
drop_session (PuAddDeviceWindow  *self,
              PuPairSession     **session)
{
  if (*session == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*session, self);
  pu_pair_session_cancel (*session);
  g_clear_object (session);
  update_pairing (self);
}

/* Pairing done: compare the emoji next, over the main window. */
static void
paired (PuAddDeviceWindow *self,
        PuPairSession     *session)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  PuProfile *profile = pu_pair_session_get_profile (session);
  const PuPeerId *peer = pu_pair_session_get_peer (session);
  GtkWidget *dialog;

  if (peer != NULL)
    {
      pu_application_notify_paired (self->app, peer, pu_pair_session_get_name (session));
      dialog = pu_sas_dialog_new (parent, profile, peer);
      gtk_window_present (GTK_WINDOW (dialog));
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
countdown_cb (gpointer user_data)
{
  PuAddDeviceWindow *self = user_data;
  const PuInviteCode *code = self->invite != NULL ? pu_pair_session_get_invite_code (self->invite)
                                                  : NULL;
  gint64 left;
  g_autofree char *text = NULL;

  if (code == NULL)
    {
      self->countdown_id = 0;
      return G_SOURCE_REMOVE;
    }
  left = code->expires - g_get_real_time () / G_USEC_PER_SEC;
  if (left <= 0)
    {
      self->countdown_id = 0;
      adw_status_page_set_description (self->invite_error,
                                       _("The code expired before a device joined."));
      gtk_stack_set_visible_child_name (self->invite_stack, "error");
      drop_session (self, &self->invite);
      return G_SOURCE_REMOVE;
    }
  /* Translators: minutes and seconds left, "9:58". */
  text = g_strdup_printf (_("Waiting for the other device; the code works for %d:%02d"),
                          (int) (left / 60), (int) (left % 60));
  gtk_label_set_label (self->expiry_label, text);
  return G_SOURCE_CONTINUE;
}

static void
show_code (PuAddDeviceWindow  *self,
           const PuInviteCode *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuQrPaintable) qr = NULL;
  g_autofree char *text = pu_invite_code_to_string (code);

  gtk_label_set_label (self->code_label, text);
  if (code->kind == PU_INVITE_CODE_FULL)
    {
      g_autofree char *uri = pu_invite_code_to_uri (code);

      qr = pu_qr_paintable_new (uri, &error);
      if (qr == NULL)
        g_message ("%s", error->message);
      gtk_label_set_label (self->invite_hint,
                           _("Scan this code with the other device, or enter the code "
                             "there under Add Device → Join."));
    }
  else
    {
      g_autofree char *relay = pu_relay_addr_to_string (code->relay);
      g_autofree char *hint = NULL;

      /* Translators: %s is a relay address. */
      hint = g_strdup_printf (_("Read this code to the other device; it joins through the "
                                "relay %s."), relay);
      gtk_label_set_label (self->invite_hint, hint);
    }
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  gtk_stack_set_visible_child_name (self->invite_stack, "code");

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
  countdown_cb (self);
}

static void
invite_failed (PuAddDeviceWindow *self,
               const GError      *error)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  adw_status_page_set_description (self->invite_error,
                                   g_error_matches (error, PU_ERROR, PU_ERROR_NOT_FOUND)
                                   ? _("Pairing goes through a relay pinned to its peer ID: "
                                       "add one on the This Device page")
                                   : error->message);
  gtk_stack_set_visible_child_name (self->invite_stack, "error");
}

static void
invite_state_cb (PuAddDeviceWindow *self)
{
  PuPairSession *session = self->invite;

  update_pairing (self);
  switch (pu_pair_session_get_state (session))
    {
    case PU_PAIR_SESSION_CONNECTING:
    case PU_PAIR_SESSION_PAIRING:
      gtk_stack_set_visible_child_name (self->invite_stack, "connecting");
      break;
    case PU_PAIR_SESSION_WAITING:
      show_code (self, pu_pair_session_get_invite_code (session));
      break;
    case PU_PAIR_SESSION_DONE:
      paired (self, session);
      break;
    case PU_PAIR_SESSION_FAILED:
      invite_failed (self, pu_pair_session_get_error (session));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
failures_cb (PuAddDeviceWindow *self)
{
  g_autofree char *text = NULL;
  guint failures = pu_pair_session_get_failures (self->invite);

  /* Translators: a device tried a wrong code; %u of %u attempts. */
  text = g_strdup_printf (_("A device tried a wrong code (%u of %u attempts)"), failures,
                          PU_PAIRING_MAX_FAILURES);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
start_invite (PuAddDeviceWindow *self)
{
  g_autoptr(GError) error = NULL;
  PuProfile *profile = pu_application_get_profile (self->app);

  drop_session (self, &self->invite);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (profile == NULL)
    return;
  self->invite = pu_pair_session_invite (profile, NULL, PU_PAIR_SESSION_DEFAULT_TTL_SECONDS,
                                         gtk_switch_get_active (self->short_switch), &error);
  if (self->invite == NULL)
    {
      invite_failed (self, error);
      return;
    }
  g_signal_connect_swapped (self->invite, "notify::state", G_CALLBACK (invite_state_cb), self);
  g_signal_connect_swapped (self->invite, "notify::failures", G_CALLBACK (failures_cb), self);
  invite_state_cb (self);
}

static void
short_changed_cb (PuAddDeviceWindow *self)
{
  start_invite (self);
}

static void
retry_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_invite (PU_ADD_DEVICE_WINDOW (widget));
}

static void
copy_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PuAddDeviceWindow *self = PU_ADD_DEVICE_WINDOW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          gtk_label_get_label (self->code_label));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Code copied")));
}

/* The code as typed so far, checked at each change. */
static PuInviteCode *
parse_join_code (PuAddDeviceWindow  *self,
                 GError            **error)
{
  return pu_invite_code_parse (gtk_editable_get_text (GTK_EDITABLE (self->join_row)), error);
}

static void
join_changed_cb (PuAddDeviceWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuInviteCode) code = parse_join_code (self, &error);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->join_row));
  gboolean empty = *text == '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.start", code != NULL);
  if (code == NULL || pu_invite_code_check_expiry (code, g_get_real_time () / G_USEC_PER_SEC,
                                                   &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->join_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->join_message), "error");
    }
  if (code != NULL && error == NULL)
    {
      gtk_label_set_label (self->join_message, code->kind == PU_INVITE_CODE_FULL
                                               ? _("The code looks right.")
                                               : _("A short code: joining through this "
                                                   "device's relay."));
      gtk_widget_add_css_class (GTK_WIDGET (self->join_message), "success");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->join_message), "success");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.start", FALSE);
  gtk_label_set_label (self->join_message, empty ? "" : error->message);
  if (!empty)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->join_row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->join_message), "error");
    }
}

static void
join_failed (PuAddDeviceWindow *self,
             const GError      *error)
{
  adw_status_page_set_description (self->join_error,
                                   g_error_matches (error, PU_ERROR, PU_ERROR_NOT_FOUND)
                                   ? _("A short code needs the inviting device's relay: use the "
                                       "full code or add the relay first")
                                   : error->message);
  gtk_stack_set_visible_child_name (self->join_stack, "error");
}

static void
join_state_cb (PuAddDeviceWindow *self)
{
  PuPairSession *session = self->join;

  update_pairing (self);
  switch (pu_pair_session_get_state (session))
    {
    case PU_PAIR_SESSION_CONNECTING:
    case PU_PAIR_SESSION_PAIRING:
    case PU_PAIR_SESSION_WAITING:
      gtk_stack_set_visible_child_name (self->join_stack, "pairing");
      break;
    case PU_PAIR_SESSION_DONE:
      paired (self, session);
      break;
    case PU_PAIR_SESSION_FAILED:
      join_failed (self, pu_pair_session_get_error (session));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
start_join (PuAddDeviceWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuInviteCode) code = parse_join_code (self, NULL);
  PuProfile *profile = pu_application_get_profile (self->app);

  if (code == NULL || profile == NULL)
    return;
  /* One side at a time: this device joins, so its own invite ends. */
  drop_session (self, &self->invite);
  drop_session (self, &self->join);
  self->join = pu_pair_session_join (profile,
                                     gtk_editable_get_text (GTK_EDITABLE (self->join_row)),
                                     NULL, NULL, &error);
  if (self->join == NULL)
    {
      join_failed (self, error);
      return;
    }
  g_signal_connect_swapped (self->join, "notify::state", G_CALLBACK (join_state_cb), self);
  join_state_cb (self);
}

static void
join_activated_cb (PuAddDeviceWindow *self)
{
  start_join (self);
}

static void
join_start_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  start_join (PU_ADD_DEVICE_WINDOW (widget));
}

static void
join_cancel_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PuAddDeviceWindow *self = PU_ADD_DEVICE_WINDOW (widget);

  drop_session (self, &self->join);
  gtk_stack_set_visible_child_name (self->join_stack, "entry");
  gtk_widget_grab_focus (GTK_WIDGET (self->join_row));
}

/* Invite while Invite is shown; leaving it for Join ends the invite. */
static void
mode_changed_cb (PuAddDeviceWindow *self)
{
  const char *mode = adw_view_stack_get_visible_child_name (self->mode_stack);

  if (g_strcmp0 (mode, "invite") == 0 && self->invite == NULL && self->join == NULL)
    start_invite (self);
  else if (g_strcmp0 (mode, "join") == 0)
    {
      drop_session (self, &self->invite);
      g_clear_handle_id (&self->countdown_id, g_source_remove);
    }
}

static void
pu_add_device_window_dispose (GObject *object)
{
  PuAddDeviceWindow *self = PU_ADD_DEVICE_WINDOW (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  drop_session (self, &self->invite);
  drop_session (self, &self->join);
  g_clear_object (&self->app);
  gtk_widget_dispose_template (GTK_WIDGET (object), PU_TYPE_ADD_DEVICE_WINDOW);

  G_OBJECT_CLASS (pu_add_device_window_parent_class)->dispose (object);
}

static void
pu_add_device_window_class_init (PuAddDeviceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pu_add_device_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/peerup/PeerUp/pu-add-device-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, invite_stack);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, invite_hint);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, code_label);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, short_switch);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, invite_error);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, join_stack);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, join_row);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, join_message);
  gtk_widget_class_bind_template_child (widget_class, PuAddDeviceWindow, join_error);
  gtk_widget_class_bind_template_callback (widget_class, short_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, join_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, join_activated_cb);

  gtk_widget_class_install_action (widget_class, "invite.retry", NULL, retry_activated);
  gtk_widget_class_install_action (widget_class, "invite.copy", NULL, copy_activated);
  gtk_widget_class_install_action (widget_class, "join.start", NULL, join_start_activated);
  gtk_widget_class_install_action (widget_class, "join.cancel", NULL, join_cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pu_add_device_window_init (PuAddDeviceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.start", FALSE);
}

PuAddDeviceWindow *
pu_add_device_window_new (GtkWindow     *parent,
                          PuApplication *app,
                          const char    *code)
{
  PuAddDeviceWindow *self;

  g_return_val_if_fail (PU_IS_APPLICATION (app), NULL);

  self = g_object_new (PU_TYPE_ADD_DEVICE_WINDOW, "transient-for", parent, NULL);
  self->app = g_object_ref (app);
  if (code != NULL)
    {
      adw_view_stack_set_visible_child_name (self->mode_stack, "join");
      gtk_editable_set_text (GTK_EDITABLE (self->join_row), code);
      start_join (self);
    }
  else
    {
      start_invite (self);
    }
  g_signal_connect_swapped (self->mode_stack, "notify::visible-child",
                            G_CALLBACK (mode_changed_cb), self);
  return self;
}
