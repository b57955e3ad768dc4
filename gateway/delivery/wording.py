"""The words of the invoice PDF and email, per template language
(gateway.domain.formatting.language: en, de, fr, es).

One typed dict per language rather than gettext catalogs: some forty short strings, no
translation workflow to feed, and mypy checks that every language has every word.
Placeholders are str.format fields; the values put in are the customer's own text.
"""

from __future__ import annotations

from typing import TypedDict

from gateway.domain.formatting import language


class Words(TypedDict):
    invoice: str
    invoice_number: str  # {number}
    dates: str
    created: str
    due_date: str
    send_date: str
    status: str
    bill_to: str
    items: str
    product: str
    quantity: str
    unit_price: str
    amount: str
    subtotal: str
    included: str  # {name}: a tax the prices already contain
    total: str
    amount_paid: str
    amount_due: str
    payment: str
    payment_methods: str
    currency: str
    wallet: str  # {chain}
    pay_online: str
    statuses: dict[str, str]
    void_stamp: str  # {day}: across a VOID invoice
    status_reason: str  # {reason}
    methods: dict[str, str]
    subject: str  # {number} {app}
    reminder_subject: str  # {number}
    greeting: str
    opening: str  # {app} {number} {name}
    reminder_opening: str  # {number} {name} {due_date}
    view_and_pay_online: str
    view_and_pay: str
    attached: str


_EN = Words(
    invoice="Invoice",
    invoice_number="Invoice {number}",
    dates="Dates",
    created="Created",
    due_date="Due date",
    send_date="Send date",
    status="Status",
    bill_to="Bill to",
    items="Items",
    product="Product",
    quantity="Qty",
    unit_price="Unit price",
    amount="Amount",
    subtotal="Subtotal",
    included="{name} (included)",
    total="Total",
    amount_paid="Amount paid",
    amount_due="Amount due",
    payment="Payment",
    payment_methods="Accepted payment methods",
    currency="Currency",
    wallet="Wallet ({chain})",
    pay_online="Pay online",
    statuses={
        "DRAFT": "Draft",
        "OPEN": "Open",
        "PAID": "Paid",
        "PASTDUE": "Past due",
        "PARTIALLYPAID": "Partially paid",
        "VOID": "Void",
        "UNCOLLECTIBLE": "Uncollectible",
    },
    void_stamp="VOID: cancelled on {day}, nothing is due",
    status_reason="Reason: {reason}",
    methods={
        "CRYPTO": "Cryptocurrency",
        "BANK_TRANSFER": "Bank transfer / ACH",
        "CREDIT_CARD": "Credit card",
        "CASH": "Cash",
        "MOBILE_MONEY": "Mobile money",
    },
    subject="Invoice {number} from {app}",
    reminder_subject="Reminder: invoice {number} is past due",
    greeting="Hello,",
    opening="{app} has sent you invoice {number}: {name}.",
    reminder_opening=(
        "This is a reminder that invoice {number} ({name}) was due on {due_date} "
        "and has not been paid in full."
    ),
    view_and_pay_online="View and pay the invoice online:",
    view_and_pay="View and pay the invoice",
    attached="The invoice is attached as a PDF.",
)

_DE = Words(
    invoice="Rechnung",
    invoice_number="Rechnung {number}",
    dates="Daten",
    created="Erstellt",
    due_date="Fällig am",
    send_date="Versanddatum",
    status="Status",
    bill_to="Rechnungsempfänger",
    items="Positionen",
    product="Produkt",
    quantity="Menge",
    unit_price="Einzelpreis",
    amount="Betrag",
    subtotal="Zwischensumme",
    included="{name} (enthalten)",
    total="Gesamtbetrag",
    amount_paid="Bezahlt",
    amount_due="Offener Betrag",
    payment="Zahlung",
    payment_methods="Akzeptierte Zahlungsarten",
    currency="Währung",
    wallet="Wallet ({chain})",
    pay_online="Online bezahlen",
    statuses={
        "DRAFT": "Entwurf",
        "OPEN": "Offen",
        "PAID": "Bezahlt",
        "PASTDUE": "Überfällig",
        "PARTIALLYPAID": "Teilweise bezahlt",
        "VOID": "Storniert",
        "UNCOLLECTIBLE": "Uneinbringlich",
    },
    void_stamp="STORNIERT am {day}, es ist nichts zu zahlen",
    status_reason="Grund: {reason}",
    methods={
        "CRYPTO": "Kryptowährung",
        "BANK_TRANSFER": "Banküberweisung",
        "CREDIT_CARD": "Kreditkarte",
        "CASH": "Bargeld",
        "MOBILE_MONEY": "Mobile Money",
    },
    subject="Rechnung {number} von {app}",
    reminder_subject="Zahlungserinnerung: Rechnung {number} ist überfällig",
    greeting="Guten Tag,",
    opening="{app} hat Ihnen die Rechnung {number} gesendet: {name}.",
    reminder_opening=(
        "Wir erinnern Sie daran, dass die Rechnung {number} ({name}) am {due_date} "
        "fällig war und noch nicht vollständig bezahlt ist."
    ),
    view_and_pay_online="Rechnung online ansehen und bezahlen:",
    view_and_pay="Rechnung ansehen und bezahlen",
    attached="Die Rechnung ist als PDF angehängt.",
)

