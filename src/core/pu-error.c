/* pu-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-error.h"

#include <gio/gio.h>

/* Over D-Bus each code travels as a named error, and a GError comes back out
 * on the client in the same domain with the same code. */
static const GDBusErrorEntry dbus_errors[] = {
  { PU_ERROR_FAILED, PU_ERROR_DBUS_PREFIX "Failed" },
  { PU_ERROR_INVALID_ARGUMENT, PU_ERROR_DBUS_PREFIX "InvalidArgument" },
  { PU_ERROR_PARSE, PU_ERROR_DBUS_PREFIX "Parse" },
  { PU_ERROR_PERMISSIONS, PU_ERROR_DBUS_PREFIX "Permissions" },
  { PU_ERROR_NOT_FOUND, PU_ERROR_DBUS_PREFIX "NotFound" },
  { PU_ERROR_EXISTS, PU_ERROR_DBUS_PREFIX "Exists" },
  { PU_ERROR_VERSION, PU_ERROR_DBUS_PREFIX "Version" },
  { PU_ERROR_IO, PU_ERROR_DBUS_PREFIX "Io" },
  { PU_ERROR_TOO_LARGE, PU_ERROR_DBUS_PREFIX "TooLarge" },
  { PU_ERROR_PAIRING, PU_ERROR_DBUS_PREFIX "Pairing" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (dbus_errors) == PU_ERROR_PAIRING + 1);

GQuark
pu_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("pu-error-quark", &quark, dbus_errors,
                                      G_N_ELEMENTS (dbus_errors));
  return (GQuark) quark;
}
