"""The create-wallet command: an address the app receives payments at, on one chain."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.resource_enums import Chain

# What every wallet the gateway holds has been so far: the app's own.
DEFAULT_WALLET_TYPE = "APP"


@dataclass(frozen=True)
class CreateWalletCommand:
    address: str
    chain: Chain
    type: str = DEFAULT_WALLET_TYPE
