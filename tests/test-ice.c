/* test-ice.c — direct paths with ICE on loopback: two paths alone, then two
 * nodes whose relayed connection moves to the direct path and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-ice-path.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"

typedef struct {
  PuIcePath *self;
  PuIcePath *other;
} Wire;

/* Signaling without a relay: what one path sends, the other handles. */
static void
wire_signal_cb (PuIcePath *path,
                GBytes    *bytes,
                Wire      *wire)
{
  g_autoptr(GError) error = NULL;
  PuSignal msg;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (pu_signal_decode (data, len, &msg, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (msg.session, ==, pu_ice_path_get_session (wire->other));
  pu_ice_path_handle_signal (wire->other, &msg);
}

static void
state_cb (PuIcePath *path,
          gboolean  *changed)
{
  *changed = TRUE;
}

static void
run_until_state (PuIcePath      *path,
                 PuIcePathState  state)
{
  while (pu_ice_path_get_state (path) != state)
    {
      gboolean changed = FALSE;
      gulong id = g_signal_connect (path, "state-changed", G_CALLBACK (state_cb), &changed);

      pu_test_run_until (&changed);
      g_signal_handler_disconnect (path, id);
      g_assert_cmpint (pu_ice_path_get_state (path), !=, PU_ICE_PATH_FAILED);
    }
}

static void
test_path_loopback (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  PuTestRelay *relay = pu_test_relay_new (dir);
  guint16 port = pu_relay_server_get_port (relay->server);
  g_autoptr(PuIcePath) a = pu_ice_path_new (TRUE, 77, 1);
  g_autoptr(PuIcePath) b = pu_ice_path_new (FALSE, 77, 1);
  Wire to_b = { a, b }, to_a = { b, a };
  g_autofree char *desc = NULL;

  g_signal_connect (a, "send-signal", G_CALLBACK (wire_signal_cb), &to_b);
  g_signal_connect (b, "send-signal", G_CALLBACK (wire_signal_cb), &to_a);
  pu_ice_path_start (a, "127.0.0.1", port, TRUE);
  pu_ice_path_start (b, "127.0.0.1", port, TRUE);
  run_until_state (a, PU_ICE_PATH_CONNECTED);
  run_until_state (b, PU_ICE_PATH_CONNECTED);

  g_assert_cmpstr (pu_ice_path_get_local_type (a), ==, "host");
  g_assert_cmpstr (pu_ice_path_get_remote_type (a), ==, "host");
  g_assert_cmpuint (pu_ice_path_get_ip_version (a), !=, 0);
  g_assert_cmpint (pu_path_get_kind (PU_PATH (a)), ==, PU_PATH_KIND_DIRECT);
  desc = pu_path_describe (PU_PATH (a));
  g_assert_true (g_str_has_prefix (desc, "direct host→host IPv"));
  g_test_message ("connected in %.1f ms (controlling) / %.1f ms (controlled): %s",
                  pu_ice_path_get_connect_time (a) / 1000.0,
                  pu_ice_path_get_connect_time (b) / 1000.0, desc);

  /* Blocked: both ends lose the other, and find it again once unblocked. */
  pu_ice_path_set_blocked (a, TRUE);
  run_until_state (a, PU_ICE_PATH_LOST);
  run_until_state (b, PU_ICE_PATH_LOST);
  pu_ice_path_set_blocked (a, FALSE);
  run_until_state (a, PU_ICE_PATH_CONNECTED);
  run_until_state (b, PU_ICE_PATH_CONNECTED);

  pu_ice_path_close (a);
  pu_ice_path_close (b);
  g_assert_false (pu_path_send (PU_PATH (a), NULL, 0));
  g_clear_object (&a);
  g_clear_object (&b);
  pu_test_relay_free (relay);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  pu_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ice/path/loopback", test_path_loopback);

  return g_test_run ();
}
