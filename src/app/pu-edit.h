/* pu-edit.h — changes the app makes to a device's files
 *
 * config.ini is changed on a fresh copy read from disk and saved atomically
 * (services through pu-services.h, like the CLI and the control API), then
 * read again by the profile, so that the node, the window and any other
 * process see the change the same way (::config-changed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-profile.h"

G_BEGIN_DECLS

/* Changes @config and saves it. */
typedef gboolean (*PuEditFunc) (PuConfig  *config,
                                gpointer   data,
                                GError   **error);

gboolean pu_edit_config              (PuProfile      *profile,
                                      PuEditFunc      edit,
                                      gpointer        data,
                                      GError        **error);
/* Removes @peer's authorized_keys line and every name pointing at it. */
gboolean pu_edit_forget_peer         (PuProfile      *profile,
                                      const PuPeerId *peer,
                                      GError        **error);
/* Names @peer @name instead of the names it had. */
gboolean pu_edit_rename_peer         (PuProfile      *profile,
                                      const PuPeerId *peer,
                                      const char     *name,
                                      GError        **error);
gboolean pu_edit_set_service_enabled (PuProfile      *profile,
                                      const char     *service,
                                      gboolean        enabled,
                                      GError        **error);
gboolean pu_edit_add_service         (PuProfile      *profile,
                                      const char     *service,
                                      const char     *address,
                                      GError        **error);
/* @allowed (nullable, may be empty): every authorized device. */
gboolean pu_edit_set_service_allowed (PuProfile      *profile,
                                      const char     *service,
                                      const char * const *allowed,
                                      GError        **error);
gboolean pu_edit_remove_service      (PuProfile      *profile,
                                      const char     *service,
                                      GError        **error);
gboolean pu_edit_set_device_name     (PuProfile      *profile,
                                      const char     *name,
                                      GError        **error);
/* @address: any form pu_relay_addr_parse() takes, pinned to its peer ID. */
gboolean pu_edit_add_relay           (PuProfile      *profile,
                                      const char     *address,
                                      GError        **error);

G_END_DECLS
