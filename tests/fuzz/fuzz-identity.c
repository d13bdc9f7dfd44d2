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

  /* Whatever loads is exactly the key it was given, and is a working key pair. */
  bytes = pu_identity_to_bytes (identity);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, size);

  pu_identity_sign (identity, data, size, sig);
  g_assert_true (pu_identity_verify (pu_identity_get_peer_id (identity), data, size, sig));
  return 0;
}
