/* pu-cli-private.h — what the `peerup` command groups share
 *
 * Every command is a function taking its own name in argv[0] and the rest of
 * the command line after it, returning the process exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pu-control-dbus.h"
#include "pu-profile.h"

G_BEGIN_DECLS

typedef enum {
  PU_CLI_EXIT_OK = 0,
  PU_CLI_EXIT_FAILURE = 1,
  PU_CLI_EXIT_USAGE = 2,
} PuCliExit;

typedef int (*PuCliFunc) (int    argc,
                          char **argv);

typedef struct {
  const char *name;
  const char *summary; /* N_() */
  PuCliFunc   run;
} PuCliCommand;

/* How one command is called. */
typedef struct {
  const char         *command;    /* "auth add" */
  const char         *parameters; /* N_("PEER"), or NULL */
  const char         *summary;    /* N_() */
  const GOptionEntry *entries;    /* the command's own options, or NULL */
  gboolean            json;       /* accepts --json */
  guint               min_args;
  guint               max_args;   /* G_MAXUINT: no limit */
} PuCliSpec;

/* The parsed command line: common options and positional arguments. */
typedef struct {
  char     *config_path; /* --config, or NULL for the default */
  gboolean  json;
  GStrv     args;
  guint     n_args;
} PuCliArgs;

void        pu_cli_args_clear   (PuCliArgs          *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PuCliArgs, pu_cli_args_clear)

/* Parses options anywhere on the line (before or after positional arguments)
 * plus --help, --config and (when spec->json) --json. Returns -1 when the
 * command should run, otherwise the exit status to return at once (help was
 * printed, or a usage error was reported). */
int         pu_cli_parse        (const PuCliSpec    *spec,
                                 PuCliArgs          *args,
                                 int                 argc,
                                 char              **argv);

/* "peerup: <message>" on stderr; returns PU_CLI_EXIT_FAILURE. */
int         pu_cli_fail         (const GError       *error);
int         pu_cli_fail_printf  (const char         *format,
                                 ...) G_GNUC_PRINTF (1, 2);
/* "peerup: <message>" and "Try 'peerup <command> --help'."; returns
 * PU_CLI_EXIT_USAGE. @command NULL refers to `peerup --help`. */
int         pu_cli_usage_error  (const char         *command,
                                 const char         *format,
                                 ...) G_GNUC_PRINTF (2, 3);

/* Runs the subcommand of a group ("auth add …"); `peerup auth --help` lists
 * the subcommands. */
int         pu_cli_run_group    (const char         *group,
                                 const char         *summary,
                                 const PuCliCommand *commands,
                                 int                 argc,
                                 char              **argv);
/* "  name    summary" lines, aligned. */
void        pu_cli_print_commands (GString          *out,
                                   const PuCliCommand *commands);

/* Opens the device, reporting a failure on stderr (NULL then). */
PuProfile  *pu_cli_open_profile (const PuCliArgs    *args);
/* pu_cli_parse(), then pu_cli_open_profile() into @profile: -1 when the
 * command should run, otherwise the exit status to return at once. */
int         pu_cli_parse_open   (const PuCliSpec    *spec,
                                 PuCliArgs          *args,
                                 int                 argc,
                                 char              **argv,
                                 PuProfile         **profile);
/* The same for a command whose first argument is a peer: resolves it into
 * @peer. */
int         pu_cli_parse_open_peer (const PuCliSpec *spec,
                                    PuCliArgs       *args,
                                    int              argc,
                                    char           **argv,
                                    PuProfile      **profile,
                                    PuPeerId        *peer);
/* The same, and resolves @text (a name or a peer ID) into @peer. */
PuProfile  *pu_cli_open_profile_with_peer (const PuCliArgs *args,
                                           const char      *text,
                                           PuPeerId        *peer);
/* --config, or the default path (transfer full). */
char       *pu_cli_config_path  (const PuCliArgs    *args);

/* Prints @node as indented JSON on stdout; takes the node. */
void        pu_cli_print_json   (JsonNode           *node);
/* Prints @node as JSON on one line (g_print flushes): one object per event
 * for commands that keep running. Takes the node. */
void        pu_cli_print_json_line (JsonNode        *node);
/* Adds @member: @value, or null when @value is NULL. */
void        pu_cli_json_add_string (JsonBuilder     *builder,
                                    const char      *member,
                                    const char      *value);
/* "relayed", or "direct (srflx→host IPv4)" with the ICE pair's candidate
 * types when @local_candidate is not NULL. */
char       *pu_cli_path_text    (const char         *kind,
                                 const char         *local_candidate,
                                 const char         *remote_candidate,
                                 guint               ip_version);
/* "12D3KooW… (name)" when @peer has a name in @config (nullable), else the ID. */
char       *pu_cli_describe_peer (PuConfig          *config,
                                  const PuPeerId    *peer);

/* A command that keeps running: its main loop ends with pu_cli_loop_quit(),
 * or on SIGINT or SIGTERM (then @interrupted is set and the status is 0). */
