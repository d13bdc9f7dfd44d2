/* pu-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-service.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-relay-addr-private.h"

G_DEFINE_BOXED_TYPE (PuService, pu_service, pu_service_copy, pu_service_free)

static gboolean
invalid_address (GError     **error,
                 const char  *name,
                 const char  *address,
                 const char  *reason)
{
  g_autofree char *shown = pu_label_escape (address, PU_LABEL_ECHO_MAX);

  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid address \"%s\" for service \"%s\": %s (expected e.g. 127.0.0.1:22, "
                 "[::1]:8080 or localhost:3000)"),
               shown, name, reason);
  return FALSE;
}

PuService *
pu_service_new (const char  *name,
                const char  *address,
                GError     **error)
{
  g_autoptr(PuService) service = NULL;
  g_autofree char *host = NULL;
  const char *reason = NULL;
  gboolean bracketed;
  guint16 port;
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;

  g_return_val_if_fail (address != NULL, NULL);

  if (!pu_label_validate (name, _("service name"), error))
    return NULL;

  service = g_new0 (PuService, 1);
  service->name = g_strdup (name);
  service->enabled = TRUE;
  service->allowed = g_new0 (char *, 1);

  /* The longest valid form is "[" + IPv6 + "]:65535"; anything much longer is not an address. */
  if (strnlen (address, 128) == 128)
    {
      invalid_address (error, name, address, _("it is too long"));
      return NULL;
    }
  if (!_pu_host_port_split (address, &host, &port, &bracketed, &reason))
    {
      invalid_address (error, name, address, reason);
      return NULL;
    }
  if (port == 0)
    {
      invalid_address (error, name, address, _("the port is missing"));
      return NULL;
    }

  service->port = port;
  if (!bracketed && g_str_equal (host, "localhost"))
    service->host = g_steal_pointer (&host);
  else
    service->host = _pu_ip_canonical (host, &family);

  if (service->host == NULL || (bracketed && family != G_SOCKET_FAMILY_IPV6))
    {
      invalid_address (error, name, address,
                       _("the host must be an IP address or localhost"));
      return NULL;
    }

  return g_steal_pointer (&service);
}

PuService *
pu_service_copy (const PuService *service)
{
  PuService *copy;

  g_return_val_if_fail (service != NULL, NULL);

  copy = g_new0 (PuService, 1);
  copy->name = g_strdup (service->name);
  copy->host = g_strdup (service->host);
  copy->port = service->port;
  copy->enabled = service->enabled;
  copy->allowed = g_strdupv (service->allowed);
  return copy;
}

void
pu_service_free (PuService *service)
{
  if (service == NULL)
    return;
  g_free (service->name);
  g_free (service->host);
  g_strfreev (service->allowed);
  g_free (service);
}

char *
pu_service_get_address (const PuService *service)
{
  g_return_val_if_fail (service != NULL && service->host != NULL, NULL);

  return _pu_host_port_format (service->host, service->port);
}
