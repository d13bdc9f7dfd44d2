/* test-control.c — the control API (dev.peerup.PeerUp1) of a real node with
 * a real relay on loopback: clients on the private socket and the session
 * bus, change signals, named errors, one core per socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-control.h"
#include "pu-services.h"
#include "pu-error.h"
#include "pu-invite-code.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"

typedef struct {
  PuTestPair   pair;
  char        *socket_path;
  PuControl   *control;
} Fixture;

static char *
id_of (PuProfile *profile)
{
  return pu_peer_id_to_string (pu_test_peer_of (profile));
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  pu_test_pair_init (&fx->pair);
  fx->socket_path = g_build_filename (fx->pair.dir, "run", "peerup", "bus", NULL);
  pu_config_add_service (pu_profile_get_config (fx->pair.home), "ssh", "127.0.0.1:22", &error);
  g_assert_no_error (error);
  fx->control = pu_control_new (fx->pair.home_node);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->control);
  pu_test_pair_clear (&fx->pair);
  g_free (fx->socket_path);
}

typedef struct {
  gboolean   done;
  PuPeerUp1 *proxy;
  GVariant  *value;
  GError    *error;
} Result;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->proxy = pu_control_socket_connect_finish (result, &r->error);
  r->done = TRUE;
}

static PuPeerUp1 *
connect_client (const char *socket_path)
{
  Result r = { 0 };

  pu_control_socket_connect_async (socket_path, NULL, connected_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_no_error (r.error);
  return r.proxy;
}

static void
connect_fails (const char *socket_path,
               const char *message)
{
  Result r = { 0 };

  pu_control_socket_connect_async (socket_path, NULL, connected_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_null (r.proxy);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, message));
  g_clear_error (&r.error);
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  pu_peer_up1_call_get_status_finish (PU_PEER_UP1 (object), &r->value, result, &r->error);
  r->done = TRUE;
}

static GVariantDict *
get_status (PuPeerUp1 *proxy)
{
  Result r = { 0 };
  GVariantDict *dict;

  pu_peer_up1_call_get_status (proxy, G_DBUS_CALL_FLAGS_NONE, -1, NULL, status_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_no_error (r.error);
  dict = g_variant_dict_new (r.value);
  g_variant_unref (r.value);
  return dict;
}

static void
peer_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  pu_peer_up1_call_get_peer_finish (PU_PEER_UP1 (object), &r->value, result, &r->error);
  r->done = TRUE;
}

/* The one element of the aa{sv} @member whose @key is @value. */
static GVariantDict *
find_entry (GVariantDict *status,
            const char   *member,
            const char   *key,
            const char   *value)
{
  g_autoptr(GVariant) list = g_variant_dict_lookup_value (status, member,
                                                          G_VARIANT_TYPE ("aa{sv}"));
  GVariantDict *found = NULL;

  g_assert_nonnull (list);
  for (gsize i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (list, i);
      g_autoptr(GVariantDict) entry = g_variant_dict_new (child);
      const char *text = NULL;

      if (g_variant_dict_lookup (entry, key, "&s", &text) && g_str_equal (text, value))
        {
          g_assert_null (found);
          found = g_steal_pointer (&entry);
        }
    }
  g_assert_nonnull (found);
  return found;
}

static gboolean
dict_bool (GVariantDict *dict,
           const char   *key)
{
  gboolean value;

  g_assert_true (g_variant_dict_lookup (dict, key, "b", &value));
  return value;
}

static const char *
dict_string (GVariantDict *dict,
             const char   *key)
{
  const char *value;

  g_assert_true (g_variant_dict_lookup (dict, key, "&s", &value));
  return value;
}

/* The signals of one kind (a{sv} each) not looked at yet, oldest first. */
typedef struct {
  GQueue   infos;
  gboolean arrived;
} Signalled;

static void
signalled_cb (PuPeerUp1 *proxy,
              GVariant  *info,
              Signalled *s)
{
  g_queue_push_tail (&s->infos, g_variant_dict_new (info));
  s->arrived = TRUE;
}

/* Takes signals until one with connected == @connected. */
static GVariantDict *
wait_signal (Signalled *s,
             gboolean   connected)
{
  for (;;)
    {
      g_autoptr(GVariantDict) dict = NULL;

      if (g_queue_is_empty (&s->infos))
        {
          s->arrived = FALSE;
          pu_test_run_until (&s->arrived);
        }
      dict = g_queue_pop_head (&s->infos);
      if (dict_bool (dict, "connected") == connected)
        return g_steal_pointer (&dict);
    }
}

