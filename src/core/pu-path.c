/* pu-path.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-path.h"

G_DEFINE_INTERFACE (PuPath, pu_path, G_TYPE_OBJECT)

static void
pu_path_default_init (PuPathInterface *iface)
{
}

gboolean
pu_path_send (PuPath           *self,
              const PuDatagram *datagrams,
              guint             n_datagrams)
{
  g_return_val_if_fail (PU_IS_PATH (self), FALSE);
  g_return_val_if_fail (datagrams != NULL || n_datagrams == 0, FALSE);

  return PU_PATH_GET_IFACE (self)->send (self, datagrams, n_datagrams);
}

PuPathKind
pu_path_get_kind (PuPath *self)
{
  g_return_val_if_fail (PU_IS_PATH (self), PU_PATH_KIND_RELAYED);

  return PU_PATH_GET_IFACE (self)->get_kind (self);
}

gsize
pu_path_get_max_datagram_size (PuPath *self)
{
  g_return_val_if_fail (PU_IS_PATH (self), 0);

  return PU_PATH_GET_IFACE (self)->get_max_datagram_size (self);
}

char *
pu_path_describe (PuPath *self)
{
  g_return_val_if_fail (PU_IS_PATH (self), NULL);

  return PU_PATH_GET_IFACE (self)->describe (self);
}

const char *
pu_path_kind_to_string (PuPathKind kind)
{
  switch (kind)
    {
    case PU_PATH_KIND_RELAYED:
      return "relayed";
    case PU_PATH_KIND_DIRECT:
      return "direct";
    default:
      g_return_val_if_reached ("relayed");
    }
}
