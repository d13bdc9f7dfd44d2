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
#include "pu-test-util.h"

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

static void
test_entry_bad (void)
{
  g_autofree char *over_long = NULL;
  g_autofree char *long_fields = NULL;
  g_autofree char *fitting = NULL;
  static const struct { const char *line; const char *reason; } bad[] = {
    { "12D3KooWnotapeer", "Invalid peer ID" },
    { "notapeer # comment", "Invalid peer ID" },
    { "expires=2026-11-25T05:47:31Z", "Invalid peer ID" },
    { PEER_A " expires=2026-13-01T00:00:00Z", "bad expires=: Invalid time: the month" },
    { PEER_A " expires=2026-02-29T00:00:00Z", "bad expires=: Invalid time: the day" },
    { PEER_A " expires=1d", "bad expires=" },
    { PEER_A " expires=", "bad expires=" },
    { PEER_A " expires=1969-12-31T23:59:59Z", "before 1970" },
    { PEER_A " expires=1970-01-01T00:00:00Z", "before 1970" },
    { PEER_A " expires=2026-11-25T05:47:31Z expires=2027-11-25T05:47:31Z", "given twice" },
    { PEER_A " verified=sha256:0123ABCD", "bad verified=" },
    { PEER_A " verified=sha256:0123abc", "bad verified=" },
    { PEER_A " verified=sha256:0123abcde", "bad verified=" },
    { PEER_A " verified=sha256:0123abcg", "bad verified=" },
    { PEER_A " verified=md5:0123abcd", "bad verified=" },
    { PEER_A " verified=", "bad verified=" },
    { PEER_A " verified=sha256:0123abcd verified=sha256:0123abcd", "given twice" },
    { PEER_A " laptop", "“laptop” is not an attribute" },
    { PEER_A " =x", "no name" },
    { PEER_A " a/b=x", "attribute names" },
    { PEER_A " x=\x01", "control character" },
    { PEER_A " x=\x7f", "control character" },
    { PEER_A "\r" PEER_B, "control character" },
    { PEER_A " x=1\n" PEER_B, "control character" },
    { PEER_A " x=\xff", "not valid UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuTrustEntry) entry = NULL;
      g_autofree char *shown = g_strescape (bad[i].line, NULL);

      /* Escaped: TAP output must stay valid UTF-8 on one line. */
      g_test_message ("%s", shown);
      entry = pu_trust_entry_parse (bad[i].line, &error);
      g_assert_null (entry);
      g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, bad[i].reason));
    }

  /* The whole line is capped, and so is the part before the comment. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *pad = g_strnfill (PU_TRUST_LINE_MAX, 'x');

    over_long = g_strdup_printf ("%s #%s", PEER_A, pad);
    over_long[PU_TRUST_LINE_MAX + 1] = '\0';
    g_assert_null (pu_trust_entry_parse (over_long, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
    g_assert_cmpstr (error->message, ==, "the line is longer than 4096 bytes");
    g_clear_error (&error);

    /* One byte shorter is a line: the comment is cut on its own cap. */
    over_long[PU_TRUST_LINE_MAX] = '\0';
    {
      g_autoptr(PuTrustEntry) entry = pu_trust_entry_parse (over_long, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (entry->comment), ==, PU_TRUST_COMMENT_MAX);
    }

    long_fields = g_strdup_printf ("%s x=%s", PEER_A, pad);
    long_fields[PU_TRUST_FIELDS_MAX + 1] = '\0';
    g_assert_null (pu_trust_entry_parse (long_fields, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "before its comment"));
    g_clear_error (&error);

    /* At the cap, a line with the longest comment prints and parses back. */
    long_fields[PU_TRUST_FIELDS_MAX] = '\0';
    fitting = g_strdup_printf ("%s#%s", long_fields, pad);
    fitting[PU_TRUST_LINE_MAX] = '\0';
    {
      g_autoptr(PuTrustEntry) entry = pu_trust_entry_parse (fitting, &error);
      g_autofree char *printed = NULL;
      g_autoptr(PuTrustEntry) again = NULL;

      g_assert_no_error (error);
      printed = pu_trust_entry_to_line (entry);
      g_assert_cmpuint (strlen (printed), <=, PU_TRUST_LINE_MAX);
      again = pu_trust_entry_parse (printed, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again->comment, ==, entry->comment);
    }
  }
}

