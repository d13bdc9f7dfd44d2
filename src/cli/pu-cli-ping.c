/* pu-cli-ping.c — `peerup ping` and `peerup traceroute`: round trips to a peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-ice-path.h"
#include "pu-node.h"
#include "pu-relay-client.h"
#include "pu-relay-path.h"
#include "pu-sas.h"
#include "pu-time.h"

/* A probe without an answer by then counts as lost. It outlasts a dial, so
 * that an offline peer is reported as such; the first probe may also wait
 * for a relay connection. */
#define PROBE_TIMEOUT_SECONDS (PU_NODE_DIAL_SECONDS + 5)
#define FIRST_PROBE_TIMEOUT_SECONDS (PU_NODE_RELAY_WAIT_SECONDS + PROBE_TIMEOUT_SECONDS)

typedef struct {
  PuCliLoop    *loop;
  PuProfile    *profile;
  PuNode       *node;      /* NULL when the running core pings */
  PuPeerUp1    *core;
  PuPeerId      peer;
  char         *label;
  gboolean      json;
  guint64       count;       /* 0: until interrupted */
  gint64        interval_ms;
  guint64       sent;
  guint64       received;
  double        min_ms;
  double        max_ms;
  double        sum_ms;
  GCancellable *current;     /* of the probe in flight, or NULL */
  guint         timeout_id;
  guint         next_id;
} Ping;

/* One probe: connect (reusing the connection) and ping. Its callbacks stop
 * at once when @cancellable was cancelled: @ping may be gone by then. */
typedef struct {
  Ping         *ping;
  GCancellable *cancellable;
  guint64       seq;
  gint64        started;
  PuConnection *conn;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->conn);
  g_free (probe);
}

static double
usec_to_ms (gint64 usec)
{
  return (double) usec / 1000.0;
}

/* "PING home (12D3KooW…)", marked when the pair was never verified. */
static void
print_header (Ping *ping)
{
  PuProfile *profile = ping->profile;
  const PuTrustEntry *entry = pu_trust_store_lookup (pu_profile_get_trust_store (profile),
                                                     &ping->peer);
  const PuPeerId *self = pu_identity_get_peer_id (pu_profile_get_identity (profile));
  g_autofree char *id = pu_peer_id_to_string (&ping->peer);

  if (entry != NULL && pu_sas_entry_is_verified (entry, self))
    g_print (_("PING %s (%s)\n"), ping->label, id);
  else
    g_print (_("PING %s (%s) [UNVERIFIED]\n"), ping->label, id);
}

static void
print_summary (Ping *ping)
{
  double loss = ping->sent > 0 ? 100.0 * (double) (ping->sent - ping->received) /
                                 (double) ping->sent : 0.0;
  double avg = ping->received > 0 ? ping->sum_ms / (double) ping->received : 0.0;

  if (ping->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pu_cli_json_add_string (builder, "type", "summary");
      pu_cli_json_add_string (builder, "peer", ping->label);
      json_builder_set_member_name (builder, "sent");
      json_builder_add_int_value (builder, (gint64) ping->sent);
      json_builder_set_member_name (builder, "received");
      json_builder_add_int_value (builder, (gint64) ping->received);
      json_builder_set_member_name (builder, "loss_percent");
      json_builder_add_double_value (builder, loss);
      json_builder_set_member_name (builder, "min_ms");
      if (ping->received > 0)
        json_builder_add_double_value (builder, ping->min_ms);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "avg_ms");
      if (ping->received > 0)
        json_builder_add_double_value (builder, avg);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "max_ms");
      if (ping->received > 0)
        json_builder_add_double_value (builder, ping->max_ms);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      pu_cli_print_json_line (json_builder_get_root (builder));
      return;
    }

  g_print (_("--- %s ping statistics ---\n"), ping->label);
  g_print (_("%" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received, %.0f%% loss\n"),
           ping->sent, ping->received, loss);
  if (ping->received > 0)
    g_print (_("round trip min/avg/max = %.2f/%.2f/%.2f ms\n"), ping->min_ms, avg,
             ping->max_ms);
}

