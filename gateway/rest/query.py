"""A v0 route's query string: each parameter it accepts, read once and checked; one it
does not know is a 400 that names it and lists the accepted ones (a filter that was
silently ignored would answer with the whole list).

    query = Query(request, accepted=("skip", "take", "status"), aliases={"customer_id": "customer"})
    skip = query.integer("skip", default=0, low=0, high=1_000_000)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from starlette.requests import Request

from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem

MAX_SKIP = 1_000_000


class Query:
    """The accepted parameters of `request`; `aliases` maps another spelling to the name
    a route reads (both are accepted; the documented name wins when both are given)."""

    def __init__(
        self,
        request: Request,
        accepted: Iterable[str],
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self._aliases = dict(aliases or {})
        names = (*accepted, *self._aliases)
        params = request.query_params
        unknown = [name for name in dict.fromkeys(params.keys()) if name not in names]
        if unknown:
            listed = ", ".join(names) or "none"
            raise InvalidInput(
                [
                    Problem(
                        (name,),
                        "UNKNOWN_QUERY_PARAMETER",
                        f"is not an accepted query parameter; accepted: {listed}",
                    )
                    for name in unknown
                ]
            )
        # A value given twice would leave one of them unread (and unchecked).
        repeated = [name for name in dict.fromkeys(params.keys()) if len(params.getlist(name)) > 1]
        if repeated:
            raise InvalidInput(
                [
                    Problem((name,), "REPEATED_QUERY_PARAMETER", "must be given once")
                    for name in repeated
                ]
            )
        self._values: dict[str, str] = {}
        # The spelling each value came under: a problem names what the client sent.
        self._spelled: dict[str, str] = {}
        for alias, name in self._aliases.items():
            if alias in params:
                self._values[name], self._spelled[name] = params[alias], alias
        for name in accepted:
            if name in params:
                self._values[name], self._spelled[name] = params[name], name
        self.problems: list[str] = []

    def label(self, name: str) -> str:
        """The name the client sent parameter `name` under."""
        return self._spelled.get(name, name)

    def text(self, name: str) -> str | None:
        """The value, or None when absent or empty."""
        return self._values.get(name) or None

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        raw = self._values.get(name)
        if raw is None or raw == "":
            return default
        # str.isdigit() alone also passes "²" (int() fails on it) and Arabic-Indic digits.
        if not (raw.isascii() and raw.isdigit()):
            raise InvalidInput([f"{self.label(name)} must be an integer number"])
        digits = raw.lstrip("0") or "0"
        # Past int()'s 4300-digit limit for str conversion, and needlessly slow before it.
        value = int(digits) if len(digits) <= len(str(high)) else high + 1
        if value < low:
            raise InvalidInput([f"{self.label(name)} must not be less than {low}"])
        if value > high:
            raise InvalidInput([f"{self.label(name)} must not be greater than {high}"])
        return value

    def day(self, name: str) -> date | None:
        """A YYYY-MM-DD date; a bad one is kept in `problems`."""
        raw = self._values.get(name)
        if raw is None or raw == "":
            return None
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            self.problems.append(f"{self.label(name)} must be a valid date in YYYY-MM-DD format")
            return None

    def boolean(self, name: str) -> bool | None:
        """ "true" or "false"; anything else is kept in `problems`."""
        raw = self._values.get(name)
        if raw is None or raw == "":
            return None
        if raw in ("true", "false"):
            return raw == "true"
        self.problems.append(f"{self.label(name)} must be a boolean value")
        return None

    def check(self) -> None:
        """InvalidInput with every problem kept so far."""
        if self.problems:
            raise InvalidInput(self.problems)
