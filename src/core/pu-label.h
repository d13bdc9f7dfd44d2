/* pu-label.h — DNS-label names (services, peers, networks, this device)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_LABEL_MAX_LEN 63
/* How much of an untrusted string an error message echoes. */
#define PU_LABEL_ECHO_MAX 64

/* 1–63 of [a-z0-9-], not starting or ending with '-'. @what names the thing
 * in the error ("service name", "peer name"…). */
gboolean pu_label_validate (const char  *label,
                            const char  *what,
                            GError     **error);
/* The same check without an error, on the first @len bytes of @text (-1: up
 * to the NUL), for the labels of a host name. */
gboolean pu_label_is_valid (const char  *text,
                            gssize       len);
/* @text made safe to echo in a one-line message: non-printable characters,
 * quotes, backslashes and invalid UTF-8 are escaped, and it is cut after
 * @max_chars characters ("…"). Reads only as far as it echoes. */
char    *pu_label_escape   (const char  *text,
                            gsize        max_chars);

G_END_DECLS
