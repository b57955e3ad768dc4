"""An app's wallets: add one (its address checked against its chain, one wallet per
address and chain), list them, remove one nothing uses.

A wallet has no archived state, so one that invoices or products name cannot be deleted
(WalletInUse): unlike the other resources, which are archived then. Each write is one
transaction that also queues its wallet.created / wallet.deleted event.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.reads import row_by_id
from gateway.db.references import Referenced, in_use
from gateway.db.rows import WalletRow, row_of
from gateway.db.tables import Wallet
from gateway.db.wallet_lists import app_wallets
from gateway.db.wallet_writes import delete_wallet_row, lock_app_wallets, wallet_with_address
from gateway.domain.errors import AppNotFound, WalletAlreadyExists, WalletInUse, WalletNotFound
from gateway.domain.wallet_rules import EVM_CHAINS, address_key, checked_create
from gateway.domain.wallets import CreateWalletCommand
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.wallet_json import render_wallet


async def _emit(
    session: AsyncSession, caller: Caller, wallet: WalletRow, action: str, now: datetime
) -> None:
    data = render_wallet(wallet, caller.app_name)
    await emit_resource_event(
        session, caller.app_id, ResourceType.WALLET, wallet.id, action, data, now
    )


async def create_wallet(
    runtime: Runtime, caller: Caller, command: CreateWalletCommand
) -> WalletRow:
    """The new wallet. InvalidInput or InvalidWalletAddress for a command that breaks
    gateway.domain.wallet_rules, WalletAlreadyExists for an address the app has on the
    chain already."""
    command = checked_create(command)
    chain = command.chain
    # Stored as the demo wallet has it ("ETHEREUM"): the invoice JSON shows it as stored.
    blockchain = chain.name
    now = runtime.clock()
    async with runtime.sessions() as session:
        if not await lock_app_wallets(session, caller.app_id):
            raise AppNotFound(caller.app_id)
        key = address_key(chain, command.address)
        folded = chain in EVM_CHAINS
        if await wallet_with_address(session, caller.app_id, blockchain, key, folded=folded):
            raise WalletAlreadyExists(chain.value)
        wallet = Wallet(
            id=str(uuid.uuid4()),
            app_id=caller.app_id,
            address=command.address,
            blockchain=blockchain,
            type=command.type,
            created_at=now,
            updated_at=now,
        )
        session.add(wallet)
        await session.flush()
        row = row_of(WalletRow, wallet)
        await _emit(session, caller, row, "created", now)
        await session.commit()
    return row


async def list_wallets(runtime: Runtime, caller: Caller) -> list[WalletRow]:
    """The app's wallets, oldest first."""
    async with runtime.sessions() as session:
        return await app_wallets(session, caller.app_id)


async def delete_wallet(runtime: Runtime, caller: Caller, wallet_id: str) -> WalletRow:
    """Removes the app's wallet; returns it as it was. WalletNotFound for no wallet of
    the app, WalletInUse if an invoice or a product names it."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        row = await row_by_id(session, WalletRow, caller.app_id, wallet_id)
        if row is None:
            raise WalletNotFound()
        if await in_use(session, Referenced.WALLET, caller.app_id, row.id):
            raise WalletInUse()
        try:
            await delete_wallet_row(session, caller.app_id, row.id)
        except IntegrityError as exc:
            # An invoice or product naming it was committed since the check.
            raise WalletInUse() from exc
        await _emit(session, caller, row, "deleted", now)
        await session.commit()
    return row
