/* test-config.c — config.ini, labels and services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pu-config.h"
#include "pu-error.h"
#include "pu-file.h"
#include "pu-label.h"
#include "pu-test-util.h"

#define ID1 "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define ID1_CID "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"
#define ID2 "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

/* Test input can hold control characters and invalid UTF-8: TAP must not see them. */
static void
test_message_escaped (const char *text)
{
  g_autofree char *shown = pu_label_escape (text, 1000);

  g_test_message ("%s", shown);
}

static PuConfig *
load_text (const char  *text,
           GError     **error)
{
  return pu_config_load_from_data ("/tmp/x/config.ini", text, strlen (text), error);
}

static void
assert_message_has (const GError *error,
                    const char   *part)
{
  g_assert_nonnull (error);
  if (strstr (error->message, part) == NULL)
    g_error ("\"%s\" not in \"%s\"", part, error->message);
  g_assert_null (strchr (error->message, '\n'));
}

/* Labels */

static void
test_label (void)
{
  const char *good[] = { "a", "ssh", "home-server", "x1", "0", "a-b-c",
                         "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc" };
  const char *bad[] = { "", "-a", "a-", "A", "home_server", "a.b", "a b", "é", "a\n",
                        "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (pu_label_validate (good[i], "peer name", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pu_label_validate (bad[i], "service name", &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      assert_message_has (error, "Invalid service name \"");
      assert_message_has (error, "use 1–63 lowercase letters, digits and hyphens");
    }
  g_assert_false (pu_label_validate (NULL, "peer name", NULL));
  g_assert_true (pu_label_is_valid ("ab-", 2));
  g_assert_false (pu_label_is_valid ("ab-", 3));
}

static void
test_label_escape (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = g_strnfill (10000, 'x');
  g_autofree char *shown = NULL;

  g_assert_false (pu_label_validate ("a\n[peerup]\x1b]0;pwn\a\"\\\xc3", "peer name", &error));
  assert_message_has (error, "\"a\\x0a[peerup]\\x1b]0;pwn\\x07\\\"\\\\\\xc3\"");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  /* Printable UTF-8 stays; bidi overrides and C1 controls do not. */
  shown = pu_label_escape ("é\u202e\xc2\x85", 64);
  g_assert_cmpstr (shown, ==, "é\\u202e\\u0085");
  g_clear_pointer (&shown, g_free);

  g_assert_false (pu_label_validate (long_text, "peer name", &error));
  g_assert_cmpuint (strlen (error->message), <, 300);
  shown = pu_label_escape (long_text, 5);
  g_assert_cmpstr (shown, ==, "xxxxx…");
}

/* Services */

static void
test_service (void)
{
  const struct { const char *address; const char *host; guint port; const char *canonical; }
  good[] = {
    { "127.0.0.1:22", "127.0.0.1", 22, "127.0.0.1:22" },
    { "[::1]:8080", "::1", 8080, "[::1]:8080" },
    { "[0:0::1]:8080", "::1", 8080, "[::1]:8080" },
    { "localhost:3000", "localhost", 3000, "localhost:3000" },
    { "192.168.1.10:65535", "192.168.1.10", 65535, "192.168.1.10:65535" },
  };
  const char *bad[] = {
    "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "::1", "::1:22",
    "[::1]", "[127.0.0.1]:22", "[localhost]:22", "example.org:22", "LOCALHOST:22",
    "127.0.0.256:22", ":22", "", "[::1]:22\n[peerup]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuService) service = pu_service_new ("ssh", good[i].address, &error);
      g_autoptr(PuService) copy = NULL;
      g_autofree char *address = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (service->name, ==, "ssh");
      g_assert_cmpstr (service->host, ==, good[i].host);
      g_assert_cmpuint (service->port, ==, good[i].port);
      g_assert_true (service->enabled);
      g_assert_cmpuint (g_strv_length (service->allowed), ==, 0);
      address = pu_service_get_address (service);
      g_assert_cmpstr (address, ==, good[i].canonical);

      copy = g_boxed_copy (PU_TYPE_SERVICE, service);
      g_assert_cmpstr (copy->host, ==, service->host);
      g_assert_cmpuint (copy->port, ==, service->port);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuService) service = pu_service_new ("web", bad[i], &error);

      test_message_escaped (bad[i]);
      g_assert_null (service);
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      assert_message_has (error, "for service \"web\"");
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PuService) service = pu_service_new ("Web]\n[peerup", "127.0.0.1:80", &error);

    g_assert_null (service);
    assert_message_has (error, "Invalid service name \"Web]\\x0a[peerup\"");
  }
}

