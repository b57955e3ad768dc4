"""The checked-in schema.graphql is the schema the code builds."""

from __future__ import annotations

from schema.export import SDL_PATH, sdl


def test_checked_in_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema.graphql is out of date: run `python -m schema.export --write` and commit it"
    )