/* The path a reply took: "direct" or "relayed", and on a direct path what
 * ICE selected (@local NULL otherwise). */
typedef struct {
  const char *kind;
  const char *local;
  const char *remote;
  guint32     ip_version;
} PathInfo;

static void
path_info_from_path (PathInfo *info,
                     PuPath   *path)
{
  PuIcePath *ice = PU_IS_ICE_PATH (path) ? PU_ICE_PATH (path) : NULL;

  info->kind = pu_path_kind_to_string (pu_path_get_kind (path));
  info->local = ice != NULL ? pu_ice_path_get_local_type (ice) : NULL;
  info->remote = ice != NULL ? pu_ice_path_get_remote_type (ice) : NULL;
  info->ip_version = ice != NULL ? pu_ice_path_get_ip_version (ice) : 0;
}

/* From the running core's peer dictionary (strings owned by @dict). */
static void
path_info_from_dict (PathInfo     *info,
                     GVariantDict *dict)
{
  *info = (PathInfo) { "relayed", NULL, NULL, 0 };
  g_variant_dict_lookup (dict, "path", "&s", &info->kind);
  g_variant_dict_lookup (dict, "local_candidate", "&s", &info->local);
  g_variant_dict_lookup (dict, "remote_candidate", "&s", &info->remote);
  g_variant_dict_lookup (dict, "ip_version", "u", &info->ip_version);
}

static void
json_add_path (JsonBuilder    *builder,
               const PathInfo *path)
{
  pu_cli_json_add_string (builder, "path", path->kind);
  if (path->local == NULL)
    return;
  pu_cli_json_add_string (builder, "local_candidate", path->local);
  pu_cli_json_add_string (builder, "remote_candidate", path->remote);
  json_builder_set_member_name (builder, "ip_version");
  json_builder_add_int_value (builder, path->ip_version);
}

/* A probe's line: a reply (@error NULL, @path the one it took) or why there
 * was none. */
static void
print_probe (Ping           *ping,
             guint64         seq,
             double          rtt_ms,
             const PathInfo *path,
             const GError   *error)
{
  if (ping->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pu_cli_json_add_string (builder, "type", "probe");
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, (gint64) seq);
      pu_cli_json_add_string (builder, "peer", ping->label);
      json_builder_set_member_name (builder, "rtt_ms");
      if (error == NULL)
        json_builder_add_double_value (builder, rtt_ms);
      else
        json_builder_add_null_value (builder);
      if (path != NULL)
        json_add_path (builder, path);
      else
        pu_cli_json_add_string (builder, "path", NULL);
      pu_cli_json_add_string (builder, "error", error != NULL ? error->message : NULL);
      json_builder_end_object (builder);
      pu_cli_print_json_line (json_builder_get_root (builder));
    }
  else if (error == NULL)
    {
      g_autofree char *text = pu_cli_path_text (path->kind, path->local, path->remote,
                                                path->ip_version);

      g_print (_("reply from %s: seq=%" G_GUINT64_FORMAT " time=%.2f ms path=%s\n"),
               ping->label, seq, rtt_ms, text);
    }
  else
    pu_cli_fail_printf (_("no reply from %s: seq=%" G_GUINT64_FORMAT ": %s"), ping->label, seq,
                        error->message);
}

static void ping_send (Ping *ping);

static gboolean
next_cb (gpointer user_data)
{
  Ping *ping = user_data;

  ping->next_id = 0;
  ping_send (ping);
  return G_SOURCE_REMOVE;
}

