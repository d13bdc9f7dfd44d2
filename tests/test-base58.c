/* test-base58.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-base58.h"
#include "pu-error.h"

static void
test_known_answers (void)
{
  /* Vectors from the base58 draft (draft-msporny-base58). */
  static const struct { const char *plain; const char *enc; } vectors[] = {
    { "Hello World!", "2NEpo7TZRRrLZSi2U" },
    { "The quick brown fox jumps over the lazy dog.",
      "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *enc = pu_base58_encode ((const guint8 *) vectors[i].plain,
                                               strlen (vectors[i].plain));
      g_autoptr(GBytes) dec = pu_base58_decode (vectors[i].enc, 256, NULL);

      g_assert_cmpstr (enc, ==, vectors[i].enc);
      g_assert_nonnull (dec);
      g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec),
                       vectors[i].plain, strlen (vectors[i].plain));
    }
}

static void
test_leading_zeros (void)
{
  static const guint8 data[] = { 0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd };
  g_autofree char *enc = pu_base58_encode (data, sizeof data);
  g_autoptr(GBytes) dec = pu_base58_decode ("11233QC4", 16, NULL);

  g_assert_cmpstr (enc, ==, "11233QC4");
  g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec), data, sizeof data);
}

static void
test_bad_input (void)
{
  static const char *bad[] = { "", "0", "O", "I", "l", "abc+", "12 3", "é" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) dec = pu_base58_decode (bad[i], 64, &error);

      g_assert_null (dec);
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_bounded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (100000, 'z');
  g_autoptr(GBytes) dec = pu_base58_decode (huge, 64, &error);
  g_autoptr(GBytes) just_over = NULL;

  g_assert_null (dec);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* 3 bytes of 0xff need 5 digits; a 2-byte bound must refuse them. */
  just_over = pu_base58_decode ("2UzHL", 2, &error);
  g_assert_null (just_over);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/base58/known-answers", test_known_answers);
  g_test_add_func ("/base58/leading-zeros", test_leading_zeros);
  g_test_add_func ("/base58/bad-input", test_bad_input);
  g_test_add_func ("/base58/bounded", test_bounded);

  return g_test_run ();
}