static void
test_comment_sanitize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "", NULL },
    { " \t\r\n ", NULL },
    { "laptop", "laptop" },
    { "  two  spaces  ", "two  spaces" },
    { "laptop\n" PEER_B, "laptop " PEER_B },
    { "a\r\nb", "a  b" },
    { "bell\a", "bell" },
    { "esc\x1b[31mred", "esc [31mred" },
    { "nel\xc2\x85x", "nel x" },
    { "ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls ps" },
    { "rlo\xe2\x80\xaeyxa", "rlo yxa" },
    { "bad \xff\xfe utf8", "bad \xef\xbf\xbd\xef\xbf\xbd utf8" },
    { "\xf0\x9f\x93\xb1 phone", "\xf0\x9f\x93\xb1 phone" },
  };
  g_autofree char *long_ascii = g_strnfill (300, 'a');
  g_autofree char *cut = NULL;
  GString *wide = g_string_new (NULL);

  g_assert_null (pu_trust_comment_sanitize (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = pu_trust_comment_sanitize (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }

  cut = pu_trust_comment_sanitize (long_ascii);
  g_assert_cmpuint (strlen (cut), ==, PU_TRUST_COMMENT_MAX);
  g_clear_pointer (&cut, g_free);

  /* 255 bytes, then a two-byte character that would cross the cap. */
  g_string_append_len (wide, long_ascii, PU_TRUST_COMMENT_MAX - 1);
  g_string_append (wide, "\xc3\xa9tail");
  cut = pu_trust_comment_sanitize (wide->str);
  g_assert_cmpuint (strlen (cut), ==, PU_TRUST_COMMENT_MAX - 1);
  g_assert_true (g_utf8_validate (cut, -1, NULL));
  g_string_free (wide, TRUE);
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
  g_autofree char *dir = pu_test_make_tmpdir ();
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
  pu_test_remove_tree (dir);
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
  g_autofree char *dir = pu_test_make_tmpdir ();
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
  pu_test_remove_tree (dir);
}

static void
write_bytes (const char *path,
             const char *data,
             gsize       len,
             guint       mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pu_file_write_atomic (path, data, len, mode, &error));
  g_assert_no_error (error);
}

