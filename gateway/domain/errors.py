"""Every error the gateway reports to a client, named for what went wrong.

    GatewayError                 status  code
    ├── InvalidInput               400   INVALID_INPUT      (problems: list of Problem)
    ├── MalformedUuid              400   MALFORMED_UUID     (a path id that is no UUID)
    ├── PayloadTooLarge            413   PAYLOAD_TOO_LARGE
    ├── NotAcceptable              406   NOT_ACCEPTABLE
    ├── UnsupportedMediaType       415   UNSUPPORTED_MEDIA_TYPE
    ├── RequestTimeout             408   REQUEST_TIMEOUT
    ├── BusinessRuleViolation      400   (subclass code)
    │   ├── DueDateInPast                DUE_DATE_IN_PAST
    │   ├── SendDateAfterDueDate         SEND_DATE_AFTER_DUE_DATE
    │   ├── ProductNotFound              PRODUCT_NOT_FOUND
    │   ├── InvalidTransition            INVALID_TRANSITION
    │   ├── InvoiceNumbered              INVOICE_NUMBERED   (delete: void it instead)
    │   ├── InvalidWebhookUrl            INVALID_WEBHOOK_URL
    │   ├── WebhookEndpointDisabled      WEBHOOK_ENDPOINT_DISABLED
    │   ├── ForeignAppId                 FOREIGN_APP_ID
    │   ├── TaxRateFixed                 TAX_RATE_FIXED
    │   ├── InvalidWalletAddress         INVALID_WALLET_ADDRESS
    │   ├── WalletAlreadyExists    409   WALLET_ALREADY_EXISTS
    │   ├── WalletInUse            409   WALLET_IN_USE
    │   ├── InvalidPayment               INVALID_PAYMENT
    │   │   └── Overpayment / PartialPaymentNotAllowed / PaymentMethodNotAccepted
    │   ├── CustomerNotInvoiceable       CUSTOMER_NOT_INVOICEABLE
    │   ├── ProductInactive              PRODUCT_INACTIVE
    │   ├── TaxInactive                  TAX_INACTIVE
    │   ├── CurrencyMismatch             CURRENCY_MISMATCH
    │   └── DiscountExceedsAmount        DISCOUNT_EXCEEDS_AMOUNT
    ├── NotFound                   404   (subclass code)
    │   ├── CustomerNotFound / WalletNotFound / TaxNotFound / InvoiceNotFound
    │   ├── AppNotFound / WebhookEndpointNotFound / WebhookMessageNotFound
    │   ├── CreditNotAllowed             CREDIT_NOT_ALLOWED  (a DRAFT or VOID invoice)
    │   └── CreditExceedsInvoice         CREDIT_EXCEEDS_INVOICE
    ├── NotFound                   404   (subclass code)
    │   ├── CustomerNotFound / WalletNotFound / TaxNotFound / InvoiceNotFound
    │   ├── AppNotFound / WebhookEndpointNotFound / CreditNoteNotFound
    │   ├── WalletMissing (a product's walletId) / ProductMissing (a product route)
    │   ├── TaxIdNotFound (a tax named by its own id)   TAX_NOT_FOUND
    │   └── RecurringInvoiceNotFound     RECURRING_INVOICE_NOT_FOUND
    ├── Unauthorized               401   UNAUTHENTICATED
    ├── RateLimited                429   RATE_LIMITED
    ├── IdempotencyInFlight        409   IDEMPOTENCY_IN_FLIGHT
    ├── IdempotencyKeyReused       422   IDEMPOTENCY_KEY_REUSED
    ├── ConcurrentModification     409   CONCURRENT_MODIFICATION
    ├── AppNameTaken               409   APP_NAME_TAKEN
    ├── CustomerEmailTaken         409   CUSTOMER_EMAIL_TAKEN
    ├── VersionMismatch            412   VERSION_MISMATCH   (current: the version it is at)
    ├── CursorExpired              410   CURSOR_EXPIRED     (oldest: the oldest event kept)
    └── ServiceUnavailable         503   SERVICE_UNAVAILABLE

Each surface maps this tree once: NestJS-style JSON for REST, error codes for GraphQL.
An error about one field of a command carries its `path` there (see
gateway.domain.problems), so a surface can place it without reading the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gateway.domain.problems import Path, Problem


class GatewayError(Exception):
    status_code = 500
    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(GatewayError):
    status_code = 400
    code = "INVALID_INPUT"

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        """A str is a problem with no path: a whole sentence."""
        self.problems = [
            problem if isinstance(problem, Problem) else Problem((), self.code, problem)
            for problem in problems
        ]
        super().__init__("; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [problem.text for problem in self.problems]


class PayloadTooLarge(GatewayError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class RequestTimeout(GatewayError):
    status_code = 408
    code = "REQUEST_TIMEOUT"

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Request body not received within {seconds:g} seconds")


class BusinessRuleViolation(GatewayError):
    status_code = 400
    code = "BUSINESS_RULE"
    path: Path = ()


class DueDateInPast(BusinessRuleViolation):
    code = "DUE_DATE_IN_PAST"
    path = ("due_date",)

    def __init__(self) -> None:
        super().__init__("Due date cannot be in the past")


class SendDateAfterDueDate(BusinessRuleViolation):
    code = "SEND_DATE_AFTER_DUE_DATE"
    path = ("send_date",)

    def __init__(self) -> None:
        super().__init__("Send date cannot be after due date")


class ProductNotFound(BusinessRuleViolation):
    code = "PRODUCT_NOT_FOUND"

    def __init__(self, product_id: str, index: int | None = None) -> None:
        """`index`: the item that names it, when the product comes from a command's items."""
        super().__init__(f"Product with ID '{product_id}' not found")
        self.product_id = product_id
        self.path = ("items",) if index is None else ("items", index, "product_id")


