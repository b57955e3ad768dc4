"""Closing an invoice without payment: void it (cancelled, nothing due) or mark it
uncollectible (bad debt, still payable), each with an optional reason kept on the
invoice; and which invoices may be deleted instead.

An invoice holds its number from its creation, so only a draft that holds none (an
invoice_number of "") may be deleted; every other one is voided, and the sequence of
numbers keeps no hole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.domain.errors import InvalidInput, InvoiceNumbered
from gateway.domain.status import InvoiceStatus
from gateway.domain.value_rules import Rule, Text, field_problems

MAX_REASON_LENGTH = 500
REASON = Text(MAX_REASON_LENGTH)
RULES: dict[str, Rule[Any]] = {"reason": REASON}


@dataclass(frozen=True)
class CloseRequest:
    """Void or mark uncollectible: why (free text, optional)."""

    reason: str | None = None


def checked_close(request: CloseRequest) -> CloseRequest:
    problems = field_problems(RULES, vars(request))
    if problems:
        raise InvalidInput(problems)
    return request


def ensure_deletable(status: str, invoice_number: str) -> None:
    """A DRAFT without a number may go; any other invoice is voided, never deleted."""
    if invoice_number or status != InvoiceStatus.DRAFT:
        raise InvoiceNumbered(invoice_number or "(unnumbered)", status)
