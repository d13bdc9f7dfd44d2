/* test-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-error.h"
#include "pu-identity.h"
#include "pu-test-util.h"

/* libp2p peer-ids specification, "Test vectors": an Ed25519 private key as
 * go-libp2p (and so peer-up) writes it to identity.key. */
#define SPEC_KEY_HEX \
  "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d" \
  "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
#define SPEC_PEER_ID "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"

/* The all-zero seed, as in the libp2p HTTP peer-ID-auth vectors. */
#define ZERO_PUBKEY_HEX "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define ZERO_PEER_ID "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

static void
hex_decode (const char *hex,
            guint8     *out,
            gsize       len)
{
  g_assert_cmpuint (strlen (hex), ==, len * 2);
  for (gsize i = 0; i < len; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
}

static void
spec_key (guint8 key[PU_IDENTITY_KEY_FILE_LEN])
{
  hex_decode (SPEC_KEY_HEX, key, PU_IDENTITY_KEY_FILE_LEN);
}

static void
zero_seed_key (guint8 key[PU_IDENTITY_KEY_FILE_LEN])
{
  static const guint8 prefix[] = { 0x08, 0x01, 0x12, 0x40 };

  memset (key, 0, PU_IDENTITY_KEY_FILE_LEN);
  memcpy (key, prefix, sizeof prefix);
  hex_decode (ZERO_PUBKEY_HEX, key + 4 + 32, PU_PUBKEY_LEN);
}

/* Writes @len bytes to @dir/@name with exactly @mode (umask does not apply). */
static char *
write_file (const char   *dir,
            const char   *name,
            const guint8 *data,
            gsize         len,
            int           mode)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents_full (path, (const char *) data, (gssize) len,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
assert_same_bytes (GBytes       *bytes,
                   const guint8 *data,
                   gsize         len)
{
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

static void
assert_error_message (const GError *error,
                      const char   *want)
{
  if (strstr (error->message, want) == NULL)
    g_error ("expected '%s' in '%s'", want, error->message);
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_spec_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) from_bytes = NULL;
  g_autoptr(PuIdentity) from_file = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = NULL;
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];
  g_autofree char *id_text = NULL;

  spec_key (key);

  from_bytes = pu_identity_new_from_bytes (key, sizeof key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (from_bytes), ==, SPEC_PEER_ID);
  id_text = pu_peer_id_to_string (pu_identity_get_peer_id (from_bytes));
  g_assert_cmpstr (id_text, ==, SPEC_PEER_ID);
  out = pu_identity_to_bytes (from_bytes);
  assert_same_bytes (out, key, sizeof key);

  /* A peer-up user's existing identity.key works unchanged. */
  path = write_file (dir, "identity.key", key, sizeof key, 0600);
  from_file = pu_identity_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (from_file), ==, SPEC_PEER_ID);
  g_assert_true (pu_peer_id_equal (pu_identity_get_peer_id (from_file),
                                   pu_identity_get_peer_id (from_bytes)));

  pu_test_remove_tree (dir);
}

static void
test_legacy_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  g_autoptr(GBytes) out = NULL;
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];
  guint8 legacy[PU_IDENTITY_KEY_FILE_LEN + PU_PUBKEY_LEN];

  /* Old go-libp2p: Data = seed || public key || public key, length 0x60. */
  spec_key (key);
  memcpy (legacy, key, sizeof key);
  legacy[3] = 0x60;
  memcpy (legacy + sizeof key, key + 36, PU_PUBKEY_LEN);

  identity = pu_identity_new_from_bytes (legacy, sizeof legacy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (identity), ==, SPEC_PEER_ID);
  out = pu_identity_to_bytes (identity);
  assert_same_bytes (out, key, sizeof key);
  g_clear_object (&identity);

  /* The redundant copy must match. */
  legacy[sizeof legacy - 1] ^= 1;
  identity = pu_identity_new_from_bytes (legacy, sizeof legacy, &error);
  g_assert_null (identity);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "corrupted"));
}