static void
test_status (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPeerUp1) proxy = NULL;
  g_autoptr(GVariantDict) status = NULL;
  g_autoptr(GVariantDict) relay = NULL;
  g_autoptr(GVariantDict) laptop = NULL;
  g_autoptr(GVariantDict) service = NULL;
  g_autoptr(GVariantDict) changed = NULL;
  g_autoptr(GVariant) allowed = NULL;
  g_autofree char *relay_id =
    pu_peer_id_to_string (pu_relay_server_get_peer_id (fx->pair.relay->server));
  g_autofree char *relay_address =
    g_strdup_printf ("127.0.0.1:%u", pu_relay_server_get_port (fx->pair.relay->server));
  g_autofree char *home_id = id_of (fx->pair.home);
  g_autofree char *laptop_id = id_of (fx->pair.laptop);
  Signalled relay_signal = { G_QUEUE_INIT, FALSE };
  Signalled peer_signal = { G_QUEUE_INIT, FALSE };
  Result peer = { 0 };
  guint32 pid;
  guint32 n;
  double rtt;

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  proxy = connect_client (fx->socket_path);
  g_signal_connect (proxy, "relay-changed", G_CALLBACK (signalled_cb), &relay_signal);
  g_signal_connect (proxy, "peer-changed", G_CALLBACK (signalled_cb), &peer_signal);

  /* Before the node starts: this device, its relay down, its peers. */
  status = get_status (proxy);
  g_assert_cmpstr (dict_string (status, "peer_id"), ==, home_id);
  g_assert_cmpstr (dict_string (status, "name"), ==, "home");
  g_assert_cmpstr (dict_string (status, "config"), ==,
                   pu_config_get_path (pu_profile_get_config (fx->pair.home)));
  g_assert_true (g_variant_dict_lookup (status, "pid", "u", &pid));
  g_assert_cmpuint (pid, ==, getpid ());
  g_assert_true (g_str_has_prefix (dict_string (status, "version"), "0."));
  relay = find_entry (status, "relays", "peer_id", relay_id);
  g_assert_cmpstr (dict_string (relay, "address"), ==, relay_address);
  g_assert_false (dict_bool (relay, "connected"));
  g_assert_false (g_variant_dict_contains (relay, "rtt_ms"));
  laptop = find_entry (status, "peers", "peer_id", laptop_id);
  g_assert_cmpstr (dict_string (laptop, "name"), ==, "laptop");
  g_assert_true (dict_bool (laptop, "authorized"));
  g_assert_false (dict_bool (laptop, "connected"));
  g_assert_false (g_variant_dict_contains (laptop, "path"));
  service = find_entry (status, "services", "name", "ssh");
  g_assert_cmpstr (dict_string (service, "address"), ==, "127.0.0.1:22");
  g_assert_true (dict_bool (service, "enabled"));
  allowed = g_variant_dict_lookup_value (service, "allowed", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_cmpuint (g_variant_n_children (allowed), ==, 0);

  /* The relay connects: a signal, then the status says so, and soon its
   * round trip. */
  pu_node_start (fx->pair.home_node);
  changed = wait_signal (&relay_signal, TRUE);
  g_assert_cmpstr (dict_string (changed, "peer_id"), ==, relay_id);
  g_assert_cmpstr (dict_string (changed, "address"), ==, relay_address);
  for (;;)
    {
      g_clear_pointer (&status, g_variant_dict_unref);
      g_clear_pointer (&relay, g_variant_dict_unref);
      status = get_status (proxy);
      relay = find_entry (status, "relays", "peer_id", relay_id);
      g_assert_true (dict_bool (relay, "connected"));
      if (g_variant_dict_lookup (relay, "rtt_ms", "d", &rtt))
        break;
    }
  g_assert_cmpfloat (rtt, >, 0);

  /* The laptop pings: its incoming connection shows, relayed, measured. */
  pu_node_start (fx->pair.laptop_node);
  pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
  g_clear_pointer (&changed, g_variant_dict_unref);
  changed = wait_signal (&peer_signal, TRUE);
  g_assert_cmpstr (dict_string (changed, "peer_id"), ==, laptop_id);

  g_clear_pointer (&status, g_variant_dict_unref);
  g_clear_pointer (&laptop, g_variant_dict_unref);
  status = get_status (proxy);
  laptop = find_entry (status, "peers", "peer_id", laptop_id);
  g_assert_true (dict_bool (laptop, "connected"));
  /* It starts relayed; on loopback ICE may have moved it already. */
  if (!g_str_equal (dict_string (laptop, "path"), "direct"))
    g_assert_cmpstr (dict_string (laptop, "path"), ==, "relayed");
  g_assert_cmpstr (dict_string (laptop, "label"), ==, "laptop");
  g_assert_true (g_variant_dict_lookup (laptop, "connections", "u", &n));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (g_variant_dict_lookup (laptop, "rtt_ms", "d", &rtt));
  g_assert_cmpfloat (rtt, >, 0);

  /* One peer, by name. */
  pu_peer_up1_call_get_peer (proxy, "laptop", G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                             peer_cb, &peer);
  pu_test_run_until (&peer.done);
  g_assert_no_error (peer.error);
  g_clear_pointer (&laptop, g_variant_dict_unref);
  laptop = g_variant_dict_new (peer.value);
  g_clear_pointer (&peer.value, g_variant_unref);
  g_assert_cmpstr (dict_string (laptop, "peer_id"), ==, laptop_id);
  g_assert_true (dict_bool (laptop, "connected"));

  /* The laptop goes away: its connection closes. */
  pu_node_stop (fx->pair.laptop_node);
  g_clear_pointer (&changed, g_variant_dict_unref);
  changed = wait_signal (&peer_signal, FALSE);
  g_assert_cmpstr (dict_string (changed, "peer_id"), ==, laptop_id);
  g_assert_false (g_variant_dict_contains (changed, "path"));

  /* The relay goes away. */
  pu_relay_server_stop (fx->pair.relay->server);
  g_clear_pointer (&changed, g_variant_dict_unref);
  changed = wait_signal (&relay_signal, FALSE);
  g_assert_cmpstr (dict_string (changed, "peer_id"), ==, relay_id);

  g_queue_clear_full (&relay_signal.infos, (GDestroyNotify) g_variant_dict_unref);
  g_queue_clear_full (&peer_signal.infos, (GDestroyNotify) g_variant_dict_unref);
}

static void
assert_get_peer_fails (PuPeerUp1  *proxy,
                       const char *peer,
                       const char *dbus_name,
                       gint        code)
{
  Result r = { 0 };
  g_autofree char *remote = NULL;

  pu_peer_up1_call_get_peer (proxy, peer, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                             peer_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_nonnull (r.error);
  remote = g_dbus_error_get_remote_error (r.error);
  g_assert_cmpstr (remote, ==, dbus_name);
  g_assert_true (g_dbus_error_strip_remote_error (r.error));
  g_assert_error (r.error, PU_ERROR, code);
  g_assert_nonnull (strstr (r.error->message, peer));
  g_clear_error (&r.error);
}

static void
test_errors (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPeerUp1) proxy = NULL;

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  proxy = connect_client (fx->socket_path);

  assert_get_peer_fails (proxy, "nobody", "dev.peerup.PeerUp1.Error.NotFound",
                         PU_ERROR_NOT_FOUND);
  assert_get_peer_fails (proxy, "no such peer!", "dev.peerup.PeerUp1.Error.InvalidArgument",
                         PU_ERROR_INVALID_ARGUMENT);
}

