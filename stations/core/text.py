"""One check for every text a user gives: names, addresses, notes, reasons, user names.

Every path (import, API, CLI) calls :func:`clean_text` (or :func:`clean_user_name`), so
the same text is accepted or refused, with the same message, wherever it comes from:

- NUL and other control characters are refused (tab and newline only where a field is
  multi-line);
- bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C) are
  refused: they make ``驿站\\u202egnp.exe`` display as something it is not;
- text made only of invisible characters (zero-width spaces, joiners, BOM) is refused;
- text is normalised to NFC (user names to NFKC) and trimmed;
- every field has a length limit (:data:`LIMITS`), the same on every path.

:func:`name_skeleton` maps look-alike letters (Cyrillic ``а``, Greek ``ο``, full-width
forms ...) to one form, so ``аdmin1`` and ``admin1`` can be recognised as the same name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from stations.errors import InvalidInput

# Longest accepted value per field, in characters (after normalisation).
LIMITS: dict[str, int] = {
    "name": 200,
    "address": 500,
    "host": 200,
    "opening_hours": 500,
    "phone": 100,
    "status_reason": 1000,
    "reason": 1000,
    "notes": 4000,
    "note": 4000,
    "user_name": 64,
}
DEFAULT_LIMIT = 1000

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u3164\u115f\u1160")
_BIDI_CLASS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Control characters (category Cc) and bidi controls; regular expressions keep the check
# at C speed, which matters for a 200,000-row ledger.
_FORBIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CLASS}]")
_FORBIDDEN_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CLASS}]")
# Text that shows nothing: spaces, zero-width and other format characters.
_INVISIBLE_ONLY = re.compile(
    "[\\s\u00ad\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f"
    "\u3164\ufeff\ufff9-\ufffb]*"
)


def clean_text(
    value: str | None, field: str, *, multiline: bool = False, limit: int | None = None
) -> str | None:
    """``value`` normalised (NFC, trimmed), or ``None`` for empty text.

    Parameters
    ----------
    value : str or None
        The text as given.
    field : str
        Its field name: picks the length limit and names the field in errors.
    multiline : bool
        Whether newlines and tabs are allowed (notes, reasons).
    limit : int, optional
        Overrides the field's limit.

    Raises
    ------
    stations.errors.InvalidInput
        For control or bidi characters, invisible-only text, or text over the limit.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    text = text.strip()
    if not text:
        return None
    bad = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(text)
    if bad is not None:
        pos, ch = bad.start(), bad.group()
        what = ("文字方向控制符", "a bidirectional control") if ch in BIDI else (
            "控制字符", "a control character")
        raise InvalidInput(
            field,
            f"第{pos + 1}个字符是{what[0]} U+{ord(ch):04X}，不允许 / "
            f"character {pos + 1} is {what[1]} (U+{ord(ch):04X}), which is not allowed",
        )
    if not text.isascii() and _INVISIBLE_ONLY.fullmatch(text):
        raise InvalidInput(
            field, "内容只有不可见字符 / the text has only invisible characters"
        )
    most = limit if limit is not None else LIMITS.get(field, DEFAULT_LIMIT)
    if len(text) > most:
        raise InvalidInput(
            field,
            f"最多{most}个字符，实际{len(text)}个 / at most {most} characters, got {len(text)}",
        )
    return text


_INVISIBLE_CLASS = ("\u00ad\u115f\u1160\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f"
                    "\u3164\ufeff\ufff9-\ufffb")
# Anything that may make clean_text refuse or change a trimmed value, in one pass.
# (line and paragraph separators too: a one-line field folds them, see stations.io.cells.one_line)
_SUSPECT = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CLASS}{_INVISIBLE_CLASS}]")
_SUSPECT_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CLASS}{_INVISIBLE_CLASS}]")
_JOIN = "\ue000"  # a private-use starter: composes with nothing, is neither control nor space


def unclean_indexes(values: Sequence[str | None], field: str, *, multiline: bool = False,
                    limit: int | None = None, trimmed: bool = False,
                    prepare: Callable[[str], str] | None = None) -> list[int]:
    """Indexes of the values :func:`clean_text` would refuse or change (same arguments).

    The whole column is checked at once (one regular-expression pass over the joined text,
    one NFC check), and value by value only when that finds something: the check a
    200,000-row import can afford. ``trimmed`` says the values are known to be trimmed
    and not empty (a ledger's cells are). ``prepare`` is what the caller does to a value
    before :func:`clean_text` (it may change only what that pass finds: control
    characters, line separators).
    """
    present = values if None not in values else [v for v in values if v is not None]
    if not present:
        return []
    whole = _JOIN.join(present)  # type: ignore[arg-type]
    most = limit if limit is not None else LIMITS.get(field, DEFAULT_LIMIT)
    if ((_SUSPECT_MULTILINE if multiline else _SUSPECT).search(whole) is None
            and (whole.isascii() or unicodedata.is_normalized("NFC", whole))
            and (len(whole) <= most or max(map(len, present)) <= most)  # type: ignore[arg-type]
            and (trimmed or (present == list(map(str.strip, present))  # type: ignore[arg-type]
                             and "" not in present))):
        return []
    found = []
    for j, value in enumerate(values):
        if value is None:
            continue
        try:
            ready = prepare(value) if prepare is not None else value
            if clean_text(ready, field, multiline=multiline, limit=limit) != value:
                found.append(j)
        except InvalidInput:
            found.append(j)
    return found


def clean_user_name(value: str | None) -> str:
    """A user name in NFKC, trimmed, one line, 1-64 characters, no spaces inside.

    Raises
    ------
    stations.errors.InvalidInput
    """
    text = clean_text(unicodedata.normalize("NFKC", value or ""), "user_name")
    if not text:
        raise InvalidInput("name", "需要用户名 / a user name is required")
    if any(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        raise InvalidInput("name", "用户名不能含空格或不可见字符 / no spaces or invisible characters")
    return text


# Look-alikes of Latin letters and digits (Cyrillic, Greek, others) -> the Latin form.
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ο": "o", "α": "a",
        "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i", "κ": "k", "χ": "x", "ε": "e",
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
        "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j", "Α": "a",
        "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
        "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "0": "o", "1": "l", "|": "l",
        "5": "s", "$": "s", "@": "a",
    }
)


def name_skeleton(name: str) -> str:
    """A form two look-alike names share: NFKC, case-folded, confusables mapped, ``rn``->``m``."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_CONFUSABLE)
    text = text.replace("i", "l").replace("rn", "m").replace("vv", "w")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")