typedef struct {
  GMainLoop *loop;
  int        status;
  gboolean   interrupted;
  guint      sigint_id;
  guint      sigterm_id;
} PuCliLoop;

void        pu_cli_loop_init    (PuCliLoop          *loop);
void        pu_cli_loop_clear   (PuCliLoop          *loop);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PuCliLoop, pu_cli_loop_clear)
void        pu_cli_loop_quit    (PuCliLoop          *loop,
                                 int                 status);
int         pu_cli_loop_run     (PuCliLoop          *loop);

/* Sections shared by the list commands and `status`. Text lines start with
 * @indent; the print functions return how many items they printed. */
JsonNode   *pu_cli_trust_to_json    (PuTrustStore   *trust,
                                     PuConfig       *config);
/* @self (nullable): this device, whose pairs show as verified or
 * [UNVERIFIED]; NULL for a relay's list. */
guint       pu_cli_trust_print      (PuTrustStore   *trust,
                                     PuConfig       *config,
                                     const PuPeerId *self,
                                     const char     *indent);
JsonNode   *pu_cli_services_to_json (PuConfig       *config);
guint       pu_cli_services_print   (PuConfig       *config,
                                     const char     *indent);
JsonNode   *pu_cli_relays_to_json   (PuConfig       *config);
guint       pu_cli_relays_print     (PuConfig       *config,
                                     const char     *indent);
JsonNode   *pu_cli_names_to_json    (PuConfig       *config);
guint       pu_cli_names_print      (PuConfig       *config,
                                     const char     *indent);

/* A `list` command over one of the config sections above: JSON with --json,
 * else text, or @empty (N_(), names the command that adds one). */
typedef JsonNode *(*PuCliSectionToJson) (PuConfig   *config);
typedef guint     (*PuCliSectionPrint)  (PuConfig   *config,
                                         const char *indent);
int         pu_cli_list_section     (const PuCliSpec   *spec,
                                     PuCliSectionToJson to_json,
                                     PuCliSectionPrint  print,
                                     const char        *empty,
                                     int                argc,
                                     char             **argv);

/* Changes to an authorized_keys file (this device's or a relay's): each
 * prints what it did, or the error; they return the exit status. Names come
 * from @config (nullable). @core (nullable): the core running this device,
 * which makes the change (and logs it). @expires_text (nullable) is a
 * duration or time. */
int         pu_cli_trust_add        (PuTrustStore   *trust,
                                     PuConfig       *config,
                                     PuPeerUp1      *core,
                                     const PuPeerId *peer,
                                     const char     *comment,
                                     const char     *expires_text);
int         pu_cli_trust_remove     (PuTrustStore   *trust,
                                     PuConfig       *config,
                                     PuPeerUp1      *core,
                                     const PuPeerId *peer);

/* The QR code of @text on stdout, between blank lines (a failure to draw it
 * is reported and otherwise ignored). */
void        pu_cli_print_qr         (const char     *text);
/* The 4 emoji with their names and the number of the pair, indented between
 * blank lines. */
void        pu_cli_sas_print        (const PuPeerId *self,
                                     const PuPeerId *peer);

/* `relay serve|info|authorize|deauthorize|list-peers`: running a relay. */
int         pu_cli_relay_serve       (int argc, char **argv);
int         pu_cli_relay_info        (int argc, char **argv);
int         pu_cli_relay_authorize   (int argc, char **argv);
int         pu_cli_relay_deauthorize (int argc, char **argv);
int         pu_cli_relay_list_peers  (int argc, char **argv);
int         pu_cli_relay_pair        (int argc, char **argv);

/* The core running the device of @config_path (NULL: the default), asked over
 * its private socket, with the default main context: G_IO_ERROR_NOT_FOUND
 * when none runs. */
PuPeerUp1  *pu_cli_client_open      (const char     *config_path,
                                     GError        **error);
/* The same for the command's --config; NULL when no core answers (a core
 * that does not answer is noted on stderr): the command then works alone. */
PuPeerUp1  *pu_cli_client_connect   (const PuCliArgs *args);
/* pu_cli_fail() for the error of a call to the core, without its D-Bus
 * prefix. */
int         pu_cli_fail_remote      (GError         *error);

/* The commands and groups. */
int         pu_cli_init          (int argc, char **argv);
int         pu_cli_whoami        (int argc, char **argv);
int         pu_cli_identity      (int argc, char **argv);
int         pu_cli_status        (int argc, char **argv);
int         pu_cli_auth          (int argc, char **argv);
int         pu_cli_service       (int argc, char **argv);
int         pu_cli_relay         (int argc, char **argv);
int         pu_cli_name          (int argc, char **argv);
int         pu_cli_config        (int argc, char **argv);
int         pu_cli_daemon        (int argc, char **argv);
int         pu_cli_proxy         (int argc, char **argv);
int         pu_cli_ping          (int argc, char **argv);
int         pu_cli_traceroute    (int argc, char **argv);
int         pu_cli_verify        (int argc, char **argv);
int         pu_cli_invite        (int argc, char **argv);
int         pu_cli_join          (int argc, char **argv);

G_END_DECLS