static void
test_one_core (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuControl) second = pu_control_new (fx->pair.home_node);
  g_autofree char *dir = g_path_get_dirname (fx->socket_path);
  g_autofree char *pid = g_strdup_printf ("(pid %d)", (int) getpid ());
  g_autoptr(PuPeerUp1) proxy = NULL;
  g_autoptr(GVariantDict) status = NULL;
  GStatBuf st;

  /* Nothing runs yet. */
  connect_fails (fx->socket_path, "no socket at");

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_lstat (fx->socket_path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A second core for the same socket is refused, naming the first. */
  g_assert_false (pu_control_listen (second, fx->socket_path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, pid));
  g_assert_nonnull (strstr (error->message, "already running"));
  g_clear_error (&error);
  proxy = connect_client (fx->socket_path);
  g_clear_object (&proxy);

  /* Once the first is gone, its socket is too, and the second takes over. */
  g_clear_object (&fx->control);
  g_assert_false (g_file_test (fx->socket_path, G_FILE_TEST_EXISTS));
  pu_control_listen (second, fx->socket_path, &error);
  g_assert_no_error (error);
  proxy = connect_client (fx->socket_path);
  status = get_status (proxy);
  g_assert_true (g_variant_dict_contains (status, "peers"));
}

static void
test_client_limit (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PuPeerUp1) extra = NULL;
  Result r = { 0 };

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < PU_CONTROL_MAX_CLIENTS; i++)
    {
      PuPeerUp1 *proxy = connect_client (fx->socket_path);

      g_ptr_array_add (clients, proxy);
      g_variant_dict_unref (get_status (proxy));
    }

  /* One more is let go at once: its call fails, the others still answer. */
  extra = connect_client (fx->socket_path);
  pu_peer_up1_call_get_status (extra, G_DBUS_CALL_FLAGS_NONE, -1, NULL, status_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&r.error);
  g_variant_dict_unref (get_status (clients->pdata[0]));

  /* A client that leaves makes room. */
  g_dbus_connection_close_sync (g_dbus_proxy_get_connection (clients->pdata[0]), NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_remove_index (clients, 0);
  g_clear_object (&extra);
  for (;;)
    {
      g_autoptr(PuPeerUp1) again = connect_client (fx->socket_path);
      Result retry = { 0 };

      pu_peer_up1_call_get_status (again, G_DBUS_CALL_FLAGS_NONE, -1, NULL, status_cb, &retry);
      pu_test_run_until (&retry.done);
      if (retry.error == NULL)
        {
          g_variant_unref (retry.value);
          break;
        }
      /* The server may not have seen the close yet. */
      g_assert_error (retry.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
      g_clear_error (&retry.error);
    }
}

/* A socket file nobody listens on: what a core that crashed leaves. */
static void
make_stale_socket (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  g_socket_close (socket, &error);
  g_assert_no_error (error);
}

static void
test_stale_socket (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPeerUp1) proxy = NULL;
  g_autoptr(GVariantDict) status = NULL;
  g_autofree char *home_id = id_of (fx->pair.home);

  pu_control_socket_ensure_dir (fx->socket_path, &error);
  g_assert_no_error (error);
  make_stale_socket (fx->socket_path);
  connect_fails (fx->socket_path, "left from one that stopped");

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  proxy = connect_client (fx->socket_path);
  status = get_status (proxy);
  g_assert_cmpstr (dict_string (status, "peer_id"), ==, home_id);
}

static void
test_credentials (void)
{
  g_autoptr(GCredentials) own = g_credentials_new ();
  g_autoptr(GCredentials) other = g_credentials_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (pu_control_credentials_allowed (NULL));
  g_assert_true (pu_control_credentials_allowed (own));
  g_credentials_set_unix_user (other, getuid () + 1, &error);
  g_assert_no_error (error);
  g_assert_false (pu_control_credentials_allowed (other));
}

static void
test_socket_path (void)
{
  g_autofree char *default_config = pu_config_default_path ();
  g_autofree char *runtime = g_build_filename (g_get_tmp_dir (), "pu-runtime", NULL);
  g_autofree char *fallback = g_strdup_printf ("peerup-%u", (guint) getuid ());
  g_autofree char *saved = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_autofree char *path = NULL;
  g_autofree char *want = NULL;
  g_autofree char *other = NULL;
  g_autofree char *again = NULL;

  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  path = pu_control_socket_path (NULL);
  want = g_build_filename (runtime, "peerup", "bus", NULL);
  g_assert_cmpstr (path, ==, want);
  g_free (path);
  path = pu_control_socket_path (default_config);
  g_assert_cmpstr (path, ==, want);

  /* Another config has a socket of its own, the same each time. */
  other = pu_control_socket_path ("/srv/peerup/config.ini");
  again = pu_control_socket_path ("/srv/peerup/../peerup/config.ini");
  g_assert_cmpstr (other, ==, again);
  g_assert_true (g_str_has_prefix (other, want));
  g_assert_cmpstr (other, !=, want);

  /* Without XDG_RUNTIME_DIR: a directory of this user's in $TMPDIR. */
  g_unsetenv ("XDG_RUNTIME_DIR");
  g_free (path);
  path = pu_control_socket_path (NULL);
  g_free (want);
  want = g_build_filename (g_get_tmp_dir (), fallback, "bus", NULL);
  g_assert_cmpstr (path, ==, want);

  if (saved != NULL)
    g_setenv ("XDG_RUNTIME_DIR", saved, TRUE);
}

static void
bus_proxy_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->proxy = pu_peer_up1_proxy_new_finish (result, &r->error);
  r->done = TRUE;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}


/* Any method, answered: its result (or NULL) and error. */
typedef struct {
  gboolean  done;
  GVariant *value;
  GError   *error;
} Call;

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *c = user_data;

  c->value = g_dbus_proxy_call_finish (G_DBUS_PROXY (object), result, &c->error);
  c->done = TRUE;
}

static GVariant *
call (PuPeerUp1   *proxy,
      const char  *method,
      GVariant    *parameters,
      GError     **error)
{
  Call c = { 0 };

  g_dbus_proxy_call (G_DBUS_PROXY (proxy), method, parameters, G_DBUS_CALL_FLAGS_NONE, -1,
                     NULL, call_cb, &c);
  pu_test_run_until (&c.done);
  if (c.error != NULL)
    g_propagate_error (error, c.error);
  return c.value;
}

static GVariant *
call_ok (PuPeerUp1  *proxy,
         const char *method,
         GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *value = call (proxy, method, parameters, &error);

  g_assert_no_error (error);
  return value;
}