static void
test_zero_seed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];
  guint8 pubkey[PU_PUBKEY_LEN];

  zero_seed_key (key);
  hex_decode (ZERO_PUBKEY_HEX, pubkey, sizeof pubkey);

  identity = pu_identity_new_from_bytes (key, sizeof key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (identity), ==, ZERO_PEER_ID);
  g_assert_cmpmem (pu_identity_get_peer_id (identity)->pubkey, PU_PUBKEY_LEN,
                   pubkey, PU_PUBKEY_LEN);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(PuIdentity) other = pu_identity_generate ();
  g_autoptr(PuIdentity) loaded = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);
  GStatBuf st;

  g_assert_true (g_str_has_prefix (pu_identity_get_peer_id_string (identity), "12D3KooW"));
  g_assert_cmpstr (pu_identity_get_peer_id_string (identity), !=,
                   pu_identity_get_peer_id_string (other));

  g_assert_true (pu_identity_save (identity, path, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, PU_IDENTITY_KEY_FILE_LEN);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  saved = read_file (path);
  expected = pu_identity_to_bytes (identity);
  g_assert_true (g_bytes_equal (saved, expected));

  loaded = pu_identity_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (loaded), ==,
                   pu_identity_get_peer_id_string (identity));

  /* Never overwritten: not by the same key, not by another one. */
  g_assert_false (pu_identity_save (identity, path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  assert_error_message (error, path);
  assert_error_message (error, "already exists; Peer Up never overwrites an identity");
  g_clear_error (&error);

  g_assert_false (pu_identity_save (other, path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_clear_error (&error);

  again = read_file (path);
  g_assert_true (g_bytes_equal (again, saved));

  pu_test_remove_tree (dir);
}

static void
test_save_missing_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "missing", "identity.key", NULL);

  g_assert_false (pu_identity_save (identity, path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_error_message (error, path);
  assert_error_message (error, "does not exist");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  pu_test_remove_tree (dir);
}

static void
test_save_dangling_symlink (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);

  g_assert_cmpint (symlink ("elsewhere.key", path), ==, 0);
  g_assert_false (pu_identity_save (identity, path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_EXISTS);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_SYMLINK));

  pu_test_remove_tree (dir);
}

/* RFC 8032 section 7.1, TEST 1: the empty message. */
static void
test_sign_known_answer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  guint8 key[PU_IDENTITY_KEY_FILE_LEN] = { 0x08, 0x01, 0x12, 0x40 };
  guint8 want[PU_SIGNATURE_LEN];
  guint8 sig[PU_SIGNATURE_LEN];

  hex_decode ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
              key + 4, 64);
  hex_decode ("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
              "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
              want, sizeof want);

  identity = pu_identity_new_from_bytes (key, sizeof key, &error);
  g_assert_no_error (error);
  pu_identity_sign (identity, NULL, 0, sig);
  g_assert_cmpmem (sig, sizeof sig, want, sizeof want);
  g_assert_true (pu_identity_verify (pu_identity_get_peer_id (identity), NULL, 0, sig));
}

static void
test_sign_verify (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(PuIdentity) other = pu_identity_generate ();
  const PuPeerId *peer = pu_identity_get_peer_id (identity);
  guint8 data[] = "peerup relay challenge 0123456789";
  guint8 sig[PU_SIGNATURE_LEN];

  pu_identity_sign (identity, data, sizeof data, sig);
  g_assert_true (pu_identity_verify (peer, data, sizeof data, sig));

  for (gsize bit = 0; bit < sizeof data * 8; bit += 13)
    {
      data[bit / 8] ^= 1u << (bit % 8);
      g_assert_false (pu_identity_verify (peer, data, sizeof data, sig));
      data[bit / 8] ^= 1u << (bit % 8);
    }

  for (gsize bit = 0; bit < sizeof sig * 8; bit += 7)
    {
      sig[bit / 8] ^= 1u << (bit % 8);
      g_assert_false (pu_identity_verify (peer, data, sizeof data, sig));
      sig[bit / 8] ^= 1u << (bit % 8);
    }

  g_assert_false (pu_identity_verify (pu_identity_get_peer_id (other), data, sizeof data, sig));
  g_assert_false (pu_identity_verify (peer, data, sizeof data - 1, sig));
  g_assert_true (pu_identity_verify (peer, data, sizeof data, sig));
}

static void
test_permissions (void)
{
  static const int modes[] = { 0644, 0640, 0604, 0660 };
  g_autofree char *dir = pu_test_make_tmpdir ();
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];

  spec_key (key);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_file (dir, "identity.key", key, sizeof key, modes[i]);
      g_autofree char *fix = g_strdup_printf ("chmod 600 %s", path);

      g_assert_null (pu_identity_load (path, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
      assert_error_message (error, fix);
    }

  pu_test_remove_tree (dir);
}

typedef struct {
  const char *name;
  gsize       len;
  const char *want;
} BadKey;

