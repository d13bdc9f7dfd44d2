/* test-relay-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-relay-frame.h"

static GBytes *
encode_ok (const PuRelayFrame *frame)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = pu_relay_frame_encode (frame, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
decode_ok (GBytes       *bytes,
           PuRelayFrame *out)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (pu_relay_frame_decode (data, len, out, &error));
  g_assert_no_error (error);
}

static void
decode_fails (const guint8 *data,
              gsize         len,
              gint          code)
{
  g_autoptr(GError) error = NULL;
  PuRelayFrame frame;

  g_assert_false (pu_relay_frame_decode (data, len, &frame, &error));
  g_assert_error (error, PU_ERROR, code);
}

static void
test_round_trip (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  const PuPeerId *peer = pu_identity_get_peer_id (identity);
  static const guint8 payload[] = "opaque datagram";
  PuRelayFrame in = { 0 }, out;

  in.type = PU_RELAY_FRAME_CHALLENGE;
  in.peer = *peer;
  memset (in.nonce, 0xa5, sizeof in.nonce);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 66);
    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_CHALLENGE);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
    g_assert_cmpmem (out.nonce, sizeof out.nonce, in.nonce, sizeof in.nonce);
  }

  in.type = PU_RELAY_FRAME_AUTH;
  in.instance = G_GUINT64_CONSTANT (0x0102030405060708);
  in.serving = TRUE;
  memset (in.signature, 0x5a, sizeof in.signature);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_AUTH);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
    g_assert_cmpuint (out.instance, ==, in.instance);
    g_assert_true (out.serving);
    g_assert_cmpmem (out.signature, sizeof out.signature, in.signature, sizeof in.signature);
  }

  in.type = PU_RELAY_FRAME_PACKET;
  in.instance = 0;
  in.payload = payload;
  in.payload_len = sizeof payload;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_PACKET);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
    g_assert_cmpuint (out.instance, ==, 0);
    g_assert_cmpmem (out.payload, out.payload_len, payload, sizeof payload);
  }

  in.type = PU_RELAY_FRAME_SIGNAL;
  in.instance = 42;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_SIGNAL);
    g_assert_cmpuint (out.instance, ==, 42);
    g_assert_cmpmem (out.payload, out.payload_len, payload, sizeof payload);
  }

  in.type = PU_RELAY_FRAME_ERROR;
  in.error_code = PU_RELAY_ERROR_NOT_AUTHORIZED;
  g_strlcpy (in.message, "not authorized on this relay", sizeof in.message);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.error_code, ==, PU_RELAY_ERROR_NOT_AUTHORIZED);
    g_assert_cmpstr (out.message, ==, "not authorized on this relay");
  }

  in.type = PU_RELAY_FRAME_PONG;
  in.cookie = G_MAXUINT64;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_PONG);
    g_assert_cmpuint (out.cookie, ==, G_MAXUINT64);
  }

  in.type = PU_RELAY_FRAME_WELCOME;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2);
    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_WELCOME);
  }

  in.type = PU_RELAY_FRAME_SPONSOR;
  in.timestamp = G_GINT64_CONSTANT (1800000000);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2 + 32 + 8 + 64);
    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_SPONSOR);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
    g_assert_cmpint (out.timestamp, ==, in.timestamp);
    g_assert_cmpmem (out.signature, sizeof out.signature, in.signature, sizeof in.signature);
  }

  in.type = PU_RELAY_FRAME_SPONSORED;
  in.status = PU_RELAY_SPONSOR_DENIED;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_SPONSORED);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
    g_assert_cmpint (out.status, ==, PU_RELAY_SPONSOR_DENIED);
  }

  in.type = PU_RELAY_FRAME_CLAIM;
  in.ttl = 600;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 6);
    decode_ok (bytes, &out);
    g_assert_cmpuint (out.ttl, ==, 600);
  }

  in.type = PU_RELAY_FRAME_OPEN;
  in.nameplate = 999;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 4);
    decode_ok (bytes, &out);
    g_assert_cmpuint (out.nameplate, ==, 999);
  }

  in.type = PU_RELAY_FRAME_NAMEPLATE;
  in.status = 1;
  in.instance = 77;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpuint (out.nameplate, ==, 999);
    g_assert_cmpuint (out.status, ==, 1);
    g_assert_cmpuint (out.instance, ==, 77);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
  }

  in.type = PU_RELAY_FRAME_ABSENT;
  in.instance = 78;
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2 + 32 + 8);
    decode_ok (bytes, &out);
    g_assert_cmpuint (out.instance, ==, 78);
    g_assert_true (pu_peer_id_equal (&out.peer, peer));
  }

  in.type = PU_RELAY_FRAME_TURN;
  in.turn.port = 3478;
  g_strlcpy (in.turn.host, "203.0.113.3", sizeof in.turn.host);
  g_strlcpy (in.turn.username, "1767225600:12D3KooWexample", sizeof in.turn.username);
  g_strlcpy (in.turn.password, "c2VjcmV0IHBhc3N3b3Jk", sizeof in.turn.password);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2 + 2 + 1 + 11 + 1 + 26 + 1 + 20);
    decode_ok (bytes, &out);
    g_assert_cmpuint (out.turn.port, ==, 3478);
    g_assert_cmpstr (out.turn.host, ==, "203.0.113.3");
    g_assert_cmpstr (out.turn.username, ==, "1767225600:12D3KooWexample");
    g_assert_cmpstr (out.turn.password, ==, "c2VjcmV0IHBhc3N3b3Jk");
  }

  in.type = PU_RELAY_FRAME_GROUP_JOIN;
  memset (in.token, 7, sizeof in.token);
  g_strlcpy (in.members[0].name, "laptop", sizeof in.members[0].name);
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2 + 16 + 1 + 6);
    decode_ok (bytes, &out);
    g_assert_cmpmem (out.token, sizeof out.token, in.token, sizeof in.token);
    g_assert_cmpstr (out.members[0].name, ==, "laptop");
  }

  in.type = PU_RELAY_FRAME_MEMBERS;
  in.status = 0;
  in.n_members = PU_RELAY_GROUP_MAX;
  for (guint i = 0; i < PU_RELAY_GROUP_MAX; i++)
    {
      in.members[i].peer = *peer;
      memset (in.members[i].name, 'a', PU_RELAY_MEMBER_NAME_MAX);
      in.members[i].name[PU_RELAY_MEMBER_NAME_MAX] = '\0';
    }
  {
    g_autoptr(GBytes) bytes = encode_ok (&in);

    decode_ok (bytes, &out);
    g_assert_cmpuint (out.n_members, ==, PU_RELAY_GROUP_MAX);
    g_assert_true (pu_peer_id_equal (&out.members[31].peer, peer));
    g_assert_cmpstr (out.members[31].name, ==, in.members[31].name);
  }
}

static void
test_batch (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  static const guint8 a[] = { 0x40, 1, 2 };
  static const guint8 b[] = { 0x41 };
  guint8 buf[64];
  gsize used = 0, offset = 0, len;
  const guint8 *datagram;
  PuRelayFrame in = { .type = PU_RELAY_FRAME_PACKETS, .instance = 9 };
  PuRelayFrame out;
  g_autoptr(GBytes) bytes = NULL;

  in.peer = *pu_identity_get_peer_id (identity);
  used = pu_relay_frame_batch_append (buf, used, a, sizeof a);
  used = pu_relay_frame_batch_append (buf, used, b, sizeof b);
  g_assert_cmpuint (used, ==, 2 * PU_RELAY_BATCH_ENTRY_HEAD + sizeof a + sizeof b);
  g_assert_cmpmem (buf, 2, "\0\3", 2);
  in.payload = buf;
  in.payload_len = used;
  bytes = encode_ok (&in);
  decode_ok (bytes, &out);
  g_assert_cmpint (out.type, ==, PU_RELAY_FRAME_PACKETS);
  g_assert_true (pu_peer_id_equal (&out.peer, &in.peer));
  g_assert_cmpuint (out.instance, ==, 9);

  g_assert_true (pu_relay_frame_batch_next (&out, &offset, &datagram, &len));
  g_assert_cmpmem (datagram, len, a, sizeof a);
  g_assert_true (pu_relay_frame_batch_next (&out, &offset, &datagram, &len));
  g_assert_cmpmem (datagram, len, b, sizeof b);
  g_assert_false (pu_relay_frame_batch_next (&out, &offset, &datagram, &len));
}

static void
test_payload_limit (void)
{
  g_autofree guint8 *big = g_malloc0 (PU_RELAY_PAYLOAD_MAX + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PuRelayFrame in = { .type = PU_RELAY_FRAME_PACKET, .payload = big };
  PuRelayFrame out;

  in.payload_len = PU_RELAY_PAYLOAD_MAX;
  bytes = encode_ok (&in);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, PU_RELAY_FRAME_MAX);
  decode_ok (bytes, &out);
  g_assert_cmpuint (out.payload_len, ==, PU_RELAY_PAYLOAD_MAX);

  in.payload_len = PU_RELAY_PAYLOAD_MAX + 1;
  g_assert_null (pu_relay_frame_encode (&in, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
}

static void
test_error_text_cut (void)
{
  PuRelayFrame in = { .type = PU_RELAY_FRAME_ERROR, .error_code = 1 }, out;
  g_autoptr(GBytes) bytes = NULL;
  gsize i;

  /* 'é' is two bytes: a cut at the limit must not split one. */
  for (i = 0; i + 2 <= PU_RELAY_ERROR_MESSAGE_MAX - 1; i += 2)
    memcpy (in.message + i, "é", 2);
  in.message[i] = 'x';
  memcpy (in.message + i + 1, "é", 2);
  in.message[PU_RELAY_ERROR_MESSAGE_MAX] = '\0';

  bytes = encode_ok (&in);
  decode_ok (bytes, &out);
  g_assert_cmpuint (strlen (out.message), ==, PU_RELAY_ERROR_MESSAGE_MAX - 1);
  g_assert_true (g_utf8_validate (out.message, -1, NULL));
}

