/* test-pake.c — the pairing key exchange and its sealed channel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <string.h>

#include "pu-error.h"
#include "pu-pake.h"
#include "pu-test-util.h"

#define INVITER "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define JOINER "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
#define MISMATCH "The code did not match; check it with the other device and try again"

static const guint8 right_code[16] = "0123456789abcdef";
static const guint8 wrong_code[16] = "0123456789abcdeg";

typedef struct {
  PuPake *inviter;
  PuPake *joiner;
} Pair;

static void
pair_init (Pair         *pair,
           const guint8 *inviter_code,
           const guint8 *joiner_code,
           const char   *joiner_id)
{
  PuPeerId inviter, joiner;

  g_assert_true (pu_peer_id_parse (INVITER, &inviter, NULL));
  g_assert_true (pu_peer_id_parse (joiner_id, &joiner, NULL));
  pair->inviter = pu_pake_new (PU_PAKE_ROLE_INVITER, inviter_code, 16, &inviter, &joiner);
  /* The joiner's idea of itself comes from JOINER; the inviter's from
   * @joiner_id, which may differ. */
  g_assert_true (pu_peer_id_parse (JOINER, &joiner, NULL));
  pair->joiner = pu_pake_new (PU_PAKE_ROLE_JOINER, joiner_code, 16, &inviter, &joiner);
}

static void
pair_clear (Pair *pair)
{
  g_clear_object (&pair->inviter);
  g_clear_object (&pair->joiner);
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_opens_to (PuPake     *pake,
                 GBytes     *sealed,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = pu_pake_open (pake, sealed, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text,
                   strlen (text));
}

static void
test_right_code (void)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) msg1 = NULL;
  g_autoptr(GBytes) msg2 = NULL;
  g_autoptr(GBytes) msg3 = NULL;
  g_autoptr(GBytes) hello = text_bytes ("{\"name\":\"laptop\"}");
  g_autoptr(GBytes) reply = text_bytes ("{\"name\":\"home\"}");
  g_autoptr(GBytes) second = text_bytes ("second");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) sealed_reply = NULL;
  g_autoptr(GBytes) sealed_second = NULL;
  gboolean confirmed = FALSE;

  pair_init (&pair, right_code, right_code, JOINER);
  msg1 = pu_pake_joiner_start (pair.joiner);
  g_assert_cmpuint (g_bytes_get_size (msg1), ==, PU_PAKE_MSG1_LEN);
  msg2 = pu_pake_inviter_respond (pair.inviter, msg1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (msg2), ==, PU_PAKE_MSG2_LEN);
  msg3 = pu_pake_joiner_finish (pair.joiner, msg2, &confirmed, &error);
  g_assert_no_error (error);
  g_assert_true (confirmed);
  g_assert_true (pu_pake_inviter_finish (pair.inviter, msg3, &error));
  g_assert_no_error (error);
  g_assert_true (pu_pake_is_confirmed (pair.inviter));
  g_assert_true (pu_pake_is_confirmed (pair.joiner));

  /* Both derived the same keys: each opens what the other sealed. */
  sealed = pu_pake_seal (pair.joiner, hello);
  g_assert_cmpuint (g_bytes_get_size (sealed), >, g_bytes_get_size (hello));
  g_assert_null (memmem (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                         "laptop", 6));
  assert_opens_to (pair.inviter, sealed, "{\"name\":\"laptop\"}");
  sealed_reply = pu_pake_seal (pair.inviter, reply);
  assert_opens_to (pair.joiner, sealed_reply, "{\"name\":\"home\"}");
  sealed_second = pu_pake_seal (pair.joiner, second);
  assert_opens_to (pair.inviter, sealed_second, "second");

  /* A replayed message is refused (its nonce was used). */
  g_assert_null (pu_pake_open (pair.inviter, sealed, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PAIRING);
  pair_clear (&pair);
}

static void
run_wrong (const guint8 *inviter_code,
           const guint8 *joiner_code,
           const char   *joiner_id)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) msg1 = NULL;
  g_autoptr(GBytes) msg2 = NULL;
  g_autoptr(GBytes) msg3 = NULL;
  gboolean confirmed = TRUE;

  pair_init (&pair, inviter_code, joiner_code, joiner_id);
  msg1 = pu_pake_joiner_start (pair.joiner);
  msg2 = pu_pake_inviter_respond (pair.inviter, msg1, &error);
  g_assert_no_error (error);

  /* The joiner finds out, and still has message 3 for the inviter. */
  msg3 = pu_pake_joiner_finish (pair.joiner, msg2, &confirmed, &error);
  g_assert_nonnull (msg3);
  g_assert_false (confirmed);
  g_assert_error (error, PU_ERROR, PU_ERROR_PAIRING);
  g_assert_cmpstr (error->message, ==, MISMATCH);
  g_clear_error (&error);
  g_assert_false (pu_pake_is_confirmed (pair.joiner));

  /* …so the inviter finds out by itself. */
  g_assert_false (pu_pake_inviter_finish (pair.inviter, msg3, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PAIRING);
  g_assert_cmpstr (error->message, ==, MISMATCH);
  g_assert_false (pu_pake_is_confirmed (pair.inviter));
  pair_clear (&pair);
}

