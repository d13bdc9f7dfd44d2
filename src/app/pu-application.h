/* pu-application.h — the desktop application: one instance, one device
 *
 * The application runs the device's core in its own process: a serving node
 * started with the application (and restarted when the relays change), whose
 * control API (dev.peerup.PeerUp1) listens on the device's private socket
 * and is exported on the application's own D-Bus connection.
 *
 * Actions, also used by the tray and notifications:
 *   app.show-window        app.add-device        app.show-peer (s: peer ID)
 *   app.pause (b state: the node is stopped)      app.preferences
 *   app.quit               app.about              app.help
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-forwards.h"
#include "pu-node.h"
#include "pu-profile.h"
#include "pu-relay-host.h"

G_BEGIN_DECLS

#define PU_TYPE_APPLICATION (pu_application_get_type ())
G_DECLARE_FINAL_TYPE (PuApplication, pu_application, PU, APPLICATION, AdwApplication)

PuApplication *pu_application_new               (void);
/* The config.ini this instance uses; NULL means the default path. */
const char    *pu_application_get_config_path   (PuApplication  *self);
/* Opens this device. A device never set up is no error: the profile stays
 * NULL and pu_application_needs_setup() is TRUE. On failure the previous
 * profile is dropped and the error is kept for
 * pu_application_get_profile_error(). Notifies :profile either way. */
gboolean       pu_application_load_profile      (PuApplication  *self,
                                                 GError        **error);
/* First run: makes the identity and config (like `peerup init`) with @name
 * and @relay (nullable) and opens the device. */
gboolean       pu_application_set_up            (PuApplication  *self,
                                                 const char     *name,
                                                 const char     *relay,
                                                 GError        **error);
gboolean       pu_application_needs_setup       (PuApplication  *self);
/* (nullable): NULL until loaded, or when loading failed. */
PuProfile     *pu_application_get_profile       (PuApplication  *self);
/* (nullable): why the last load failed. */
const GError  *pu_application_get_profile_error (PuApplication  *self);
/* (nullable): the running node; NULL while paused, before the device is set
 * up, or when it could not start (pu_application_get_node_error()).
 * Notifies :node when it changes. */
PuNode        *pu_application_get_node          (PuApplication  *self);
const GError  *pu_application_get_node_error    (PuApplication  *self);
/* (nullable): the running node's local forwards ("Connect to Service…"),
 * made and closed with the node; :node tells when it changes. */
PuForwards    *pu_application_get_forwards      (PuApplication  *self);
/* When the node last saw a connection with @peer come or go (Unix
 * seconds), 0 if it never did. */
gint64         pu_application_get_last_seen     (PuApplication  *self,
                                                 const PuPeerId *peer);
/* The private socket the control API listens on (NULL when not). */
const char    *pu_application_get_socket_path   (PuApplication  *self);
/* (nullable): the relay hosted here while the host-relay setting is on,
 * or why it could not start. Notifies :relay-host. */
PuRelayHost   *pu_application_get_relay_host    (PuApplication  *self);
const GError  *pu_application_get_relay_host_error (PuApplication *self);
/* A pairing started (@pairing TRUE) or ended: the tray shows it while any
 * is under way. */
void           pu_application_set_pairing       (PuApplication  *self,
                                                 gboolean        pairing);
/* Tells the user that pairing with @peer (called @name here) finished. */
void           pu_application_notify_paired     (PuApplication  *self,
                                                 const PuPeerId *peer,
                                                 const char     *name);

G_END_DECLS