static void
test_bad_frames (void)
{
  g_autofree guint8 *huge = g_malloc0 (PU_RELAY_FRAME_MAX + 1);
  guint8 auth[107] = { 1, PU_RELAY_FRAME_AUTH };
  static const guint8 empty[1] = { 0 };
  static const guint8 one[] = { 1 };
  static const guint8 newer[] = { 2, PU_RELAY_FRAME_WELCOME };
  static const guint8 unknown[] = { 1, 99 };
  static const guint8 zero_type[] = { 1, 0 };
  static const guint8 welcome_extra[] = { 1, PU_RELAY_FRAME_WELCOME, 0 };
  static const guint8 short_ping[] = { 1, PU_RELAY_FRAME_PING, 0, 0, 0 };
  static const guint8 short_packet[] = { 1, PU_RELAY_FRAME_PACKET, 1, 2, 3 };
  guint8 batch[2 + 32 + 8 + 5] = { 1, PU_RELAY_FRAME_PACKETS };
  static const guint8 short_challenge[40] = { 1, PU_RELAY_FRAME_CHALLENGE };
  static const guint8 error_len_over[] = { 1, PU_RELAY_FRAME_ERROR, 0, 1, 5, 'a', 'b' };
  static const guint8 error_len_big[] = { 1, PU_RELAY_FRAME_ERROR, 0, 1, 250, 'a' };
  static const guint8 error_ctrl[] = { 1, PU_RELAY_FRAME_ERROR, 0, 1, 2, 'a', '\n' };
  static const guint8 error_utf8[] = { 1, PU_RELAY_FRAME_ERROR, 0, 1, 2, 0xc3, 0x28 };
  static const guint8 error_short[] = { 1, PU_RELAY_FRAME_ERROR, 0 };
  guint8 sponsored[2 + 32 + 1] = { 1, PU_RELAY_FRAME_SPONSORED };
  guint8 nameplate[2 + 2 + 1 + 32 + 8] = { 1, PU_RELAY_FRAME_NAMEPLATE };
  static const guint8 join_bad_name[2 + 16 + 3] = { 1, PU_RELAY_FRAME_GROUP_JOIN,
                                                    [18] = 2, '-', 'a' };
  static const guint8 join_no_name[2 + 16 + 1] = { 1, PU_RELAY_FRAME_GROUP_JOIN };
  static const guint8 members_short[2 + 2 + 10] = { 1, PU_RELAY_FRAME_MEMBERS, 0, 1 };
  static const guint8 members_too_many[4] = { 1, PU_RELAY_FRAME_MEMBERS, 0, 33 };
  guint8 sponsor[2 + 32 + 8 + 64] = { 1, PU_RELAY_FRAME_SPONSOR };
  static const guint8 absent_short[2 + 32 + 7] = { 1, PU_RELAY_FRAME_ABSENT };
  static const guint8 absent_long[2 + 32 + 9] = { 1, PU_RELAY_FRAME_ABSENT };
  static const guint8 turn_ok[] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 1, 'h', 1, 'u', 1, 'p' };
  static const guint8 turn_port0[] = { 1, PU_RELAY_FRAME_TURN, 0, 0, 1, 'h', 1, 'u', 1, 'p' };
  static const guint8 turn_empty[] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 0, 1, 'u', 1, 'p' };
  static const guint8 turn_ctrl[] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 1, '\n', 1, 'u', 1,
                                      'p' };
  static const guint8 turn_junk[] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 1, 'h', 1, 'u', 1, 'p',
                                      0 };
  static const guint8 turn_short[] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 1, 'h', 1, 'u', 2,
                                       'p' };
  guint8 turn_long[2 + 2 + 1 + 128] = { 1, PU_RELAY_FRAME_TURN, 0x0d, 0x96, 128 };

  decode_fails (empty, 0, PU_ERROR_PARSE);
  decode_fails (one, sizeof one, PU_ERROR_PARSE);
  decode_fails (newer, sizeof newer, PU_ERROR_VERSION);
  decode_fails (unknown, sizeof unknown, PU_ERROR_PARSE);
  decode_fails (zero_type, sizeof zero_type, PU_ERROR_PARSE);
  decode_fails (welcome_extra, sizeof welcome_extra, PU_ERROR_PARSE);
  decode_fails (short_ping, sizeof short_ping, PU_ERROR_PARSE);
  decode_fails (short_packet, sizeof short_packet, PU_ERROR_PARSE);
  decode_fails (short_challenge, sizeof short_challenge, PU_ERROR_PARSE);
  decode_fails (error_len_over, sizeof error_len_over, PU_ERROR_PARSE);
  decode_fails (error_len_big, sizeof error_len_big, PU_ERROR_PARSE);
  decode_fails (error_ctrl, sizeof error_ctrl, PU_ERROR_PARSE);
  decode_fails (error_utf8, sizeof error_utf8, PU_ERROR_PARSE);
  decode_fails (error_short, sizeof error_short, PU_ERROR_PARSE);
  decode_fails (absent_short, sizeof absent_short, PU_ERROR_PARSE);
  decode_fails (absent_long, sizeof absent_long, PU_ERROR_PARSE);
  {
    PuRelayFrame frame;

    g_assert_true (pu_relay_frame_decode (turn_ok, sizeof turn_ok, &frame, NULL));
  }
  decode_fails (turn_port0, sizeof turn_port0, PU_ERROR_PARSE);
  decode_fails (turn_empty, sizeof turn_empty, PU_ERROR_PARSE);
  decode_fails (turn_ctrl, sizeof turn_ctrl, PU_ERROR_PARSE);
  decode_fails (turn_junk, sizeof turn_junk, PU_ERROR_PARSE);
  decode_fails (turn_short, sizeof turn_short, PU_ERROR_PARSE);
  memset (turn_long + 5, 'a', 128);
  decode_fails (turn_long, sizeof turn_long, PU_ERROR_PARSE);

  /* A batch: no datagram, an empty one, one longer than what is left, a
   * length cut in half. */
  decode_fails (batch, 2 + 32 + 8, PU_ERROR_PARSE);
  decode_fails (batch, sizeof batch, PU_ERROR_PARSE);
  batch[42] = 0;
  batch[43] = 4;
  decode_fails (batch, sizeof batch, PU_ERROR_PARSE);
  batch[43] = 1;
  decode_fails (batch, sizeof batch, PU_ERROR_PARSE);
  batch[43] = 3;
  {
    PuRelayFrame frame;

    g_assert_true (pu_relay_frame_decode (batch, sizeof batch, &frame, NULL));
    batch[43] = 2;
    g_assert_true (pu_relay_frame_decode (batch, sizeof batch - 1, &frame, NULL));
  }
  decode_fails (batch, sizeof batch, PU_ERROR_PARSE);

  nameplate[2 + 2] = 2;  /* unknown status */
  decode_fails (nameplate, sizeof nameplate, PU_ERROR_PARSE);
  decode_fails (nameplate, sizeof nameplate - 1, PU_ERROR_PARSE);
  decode_fails (join_bad_name, sizeof join_bad_name, PU_ERROR_PARSE);
  decode_fails (join_no_name, sizeof join_no_name, PU_ERROR_PARSE);
  decode_fails (members_short, sizeof members_short, PU_ERROR_PARSE);
  decode_fails (members_too_many, sizeof members_too_many, PU_ERROR_PARSE);
  sponsored[2 + 32] = 3;  /* unknown status */
  decode_fails (sponsored, sizeof sponsored, PU_ERROR_PARSE);
  decode_fails (sponsored, sizeof sponsored - 1, PU_ERROR_PARSE);
  sponsor[2 + 32] = 0x80;  /* a timestamp before 1970 */
  decode_fails (sponsor, sizeof sponsor, PU_ERROR_PARSE);
  decode_fails (sponsor, sizeof sponsor - 1, PU_ERROR_PARSE);

  huge[0] = 1;
  huge[1] = PU_RELAY_FRAME_PACKET;
  decode_fails (huge, PU_RELAY_FRAME_MAX + 1, PU_ERROR_PARSE);

  /* instance 0 is reserved for "any" and cannot be claimed */
  decode_fails (auth, sizeof auth, PU_ERROR_PARSE);
  auth[2 + 32 + 7] = 1;
  {
    PuRelayFrame frame;

    g_assert_true (pu_relay_frame_decode (auth, sizeof auth, &frame, NULL));
    g_assert_false (frame.serving);
  }
  auth[2 + 32 + 8] = 0x03;  /* serving and pairing */
  {
    PuRelayFrame frame;

    g_assert_true (pu_relay_frame_decode (auth, sizeof auth, &frame, NULL));
    g_assert_true (frame.serving);
    g_assert_true (frame.pairing);
  }
  auth[2 + 32 + 8] = 0x04;  /* unknown flag */
  decode_fails (auth, sizeof auth, PU_ERROR_PARSE);
  decode_fails (auth, sizeof auth - 1, PU_ERROR_PARSE);
}

