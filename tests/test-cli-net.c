/* test-cli-net.c — the networking commands of the real `peerup` binary:
 * a relay, a daemon, proxies, ping and traceroute as separate processes on
 * loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pu-invite-code.h"
#include "pu-sas.h"
#include "pu-test-util.h"

/* Guards against hangs only (sanitizer builds are slow); nothing is timed. */
#define GUARD_SECONDS 120

typedef struct {
  char *dir;
  char *xdg;
  int   status;
  char *out;
  char *err;
} Fixture;

/* A command that keeps running, and what it printed so far. */
typedef struct {
  GSubprocess      *proc;
  GDataInputStream *out;
  GDataInputStream *err;
  GString          *out_text;
  GString          *err_text;
} Proc;

/* An echo server on its own threads, so that blocking calls in the test
 * (running the binary) never stall it. */
typedef struct {
  GSocket *listener;
  guint16  port;
  GThread *thread;
} Echo;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = pu_test_make_tmpdir ();
  f->xdg = g_build_filename (f->dir, "xdg", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pu_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->xdg);
  g_free (f->out);
  g_free (f->err);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static gboolean
guard_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until *@done, failing after GUARD_SECONDS. */
static void
run_until (gboolean   *done,
           const char *what)
{
  gint64 deadline = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, guard_tick, NULL);

  while (!*done)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

typedef struct {
  gboolean done;
  char    *out;
  char    *err;
} Communicated;

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communicated *c = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &c->out, &c->err,
                                        &error);
  g_assert_no_error (error);
  c->done = TRUE;
}

/* peerup ARGS… to the end, keeping its status and output in @f. */
G_GNUC_NULL_TERMINATED static void
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  Communicated c = { 0 };
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = pu_test_spawn_peerup (f->xdg, (const char * const *) argv->pdata);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicated_cb, &c);
  run_until (&c.done, first);
  g_assert_true (g_subprocess_get_if_exited (proc));
  f->status = g_subprocess_get_exit_status (proc);
  g_free (f->out);
  g_free (f->err);
  f->out = c.out;
  f->err = c.err;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not in: %s", needle, haystack);
}

static void
assert_ok (Fixture *f)
{
  if (f->status != 0)
    g_error ("peerup failed (%d): %s%s", f->status, f->out, f->err);
}

/* Exit @status with exactly one "peerup: …" line about @needle. */
static void
assert_fails (Fixture    *f,
              int         status,
              const char *needle)
{
  g_assert_cmpint (f->status, ==, status);
  g_assert_true (g_str_has_prefix (f->err, "peerup: "));
  if (status == 1)
    g_assert_true (strchr (f->err, '\n') == f->err + strlen (f->err) - 1);
  assert_contains (f->err, needle);
}

G_GNUC_NULL_TERMINATED static Proc *
proc_start (Fixture    *f,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Proc *p = g_new0 (Proc, 1);
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  p->proc = pu_test_spawn_peerup (f->xdg, (const char * const *) argv->pdata);
  p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->proc));
  p->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p->proc));
  p->out_text = g_string_new (NULL);
  p->err_text = g_string_new (NULL);
  return p;
}

typedef struct {
  gboolean  done;
  char     *line;
} LineRead;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *r = user_data;
  g_autoptr(GError) error = NULL;

  r->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                       NULL, &error);
  g_assert_no_error (error);
  r->done = TRUE;
}

/* Reads stdout (or stderr) until a line containing @needle, and returns it. */
static char *
proc_wait_line (Proc       *p,
                gboolean    from_stderr,
                const char *needle)
{
  GDataInputStream *in = from_stderr ? p->err : p->out;
  GString *text = from_stderr ? p->err_text : p->out_text;

  for (;;)
    {
      LineRead r = { 0 };

      g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, line_read_cb, &r);
      run_until (&r.done, needle);
      if (r.line == NULL)
        g_error ("Output ended without “%s”; stdout: %s\nstderr: %s", needle,
                 p->out_text->str, p->err_text->str);
      g_string_append_printf (text, "%s\n", r.line);
      if (strstr (r.line, needle) != NULL)
        return r.line;
      g_free (r.line);
    }
}

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* SIGTERM, then the exit status, which must be 0. */
static void
proc_stop (Proc *p)
{
  gboolean done = FALSE;

  g_subprocess_send_signal (p->proc, SIGTERM);
  g_subprocess_wait_async (p->proc, NULL, waited_cb, &done);
  run_until (&done, "a process to stop");
  g_assert_true (g_subprocess_get_if_exited (p->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (p->proc), ==, 0);
}

static void
proc_free (Proc *p)
{
  if (!g_subprocess_get_if_exited (p->proc) && !g_subprocess_get_if_signaled (p->proc))
    {
      g_subprocess_force_exit (p->proc);
      g_subprocess_wait (p->proc, NULL, NULL);
    }
  g_clear_object (&p->out);
  g_clear_object (&p->err);
  g_clear_object (&p->proc);
  g_string_free (p->out_text, TRUE);
  g_string_free (p->err_text, TRUE);
  g_free (p);
}

static gpointer
echo_connection (gpointer data)
{
  g_autoptr(GSocket) socket = data;
  char buf[16384];
  gssize n;

  while ((n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL)) > 0)
    for (gssize sent = 0, m; sent < n; sent += m)
      if ((m = g_socket_send (socket, buf + sent, n - sent, NULL, NULL)) <= 0)
        return NULL;
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  return NULL;
}

static gpointer
echo_accept (gpointer data)
{
  Echo *echo = data;
  GSocket *socket;

  while ((socket = g_socket_accept (echo->listener, NULL, NULL)) != NULL)
    g_thread_unref (g_thread_new ("echo", echo_connection, socket));
  return NULL;
}

static Echo *
echo_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  Echo *echo = g_new0 (Echo, 1);

  echo->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (echo->listener, addr, TRUE, &error));
  g_assert_true (g_socket_listen (echo->listener, &error));
  bound = g_socket_get_local_address (echo->listener, &error);
  g_assert_no_error (error);
  echo->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  echo->thread = g_thread_new ("echo-accept", echo_accept, echo);
  return echo;
}

static void
echo_stop (Echo *echo)
{
  /* accept() returns once the socket is shut down. */
  g_socket_shutdown (echo->listener, TRUE, TRUE, NULL);
  g_socket_close (echo->listener, NULL);
  g_thread_join (echo->thread);
  g_object_unref (echo->listener);
  g_free (echo);
}

/* Sends @data through 127.0.0.1:@port and returns what came back once the
 * far end closed. A thread writes while this one reads, as a user's program
 * would do both at once. */
typedef struct {
  GSocket *socket;
  GBytes  *data;
} Writer;

static gpointer
write_all (gpointer user_data)
{
  Writer *w = user_data;
  gsize len;
  const char *p = g_bytes_get_data (w->data, &len);

  for (gsize sent = 0; sent < len;)
    {
      gssize n = g_socket_send (w->socket, p + sent, len - sent, NULL, NULL);

      g_assert_cmpint (n, >, 0);
      sent += (gsize) n;
    }
  g_socket_shutdown (w->socket, FALSE, TRUE, NULL);
  return NULL;
}

