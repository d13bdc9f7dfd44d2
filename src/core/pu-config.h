/* pu-config.h — config.ini (GKeyFile) and the files beside it
 *
 *   [peerup]            version=1, name=<this device>, network=<label>
 *   [relay <host:port>] peer-id= (empty: an IP relay whose key is not pinned);
 *                       IPv6 relays are [relay /ip6/ADDR/tcp/PORT], as key-file
 *                       group names cannot hold '[' or ']'
 *   [service <name>]    address=, enabled=, allowed=
 *   [names]             <name>=<peer-id>
 *   [options]           free-form key=value for later features
 *
 * Unknown groups and keys, and comments, are kept when the file is rewritten.
 *
 * identity.key and authorized_keys live in the same directory as config.ini.
 * ::changed is emitted after each change made in memory (before it is
 * saved); a config read again from the file is a new object (see
 * PuProfile::config-changed).
 *
 * Every save is atomic (0600). Every successful node start archives the file
 * as last-known-good (the newest 5 are kept).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-peer-id.h"
#include "pu-relay-addr.h"
#include "pu-service.h"

G_BEGIN_DECLS

#define PU_CONFIG_VERSION 1
#define PU_CONFIG_FILE_MAX (1024 * 1024)
#define PU_CONFIG_ARCHIVE_KEEP 5
#define PU_TURN_DEFAULT_PORT 3478
#define PU_TURN_SECRET_MAX 256

#define PU_TYPE_CONFIG (pu_config_get_type ())
G_DECLARE_FINAL_TYPE (PuConfig, pu_config, PU, CONFIG, GObject)

/* $XDG_CONFIG_HOME/peerup/config.ini */
char             *pu_config_default_path          (void);

/* @path may be NULL for the default path (also for the loaders). */
PuConfig         *pu_config_new                   (const char   *path);
PuConfig         *pu_config_load                  (const char   *path,
                                                   GError      **error);
/* Parses and validates without touching the disk (validate, fuzzing). */
PuConfig         *pu_config_load_from_data        (const char   *path,
                                                   const char   *data,
                                                   gsize         len,
                                                   GError      **error);
gboolean          pu_config_save                  (PuConfig     *self,
                                                   GError      **error);
char             *pu_config_to_data               (PuConfig     *self,
                                                   gsize        *len);

const char       *pu_config_get_path              (PuConfig     *self);
const char       *pu_config_get_dir               (PuConfig     *self);
char             *pu_config_get_identity_path     (PuConfig     *self);
char             *pu_config_get_authorized_keys_path (PuConfig  *self);

const char       *pu_config_get_device_name       (PuConfig     *self);
gboolean          pu_config_set_device_name       (PuConfig     *self,
                                                   const char   *name,
                                                   GError      **error);
const char       *pu_config_get_network           (PuConfig     *self);

/* FALSE when [options] direct=false: connections stay on the relay. */
gboolean          pu_config_get_direct            (PuConfig     *self);
/* "turn:HOST[:PORT][?transport=udp]", HOST an IP address ([…] for IPv6):
 * FALSE for anything else. */
gboolean          pu_config_parse_turn_url        (const char   *url,
                                                   char        **host,
                                                   guint16      *port);
/* [turn] url=turn:IP[:PORT] and secret (coturn's static-auth-secret): FALSE
 * when there is none. */
gboolean          pu_config_get_turn              (PuConfig     *self,
                                                   const char  **host,
                                                   guint16      *port,
                                                   const char  **secret);

/* (element-type PuRelayAddr) (transfer none) */
GPtrArray        *pu_config_get_relays            (PuConfig     *self);
/* The relays as one string (their multiaddrs, in order): two configs have
 * the same relays when these are equal. */
char             *pu_config_dup_relays_key        (PuConfig     *self);
gboolean          pu_config_add_relay             (PuConfig     *self,
                                                   const PuRelayAddr *addr,
                                                   GError      **error);
/* @key: "host:port", any accepted address form, or the relay's peer ID. */
gboolean          pu_config_remove_relay          (PuConfig     *self,
                                                   const char   *key,
                                                   GError      **error);

/* (element-type PuService) (transfer none), sorted by name */
GPtrArray        *pu_config_get_services          (PuConfig     *self);
const PuService  *pu_config_lookup_service        (PuConfig     *self,
                                                   const char   *name);
gboolean          pu_config_add_service           (PuConfig     *self,
                                                   const char   *name,
                                                   const char   *address,
                                                   GError      **error);
gboolean          pu_config_remove_service        (PuConfig     *self,
                                                   const char   *name,
                                                   GError      **error);
gboolean          pu_config_set_service_enabled   (PuConfig     *self,
                                                   const char   *name,
                                                   gboolean      enabled,
                                                   GError      **error);
gboolean          pu_config_set_service_allowed   (PuConfig     *self,
                                                   const char   *name,
                                                   const char * const *allowed,
                                                   GError      **error);

/* Sorted names (transfer full). */
GStrv             pu_config_get_names             (PuConfig     *self);
const char       *pu_config_lookup_name           (PuConfig     *self,
                                                   const char   *name);
/* Adds @name, or points an existing one at @peer. */
gboolean          pu_config_set_name              (PuConfig     *self,
                                                   const char   *name,
                                                   const PuPeerId *peer,
                                                   GError      **error);
gboolean          pu_config_remove_name           (PuConfig     *self,
                                                   const char   *name,
                                                   GError      **error);
/* A name from [names] or a peer ID; an unknown name says how to add it. */
gboolean          pu_config_resolve_peer          (PuConfig     *self,
                                                   const char   *name_or_id,
                                                   PuPeerId     *out,
                                                   GError      **error);
/* The first name pointing at @peer, or NULL. */
const char       *pu_config_name_for_peer         (PuConfig     *self,
                                                   const PuPeerId *peer);

/* last-known-good archive in <dir>/archive/ */
gboolean          pu_config_archive               (PuConfig     *self,
                                                   GError      **error);
/* File names, newest first (transfer full). */
GStrv             pu_config_list_archives         (const char   *config_path);
/* Restores @archive (a path or a file name from the list), or the newest
 * when NULL, over @config_path atomically after validating it. */
gboolean          pu_config_rollback              (const char   *config_path,
                                                   const char   *archive,
                                                   GError      **error);

G_END_DECLS