/* The probe in flight ended: finish, or send the next one on schedule. */
static void
probe_done (Ping   *ping,
            gint64  started)
{
  gint64 elapsed_ms = (g_get_monotonic_time () - started) / 1000;

  g_clear_handle_id (&ping->timeout_id, g_source_remove);
  g_clear_object (&ping->current);
  if (ping->count != 0 && ping->sent >= ping->count)
    {
      print_summary (ping);
      pu_cli_loop_quit (ping->loop, ping->received > 0 ? PU_CLI_EXIT_OK : PU_CLI_EXIT_FAILURE);
      return;
    }
  ping->next_id = g_timeout_add ((guint) MAX (ping->interval_ms - elapsed_ms, 0), next_cb,
                                 ping);
}

static void
probe_failed (Probe        *probe,
              const GError *error)
{
  Ping *ping = probe->ping;

  /* Offline, unauthorized, no relay: before any reply, that is the answer. */
  if (ping->received == 0 && probe->seq == 1)
    {
      pu_cli_fail (error);
      pu_cli_loop_quit (ping->loop, PU_CLI_EXIT_FAILURE);
      g_clear_handle_id (&ping->timeout_id, g_source_remove);
      g_clear_object (&ping->current);
      return;
    }
  print_probe (ping, probe->seq, 0, NULL, error);
  probe_done (ping, probe->started);
}

static void
probe_replied (Probe          *probe,
               double          ms,
               const PathInfo *path)
{
  Ping *ping = probe->ping;

  ping->received++;
  ping->sum_ms += ms;
  ping->min_ms = ping->received == 1 ? ms : MIN (ping->min_ms, ms);
  ping->max_ms = ping->received == 1 ? ms : MAX (ping->max_ms, ms);
  print_probe (ping, probe->seq, ms, path, NULL);
  probe_done (ping, probe->started);
}

static void
probe_pinged_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  gint64 rtt = pu_node_ping_finish (PU_NODE (object), result, &error);
  PathInfo path;

  if (g_cancellable_is_cancelled (probe->cancellable))
    {
      probe_free (probe);
      return;
    }
  if (rtt < 0)
    {
      probe_failed (probe, error);
      probe_free (probe);
      return;
    }

  path_info_from_path (&path, pu_connection_get_path (probe->conn));
  probe_replied (probe, usec_to_ms (rtt), &path);
  probe_free (probe);
}

/* The running core answered a probe: the path is the peer's as it says. */
static void
probe_core_pinged_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autofree char *peer_id = NULL;
  double ms = 0;
  PathInfo path;

  if (!pu_peer_up1_call_ping_finish (PU_PEER_UP1 (object), &ms, result, &error))
    {
      if (!g_cancellable_is_cancelled (probe->cancellable))
        {
          g_dbus_error_strip_remote_error (error);
          probe_failed (probe, error);
        }
      probe_free (probe);
      return;
    }
  if (g_cancellable_is_cancelled (probe->cancellable))
    {
      probe_free (probe);
      return;
    }
  peer_id = pu_peer_id_to_string (&probe->ping->peer);
  if (pu_peer_up1_call_get_peer_sync (PU_PEER_UP1 (object), peer_id, G_DBUS_CALL_FLAGS_NONE, -1,
                                      &info, NULL, NULL))
    dict = g_variant_dict_new (info);
  else
    dict = g_variant_dict_new (NULL);
  path_info_from_dict (&path, dict);
  probe_replied (probe, ms, &path);
  probe_free (probe);
}

static void
probe_connected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;

  probe->conn = pu_node_connect_finish (PU_NODE (object), result, &error);
  if (g_cancellable_is_cancelled (probe->cancellable))
    {
      probe_free (probe);
      return;
    }
  if (probe->conn == NULL)
    {
      probe_failed (probe, error);
      probe_free (probe);
      return;
    }
  pu_node_ping_async (PU_NODE (object), &probe->ping->peer, probe->cancellable,
                      probe_pinged_cb, probe);
}

