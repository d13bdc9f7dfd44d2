/* pu-certificate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-certificate.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

struct _PuCertificate
{
  GObject           parent_instance;

  PuPeerId          peer_id;
  gnutls_x509_crt_t crt;
  gnutls_privkey_t  key;
  GTlsCertificate  *tls_certificate;
};

G_DEFINE_FINAL_TYPE (PuCertificate, pu_certificate, G_TYPE_OBJECT)

/* Self-signed, so a long validity costs nothing; peers check the key only. */
#define VALIDITY_SECONDS (10 * 365 * 24 * 3600)

static gboolean
gnutls_failed (GError     **error,
               const char  *what,
               int          ret)
{
  g_set_error (error, PU_ERROR, PU_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static void
pu_certificate_finalize (GObject *object)
{
  PuCertificate *self = (PuCertificate *) object;

  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&self->key, gnutls_privkey_deinit);

  G_OBJECT_CLASS (pu_certificate_parent_class)->finalize (object);
}

static void
pu_certificate_class_init (PuCertificateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_certificate_finalize;
}

static void
pu_certificate_init (PuCertificate *self)
{
}

static gboolean
import_key (PuCertificate  *self,
            PuIdentity     *identity,
            GError        **error)
{
  g_autoptr(GBytes) bytes = pu_identity_to_bytes (identity);
  gsize len;
  const guint8 *raw = g_bytes_get_data (bytes, &len);
  gnutls_datum_t seed, pub;
  int ret;

  /* 08 01 12 40 | 32-byte seed | 32-byte public key */
  g_assert (len == PU_IDENTITY_KEY_FILE_LEN);
  seed.data = (unsigned char *) raw + 4;
  seed.size = 32;
  pub.data = (unsigned char *) raw + 36;
  pub.size = 32;

  if ((ret = gnutls_privkey_init (&self->key)) < 0 ||
      (ret = gnutls_privkey_import_ecc_raw (self->key, GNUTLS_ECC_CURVE_ED25519,
                                            &pub, NULL, &seed)) < 0)
    return gnutls_failed (error, _("Could not load the identity key into GnuTLS"), ret);

  return TRUE;
}

static gboolean
make_certificate (PuCertificate  *self,
                  GError        **error)
{
  g_autofree char *cn = pu_peer_id_to_string (&self->peer_id);
  gnutls_pubkey_t pubkey = NULL;
  guint8 serial[16];
  time_t now = time (NULL);
  int ret;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;  /* positive INTEGER */

  if ((ret = gnutls_x509_crt_init (&self->crt)) < 0 ||
      (ret = gnutls_pubkey_init (&pubkey)) < 0 ||
      (ret = gnutls_pubkey_import_privkey (pubkey, self->key, 0, 0)) < 0 ||
      (ret = gnutls_x509_crt_set_pubkey (self->crt, pubkey)) < 0 ||
      (ret = gnutls_x509_crt_set_version (self->crt, 3)) < 0 ||
      (ret = gnutls_x509_crt_set_serial (self->crt, serial, sizeof serial)) < 0 ||
      (ret = gnutls_x509_crt_set_activation_time (self->crt, now - 3600)) < 0 ||
      (ret = gnutls_x509_crt_set_expiration_time (self->crt, now + VALIDITY_SECONDS)) < 0 ||
      (ret = gnutls_x509_crt_set_dn_by_oid (self->crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                            cn, strlen (cn))) < 0 ||
      (ret = gnutls_x509_crt_set_basic_constraints (self->crt, 0, -1)) < 0 ||
      (ret = gnutls_x509_crt_privkey_sign (self->crt, self->crt, self->key,
                                           GNUTLS_DIG_UNKNOWN, 0)) < 0)
    {
      g_clear_pointer (&pubkey, gnutls_pubkey_deinit);
      return gnutls_failed (error, _("Could not make the TLS certificate"), ret);
    }

  gnutls_pubkey_deinit (pubkey);
  return TRUE;
}

static gboolean
make_tls_certificate (PuCertificate  *self,
                      GError        **error)
{
  gnutls_x509_privkey_t x509_key = NULL;
  gnutls_datum_t crt_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  g_autofree char *pem = NULL;
  int ret;

  if ((ret = gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &crt_pem)) < 0 ||
      (ret = gnutls_privkey_export_x509 (self->key, &x509_key)) < 0 ||
      (ret = gnutls_x509_privkey_export2_pkcs8 (x509_key, GNUTLS_X509_FMT_PEM, NULL,
                                                GNUTLS_PKCS_PLAIN, &key_pem)) < 0)
    {
      gnutls_free (crt_pem.data);
      g_clear_pointer (&x509_key, gnutls_x509_privkey_deinit);
      return gnutls_failed (error, _("Could not export the TLS certificate"), ret);
    }

  pem = g_strdup_printf ("%.*s%.*s", (int) crt_pem.size, crt_pem.data,
                         (int) key_pem.size, key_pem.data);
  gnutls_memset (key_pem.data, 0, key_pem.size);
  gnutls_free (key_pem.data);
  gnutls_free (crt_pem.data);
  gnutls_x509_privkey_deinit (x509_key);

  self->tls_certificate = g_tls_certificate_new_from_pem (pem, -1, error);
  gnutls_memset (pem, 0, strlen (pem));
  return self->tls_certificate != NULL;
}