static void
test_store_bad_files (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *long_line = g_strnfill (PU_TRUST_LINE_MAX + 10, 'z');
  static const char nul_line[] = PEER_A "\0 x=1 # NUL\n";
  GString *file = g_string_new (NULL);
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  gsize len;

  /* Readable by others: refused, with the fix in the message. */
  write_bytes (path, PEER_A "\n", strlen (PEER_A) + 1, 0644);
  store = pu_trust_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600 "));
  g_clear_error (&error);

  /* Over the size cap: refused before being read. */
  huge = g_strnfill (PU_TRUST_FILE_MAX + 1, '#');
  write_bytes (path, huge, PU_TRUST_FILE_MAX + 1, 0600);
  store = pu_trust_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* NUL bytes, over-long lines and bad UTF-8 authorize nobody but stay as they are;
   * CR LF endings and a broken comment do not spoil a good line. */
  g_string_append_len (file, nul_line, sizeof nul_line - 1);
  g_string_append_printf (file, "%s %s\n", PEER_A, long_line);
  g_string_append (file, PEER_A " x=\xff\n");
  g_string_append (file, PEER_B " # caf\xe9\r\n");
  g_string_append (file, "no newline at the end");
  write_bytes (path, file->str, file->len, 0600);

  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));
  g_assert_true (pu_trust_store_is_authorized (store, &b, NOW));
  g_assert_cmpstr (pu_trust_store_lookup (store, &b)->comment, ==, "caf\xef\xbf\xbd");

  g_assert_true (pu_trust_store_add (store, &a, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_string_append (file, "\n" PEER_A "\n");
  g_assert_cmpmem (data, len, file->str, file->len);
  assert_mode (path, 0600);
  g_clear_pointer (&data, g_free);

  /* A change re-reads the file, so a file made public since is refused, untouched. */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_false (pu_trust_store_remove (store, &a, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
  g_clear_error (&error);
  g_assert_false (pu_trust_store_reload (store, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
  g_clear_error (&error);
  /* The last good state stays. */
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));
  assert_mode (path, 0640);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_cmpmem (data, len, file->str, file->len);
  g_clear_pointer (&data, g_free);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  /* A change that would take the file over its cap is refused. */
  g_string_truncate (file, 0);
  while (file->len < PU_TRUST_FILE_MAX - 40)
    g_string_append (file, "# filler filler filler filler filler\n");
  g_string_append_printf (file, "%s\n", PEER_A);
  write_bytes (path, file->str, file->len, 0600);
  g_assert_false (pu_trust_store_add (store, &b, NULL, 0, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_cmpmem (data, len, file->str, file->len);

  g_string_free (file, TRUE);
  g_clear_object (&store);
  pu_test_remove_tree (dir);
}

static void
test_store_expiry (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);

  write_text (path, PEER_A " expires=2026-11-25T05:47:31Z\n"
                    PEER_B " expires=2026-11-25T06:47:31+01:00 # same instant\n");
  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);

  /* Expired peers stay listed (so they can be renewed) but are not authorized. */
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW - 1));
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));
  g_assert_false (pu_trust_store_is_authorized (store, &b, NOW));
  g_assert_nonnull (pu_trust_store_lookup (store, &a));
  list = pu_trust_store_list (store);
  g_assert_cmpuint (list->len, ==, 2);

  g_assert_false (pu_trust_store_add (store, &a, NULL, NOW + 3600, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (pu_trust_store_remove (store, &a, &error));
  g_assert_true (pu_trust_store_add (store, &a, NULL, NOW + 3600, &error));
  g_assert_no_error (error);
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW + 3600));

  g_clear_object (&store);
  pu_test_remove_tree (dir);
}