/* Loading */

static void
test_new_and_round_trip (void)
{
  g_autoptr(PuConfig) config = pu_config_new ("/tmp/x/config.ini");
  g_autoptr(PuConfig) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) relay = pu_relay_addr_parse ("203.0.113.5", ID1, NULL);
  g_autoptr(PuRelayAddr) relay6 = pu_relay_addr_parse ("[2001:db8::1]:7000", NULL, NULL);
  g_autoptr(PuRelayAddr) relay_dns = pu_relay_addr_parse ("relay.example.org", ID2, NULL);
  g_autofree char *data = NULL;
  g_autofree char *data2 = NULL;
  const char *allowed[] = { "laptop", ID1_CID, NULL };
  const PuService *service;
  GPtrArray *relays;
  g_auto(GStrv) names = NULL;
  PuPeerId id1, id2;

  g_assert_true (pu_peer_id_parse (ID1, &id1, NULL));
  g_assert_true (pu_peer_id_parse (ID2, &id2, NULL));

  g_assert_cmpstr (pu_config_get_path (config), ==, "/tmp/x/config.ini");
  g_assert_cmpstr (pu_config_get_dir (config), ==, "/tmp/x");
  g_assert_null (pu_config_get_device_name (config));
  g_assert_null (pu_config_get_network (config));

  g_assert_true (pu_config_set_device_name (config, "home-server", &error));
  g_assert_true (pu_config_add_relay (config, relay, &error));
  g_assert_true (pu_config_add_relay (config, relay6, &error));
  g_assert_true (pu_config_add_relay (config, relay_dns, &error));
  g_assert_true (pu_config_add_service (config, "ssh", "127.0.0.1:22", &error));
  g_assert_true (pu_config_add_service (config, "jellyfin", "[::1]:8096", &error));
  g_assert_true (pu_config_set_service_enabled (config, "jellyfin", FALSE, &error));
  g_assert_true (pu_config_set_service_allowed (config, "ssh", allowed, &error));
  g_assert_true (pu_config_set_name (config, "laptop", &id1, &error));
  g_assert_true (pu_config_set_name (config, "desktop", &id2, &error));
  g_assert_no_error (error);

  data = pu_config_to_data (config, NULL);
  g_test_message ("%s", data);
  g_assert_nonnull (strstr (data, "[peerup]\nversion=1\nname=home-server\n"));
  g_assert_nonnull (strstr (data, "[relay 203.0.113.5:7777]\npeer-id=" ID1 "\n"));
  g_assert_nonnull (strstr (data, "[relay /ip6/2001:db8::1/tcp/7000]\npeer-id=\n"));
  g_assert_nonnull (strstr (data, "[relay relay.example.org:7777]\npeer-id=" ID2 "\n"));
  g_assert_nonnull (strstr (data, "[service ssh]\naddress=127.0.0.1:22\nenabled=true\n"
                                  "allowed=laptop;" ID1 ";\n"));
  g_assert_nonnull (strstr (data, "[service jellyfin]\naddress=[::1]:8096\nenabled=false\n"));
  g_assert_nonnull (strstr (data, "[names]\nlaptop=" ID1 "\ndesktop=" ID2 "\n"));

  again = load_text (data, &error);
  g_assert_no_error (error);
  data2 = pu_config_to_data (again, NULL);
  g_assert_cmpstr (data, ==, data2);

  g_assert_cmpstr (pu_config_get_device_name (again), ==, "home-server");
  relays = pu_config_get_relays (again);
  g_assert_cmpuint (relays->len, ==, 3);
  g_assert_true (pu_relay_addr_equal (g_ptr_array_index (relays, 0), relay));
  g_assert_true (((PuRelayAddr *) g_ptr_array_index (relays, 0))->has_peer_id);
  g_assert_true (pu_relay_addr_equal (g_ptr_array_index (relays, 1), relay6));
  g_assert_false (((PuRelayAddr *) g_ptr_array_index (relays, 1))->has_peer_id);
  g_assert_true (pu_relay_addr_equal (g_ptr_array_index (relays, 2), relay_dns));

  /* Sorted by name. */
  g_assert_cmpuint (pu_config_get_services (again)->len, ==, 2);
  service = g_ptr_array_index (pu_config_get_services (again), 0);
  g_assert_cmpstr (service->name, ==, "jellyfin");
  g_assert_false (service->enabled);
  service = pu_config_lookup_service (again, "ssh");
  g_assert_nonnull (service);
  g_assert_true (service->enabled);
  g_assert_cmpuint (g_strv_length (service->allowed), ==, 2);
  g_assert_cmpstr (service->allowed[0], ==, "laptop");
  g_assert_cmpstr (service->allowed[1], ==, ID1);
  g_assert_null (pu_config_lookup_service (again, "nope"));

  names = pu_config_get_names (again);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "desktop");
  g_assert_cmpstr (names[1], ==, "laptop");
  g_assert_cmpstr (pu_config_lookup_name (again, "laptop"), ==, ID1);
  g_assert_cmpstr (pu_config_name_for_peer (again, &id2), ==, "desktop");
}