static void
test_wrong_code (void)
{
  run_wrong (right_code, wrong_code, JOINER);
  run_wrong (wrong_code, right_code, JOINER);
}

/* Both peer IDs are in the transcript: the right code with another joiner
 * than the inviter expects fails too. */
static void
test_wrong_peer (void)
{
  run_wrong (right_code, right_code, INVITER);
}

static void
test_tampered (void)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) msg1 = NULL;
  g_autoptr(GBytes) msg2 = NULL;
  g_autoptr(GBytes) bad2 = NULL;
  g_autoptr(GBytes) msg3 = NULL;
  g_autoptr(GBytes) payload = text_bytes ("payload");
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) bad_sealed = NULL;
  g_autoptr(GBytes) truncated = NULL;
  guint8 buf[PU_PAKE_MSG2_LEN];
  guint8 *copy;
  gsize len;
  gboolean confirmed = FALSE;

  /* A changed tag in message 2. */
  pair_init (&pair, right_code, right_code, JOINER);
  msg1 = pu_pake_joiner_start (pair.joiner);
  msg2 = pu_pake_inviter_respond (pair.inviter, msg1, &error);
  g_assert_no_error (error);
  memcpy (buf, g_bytes_get_data (msg2, NULL), sizeof buf);
  buf[PU_PAKE_MSG2_LEN - 1] ^= 1;
  bad2 = g_bytes_new (buf, sizeof buf);
  msg3 = pu_pake_joiner_finish (pair.joiner, bad2, &confirmed, &error);
  g_assert_false (confirmed);
  g_assert_error (error, PU_ERROR, PU_ERROR_PAIRING);
  pair_clear (&pair);
  g_clear_error (&error);
  g_clear_pointer (&msg1, g_bytes_unref);
  g_clear_pointer (&msg2, g_bytes_unref);
  g_clear_pointer (&msg3, g_bytes_unref);

  /* A changed sealed message, and a cut one. */
  pair_init (&pair, right_code, right_code, JOINER);
  msg1 = pu_pake_joiner_start (pair.joiner);
  msg2 = pu_pake_inviter_respond (pair.inviter, msg1, &error);
  msg3 = pu_pake_joiner_finish (pair.joiner, msg2, &confirmed, &error);
  g_assert_true (pu_pake_inviter_finish (pair.inviter, msg3, &error));
  g_assert_no_error (error);
  sealed = pu_pake_seal (pair.joiner, payload);
  copy = g_bytes_unref_to_data (g_bytes_ref (sealed), &len);
  copy[0] ^= 0x80;
  bad_sealed = g_bytes_new_take (copy, len);
  g_assert_null (pu_pake_open (pair.inviter, bad_sealed, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PAIRING);
  g_assert_nonnull (strstr (error->message, "changed on the way"));
  g_clear_error (&error);
  truncated = g_bytes_new_from_bytes (sealed, 0, 10);
  g_assert_null (pu_pake_open (pair.inviter, truncated, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_clear_error (&error);
  /* The real one still opens: a refused message does not use up a nonce. */
  assert_opens_to (pair.inviter, sealed, "payload");
  pair_clear (&pair);
}

static void
test_malformed (void)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) short1 = g_bytes_new ("abc", 3);
  g_autoptr(GBytes) identity1 = NULL;
  guint8 zeros[PU_PAKE_MSG1_LEN] = { 0 };

  pair_init (&pair, right_code, right_code, JOINER);
  g_assert_null (pu_pake_inviter_respond (pair.inviter, short1, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  pair_clear (&pair);
  g_clear_error (&error);

  /* The identity element is not a valid share. */
  pair_init (&pair, right_code, right_code, JOINER);
  identity1 = g_bytes_new (zeros, sizeof zeros);
  g_assert_null (pu_pake_inviter_respond (pair.inviter, identity1, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  pair_clear (&pair);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pake/right-code", test_right_code);
  g_test_add_func ("/pake/wrong-code", test_wrong_code);
  g_test_add_func ("/pake/wrong-peer", test_wrong_peer);
  g_test_add_func ("/pake/tampered", test_tampered);
  g_test_add_func ("/pake/malformed", test_malformed);

  return g_test_run ();
}