class InvalidTransition(BusinessRuleViolation):
    code = "INVALID_TRANSITION"


class InvoiceNumbered(BusinessRuleViolation):
    """Deleting an invoice that holds a number would leave a hole in the sequence."""

    code = "INVOICE_NUMBERED"

    def __init__(self, invoice_number: str, status: str) -> None:
        super().__init__(
            f"Invoice {invoice_number} ({status}) holds a number and cannot be deleted: "
            "a numbered invoice is voided, never deleted"
        )


class NotFound(GatewayError):
    status_code = 404
    code = "NOT_FOUND"
    path: Path = ()


class CustomerNotFound(NotFound):
    code = "CUSTOMER_NOT_FOUND"
    path = ("customer_id",)

    def __init__(self) -> None:
        super().__init__("Customer not found")


class WalletNotFound(NotFound):
    code = "WALLET_NOT_FOUND"
    path = ("wallet_id",)

    def __init__(self) -> None:
        super().__init__("Wallet could not be found")


class TaxNotFound(NotFound):
    code = "TAX_NOT_FOUND"
    path = ("tax_id",)

    def __init__(self) -> None:
        super().__init__("Tax could not be found")


class InvoiceNotFound(NotFound):
    code = "INVOICE_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Invoice not found")


class Unauthorized(GatewayError):
    status_code = 401
    code = "UNAUTHENTICATED"

    def __init__(self) -> None:
        super().__init__("Invalid or missing API credentials")


class RateLimited(GatewayError):
    status_code = 429
    code = "RATE_LIMITED"

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"Rate limit exceeded. Maximum {limit} requests per minute.")
        self.limit = limit
        self.retry_after = retry_after


class IdempotencyInFlight(GatewayError):
    status_code = 409
    code = "IDEMPOTENCY_IN_FLIGHT"

    def __init__(self) -> None:
        super().__init__(
            "A request with this idempotency key is still being processed; retry later"
        )


class IdempotencyKeyReused(GatewayError):
    status_code = 422
    code = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self) -> None:
        super().__init__("This idempotency key was already used with a different request body")


class ServiceUnavailable(GatewayError):
    """The database or the store cannot be reached; nothing was done, retry later."""

    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    retry_after = 5  # seconds, sent as Retry-After

    def __init__(self, message: str = "Service temporarily unavailable; retry later") -> None:
        super().__init__(message)


class InvalidPayment(BusinessRuleViolation):
    code = "INVALID_PAYMENT"
    path = ("amount",)


class Overpayment(InvalidPayment):
    code = "OVERPAYMENT"


class PartialPaymentNotAllowed(InvalidPayment):
    code = "PARTIAL_PAYMENT_NOT_ALLOWED"


class PaymentMethodNotAccepted(InvalidPayment):
    code = "PAYMENT_METHOD_NOT_ACCEPTED"
    path = ("method",)


