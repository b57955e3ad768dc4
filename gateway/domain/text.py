"""Text a database can hold. PostgreSQL's text refuses the NUL character, and a lone
surrogate (U+D800-U+DFFF) is not UTF-8, which both PostgreSQL and SQLite store: an id,
token or key holding either can name no row, and sending it to the database fails."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None