static guint
probe_timeout (guint64 seq)
{
  return seq == 1 ? FIRST_PROBE_TIMEOUT_SECONDS : PROBE_TIMEOUT_SECONDS;
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  Ping *ping = user_data;
  guint seconds = probe_timeout (ping->sent);
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         _("no answer within %u seconds"), seconds);

  ping->timeout_id = 0;
  print_probe (ping, ping->sent, 0, NULL, error);
  /* The probe's callbacks see this and leave @ping alone. */
  g_cancellable_cancel (ping->current);
  probe_done (ping, g_get_monotonic_time () - (gint64) seconds * G_USEC_PER_SEC);
  return G_SOURCE_REMOVE;
}

static void
ping_send (Ping *ping)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->ping = ping;
  probe->seq = ++ping->sent;
  probe->started = g_get_monotonic_time ();
  probe->cancellable = g_cancellable_new ();
  ping->current = g_object_ref (probe->cancellable);
  ping->timeout_id = g_timeout_add_seconds (probe_timeout (probe->seq), probe_timeout_cb, ping);
  if (ping->core != NULL)
    {
      g_autofree char *peer_id = pu_peer_id_to_string (&ping->peer);

      pu_peer_up1_call_ping (ping->core, peer_id, G_DBUS_CALL_FLAGS_NONE,
                             (int) probe_timeout (probe->seq) * 1000, probe->cancellable,
                             probe_core_pinged_cb, probe);
      return;
    }
  pu_node_connect_async (ping->node, &ping->peer, probe->cancellable, probe_connected_cb, probe);
}

/* Opens the device and a dialing node; NULL after reporting an error. */
static PuNode *
start_node (const PuCliArgs *args,
            const char      *peer_text,
            PuPeerId        *peer)
{
  g_autoptr(PuProfile) profile = pu_cli_open_profile_with_peer (args, peer_text, peer);
  g_autoptr(GError) error = NULL;
  PuNode *node;

  if (profile == NULL)
    return NULL;
  node = pu_node_new (profile, FALSE, &error);
  if (node == NULL)
    {
      pu_cli_fail (error);
      return NULL;
    }
  pu_node_start (node);
  return node;
}

int
pu_cli_ping (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuNode) node = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  g_autofree char *interval = NULL;
  gint count = 4;
  Ping ping = { 0 };
  const GOptionEntry entries[] = {
    { "count", 'c', 0, G_OPTION_ARG_INT, &count,
      N_("Send N probes (default 4; 0 = until interrupted)"), N_("N") },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval,
      N_("Time between probes: 200ms, 1s, 2s… (default 1s)"), N_("D") },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "ping",
    .parameters = N_("PEER"),
    .summary = N_("Measure round trips to a peer, one line per probe, then a summary. Exits "
                  "with 1 when no probe was answered."),
    .entries = entries,
    .json = TRUE,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  if (count < 0)
    return pu_cli_usage_error (spec.command, _("-c: the count must be 0 or more"));
  ping.interval_ms = 1000;
  if (interval != NULL && !pu_duration_parse_ms (interval, &ping.interval_ms, &error))
    return pu_cli_usage_error (spec.command, "--interval: %s", error->message);

  profile = pu_cli_open_profile_with_peer (&args, args.args[0], &ping.peer);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;
  ping.profile = profile;
  core = pu_cli_client_connect (&args);
  if (core != NULL)
    {
      g_autofree char *peer_id = pu_peer_id_to_string (&ping.peer);

      if (!pu_peer_up1_call_resolve_sync (core, peer_id, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                          &ping.label, NULL, &error))
        return pu_cli_fail_remote (error);
    }
  else
    {
      node = pu_node_new (profile, FALSE, &error);
      if (node == NULL)
        return pu_cli_fail (error);
      pu_node_start (node);
      ping.label = pu_node_dup_peer_label (node, &ping.peer);
    }

  pu_cli_loop_init (&loop);
  ping.loop = &loop;
  ping.node = node;
  ping.core = core;
  ping.json = args.json;
  ping.count = (guint64) count;
  if (!args.json)
    print_header (&ping);
  ping_send (&ping);

  status = pu_cli_loop_run (&loop);
  if (loop.interrupted)
    {
      print_summary (&ping);
      status = ping.received > 0 ? PU_CLI_EXIT_OK : PU_CLI_EXIT_FAILURE;
    }

  if (ping.current != NULL)
    g_cancellable_cancel (ping.current);
  g_clear_object (&ping.current);
  g_clear_handle_id (&ping.timeout_id, g_source_remove);
  g_clear_handle_id (&ping.next_id, g_source_remove);
  g_free (ping.label);
  if (node != NULL)
    pu_node_stop (node);
  return status;
}

