"""@mentions in messages: "@Prénom Nom" names a person whatever the case and the accents
typed, and when two names could match ("@Marie Dupont" and "@Marie Dupont-Léger") the longest
one wins.

The same matcher finds whom a message mentions when it is written (to record and notify
them) and where to highlight them when it is shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models.people import fold


@dataclass(frozen=True)
class Mention:
    start: int  # in the original text, "@" included
    end: int
    name: str  # the folded name it matched, a key of the names given


def mention_key(name: str) -> str:
    """How a name is compared: folded, its spaces collapsed."""
    return " ".join(fold(name).split())


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    # Folding may change the length of the text ("ß" becomes "ss", a combining accent
    # disappears): keep, for each folded character, the position it came from.
    folded, positions = [], []
    for index, character in enumerate(text):
        for folded_character in fold(character):
            folded.append(folded_character)
            positions.append(index)
    return "".join(folded), positions


def find_mentions(text: str, names: Iterable[str]) -> list[Mention]:
    """Every "@Name" of `text` that names one of `names`, in order."""
    keys = {mention_key(name) for name in names} - {""}
    if not keys or "@" not in (text or ""):
        return []
    lengths = sorted({len(key) for key in keys}, reverse=True)
    folded, positions = _folded_with_positions(text)
    mentions = []
    index = folded.find("@")
    while index != -1:
        # An e-mail address (bob@example.org) mentions nobody.
        if index == 0 or not folded[index - 1].isalnum():
            for length in lengths:
                end = index + 1 + length
                if end > len(folded) or (end < len(folded) and folded[end].isalnum()):
                    continue
                candidate = folded[index + 1:end]
                if candidate in keys:
                    start_at = positions[index]
                    end_at = positions[end - 1] + 1
                    # Keep the accents typed as combining marks inside the mention.
                    while end_at < len(text) and not fold(text[end_at]):
                        end_at += 1
                    mentions.append(Mention(start_at, end_at, candidate))
                    index = end - 1
                    break
        index = folded.find("@", index + 1)
    return mentions