static void
test_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = NULL;

  config = load_text ("[peerup]\nversion=2\n", &error);
  g_assert_null (config);
  g_assert_error (error, PU_ERROR, PU_ERROR_VERSION);
  assert_message_has (error, "/tmp/x/config.ini was written by a newer Peer Up (version 2); "
                             "please upgrade");
  g_clear_error (&error);

  config = load_text ("[peerup]\nversion=99999999999999999999\n", &error);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  assert_message_has (error, "[peerup] version:");
  g_clear_error (&error);

  config = load_text ("[peerup]\nname=x\n", &error);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  assert_message_has (error, "[peerup] version is missing");
  g_clear_error (&error);

  config = load_text ("", &error);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  assert_message_has (error, "version is missing");
  g_clear_error (&error);

  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "[peerup]\nversion=0\n", "[peerup]\nversion=-1\n",
                            "[peerup]\nversion=one\n", "[peerup]\nversion=\n" };

      config = load_text (bad[i], &error);
      g_assert_null (config);
      g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
      assert_message_has (error, "[peerup] version: not a version number");
      g_clear_error (&error);
    }
}

static void
test_save_and_load (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "peerup", NULL);
  g_autofree char *path = g_build_filename (sub, "config.ini", NULL);
  g_autoptr(PuConfig) config = pu_config_new (path);
  g_autoptr(PuConfig) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *keys = NULL;
  struct stat st;

  g_assert_true (pu_config_add_service (config, "ssh", "127.0.0.1:22", &error));
  g_assert_true (pu_config_save (config, &error));
  g_assert_no_error (error);

  /* The directory is created private; the file is 0600. */
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  loaded = pu_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pu_config_lookup_service (loaded, "ssh"));
  identity = pu_config_get_identity_path (loaded);
  keys = pu_config_get_authorized_keys_path (loaded);
  g_assert_true (g_str_has_prefix (identity, sub));
  g_assert_true (g_str_has_suffix (identity, "/identity.key"));
  g_assert_true (g_str_has_suffix (keys, "/authorized_keys"));

  pu_test_remove_tree (dir);
}


