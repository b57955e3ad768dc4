"""Wallet addresses per chain: real addresses pass, near misses (one character changed,
wrong length, a broken checksum) are refused with a message naming the chain."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gateway.domain.errors import InvalidInput, InvalidWalletAddress
from gateway.domain.resource_enums import Chain
from gateway.domain.wallet_rules import (
    EVM_CHAINS,
    address_key,
    address_problem,
    base58_decode,
    checked_create,
    eip55_checksum,
)
from gateway.domain.wallets import CreateWalletCommand

# The EIP-55 specification's own examples: checksummed, then all upper and all lower case.
EIP55_CHECKSUMMED = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]
EVM_GOOD = [
    *EIP55_CHECKSUMMED,
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",  # USDC, Ethereum
    "0xdAC17F958D2ee523a2206206994597C13D831ec7",  # USDT, Ethereum
    "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",  # USDC, Polygon
    "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E",  # USDC, Avalanche C-Chain
    "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",  # USDC, Base
    "0x0000000000000000000000000000000000000000",
]
SOLANA_GOOD = [
    "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",  # USDC mint (44 characters)
    "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",  # USDT mint
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",  # SPL token program (43)
    "So11111111111111111111111111111111111111112",  # wrapped SOL
    "11111111111111111111111111111111",  # system program: 32 zero bytes (32)
]
TRON_GOOD = [
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",  # USDT (TRC-20)
    "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8",  # USDC (TRC-20)
    "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb",  # the zero account
]

EVM_FORMAT = "expected 0x followed by 40 hexadecimal digits"
EVM_CHECKSUM = "its mixed-case letters do not match the EIP-55 checksum"
SOLANA_FORMAT = "expected 32 to 44 base58 characters encoding a 32-byte public key"
TRON_FORMAT = "expected 34 base58 characters starting with T"
TRON_CHECKSUM = "its base58check checksum does not match"

USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
EVM_BAD = {
    "one digit changed": (USDC[:-1] + "9", EVM_CHECKSUM),
    "one letter's case flipped": (USDC.replace("A0b", "a0b"), EVM_CHECKSUM),
    "39 digits": (USDC[:-1], EVM_FORMAT),
    "41 digits": (USDC + "8", EVM_FORMAT),
    "no 0x": (USDC[2:] + "00", EVM_FORMAT),
    "0X prefix": ("0X" + USDC[2:], EVM_FORMAT),
    "not hexadecimal": (USDC[:-1] + "g", EVM_FORMAT),
    "padded": (f" {USDC}", EVM_FORMAT),
    "trailing newline": (f"{USDC}\n", EVM_FORMAT),
    "fullwidth digit": (USDC[:-1] + "\uff18", EVM_FORMAT),
    "the demo wallet's (too short)": ("0x742d35Cc6635C0532925a3b8d", EVM_FORMAT),
    "a tron address": ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", EVM_FORMAT),
}
SOLANA_BAD = {
    "0 (not base58)": ("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10", SOLANA_FORMAT),
    "O (not base58)": ("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1O", SOLANA_FORMAT),
    "I (not base58)": ("IPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", SOLANA_FORMAT),
    "l (not base58)": ("lPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", SOLANA_FORMAT),
    "45 characters": ("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vv", SOLANA_FORMAT),
    "31 characters": ("1" * 31, SOLANA_FORMAT),
    "44 characters, 33 bytes": ("z" * 44, SOLANA_FORMAT),
    "32 characters, 23 bytes": ("2" * 32, SOLANA_FORMAT),
    "an EVM address": (USDC, SOLANA_FORMAT),
}
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
TRON_BAD = {
    "last character changed": (USDT_TRON[:-1] + "u", TRON_CHECKSUM),
    "a middle character changed": (USDT_TRON[:10] + "y" + USDT_TRON[11:], TRON_CHECKSUM),
    "33 characters": (USDT_TRON[:-1], TRON_FORMAT),
    "35 characters": (USDT_TRON + "1", TRON_FORMAT),
    "not starting with T": ("1" + USDT_TRON[1:], TRON_FORMAT),
    "0 (not base58)": (USDT_TRON[:-1] + "0", TRON_FORMAT),
    "lower-case t": ("t" + USDT_TRON[1:], TRON_FORMAT),
    "an EVM address": (USDC, TRON_FORMAT),
}


def _message(chain: Chain, reason: str) -> str:
    return f"is not a valid {chain.value} address: {reason}"


@pytest.mark.parametrize("chain", sorted(EVM_CHAINS))
@pytest.mark.parametrize("address", EVM_GOOD)
def test_evm_addresses_pass_on_every_evm_chain(chain: Chain, address: str) -> None:
    assert address_problem(chain, address) is None


@pytest.mark.parametrize("address", SOLANA_GOOD)
def test_solana_addresses_pass(address: str) -> None:
    assert address_problem(Chain.SOLANA, address) is None


@pytest.mark.parametrize("address", TRON_GOOD)
def test_tron_addresses_pass(address: str) -> None:
    assert address_problem(Chain.TRON, address) is None


@pytest.mark.parametrize("chain", sorted(EVM_CHAINS))
@pytest.mark.parametrize(("address", "reason"), list(EVM_BAD.values()), ids=list(EVM_BAD))
def test_evm_near_misses_are_refused(chain: Chain, address: str, reason: str) -> None:
    problem = address_problem(chain, address)
    assert problem is not None
    assert (problem.path, problem.code) == ((), "INVALID_WALLET_ADDRESS")
    assert problem.message == _message(chain, reason)


@pytest.mark.parametrize(("address", "reason"), list(SOLANA_BAD.values()), ids=list(SOLANA_BAD))
def test_solana_near_misses_are_refused(address: str, reason: str) -> None:
    problem = address_problem(Chain.SOLANA, address)
    assert problem is not None
    assert problem.message == _message(Chain.SOLANA, reason)


@pytest.mark.parametrize(("address", "reason"), list(TRON_BAD.values()), ids=list(TRON_BAD))
def test_tron_near_misses_are_refused(address: str, reason: str) -> None:
    problem = address_problem(Chain.TRON, address)
    assert problem is not None
    assert problem.message == _message(Chain.TRON, reason)


def test_every_chain_has_an_address_format() -> None:
    for chain in Chain:
        assert address_problem(chain, "") is not None
    assert {Chain.ETHEREUM, Chain.POLYGON, Chain.AVALANCHE_C_CHAIN, Chain.BASE} == EVM_CHAINS


@pytest.mark.parametrize("address", EIP55_CHECKSUMMED)
def test_the_checksum_is_eip55s(address: str) -> None:
    assert eip55_checksum(address.lower()) == address
    assert eip55_checksum(address.upper().replace("0X", "0x")) == address


def _base58(data: bytes) -> str:
    """Reference encoder: the inverse the decoder is checked against."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, digit = divmod(number, 58)
        digits = alphabet[digit] + digits
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + digits