/* The call fails with the named D-Bus error and a message containing @text. */
static void
call_fails (PuPeerUp1  *proxy,
            const char *method,
            GVariant   *parameters,
            const char *error_name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = call (proxy, method, parameters, &error);
  g_autofree char *remote = NULL;

  g_assert_null (value);
  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_dbus_error_strip_remote_error (error);
  if (g_strcmp0 (remote, error_name) != 0)
    g_error ("%s: %s, not %s", error->message, remote, error_name);
  if (strstr (error->message, text) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, text);
  /* One line. */
  g_assert_null (strchr (error->message, '\n'));
}

static void
call_void (PuPeerUp1  *proxy,
           const char *method,
           GVariant   *parameters)
{
  g_variant_unref (call_ok (proxy, method, parameters));
}

/* Whether @value, printed, contains @text. */
static void
assert_printed (GVariant   *value,
                const char *text,
                gboolean    contained)
{
  g_autofree char *printed = g_variant_print (value, FALSE);

  if ((strstr (printed, text) != NULL) != contained)
    g_error ("“%s” %s “%s”", printed, contained ? "lacks" : "has", text);
}

/* The dictionary that is the first value of a reply. */
static GVariantDict *
first_dict (GVariant *reply)
{
  g_autoptr(GVariant) child = g_variant_get_child_value (reply, 0);

  return g_variant_dict_new (child);
}

#define ERROR_NAME(name) "dev.peerup.PeerUp1.Error." name

/* Waits for the next signal of one kind (a{sv} or aa{sv} first argument). */
typedef struct {
  GVariant *value;
  gboolean  arrived;
} Latest;

static void
latest_cb (PuPeerUp1 *proxy,
           GVariant  *value,
           Latest    *latest)
{
  g_clear_pointer (&latest->value, g_variant_unref);
  latest->value = g_variant_ref (value);
  latest->arrived = TRUE;
}

static void
latest_failed_cb (PuPeerUp1  *proxy,
                  GVariant   *forward,
                  const char *message,
                  Latest     *latest)
{
  g_clear_pointer (&latest->value, g_variant_unref);
  latest->value = g_variant_new_string (message);
  g_variant_ref_sink (latest->value);
  latest->arrived = TRUE;
}

static GVariant *
wait_latest (Latest *latest)
{
  pu_test_run_until (&latest->arrived);
  latest->arrived = FALSE;
  return latest->value;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  return data;
}

static void
assert_echo (guint16  port,
             gboolean carried)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sent = pu_test_random_bytes (64 * 1024);
  g_autoptr(GBytes) received = pu_test_tcp_exchange (port, sent, &error);

  g_assert_no_error (error);
  if (carried)
    g_assert_true (g_bytes_equal (sent, received));
  else
    g_assert_cmpuint (g_bytes_get_size (received), ==, 0);
}

/* The laptop's own core, beside the home's. */
static PuControl *
listen_laptop (Fixture   *fx,
               PuPeerUp1 **proxy)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->pair.dir, "run", "peerup", "bus-laptop", NULL);
  PuControl *control = pu_control_new (fx->pair.laptop_node);

  pu_control_listen (control, path, &error);
  g_assert_no_error (error);
  *proxy = connect_client (path);
  return control;
}

/* Home and laptop strangers so far, each core listening with a client of
 * its own, whose finished pairings land in @home_done and @laptop_done. */
static PuControl *
listen_strangers (Fixture    *fx,
                  PuPeerUp1 **home,
                  PuPeerUp1 **laptop,
                  Latest     *home_done,
                  Latest     *laptop_done)
{
  g_autoptr(GError) error = NULL;
  PuControl *laptop_control;

  pu_trust_store_remove (pu_profile_get_trust_store (fx->pair.home),
                         pu_test_peer_of (fx->pair.laptop), &error);
  g_assert_no_error (error);
  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  *home = connect_client (fx->socket_path);
  laptop_control = listen_laptop (fx, laptop);
  g_signal_connect (*home, "pairing-finished", G_CALLBACK (latest_cb), home_done);
  g_signal_connect (*laptop, "pairing-finished", G_CALLBACK (latest_cb), laptop_done);
  return laptop_control;
}

