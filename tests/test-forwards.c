/* test-forwards.c — the forwards of a node: real bytes from a local port
 * through a real relay to a peer's service, the list model, closing, errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-forwards.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"

typedef struct {
  PuTestPair      pair;
  GSocketService *echo;
  PuForwards     *forwards;
  guint           n_changes;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fx)
{
  fx->n_changes++;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *echo = NULL;
  guint16 echo_port;

  pu_test_pair_init (&fx->pair);
  fx->echo = pu_test_echo_new (&echo_port);
  echo = g_strdup_printf ("127.0.0.1:%u", echo_port);
  pu_config_add_service (pu_profile_get_config (fx->pair.home), "echo", echo, &error);
  g_assert_no_error (error);
  pu_test_pair_start (&fx->pair);
  fx->forwards = pu_forwards_new (fx->pair.laptop_node);
  g_signal_connect (fx->forwards, "items-changed", G_CALLBACK (items_changed_cb), fx);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->forwards);
  g_socket_service_stop (fx->echo);
  g_socket_listener_close (G_SOCKET_LISTENER (fx->echo));
  g_clear_object (&fx->echo);
  pu_test_pair_clear (&fx->pair);
}

static void
assert_echo (guint16 port,
             gsize   size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sent = pu_test_random_bytes (size);
  g_autoptr(GBytes) received = pu_test_tcp_exchange (port, sent, &error);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (sent, received));
}

typedef struct {
  GError   *error;
  gboolean  failed;
} Failure;

static void
forward_failed_cb (PuForwards   *forwards,
                   PuProxy      *proxy,
                   const GError *error,
                   Failure      *failure)
{
  g_clear_error (&failure->error);
  failure->error = g_error_copy (error);
  failure->failed = TRUE;
}

static void
test_open_close (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProxy) first = NULL;
  g_autoptr(GBytes) sent = pu_test_random_bytes (16);
  g_autoptr(GBytes) received = NULL;
  GListModel *model = G_LIST_MODEL (fx->forwards);
  PuProxy *proxy;
  PuProxy *second;
  Failure failure = { 0 };
  guint16 port;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_true (g_list_model_get_item_type (model) == PU_TYPE_PROXY);

  /* Port 0 picks a free port; a megabyte goes there and back. */
  proxy = pu_forwards_open (fx->forwards, pu_test_peer_of (fx->pair.home), "echo", 0, &error);
  g_assert_no_error (error);
  port = pu_proxy_get_port (proxy);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (fx->n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  first = g_list_model_get_item (model, 0);
  g_assert_true (first == proxy);
  g_assert_cmpstr (pu_proxy_get_service (proxy), ==, "echo");
  g_assert_true (pu_peer_id_equal (pu_proxy_get_peer (proxy), pu_test_peer_of (fx->pair.home)));
  g_assert_true (pu_forwards_lookup (fx->forwards, port) == proxy);
  assert_echo (port, 1024 * 1024);

  /* A second forward on a port asked for: the one just taken is refused. */
  second = pu_forwards_open (fx->forwards, pu_test_peer_of (fx->pair.home), "nothing", 0, &error);
  g_assert_no_error (error);
  g_assert_null (pu_forwards_open (fx->forwards, pu_test_peer_of (fx->pair.home), "echo",
                                   pu_proxy_get_port (second), &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "already in use; choose another local port"));
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  /* The peer refuses a service it does not have: the connection closes and
   * the forward says why. */
  g_signal_connect (fx->forwards, "forward-failed", G_CALLBACK (forward_failed_cb), &failure);
  received = pu_test_tcp_exchange (pu_proxy_get_port (second), sent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (received), ==, 0);
  pu_test_run_until (&failure.failed);
  g_assert_error (failure.error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (failure.error->message, "nothing"));
  g_clear_error (&failure.error);

  /* Closed: off the list, the port no longer answers. */
  g_assert_true (pu_forwards_close (fx->forwards, port, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fx->n_changes, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_null (pu_forwards_lookup (fx->forwards, port));
  g_clear_pointer (&received, g_bytes_unref);
  received = pu_test_tcp_exchange (port, sent, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  g_assert_false (pu_forwards_close (fx->forwards, port, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);

  pu_forwards_close_all (fx->forwards);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (fx->n_changes, ==, 4);
}

static void
test_bad_service (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (pu_forwards_open (fx->forwards, pu_test_peer_of (fx->pair.home),
                                   "no such/service", 0, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "service name"));
  g_assert_cmpuint (fx->n_changes, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/forwards/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("open-close", test_open_close);
  ADD ("bad-service", test_bad_service);
#undef ADD

  return g_test_run ();
}
