/* test-certificate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <string.h>

#include "pu-certificate.h"
#include "pu-error.h"

static GByteArray *
certificate_der (PuCertificate *cert)
{
  GByteArray *der = NULL;

  g_object_get (pu_certificate_get_tls_certificate (cert), "certificate", &der, NULL);
  g_assert_nonnull (der);
  return der;
}

static void
test_peer_id_round_trip (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PuCertificate) cert = pu_certificate_new (identity, &error);
  g_autoptr(GByteArray) der = NULL;
  PuPeerId from_der;

  g_assert_no_error (error);
  g_assert_true (pu_peer_id_equal (pu_certificate_get_peer_id (cert),
                                   pu_identity_get_peer_id (identity)));

  der = certificate_der (cert);
  g_assert_true (pu_certificate_peer_id_from_der (der->data, der->len, &from_der, &error));
  g_assert_no_error (error);
  g_assert_true (pu_peer_id_equal (&from_der, pu_identity_get_peer_id (identity)));
}

static void
test_credentials (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(PuCertificate) cert = pu_certificate_new (identity, NULL);
  gnutls_certificate_credentials_t cred;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gnutls_certificate_allocate_credentials (&cred), ==, 0);
  g_assert_true (pu_certificate_add_to_credentials (cert, cred, &error));
  g_assert_no_error (error);
  gnutls_certificate_free_credentials (cred);
}

static void
test_bad_der (void)
{
  static const guint8 garbage[] = { 0x30, 0x82, 0x01, 0x00, 0x01, 0x02 };
  g_autofree guint8 *huge = g_malloc0 (PU_CERTIFICATE_MAX_DER + 1);
  g_autoptr(GError) error = NULL;
  PuPeerId id;

  g_assert_false (pu_certificate_peer_id_from_der (garbage, sizeof garbage, &id, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "malformed"));
  g_clear_error (&error);

  g_assert_false (pu_certificate_peer_id_from_der (huge, PU_CERTIFICATE_MAX_DER + 1, &id, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_false (pu_certificate_peer_id_from_der (garbage, 0, &id, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
}

static void
test_not_ed25519 (void)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  PuPeerId id;

  /* A well-formed certificate with an ECDSA key is not an identity. */
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                                 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, "\x01", 1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, time (NULL)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, time (NULL) + 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);

  g_assert_false (pu_certificate_peer_id_from_der (der.data, der.size, &id, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Ed25519"));

  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/certificate/peer-id-round-trip", test_peer_id_round_trip);
  g_test_add_func ("/certificate/credentials", test_credentials);
  g_test_add_func ("/certificate/bad-der", test_bad_der);
  g_test_add_func ("/certificate/not-ed25519", test_not_ed25519);

  return g_test_run ();
}