static void
test_services_forwards (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPeerUp1) home = NULL;
  g_autoptr(PuPeerUp1) laptop = NULL;
  g_autoptr(PuControl) laptop_control = NULL;
  g_autoptr(GSocketService) echo = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autofree char *echo_address = NULL;
  g_autofree char *config = NULL;
  g_autofree char *home_id = id_of (fx->pair.home);
  g_autofree char *laptop_id = id_of (fx->pair.laptop);
  g_autofree char *busy = NULL;
  const char * const none[] = { NULL };
  Latest services = { 0 };
  Latest forwards = { 0 };
  Latest failed = { 0 };
  const char *text;
  guint16 echo_port;
  guint16 port;
  double rtt;

  echo = pu_test_echo_new (&echo_port);
  echo_address = g_strdup_printf ("127.0.0.1:%u", echo_port);
  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  home = connect_client (fx->socket_path);
  laptop_control = listen_laptop (fx, &laptop);
  g_signal_connect (home, "services-changed", G_CALLBACK (latest_cb), &services);
  g_signal_connect (laptop, "forwards-changed", G_CALLBACK (latest_cb), &forwards);
  g_signal_connect (laptop, "forward-failed", G_CALLBACK (latest_failed_cb), &failed);
  pu_node_start (fx->pair.home_node);
  pu_node_start (fx->pair.laptop_node);

  /* Who is who. */
  value = call_ok (home, "Resolve", g_variant_new ("(s)", "laptop"));
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE ("(ss)")));
  g_variant_get (value, "(&s&s)", &text, NULL);
  g_assert_cmpstr (text, ==, laptop_id);
  g_clear_pointer (&value, g_variant_unref);
  value = call_ok (laptop, "Ping", g_variant_new ("(s)", home_id));
  g_variant_get (value, "(d)", &rtt);
  g_assert_cmpfloat (rtt, >, 0);
  g_clear_pointer (&value, g_variant_unref);

  /* A service is added: the answer, the signal and config.ini say so. */
  value = call_ok (home, "AddService", g_variant_new ("(ss^as)", "echo", echo_address, none));
  dict = first_dict (value);
  g_assert_cmpstr (dict_string (dict, "address"), ==, echo_address);
  g_assert_true (dict_bool (dict, "enabled"));
  g_clear_pointer (&value, g_variant_unref);
  assert_printed (wait_latest (&services), echo_address, TRUE);
  config = read_file (pu_config_get_path (pu_profile_get_config (fx->pair.home)));
  g_assert_nonnull (strstr (config, "[service echo]"));

  /* Bad input, each with its named error. */
  call_fails (home, "AddService", g_variant_new ("(ss^as)", "echo", echo_address, none),
              ERROR_NAME ("Exists"), "echo");
  call_fails (home, "AddService", g_variant_new ("(ss^as)", "web", "localhost:http", none),
              ERROR_NAME ("InvalidArgument"), "localhost:http");
  call_fails (home, "AddService", g_variant_new ("(ss^as)", "Bad Name", echo_address, none),
              ERROR_NAME ("InvalidArgument"), "service name");
  {
    const char * const nobody[] = { "nobody", NULL };

    call_fails (home, "AddService", g_variant_new ("(ss^as)", "web", echo_address, nobody),
                ERROR_NAME ("NotFound"), "nobody");
  }
  call_fails (home, "DisableService", g_variant_new ("(s)", "nothing"), ERROR_NAME ("NotFound"),
              "nothing");
  {
    g_autoptr(GPtrArray) many = g_ptr_array_new ();

    for (guint i = 0; i <= PU_SERVICES_MAX_ALLOWED; i++)
      g_ptr_array_add (many, (char *) "laptop");
    g_ptr_array_add (many, NULL);
    call_fails (home, "AddService",
                g_variant_new ("(ss^as)", "web", echo_address, (char **) many->pdata),
                ERROR_NAME ("TooLarge"), "at most 256 peers");
  }
  g_assert_null (pu_config_lookup_service (pu_profile_get_config (fx->pair.home), "web"));

  /* The laptop opens a forward to it: bytes go there and back. */
  value = call_ok (laptop, "Connect", g_variant_new ("(ssqa{sv})", home_id, "echo", 0, NULL));
  g_variant_get (value, "(q)", &port);
  g_clear_pointer (&value, g_variant_unref);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (g_variant_n_children (wait_latest (&forwards)), ==, 1);
  value = call_ok (laptop, "ListForwards", NULL);
  {
    g_autoptr(GVariant) list = g_variant_get_child_value (value, 0);
    g_autoptr(GVariant) first = g_variant_get_child_value (list, 0);
    g_autoptr(GVariantDict) forward = g_variant_dict_new (first);
    guint16 listed;

    g_assert_cmpuint (g_variant_n_children (list), ==, 1);
    g_assert_true (g_variant_dict_lookup (forward, "port", "q", &listed));
    g_assert_cmpuint (listed, ==, port);
    g_assert_cmpstr (dict_string (forward, "service"), ==, "echo");
    g_assert_cmpstr (dict_string (forward, "peer_id"), ==, home_id);
  }
  g_clear_pointer (&value, g_variant_unref);
  assert_echo (port, TRUE);
  {
    g_autoptr(GVariantDict) status = get_status (laptop);
    g_autoptr(GVariantDict) forward = NULL;
    g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);

    /* Labelled with the laptop's name for home. */
    forward = find_entry (status, "forwards", "address", address);
    g_assert_cmpstr (dict_string (forward, "label"), ==, "home");
    g_assert_cmpstr (dict_string (forward, "service"), ==, "echo");
  }

  /* Disabled: the peer refuses it, and the laptop's clients hear why. */
  call_void (home, "DisableService", g_variant_new ("(s)", "echo"));
  assert_printed (wait_latest (&services), "false", TRUE);
  g_assert_false (pu_config_lookup_service (pu_profile_get_config (fx->pair.home),
                                            "echo")->enabled);
  assert_echo (port, FALSE);
  g_assert_nonnull (strstr (g_variant_get_string (wait_latest (&failed), NULL), "echo"));
  call_void (home, "EnableService", g_variant_new ("(s)", "echo"));
  assert_echo (port, TRUE);

  /* Only another peer may use it now: the laptop is refused. */
  {
    const char * const home_only[] = { home_id, NULL };

    call_void (home, "SetServiceAllowed",
               g_variant_new ("(s^as)", "echo", home_only));
    assert_echo (port, FALSE);
    call_void (home, "SetServiceAllowed",
               g_variant_new ("(s^as)", "echo", none));
    assert_echo (port, TRUE);
  }

  /* Forwards that cannot be opened. */
  call_fails (laptop, "Connect", g_variant_new ("(ssqa{sv})", "nobody", "echo", 0, NULL),
              ERROR_NAME ("NotFound"), "nobody");
  call_fails (laptop, "Connect", g_variant_new ("(ssqa{sv})", home_id, "no/such", 0, NULL),
              ERROR_NAME ("InvalidArgument"), "service name");
  busy = g_strdup_printf ("127.0.0.1:%u is already in use", port);
  call_fails (laptop, "Connect", g_variant_new ("(ssqa{sv})", home_id, "echo", port, NULL),
              ERROR_NAME ("Exists"), busy);

  /* Closed: gone from the list, the port refuses. */
  call_void (laptop, "Disconnect", g_variant_new ("(q)", port));
  g_assert_cmpuint (g_variant_n_children (wait_latest (&forwards)), ==, 0);
  call_fails (laptop, "Disconnect", g_variant_new ("(q)", port), ERROR_NAME ("NotFound"),
              "No forward on 127.0.0.1:");

  /* A forward held by a client closes when that client goes away. */
  {
    g_autoptr(PuPeerUp1) holder = connect_client (pu_control_get_socket_path (laptop_control));
    GVariantDict options;
    guint16 held;

    g_variant_dict_init (&options, NULL);
    g_variant_dict_insert (&options, "hold", "b", TRUE);
    value = call_ok (holder, "Connect", g_variant_new ("(ssq@a{sv})", home_id, "echo", 0,
                                                       g_variant_dict_end (&options)));
    g_variant_get (value, "(q)", &held);
    g_clear_pointer (&value, g_variant_unref);
    g_assert_cmpuint (g_variant_n_children (wait_latest (&forwards)), ==, 1);
    assert_echo (held, TRUE);
    g_dbus_connection_close_sync (g_dbus_proxy_get_connection (G_DBUS_PROXY (holder)), NULL,
                                  &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (wait_latest (&forwards)), ==, 0);
    g_assert_null (pu_forwards_lookup (pu_control_get_forwards (laptop_control), held));
  }

  /* Removed from config.ini. */
  call_void (home, "RemoveService", g_variant_new ("(s)", "echo"));
  g_free (config);
  config = read_file (pu_config_get_path (pu_profile_get_config (fx->pair.home)));
  g_assert_null (strstr (config, "[service echo]"));
  value = call_ok (home, "ListServices", NULL);
  assert_printed (value, "'echo'", FALSE);

  g_socket_service_stop (echo);
  g_clear_pointer (&services.value, g_variant_unref);
  g_clear_pointer (&forwards.value, g_variant_unref);
  g_clear_pointer (&failed.value, g_variant_unref);
}