def _tron(account: bytes) -> str:
    raw = b"\x41" + account
    return _base58(raw + hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4])


@given(st.binary(max_size=40))
def test_base58_decodes_what_it_encodes(data: bytes) -> None:
    assert base58_decode(_base58(data)) == data


def test_base58_refuses_characters_outside_its_alphabet() -> None:
    assert base58_decode("0OIl") is None
    assert base58_decode("") == b""


@given(st.binary(min_size=20, max_size=20), st.sampled_from(sorted(EVM_CHAINS)))
def test_any_checksummed_account_passes_and_a_flipped_letter_fails(
    account: bytes, chain: Chain
) -> None:
    address = eip55_checksum("0x" + account.hex())
    assert address_problem(chain, address) is None
    letters = [index for index, char in enumerate(address) if char.isalpha() and index > 1]
    assume(letters)
    index = letters[0]
    flipped = address[:index] + address[index].swapcase() + address[index + 1 :]
    digits = flipped[2:]
    # All lower or all upper case carries no checksum: nothing to check.
    assume(digits not in (digits.lower(), digits.upper()))
    problem = address_problem(chain, flipped)
    assert problem is not None and problem.message == _message(chain, EVM_CHECKSUM)


@given(st.binary(min_size=32, max_size=32))
def test_any_solana_public_key_passes(key: bytes) -> None:
    assert address_problem(Chain.SOLANA, _base58(key)) is None


@given(st.binary(min_size=20, max_size=20), st.integers(1, 33), st.sampled_from("23456789abc"))
def test_any_tron_account_passes_and_a_changed_character_fails(
    account: bytes, index: int, replacement: str
) -> None:
    address = _tron(account)
    assert len(address) == 34 and address[0] == "T"
    assert address_problem(Chain.TRON, address) is None
    assume(address[index] != replacement)
    changed = address[:index] + replacement + address[index + 1 :]
    assert address_problem(Chain.TRON, changed) is not None


def test_evm_addresses_compare_without_case_and_the_others_as_written() -> None:
    assert address_key(Chain.BASE, USDC) == USDC.lower()
    assert address_key(Chain.SOLANA, SOLANA_GOOD[0]) == SOLANA_GOOD[0]
    assert address_key(Chain.TRON, USDT_TRON) == USDT_TRON


def test_checked_create_keeps_a_good_command() -> None:
    command = CreateWalletCommand(address=USDT_TRON, chain=Chain.TRON, type="TREASURY")
    assert checked_create(command) is command


@pytest.mark.parametrize(
    ("address", "wallet_type", "messages"),
    [
        ("", "APP", ["address should not be empty"]),
        ("0x" + "a" * 199, "APP", ["address must be shorter than or equal to 200 characters"]),
        ("0x\x00", "APP", ["address must not contain null or surrogate characters"]),
        (USDC, "", ["type should not be empty"]),
        (USDC, "T" * 33, ["type must be shorter than or equal to 32 characters"]),
        (
            "\ud800",
            "A\x00",
            [
                "address must not contain null or surrogate characters",
                "type must not contain null or surrogate characters",
            ],
        ),
    ],
)
def test_checked_create_reports_unstorable_values_as_invalid_input(
    address: str, wallet_type: str, messages: list[str]
) -> None:
    command = CreateWalletCommand(address=address, chain=Chain.ETHEREUM, type=wallet_type)
    with pytest.raises(InvalidInput) as raised:
        checked_create(command)
    assert raised.value.messages == messages


def test_checked_create_names_the_chain_of_a_bad_address() -> None:
    command = CreateWalletCommand(address=USDC, chain=Chain.SOLANA)
    with pytest.raises(InvalidWalletAddress) as raised:
        checked_create(command)
    error = raised.value
    assert (error.code, error.path) == ("INVALID_WALLET_ADDRESS", ("address",))
    assert error.message == f"address {_message(Chain.SOLANA, SOLANA_FORMAT)}"
