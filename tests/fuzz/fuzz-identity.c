/* fuzz-identity.c — identity key file parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-identity.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PuIdentity) identity = pu_identity_new_from_bytes (data, size, NULL);
  g_autoptr(GBytes) bytes = NULL;
  guint8 sig[PU_SIGNATURE_LEN];

  if (identity == NULL)
    return 0;

  /* Whatever loads is the key it was given (old 96-byte keys come back in
   * the 68-byte form: same seed and public key), and is a working key pair. */
  bytes = pu_identity_to_bytes (identity);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, PU_IDENTITY_KEY_FILE_LEN);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (bytes, NULL) + 4,
                   PU_IDENTITY_KEY_FILE_LEN - 4, data + 4, PU_IDENTITY_KEY_FILE_LEN - 4);
  if (size == PU_IDENTITY_KEY_FILE_LEN)
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, size);

  pu_identity_sign (identity, data, size, sig);
  g_assert_true (pu_identity_verify (pu_identity_get_peer_id (identity), data, size, sig));
  return 0;
}