static GBytes *
round_trip (guint16  port,
            GBytes  *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GByteArray) back = g_byte_array_new ();
  Writer w = { NULL, data };
  GThread *writer;
  char buf[16384];
  gssize n;

  g_assert_no_error (error);
  g_socket_set_timeout (socket, GUARD_SECONDS);
  g_assert_true (g_socket_connect (socket, addr, NULL, &error));
  w.socket = socket;
  writer = g_thread_new ("writer", write_all, &w);
  while ((n = g_socket_receive (socket, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (back, (const guint8 *) buf, (guint) n);
  g_assert_no_error (error);
  g_thread_join (writer);
  return g_byte_array_free_to_bytes (g_steal_pointer (&back));
}

static guint16
forwarded_port (const char *line)
{
  const char *p = strstr (line, "127.0.0.1:");
  guint64 port = 0;
  g_autofree char *digits = NULL;

  g_assert_nonnull (p);
  p += strlen ("127.0.0.1:");
  digits = g_strndup (p, strspn (p, "0123456789"));
  g_assert_true (g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT16, &port, NULL));
  return (guint16) port;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static void
test_relay_admin (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = path_in (f, "relay");
  g_autofree char *key = g_build_filename (dir, "identity.key", NULL);
  g_autofree char *ini = g_build_filename (dir, "relay.ini", NULL);
  g_autofree char *default_key = g_build_filename (f->xdg, "peerup-relay", "identity.key",
                                                   NULL);
  g_autofree char *id = NULL;
  g_autofree char *want = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *addresses;
  JsonObject *first;
  GStatBuf st;
  const char *device = "12D3KooWK5DBzmUHu829YgQu2fGiYjhcn3iSj7ZASAzYY1sXvaMj";

  /* info makes the identity (0600, in a 0700 directory) and never replaces it. */
  cli (f, "relay", "info", "--dir", dir, "--json", NULL);
  assert_ok (f);
  info = parse_object (f->out);
  id = g_strdup (json_object_get_string_member (info, "peer_id"));
  g_assert_true (g_str_has_prefix (id, "12D3KooW"));
  g_assert_cmpstr (json_object_get_string_member (info, "dir"), ==, dir);
  g_assert_cmpstr (json_object_get_string_member (info, "listen"), ==, "0.0.0.0:7777");
  g_assert_cmpint (json_object_get_int_member (info, "port"), ==, 7777);
  addresses = json_object_get_array_member (info, "addresses");
  g_assert_cmpuint (json_array_get_length (addresses), >=, 1);
  first = json_array_get_object_element (addresses, 0);
  want = g_strdup_printf ("/tcp/7777/p2p/%s", id);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (first, "multiaddr"), want));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "add_command"),
                                   "peerup relay add /ip"));
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  cli (f, "relay", "info", "--dir", dir, NULL);
  assert_ok (f);
  assert_contains (f->out, id);
  assert_contains (f->out, "peerup relay add /ip4/");
  assert_contains (f->out, "peerup relay authorize PEER-ID --dir");

  /* A given listening address is the one to add. */
  cli (f, "relay", "info", "--dir", dir, "--listen", "127.0.0.1:7001", NULL);
  assert_ok (f);
  g_free (want);
  want = g_strdup_printf ("peerup relay add /ip4/127.0.0.1/tcp/7001/p2p/%s\n", id);
  assert_contains (f->out, want);

  /* The default directory. */
  cli (f, "relay", "info", NULL);
  assert_ok (f);
  g_assert_true (g_file_test (default_key, G_FILE_TEST_IS_REGULAR));

  /* The devices it serves. */
  cli (f, "relay", "list-peers", "--dir", dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "No devices");
  cli (f, "relay", "authorize", device, "--comment", "Anna's laptop", "--dir", dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "Authorized 12D3KooWK5DB");
  cli (f, "relay", "authorize", device, "--dir", dir, NULL);
  assert_fails (f, 1, "already");
  cli (f, "relay", "list-peers", "--dir", dir, "--json", NULL);
  assert_ok (f);
  json_parser_load_from_data (parser, f->out, -1, &error);
  g_assert_no_error (error);
  {
    JsonArray *peers = json_node_get_array (json_parser_get_root (parser));
    JsonObject *peer;

    g_assert_cmpuint (json_array_get_length (peers), ==, 1);
    peer = json_array_get_object_element (peers, 0);
    g_assert_cmpstr (json_object_get_string_member (peer, "peer_id"), ==, device);
    g_assert_cmpstr (json_object_get_string_member (peer, "comment"), ==, "Anna's laptop");
  }
  cli (f, "relay", "list-peers", "--dir", dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "# Anna's laptop");
  cli (f, "relay", "deauthorize", device, "--dir", dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "Removed 12D3KooWK5DB");
  cli (f, "relay", "deauthorize", device, "--dir", dir, NULL);
  assert_fails (f, 1, "12D3KooWK5DB");

  /* Bad input: one line each. */
  cli (f, "relay", "authorize", "laptop", "--dir", dir, NULL);
  assert_fails (f, 1, "Invalid peer ID");
  cli (f, "relay", "info", "--listen", "somewhere", "--dir", dir, NULL);
  assert_fails (f, 2, "--listen");
  cli (f, "relay", "serve", "--listen", "127.0.0.1:99999", "--dir", dir, NULL);
  assert_fails (f, 2, "--listen");
  g_assert_true (g_file_set_contents (ini, "[limits]\nmax-peers=none\n", -1, NULL));
  cli (f, "relay", "serve", "--listen", "127.0.0.1:0", "--dir", dir, NULL);
  assert_fails (f, 1, "max-peers must be a whole number");

  /* Both roles are in the group's help. */
  cli (f, "relay", "--help", NULL);
  assert_ok (f);
  assert_contains (f->out, "This device: use a relay");
  assert_contains (f->out, "Relay machine: run a relay");
}

/* The relay, devices A ("home", serving an echo service) and B ("laptop"). */
typedef struct {
  Proc  *relay;
  char  *relay_addr;
  char  *relay_dir;
  char  *a;         /* config.ini paths */
  char  *b;
  char  *a_id;
  char  *b_id;
  Echo  *echo;
  Proc  *daemon;
} Net;

static char *
init_device (Fixture    *f,
             Net        *net,
             const char *name,
             gboolean    authorize)
{
  g_autofree char *dir = path_in (f, name);
  char *config = g_build_filename (dir, "config.ini", NULL);
  g_autofree char *id = NULL;

  cli (f, "init", "--name", name, "--relay", net->relay_addr, "--non-interactive",
       "--config", config, NULL);
  assert_ok (f);
  cli (f, "whoami", "--config", config, NULL);
  assert_ok (f);
  id = g_strstrip (g_strdup (f->out));
  if (!authorize)
    return config;
  cli (f, "relay", "authorize", id, "--comment", name, "--dir", net->relay_dir, NULL);
  assert_ok (f);
  /* The running relay has read it. */
  g_free (proc_wait_line (net->relay, TRUE, "authorized_keys changed: "));
  return config;
}

