/* pu-application.h — the desktop application: one instance, one device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-profile.h"

G_BEGIN_DECLS

#define PU_TYPE_APPLICATION (pu_application_get_type ())
G_DECLARE_FINAL_TYPE (PuApplication, pu_application, PU, APPLICATION, AdwApplication)

PuApplication *pu_application_new               (void);
/* The config.ini this instance uses; NULL means the default path. */
const char    *pu_application_get_config_path   (PuApplication  *self);
/* Opens this device, setting it up first (like `peerup init`) if it never
 * was. On failure the previous profile is dropped and the error is kept for
 * pu_application_get_profile_error(). Notifies :profile either way. */
gboolean       pu_application_load_profile      (PuApplication  *self,
                                                 GError        **error);
/* (nullable): NULL until loaded, or when loading failed. */
PuProfile     *pu_application_get_profile       (PuApplication  *self);
/* (nullable): why the last load failed. */
const GError  *pu_application_get_profile_error (PuApplication  *self);

G_END_DECLS
