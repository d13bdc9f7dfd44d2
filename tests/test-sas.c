/* test-sas.c — the emoji and number two paired devices compare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-sas.h"
#include "pu-test-util.h"

#define PEER_A "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define PEER_B "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

static PuPeerId
peer (const char *text)
{
  PuPeerId id;

  g_assert_true (pu_peer_id_parse (text, &id, NULL));
  return id;
}

/* Computed independently: SHA-256 ("peerup-sas-v1" || low key || high key). */
static void
test_known_answer (void)
{
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  g_autofree char *digits = NULL;
  PuSas sas;

  pu_sas_compute (&a, &b, &sas);
  g_assert_cmpuint (sas.emoji[0], ==, 96);
  g_assert_cmpuint (sas.emoji[1], ==, 124);
  g_assert_cmpuint (sas.emoji[2], ==, 155);
  g_assert_cmpuint (sas.emoji[3], ==, 90);
  g_assert_cmpstr (pu_sas_emoji (sas.emoji[0]), ==, "🍍");
  g_assert_cmpstr (pu_sas_emoji_name (sas.emoji[0]), ==, "pineapple");
  g_assert_cmpstr (pu_sas_emoji (sas.emoji[1]), ==, "🍣");
  g_assert_cmpstr (pu_sas_emoji (sas.emoji[2]), ==, "🎿");
  g_assert_cmpstr (pu_sas_emoji (sas.emoji[3]), ==, "🍌");
  g_assert_cmpuint (sas.number, ==, 271850);
  digits = pu_sas_format_number (&sas);
  g_assert_cmpstr (digits, ==, "271-850");
  g_assert_cmpstr (sas.verified, ==, "sha256:607c9b5a");
  g_assert_true (pu_trust_verified_is_valid (sas.verified));
}

static void
test_symmetric (void)
{
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  PuSas ab, ba, aa;

  pu_sas_compute (&a, &b, &ab);
  pu_sas_compute (&b, &a, &ba);
  g_assert_cmpmem (ab.emoji, sizeof ab.emoji, ba.emoji, sizeof ba.emoji);
  g_assert_cmpuint (ab.number, ==, ba.number);
  g_assert_cmpstr (ab.verified, ==, ba.verified);

  /* Another pair, another string. */
  pu_sas_compute (&a, &a, &aa);
  g_assert_cmpstr (aa.verified, !=, ab.verified);
}

static void
test_small_number (void)
{
  PuSas sas = { .number = 7 };
  g_autofree char *digits = pu_sas_format_number (&sas);

  g_assert_cmpstr (digits, ==, "000-007");
}

/* 256 distinct emoji, each one code point with emoji presentation, with
 * 256 distinct non-empty names. */
static void
test_table (void)
{
  g_autoptr(GHashTable) emoji = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < PU_SAS_TABLE_SIZE; i++)
    {
      const char *e = pu_sas_emoji (i);
      const char *name = pu_sas_emoji_name (i);
      gunichar c;

      g_assert_true (g_utf8_validate (e, -1, NULL));
      g_assert_cmpint (g_utf8_strlen (e, -1), ==, 1);
      c = g_utf8_get_char (e);
      g_assert_true (g_unichar_iswide (c));
      g_assert_true (g_hash_table_add (emoji, (gpointer) e));
      g_assert_cmpuint (strlen (name), >, 0);
      g_assert_true (g_hash_table_add (names, (gpointer) name));
    }
  g_assert_cmpuint (g_hash_table_size (emoji), ==, 256);
  g_assert_cmpuint (g_hash_table_size (names), ==, 256);
}

static void
test_entry_verified (void)
{
  PuPeerId a = peer (PEER_A);
  PuPeerId b = peer (PEER_B);
  g_autoptr(PuTrustEntry) entry = pu_trust_entry_new (&b);
  PuSas sas;

  g_assert_false (pu_sas_entry_is_verified (entry, &a));
  pu_sas_compute (&a, &b, &sas);
  entry->verified = g_strdup (sas.verified);
  g_assert_true (pu_sas_entry_is_verified (entry, &a));
  /* A stale value, from another pair, does not count. */
  g_free (entry->verified);
  entry->verified = g_strdup ("sha256:00000000");
  g_assert_false (pu_sas_entry_is_verified (entry, &a));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sas/known-answer", test_known_answer);
  g_test_add_func ("/sas/symmetric", test_symmetric);
  g_test_add_func ("/sas/small-number", test_small_number);
  g_test_add_func ("/sas/table", test_table);
  g_test_add_func ("/sas/entry-verified", test_entry_verified);

  return g_test_run ();
}