/* The relay and two devices, which know nothing of each other; the first
 * is allowed on the relay, the second too when @authorize_b. */
static void
net_start_devices_full (Fixture  *f,
                        Net      *net,
                        gboolean  authorize_b)
{
  g_autofree char *line = NULL;

  net->relay_dir = path_in (f, "relay");
  net->relay = proc_start (f, "relay", "serve", "--listen", "127.0.0.1:0", "--dir",
                           net->relay_dir, NULL);
  line = proc_wait_line (net->relay, FALSE, "peerup relay add ");
  net->relay_addr = g_strdup (strstr (line, "/ip4/127.0.0.1/tcp/"));
  g_assert_nonnull (net->relay_addr);
  g_assert_false (g_str_has_prefix (net->relay_addr, "/ip4/127.0.0.1/tcp/0/"));

  net->a = init_device (f, net, "home", TRUE);
  net->b = init_device (f, net, "laptop", authorize_b);
  cli (f, "whoami", "--config", net->a, NULL);
  net->a_id = g_strstrip (g_strdup (f->out));
  cli (f, "whoami", "--config", net->b, NULL);
  net->b_id = g_strstrip (g_strdup (f->out));
}

static void
net_start_devices (Fixture *f,
                   Net     *net)
{
  net_start_devices_full (f, net, TRUE);
}

static void
net_start (Fixture *f,
           Net     *net)
{
  g_autofree char *service = NULL;

  net_start_devices (f, net);
  cli (f, "auth", "add", net->b_id, "--config", net->a, NULL);
  assert_ok (f);
  cli (f, "name", "set", "home", net->a_id, "--config", net->b, NULL);
  assert_ok (f);

  net->echo = echo_start ();
  service = g_strdup_printf ("127.0.0.1:%u", net->echo->port);
  cli (f, "service", "add", "echo", service, "--config", net->a, NULL);
  assert_ok (f);

  net->daemon = proc_start (f, "daemon", "--config", net->a, NULL);
  g_free (proc_wait_line (net->daemon, TRUE, "Connected to the relay at 127.0.0.1:"));
}

static void
net_stop (Net *net)
{
  g_clear_pointer (&net->daemon, proc_free);
  proc_stop (net->relay);
  g_clear_pointer (&net->relay, proc_free);
  g_clear_pointer (&net->echo, echo_stop);
  g_free (net->relay_addr);
  g_free (net->relay_dir);
  g_free (net->a);
  g_free (net->b);
  g_free (net->a_id);
  g_free (net->b_id);
}

/* "relayed", or "direct" over host candidates (loopback); TRUE if direct. */
static gboolean
assert_path (JsonObject *object)
{
  const char *path = json_object_get_string_member (object, "path");

  if (g_strcmp0 (path, "relayed") == 0)
    {
      g_assert_false (json_object_has_member (object, "local_candidate"));
      return FALSE;
    }
  g_assert_cmpstr (path, ==, "direct");
  g_assert_cmpstr (json_object_get_string_member (object, "local_candidate"), ==, "host");
  g_assert_cmpstr (json_object_get_string_member (object, "remote_candidate"), ==, "host");
  g_assert_cmpint (json_object_get_int_member (object, "ip_version"), >=, 4);
  return TRUE;
}

static void
check_ping (Fixture *f,
            Net     *net)
{
  g_auto(GStrv) lines = NULL;

  cli (f, "ping", "home", "-c", "1", "--config", net->b, NULL);
  assert_ok (f);
  /* The pair was never compared (peerup verify). */
  assert_contains (f->out, "PING home (12D3KooW");
  assert_contains (f->out, ") [UNVERIFIED]\n");
  assert_contains (f->out, "reply from home: seq=1 time=");
  /* A new connection starts relayed and moves to the direct path ICE finds. */
  if (strstr (f->out, " ms path=relayed\n") == NULL)
    assert_contains (f->out, " ms path=direct (host→host IPv");
  assert_contains (f->out, "1 sent, 1 received, 0% loss");

  cli (f, "ping", "home", "-c", "3", "--interval", "200ms", "--json", "--config", net->b, NULL);
  assert_ok (f);
  lines = g_strsplit (g_strchomp (f->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) probe = parse_object (lines[i]);

      g_assert_cmpstr (json_object_get_string_member (probe, "type"), ==, "probe");
      g_assert_cmpint (json_object_get_int_member (probe, "seq"), ==, i + 1);
      g_assert_cmpfloat (json_object_get_double_member (probe, "rtt_ms"), >=, 0);
      assert_path (probe);
    }
  {
    g_autoptr(JsonObject) summary = parse_object (lines[3]);

    g_assert_cmpstr (json_object_get_string_member (summary, "type"), ==, "summary");
    g_assert_cmpint (json_object_get_int_member (summary, "sent"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (summary, "received"), ==, 3);
    g_assert_cmpfloat (json_object_get_double_member (summary, "loss_percent"), ==, 0);
    g_assert_cmpfloat (json_object_get_double_member (summary, "min_ms"), <=,
                       json_object_get_double_member (summary, "max_ms"));
  }

  /* traceroute gives ICE a moment: on loopback the path is direct, one hop;
   * on the relay it would be two. */
  cli (f, "traceroute", "home", "--config", net->b, NULL);
  assert_ok (f);
  assert_contains (f->out, "traceroute to home (");
  if (strstr (f->out, "path relayed\n") != NULL)
    {
      assert_contains (f->out, "\n 1  relay 127.0.0.1:");
      assert_contains (f->out, "\n 2  home  ");
    }
  else
    {
      assert_contains (f->out, "path direct (host→host IPv");
      assert_contains (f->out, "\n 1  home  ");
    }
  cli (f, "traceroute", "home", "--json", "--config", net->b, NULL);
  assert_ok (f);
  {
    g_autoptr(JsonObject) trace = parse_object (f->out);
    JsonArray *hops = json_object_get_array_member (trace, "hops");
    gboolean direct = assert_path (trace);
    guint n = json_array_get_length (hops);

    g_assert_cmpuint (n, ==, direct ? 1 : 2);
    if (!direct)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hops, 0),
                                                      "kind"), ==, "relay");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hops, n - 1),
                                                    "kind"), ==, "peer");
  }

  /* Usage errors. */
  cli (f, "ping", "home", "-c", "-1", "--config", net->b, NULL);
  assert_fails (f, 2, "-c");
  cli (f, "ping", "home", "--interval", "5x", "--config", net->b, NULL);
  assert_fails (f, 2, "--interval");
  cli (f, "ping", "nobody", "--config", net->b, NULL);
  assert_fails (f, 1, "nobody");
}

/* The "node" member of `peerup status --json`. */
static JsonObject *
node_status (Fixture    *f,
             const char *config)
{
  g_autoptr(JsonObject) status = NULL;

  cli (f, "status", "--json", "--config", config, NULL);
  assert_ok (f);
  status = parse_object (f->out);
  return json_object_ref (json_object_get_object_member (status, "node"));
}

