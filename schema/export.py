"""Print the schema's SDL, or write it to the checked-in schema.graphql.

python -m schema.export          # print
python -m schema.export --write  # update schema.graphql at the repository root
"""

from __future__ import annotations

import sys
from pathlib import Path

from strawberry.printer import print_schema

from schema.schema import schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    return print_schema(schema) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        SDL_PATH.write_text(sdl(), encoding="utf-8")
        print(f"wrote {SDL_PATH}")
    elif not argv:
        sys.stdout.write(sdl())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
