/* pu-tray.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-tray.h"

#include <glib/gi18n-lib.h>

#include "pu-dbus-menu.h"
#include "pu-status-notifier.h"

/* Drawn for this app (data/icons/hicolor/symbolic/status); the application ID
 * prefix lets a Flatpak export them. */
static const char * const state_icons[] = {
  [PU_TRAY_STATE_OFFLINE] = PU_APP_ID "-offline-symbolic",
  [PU_TRAY_STATE_ONLINE] = PU_APP_ID "-online-symbolic",
  [PU_TRAY_STATE_RELAYED] = PU_APP_ID "-relayed-symbolic",
  [PU_TRAY_STATE_PAIRING] = PU_APP_ID "-pairing-symbolic",
};

struct _PuTray
{
  GObject parent_instance;

  GActionGroup *actions;
  PuNode *node;
  PuProfile *profile;  /* the node's, watched for new names */
  gboolean pairing;

  GMenu *menu;
  GMenu *peers_section;
  PuDbusMenu *dbus_menu;
  PuStatusNotifier *notifier;

  PuTrayState state;
  char *summary;
  char *peers_key;  /* what the peers section shows, to skip rebuilding it */
};

G_DEFINE_FINAL_TYPE (PuTray, pu_tray, G_TYPE_OBJECT)

static gboolean
is_paused (PuTray *self)
{
  g_autoptr(GVariant) state = NULL;

  if (!g_action_group_has_action (self->actions, "pause"))
    return FALSE;
  state = g_action_group_get_action_state (self->actions, "pause");
  return state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN)
         && g_variant_get_boolean (state);
}

/* A name as a menu label: '_' would mark an access key. */
static char *
escape_label (const char *text)
{
  GString *label = g_string_new (text);

  g_string_replace (label, "_", "__", 0);
  return g_string_free (label, FALSE);
}

static char *
peer_item_label (PuTray                *self,
                 const PuPeerId        *peer,
                 const PuNodePeerState *state,
                 gboolean               connected)
{
  g_autofree char *name = pu_node_dup_peer_label (self->node, peer);
  g_autofree char *escaped = escape_label (name);

  if (!connected)
    /* Translators: a device in the tray menu, e.g. "laptop: not connected". */
    return g_strdup_printf (_("%s: not connected"), escaped);
  if (state->path == PU_PATH_KIND_DIRECT)
    /* Translators: a device in the tray menu reached on a direct path. */
    return g_strdup_printf (_("%s: direct"), escaped);
  /* Translators: a device in the tray menu reached only through the relay. */
  return g_strdup_printf (_("%s: through the relay"), escaped);
}

/* A device in the menu has the icon of the state it puts the tray in. */
static PuTrayState
peer_icon_state (const PuNodePeerState *state,
                 gboolean               connected)
{
  if (!connected)
    return PU_TRAY_STATE_OFFLINE;
  return state->path == PU_PATH_KIND_DIRECT ? PU_TRAY_STATE_ONLINE : PU_TRAY_STATE_RELAYED;
}

/* Fills the peers section (when it changed); counts connected and relayed
 * peers. */
static void
update_peers (PuTray *self,
              guint  *n_connected,
              guint  *n_relayed)
{
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) key = g_string_new (NULL);

  *n_connected = *n_relayed = 0;
  if (self->node != NULL)
    entries = pu_trust_store_list (pu_profile_get_trust_store (self->profile));

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const PuTrustEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *id = pu_peer_id_to_string (&entry->peer_id);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;
      g_autoptr(GIcon) icon = NULL;
      PuNodePeerState state = { 0 };
      gboolean connected;

      connected = pu_node_get_peer_state (self->node, &entry->peer_id, &state);
      if (connected)
        {
          (*n_connected)++;
          if (state.path != PU_PATH_KIND_DIRECT)
            (*n_relayed)++;
        }
      label = peer_item_label (self, &entry->peer_id, &state, connected);
      g_string_append_printf (key, "%s\n%s\n", id, label);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "app.show-peer", "s", id);
      icon = g_themed_icon_new (state_icons[peer_icon_state (&state, connected)]);
      g_menu_item_set_icon (item, icon);
      g_menu_append_item (section, item);
    }

  if (g_strcmp0 (key->str, self->peers_key) == 0)
    return;
  g_free (self->peers_key);
  self->peers_key = g_strdup (key->str);

  /* One change for the whole section, not one per device. */
  g_menu_remove_all (self->peers_section);
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
    g_menu_append_section (self->peers_section, NULL, G_MENU_MODEL (section));
}

static char *
summarize (PuTray *self,
           guint   n_connected,
           guint   n_relayed)
{
  switch (self->state)
    {
    case PU_TRAY_STATE_PAIRING:
      return g_strdup (_("Pairing a new device…"));
    case PU_TRAY_STATE_OFFLINE:
      if (is_paused (self))
        return g_strdup (_("Paused: devices cannot reach this one"));
      return g_strdup (_("Offline: no relay can be reached"));
    case PU_TRAY_STATE_RELAYED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u device connected, %u through the relay",
                                           "%u devices connected, %u through the relay",
                                           n_connected),
                              n_connected, n_relayed);
    case PU_TRAY_STATE_ONLINE:
    default:
      if (n_connected == 0)
        return g_strdup (_("Online, no device connected"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u device connected directly",
                                           "%u devices connected directly",
                                           n_connected),
                              n_connected);
    }
}