static JsonObject *
find_peer (JsonObject *node,
           const char *peer_id)
{
  JsonArray *peers = json_object_get_array_member (node, "peers");

  for (guint i = 0; i < json_array_get_length (peers); i++)
    {
      JsonObject *peer = json_array_get_object_element (peers, i);

      if (g_str_equal (json_object_get_string_member (peer, "peer_id"), peer_id))
        return peer;
    }
  g_error ("%s is not among the node's peers", peer_id);
}

/* The daemon answers `peerup status`: its relay, and the connection a
 * pinging laptop keeps open. */
static void
check_status (Fixture *f,
              Net     *net)
{
  g_autoptr(JsonObject) node = node_status (f, net->a);
  g_autofree char *line = NULL;
  g_autofree char *want = NULL;
  JsonArray *relays;
  JsonObject *laptop;
  Proc *ping;

  g_assert_true (json_object_get_boolean_member (node, "running"));
  g_assert_cmpint (json_object_get_int_member (node, "pid"), ==,
                   atoi (g_subprocess_get_identifier (net->daemon->proc)));
  g_assert_cmpstr (json_object_get_string_member (node, "peer_id"), ==, net->a_id);
  relays = json_object_get_array_member (node, "relays");
  g_assert_cmpuint (json_array_get_length (relays), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (relays, 0),
                                                 "connected"));
  laptop = find_peer (node, net->b_id);
  g_assert_true (json_object_get_boolean_member (laptop, "authorized"));
  g_assert_false (json_object_get_boolean_member (laptop, "connected"));

  cli (f, "status", "--config", net->a, NULL);
  assert_ok (f);
  want = g_strdup_printf ("\nNode:     running (pid %s)\n  Relays:\n    127.0.0.1:",
                          g_subprocess_get_identifier (net->daemon->proc));
  assert_contains (f->out, want);
  assert_contains (f->out, "  connected");
  g_free (want);
  want = g_strdup_printf ("    %s  not connected\n", net->b_id);
  assert_contains (f->out, want);

  /* The laptop runs no core; a second daemon for home is refused. */
  cli (f, "status", "--config", net->b, NULL);
  assert_ok (f);
  assert_contains (f->out, "\nNode:     not running\n");
  cli (f, "daemon", "--config", net->a, NULL);
  assert_fails (f, 1, "is already running for this device");

  /* While the laptop pings, the daemon sees its connection. */
  ping = proc_start (f, "ping", "home", "-c", "0", "--interval", "200ms", "--config", net->b,
                     NULL);
  line = proc_wait_line (ping, FALSE, "reply from home");
  g_clear_pointer (&node, json_object_unref);
  node = node_status (f, net->a);
  laptop = find_peer (node, net->b_id);
  g_assert_true (json_object_get_boolean_member (laptop, "connected"));
  assert_path (laptop);
  /* Once the pinging side is direct, so is the daemon's view. */
  g_free (line);
  line = proc_wait_line (ping, FALSE, "path=direct");
  g_clear_pointer (&node, json_object_unref);
  node = node_status (f, net->a);
  laptop = find_peer (node, net->b_id);
  g_assert_true (assert_path (laptop));
  g_assert_cmpint (json_object_get_int_member (laptop, "connections"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (laptop, "rtt_ms"), >, 0);

  cli (f, "status", "--config", net->a, NULL);
  assert_ok (f);
  g_free (want);
  want = g_strdup_printf ("    %s  connected  direct (host→host IPv", net->b_id);
  assert_contains (f->out, want);
  proc_stop (ping);
  proc_free (ping);
}

static void
check_proxy (Fixture *f,
             Net     *net)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GByteArray) random = g_byte_array_sized_new (512 * 1024);
  g_autofree char *line = NULL;
  g_autofree char *port_text = NULL;
  Proc *proxy;
  Proc *refused;
  guint16 port;

  for (guint i = 0; i < 512 * 1024 / 4; i++)
    {
      guint32 r = g_random_int ();

      g_byte_array_append (random, (const guint8 *) &r, 4);
    }
  data = g_byte_array_free_to_bytes (g_steal_pointer (&random));

  proxy = proc_start (f, "proxy", "home", "echo", "0", "--config", net->b, NULL);
  line = proc_wait_line (proxy, FALSE, "Forwarding 127.0.0.1:");
  assert_contains (line, " → echo on home");
  port = forwarded_port (line);
  back = round_trip (port, data);
  g_assert_true (g_bytes_equal (back, data));

  /* The port is taken: said at once. */
  port_text = g_strdup_printf ("%u", port);
  cli (f, "proxy", "home", "echo", port_text, "--config", net->b, NULL);
  assert_fails (f, 1, "already in use");
  cli (f, "proxy", "home", "echo", "70000", "--config", net->b, NULL);
  assert_fails (f, 2, "LOCAL-PORT");
  proc_stop (proxy);
  proc_free (proxy);

  /* A service the peer does not expose: the connection closes and the
   * proxy says why. */
  refused = proc_start (f, "proxy", "home", "nope", "0", "--config", net->b, NULL);
  g_free (line);
  line = proc_wait_line (refused, FALSE, "Forwarding 127.0.0.1:");
  g_clear_pointer (&back, g_bytes_unref);
  back = round_trip (forwarded_port (line), empty);
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  g_free (line);
  line = proc_wait_line (refused, TRUE, "peerup: ");
  g_assert_cmpstr (line, ==, "peerup: service nope is not exposed by home");
  proc_stop (refused);
  proc_free (refused);
}

static void
check_unauthorized (Fixture *f,
                    Net     *net)
{
  g_autofree char *c = init_device (f, net, "stranger", TRUE);
  g_autofree char *line = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) back = NULL;
  Proc *proxy;

  cli (f, "ping", net->a_id, "-c", "1", "--config", c, NULL);
  assert_fails (f, 1, "You are not authorized by ");

  proxy = proc_start (f, "proxy", net->a_id, "echo", "0", "--config", c, NULL);
  line = proc_wait_line (proxy, FALSE, "Forwarding 127.0.0.1:");
  back = round_trip (forwarded_port (line), empty);
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  g_free (line);
  line = proc_wait_line (proxy, TRUE, "peerup: ");
  assert_contains (line, "not authorized by");
  proc_stop (proxy);
  proc_free (proxy);

  g_free (proc_wait_line (net->daemon, TRUE, "Refused a connection from"));
}

static void
check_service_added (Fixture *f,
                     Net     *net)
{
  g_autofree char *service = g_strdup_printf ("127.0.0.1:%u", net->echo->port);
  g_autofree char *line = NULL;
  g_autoptr(GBytes) data = g_bytes_new_static ("hello through echo2", 19);
  g_autoptr(GBytes) back = NULL;
  Proc *proxy;

  cli (f, "service", "add", "echo2", service, "--config", net->a, NULL);
  assert_ok (f);
  g_free (proc_wait_line (net->daemon, TRUE, "Service echo2 added"));

  proxy = proc_start (f, "proxy", "home", "echo2", "0", "--config", net->b, NULL);
  line = proc_wait_line (proxy, FALSE, "Forwarding 127.0.0.1:");
  back = round_trip (forwarded_port (line), data);
  g_assert_true (g_bytes_equal (back, data));
  proc_stop (proxy);
  proc_free (proxy);
  g_free (proc_wait_line (net->daemon, TRUE, "Serving echo2 to 12D3KooW"));
}

