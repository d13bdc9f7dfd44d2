/* pu-cli-daemon.c — `peerup daemon`: this device serving, headless
 *
 * Runs a serving node in the foreground and logs what happens to it with
 * GLib structured logging (the journal under systemd, stderr otherwise).
 * config.ini is watched: services added, removed, enabled or disabled with
 * `peerup service …` (through the control API, or by editing the file) apply
 * to the next connection without a restart, and are logged. The
 * control API (dev.peerup.PeerUp1) answers `peerup status` and other clients
 * on the private socket and the session bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-control.h"
#include "pu-node.h"
#include "pu-relay-client.h"

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static void
log_service (const char      *what,
             const PuService *service)
{
  g_autofree char *address = pu_service_get_address (service);

  g_message ("Service %s %s (%s, %s)", service->name, what, address,
             service->enabled ? "enabled" : "disabled");
}

/* The services as last logged, and the config whose changes are followed:
 * its own (made through the control API) and those of config.ini. */
typedef struct {
  GHashTable *services; /* name → PuService */
  PuConfig   *config;
} Watch;

static void
watch_clear (Watch *watch)
{
  if (watch->config != NULL)
    g_signal_handlers_disconnect_by_data (watch->config, watch);
  g_clear_object (&watch->config);
  g_clear_pointer (&watch->services, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Watch, watch_clear)

static GHashTable *
services_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                (GDestroyNotify) pu_service_free);
}

/* Says what changed in the services since last time. */
static void
log_service_changes (Watch    *watch,
                     PuConfig *config)
{
  GPtrArray *services = pu_config_get_services (config);
  g_autoptr(GHashTable) before = g_steal_pointer (&watch->services);
  GHashTableIter iter;
  const PuService *was;

  watch->services = services_table_new ();
  for (guint i = 0; i < services->len; i++)
    {
      const PuService *now = services->pdata[i];
      PuService *copy;
      g_autofree char *now_address = pu_service_get_address (now);
      g_autofree char *was_address = NULL;

      was = before != NULL ? g_hash_table_lookup (before, now->name) : NULL;
      was_address = was != NULL ? pu_service_get_address (was) : NULL;
      if (before == NULL)
        log_service ("exposed", now);
      else if (was == NULL)
        log_service ("added", now);
      else if (was->enabled != now->enabled)
        log_service (now->enabled ? "enabled" : "disabled", now);
      else if (!g_str_equal (was_address, now_address) ||
               !strv_equal0 (was->allowed, now->allowed))
        log_service ("changed", now);
      copy = pu_service_copy (now);
      g_hash_table_insert (watch->services, copy->name, copy);
    }
  if (before == NULL)
    return;
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &was))
    if (!g_hash_table_contains (watch->services, was->name))
      log_service ("removed", was);
}

static void
config_changed_in_memory_cb (PuConfig *config,
                             Watch    *watch)
{
  log_service_changes (watch, config);
}

static void
watch_config (Watch    *watch,
              PuConfig *config)
{
  if (watch->config != NULL)
    g_signal_handlers_disconnect_by_data (watch->config, watch);
  g_set_object (&watch->config, config);
  g_signal_connect (config, "changed", G_CALLBACK (config_changed_in_memory_cb), watch);
  log_service_changes (watch, config);
}

/* The profile read config.ini again after it changed. */
static void
config_changed_cb (PuProfile *profile,
                   PuConfig  *before,
                   Watch     *watch)
{
  PuConfig *after = pu_profile_get_config (profile);
  g_autofree char *old_relays = pu_config_dup_relays_key (before);
  g_autofree char *new_relays = pu_config_dup_relays_key (after);

  watch_config (watch, after);
  if (!g_str_equal (old_relays, new_relays))
    g_message ("The relays in %s changed; restart the daemon to use them",
               pu_config_get_path (after));
}

static void
relay_connected_cb (PuRelayClient *relay,
                    gpointer       user_data)
{
  g_message ("Connected to the relay at %s", pu_relay_client_get_address (relay));
}

static void
relay_disconnected_cb (PuRelayClient *relay,
                       const GError  *error,
                       gpointer       user_data)
{
  if (error != NULL)
    g_message ("%s", error->message);
}

/* Relays without a key are not used at all: say how to fix that. */
static void
log_unpinned_relays (PuConfig *config)
{
  GPtrArray *relays = pu_config_get_relays (config);

  if (relays->len == 0)
    g_message ("No relay is configured, so no peer can reach this device; add one with "
               "`peerup relay add ADDR` (its ADDR is printed by `peerup relay info` on the "
               "relay)");
  for (guint i = 0; i < relays->len; i++)
    {
      const PuRelayAddr *relay = relays->pdata[i];
      g_autofree char *address = NULL;

      if (relay->has_peer_id)
        continue;
      address = pu_relay_addr_to_string (relay);
      g_message ("Relay %s is not pinned to a key and is not used; pin it with `peerup relay "
                 "remove %s` and `peerup relay add %s --peer-id ID` (the ID is printed by "
                 "`peerup relay info` on the relay)", address, address, address);
    }
}


int
pu_cli_daemon (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuNode) node = NULL;
  g_autoptr(PuControl) control = NULL;
  g_auto(Watch) watch = { 0 };
  g_autofree char *socket_path = NULL;
  g_autofree char *name = NULL;
  GPtrArray *relays;
  PuConfig *config;
  const PuCliSpec spec = {
    .command = "daemon",
    .summary = N_("Serve this device's services to authorized peers until stopped (SIGTERM "
                  "or Ctrl+C), logging connections. Changes to config.ini apply while it "
                  "runs."),
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;
  config = pu_profile_get_config (profile);

  pu_cli_loop_init (&loop);
  node = pu_node_new (profile, TRUE, &error);
  if (node == NULL)
    return pu_cli_fail (error);
  /* Also what keeps a second daemon for this device from starting. */
  control = pu_control_new (node);
  socket_path = pu_control_socket_path (pu_config_get_path (config));
  if (!pu_control_listen (control, socket_path, &error))
    return pu_cli_fail (error);

  relays = pu_node_get_relays (node);
  for (guint i = 0; i < relays->len; i++)
    {
      g_signal_connect (relays->pdata[i], "connected", G_CALLBACK (relay_connected_cb), NULL);
      g_signal_connect (relays->pdata[i], "disconnected", G_CALLBACK (relay_disconnected_cb),
                        NULL);
    }

  g_signal_connect (profile, "config-changed", G_CALLBACK (config_changed_cb), &watch);

  name = pu_profile_dup_device_name (profile);
  g_message ("Peer Up daemon for %s (%s), config %s", name,
             pu_identity_get_peer_id_string (pu_profile_get_identity (profile)),
             pu_config_get_path (config));
  log_unpinned_relays (config);
  if (pu_config_get_services (config)->len == 0)
    g_message ("No services yet; add one with `peerup service add NAME HOST:PORT`");
  watch_config (&watch, config);
  g_message ("Control API on %s", socket_path);
  pu_control_own_bus_name (control);
  pu_node_start (node);

  /* The settings it started with are the ones to roll back to. */
  if (!pu_config_archive (config, &error))
    {
      g_message ("Could not archive %s: %s", pu_config_get_path (config), error->message);
      g_clear_error (&error);
    }

  status = pu_cli_loop_run (&loop);
  g_message ("Stopping");
  pu_node_stop (node);
  return status;
}