void
pu_tray_update (PuTray *self)
{
  guint n_connected, n_relayed;

  g_return_if_fail (PU_IS_TRAY (self));

  update_peers (self, &n_connected, &n_relayed);
  if (self->pairing)
    self->state = PU_TRAY_STATE_PAIRING;
  else if (self->node == NULL || is_paused (self)
           || pu_node_get_n_relays_connected (self->node) == 0)
    self->state = PU_TRAY_STATE_OFFLINE;
  else if (n_relayed > 0)
    self->state = PU_TRAY_STATE_RELAYED;
  else
    self->state = PU_TRAY_STATE_ONLINE;

  g_free (self->summary);
  self->summary = summarize (self, n_connected, n_relayed);
  pu_status_notifier_set_icon_name (self->notifier, state_icons[self->state]);
  pu_status_notifier_set_tooltip (self->notifier, _("Peer Up"), self->summary);
  pu_status_notifier_set_status (self->notifier,
                                 self->state == PU_TRAY_STATE_PAIRING
                                 ? PU_STATUS_NOTIFIER_NEEDS_ATTENTION
                                 : PU_STATUS_NOTIFIER_ACTIVE);
}

static void
on_node_changed (PuTray *self)
{
  pu_tray_update (self);
}

static void
on_action_state_changed (GActionGroup *group,
                         const char   *name,
                         GVariant     *state,
                         PuTray       *self)
{
  if (g_str_equal (name, "pause"))
    pu_tray_update (self);
}

static void
on_activate (PuStatusNotifier *notifier,
             int               x,
             int               y,
             PuTray           *self)
{
  if (g_action_group_has_action (self->actions, "show-window"))
    g_action_group_activate_action (self->actions, "show-window", NULL);
}

static void
build_menu (PuTray *self)
{
  g_autoptr(GMenu) top = g_menu_new ();
  g_autoptr(GMenu) controls = g_menu_new ();
  g_autoptr(GMenu) quit = g_menu_new ();
  g_autoptr(GMenuItem) pause = g_menu_item_new (_("_Pause"), "app.pause");

  self->menu = g_menu_new ();
  self->peers_section = g_menu_new ();

  g_menu_append (top, _("_Show Peer Up"), "app.show-window");
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (top));
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (self->peers_section));
  g_menu_append (controls, _("_Add Device…"), "app.add-device");
  g_menu_append_item (controls, pause);
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (controls));
  g_menu_append (quit, _("_Quit"), "app.quit");
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (quit));
}

static void
disconnect_node (PuTray *self)
{
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  g_clear_object (&self->node);
  g_clear_object (&self->profile);
}

static void
pu_tray_dispose (GObject *object)
{
  PuTray *self = PU_TRAY (object);

  disconnect_node (self);
  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);
  g_clear_object (&self->notifier);
  g_clear_object (&self->dbus_menu);
  g_clear_object (&self->actions);
  g_clear_object (&self->peers_section);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (pu_tray_parent_class)->dispose (object);
}

static void
pu_tray_finalize (GObject *object)
{
  PuTray *self = PU_TRAY (object);

  g_free (self->summary);
  g_free (self->peers_key);

  G_OBJECT_CLASS (pu_tray_parent_class)->finalize (object);
}

static void
pu_tray_class_init (PuTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_tray_dispose;
  object_class->finalize = pu_tray_finalize;
}

static void
pu_tray_init (PuTray *self)
{
  build_menu (self);
}

PuTray *
pu_tray_new (GDBusConnection  *connection,
             GActionGroup     *actions,
             GError          **error)
{
  g_autoptr(PuTray) self = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PU_TYPE_TRAY, NULL);
  self->actions = g_object_ref (actions);
  g_signal_connect (actions, "action-state-changed", G_CALLBACK (on_action_state_changed), self);

  self->dbus_menu = pu_dbus_menu_new (G_MENU_MODEL (self->menu));
  pu_dbus_menu_insert_action_group (self->dbus_menu, "app", actions);
  if (!pu_dbus_menu_export (self->dbus_menu, connection, PU_TRAY_MENU_PATH, error))
    return NULL;
  self->notifier = pu_status_notifier_new (connection, PU_APP_ID, PU_TRAY_MENU_PATH, error);
  if (self->notifier == NULL)
    return NULL;
  g_signal_connect (self->notifier, "activate", G_CALLBACK (on_activate), self);
  pu_status_notifier_set_title (self->notifier, _("Peer Up"));
  pu_tray_update (self);
  return g_steal_pointer (&self);
}

void
pu_tray_set_node (PuTray *self,
                  PuNode *node)
{
  g_return_if_fail (PU_IS_TRAY (self));
  g_return_if_fail (node == NULL || PU_IS_NODE (node));

  if (self->node == node)
    return;
  disconnect_node (self);
  if (node != NULL)
    {
      self->node = g_object_ref (node);
      self->profile = g_object_ref (pu_node_get_profile (node));
      g_signal_connect_swapped (node, "peer-changed", G_CALLBACK (on_node_changed), self);
      g_signal_connect_swapped (node, "relay-changed", G_CALLBACK (on_node_changed), self);
      g_signal_connect_swapped (self->profile, "config-changed", G_CALLBACK (on_node_changed),
                                self);
    }
  pu_tray_update (self);
}

void
pu_tray_set_pairing (PuTray   *self,
                     gboolean  pairing)
{
  g_return_if_fail (PU_IS_TRAY (self));

  if (self->pairing == !!pairing)
    return;
  self->pairing = !!pairing;
  pu_tray_update (self);
}

PuTrayState
pu_tray_get_state (PuTray *self)
{
  g_return_val_if_fail (PU_IS_TRAY (self), PU_TRAY_STATE_OFFLINE);

  return self->state;
}

const char *
pu_tray_get_summary (PuTray *self)
{
  g_return_val_if_fail (PU_IS_TRAY (self), NULL);

  return self->summary;
}

GMenuModel *
pu_tray_get_menu (PuTray *self)
{
  g_return_val_if_fail (PU_IS_TRAY (self), NULL);

  return G_MENU_MODEL (self->menu);
}
