"""The create-wallet request body: one field table, v0-style names -> command fields. v0
documents no wallet body (only the list); these are the names its wallet JSON shows. See
gateway.rest.v0_fields for how a table is read."""

from __future__ import annotations

from gateway.domain import wallet_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.resource_enums import Chain
from gateway.domain.value_rules import Choice
from gateway.domain.wallets import DEFAULT_WALLET_TYPE, CreateWalletCommand
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

CHAIN = Choice(list(Chain))

WALLET_FIELDS = (
    V0Field("address", "address", Kind.TEXT, required=True, rule=rules.ADDRESS),
    V0Field("chain", "chain", Kind.ENUM, required=True, choice=CHAIN),
    V0Field("type", "type", Kind.TEXT, rule=rules.TYPE),
)


def parse_create_wallet(payload: object) -> CreateWalletCommand:
    """The command; its address is checked against its chain by the service."""
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), WALLET_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    wallet_type = DEFAULT_WALLET_TYPE if values["type"] is None else values["type"]
    return CreateWalletCommand(address=values["address"], chain=values["chain"], type=wallet_type)