static void
test_bad_values (void)
{
  const struct { const char *text; int code; const char *part; } cases[] = {
    { "[peerup]\nversion=1\nname=Home\n", PU_ERROR_PARSE,
      "[peerup] name: Invalid device name \"Home\"" },
    { "[peerup]\nversion=1\nnetwork=a_b\n", PU_ERROR_PARSE,
      "[peerup] network: Invalid network name" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1:22\nenabled=maybe\n",
      PU_ERROR_PARSE, "[service ssh] enabled: use true or false" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1:22\nenabled=\n",
      PU_ERROR_PARSE, "[service ssh] enabled: use true or false" },
    { "[peerup]\nversion=1\n[service ssh]\nenabled=true\n",
      PU_ERROR_PARSE, "[service ssh] address: missing" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=example.org:22\n",
      PU_ERROR_PARSE, "[service ssh] address: Invalid address \"example.org:22\"" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1:99999\n",
      PU_ERROR_PARSE, "[service ssh] address: Invalid address" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1\n",
      PU_ERROR_PARSE, "the port is missing" },
    { "[peerup]\nversion=1\n[service SSH]\naddress=127.0.0.1:22\n",
      PU_ERROR_PARSE, "[service SSH]: Invalid service name \"SSH\"" },
    { "[peerup]\nversion=1\n[service ]\naddress=127.0.0.1:22\n",
      PU_ERROR_PARSE, "Invalid service name \"\"" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1:22\nallowed=laptop;Bad Name;\n",
      PU_ERROR_PARSE, "[service ssh] allowed: Invalid allowed peer \"Bad Name\"" },
    { "[peerup]\nversion=1\n[relay 203.0.113.5:0]\n", PU_ERROR_PARSE,
      "[relay 203.0.113.5:0]: Invalid relay address" },
    { "[peerup]\nversion=1\n[relay relay.example.org:7777]\n", PU_ERROR_PARSE,
      "needs the relay's peer ID" },
    { "[peerup]\nversion=1\n[relay 203.0.113.5]\npeer-id=12D3KooWnope\n", PU_ERROR_PARSE,
      "[relay 203.0.113.5]: Invalid peer ID" },
    { "[peerup]\nversion=1\n[relay /ip4/203.0.113.5/tcp/7777/p2p/" ID1 "]\npeer-id=" ID2 "\n",
      PU_ERROR_PARSE, "does not match" },
    { "[peerup]\nversion=1\n[relay 203.0.113.5]\n[relay 203.0.113.5:7777]\n", PU_ERROR_PARSE,
      "[relay 203.0.113.5:7777]: this relay is listed twice" },
    { "[peerup]\nversion=1\n[names]\nLaptop=" ID1 "\n", PU_ERROR_PARSE,
      "[names] Laptop: Invalid peer name" },
    { "[peerup]\nversion=1\n[names]\nlaptop=" ID1 "x\n", PU_ERROR_PARSE,
      "[names] laptop: Invalid peer ID" },
    { "[peerup]\nversion=1\n[names]\nlaptop=\n", PU_ERROR_PARSE,
      "[names] laptop: Invalid peer ID" },
    { "[peerup]\nversion=1\nname=\\x\n", PU_ERROR_PARSE, "[peerup] name:" },
    /* A bad escape, then one at the end: GLib alone would set two errors. */
    { "[peerup]\nversion=1\nname=a\\xb\\\n", PU_ERROR_PARSE,
      "[peerup] name: a backslash starts an unknown escape" },
    { "[peerup]\nversion=1\n[service ssh]\naddress=127.0.0.1:22\nallowed=a\\;b;c\\q\\\n",
      PU_ERROR_PARSE, "[service ssh] allowed: a backslash starts an unknown escape" },
    { "[peerup]\nversion=1\nname=\xff\n", PU_ERROR_PARSE, "[peerup] name:" },
    /* GKeyFile would drop one of these at every save. */
    { "[peerup]\nversion=1\n\r\r\n", PU_ERROR_PARSE,
      "has a carriage return that does not end a line" },
    { "[peerup\nversion=1\n", PU_ERROR_PARSE, "is not a valid config file" },
    { "[peerup]\nversion=1\nnot a key\x1b[2J\n", PU_ERROR_PARSE,
      "is not a valid config file: Key file contains line “not a key\\x1b[2J" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuConfig) config = load_text (cases[i].text, &error);

      test_message_escaped (cases[i].text);
      g_assert_null (config);
      g_assert_error (error, PU_ERROR, cases[i].code);
      assert_message_has (error, "/tmp/x/config.ini");
      assert_message_has (error, cases[i].part);
      g_assert_null (strchr (error->message, '\x1b'));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_nul_and_size (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "config.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = NULL;
  g_autofree char *big = NULL;
  static const char with_nul[] = "[peerup]\nversion=1\n\0[peerup]\nversion=2\n";

  config = pu_config_load_from_data (path, with_nul, sizeof with_nul - 1, &error);
  g_assert_null (config);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  assert_message_has (error, "NUL bytes");
  g_clear_error (&error);

  /* One byte over the cap is refused before it is parsed, from memory or disk. */
  big = g_malloc (PU_CONFIG_FILE_MAX + 1);
  memset (big, '#', PU_CONFIG_FILE_MAX + 1);
  memcpy (big, "[peerup]\nversion=1\n", 19);
  big[PU_CONFIG_FILE_MAX - 1] = '\n';
  config = pu_config_load_from_data (path, big, PU_CONFIG_FILE_MAX + 1, &error);
  g_assert_null (config);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, big, PU_CONFIG_FILE_MAX + 1, NULL));
  config = pu_config_load (path, &error);
  g_assert_null (config);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* At the cap it loads. */
  g_assert_true (g_file_set_contents (path, big, PU_CONFIG_FILE_MAX, NULL));
  config = pu_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_clear_object (&config);

  g_unlink (path);
  config = pu_config_load (path, &error);
  g_assert_null (config);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);

  pu_test_remove_tree (dir);
}

