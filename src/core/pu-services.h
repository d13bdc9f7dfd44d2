/* pu-services.h — changing the services a device exposes
 *
 * The one place that adds, removes, enables, disables and restricts
 * services: `peerup service`, the control API and the desktop app all call
 * these. Each checks its input and saves config.ini (atomically) before it
 * changes @config: on an error neither changed. A serving node applies the
 * change to the next stream at once; other processes see it through their
 * profile's ::config-changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-config.h"

G_BEGIN_DECLS

/* Peers one service may name in allowed=. */
#define PU_SERVICES_MAX_ALLOWED 256

/* @allowed (nullable, may be empty): peers (names or IDs) that may use it;
 * none means every authorized peer. Each must resolve, so a typo does not
 * lock the service silently. PU_ERROR_EXISTS for a name in use. */
gboolean pu_services_add         (PuConfig            *config,
                                  const char          *name,
                                  const char          *address,
                                  const char * const  *allowed,
                                  GError             **error);
gboolean pu_services_remove      (PuConfig            *config,
                                  const char          *name,
                                  GError             **error);
gboolean pu_services_set_enabled (PuConfig            *config,
                                  const char          *name,
                                  gboolean             enabled,
                                  GError             **error);
gboolean pu_services_set_allowed (PuConfig            *config,
                                  const char          *name,
                                  const char * const  *allowed,
                                  GError             **error);

G_END_DECLS