/* Builds the content of a bad key from the spec key. */
static gsize
make_bad_key (const char *name,
              gsize       len,
              guint8     *out,
              gsize       out_len)
{
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];

  spec_key (key);
  g_assert_cmpuint (len, <=, out_len);
  memset (out, 0x5a, out_len);
  memcpy (out, key, MIN (len, sizeof key));

  if (g_str_equal (name, "rsa"))
    out[1] = 0x00;
  else if (g_str_equal (name, "secp256k1"))
    out[1] = 0x02, out[3] = 0x21;
  else if (g_str_equal (name, "ecdsa"))
    out[1] = 0x03;
  else if (g_str_equal (name, "unknown-type"))
    out[1] = 0x07;
  else if (g_str_equal (name, "text"))
    memcpy (out, "-----BEGIN PRIVATE KEY-----", 27);
  else if (g_str_equal (name, "mismatch"))
    out[PU_IDENTITY_KEY_FILE_LEN - 1] ^= 0x01;
  else if (g_str_equal (name, "other-seed"))
    out[4] ^= 0x80;
  return len;
}

static const BadKey bad_keys[] = {
  { "empty", 0, "is truncated (0 bytes, expected 68)" },
  { "prefix-only", 4, "is truncated (4 bytes, expected 68)" },
  { "short", 67, "is truncated (67 bytes, expected 68)" },
  { "long", 69, "has trailing bytes (69 bytes, expected 68)" },
  { "rsa", 1200, "is an RSA key; Peer Up needs an Ed25519 key" },
  { "secp256k1", 37, "is a secp256k1 key; Peer Up needs an Ed25519 key" },
  { "ecdsa", 121, "is an ECDSA key; Peer Up needs an Ed25519 key" },
  { "unknown-type", 68, "is not a libp2p Ed25519 private key" },
  { "text", 200, "is not a libp2p Ed25519 private key" },
  { "mismatch", 68, "is corrupted: its public key does not match its private key" },
  { "other-seed", 68, "is corrupted: its public key does not match its private key" },
};

static void
test_bad_bytes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 buf[2048];
      gsize len = make_bad_key (bad_keys[i].name, bad_keys[i].len, buf, sizeof buf);

      g_test_message ("%s", bad_keys[i].name);
      g_assert_null (pu_identity_new_from_bytes (buf, len, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
      assert_error_message (error, bad_keys[i].want);
      assert_error_message (error, "The identity key");
    }
}

static void
test_bad_files (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      guint8 buf[2048];
      gsize len = make_bad_key (bad_keys[i].name, bad_keys[i].len, buf, sizeof buf);

      g_test_message ("%s", bad_keys[i].name);
      path = write_file (dir, bad_keys[i].name, buf, len, 0600);
      g_assert_null (pu_identity_load (path, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
      assert_error_message (error, bad_keys[i].want);
      assert_error_message (error, path);
    }

  pu_test_remove_tree (dir);
}

static void
test_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = NULL;
  guint8 key[PU_IDENTITY_KEY_FILE_LEN];

  spec_key (key);
  path = write_file (dir, "identity.key", key, sizeof key, 0600);
  g_assert_cmpint (truncate (path, 10 * 1024 * 1024), ==, 0);

  g_assert_null (pu_identity_load (path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  assert_error_message (error, path);
  assert_error_message (error, "too large");

  pu_test_remove_tree (dir);
}

static void
test_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_null (pu_identity_load (path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_IO);
  assert_error_message (error, path);
  assert_error_message (error, "not a regular file");

  pu_test_remove_tree (dir);
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);

  g_assert_null (pu_identity_load (path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  assert_error_message (error, path);

  pu_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/identity/spec-vector", test_spec_vector);
  g_test_add_func ("/identity/legacy-key", test_legacy_key);
  g_test_add_func ("/identity/zero-seed", test_zero_seed);
  g_test_add_func ("/identity/round-trip", test_round_trip);
  g_test_add_func ("/identity/save-missing-dir", test_save_missing_dir);
  g_test_add_func ("/identity/save-dangling-symlink", test_save_dangling_symlink);
  g_test_add_func ("/identity/sign-known-answer", test_sign_known_answer);
  g_test_add_func ("/identity/sign-verify", test_sign_verify);
  g_test_add_func ("/identity/permissions", test_permissions);
  g_test_add_func ("/identity/bad-bytes", test_bad_bytes);
  g_test_add_func ("/identity/bad-files", test_bad_files);
  g_test_add_func ("/identity/too-large", test_too_large);
  g_test_add_func ("/identity/directory", test_directory);
  g_test_add_func ("/identity/missing", test_missing);

  return g_test_run ();
}