static void
test_auth_transcript (void)
{
  g_autoptr(PuIdentity) relay = pu_identity_generate ();
  g_autoptr(PuIdentity) other = pu_identity_generate ();
  g_autoptr(PuIdentity) node = pu_identity_generate ();
  guint8 nonce[PU_RELAY_NONCE_LEN] = { 1, 2, 3 };
  guint8 t[PU_RELAY_AUTH_TRANSCRIPT_LEN], t2[PU_RELAY_AUTH_TRANSCRIPT_LEN];
  guint8 sig[PU_SIGNATURE_LEN];
  const PuPeerId *node_id = pu_identity_get_peer_id (node);

  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (relay), 7, TRUE, FALSE, t);
  pu_identity_sign (node, t, sizeof t, sig);
  g_assert_true (pu_identity_verify (node_id, t, sizeof t, sig));

  /* Another relay, instance, role or nonce gives another transcript. */
  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (other), 7, TRUE, FALSE, t2);
  g_assert_false (pu_identity_verify (node_id, t2, sizeof t2, sig));
  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (relay), 8, TRUE, FALSE, t2);
  g_assert_false (pu_identity_verify (node_id, t2, sizeof t2, sig));
  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (relay), 7, FALSE, FALSE, t2);
  g_assert_false (pu_identity_verify (node_id, t2, sizeof t2, sig));
  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (relay), 7, TRUE, TRUE, t2);
  g_assert_false (pu_identity_verify (node_id, t2, sizeof t2, sig));
  nonce[0] ^= 1;
  pu_relay_frame_auth_transcript (nonce, pu_identity_get_peer_id (relay), 7, TRUE, FALSE, t2);
  g_assert_false (pu_identity_verify (node_id, t2, sizeof t2, sig));
}