static void
test_trust (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPeerUp1) home = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariantDict) sas = NULL;
  g_autoptr(PuIdentity) stranger = pu_identity_generate ();
  g_autofree char *laptop_id = id_of (fx->pair.laptop);
  g_autofree char *home_id = id_of (fx->pair.home);
  g_autofree char *keys = NULL;
  const char *keys_path = pu_trust_store_get_path (pu_profile_get_trust_store (fx->pair.home));
  const char *stranger_id = pu_identity_get_peer_id_string (stranger);
  g_autoptr(GVariant) emoji = NULL;
  Latest trust = { 0 };

  pu_control_listen (fx->control, fx->socket_path, &error);
  g_assert_no_error (error);
  home = connect_client (fx->socket_path);
  g_signal_connect (home, "trust-changed", G_CALLBACK (latest_cb), &trust);

  /* The emoji, then confirming them writes verified=. */
  value = call_ok (home, "GetSas", g_variant_new ("(s)", "laptop"));
  sas = first_dict (value);
  emoji = g_variant_dict_lookup_value (sas, "emoji", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_cmpuint (g_variant_n_children (emoji), ==, 4);
  g_assert_cmpuint (strlen (dict_string (sas, "digits")), ==, 7);
  g_assert_false (dict_bool (sas, "verified"));
  call_void (home, "Verify", g_variant_new ("(s)", "laptop"));
  keys = read_file (keys_path);
  g_assert_nonnull (strstr (keys, "verified=sha256:"));
  wait_latest (&trust);
  g_clear_pointer (&sas, g_variant_dict_unref);
  g_clear_pointer (&value, g_variant_unref);
  value = call_ok (home, "GetSas", g_variant_new ("(s)", laptop_id));
  sas = first_dict (value);
  g_assert_true (dict_bool (sas, "verified"));

  call_fails (home, "Verify", g_variant_new ("(s)", home_id), ERROR_NAME ("InvalidArgument"),
              "own peer ID");
  call_fails (home, "Verify", g_variant_new ("(s)", stranger_id), ERROR_NAME ("NotFound"),
              "not authorized");

  /* Authorize and deauthorize change authorized_keys. */
  call_fails (home, "Authorize", g_variant_new ("(sss)", "laptop", "", ""),
              ERROR_NAME ("Exists"), "");
  call_void (home, "Deauthorize", g_variant_new ("(s)", "laptop"));
  g_free (keys);
  keys = read_file (keys_path);
  g_assert_null (strstr (keys, laptop_id));
  call_fails (home, "Deauthorize", g_variant_new ("(s)", "laptop"), ERROR_NAME ("NotFound"), "");
  call_void (home, "Authorize",
             g_variant_new ("(sss)", stranger_id, "phone", "7d"));
  g_free (keys);
  keys = read_file (keys_path);
  g_assert_nonnull (strstr (keys, stranger_id));
  g_assert_nonnull (strstr (keys, "expires="));
  assert_printed (wait_latest (&trust), stranger_id, TRUE);
  call_fails (home, "Authorize", g_variant_new ("(sss)", laptop_id, "", "soon"),
              ERROR_NAME ("InvalidArgument"), "Invalid duration");
  call_fails (home, "Authorize", g_variant_new ("(sss)", "12D3KooWnope", "", ""),
              ERROR_NAME ("InvalidArgument"), "12D3KooWnope");
  g_clear_pointer (&trust.value, g_variant_unref);
}

typedef struct {
  char     *handle;
  guint     failures;
  gboolean  arrived;
} WrongCode;

static void
wrong_code_cb (PuPeerUp1  *proxy,
               const char *handle,
               guint       failures,
               WrongCode  *attempt)
{
  g_free (attempt->handle);
  attempt->handle = g_strdup (handle);
  attempt->failures = failures;
  attempt->arrived = TRUE;
}

