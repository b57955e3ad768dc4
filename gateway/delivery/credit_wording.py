"""The words credit notes add to the invoice's (gateway.delivery.wording), per template
language: the credit note PDF and email, and the credited rows of the invoice PDF."""

from __future__ import annotations

from typing import TypedDict

from gateway.domain.formatting import language


class CreditWords(TypedDict):
    credit_note: str
    credit_note_number: str  # {number}
    for_invoice: str  # {number}
    reason: str
    reasons: dict[str, str]
    memo: str
    tax: str
    credited: str
    amount_credited: str
    credit_applied: str
    applied: str
    refunded: str  # {method}: the refund's method, or "" when none was given
    to_balance: str
    subject: str  # {number} {app}
    opening: str  # {app} {number} {invoice}
    attached: str


_EN = CreditWords(
    credit_note="Credit note",
    credit_note_number="Credit note {number}",
    for_invoice="For invoice {number}",
    reason="Reason",
    reasons={
        "duplicate": "Duplicate",
        "fraudulent": "Fraudulent",
        "order_change": "Order change",
        "product_unsatisfactory": "Product unsatisfactory",
    },
    memo="Memo",
    tax="Tax",
    credited="Total credited",
    amount_credited="Amount credited",
    credit_applied="Credit applied",
    applied="Applied to the amount due",
    refunded="Refunded{method}",
    to_balance="Added to your credit balance",
    subject="Credit note {number} from {app}",
    opening="{app} has issued credit note {number} for invoice {invoice}.",
    attached="The credit note is attached as a PDF.",
)

_DE = CreditWords(
    credit_note="Gutschrift",
    credit_note_number="Gutschrift {number}",
    for_invoice="Zu Rechnung {number}",
    reason="Grund",
    reasons={
        "duplicate": "Doppelt berechnet",
        "fraudulent": "Betrug",
        "order_change": "Bestelländerung",
        "product_unsatisfactory": "Produkt mangelhaft",
    },
    memo="Vermerk",
    tax="Steuer",
    credited="Gutschrift gesamt",
    amount_credited="Gutgeschrieben",
    credit_applied="Angerechnetes Guthaben",
    applied="Auf den offenen Betrag angerechnet",
    refunded="Erstattet{method}",
    to_balance="Ihrem Guthaben gutgeschrieben",
    subject="Gutschrift {number} von {app}",
    opening="{app} hat Ihnen die Gutschrift {number} zu Rechnung {invoice} ausgestellt.",
    attached="Die Gutschrift ist als PDF angehängt.",
)

_FR = CreditWords(
    credit_note="Avoir",
    credit_note_number="Avoir {number}",
    for_invoice="Pour la facture {number}",
    reason="Motif",
    reasons={
        "duplicate": "Doublon",
        "fraudulent": "Fraude",
        "order_change": "Modification de commande",
        "product_unsatisfactory": "Produit non satisfaisant",
    },
    memo="Note",
    tax="Taxes",
    credited="Total de l'avoir",
    amount_credited="Montant crédité",
    credit_applied="Crédit appliqué",
    applied="Imputé sur le montant dû",
    refunded="Remboursé{method}",
    to_balance="Ajouté à votre solde créditeur",
    subject="Avoir {number} de {app}",
    opening="{app} a émis l'avoir {number} pour la facture {invoice}.",
    attached="L'avoir est joint en PDF.",
)

_ES = CreditWords(
    credit_note="Nota de crédito",
    credit_note_number="Nota de crédito {number}",
    for_invoice="Para la factura {number}",
    reason="Motivo",
    reasons={
        "duplicate": "Duplicado",
        "fraudulent": "Fraude",
        "order_change": "Cambio de pedido",
        "product_unsatisfactory": "Producto insatisfactorio",
    },
    memo="Nota",
    tax="Impuestos",
    credited="Total acreditado",
    amount_credited="Importe acreditado",
    credit_applied="Crédito aplicado",
    applied="Aplicado al importe pendiente",
    refunded="Reembolsado{method}",
    to_balance="Añadido a su saldo a favor",
    subject="Nota de crédito {number} de {app}",
    opening="{app} ha emitido la nota de crédito {number} para la factura {invoice}.",
    attached="La nota de crédito se adjunta en PDF.",
)

CREDIT_WORDS: dict[str, CreditWords] = {"en": _EN, "de": _DE, "fr": _FR, "es": _ES}


def credit_words(locale: str | None) -> CreditWords:
    return CREDIT_WORDS[language(locale)]
