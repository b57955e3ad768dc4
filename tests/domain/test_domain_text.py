from __future__ import annotations

import pytest

from gateway.domain.text import is_storable


@pytest.mark.parametrize("text", ["", "inv_123", "Straße 1, Zürich", "😀", "\x01\x7f\ufffd"])
def test_storable(text: str) -> None:
    assert is_storable(text)


@pytest.mark.parametrize("text", ["\x00", "inv_\x00", "\ud800", "a\udfffb", "\udc80"])
def test_unstorable(text: str) -> None:
    assert not is_storable(text)