static void
test_network (Fixture       *f,
              gconstpointer  data)
{
  Net net = { 0 };
  g_autofree char *archive = NULL;
  g_autoptr(GDir) dir = NULL;

  net_start (f, &net);
  check_status (f, &net);
  check_ping (f, &net);
  check_proxy (f, &net);
  check_unauthorized (f, &net);
  check_service_added (f, &net);

  /* The daemon stops cleanly, having archived the config it started with. */
  proc_stop (net.daemon);
  g_free (proc_wait_line (net.daemon, TRUE, "Stopping"));
  archive = g_build_filename (f->dir, "home", "archive", NULL);
  dir = g_dir_open (archive, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_nonnull (g_dir_read_name (dir));

  /* Nobody answers for home now. */
  cli (f, "ping", "home", "-c", "1", "--config", net.b, NULL);
  assert_fails (f, 1, "home is offline: it is not connected to the relay");
  cli (f, "status", "--config", net.a, NULL);
  assert_ok (f);
  assert_contains (f->out, "\nNode:     not running\n");

  net_stop (&net);
}

/* The exit status of a process that ends by itself. */
static int
proc_wait_exit (Proc *p)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (p->proc, NULL, waited_cb, &done);
  run_until (&done, "a process to end");
  g_assert_true (g_subprocess_get_if_exited (p->proc));
  return g_subprocess_get_exit_status (p->proc);
}

/* @text (a valid full code) with one bit of its secret changed and its check
 * made again: a well-formed code that does not match. */
static char *
wrong_code (const char *text)
{
  g_autoptr(PuInviteCode) code = pu_invite_code_parse (text, NULL);

  g_assert_nonnull (code);
  code->secret[0] ^= 1;
  return pu_invite_code_to_string (code);
}

/* @text made again with an expiry an hour from now: what a device whose
 * clock is late would accept. */
static char *
later_code (const char *text)
{
  g_autoptr(PuInviteCode) code = pu_invite_code_parse (text, NULL);

  g_assert_nonnull (code);
  code->expires = g_get_real_time () / G_USEC_PER_SEC + 3600;
  return pu_invite_code_to_string (code);
}

/* "  123-456", the SAS number line of `invite` and `join`. */
static char *
sas_digits (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_regex_match_simple ("^  [0-9]{3}-[0-9]{3}$", lines[i], 0, 0))
      return g_strstrip (g_strdup (lines[i]));
  g_error ("No SAS number in: %s", out);
}

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_pairing (Fixture       *f,
              gconstpointer  data)
{
  Net net = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *line = NULL;
  g_autofree char *home_keys = NULL;
  g_autofree char *laptop_keys = NULL;
  g_autofree char *laptop_config = NULL;
  g_autofree char *relay_keys = NULL;
  g_autofree char *sponsored = NULL;
  g_autofree char *home_digits = NULL;
  g_autofree char *laptop_digits = NULL;
  g_autofree char *expected_digits = NULL;
  g_autofree char *home_dir = path_in (f, "home");
  g_autofree char *laptop_dir = path_in (f, "laptop");
  g_autofree char *expired_text = NULL;
  g_autoptr(PuInviteCode) expired = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  PuPeerId home, laptop;
  Proc *invite;
  PuSas sas;

  /* The laptop is new: the relay does not know it yet. */
  net_start_devices_full (f, &net, FALSE);
  g_assert_true (pu_peer_id_parse (net.a_id, &home, NULL));
  g_assert_true (pu_peer_id_parse (net.b_id, &laptop, NULL));

  /* Codes are checked before any network use. */
  cli (f, "join", "7-purpel-sausage", "--config", net.b, NULL);
  assert_fails (f, 1, "did you mean “purple”?");
  relay = pu_relay_addr_parse (net.relay_addr, NULL, NULL);
  expired = pu_invite_code_new_full (relay, &home, 1, g_get_real_time () / G_USEC_PER_SEC - 1,
                                     NULL);
  expired_text = pu_invite_code_to_string (expired);
  cli (f, "join", expired_text, "--config", net.b, NULL);
  assert_fails (f, 1, "expired at");

  /* Home has a second relay, which the laptop learns. */
  {
    g_autofree char *second = g_strdup_printf ("/ip4/127.0.0.1/tcp/9/p2p/%s", net.a_id);

    cli (f, "relay", "add", second, "--config", net.a, NULL);
    assert_ok (f);
  }

  invite = proc_start (f, "invite", "--non-interactive", "--config", net.a, NULL);
  code = proc_wait_line (invite, FALSE, "-");
  g_assert_true (g_str_has_prefix (code, "0"));
  g_free (proc_wait_line (invite, TRUE, "Waiting for the other device"));

  /* A wrong code fails on both sides, and the inviter keeps waiting. */
  wrong = wrong_code (code);
  cli (f, "join", wrong, "--non-interactive", "--config", net.b, NULL);
  assert_fails (f, 1, "The code did not match");
  g_free (proc_wait_line (invite, TRUE, "A device tried a wrong code (1 of 3 attempts)"));

  /* The right one, from the environment variable's place: stdin is not
   * used when the code is an argument. */
  cli (f, "join", code, "--non-interactive", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "Paired with home (");
  assert_contains (f->out, "Try: peerup ping home\n");
  laptop_digits = sas_digits (f->out);

  line = proc_wait_line (invite, FALSE, "Paired with laptop (");
  g_free (proc_wait_line (invite, FALSE, "Try: peerup ping laptop"));
  g_free (proc_wait_line (invite, FALSE, "The relay now serves laptop too."));
  g_assert_cmpint (proc_wait_exit (invite), ==, 0);
  home_digits = sas_digits (invite->out_text->str);

  /* The same SAS on both sides, the one the two peer IDs give. */
  pu_sas_compute (&home, &laptop, &sas);
  expected_digits = pu_sas_format_number (&sas);
  g_assert_cmpstr (home_digits, ==, expected_digits);
  g_assert_cmpstr (laptop_digits, ==, expected_digits);

  /* Each authorized and named the other; the joiner kept the relay. */
  home_keys = read_text (home_dir, "authorized_keys");
  laptop_keys = read_text (laptop_dir, "authorized_keys");
  assert_contains (home_keys, net.b_id);
  assert_contains (home_keys, "# laptop");
  assert_contains (laptop_keys, net.a_id);
  assert_contains (laptop_keys, "# home");
  laptop_config = read_text (laptop_dir, "config.ini");
  assert_contains (laptop_config, "home=");
  cli (f, "relay", "list", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "127.0.0.1:9 ");
  cli (f, "auth", "list", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "(home)  [UNVERIFIED]");

  /* Home sponsored the laptop on the relay. */
  relay_keys = read_text (net.relay_dir, "authorized_keys");
  sponsored = g_strdup_printf ("%s # sponsored by home/%s\n", net.b_id, net.a_id);
  assert_contains (relay_keys, sponsored);

  /* The next step works. */
  net.daemon = proc_start (f, "daemon", "--config", net.a, NULL);
  g_free (proc_wait_line (net.daemon, TRUE, "Connected to the relay at 127.0.0.1:"));
  cli (f, "ping", "home", "-c", "1", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "reply from home: seq=1");
  proc_stop (net.daemon);
  g_clear_pointer (&net.daemon, proc_free);
  proc_free (invite);

  /* Three wrong attempts burn a code; a second pairing of the same two
   * devices names nobody twice. */
  invite = proc_start (f, "invite", "--non-interactive", "--config", net.a, NULL);
  g_free (code);
  code = proc_wait_line (invite, FALSE, "-");
  g_free (wrong);
  wrong = wrong_code (code);
  for (guint i = 0; i < 3; i++)
    {
      cli (f, "join", wrong, "--non-interactive", "--config", net.b, NULL);
      assert_fails (f, 1, "The code did not match");
    }
  g_free (proc_wait_line (invite, TRUE, "(3 of 3 attempts)"));
  g_free (proc_wait_line (invite, TRUE, "no longer works"));
  g_assert_cmpint (proc_wait_exit (invite), ==, 1);
  proc_free (invite);

  net_stop (&net);
}

