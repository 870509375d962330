"""Bank transactions (SPEC §5 item 10) and their rebooking into a loan payment.

An imported transaction posts Dr cash / Cr category (inflow) or Dr category / Cr cash (outflow).
When a loan payment names it, that entry is reversed and replaced by the payment's entry, and the
transaction is linked to the payment — all inside the payment's one transaction.
"""

from dataclasses import dataclass
from datetime import date

from ledgerline import clock
from ledgerline.domain.accounts import Direction
from ledgerline.domain.bank_transactions import BankTransaction, ImportBankTransaction
from ledgerline.domain.ids import new_id
from ledgerline.domain.journal import JournalEntry, Line, Source, reversed_lines
from ledgerline.domain.loans import Instrument, LoanDirection, RecordLoanPayment
from ledgerline.errors import InstrumentNotFound, InvalidRequest, TransactionAlreadyMatched, TransactionNotFound
from ledgerline.services import accounts
from ledgerline.services import loan_support as support
from ledgerline.services.ledger import Books, load_books
from ledgerline.services.posting import Posting, Scope, post_once
from ledgerline.store import bank_transactions as txn_store
from ledgerline.store import entries as entry_store
from ledgerline.store import transactions

FITS = {LoanDirection.BORROW: "outflow", LoanDirection.LEND: "inflow"}


def _lines(books: Books, txn: BankTransaction) -> list[Line]:
    cash = accounts.resolve_id(books.chart, txn.cash_ledger_id, field="cash_ledger_id")
    category = accounts.resolve_id(books.chart, txn.category_ledger_id, field="category_ledger_id")
    amount = txn.amount_cents
    if txn.direction == "inflow":
        return [Line(cash, Direction.DEBIT, amount), Line(category, Direction.CREDIT, amount)]
    return [Line(category, Direction.DEBIT, amount), Line(cash, Direction.CREDIT, amount)]


def create_transaction(scope: Scope, command: ImportBankTransaction) -> tuple[BankTransaction, bool]:
    """Post Dr cash / Cr category (or the reverse for an outflow), once per ``external_id``: (txn, created)."""

    def decide(transaction_id: str) -> Posting[BankTransaction]:
        books = load_books(
            scope.business_id,
            ids=[i for i in (command.cash_ledger_id, command.category_ledger_id) if i],
            stable_names=("CASH", "UNCATEGORIZED_REVENUE", "UNCATEGORIZED_EXPENSES"),
        )
        cash_id = command.cash_ledger_id or books.chart.by_stable_name("CASH").id  # type: ignore[union-attr]
        default_category = "UNCATEGORIZED_REVENUE" if command.direction == "inflow" else "UNCATEGORIZED_EXPENSES"
        category_id = command.category_ledger_id or books.chart.by_stable_name(default_category).id  # type: ignore[union-attr]
        support.cash_account(books.chart, cash_id, "cash_ledger_id")
        entry_id = new_id()
        txn = BankTransaction(
            id=transaction_id,
            amount_cents=command.amount_cents,
            direction=command.direction,
            date=command.date,
            description=command.description,
            cash_ledger_id=cash_id,
            category_ledger_id=category_id,
            external_id=command.external_id,
            journal_entry_id=entry_id,
            original_journal_entry_id=entry_id,
            created_at=clock.now().isoformat(),
        )
        entry = support.entry(
            books,
            source=Source("BANK_TRANSACTION", transaction_id),
            day=command.date,
            lines=_lines(books, txn),
            memo=command.description or "Bank transaction",
            entry_id=entry_id,
        )
        return Posting(
            result=txn,
            entries=(entry,),
            actions=(transactions.put(txn_store.transaction_item(scope.business_id, txn)),),
        )

    return post_once(
        scope,
        kind="bank_transaction",
        external_id=command.external_id,
        content=command.content,
        decide=decide,
        existing=lambda transaction_id: get_transaction(scope, transaction_id),
        new_id=new_id,
    )


def get_transaction(scope: Scope, transaction_id: str) -> BankTransaction:
    """The business's bank transaction; unknown → 404."""
    txn = txn_store.get(scope.business_id, transaction_id)
    if txn is None:
        raise TransactionNotFound(transaction_id)
    return txn


@dataclass(frozen=True)
class PaymentTerms:
    """What a loan payment takes from the bank transaction it names."""

    amount_cents: int
    cash_ledger_id: str
    payment_date: date | None


@dataclass(frozen=True)
class Match:
    """A bank transaction a loan payment names: checked against the payment, then rebooked as it."""

    txn: BankTransaction

    def payment_terms(self, command: RecordLoanPayment, direction: LoanDirection) -> PaymentTerms:
        """Amount, cash account and default date come from the transaction; other values given are refused."""
        txn = self.txn
        if command.payment_amount_cents is not None and command.payment_amount_cents != txn.amount_cents:
            raise InvalidRequest("payment_amount_cents", f"differs from the transaction's {txn.amount_cents} cents")
        if command.cash_ledger_id is not None and command.cash_ledger_id != txn.cash_ledger_id:
            raise InvalidRequest("cash_ledger_id", "differs from the transaction's cash account")
        if txn.direction != FITS[direction]:
            raise InvalidRequest(
                "transaction_id", f"a {direction} instrument is paid by an {FITS[direction]}, not an {txn.direction}"
            )
        if txn.matched_payment_id:
            raise TransactionAlreadyMatched(txn.id)
        return PaymentTerms(txn.amount_cents, txn.cash_ledger_id, command.payment_date or txn.date)

    def rebook(
        self, books: Books, *, instrument_id: str, payment_id: str, entry_id: str
    ) -> tuple[JournalEntry, tuple[transactions.Action, ...]]:
        """The reversal of the transaction's entry, and the actions that link the transaction once."""
        txn = self.txn
        day = txn.date
        original = support.entry(
            books,
            source=Source("BANK_TRANSACTION", txn.id),
            day=day,
            lines=_lines(books, txn),
            memo=None,
            entry_id=txn.journal_entry_id,
        )
        reversal = support.entry(
            books,
            source=Source("BANK_TRANSACTION_REBOOKED", txn.id),
            day=day,
            lines=reversed_lines(original.lines),
            memo=f"Rebooked as loan payment {payment_id}",
        )
        reversal = JournalEntry(**{**vars(reversal), "reverses": original.id})
        return reversal, (
            entry_store.mark_reversed(books.business.id, original.id, reversal.id),
            txn_store.link_to_payment(
                books.business.id, txn.id, instrument_id=instrument_id, payment_id=payment_id, entry_id=entry_id
            ),
        )


def instrument_and_transaction(business_id: str, instrument_id: str, transaction_id: str) -> tuple[Instrument, Match]:
    """Both in one BatchGetItem, so a rebooking payment still reads twice (this, then the profile and accounts)."""
    instrument, txn = txn_store.get_with_instrument(business_id, instrument_id, transaction_id)
    if instrument is None:
        raise InstrumentNotFound(instrument_id)
    if txn is None:
        raise TransactionNotFound(transaction_id)
    return instrument, Match(txn)
