"""createWallet and deleteWallet, through gateway.services.wallets (the wallet list is
GET /api/v0/wallets and the `wallets` query)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.db.rows import WalletRow
from gateway.domain.errors import InvalidInput, NotFound, WalletNotFound
from gateway.domain.wallets import DEFAULT_WALLET_TYPE, CreateWalletCommand
from gateway.services.idempotency import idempotency_key
from gateway.services.wallets import create_wallet, delete_wallet
from schema.context import Context
from schema.enums import Chain
from schema.once import create_once
from schema.types import Wallet
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]


@strawberry.input(description="A wallet to add: an address the app is paid at, on one chain.")
class CreateWalletInput:
    address: str = strawberry.field(
        description=(
            "EVM chains (ethereum, polygon, avalanche_c_chain, base): 0x and 40 hex digits, "
            "mixed case only with a matching EIP-55 checksum; solana: a base58 public key "
            "(32 to 44 characters); tron: a base58check address starting with T (34)."
        )
    )
    chain: Chain
    type: str | None = strawberry.field(
        default=None, description=f"1 to 32 characters; {DEFAULT_WALLET_TYPE} by default."
    )

    def to_command(self) -> CreateWalletCommand:
        wallet_type = DEFAULT_WALLET_TYPE if self.type is None else self.type
        return CreateWalletCommand(address=self.address, chain=self.chain, type=wallet_type)


@strawberry.type
class CreateWalletPayload:
    wallet: Wallet | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key named a wallet created earlier.",
    )


@strawberry.type
class DeleteWalletPayload:
    wallet: Wallet | None = strawberry.field(description="The wallet removed, as it was.")
    user_errors: list[UserError]


async def resolve_create_wallet(
    info: Info,
    wallet_input: Annotated[CreateWalletInput, strawberry.argument(name="input")],
    idempotency_key_argument: Annotated[
        str | None, strawberry.argument(name="idempotencyKey")
    ] = None,
) -> CreateWalletPayload:
    context = info.context
    try:
        idempotency_key(context.request.headers, idempotency_key_argument)
    except InvalidInput as exc:
        return CreateWalletPayload(wallet=None, user_errors=user_errors(exc, prefix=()))
    command = wallet_input.to_command()
    created_row: WalletRow | None = None

    async def create() -> str:
        nonlocal created_row
        created_row = await create_wallet(context.runtime, context.caller, command)
        return created_row.id

    loader = context.loaders.wallets
    try:
        created = await create_once(
            context, "createWallet", idempotency_key_argument, command, create
        )
    except USER_ERRORS as exc:
        return CreateWalletPayload(wallet=None, user_errors=user_errors(exc))
    loader.clear(created.id)
    if created_row is not None:
        loader.prime(created.id, created_row)
    row = await loader.load(created.id)
    if row is None:  # deleted since the request the key first came with
        gone = WalletNotFound()
        errors = [UserError(field=None, message=gone.message, code=gone.code)]
        return CreateWalletPayload(wallet=None, user_errors=errors, replayed=True)
    return CreateWalletPayload(
        wallet=Wallet.from_row(row), user_errors=[], replayed=created.replayed
    )


async def resolve_delete_wallet(info: Info, id: strawberry.ID) -> DeleteWalletPayload:
    context = info.context
    try:
        row = await delete_wallet(context.runtime, context.caller, id)
    except NotFound as exc:
        # At the `id` argument: the error's own path is an invoice's walletId.
        errors = [UserError(field=["id"], message=exc.message, code=exc.code)]
        return DeleteWalletPayload(wallet=None, user_errors=errors)
    except USER_ERRORS as exc:
        return DeleteWalletPayload(wallet=None, user_errors=user_errors(exc, prefix=()))
    context.loaders.wallets.clear(row.id)
    return DeleteWalletPayload(wallet=Wallet.from_row(row), user_errors=[])