_FR = Words(
    invoice="Facture",
    invoice_number="Facture {number}",
    dates="Dates",
    created="Émise le",
    due_date="Date d'échéance",
    send_date="Date d'envoi",
    status="Statut",
    bill_to="Facturé à",
    items="Articles",
    product="Produit",
    quantity="Qté",
    unit_price="Prix unitaire",
    amount="Montant",
    subtotal="Sous-total",
    included="{name} (inclus)",
    total="Total",
    amount_paid="Montant payé",
    amount_due="Montant dû",
    payment="Paiement",
    payment_methods="Moyens de paiement acceptés",
    currency="Devise",
    wallet="Portefeuille ({chain})",
    pay_online="Payer en ligne",
    statuses={
        "DRAFT": "Brouillon",
        "OPEN": "À payer",
        "PAID": "Payée",
        "PASTDUE": "En retard",
        "PARTIALLYPAID": "Partiellement payée",
        "VOID": "Annulée",
        "UNCOLLECTIBLE": "Irrécouvrable",
    },
    void_stamp="ANNULÉE le {day}, aucun montant n'est dû",
    status_reason="Motif : {reason}",
    methods={
        "CRYPTO": "Cryptomonnaie",
        "BANK_TRANSFER": "Virement bancaire",
        "CREDIT_CARD": "Carte bancaire",
        "CASH": "Espèces",
        "MOBILE_MONEY": "Paiement mobile",
    },
    subject="Facture {number} de {app}",
    reminder_subject="Rappel : la facture {number} est échue",
    greeting="Bonjour,",
    opening="{app} vous a envoyé la facture {number} : {name}.",
    reminder_opening=(
        "Nous vous rappelons que la facture {number} ({name}) était due le {due_date} "
        "et n'a pas été entièrement réglée."
    ),
    view_and_pay_online="Consulter et payer la facture en ligne :",
    view_and_pay="Consulter et payer la facture",
    attached="La facture est jointe au format PDF.",
)

_ES = Words(
    invoice="Factura",
    invoice_number="Factura {number}",
    dates="Fechas",
    created="Emitida",
    due_date="Fecha de vencimiento",
    send_date="Fecha de envío",
    status="Estado",
    bill_to="Facturar a",
    items="Conceptos",
    product="Producto",
    quantity="Cant.",
    unit_price="Precio unitario",
    amount="Importe",
    subtotal="Subtotal",
    included="{name} (incluido)",
    total="Total",
    amount_paid="Importe pagado",
    amount_due="Importe pendiente",
    payment="Pago",
    payment_methods="Métodos de pago aceptados",
    currency="Moneda",
    wallet="Billetera ({chain})",
    pay_online="Pagar en línea",
    statuses={
        "DRAFT": "Borrador",
        "OPEN": "Pendiente",
        "PAID": "Pagada",
        "PASTDUE": "Vencida",
        "PARTIALLYPAID": "Pagada parcialmente",
        "VOID": "Anulada",
        "UNCOLLECTIBLE": "Incobrable",
    },
    void_stamp="ANULADA el {day}, no hay nada pendiente",
    status_reason="Motivo: {reason}",
    methods={
        "CRYPTO": "Criptomoneda",
        "BANK_TRANSFER": "Transferencia bancaria",
        "CREDIT_CARD": "Tarjeta de crédito",
        "CASH": "Efectivo",
        "MOBILE_MONEY": "Dinero móvil",
    },
    subject="Factura {number} de {app}",
    reminder_subject="Recordatorio: la factura {number} está vencida",
    greeting="Hola:",
    opening="{app} le ha enviado la factura {number}: {name}.",
    reminder_opening=(
        "Le recordamos que la factura {number} ({name}) venció el {due_date} "
        "y no se ha pagado en su totalidad."
    ),
    view_and_pay_online="Consulte y pague la factura en línea:",
    view_and_pay="Consultar y pagar la factura",
    attached="La factura se adjunta en PDF.",
)

WORDS: dict[str, Words] = {"en": _EN, "de": _DE, "fr": _FR, "es": _ES}


def words(locale: str | None) -> Words:
    """The words for a customer's locale; English for a locale without its own."""
    return WORDS[language(locale)]
