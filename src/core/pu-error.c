/* pu-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-error.h"

G_DEFINE_QUARK (pu-error-quark, pu_error)
