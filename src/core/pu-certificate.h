/* pu-certificate.h — a self-signed X.509 certificate carrying an identity key
 *
 * Made at start-up from the device's (or relay's) Ed25519 identity, so the
 * TLS peer proves it holds the key behind its peer ID: the peer ID is read
 * back from the certificate's public key, never from its names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "pu-identity.h"

G_BEGIN_DECLS

/* Peer certificates larger than this are refused before parsing. */
#define PU_CERTIFICATE_MAX_DER 16384

#define PU_TYPE_CERTIFICATE (pu_certificate_get_type ())
G_DECLARE_FINAL_TYPE (PuCertificate, pu_certificate, PU, CERTIFICATE, GObject)

PuCertificate   *pu_certificate_new                  (PuIdentity                       *identity,
                                                      GError                          **error);
/* For GIO/libsoup TLS (the relay's HTTPS/WebSocket endpoint). */
GTlsCertificate *pu_certificate_get_tls_certificate  (PuCertificate                    *self);
/* For GnuTLS sessions used directly (QUIC). */
gboolean         pu_certificate_add_to_credentials   (PuCertificate                    *self,
                                                      gnutls_certificate_credentials_t  cred,
                                                      GError                          **error);
const PuPeerId  *pu_certificate_get_peer_id          (PuCertificate                    *self);

/* The peer ID whose Ed25519 key a DER certificate carries. */
gboolean         pu_certificate_peer_id_from_der     (const guint8                     *der,
                                                      gsize                             len,
                                                      PuPeerId                         *out,
                                                      GError                          **error);
/* The same for the certificate the remote end of @session presented. */
gboolean         pu_certificate_peer_id_from_session (gnutls_session_t                  session,
                                                      PuPeerId                         *out,
                                                      GError                          **error);

G_END_DECLS