static void
test_injection (void)
{
  g_autoptr(PuConfig) config = pu_config_new ("/tmp/x/config.ini");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  const char *evil[] = {
    "x]\n[peerup]\nversion=2", "a\nversion=2", "[names]", "a=b", "a;b", "a b", "a#b",
    "x\r\n[relay 1.2.3.4]", "\\n", "ok\n",
  };
  const char *evil_allowed[] = { "laptop", "x\n[peerup]", NULL };
  PuPeerId id;

  g_assert_true (pu_peer_id_parse (ID1, &id, NULL));
  g_assert_true (pu_config_add_service (config, "ssh", "127.0.0.1:22", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (evil); i++)
    {
      g_assert_false (pu_config_set_device_name (config, evil[i], &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (pu_config_add_service (config, evil[i], "127.0.0.1:80", &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (pu_config_add_service (config, "web", evil[i], &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (pu_config_set_name (config, evil[i], &id, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_false (pu_config_set_service_allowed (config, "ssh", evil_allowed, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  assert_message_has (error, "Invalid allowed peer \"x\\x0a[peerup]\"");

  /* Nothing of it reached the file. */
  data = pu_config_to_data (config, NULL);
  g_assert_cmpstr (data, ==, "[peerup]\nversion=1\n\n"
                             "[service ssh]\naddress=127.0.0.1:22\nenabled=true\n");
}

static void
test_keeps_unknown (void)
{
  static const char text[] =
    "# my relay setup\n\n"
    "[peerup]\n"
    "version=1\n"
    "# this box\n"
    "name=home\n"
    "network=family\n"
    "future-key=whatever\n"
    "name[de]=heim\n"
    "\n"
    "[options]\n"
    "log-level=debug\n"
    "weird key=with spaces; and ; semicolons\n"
    "\n"
    "[service ssh]\n"
    "address=127.0.0.1:22\n"
    "colour=blue\n"
    "\n"
    "[plugin something]\n"
    "x=1\n"
    "\n"
    "[relay 203.0.113.5]\n"
    "peer-id=" ID1_CID "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = load_text (text, &error);
  g_autoptr(PuConfig) again = NULL;
  g_autofree char *data = NULL;
  g_autofree char *data2 = NULL;
  const PuRelayAddr *relay;

  g_assert_no_error (error);
  g_assert_cmpstr (pu_config_get_device_name (config), ==, "home");
  g_assert_cmpstr (pu_config_get_network (config), ==, "family");
  relay = g_ptr_array_index (pu_config_get_relays (config), 0);
  g_assert_true (relay->has_peer_id);

  /* Unchanged, the file is written back as it was. */
  data = pu_config_to_data (config, NULL);
  g_assert_cmpstr (data, ==, text);

  /* Changes touch only their own keys. */
  g_assert_true (pu_config_set_service_enabled (config, "ssh", FALSE, &error));
  g_assert_true (pu_config_add_service (config, "web", "localhost:8080", &error));
  g_assert_no_error (error);
  g_clear_pointer (&data, g_free);
  data = pu_config_to_data (config, NULL);
  g_assert_nonnull (strstr (data, "# my relay setup\n\n[peerup]\n"));
  g_assert_nonnull (strstr (data, "future-key=whatever\nname[de]=heim\n"));
  g_assert_nonnull (strstr (data, "[options]\nlog-level=debug\n"
                                  "weird key=with spaces; and ; semicolons\n"));
  /* GKeyFile appends new keys after a group's trailing blank line. */
  g_assert_nonnull (strstr (data, "[service ssh]\naddress=127.0.0.1:22\ncolour=blue\n\n"
                                  "enabled=false\n"));
  g_assert_nonnull (strstr (data, "[plugin something]\nx=1\n"));
  g_assert_nonnull (strstr (data, "[service web]\naddress=localhost:8080\nenabled=true\n"));

  again = load_text (data, &error);
  g_assert_no_error (error);
  data2 = pu_config_to_data (again, NULL);
  g_assert_cmpstr (data, ==, data2);
}

static void
test_add_remove (void)
{
  g_autoptr(PuConfig) config = pu_config_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) relay = pu_relay_addr_parse ("203.0.113.5", ID1, NULL);
  g_autoptr(PuRelayAddr) same = pu_relay_addr_parse ("/ip4/203.0.113.5/tcp/7777", NULL, NULL);
  g_autoptr(PuRelayAddr) named = pu_relay_addr_parse ("relay.example.org:443", ID2, NULL);
  g_autoptr(PuRelayAddr) v6 = pu_relay_addr_parse ("[2001:db8::1]", NULL, NULL);
  g_autoptr(PuRelayAddr) unpinned_name = NULL;
  g_autofree char *default_path = pu_config_default_path ();
  PuPeerId id1, id2, out;

  g_assert_cmpstr (pu_config_get_path (config), ==, default_path);
  g_assert_true (g_str_has_suffix (default_path, "/peerup/config.ini"));
  g_assert_true (pu_peer_id_parse (ID1, &id1, NULL));
  g_assert_true (pu_peer_id_parse (ID2, &id2, NULL));

  /* Relays */
  g_assert_true (pu_config_add_relay (config, relay, &error));
  g_assert_false (pu_config_add_relay (config, same, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  assert_message_has (error, "Relay 203.0.113.5:7777 is already configured; remove it first "
                             "with `peerup relay remove 203.0.113.5:7777`");
  g_clear_error (&error);
  g_assert_true (pu_config_add_relay (config, named, &error));
  g_assert_true (pu_config_add_relay (config, v6, &error));
  g_assert_no_error (error);

  /* A hand-made unpinned host name is refused, as loading would refuse it. */
  unpinned_name = pu_relay_addr_copy (named);
  unpinned_name->has_peer_id = FALSE;
  g_assert_false (pu_config_add_relay (config, unpinned_name, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (pu_config_remove_relay (config, "203.0.113.6", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "No relay 203.0.113.6:7777 is configured; see `peerup relay list`");
  g_clear_error (&error);
  g_assert_false (pu_config_remove_relay (config, "nonsense:0", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (pu_config_remove_relay (config, "/ip4/1.2.3.4/tcp/1/p2p/" ID1 "x", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* By address in any form (a host name needs no pin here), or by peer ID. */
  g_assert_true (pu_config_remove_relay (config, "RELAY.example.org:443", &error));
  g_assert_true (pu_config_remove_relay (config, "/ip6/2001:db8::1/tcp/7777", &error));
  g_assert_true (pu_config_remove_relay (config, ID1_CID, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pu_config_get_relays (config)->len, ==, 0);
  g_assert_false (pu_config_remove_relay (config, ID1, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "No relay " ID1 " is configured");
  g_clear_error (&error);

  /* Services */
  g_assert_true (pu_config_add_service (config, "ssh", "127.0.0.1:22", &error));
  g_assert_false (pu_config_add_service (config, "ssh", "127.0.0.1:2222", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  assert_message_has (error, "A service named \"ssh\" already exists; remove it first with "
                             "`peerup service remove ssh`");
  g_clear_error (&error);
  g_assert_false (pu_config_remove_service (config, "x", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "no service named \"x\"; see `peerup service list`");
  g_clear_error (&error);
  g_assert_false (pu_config_set_service_enabled (config, "x", TRUE, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (pu_config_set_service_allowed (config, "x", NULL, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (pu_config_remove_service (config, "X\n", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  {
    const char *allowed[] = { "laptop", NULL };

    g_assert_true (pu_config_set_service_allowed (config, "ssh", allowed, &error));
    g_assert_cmpstr (pu_config_lookup_service (config, "ssh")->allowed[0], ==, "laptop");
    /* Empty again: every authorized peer. */
    g_assert_true (pu_config_set_service_allowed (config, "ssh", NULL, &error));
    g_assert_cmpuint (g_strv_length (pu_config_lookup_service (config, "ssh")->allowed), ==, 0);
  }
  g_assert_true (pu_config_remove_service (config, "ssh", &error));
  g_assert_no_error (error);
  g_assert_null (pu_config_lookup_service (config, "ssh"));

  /* Names */
  g_assert_true (pu_config_set_name (config, "laptop", &id1, &error));
  g_assert_true (pu_config_set_name (config, "laptop", &id2, &error));
  g_assert_cmpstr (pu_config_lookup_name (config, "laptop"), ==, ID2);
  g_assert_null (pu_config_name_for_peer (config, &id1));
  g_assert_cmpstr (pu_config_name_for_peer (config, &id2), ==, "laptop");

  g_assert_true (pu_config_resolve_peer (config, "laptop", &out, &error));
  g_assert_true (pu_peer_id_equal (&out, &id2));
  g_assert_true (pu_config_resolve_peer (config, ID1, &out, &error));
  g_assert_true (pu_peer_id_equal (&out, &id1));
  g_assert_true (pu_config_resolve_peer (config, ID1_CID, &out, &error));
  g_assert_true (pu_peer_id_equal (&out, &id1));
  g_assert_no_error (error);
  g_assert_false (pu_config_resolve_peer (config, "desktop", &out, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "No peer is named \"desktop\"; add it with "
                             "`peerup name set NAME PEER-ID`");
  g_clear_error (&error);
  g_assert_false (pu_config_resolve_peer (config, "12D3KooWbroken\x1b", &out, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  assert_message_has (error, "\"12D3KooWbroken\\x1b\" is neither a peer name nor a peer ID");
  g_clear_error (&error);

  g_assert_false (pu_config_remove_name (config, "desktop", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "no peer named \"desktop\"; see `peerup name list`");
  g_clear_error (&error);
  g_assert_true (pu_config_remove_name (config, "laptop", &error));
  g_assert_no_error (error);
  g_assert_null (pu_config_lookup_name (config, "laptop"));
  g_assert_false (pu_config_resolve_peer (config, "laptop", &out, NULL));
}

static void
test_permissions (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "config.ini", NULL);
  g_autoptr(PuConfig) config = pu_config_new (path);
  g_autoptr(GError) error = NULL;
  struct stat st;

  /* An existing directory keeps its mode; the file is 0600 even if it was not. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "old", 3, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (pu_config_save (config, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0755);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_no_error (error);

  /* A directory that cannot be written fails cleanly. */
  g_clear_object (&config);
  config = pu_config_new ("/proc/nonexistent-peerup/config.ini");
  g_assert_false (pu_config_save (config, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_IO);

  pu_test_remove_tree (dir);
}

static void
write_config (const char *path,
              const char *device)
{
  g_autoptr(PuConfig) config = pu_config_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (pu_config_set_device_name (config, device, &error));
  g_assert_true (pu_config_save (config, &error));
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
test_archive (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "config.ini", NULL);
  g_autofree char *archive_dir = g_build_filename (dir, "archive", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *text = NULL;
  struct stat st;

  /* Nothing to roll back to yet. */
  list = pu_config_list_archives (path);
  g_assert_cmpuint (g_strv_length (list), ==, 0);
  g_clear_pointer (&list, g_strfreev);
  g_assert_false (pu_config_rollback (path, NULL, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "no archived config yet");
  g_clear_error (&error);

  /* Seven different configs, archived within the same second or so. */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *device = g_strdup_printf ("device-%u", i);
      g_autoptr(PuConfig) config = NULL;

      write_config (path, device);
      config = pu_config_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (pu_config_archive (config, &error));
      /* The same content again adds nothing. */
      g_assert_true (pu_config_archive (config, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpint (g_stat (archive_dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  list = pu_config_list_archives (path);
  g_assert_cmpuint (g_strv_length (list), ==, PU_CONFIG_ARCHIVE_KEEP);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *archived = g_build_filename (archive_dir, list[i], NULL);
      g_autofree char *expected = g_strdup_printf ("name=device-%u\n", 6 - i);
      g_autofree char *content = read_text (archived);

      g_assert_true (g_str_has_prefix (list[i], "config-"));
      g_assert_true (g_str_has_suffix (list[i], ".ini"));
      g_assert_nonnull (strstr (content, expected));
      g_assert_cmpint (g_stat (archived, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
    }

  /* Roll back to the newest: the config as it was last archived. */
  write_config (path, "broken-later");
  g_assert_true (pu_config_rollback (path, NULL, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "name=device-6\n"));
  g_clear_pointer (&text, g_free);

  /* Or to a chosen one, by file name or by path. */
  g_assert_true (pu_config_rollback (path, list[3], &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "name=device-3\n"));
  g_clear_pointer (&text, g_free);
  newest = g_build_filename (archive_dir, list[1], NULL);
  g_assert_true (pu_config_rollback (path, newest, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "name=device-5\n"));
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  g_assert_false (pu_config_rollback (path, "config-nope.ini", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_message_has (error, "There is no archived config \"config-nope.ini\"");
  g_clear_error (&error);

  /* A corrupted archive is refused and the config is left alone. */
  {
    g_autofree char *newest_path = g_build_filename (archive_dir, list[0], NULL);
    g_autofree char *before = read_text (path);

    g_assert_true (g_file_set_contents (newest_path, "[peerup]\nversion=1\nname=Bad!\n", -1,
                                        NULL));
    g_assert_false (pu_config_rollback (path, NULL, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
    assert_message_has (error, "Did not restore");
    assert_message_has (error, "[peerup] name: Invalid device name");
    assert_message_has (error, "choose another archive");
    g_clear_error (&error);

    g_assert_true (g_file_set_contents (newest_path, "[peerup]\nversion=9\n", -1, NULL));
    g_assert_false (pu_config_rollback (path, list[0], &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_VERSION);
    g_clear_error (&error);

    text = read_text (path);
    g_assert_cmpstr (text, ==, before);
  }

  /* A broken config is never archived as last-known-good. */
  {
    g_autoptr(PuConfig) config = pu_config_load (path, &error);
    g_auto(GStrv) after = NULL;

    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (path, "[peerup]\n", -1, NULL));
    g_assert_false (pu_config_archive (config, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
    after = pu_config_list_archives (path);
    g_assert_cmpstrv (after, list);
  }

  pu_test_remove_tree (dir);
}

static void
test_turn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) none = NULL;
  g_autoptr(PuConfig) v4 = NULL;
  g_autoptr(PuConfig) v6 = NULL;
  g_autoptr(PuConfig) missing = NULL;
  const char *host = NULL, *secret = NULL;
  guint16 port = 0;
  const char *bad_urls[] = {
    "turns:192.0.2.9", "turn:turn.example.org", "turn:192.0.2.9:0", "turn:192.0.2.9:70000",
    "turn:192.0.2.9?transport=tcp", "turn:[2001:db8::9", "turn:2001:db8::9", "turn:",
  };

  none = load_text ("[peerup]\nversion=1\n", &error);
  g_assert_no_error (error);
  g_assert_false (pu_config_get_turn (none, &host, &port, &secret));

  v4 = load_text ("[peerup]\nversion=1\n[turn]\nurl=turn:192.0.2.9\nsecret=north-wind\n", &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_get_turn (v4, &host, &port, &secret));
  g_assert_cmpstr (host, ==, "192.0.2.9");
  g_assert_cmpuint (port, ==, 3478);
  g_assert_cmpstr (secret, ==, "north-wind");

  v6 = load_text ("[peerup]\nversion=1\n[turn]\nurl=turn:[2001:db8::9]:5349?transport=udp\n"
           "secret=s\n", &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_get_turn (v6, &host, &port, NULL));
  g_assert_cmpstr (host, ==, "2001:db8::9");
  g_assert_cmpuint (port, ==, 5349);

  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_autofree char *text = g_strdup_printf ("[peerup]\nversion=1\n[turn]\nurl=%s\n"
                                               "secret=s\n", bad_urls[i]);
      g_autoptr(PuConfig) config = load_text (text, &error);

      g_assert_null (config);
      g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
      assert_message_has (error, "turn:IP[:PORT]");
      g_clear_error (&error);
    }

  missing = load_text ("[peerup]\nversion=1\n[turn]\nurl=turn:192.0.2.9\n", &error);
  g_assert_null (missing);
  assert_message_has (error, "secret");
}

/* A file saved with CRLF line endings loads as with LF. */
static void
test_crlf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = load_text ("[peerup]\r\nversion=1\r\nname=home\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (pu_config_get_device_name (config), ==, "home");
}

/* [options] direct: on unless set to false; anything but a boolean refused. */
static void
test_direct (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) plain = load_text ("[peerup]\nversion=1\n", &error);
  g_autoptr(PuConfig) off = NULL;
  g_autoptr(PuConfig) bad = NULL;

  g_assert_no_error (error);
  g_assert_true (pu_config_get_direct (plain));

  off = load_text ("[peerup]\nversion=1\n[options]\ndirect=false\n", &error);
  g_assert_no_error (error);
  g_assert_false (pu_config_get_direct (off));

  bad = load_text ("[peerup]\nversion=1\n[options]\ndirect=sometimes\n", &error);
  g_assert_null (bad);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  assert_message_has (error, "[options] direct: use true or false");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/label/validate", test_label);
  g_test_add_func ("/label/escape", test_label_escape);
  g_test_add_func ("/service/new", test_service);
  g_test_add_func ("/config/round-trip", test_new_and_round_trip);
  g_test_add_func ("/config/version", test_version);
  g_test_add_func ("/config/save-and-load", test_save_and_load);
  g_test_add_func ("/config/bad-values", test_bad_values);
  g_test_add_func ("/config/nul-and-size", test_nul_and_size);
  g_test_add_func ("/config/injection", test_injection);
  g_test_add_func ("/config/keeps-unknown", test_keeps_unknown);
  g_test_add_func ("/config/add-remove", test_add_remove);
  g_test_add_func ("/config/permissions", test_permissions);
  g_test_add_func ("/config/archive", test_archive);
  g_test_add_func ("/config/turn", test_turn);
  g_test_add_func ("/config/direct", test_direct);
  g_test_add_func ("/config/crlf", test_crlf);

  return g_test_run ();
}