static void
test_pairing (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(PuPeerUp1) home = NULL;
  g_autoptr(PuPeerUp1) laptop = NULL;
  g_autoptr(PuControl) laptop_control = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariantDict) invited = NULL;
  g_autoptr(GVariantDict) joined = NULL;
  g_autofree char *home_id = id_of (fx->pair.home);
  g_autofree char *laptop_id = id_of (fx->pair.laptop);
  const char *handle;
  const char *code;
  const char *uri;
  const char *join_handle;
  Latest home_done = { 0 };
  Latest laptop_done = { 0 };

  laptop_control = listen_strangers (fx, &home, &laptop, &home_done, &laptop_done);

  call_fails (laptop, "Join", g_variant_new ("(sa{sv})", "!!", NULL),
              ERROR_NAME ("InvalidArgument"), "");
  call_fails (home, "CancelPairing", g_variant_new ("(s)", "pairing-99"),
              ERROR_NAME ("NotFound"), "pairing-99");
  {
    GVariantDict options;

    g_variant_dict_init (&options, NULL);
    g_variant_dict_insert (&options, "ttl", "u", 0);
    call_fails (home, "Invite", g_variant_new ("(@a{sv})", g_variant_dict_end (&options)),
                ERROR_NAME ("InvalidArgument"), "24 hours");
  }

  value = call_ok (home, "Invite", g_variant_new ("(a{sv})", NULL));
  g_variant_get (value, "(&s&s&s)", &handle, &code, &uri);

  /* A wrong code: the joiner fails, the inviter hears of the attempt and
   * keeps waiting. */
  {
    g_autoptr(PuInviteCode) parsed = pu_invite_code_parse (code, NULL);
    g_autofree char *wrong = NULL;
    g_autoptr(GVariant) answer = NULL;
    g_autoptr(GVariantDict) failed = NULL;
    WrongCode attempt = { NULL, 0, FALSE };

    g_signal_connect (home, "pairing-wrong-code", G_CALLBACK (wrong_code_cb), &attempt);
    parsed->secret[0] ^= 1;
    wrong = pu_invite_code_to_string (parsed);
    answer = call_ok (laptop, "Join", g_variant_new ("(sa{sv})", wrong, NULL));
    failed = g_variant_dict_new (wait_latest (&laptop_done));
    g_assert_cmpstr (dict_string (failed, "role"), ==, "join");
    g_assert_cmpstr (dict_string (failed, "error"), ==, ERROR_NAME ("Pairing"));
    g_assert_true (strlen (dict_string (failed, "message")) > 0);
    pu_test_run_until (&attempt.arrived);
    g_assert_cmpstr (attempt.handle, ==, handle);
    g_assert_cmpuint (attempt.failures, ==, 1);
    g_signal_handlers_disconnect_by_data (home, &attempt);
    g_free (attempt.handle);
  }
  g_assert_true (g_str_has_prefix (uri, "peerup:"));
  g_assert_cmpuint (strlen (code), >, 20);
  {
    g_autoptr(GVariant) answer = NULL;

    answer = call_ok (laptop, "Join", g_variant_new ("(sa{sv})", code, NULL));
    g_variant_get (answer, "(&s)", &join_handle);
    g_assert_true (g_str_has_prefix (join_handle, "pairing-"));
  }

  invited = g_variant_dict_new (wait_latest (&home_done));
  g_assert_cmpstr (dict_string (invited, "handle"), ==, handle);
  g_assert_cmpstr (dict_string (invited, "role"), ==, "invite");
  g_assert_cmpstr (dict_string (invited, "peer_id"), ==, laptop_id);
  /* The test relay serves every device already. */
  g_assert_cmpstr (dict_string (invited, "relay_serves"), ==, "ok");
  joined = g_variant_dict_new (wait_latest (&laptop_done));
  g_assert_cmpstr (dict_string (joined, "role"), ==, "join");
  g_assert_cmpstr (dict_string (joined, "peer_id"), ==, home_id);
  g_assert_true (pu_trust_store_is_authorized (pu_profile_get_trust_store (fx->pair.home),
                                               pu_test_peer_of (fx->pair.laptop), 0));
  g_assert_true (pu_trust_store_is_authorized (pu_profile_get_trust_store (fx->pair.laptop),
                                               pu_test_peer_of (fx->pair.home), 0));

  /* An invitation cancelled ends with an error, and its code with it. */
  {
    g_autoptr(GVariant) answer = call_ok (home, "Invite", g_variant_new ("(a{sv})", NULL));
    g_autoptr(GVariantDict) cancelled = NULL;
    const char *second;

    g_variant_get (answer, "(&s&s&s)", &second, NULL, NULL);
    call_void (home, "CancelPairing", g_variant_new ("(s)", second));
    cancelled = g_variant_dict_new (wait_latest (&home_done));
    g_assert_cmpstr (dict_string (cancelled, "handle"), ==, second);
    g_assert_cmpstr (dict_string (cancelled, "message"), ==, "Pairing cancelled");
    g_assert_false (g_variant_dict_contains (cancelled, "peer_id"));
    call_fails (home, "CancelPairing", g_variant_new ("(s)", second), ERROR_NAME ("NotFound"),
                second);
  }

  /* Pairings at once are bounded. */
  {
    g_autoptr(GPtrArray) handles = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < PU_CONTROL_MAX_PAIRINGS; i++)
      {
        g_autoptr(GVariant) answer = call_ok (home, "Invite", g_variant_new ("(a{sv})", NULL));
        char *one;

        g_variant_get (answer, "(s&s&s)", &one, NULL, NULL);
        g_ptr_array_add (handles, one);
      }
    call_fails (home, "Invite", g_variant_new ("(a{sv})", NULL), ERROR_NAME ("TooLarge"),
                "cancel one");
    for (guint i = 0; i < handles->len; i++)
      {
        call_void (home, "CancelPairing", g_variant_new ("(s)", handles->pdata[i]));
        wait_latest (&home_done);
      }
  }
  g_clear_pointer (&home_done.value, g_variant_unref);
  g_clear_pointer (&laptop_done.value, g_variant_unref);
}

static void
test_pairing_short (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(PuPeerUp1) home = NULL;
  g_autoptr(PuPeerUp1) laptop = NULL;
  g_autoptr(PuControl) laptop_control = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) answer = NULL;
  g_autoptr(GVariantDict) invited = NULL;
  g_autoptr(GVariantDict) joined = NULL;
  g_autofree char *home_id = id_of (fx->pair.home);
  g_autofree char *laptop_id = id_of (fx->pair.laptop);
  g_autoptr(GVariantDict) started = NULL;
  g_autoptr(GVariantDict) status = NULL;
  GVariantDict options;
  const char *handle;
  const char *code;
  const char *uri;
  Latest home_done = { 0 };
  Latest laptop_done = { 0 };
  Latest home_started = { 0 };

  laptop_control = listen_strangers (fx, &home, &laptop, &home_done, &laptop_done);
  g_signal_connect (home, "pairing-started", G_CALLBACK (latest_cb), &home_started);

  /* A code to read aloud: a number and words, no URI. */
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "short", "b", TRUE);
  value = call_ok (home, "Invite", g_variant_new ("(@a{sv})", g_variant_dict_end (&options)));
  g_variant_get (value, "(&s&s&s)", &handle, &code, &uri);
  g_assert_cmpstr (uri, ==, "");
  started = g_variant_dict_new (wait_latest (&home_started));
  g_assert_cmpstr (dict_string (started, "handle"), ==, handle);
  g_assert_cmpstr (dict_string (started, "role"), ==, "invite");
  status = get_status (home);
  g_variant_dict_unref (find_entry (status, "pairings", "handle", handle));
  g_assert_true (g_ascii_isdigit (code[0]));
  g_assert_nonnull (strchr (code, '-'));

  /* A bad relay is refused at once; the laptop's own relay is the one. */
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "relay", "s", "not a relay");
  call_fails (laptop, "Join", g_variant_new ("(s@a{sv})", code, g_variant_dict_end (&options)),
              ERROR_NAME ("InvalidArgument"), "not a relay");
  answer = call_ok (laptop, "Join", g_variant_new ("(sa{sv})", code, NULL));

  invited = g_variant_dict_new (wait_latest (&home_done));
  g_assert_cmpstr (dict_string (invited, "peer_id"), ==, laptop_id);
  joined = g_variant_dict_new (wait_latest (&laptop_done));
  g_assert_cmpstr (dict_string (joined, "peer_id"), ==, home_id);
  g_assert_true (pu_trust_store_is_authorized (pu_profile_get_trust_store (fx->pair.home),
                                               pu_test_peer_of (fx->pair.laptop), 0));
  g_clear_pointer (&home_done.value, g_variant_unref);
  g_clear_pointer (&laptop_done.value, g_variant_unref);
  g_clear_pointer (&home_started.value, g_variant_unref);
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

