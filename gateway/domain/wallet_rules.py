"""What a wallet's address must look like on its chain, and the create-wallet command's
rules.

- EVM chains (ethereum, polygon, avalanche_c_chain, base): "0x" and 40 hexadecimal
  digits. In mixed case the letters carry the EIP-55 checksum (upper case where the
  Keccak-256 of the lower-case address has a nibble >= 8) and must match it; all lower
  or all upper case carries none. One account: compared without case.
- solana: an Ed25519 public key, 32 bytes in base58: 32 to 44 characters.
- tron: base58check of 0x41 and the 20-byte account: 34 characters starting with "T",
  the last 4 bytes the first 4 of SHA-256(SHA-256(the 21 before)).

`address_problem` reports a malformed address as a Problem; `checked_create` runs every
rule and raises what the caller must fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from Crypto.Hash import keccak

from gateway.domain.errors import InvalidInput, InvalidWalletAddress
from gateway.domain.problems import Problem
from gateway.domain.resource_enums import Chain
from gateway.domain.value_rules import Rule, Text, field_problems
from gateway.domain.wallets import CreateWalletCommand

EVM_CHAINS = frozenset({Chain.ETHEREUM, Chain.POLYGON, Chain.AVALANCHE_C_CHAIN, Chain.BASE})

ADDRESS = Text(200, required=True)
TYPE = Text(32, required=True)
RULES: dict[str, Rule[Any]] = {"address": ADDRESS, "type": TYPE}

_EVM = re.compile(r"0x[0-9a-fA-F]{40}")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_DIGITS = {char: digit for digit, char in enumerate(_BASE58)}
_SOLANA_LENGTHS = range(32, 45)
_TRON_LENGTH = 34
_TRON_PREFIX = 0x41


def eip55_checksum(address: str) -> str:
    """`address` ("0x" + 40 hex digits, any case) with its EIP-55 letter case."""
    digits = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=digits.encode("ascii")).hexdigest()
    pairs = zip(digits, digest[: len(digits)], strict=True)
    return "0x" + "".join(char.upper() if int(nibble, 16) >= 8 else char for char, nibble in pairs)


def base58_decode(text: str) -> bytes | None:
    """The bytes `text` encodes (each leading "1" a zero byte); None if a character is not
    in the base58 alphabet."""
    number = 0
    for char in text:
        digit = _BASE58_DIGITS.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _evm(address: str) -> str | None:
    if not _EVM.fullmatch(address):
        return "expected 0x followed by 40 hexadecimal digits"
    digits = address[2:]
    if digits in (digits.lower(), digits.upper()) or eip55_checksum(address) == address:
        return None
    return "its mixed-case letters do not match the EIP-55 checksum"


def _solana(address: str) -> str | None:
    if len(address) in _SOLANA_LENGTHS:
        key = base58_decode(address)
        if key is not None and len(key) == 32:
            return None
    return "expected 32 to 44 base58 characters encoding a 32-byte public key"


def _tron(address: str) -> str | None:
    raw = base58_decode(address) if len(address) == _TRON_LENGTH else None
    if not address.startswith("T") or raw is None or len(raw) != 25 or raw[0] != _TRON_PREFIX:
        return "expected 34 base58 characters starting with T"
    if hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] != raw[21:]:
        return "its base58check checksum does not match"
    return None


_FORMATS: dict[Chain, Callable[[str], str | None]] = {
    **dict.fromkeys(EVM_CHAINS, _evm),
    Chain.SOLANA: _solana,
    Chain.TRON: _tron,
}


def address_problem(chain: Chain, address: str) -> Problem | None:
    """Why `address` is no address on `chain`; None if it is one."""
    reason = _FORMATS[chain](address)
    if reason is None:
        return None
    return Problem((), "INVALID_WALLET_ADDRESS", f"is not a valid {chain.value} address: {reason}")


def address_key(chain: Chain, address: str) -> str:
    """What two addresses of one account on `chain` have in common: EVM addresses
    without case, the others as written (base58 is case-sensitive)."""
    return address.lower() if chain in EVM_CHAINS else address


def checked_create(command: CreateWalletCommand) -> CreateWalletCommand:
    """The command if every rule holds; else InvalidInput (address empty, too long or
    unstorable; a bad type) or InvalidWalletAddress (no address on its chain)."""
    problems = field_problems(RULES, vars(command))
    if problems:
        raise InvalidInput(problems)
    problem = address_problem(command.chain, command.address)
    if problem is not None:
        raise InvalidWalletAddress(problem.under("address").text)
    return command
