/* pu-words.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-words.h"

#include <string.h>

/* Sorted; the index of a word is the byte it stands for. */
static const char * const words[PU_WORDS_COUNT] = {
  "acorn", "actor", "adult", "agent", "album", "amber", "anchor", "angle", "apple", "apron",
  "arrow", "artist", "atlas", "autumn", "bacon", "badge", "bagel", "baker", "balloon", "bamboo",
  "banana", "banjo", "barrel", "basket", "beaver", "berry", "bicycle", "biscuit", "blanket",
  "blossom", "bottle", "branch", "breeze", "bridge", "bronze", "bubble", "bucket", "buffalo",
  "bugle", "butter", "button", "cabin", "cactus", "camel", "candle", "canoe", "canyon", "carpet",
  "castle", "cedar", "cello", "cement", "cherry", "chess", "chimney", "circus", "citrus",
  "clover", "cobalt", "coffee", "comet", "copper", "coral", "cotton", "cousin", "cowboy",
  "coyote", "crayon", "cricket", "crystal", "cupcake", "curtain", "cushion", "daisy", "dancer",
  "delta", "desert", "diamond", "dinner", "doctor", "dolphin", "dragon", "drum", "eagle",
  "easel", "echo", "eclipse", "elbow", "engine", "falcon", "feather", "fennel", "fiddle",
  "finch", "forest", "fossil", "fountain", "fox", "galaxy", "garden", "garlic", "geyser",
  "ginger", "giraffe", "glacier", "goblet", "gopher", "grape", "gravel", "guitar", "hammock",
  "harbor", "harvest", "hazel", "hedgehog", "helmet", "hermit", "honey", "hornet", "husky",
  "igloo", "island", "ivory", "jacket", "jaguar", "jasmine", "jelly", "jigsaw", "jungle",
  "kayak", "ketchup", "kettle", "kitten", "koala", "ladder", "lagoon", "lantern", "laptop",
  "lemon", "lilac", "lily", "lizard", "lobster", "lotus", "magnet", "mango", "maple", "marble",
  "meadow", "melon", "mercury", "meteor", "monkey", "mosaic", "muffin", "mural", "mushroom",
  "napkin", "nectar", "needle", "noodle", "nutmeg", "oasis", "ocean", "olive", "onion", "orange",
  "orbit", "orchid", "otter", "oyster", "paddle", "panda", "panther", "paper", "parrot", "pasta",
  "peach", "peanut", "pebble", "pepper", "piano", "pickle", "pigeon", "pillow", "pilot",
  "pirate", "pizza", "planet", "plum", "poem", "pony", "poppy", "potato", "pretzel", "pumpkin",
  "puppet", "purple", "puzzle", "quartz", "quill", "rabbit", "radar", "radish", "rainbow",
  "raven", "ribbon", "river", "robin", "rocket", "salmon", "sausage", "scarf", "shadow",
  "sherbet", "signal", "silver", "skate", "sketch", "sleigh", "snowman", "sofa", "spider",
  "spoon", "squash", "squirrel", "statue", "stone", "sugar", "summit", "sunset", "swan",
  "teapot", "thunder", "tiger", "timber", "toast", "tomato", "tractor", "trumpet", "tulip",
  "tunnel", "turnip", "turtle", "tuxedo", "umbrella", "valley", "velvet", "violin", "volcano",
  "waffle", "walnut", "walrus", "whistle", "yogurt", "zebra",
};

const char *
pu_words_get (guint index)
{
  g_return_val_if_fail (index < PU_WORDS_COUNT, NULL);

  return words[index];
}

int
pu_words_lookup (const char *word,
                 gsize       len)
{
  char lower[PU_WORDS_MAX_LEN + 1];
  guint low = 0;
  guint high = PU_WORDS_COUNT;

  g_return_val_if_fail (word != NULL, -1);

  if (len == 0 || len > PU_WORDS_MAX_LEN)
    return -1;
  for (gsize i = 0; i < len; i++)
    lower[i] = g_ascii_tolower (word[i]);
  lower[len] = '\0';

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      int cmp = strcmp (lower, words[mid]);

      if (cmp == 0)
        return (int) mid;
      if (cmp < 0)
        high = mid;
      else
        low = mid + 1;
    }
  return -1;
}

/* Edits (insert, delete, replace, swap two neighbours) from @a to @b, ASCII
 * case ignored; both at most PU_WORDS_MAX_LEN bytes. */
static guint
edit_distance (const char *a,
               gsize       a_len,
               const char *b)
{
  guint d[PU_WORDS_MAX_LEN + 1][PU_WORDS_MAX_LEN + 1];
  gsize b_len = strlen (b);

  g_assert (a_len <= PU_WORDS_MAX_LEN && b_len <= PU_WORDS_MAX_LEN);
  for (gsize i = 0; i <= a_len; i++)
    d[i][0] = (guint) i;
  for (gsize j = 0; j <= b_len; j++)
    d[0][j] = (guint) j;
  for (gsize i = 1; i <= a_len; i++)
    for (gsize j = 1; j <= b_len; j++)
      {
        char ca = g_ascii_tolower (a[i - 1]);
        guint cost = ca == b[j - 1] ? 0 : 1;

        d[i][j] = MIN (MIN (d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && ca == b[j - 2] && g_ascii_tolower (a[i - 2]) == b[j - 1])
          d[i][j] = MIN (d[i][j], d[i - 2][j - 2] + 1);
      }
  return d[a_len][b_len];
}

const char *
pu_words_suggest (const char *word,
                  gsize       len)
{
  const char *best = NULL;
  guint best_distance = 3;
  gboolean tie = FALSE;

  g_return_val_if_fail (word != NULL, NULL);

  if (len == 0 || len > PU_WORDS_MAX_LEN)
    return NULL;
  for (guint i = 0; i < PU_WORDS_COUNT; i++)
    {
      guint d = edit_distance (word, len, words[i]);

      if (d < best_distance)
        {
          best = words[i];
          best_distance = d;
          tie = FALSE;
        }
      else if (d == best_distance)
        {
          tie = TRUE;
        }
    }
  return tie ? NULL : best;
}
