/* test-invite-code.c — full and short invite codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-invite-code.h"
#include "pu-words.h"
#include "pu-test-util.h"

#define INVITER "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define RELAY_ID "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
#define EXPIRES G_GINT64_CONSTANT (1795585651) /* 2026-11-25T05:47:31Z */
#define INSTANCE G_GUINT64_CONSTANT (0x0123456789abcdef)

static PuInviteCode *
make_full (const char *relay_text,
           const char *network)
{
  g_autoptr(PuRelayAddr) relay = pu_relay_addr_parse (relay_text, RELAY_ID, NULL);
  PuPeerId inviter;

  g_assert_nonnull (relay);
  g_assert_true (pu_peer_id_parse (INVITER, &inviter, NULL));
  return pu_invite_code_new_full (relay, &inviter, INSTANCE, EXPIRES, network);
}

static void
assert_same (const PuInviteCode *a,
             const PuInviteCode *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpmem (a->secret, a->secret_len, b->secret, b->secret_len);
  if (a->kind == PU_INVITE_CODE_SHORT)
    {
      g_assert_cmpuint (a->nameplate, ==, b->nameplate);
      return;
    }
  g_assert_true (pu_peer_id_equal (&a->inviter, &b->inviter));
  g_assert_cmpuint (a->instance, ==, b->instance);
  g_assert_cmpint (a->expires, ==, b->expires);
  g_assert_cmpstr (a->network, ==, b->network);
  g_assert_true (pu_relay_addr_equal (a->relay, b->relay));
  g_assert_true (b->relay->has_peer_id);
  g_assert_true (pu_peer_id_equal (&a->relay->peer_id, &b->relay->peer_id));
}

static void
assert_parse_fails (const char *text,
                    int         code,
                    const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuInviteCode) parsed = pu_invite_code_parse (text, &error);

  g_assert_null (parsed);
  g_assert_error (error, PU_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not in: %s", needle, error->message);
}

static void
test_full_round_trip (void)
{
  const char *relays[] = { "203.0.113.5:7777", "[2001:db8::1]:443", "relay.example.org:7777" };

  for (guint i = 0; i < G_N_ELEMENTS (relays); i++)
    {
      g_autoptr(PuInviteCode) code = make_full (relays[i], i == 1 ? "family" : NULL);
      g_autoptr(PuInviteCode) parsed = NULL;
      g_autoptr(PuInviteCode) from_uri = NULL;
      g_autoptr(PuInviteCode) upper = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = pu_invite_code_to_string (code);
      g_autofree char *uri = pu_invite_code_to_uri (code);
      g_autofree char *shouted = g_ascii_strup (text, -1);
      g_auto(GStrv) groups = g_strsplit (text, "-", 0);

      /* Version 1: the first character is 0; groups of 4. */
      g_assert_true (text[0] == '0');
      for (guint g = 0; groups[g + 1] != NULL; g++)
        g_assert_cmpuint (strlen (groups[g]), ==, 4);
      g_assert_true (g_str_has_prefix (uri, "peerup:0"));
      g_assert_null (strchr (uri, '-'));

      parsed = pu_invite_code_parse (text, &error);
      g_assert_no_error (error);
      assert_same (code, parsed);
      from_uri = pu_invite_code_parse (uri, &error);
      g_assert_no_error (error);
      assert_same (code, from_uri);
      upper = pu_invite_code_parse (shouted, &error);
      g_assert_no_error (error);
      assert_same (code, upper);
    }
}

static void
test_full_secret_random (void)
{
  g_autoptr(PuInviteCode) a = make_full ("203.0.113.5", NULL);
  g_autoptr(PuInviteCode) b = make_full ("203.0.113.5", NULL);

  g_assert_cmpuint (a->secret_len, ==, 16);
  g_assert_true (memcmp (a->secret, b->secret, 16) != 0);
}

