/* test-peer-id.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-peer-id.h"

/* libp2p peer-ids specification, "Test vectors": the Ed25519 public key
 * 080112201ed1e8fa…e27e. The zero-seed key is the one of the libp2p HTTP
 * peer-ID-auth vectors. */
static const struct {
  const char *pubkey_hex;
  const char *peer_id;
  const char *cid;
} vectors[] = {
  { "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
    "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
    "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6" },
  { "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
    "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
    NULL },
};

static void
hex_decode (const char *hex,
            guint8     *out,
            gsize       len)
{
  g_assert_cmpuint (strlen (hex), ==, len * 2);
  for (gsize i = 0; i < len; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
}

static void
test_known_answers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      guint8 pubkey[PU_PUBKEY_LEN];
      PuPeerId id, parsed;
      g_autofree char *text = NULL;

      hex_decode (vectors[i].pubkey_hex, pubkey, sizeof pubkey);
      pu_peer_id_from_pubkey (pubkey, &id);
      text = pu_peer_id_to_string (&id);
      g_assert_cmpstr (text, ==, vectors[i].peer_id);

      g_assert_true (pu_peer_id_parse (vectors[i].peer_id, &parsed, NULL));
      g_assert_true (pu_peer_id_equal (&id, &parsed));
      g_assert_cmpuint (pu_peer_id_hash (&id), ==, pu_peer_id_hash (&parsed));

      if (vectors[i].cid != NULL)
        {
          PuPeerId from_cid;

          g_assert_true (pu_peer_id_parse (vectors[i].cid, &from_cid, NULL));
          g_assert_true (pu_peer_id_equal (&id, &from_cid));
        }
    }
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < 200; i++)
    {
      guint8 pubkey[PU_PUBKEY_LEN];
      PuPeerId id, back;
      g_autofree char *text = NULL;

      for (guint j = 0; j < PU_PUBKEY_LEN; j++)
        pubkey[j] = (guint8) g_test_rand_int_range (0, 256);
      pu_peer_id_from_pubkey (pubkey, &id);
      text = pu_peer_id_to_string (&id);
      g_assert_true (g_str_has_prefix (text, "12D3KooW"));
      g_assert_true (pu_peer_id_parse (text, &back, NULL));
      g_assert_cmpmem (back.pubkey, PU_PUBKEY_LEN, pubkey, PU_PUBKEY_LEN);
    }
}

static void
test_short (void)
{
  PuPeerId id;
  g_autofree char *text = NULL;

  g_assert_true (pu_peer_id_parse (vectors[0].peer_id, &id, NULL));
  text = pu_peer_id_to_short (&id);
  g_assert_cmpstr (text, ==, "12D3KooW…o7R3pq");
}

static void
test_bad (void)
{
  static const struct { const char *text; const char *reason; } bad[] = {
    { "", "empty" },
    { "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p", "Ed25519" },  /* truncated */
    { "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pqq", "Ed25519" }, /* extra char */
    { "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p0", "not a base58" },
    { "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq\n", "not a base58" },
    { "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "RSA" },
    { "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt", "base32" },
    { "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "libp2p-key" },
    { "B" "AFZAAJAIAEJCAHWR5D5OFRFBIS4L5D6UWR57HU5TJODRYPFM6YAQ6DSC2R2PZYT6", "not a base58" },
    { "home", "Ed25519" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      PuPeerId id;

      g_assert_false (pu_peer_id_parse (bad[i].text, &id, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "Invalid peer ID"));
      if (strstr (error->message, bad[i].reason) == NULL)
        g_error ("'%s': expected '%s' in '%s'", bad[i].text, bad[i].reason, error->message);
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_too_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (1 << 20, '2');
  PuPeerId id;

  g_assert_false (pu_peer_id_parse (huge, &id, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "too long"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer-id/known-answers", test_known_answers);
  g_test_add_func ("/peer-id/round-trip", test_round_trip);
  g_test_add_func ("/peer-id/short", test_short);
  g_test_add_func ("/peer-id/bad", test_bad);
  g_test_add_func ("/peer-id/too-long", test_too_long);

  return g_test_run ();
}