/* @text (a valid short code) with another second word. */
static char *
wrong_word (const char *text)
{
  g_autoptr(PuInviteCode) code = pu_invite_code_parse (text, NULL);

  g_assert_nonnull (code);
  code->secret[1] ^= 1;
  return pu_invite_code_to_string (code);
}

static void
test_pairing_short (Fixture       *f,
                    gconstpointer  data)
{
  Net net = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *relay_hostport = NULL;
  g_autofree char *relay_id = NULL;
  g_autofree char *relay_keys = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  Proc *invite;

  net_start_devices (f, &net);
  relay = pu_relay_addr_parse (net.relay_addr, NULL, NULL);
  relay_hostport = pu_relay_addr_to_string (relay);
  relay_id = pu_peer_id_to_string (&relay->peer_id);

  /* A new phone that knows no relay yet, and the relay does not know it. */
  phone = path_in (f, "phone/config.ini");
  cli (f, "init", "--name", "phone", "--non-interactive", "--config", phone, NULL);
  assert_ok (f);

  /* A misspelt word is caught before any network use; a short code needs
   * a relay. */
  cli (f, "join", "7-purple-sausagr", "--relay", relay_hostport, "--config", phone, NULL);
  assert_fails (f, 1, "did you mean");
  cli (f, "join", "7-purple-sausage", "--config", phone, NULL);
  assert_fails (f, 1, "--relay ADDR");

  invite = proc_start (f, "invite", "--short", "--non-interactive", "--config", net.a, NULL);
  code = proc_wait_line (invite, FALSE, "-");
  g_assert_true (g_regex_match_simple ("^[1-9][0-9]{0,2}-[a-z]+-[a-z]+$", code, 0, 0));

  /* A wrong word fails on both sides. */
  wrong = wrong_word (code);
  cli (f, "join", wrong, "--relay", relay_hostport, "--non-interactive", "--config", phone,
       NULL);
  assert_fails (f, 1, "The code did not match");
  g_free (proc_wait_line (invite, TRUE, "A device tried a wrong code (1 of 3 attempts)"));

  /* The right one, through the relay given by address alone. */
  cli (f, "join", code, "--relay", relay_hostport, "--non-interactive", "--config", phone,
       NULL);
  assert_ok (f);
  assert_contains (f->out, "Paired with home (");
  g_free (proc_wait_line (invite, FALSE, "Paired with phone ("));
  g_free (proc_wait_line (invite, FALSE, "The relay now serves phone too."));
  g_assert_cmpint (proc_wait_exit (invite), ==, 0);
  proc_free (invite);

  /* The phone pinned the relay the inviter vouched for, which serves it. */
  cli (f, "relay", "list", "--config", phone, NULL);
  assert_ok (f);
  assert_contains (f->out, relay_id);
  relay_keys = read_text (net.relay_dir, "authorized_keys");
  assert_contains (relay_keys, "# sponsored by home/");

  net.daemon = proc_start (f, "daemon", "--config", net.a, NULL);
  g_free (proc_wait_line (net.daemon, TRUE, "Connected to the relay at 127.0.0.1:"));
  cli (f, "ping", "home", "-c", "1", "--config", phone, NULL);
  assert_ok (f);
  assert_contains (f->out, "reply from home: seq=1");

  /* The number is gone once used. */
  cli (f, "join", code, "--relay", relay_hostport, "--non-interactive", "--config", phone,
       NULL);
  assert_fails (f, 1, "Pairing failed: the relay");

  /* A relay pinned here to another ID is not used for a short code. */
  {
    g_autofree char *other = g_strdup_printf ("/ip4/%s/tcp/%u/p2p/%s", relay->host, relay->port,
                                              net.a_id);

    cli (f, "join", code, "--relay", other, "--config", phone, NULL);
    assert_fails (f, 1, "pinned here to another peer ID");
  }

  proc_stop (net.daemon);
  net_stop (&net);
}

/* The codes `relay pair` printed. */
static GPtrArray *
pair_codes (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "  peerup join "))
      g_ptr_array_add (codes, g_strdup (lines[i] + strlen ("  peerup join ")));
  return codes;
}

static char *
new_device (Fixture    *f,
            const char *name)
{
  g_autofree char *rel = g_strdup_printf ("%s/config.ini", name);
  char *config = path_in (f, rel);

  cli (f, "init", "--name", name, "--non-interactive", "--config", config, NULL);
  assert_ok (f);
  return config;
}

