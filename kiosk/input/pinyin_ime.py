"""A small pinyin input method for the few Chinese fields the ID card does not fill
(emergency contact name, addresses), built from pypinyin's own dictionaries: no download.

Typing letters gives candidates: whole phrases whose toneless pinyin is what was typed
(beijing -> 北京), then single characters for the first syllable. Common characters (GB 2312
level 1) come before rare ones, since that table holds the characters in everyday use.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from pypinyin import Style
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.style import convert as convert_style

MAX_CANDIDATES = 60  # the keypad shows them a page at a time
# Every toneless syllable, longest first, for splitting "xian" style input greedily.
_MAX_SYLLABLE = 6


def toneless(reading: str) -> str:
    return convert_style(reading, Style.NORMAL, strict=False).replace("ü", "v")


def commonness(char: str) -> int:
    """0 for GB 2312 level-1 characters (everyday), 1 for level 2, 2 for the rest."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return 2
    if len(encoded) != 2:
        return 2
    return 0 if 0xB0 <= encoded[0] <= 0xD7 else 1


@lru_cache(maxsize=1)
def _phrase_counts() -> Counter[str]:
    """In how many of pypinyin's phrases each character appears: the only measure of how
    common a character is that ships offline (建 is in dozens of phrases, 笺 in one)."""
    counts: Counter[str] = Counter()
    for phrase in phrases_dict:
        counts.update(set(phrase))
    return counts


@lru_cache(maxsize=1)
def _char_index() -> dict[str, list[str]]:
    """toneless syllable -> characters: those read this way first (the reading a citizen
    means), everyday characters before rare ones, then the ones in more phrases first."""
    index: dict[str, dict[str, bool]] = defaultdict(dict)
    for code, readings in pinyin_dict.items():
        char = chr(code)
        if commonness(char) == 2:
            continue
        for position, reading in enumerate(readings.split(",")):
            primary = index[toneless(reading)].get(char, False)
            index[toneless(reading)][char] = primary or position == 0
    counts = _phrase_counts()
    return {syllable: sorted(chars, key=lambda c: (not chars[c], commonness(c), -counts[c], c.encode("gb2312")))
            for syllable, chars in index.items()}


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for phrase, readings in phrases_dict.items():
        if all(commonness(ch) < 2 for ch in phrase):
            index["".join(toneless(r[0]) for r in readings)].append(phrase)
    return dict(index)


def split_syllables(letters: str) -> list[str]:
    """Greedy split of typed letters into known syllables: "xianggang" -> ["xiang", "gang"]."""
    syllables, rest = [], letters
    index = _char_index()
    while rest:
        for size in range(min(_MAX_SYLLABLE, len(rest)), 0, -1):
            if rest[:size] in index:
                syllables.append(rest[:size])
                rest = rest[size:]
                break
        else:
            return syllables  # the rest is a syllable still being typed
    return syllables


def candidates(letters: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """What the citizen may mean by `letters` (lowercase a-z; v for ü)."""
    letters = letters.lower().strip()
    if not letters.isalpha():
        return []
    found = list(_phrase_index().get(letters, []))
    syllables = split_syllables(letters)
    if syllables:
        found.extend(_char_index().get(syllables[0], []))
    else:
        # Only a partial syllable so far ("zh"): characters of syllables starting with it.
        for syllable, chars in sorted(_char_index().items()):
            if syllable.startswith(letters):
                found.extend(chars[:3])
    unique = list(dict.fromkeys(found))
    return unique[:limit]


def consumed_letters(letters: str, chosen: str) -> int:
    """How many typed letters a chosen candidate stands for, so the rest stays in the buffer."""
    if chosen in _phrase_index().get(letters, []):
        return len(letters)
    syllables = split_syllables(letters)
    return len(syllables[0]) if syllables else len(letters)
