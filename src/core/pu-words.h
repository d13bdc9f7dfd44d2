/* pu-words.h — the words of short invite codes ("7-purple-sausage")
 *
 * A fixed list of 256 English words, one byte each: lowercase, 3–8 letters,
 * no two within one edit (a letter added, dropped, changed, or two swapped)
 * of each other, so that a typo never makes another word of the list. The
 * list never changes within a code version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_WORDS_COUNT 256
/* Longer input is never a word and gets no suggestion. */
#define PU_WORDS_MAX_LEN 32

const char *pu_words_get     (guint       index);
/* The index of the first @len bytes of @word (ASCII case ignored), or -1. */
int         pu_words_lookup  (const char *word,
                              gsize       len);
/* The one word within two edits of @word (@len bytes) closer than any other,
 * or NULL. */
const char *pu_words_suggest (const char *word,
                              gsize       len);

G_END_DECLS