static void
test_sponsor_transcript (void)
{
  g_autoptr(PuIdentity) relay = pu_identity_generate ();
  g_autoptr(PuIdentity) inviter = pu_identity_generate ();
  g_autoptr(PuIdentity) joiner = pu_identity_generate ();
  const PuPeerId *relay_id = pu_identity_get_peer_id (relay);
  const PuPeerId *joiner_id = pu_identity_get_peer_id (joiner);
  const PuPeerId *inviter_id = pu_identity_get_peer_id (inviter);
  guint8 t[PU_RELAY_SPONSOR_TRANSCRIPT_LEN], t2[PU_RELAY_SPONSOR_TRANSCRIPT_LEN];
  guint8 sig[PU_SIGNATURE_LEN];

  pu_relay_frame_sponsor_transcript (relay_id, joiner_id, 1000, t);
  g_assert_cmpmem (t, 23, "peerup relay sponsor v1", 23);
  pu_identity_sign (inviter, t, sizeof t, sig);
  g_assert_true (pu_identity_verify (inviter_id, t, sizeof t, sig));

  /* Another relay, joiner or time gives another transcript. */
  pu_relay_frame_sponsor_transcript (inviter_id, joiner_id, 1000, t2);
  g_assert_false (pu_identity_verify (inviter_id, t2, sizeof t2, sig));
  pu_relay_frame_sponsor_transcript (relay_id, inviter_id, 1000, t2);
  g_assert_false (pu_identity_verify (inviter_id, t2, sizeof t2, sig));
  pu_relay_frame_sponsor_transcript (relay_id, joiner_id, 1001, t2);
  g_assert_false (pu_identity_verify (inviter_id, t2, sizeof t2, sig));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-frame/round-trip", test_round_trip);
  g_test_add_func ("/relay-frame/batch", test_batch);
  g_test_add_func ("/relay-frame/payload-limit", test_payload_limit);
  g_test_add_func ("/relay-frame/error-text-cut", test_error_text_cut);
  g_test_add_func ("/relay-frame/bad-frames", test_bad_frames);
  g_test_add_func ("/relay-frame/auth-transcript", test_auth_transcript);
  g_test_add_func ("/relay-frame/sponsor-transcript", test_sponsor_transcript);

  return g_test_run ();
}