/* A new connection starts on the relay: ICE gets this long to move it to the
 * direct path it will use before traceroute measures. */
#define TRACE_SETTLE_MS 2000

/* traceroute: the relay (when the path is relayed), then the peer. */
typedef struct {
  PuCliLoop     *loop;
  PuNode        *node;
  PuPeerId       peer;
  PuPath        *path;      /* what was measured */
  guint          settle_id;
  gulong         changed_id;
  gboolean       json;
  PuConnection  *conn;
  PuRelayClient *relay;  /* NULL on a direct path */
  gint64         relay_rtt;
  gint64         peer_rtt;
  gboolean       done;     /* what still completes after this is not shown */
} Trace;

static void
trace_print (Trace *trace)
{
  g_autofree char *label = pu_node_dup_peer_label (trace->node, &trace->peer);
  g_autofree char *id = pu_peer_id_to_string (&trace->peer);
  g_autofree char *kind = NULL;
  PathInfo info;
  guint hop = 1;

  path_info_from_path (&info, trace->path);
  kind = pu_cli_path_text (info.kind, info.local, info.remote, info.ip_version);

  if (trace->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pu_cli_json_add_string (builder, "peer", label);
      pu_cli_json_add_string (builder, "peer_id", id);
      json_add_path (builder, &info);
      json_builder_set_member_name (builder, "hops");
      json_builder_begin_array (builder);
      if (trace->relay != NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "hop");
          json_builder_add_int_value (builder, hop++);
          pu_cli_json_add_string (builder, "kind", "relay");
          pu_cli_json_add_string (builder, "address",
                                  pu_relay_client_get_address (trace->relay));
          json_builder_set_member_name (builder, "rtt_ms");
          json_builder_add_double_value (builder, usec_to_ms (trace->relay_rtt));
          json_builder_end_object (builder);
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "hop");
      json_builder_add_int_value (builder, hop);
      pu_cli_json_add_string (builder, "kind", "peer");
      pu_cli_json_add_string (builder, "address", label);
      json_builder_set_member_name (builder, "rtt_ms");
      json_builder_add_double_value (builder, usec_to_ms (trace->peer_rtt));
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pu_cli_print_json (json_builder_get_root (builder));
      return;
    }

  g_print (_("traceroute to %s (%s), path %s\n"), label, id, kind);
  if (trace->relay != NULL)
    g_print (_(" %u  relay %s  %.2f ms\n"), hop++, pu_relay_client_get_address (trace->relay),
             usec_to_ms (trace->relay_rtt));
  g_print (_(" %u  %s  %.2f ms\n"), hop, label, usec_to_ms (trace->peer_rtt));
}

static void
trace_fail (Trace        *trace,
            const GError *error)
{
  if (trace->done)
    return;
  trace->done = TRUE;
  pu_cli_fail (error);
  pu_cli_loop_quit (trace->loop, PU_CLI_EXIT_FAILURE);
}