/* A known code: the layout of version 1 does not change. */
static void
test_full_known (void)
{
  g_autoptr(PuInviteCode) code = make_full ("203.0.113.5:7777", NULL);
  g_autoptr(PuInviteCode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  memset (code->secret, 0xab, sizeof code->secret);
  text = pu_invite_code_to_string (code);
  g_assert_cmpstr (text, ==,
                   "06nt-qaxb-nent-qaxb-nent-qaxb-nenh-xmf8-zbhc-98a4-q2z8-zn5m-ffsx-7ctb-"
                   "gwe3-sb7p-047g-wgpm-ekye-4zg1-4d2p-f2db-sqqp-p1kp-ecxp-m9xw-stva-8bb2-"
                   "memd-0akf-1nsp-acgn-ewey-4gx6-7b04-h8cb-b7d2-j16b-01rg-a7k1-03j3-1bes");
  parsed = pu_invite_code_parse (text, &error);
  g_assert_no_error (error);
  assert_same (code, parsed);
}

static void
test_full_errors (void)
{
  g_autoptr(PuInviteCode) code = make_full ("203.0.113.5:7777", NULL);
  g_autofree char *text = pu_invite_code_to_string (code);
  g_autofree char *typo = g_strdup (text);
  g_autofree char *junk = g_strconcat (text, "-abcd", NULL);
  g_autofree char *short_by_one = g_strndup (text, strlen (text) - 5);
  g_autofree char *bad_char = g_strdup (text);
  g_autofree char *future = g_strdup (text);
  g_autofree char *long_text = g_strnfill (PU_INVITE_TEXT_MAX + 1, '0');

  /* One character changed (not one that reads as the same). */
  typo[10] = typo[10] == 'x' ? 'y' : 'x';
  assert_parse_fails (typo, PU_ERROR_INVALID_ARGUMENT, "does not check out");
  assert_parse_fails (junk, PU_ERROR_INVALID_ARGUMENT, "extra characters at the end");
  assert_parse_fails (short_by_one, PU_ERROR_INVALID_ARGUMENT, "incomplete");
  assert_parse_fails ("06nt-qaxb", PU_ERROR_INVALID_ARGUMENT, "incomplete");
  bad_char[7] = 'u';
  assert_parse_fails (bad_char, PU_ERROR_INVALID_ARGUMENT, "has “u” at position 8,");
  /* Version 2 ("08…"): please upgrade, whatever follows. */
  future[1] = '8';
  assert_parse_fails (future, PU_ERROR_VERSION, "please upgrade");
  assert_parse_fails ("", PU_ERROR_INVALID_ARGUMENT, "empty");
  assert_parse_fails ("peerup:", PU_ERROR_INVALID_ARGUMENT, "empty");
  assert_parse_fails (long_text, PU_ERROR_TOO_LARGE, "too long");
}

static void
test_expiry (void)
{
  g_autoptr(PuInviteCode) code = make_full ("203.0.113.5", NULL);
  g_autoptr(PuInviteCode) short_code = pu_invite_code_new_short (7);
  g_autoptr(GError) error = NULL;

  g_assert_true (pu_invite_code_check_expiry (code, EXPIRES - 1, &error));
  g_assert_no_error (error);
  g_assert_false (pu_invite_code_check_expiry (code, EXPIRES, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "expired at 2026-11-25T05:47:31Z"));
  g_assert_nonnull (strstr (error->message, "ask for a new one"));
  g_assert_true (pu_invite_code_check_expiry (short_code, EXPIRES, NULL));
}

static void
test_short_round_trip (void)
{
  for (guint i = 1; i <= 999; i += 97)
    {
      g_autoptr(PuInviteCode) code = pu_invite_code_new_short (i);
      g_autoptr(PuInviteCode) parsed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = pu_invite_code_to_string (code);
      g_autofree char *prefix = g_strdup_printf ("%u-", i);
      g_autofree char *shouted = g_ascii_strup (text, -1);

      g_assert_true (g_str_has_prefix (text, prefix));
      parsed = pu_invite_code_parse (text, &error);
      g_assert_no_error (error);
      assert_same (code, parsed);
      g_clear_pointer (&parsed, pu_invite_code_free);
      parsed = pu_invite_code_parse (shouted, &error);
      g_assert_no_error (error);
      assert_same (code, parsed);
    }
}

static void
test_short_known (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuInviteCode) code = pu_invite_code_parse ("  7-purple-sausage\n", &error);

  g_assert_no_error (error);
  g_assert_cmpint (code->kind, ==, PU_INVITE_CODE_SHORT);
  g_assert_cmpuint (code->nameplate, ==, 7);
  g_assert_cmpuint (code->secret_len, ==, 2);
  g_assert_cmpstr (pu_words_get (code->secret[0]), ==, "purple");
  g_assert_cmpstr (pu_words_get (code->secret[1]), ==, "sausage");
}