static void
test_relay_pair (Fixture       *f,
                 gconstpointer  data)
{
  Net net = { 0 };
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GPtrArray) lone = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *group = NULL;
  g_autofree char *line = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  Proc *daemon;

  net_start_devices (f, &net);
  relay = pu_relay_addr_parse (net.relay_addr, NULL, NULL);
  listen = pu_relay_addr_to_string (relay);
  p1 = new_device (f, "p1");
  p2 = new_device (f, "p2");
  p3 = new_device (f, "p3");

  cli (f, "relay", "pair", "--count", "0", "--dir", net.relay_dir, NULL);
  assert_fails (f, 2, "--count");
  cli (f, "relay", "pair", "--count", "3", "--ttl", "1h", "--expires", "7d", "--address", listen,
       "--dir", net.relay_dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "3 code(s), each works once, for 1h");
  codes = pair_codes (f->out);
  g_assert_cmpuint (codes->len, ==, 3);
  group = g_strndup (f->out + strlen ("Pairing group "), 8);

  /* Each joins; each meets those already there. */
  cli (f, "join", codes->pdata[0], "--non-interactive", "--config", p1, NULL);
  assert_ok (f);
  assert_contains (f->out, "Joined the relay's group as p1\n");
  cli (f, "join", codes->pdata[1], "--non-interactive", "--config", p2, NULL);
  assert_ok (f);
  assert_contains (f->out, "Paired with p1\n");
  cli (f, "join", codes->pdata[2], "--non-interactive", "--config", p3, NULL);
  assert_ok (f);
  assert_contains (f->out, "Paired with p1\n");
  assert_contains (f->out, "Paired with p2\n");

  /* A used or altered code fails alike. */
  cli (f, "join", codes->pdata[0], "--non-interactive", "--config", p2, NULL);
  assert_fails (f, 1, "Pairing failed; ask the relay's operator for a new code");
  wrong = wrong_code (codes->pdata[1]);
  cli (f, "join", wrong, "--non-interactive", "--config", p2, NULL);
  assert_fails (f, 1, "Pairing failed; ask the relay's operator for a new code");

  /* The relay serves them for 7 days, and says who is in the group. */
  keys = read_text (net.relay_dir, "authorized_keys");
  line = g_strdup_printf ("# group %s: p3\n", group);
  assert_contains (keys, line);
  assert_contains (keys, " expires=");
  cli (f, "relay", "pair", "--list", "--dir", net.relay_dir, NULL);
  assert_ok (f);
  assert_contains (f->out, "3 of 3 codes used");
  assert_contains (f->out, "members: p1, p2, p3");

  /* After a restart of the relay, p1 connects and meets the others. */
  proc_stop (net.relay);
  proc_free (net.relay);
  net.relay = proc_start (f, "relay", "serve", "--listen", listen, "--dir", net.relay_dir,
                          NULL);
  g_free (proc_wait_line (net.relay, FALSE, "peerup relay add "));
  daemon = proc_start (f, "daemon", "--config", p1, NULL);
  g_free (proc_wait_line (daemon, TRUE, "introduced 2 new member(s)"));
  cli (f, "ping", "p1", "-c", "1", "--config", p3, NULL);
  assert_ok (f);
  assert_contains (f->out, "reply from p1: seq=1");
  proc_stop (daemon);
  proc_free (daemon);
  g_free (keys);
  {
    g_autofree char *p1_dir = path_in (f, "p1");

    keys = read_text (p1_dir, "authorized_keys");
  }
  assert_contains (keys, "# p3\n");

  /* A revoked group's codes stop working. */
  cli (f, "relay", "pair", "--listen", listen, "--dir", net.relay_dir, NULL);
  assert_ok (f);
  lone = pair_codes (f->out);
  g_free (group);
  group = g_strndup (f->out + strlen ("Pairing group "), 8);
  cli (f, "relay", "pair", "--revoke", group, "--dir", net.relay_dir, NULL);
  assert_ok (f);
  cli (f, "join", lone->pdata[0], "--non-interactive", "--config", p2, NULL);
  assert_fails (f, 1, "Pairing failed");

  net_stop (&net);
}

/* gdbus ARGS… --address unix:path=@socket: its output, checked to succeed. */
G_GNUC_NULL_TERMINATED static char *
gdbus (const char *socket,
       const char *first,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;
  va_list ap;

  g_ptr_array_add (argv, g_strdup ("gdbus"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, g_strdup ("--address"));
  g_ptr_array_add (argv, g_strdup_printf ("unix:path=%s", socket));
  /* Any name: a core's socket has no other. */
  g_ptr_array_add (argv, g_strdup ("--dest"));
  g_ptr_array_add (argv, g_strdup ("dev.peerup.PeerUp.Daemon"));
  g_ptr_array_add (argv, g_strdup ("--object-path"));
  g_ptr_array_add (argv, g_strdup ("/dev/peerup/PeerUp"));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gdbus %s failed: %s", first, err);
  return out;
}

/* With `peerup daemon` running for a device, its commands act through it:
 * the daemon logs who changed what, and carries the forwards. */
static void
test_through_core (Fixture       *f,
                   gconstpointer  data)
{
  Net net = { 0 };
  g_autoptr(GBytes) sent = g_bytes_new_static ("through the core", 16);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) back = NULL;
  g_autofree char *line = NULL;
  g_autofree char *want = NULL;
  g_autofree char *out = NULL;
  g_autofree char *b_socket = NULL;
  g_autofree char *gdbus_path = g_find_program_in_path ("gdbus");
  Proc *laptop;
  Proc *proxy;
  guint16 port;

  net_start (f, &net);
  laptop = proc_start (f, "daemon", "--config", net.b, NULL);
  line = proc_wait_line (laptop, TRUE, "Control API on ");
  b_socket = g_strdup (strstr (line, "Control API on ") + strlen ("Control API on "));
  g_clear_pointer (&line, g_free);
  g_free (proc_wait_line (laptop, TRUE, "Connected to the relay at 127.0.0.1:"));

  /* gdbus on the laptop core's private socket: the API and a call. */
  if (gdbus_path != NULL)
    {
      out = gdbus (b_socket, "introspect", NULL);
      assert_contains (out, "interface dev.peerup.PeerUp1");
      assert_contains (out, "Connect(in  s peer,");
      assert_contains (out, "@dev.peerup.PeerUp1.Audit(\"true\")");
      g_free (out);
      out = gdbus (b_socket, "call", "--method", "dev.peerup.PeerUp1.Resolve", "home", NULL);
      want = g_strdup_printf ("('%s', 'home')", net.a_id);
      assert_contains (out, want);
      g_clear_pointer (&out, g_free);
    }

  /* ping: the laptop's core answers. */
  cli (f, "ping", "home", "-c", "1", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "reply from home: seq=1 time=");

  /* proxy: the core opens the forward, status lists it, stopping closes it. */
  proxy = proc_start (f, "proxy", "home", "echo", "0", "--config", net.b, NULL);
  line = proc_wait_line (proxy, FALSE, "Forwarding 127.0.0.1:");
  assert_contains (line, " → echo on home (by the running Peer Up core)");
  port = forwarded_port (line);
  back = round_trip (port, sent);
  g_assert_true (g_bytes_equal (back, sent));
  g_free (want);
  want = g_strdup_printf ("called Connect ('%s', 'echo', 0, {'hold': <true>})", net.a_id);
  g_free (proc_wait_line (laptop, TRUE, want));
  cli (f, "status", "--config", net.b, NULL);
  assert_ok (f);
  g_free (want);
  want = g_strdup_printf ("  Forwards:\n    127.0.0.1:%u → echo on home\n", port);
  assert_contains (f->out, want);

  /* service disable goes through the home core: logged with its caller,
   * applied at once; the forward's client hears why it was refused. */
  cli (f, "service", "disable", "echo", "--config", net.a, NULL);
  assert_ok (f);
  assert_contains (f->out, "Disabled service echo");
  g_free (line);
  line = proc_wait_line (net.daemon, TRUE, "called DisableService ('echo',)");
  assert_contains (line, "Control: process ");
  g_free (proc_wait_line (net.daemon, TRUE, "Service echo disabled"));
  g_clear_pointer (&back, g_bytes_unref);
  back = round_trip (port, empty);
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  g_free (line);
  line = proc_wait_line (proxy, TRUE, "peerup: ");
  g_assert_cmpstr (line, ==, "peerup: service echo is not exposed by home");
  cli (f, "service", "enable", "echo", "--config", net.a, NULL);
  assert_ok (f);
  g_free (proc_wait_line (net.daemon, TRUE, "called EnableService ('echo',)"));
  g_clear_pointer (&back, g_bytes_unref);
  back = round_trip (port, sent);
  g_assert_true (g_bytes_equal (back, sent));

  /* Bad input: one line that says what to do. */
  cli (f, "service", "remove", "nothing", "--config", net.a, NULL);
  assert_fails (f, 1, "nothing");
  cli (f, "service", "add", "echo", "127.0.0.1:1", "--config", net.a, NULL);
  assert_fails (f, 1, "echo");
  cli (f, "proxy", "nobody", "echo", "0", "--config", net.b, NULL);
  assert_fails (f, 1, "nobody");

  proc_stop (proxy);
  proc_free (proxy);
  g_free (proc_wait_line (laptop, TRUE, "called Disconnect"));
  g_clear_pointer (&back, g_bytes_unref);

  /* Trust changes go through the home core too, logged with their caller. */
  cli (f, "verify", net.b_id, "--yes", "--config", net.a, NULL);
  assert_ok (f);
  assert_contains (f->out, "is verified");
  g_free (want);
  want = g_strdup_printf ("called Verify ('%s',)", net.b_id);
  g_free (proc_wait_line (net.daemon, TRUE, want));
  cli (f, "auth", "remove", net.b_id, "--config", net.a, NULL);
  assert_ok (f);
  g_free (want);
  want = g_strdup_printf ("called Deauthorize ('%s',)", net.b_id);
  g_free (proc_wait_line (net.daemon, TRUE, want));
  cli (f, "auth", "remove", net.b_id, "--config", net.a, NULL);
  assert_fails (f, 1, net.b_id);
  cli (f, "auth", "add", net.b_id, "--comment", "laptop", "--expires", "7d", "--config", net.a,
       NULL);
  assert_ok (f);
  assert_contains (f->out, "Authorized ");
  g_free (want);
  want = g_strdup_printf ("called Authorize ('%s', 'laptop', '", net.b_id);
  g_free (proc_wait_line (net.daemon, TRUE, want));

  /* invite goes through the laptop's core; a new device joins it. */
  {
    g_autofree char *phone = init_device (f, &net, "phone", FALSE);
    g_autofree char *code = NULL;
    Proc *invite = proc_start (f, "invite", "--non-interactive", "--config", net.b, NULL);

    code = proc_wait_line (invite, FALSE, "-");
    g_free (proc_wait_line (laptop, TRUE, "called Invite ("));
    cli (f, "join", code, "--non-interactive", "--config", phone, NULL);
    assert_ok (f);
    assert_contains (f->out, "Paired with laptop (");
    g_free (proc_wait_line (invite, FALSE, "Paired with phone ("));
    g_free (proc_wait_line (invite, FALSE, "The relay now serves phone too."));
    g_assert_cmpint (proc_wait_exit (invite), ==, 0);
    proc_free (invite);
    g_free (proc_wait_line (laptop, TRUE, "finished with phone"));
  }

  /* A proxy killed outright leaves no forward behind. */
  proxy = proc_start (f, "proxy", "home", "echo", "0", "--config", net.b, NULL);
  g_free (line);
  line = proc_wait_line (proxy, FALSE, "Forwarding 127.0.0.1:");
  port = forwarded_port (line);
  g_subprocess_force_exit (proxy->proc);
  g_subprocess_wait (proxy->proc, NULL, NULL);
  proc_free (proxy);
  g_free (want);
  want = g_strdup_printf ("closed the forward on 127.0.0.1:%u, its client went away", port);
  g_free (proc_wait_line (laptop, TRUE, want));
  cli (f, "status", "--config", net.b, NULL);
  assert_ok (f);
  assert_contains (f->out, "  Forwards:\n    none\n");

  proc_stop (laptop);
  proc_free (laptop);
  proc_stop (net.daemon);
  net_stop (&net);
}

