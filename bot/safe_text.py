"""Text that people typed, made safe to store, print and export: no control or invisible characters.

A name containing U+202E (RIGHT-TO-LEFT OVERRIDE) shows reversed in the office's terminal and in
Excel, so 「山田\\u202e郎太」 reads as another person; control characters can move the cursor or
rewrite a line in a terminal, and a line feed can start a formula in a CSV cell. Before storing or
printing a name or a free text, Manabi removes:

* C0/C1 control characters (a free text keeps its line breaks; tabs and, in a one-line value, line
  breaks become spaces; the full-width space of 「山田　花子」 is kept);
* bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
  U+200E, U+200F, U+061C);
* zero-width and other invisible format characters (U+200B, U+2060, U+FEFF …), and the line and
  paragraph separators U+2028/U+2029 (a line break in a free text, a space in a name).
"""

from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
_STRIP = re.compile(f"[{_BIDI_CONTROLS}{_INVISIBLE}]")
_SEPARATORS = re.compile("[\u2028\u2029\u0085]")


def _without_controls(text: str, keep: str) -> str:
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf"))


def clean_line(text: str | None) -> str:
    """A one-line value (a name, a department, a 職員番号): controls removed, whitespace runs as one space."""
    value = _SEPARATORS.sub(" ", _STRIP.sub("", text or ""))
    value = _without_controls(re.sub(r"[\t\r\n\v\f]", " ", value), keep="")
    return re.sub(r" {2,}", " ", value).strip()


def clean_text(text: str | None) -> str:
    """A free text (志望動機, a question): line breaks kept (as \\n), other controls removed."""
    value = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    value = _SEPARATORS.sub("\n", _STRIP.sub("", value)).replace("\t", " ")
    return _without_controls(value, keep="\n").strip()