static void
test_store_set_verified (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autofree char *pad = g_strnfill (PU_TRUST_FIELDS_MAX - strlen (PEER_A) - 3, 'v');
  g_autofree char *full = g_strdup_printf ("%s x=%s # long\n", PEER_B, pad);
  g_autofree char *text = NULL;
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  g_autofree char *original = g_strconcat (PEER_A "  x-keep=1   # phone\n", full, NULL);

  write_text (path, original);
  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);

  g_assert_false (pu_trust_store_set_verified (store, &a, "sha256:0123ABCD", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (pu_trust_store_set_verified (store, &a, "sha256:0123abcd\n" PEER_B, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (pu_trust_store_set_verified (store, &a, "sha256:0123abcd", &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_true (g_str_has_prefix (text, PEER_A " verified=sha256:0123abcd x-keep=1 # phone\n"));
  g_clear_pointer (&text, g_free);

  g_assert_true (pu_trust_store_set_verified (store, &a, NULL, &error));
  g_assert_null (pu_trust_store_lookup (store, &a)->verified);
  text = read_text (path);
  g_assert_true (g_str_has_prefix (text, PEER_A " x-keep=1 # phone\n"));
  g_clear_pointer (&text, g_free);

  /* No room left on the line: refused, file unchanged. */
  g_assert_false (pu_trust_store_set_verified (store, &b, "sha256:0123abcd", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_clear_error (&error);
  text = read_text (path);
  g_assert_true (g_str_has_suffix (text, full));
  g_clear_pointer (&text, g_free);

  g_assert_true (pu_trust_store_remove (store, &b, &error));
  g_assert_false (pu_trust_store_set_verified (store, &b, "sha256:0123abcd", &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   PEER_B " is not an authorized peer; see `peerup auth list`");

  g_clear_object (&store);
  pu_test_remove_tree (dir);
}

static void
count_cb (gpointer  instance,
          guint    *counter)
{
  (*counter)++;
}

static void
log_cb (const char     *domain,
        GLogLevelFlags  level,
        const char     *message,
        gpointer        data)
{
  guint *counter = data;

  if (strstr (message, "Keeping the previous authorized peers") != NULL)
    (*counter)++;
}

static void
test_store_monitor (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(PuTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  guint changed = 0;
  guint kept = 0;
  guint handler;

  store = pu_trust_store_new (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "changed", G_CALLBACK (count_cb), &changed);

  /* Another writer creates the file, then replaces it by rename. */
  write_text (path, PEER_A "\n");
  pu_test_run_until_count (&changed, 1);
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));

  write_text (path, PEER_B "\n");
  pu_test_run_until_count (&changed, 2);
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));
  g_assert_true (pu_trust_store_is_authorized (store, &b, NOW));

  /* A file made public is not loaded; what was trusted stays until it is fixed. */
  handler = g_log_set_handler ("peerup-core", G_LOG_LEVEL_MESSAGE, log_cb, &kept);
  write_bytes (path, PEER_A "\n", strlen (PEER_A) + 1, 0644);
  pu_test_run_until_count (&kept, 1);
  g_log_remove_handler ("peerup-core", handler);
  g_assert_true (pu_trust_store_is_authorized (store, &b, NOW));
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  pu_test_run_until_count (&changed, 3);
  g_assert_true (pu_trust_store_is_authorized (store, &a, NOW));

  /* A removed file is an empty one. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  pu_test_run_until_count (&changed, 4);
  g_assert_false (pu_trust_store_is_authorized (store, &a, NOW));

  /* Our own changes signal once. */
  g_assert_true (pu_trust_store_add (store, &b, NULL, 0, &error));
  g_assert_cmpuint (changed, ==, 5);

  g_clear_object (&store);
  pu_test_remove_tree (dir);
}

static void
test_validate_data (void)
{
  g_autofree char *long_line = g_strnfill (PU_TRUST_LINE_MAX + 1, 'z');
  g_autoptr(GPtrArray) problems = NULL;
  static const char nul_line[] = PEER_B "\0x\n";
  GString *data = g_string_new ("# comment\n" PEER_A "\nbad\n" PEER_A " # again\n"
                                PEER_B " verified=x\n\n");

  g_string_append_len (data, nul_line, sizeof nul_line - 1);
  g_string_append_printf (data, "%s\n%s expires=2026-11-25T05:47:31Z", long_line, PEER_B);

  problems = pu_trust_store_validate_data (data->str, data->len);
  g_assert_cmpuint (problems->len, ==, 5);
  g_assert_true (g_str_has_prefix (problems->pdata[0], "line 3: Invalid peer ID: "));
  g_assert_cmpstr (problems->pdata[1], ==,
                   "line 4: this peer is already listed on line 2; only that line counts");
  g_assert_true (g_str_has_prefix (problems->pdata[2], "line 5: bad verified=: "));
  g_assert_cmpstr (problems->pdata[3], ==, "line 7: the line contains a NUL byte");
  g_assert_cmpstr (problems->pdata[4], ==, "line 8: the line is longer than 4096 bytes");
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = pu_trust_store_validate_data (NULL, 0);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = pu_trust_store_validate_data ("\n\n# x\n" PEER_A "\r\n", 8 + strlen (PEER_A));
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  g_string_set_size (data, PU_TRUST_FILE_MAX + 1);
  problems = pu_trust_store_validate_data (data->str, data->len);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (problems->pdata[0], ==, "the file is larger than 1048576 bytes");

  g_string_free (data, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust/entry/parse", test_entry_parse);
  g_test_add_func ("/trust/entry/bad", test_entry_bad);
  g_test_add_func ("/trust/entry/expiry", test_entry_expiry);
  g_test_add_func ("/trust/entry/comment", test_comment_sanitize);
  g_test_add_func ("/trust/store/basic", test_store_basic);
  g_test_add_func ("/trust/store/round-trip", test_store_round_trip);
  g_test_add_func ("/trust/store/bad-files", test_store_bad_files);
  g_test_add_func ("/trust/store/expiry", test_store_expiry);
  g_test_add_func ("/trust/store/set-verified", test_store_set_verified);
  g_test_add_func ("/trust/store/monitor", test_store_monitor);
  g_test_add_func ("/trust/validate", test_validate_data);

  return g_test_run ();
}