/* Codes end where they were made, whatever a joiner believes: a used code
 * fails, and so does an expired one presented with a later expiry (a joiner
 * whose clock is late), both for a device's invite and a relay's group. */
static void
test_pairing_expiry (Fixture       *f,
                     gconstpointer  data)
{
  Net net = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *later = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *laptop_dir = path_in (f, "laptop");
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  Proc *invite;

  net_start_devices_full (f, &net, FALSE);
  relay = pu_relay_addr_parse (net.relay_addr, NULL, NULL);
  listen = pu_relay_addr_to_string (relay);

  /* Used once, a code is done. */
  invite = proc_start (f, "invite", "--non-interactive", "--config", net.a, NULL);
  code = proc_wait_line (invite, FALSE, "-");
  cli (f, "join", code, "--non-interactive", "--config", net.b, NULL);
  assert_ok (f);
  g_assert_cmpint (proc_wait_exit (invite), ==, 0);
  proc_free (invite);
  cli (f, "join", code, "--non-interactive", "--config", net.b, NULL);
  assert_fails (f, 1, "Pairing failed: the inviting device is no longer waiting");

  /* The inviter ends its code when it expires. */
  invite = proc_start (f, "invite", "--ttl", "1s", "--non-interactive", "--config", net.a,
                       NULL);
  g_free (code);
  code = proc_wait_line (invite, FALSE, "-");
  g_free (proc_wait_line (invite, TRUE, "The invite code expired"));
  g_assert_cmpint (proc_wait_exit (invite), ==, 1);
  proc_free (invite);
  later = later_code (code);
  cli (f, "join", later, "--non-interactive", "--config", net.b, NULL);
  assert_fails (f, 1, "Pairing failed: the inviting device is no longer waiting");

  /* The relay checks a group's expiry itself. */
  p1 = new_device (f, "p1");
  cli (f, "relay", "pair", "--ttl", "1s", "--address", listen, "--dir", net.relay_dir, NULL);
  assert_ok (f);
  codes = pair_codes (f->out);
  g_assert_cmpuint (codes->len, ==, 1);
  g_usleep (2 * G_USEC_PER_SEC);
  g_free (later);
  later = later_code (codes->pdata[0]);
  cli (f, "join", later, "--non-interactive", "--config", p1, NULL);
  assert_fails (f, 1, "Pairing failed; ask the relay's operator for a new code");

  /* Nothing was authorized by the failed attempts: the laptop knows home
   * once, from the first pairing. */
  keys = read_text (laptop_dir, "authorized_keys");
  g_assert_nonnull (strstr (keys, net.a_id));
  g_assert_null (strstr (strstr (keys, net.a_id) + 1, net.a_id));

  net_stop (&net);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli-net/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("relay-admin", test_relay_admin);
  ADD ("network", test_network);
  ADD ("through-core", test_through_core);
  ADD ("pairing", test_pairing);
  ADD ("pairing-short", test_pairing_short);
  ADD ("relay-pair", test_relay_pair);
  ADD ("pairing-expiry", test_pairing_expiry);
#undef ADD

  return g_test_run ();
}