PuCertificate *
pu_certificate_new (PuIdentity  *identity,
                    GError     **error)
{
  g_autoptr(PuCertificate) self = NULL;

  g_return_val_if_fail (PU_IS_IDENTITY (identity), NULL);

  self = g_object_new (PU_TYPE_CERTIFICATE, NULL);
  self->peer_id = *pu_identity_get_peer_id (identity);

  if (!import_key (self, identity, error) ||
      !make_certificate (self, error) ||
      !make_tls_certificate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

GTlsCertificate *
pu_certificate_get_tls_certificate (PuCertificate *self)
{
  g_return_val_if_fail (PU_IS_CERTIFICATE (self), NULL);

  return self->tls_certificate;
}

gboolean
pu_certificate_add_to_credentials (PuCertificate                     *self,
                                   gnutls_certificate_credentials_t   cred,
                                   GError                           **error)
{
  gnutls_x509_privkey_t x509_key = NULL;
  int ret;

  g_return_val_if_fail (PU_IS_CERTIFICATE (self), FALSE);

  /* The credentials keep copies of both. */
  if ((ret = gnutls_privkey_export_x509 (self->key, &x509_key)) < 0 ||
      (ret = gnutls_certificate_set_x509_key (cred, &self->crt, 1, x509_key)) < 0)
    {
      g_clear_pointer (&x509_key, gnutls_x509_privkey_deinit);
      return gnutls_failed (error, _("Could not use the TLS certificate"), ret);
    }

  gnutls_x509_privkey_deinit (x509_key);
  return TRUE;
}

const PuPeerId *
pu_certificate_get_peer_id (PuCertificate *self)
{
  g_return_val_if_fail (PU_IS_CERTIFICATE (self), NULL);

  return &self->peer_id;
}

gboolean
pu_certificate_peer_id_from_der (const guint8  *der,
                                 gsize          len,
                                 PuPeerId      *out,
                                 GError       **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gnutls_datum_t x = { NULL, 0 };
  gnutls_ecc_curve_t curve;
  gboolean ok = FALSE;
  int ret;

  g_return_val_if_fail (der != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (len == 0 || len > PU_CERTIFICATE_MAX_DER)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer's certificate has an invalid size (%zu bytes)"), len);
      return FALSE;
    }

  datum.data = (unsigned char *) der;
  datum.size = (unsigned int) len;
  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)) < 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer's certificate is malformed: %s"), gnutls_strerror (ret));
      goto out;
    }

  if (gnutls_x509_crt_get_pk_algorithm (crt, NULL) != GNUTLS_PK_EDDSA_ED25519 ||
      gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, &x, NULL) < 0 ||
      curve != GNUTLS_ECC_CURVE_ED25519 || x.size != PU_PUBKEY_LEN)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                           _("The peer's certificate does not carry an Ed25519 identity key"));
      goto out;
    }

  pu_peer_id_from_pubkey (x.data, out);
  ok = TRUE;

out:
  gnutls_free (x.data);
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  return ok;
}

gboolean
pu_certificate_peer_id_from_session (gnutls_session_t   session,
                                     PuPeerId          *out,
                                     GError           **error)
{
  const gnutls_datum_t *certs;
  unsigned int n = 0;

  g_return_val_if_fail (session != NULL, FALSE);

  certs = gnutls_certificate_get_peers (session, &n);
  if (certs == NULL || n == 0)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                           _("The peer presented no certificate"));
      return FALSE;
    }

  return pu_certificate_peer_id_from_der (certs[0].data, certs[0].size, out, error);
}