class ConcurrentModification(GatewayError):
    status_code = 409
    code = "CONCURRENT_MODIFICATION"

    def __init__(self) -> None:
        super().__init__("The invoice was changed by another request; retry")


class VersionMismatch(GatewayError):
    """The invoice is not at the version the change was computed from (If-Match,
    expectedVersion): someone changed it since; nothing was changed."""

    status_code = 412
    code = "VERSION_MISMATCH"

    def __init__(self, current: int) -> None:
        super().__init__(
            f"The invoice is at version {current}, not the version expected; "
            "read it again and retry"
        )
        self.current = current


class AppNotFound(NotFound):
    code = "APP_NOT_FOUND"

    def __init__(self, app_id: str | None = None) -> None:
        super().__init__("App not found" if app_id is None else f"App not found: {app_id}")


class CredentialNotFound(NotFound):
    code = "CREDENTIAL_NOT_FOUND"

    def __init__(self, client_key: str) -> None:
        super().__init__(f"Credential not found: {client_key}")


class AppNameTaken(GatewayError):
    status_code = 409
    code = "APP_NAME_TAKEN"

    def __init__(self, name: str, app_id: str) -> None:
        super().__init__(f"An app named {name!r} already exists ({app_id}); choose another name")


class WebhookEndpointNotFound(NotFound):
    code = "WEBHOOK_ENDPOINT_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Webhook endpoint not found")


class WebhookNotFound(WebhookEndpointNotFound):
    """An endpoint named by a /api/v0/webhooks route or a management mutation."""

    def __init__(self) -> None:
        NotFound.__init__(self, "Webhook not found")


class WebhookEndpointDisabled(BusinessRuleViolation):
    """A test event or a replay for an endpoint that takes no deliveries."""

    code = "WEBHOOK_ENDPOINT_DISABLED"

    def __init__(self) -> None:
        super().__init__("Webhook is disabled: enable it first")


class WebhookMessageNotFound(NotFound):
    code = "WEBHOOK_MESSAGE_NOT_FOUND"
    path = ("message_id",)

    def __init__(self) -> None:
        super().__init__("No message with this id was sent to this webhook")


class InvalidWebhookUrl(BusinessRuleViolation):
    code = "INVALID_WEBHOOK_URL"
    path = ("url",)


class TaxIdNotFound(NotFound):
    """The tax a route or mutation names by its own id (TaxNotFound: an invoice's taxId)."""

    code = "TAX_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Tax not found")


class ForeignAppId(BusinessRuleViolation):
    """A tax belongs to the app that makes it: appIds may name that app only."""

    code = "FOREIGN_APP_ID"
    path = ("app_ids",)

    def __init__(self, own_app_id: str, other: str) -> None:
        super().__init__(
            f"appIds may name only the app making the request ({own_app_id}), not {other}"
        )


class TaxRateFixed(BusinessRuleViolation):
    """A FIXED amount or a compound tax has no one percentage to change."""

    code = "TAX_RATE_FIXED"
    path = ("percentage",)

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"percentage can be changed only on a tax of one percentage; this tax is {kind}"
        )


class InvalidWalletAddress(BusinessRuleViolation):
    """The address is not one of its chain's (gateway.domain.wallet_rules)."""

    code = "INVALID_WALLET_ADDRESS"
    path = ("address",)


class WalletAlreadyExists(BusinessRuleViolation):
    """The app has a wallet with this address on this chain (EVM addresses compared
    without case)."""

    status_code = 409
    code = "WALLET_ALREADY_EXISTS"
    path = ("address",)

    def __init__(self, chain: str) -> None:
        super().__init__(f"This app already has a wallet with this address on {chain}")


class WalletInUse(BusinessRuleViolation):
    """Invoices or products name the wallet: it stays (a wallet has no archived state)."""

    status_code = 409
    code = "WALLET_IN_USE"

    def __init__(self) -> None:
        super().__init__("Wallet cannot be deleted: invoices or products use it")


class CustomerEmailTaken(GatewayError):
    """Another customer of the app has this email address (compared in lower case)."""

    status_code = 409
    code = "CUSTOMER_EMAIL_TAKEN"
    path = ("email",)

    def __init__(self) -> None:
        super().__init__("A customer with this email already exists")


