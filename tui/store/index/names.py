"""Names as the entity index compares them: the normalised key, the surname, and whether two
spellings are one person. No database here."""

from __future__ import annotations

from functools import lru_cache

from tui.nlp.entities import normalise
from tui.safe_text import one_line

#: Two full names at least this similar (rapidfuzz ratio, 0-100) are one entity.
FUZZY_SAME = 90
#: The last word of a name that tells a son from his father ("Jr.", "II"): not a surname.
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The form names are compared in: normalised (no 'the', possessive, title), lower-cased;
    without invisible characters, so a name with a zero-width space is not a look-alike.
    Remembered: indexing an article asks it of every mention, and names recur."""
    return normalise(one_line(name)).casefold()


def _generation(key: str) -> str:
    """A name's generational suffix ("jr", "ii"), or ''."""
    words = key.split()
    last = words[-1].rstrip(".,") if len(words) > 1 else ""
    return last if last in _GENERATIONS else ""


def surname(key: str) -> str:
    """The last word of a name that is not a generational suffix: "bush" of "george w. bush
    jr."."""
    words = key.split()
    if _generation(key):
        words.pop()
    return words[-1].rstrip(",") if words else key


def _middle(key: str) -> list[str]:
    """The words between a name's first word and its surname."""
    words = key.split()
    if _generation(key):
        words.pop()
    return words[1:-1]


def same_by_score(a: str, b: str) -> bool:
    """Two name keys that spelling alone makes one entity: a letter or two apart, and not
    apart in a middle initial or a generational suffix (father and son are two people)."""
    from rapidfuzz import fuzz  # here: importing it costs ~30 ms of every start-up

    if _generation(a) != _generation(b):
        return False
    middle_a, middle_b = _middle(a), _middle(b)
    initials = any("." in word or len(word) == 1 for word in (*middle_a, *middle_b))
    if initials and "".join(middle_a).replace(".", "") != "".join(middle_b).replace(".", ""):
        return False
    return fuzz.ratio(a, b) >= FUZZY_SAME