static void
test_session_bus (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantDict) status = NULL;
  g_autofree char *home_id = id_of (fx->pair.home);
  gboolean appeared = FALSE;
  guint watch;

  if (daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  pu_control_own_bus_name (fx->control);
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (connection, PU_CONTROL_BUS_NAME,
                                          G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared_cb, NULL,
                                          &appeared, NULL);
  pu_test_run_until (&appeared);
  g_bus_unwatch_name (watch);

  {
    Result r = { 0 };

    /* Loads the properties too. */
    pu_peer_up1_proxy_new (connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                           PU_CONTROL_BUS_NAME, PU_CONTROL_OBJECT_PATH, NULL, bus_proxy_cb, &r);
    pu_test_run_until (&r.done);
    g_assert_no_error (r.error);
    g_assert_cmpstr (pu_peer_up1_get_peer_id (r.proxy), ==, home_id);
    status = get_status (r.proxy);
    g_assert_cmpstr (dict_string (status, "peer_id"), ==, home_id);
    g_object_unref (r.proxy);
  }

  /* A forward held by a bus client closes when its name goes away. */
  {
    g_autoptr(GDBusConnection) client = NULL;
    g_autoptr(PuPeerUp1) holder = NULL;
    g_autoptr(GVariant) value = NULL;
    GListModel *forwards = G_LIST_MODEL (pu_control_get_forwards (fx->control));
    g_autofree char *laptop_id = id_of (fx->pair.laptop);
    GVariantDict options;
    guint n_changes = 0;
    Result r = { 0 };

    GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;

    client = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus), flags,
                                                     NULL, NULL, &error);
    g_assert_no_error (error);
    pu_peer_up1_proxy_new (client, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, PU_CONTROL_BUS_NAME,
                           PU_CONTROL_OBJECT_PATH, NULL, bus_proxy_cb, &r);
    pu_test_run_until (&r.done);
    g_assert_no_error (r.error);
    holder = r.proxy;
    g_variant_dict_init (&options, NULL);
    g_variant_dict_insert (&options, "hold", "b", TRUE);
    value = call_ok (holder, "Connect", g_variant_new ("(ssq@a{sv})", laptop_id, "ssh", 0,
                                                       g_variant_dict_end (&options)));
    g_assert_cmpuint (g_list_model_get_n_items (forwards), ==, 1);
    g_signal_connect_swapped (forwards, "items-changed", G_CALLBACK (count_cb), &n_changes);
    g_dbus_connection_close_sync (client, NULL, &error);
    g_assert_no_error (error);
    pu_test_run_until_count (&n_changes, 1);
    g_assert_cmpuint (g_list_model_get_n_items (forwards), ==, 0);
    g_signal_handlers_disconnect_by_data (forwards, &n_changes);
  }

  /* Everything holding the bus lets go before it goes down. */
  g_clear_object (&fx->control);
  g_clear_object (&connection);
  g_test_dbus_down (bus);
}

/* A change that cannot be saved is not made: what a node serves always
 * matches config.ini. */
static void
test_services_unsaved (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  /* Under a regular file: no directory can be made there, even by root. */
  g_autofree char *path = g_build_filename (file, "config.ini", NULL);
  g_autoptr(PuConfig) config = pu_config_new (path);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (file, "", 0, &error);
  g_assert_no_error (error);
  g_assert_false (pu_services_add (config, "ssh", "127.0.0.1:22", NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (pu_config_lookup_service (config, "ssh"));
  pu_test_remove_tree (dir);
}

/* Every method that changes trust or exposure is logged with its caller;
 * the ones that only read are not. */
static void
test_audited (void)
{
  const char * const audited[] = {
    "AddService", "RemoveService", "EnableService", "DisableService", "SetServiceAllowed",
    "Connect", "Disconnect", "Verify", "Authorize", "Deauthorize", "Invite", "Join", NULL
  };
  GDBusInterfaceInfo *info = pu_peer_up1_interface_info ();

  for (guint i = 0; info->methods[i] != NULL; i++)
    {
      const GDBusMethodInfo *method = info->methods[i];
      const char *value = g_dbus_annotation_info_lookup (method->annotations,
                                                         "dev.peerup.PeerUp1.Audit");
      gboolean changes = g_strv_contains (audited, method->name);

      if (changes != (g_strcmp0 (value, "true") == 0))
        g_error ("%s: audit annotation %s", method->name, value != NULL ? value : "missing");
    }
  for (guint i = 0; audited[i] != NULL; i++)
    g_assert_nonnull (g_dbus_interface_info_lookup_method (info, audited[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it changes the environment, before any thread runs. */
  g_test_add_func ("/control/socket-path", test_socket_path);
  g_test_add_func ("/control/credentials", test_credentials);
  g_test_add_func ("/control/audited", test_audited);
  g_test_add_func ("/control/services-unsaved", test_services_unsaved);
#define ADD(name, func) \
  g_test_add ("/control/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("status", test_status);
  ADD ("errors", test_errors);
  ADD ("one-core", test_one_core);
  ADD ("stale-socket", test_stale_socket);
  ADD ("client-limit", test_client_limit);
  ADD ("session-bus", test_session_bus);
  ADD ("services-forwards", test_services_forwards);
  ADD ("trust", test_trust);
  ADD ("pairing", test_pairing);
  ADD ("pairing-short", test_pairing_short);
#undef ADD

  return g_test_run ();
}