class MalformedUuid(GatewayError):
    """A path segment that must be a UUID is not one (NestJS ParseUUIDPipe's answer)."""

    status_code = 400
    code = "MALFORMED_UUID"

    def __init__(self) -> None:
        super().__init__("Validation failed (uuid is expected)")


class ProductMissing(NotFound):
    """The product a route or mutation names is not one of the app's (ProductNotFound is
    an invoice line naming an unknown product: a 400)."""

    code = "PRODUCT_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Product not found.")


class WalletMissing(WalletNotFound):
    """The walletId a product names is not one of the app's wallets."""

    def __init__(self) -> None:
        NotFound.__init__(self, "Wallet not found")


class NotAcceptable(GatewayError):
    status_code = 406
    code = "NOT_ACCEPTABLE"


class UnsupportedMediaType(GatewayError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class CustomerNotInvoiceable(BusinessRuleViolation):
    """A customer that is not ACTIVE gets no new invoice (its invoices stay payable)."""

    code = "CUSTOMER_NOT_INVOICEABLE"
    path = ("customer_id",)

    def __init__(self, status: str) -> None:
        super().__init__(f"Customer is {status} and cannot be invoiced")
        self.status = status


class ProductInactive(BusinessRuleViolation):
    code = "PRODUCT_INACTIVE"

    def __init__(self, product_id: str, name: str, index: int) -> None:
        super().__init__(
            f"Product '{name}' ({product_id}) at items.{index} is INACTIVE and cannot be invoiced"
        )
        self.product_id = product_id
        self.path = ("items", index, "product_id")


class TaxInactive(BusinessRuleViolation):
    code = "TAX_INACTIVE"
    path = ("tax_id",)

    def __init__(self, tax_id: str, name: str) -> None:
        super().__init__(f"Tax '{name}' ({tax_id}) is inactive and cannot be applied")
        self.tax_id = tax_id


class CurrencyMismatch(BusinessRuleViolation):
    """A product priced in another denomination than the invoice's currency."""

    code = "CURRENCY_MISMATCH"

    def __init__(
        self, product_id: str, name: str, index: int, product_currency: str, currency: str
    ) -> None:
        super().__init__(
            f"Product '{name}' ({product_id}) at items.{index} is priced in "
            f"{product_currency} and cannot be invoiced in {currency}"
        )
        self.product_id = product_id
        self.path = ("items", index, "product_id")


class CursorExpired(GatewayError):
    """Events after the cursor were deleted by retention: reading on would skip them."""

    status_code = 410
    code = "CURSOR_EXPIRED"

    def __init__(self, after: int, oldest: int) -> None:
        super().__init__(
            f"The cursor {after} has expired: events before {oldest} are no longer kept. "
            f"Restart from after={oldest - 1} (the oldest event kept), or without after"
        )
        self.after = after
        self.oldest = oldest


class RecurringInvoiceNotFound(NotFound):
    code = "RECURRING_INVOICE_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Recurring invoice not found")


class DiscountExceedsAmount(BusinessRuleViolation):
    """A fixed discount larger than the line (items.N.discount) or the invoice (discount)
    it comes off: a discount never makes either negative."""

    code = "DISCOUNT_EXCEEDS_AMOUNT"

    def __init__(self, path: Path, discount: Decimal, amount: Decimal) -> None:
        where = "the invoice" if path == ("discount",) else f"items.{path[1]}"
        super().__init__(
            f"The discount at {'.'.join(str(part) for part in path)} ({discount}) is more "
            f"than {where} comes to before it ({amount}); a discount cannot make it negative"
        )
        self.path = path


class CreditNotAllowed(BusinessRuleViolation):
    """An invoice in a status credit notes cannot correct."""

    code = "CREDIT_NOT_ALLOWED"

    def __init__(self, status: str) -> None:
        super().__init__(f"Cannot credit a {status} invoice: only an issued invoice is credited")
        self.status = status


class CreditExceedsInvoice(BusinessRuleViolation):
    code = "CREDIT_EXCEEDS_INVOICE"

    def __init__(self, total: object, creditable: object) -> None:
        super().__init__(
            f"A credit of {total} exceeds what is left to credit on the invoice ({creditable})"
        )


class CreditNoteNotFound(NotFound):
    code = "CREDIT_NOTE_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Credit note not found")