static void
trace_peer_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Trace *trace = user_data;
  g_autoptr(GError) error = NULL;

  trace->peer_rtt = pu_node_ping_finish (PU_NODE (object), result, &error);
  if (trace->peer_rtt < 0)
    {
      trace_fail (trace, error);
      return;
    }
  if (trace->done)
    return;
  trace->done = TRUE;
  trace_print (trace);
  pu_cli_loop_quit (trace->loop, PU_CLI_EXIT_OK);
}

static void
trace_relay_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Trace *trace = user_data;
  g_autoptr(GError) error = NULL;

  trace->relay_rtt = pu_relay_client_ping_finish (PU_RELAY_CLIENT (object), result, &error);
  if (trace->relay_rtt < 0)
    {
      trace_fail (trace, error);
      return;
    }
  if (trace->done)
    return;
  pu_node_ping_async (trace->node, &trace->peer, NULL, trace_peer_cb, trace);
}

static void
trace_measure (Trace *trace)
{
  g_clear_handle_id (&trace->settle_id, g_source_remove);
  g_clear_signal_handler (&trace->changed_id, trace->node);
  g_set_object (&trace->path, pu_connection_get_path (trace->conn));
  if (PU_IS_RELAY_PATH (trace->path))
    {
      trace->relay = g_object_ref (pu_relay_path_get_client (PU_RELAY_PATH (trace->path)));
      pu_relay_client_ping_async (trace->relay, NULL, trace_relay_cb, trace);
    }
  else
    {
      pu_node_ping_async (trace->node, &trace->peer, NULL, trace_peer_cb, trace);
    }
}

static gboolean
trace_settled_cb (gpointer user_data)
{
  Trace *trace = user_data;

  trace->settle_id = 0;
  trace_measure (trace);
  return G_SOURCE_REMOVE;
}

static void
trace_peer_changed_cb (PuNode         *node,
                       const PuPeerId *peer,
                       Trace          *trace)
{
  if (pu_peer_id_equal (peer, &trace->peer) &&
      !PU_IS_RELAY_PATH (pu_connection_get_path (trace->conn)))
    trace_measure (trace);
}

static void
trace_connected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Trace *trace = user_data;
  g_autoptr(GError) error = NULL;
  PuPath *path;

  trace->conn = pu_node_connect_finish (PU_NODE (object), result, &error);
  if (trace->conn == NULL)
    {
      trace_fail (trace, error);
      return;
    }
  if (trace->done)
    return;

  path = pu_connection_get_path (trace->conn);
  if (PU_IS_RELAY_PATH (path))
    {
      trace->settle_id = g_timeout_add (TRACE_SETTLE_MS, trace_settled_cb, trace);
      trace->changed_id = g_signal_connect (trace->node, "peer-changed",
                                            G_CALLBACK (trace_peer_changed_cb), trace);
    }
  else
    trace_measure (trace);
}

int
pu_cli_traceroute (int    argc,
                   char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(PuNode) node = NULL;
  Trace trace = { 0 };
  const PuCliSpec spec = {
    .command = "traceroute",
    .parameters = N_("PEER"),
    .summary = N_("Show the hops to a peer with the round trip to each: the relay and then "
                  "the peer, or the peer alone on a direct path."),
    .json = TRUE,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  node = start_node (&args, args.args[0], &trace.peer);
  if (node == NULL)
    return PU_CLI_EXIT_FAILURE;

  pu_cli_loop_init (&loop);
  trace.loop = &loop;
  trace.node = node;
  trace.json = args.json;
  pu_node_connect_async (node, &trace.peer, NULL, trace_connected_cb, &trace);

  status = pu_cli_loop_run (&loop);
  if (loop.interrupted)
    status = PU_CLI_EXIT_FAILURE;
  trace.done = TRUE;
  g_clear_handle_id (&trace.settle_id, g_source_remove);
  g_clear_signal_handler (&trace.changed_id, node);
  g_clear_object (&trace.conn);
  g_clear_object (&trace.relay);
  g_clear_object (&trace.path);
  pu_node_stop (node);
  return status;
}
