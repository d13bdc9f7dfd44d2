/* test-trust.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-trust-store.h"

#define PEER_A "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define PEER_B "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
#define NOW G_GINT64_CONSTANT (1795585651) /* 2026-11-25T05:47:31Z */

static PuPeerId
peer (const char *text)
{
  PuPeerId id;

  g_assert_true (pu_peer_id_parse (text, &id, NULL));
  return id;
}

static void
test_entry_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuTrustEntry) entry = NULL;
  PuPeerId a = peer (PEER_A);

  entry = pu_trust_entry_parse (PEER_A, &error);
  g_assert_no_error (error);
  g_assert_true (pu_peer_id_equal (&entry->peer_id, &a));
  g_assert_cmpint (entry->expires, ==, 0);
  g_assert_null (entry->verified);
  g_assert_null (entry->comment);
  g_assert_cmpuint (entry->attrs->len, ==, 0);
  g_clear_pointer (&entry, pu_trust_entry_free);

  entry = pu_trust_entry_parse ("  " PEER_A "\texpires=2026-11-25T07:47:31+02:00 "
                                "verified=sha256:0123abcd  x-role=home  via=relay "
                                "# laptop  (work)  \r", &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry->expires, ==, NOW);
  g_assert_cmpstr (entry->verified, ==, "sha256:0123abcd");
  g_assert_cmpstr (entry->comment, ==, "laptop  (work)");
  g_assert_cmpuint (entry->attrs->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (entry->attrs, 0), ==, "x-role=home");
  g_assert_cmpstr (g_ptr_array_index (entry->attrs, 1), ==, "via=relay");

  {
    g_autofree char *line = pu_trust_entry_to_line (entry);
    g_autoptr(PuTrustEntry) copy = pu_trust_entry_copy (entry);
    g_autofree char *line2 = pu_trust_entry_to_line (copy);

    g_assert_cmpstr (line, ==, PEER_A " expires=2026-11-25T05:47:31Z verified=sha256:0123abcd "
                     "x-role=home via=relay # laptop  (work)");
    g_assert_cmpstr (line2, ==, line);
  }

  /* Blank and comment-only lines are no entries and no errors. */
  g_assert_null (pu_trust_entry_parse ("", &error));
  g_assert_null (pu_trust_entry_parse (" \t \r", &error));
  g_assert_null (pu_trust_entry_parse ("# " PEER_A, &error));
  g_assert_no_error (error);
}

static void
test_entry_expiry (void)
{
  g_autoptr(PuTrustEntry) never = pu_trust_entry_parse (PEER_A, NULL);
  g_autoptr(PuTrustEntry) later = pu_trust_entry_parse (PEER_A " expires=2026-11-25T05:47:32Z",
                                                        NULL);

  g_assert_false (pu_trust_entry_is_expired (never, NOW));
  g_assert_false (pu_trust_entry_is_expired (never, G_MAXINT64));
  g_assert_false (pu_trust_entry_is_expired (later, NOW));
  g_assert_true (pu_trust_entry_is_expired (later, NOW + 1));
  g_assert_true (pu_trust_entry_is_expired (later, NOW + 2));
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pu-test-trust-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, &error));
  g_assert_no_error (error);
  return data;
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pu_file_write_atomic (path, text, strlen (text), 0600, &error));
  g_assert_no_error (error);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, mode);
}

static void
test_store_basic (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *text = NULL;
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);

  /* A missing file is an empty store. */
  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_trust_store_get_path (store), ==, path);
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));
  list = pu_trust_store_list (store);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (pu_trust_store_add (store, &a, "home\nserver", 0, &error));
  g_assert_no_error (error);
  g_assert_true (pu_trust_store_add (store, &b, NULL, NOW + 10, &error));
  g_assert_no_error (error);
  assert_mode (path, 0600);
  text = read_text (path);
  g_assert_cmpstr (text, ==,
                   PEER_A " # home server\n"
                   PEER_B " expires=2026-11-25T05:47:41Z\n");

  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));
  g_assert_true (pu_trust_store_is_authorized (store, &b, NOW + 9));
  g_assert_false (pu_trust_store_is_authorized (store, &b, NOW + 10));
  g_assert_cmpstr (pu_trust_store_lookup (store, &a)->comment, ==, "home server");
  list = pu_trust_store_list (store);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (pu_peer_id_equal (&((PuTrustEntry *) list->pdata[0])->peer_id, &a));
  g_assert_true (pu_peer_id_equal (&((PuTrustEntry *) list->pdata[1])->peer_id, &b));
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_false (pu_trust_store_add (store, &a, NULL, 0, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==,
                   PEER_A " is already authorized; remove it first with `peerup auth remove "
                   PEER_A "`");
  g_clear_error (&error);

  g_assert_true (pu_trust_store_set_verified (store, &a, "sha256:89abcdef", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pu_trust_store_lookup (store, &a)->verified, ==, "sha256:89abcdef");

  g_assert_true (pu_trust_store_remove (store, &a, &error));
  g_assert_no_error (error);
  g_assert_null (pu_trust_store_lookup (store, &a));
  g_assert_false (pu_trust_store_remove (store, &a, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&text, g_free);
  text = read_text (path);
  g_assert_cmpstr (text, ==, PEER_B " expires=2026-11-25T05:47:41Z\n");
  assert_mode (path, 0600);

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_store_round_trip (void)
{
  static const char *original =
    "# my machines\n"
    "\n"
    PEER_A "   x-future=1 # home\n"
    PEER_A " expires=2001-01-01T00:00:00Z # a duplicate authorizes nobody\n"
    "12D3KooWnotapeer\n"
    PEER_B " expires=tomorrow\n";
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);

  write_text (path, original);
  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));
  /* A bad line authorizes nobody, even the peer it names. */
  g_assert_false (pu_trust_store_is_authorized (store, &b, NOW));

  g_assert_true (pu_trust_store_add (store, &b, "laptop", 0, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "# my machines\n"
                              "\n"
                              PEER_A "   x-future=1 # home\n"
                              PEER_A " expires=2001-01-01T00:00:00Z # a duplicate authorizes "
                              "nobody\n"
                              "12D3KooWnotapeer\n"
                              PEER_B " expires=tomorrow\n"
                              PEER_B " # laptop\n");

  /* Removing a peer removes its duplicates, which would otherwise take its place. */
  g_assert_true (pu_trust_store_remove (store, &a, &error));
  g_clear_pointer (&text, g_free);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "# my machines\n"
                              "\n"
                              "12D3KooWnotapeer\n"
                              PEER_B " expires=tomorrow\n"
                              PEER_B " # laptop\n");

  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust/entry/parse", test_entry_parse);
  g_test_add_func ("/trust/entry/expiry", test_entry_expiry);
  g_test_add_func ("/trust/store/basic", test_store_basic);
  g_test_add_func ("/trust/store/round-trip", test_store_round_trip);

  return g_test_run ();
}