static void
test_short_errors (void)
{
  assert_parse_fails ("7-purpel-sausage", PU_ERROR_INVALID_ARGUMENT,
                      "“purpel” is not a word of Peer Up codes; did you mean “purple”?");
  assert_parse_fails ("7-purple-sausag", PU_ERROR_INVALID_ARGUMENT, "did you mean “sausage”?");
  assert_parse_fails ("7-purple-xqzzyv", PU_ERROR_INVALID_ARGUMENT,
                      "“xqzzyv” is not a word of Peer Up codes; check the spelling");
  assert_parse_fails ("7-purple", PU_ERROR_INVALID_ARGUMENT, "incomplete");
  assert_parse_fails ("7", PU_ERROR_INVALID_ARGUMENT, "incomplete");
  assert_parse_fails ("7-purple-sausage-x", PU_ERROR_INVALID_ARGUMENT, "extra parts");
  assert_parse_fails ("7-purple--sausage", PU_ERROR_INVALID_ARGUMENT, "extra parts");
  assert_parse_fails ("7-purple-", PU_ERROR_INVALID_ARGUMENT, "empty word");
  assert_parse_fails ("07-purple-sausage", PU_ERROR_INVALID_ARGUMENT, "1 to 999");
}

static void
test_words (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < PU_WORDS_COUNT; i++)
    {
      const char *word = pu_words_get (i);

      g_assert_true (g_hash_table_add (seen, (gpointer) word));
      g_assert_cmpint (pu_words_lookup (word, strlen (word)), ==, (int) i);
      g_assert_cmpstr (pu_words_suggest (word, strlen (word)), ==, word);
      if (i > 0)
        g_assert_cmpint (strcmp (pu_words_get (i - 1), word), <, 0);
      for (const char *p = word; *p != '\0'; p++)
        g_assert_true (g_ascii_islower (*p));
    }
  g_assert_cmpint (pu_words_lookup ("PURPLE", 6), ==, pu_words_lookup ("purple", 6));
  g_assert_cmpint (pu_words_lookup ("purplex", 6), ==, pu_words_lookup ("purple", 6));
  g_assert_cmpint (pu_words_lookup ("", 0), ==, -1);
  g_assert_null (pu_words_suggest ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 36));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/invite-code/full/round-trip", test_full_round_trip);
  g_test_add_func ("/invite-code/full/secret-random", test_full_secret_random);
  g_test_add_func ("/invite-code/full/known", test_full_known);
  g_test_add_func ("/invite-code/full/errors", test_full_errors);
  g_test_add_func ("/invite-code/expiry", test_expiry);
  g_test_add_func ("/invite-code/short/round-trip", test_short_round_trip);
  g_test_add_func ("/invite-code/short/known", test_short_known);
  g_test_add_func ("/invite-code/short/errors", test_short_errors);
  g_test_add_func ("/invite-code/words", test_words);

  return g_test_run ();
}
