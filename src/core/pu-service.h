/* pu-service.h — a local TCP service this device may expose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PU_TYPE_SERVICE (pu_service_get_type ())

typedef struct {
  char     *name;      /* DNS label */
  char     *host;      /* where the service listens, e.g. "127.0.0.1" */
  guint16   port;
  gboolean  enabled;
  GStrv     allowed;   /* peer names or IDs; empty = every authorized peer */
} PuService;

GType      pu_service_get_type (void) G_GNUC_CONST;
/* Validates the name (DNS label) and "host:port" / "[v6]:port" address. */
PuService *pu_service_new      (const char       *name,
                                const char       *address,
                                GError          **error);
PuService *pu_service_copy     (const PuService  *service);
void       pu_service_free     (PuService        *service);
/* "127.0.0.1:22", "[::1]:8080" */
char      *pu_service_get_address (const PuService *service);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PuService, pu_service_free)

G_END_DECLS
