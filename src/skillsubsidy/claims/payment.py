"""Payment files and the bank's answers (issue 12 · 5), framework-free.

The file format is the project's own, documented in docs/payment-file.md (no seed document prescribes
one; banks' agency-payment (代发) templates differ, so the fields are the ones every template asks for).
Amounts are integer fen from submission to file and written in 元 with two decimals only here, by
integer arithmetic, so the lines sum exactly to the batch total. Each line carries an idempotency key,
derived from the claim number and the claim's payment attempt: a re-sent file repeats the same keys, so
the bank pays nothing twice, and a failed claim put in a later batch gets a new key.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

FORMAT = "skillsubsidy-payment-v1"
HEADER = ("批次号", "行号", "幂等键", "申领编号", "收款户名", "收款账号", "账户类型", "金额（元）", "用途")
RESULT_HEADER = ("批次号", "行号", "幂等键", "结果", "说明")


def yuan(fen: int) -> str:
    """12345 → '123.45', exactly; negative amounts never reach a payment file."""
    if fen < 0:
        raise ValueError(f"a payment line of {fen} fen")
    return f"{fen // 100}.{fen % 100:02d}"


def idempotency_key(claim_number: str, attempt: int) -> str:
    return hashlib.sha256(f"{claim_number}#{attempt}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based line number in the batch
    claim_number: str
    payee_name: str
    payee_account: str
    payee_kind: str
    amount_fen: int
    attempt: int  # 1 for the first batch of the claim, 2 after one failure, …
    purpose: str = "职业技能培训补贴"

    @property
    def key(self) -> str:
        return idempotency_key(self.claim_number, self.attempt)


@dataclass(frozen=True, slots=True)
class PaymentFile:
    batch_number: str
    lines: tuple[Line, ...]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    def rows(self) -> list[tuple[str, ...]]:
        return [
            (
                self.batch_number,
                str(line.number),
                line.key,
                line.claim_number,
                line.payee_name,
                line.payee_account,
                line.payee_kind,
                yuan(line.amount_fen),
                line.purpose,
            )
            for line in self.lines
        ]

    def trailer(self) -> tuple[str, ...]:
        return ("合计", str(len(self.lines)), "", "", "", "", "", yuan(self.total_fen), FORMAT)

    def csv_bytes(self) -> bytes:
        """UTF-8 with BOM (Excel opens it as UTF-8), CRLF, header, lines, a totals trailer."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(self.rows())
        writer.writerow(self.trailer())
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    def xlsx_bytes(self) -> bytes:
        from openpyxl import Workbook  # imported here: only an export needs it

        book = Workbook(write_only=True)
        sheet = book.create_sheet("支付明细")
        sheet.append(list(HEADER))
        for row in self.rows():
            # Account numbers and keys stay text: a number cell loses digits past the 15th.
            sheet.append(list(row))
        sheet.append(list(self.trailer()))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def build(batch_number: str, lines: Iterable[Line]) -> PaymentFile:
    """Lines in the order given, numbered from 1; refuses a line without an amount or a duplicate claim."""
    seen: set[str] = set()
    built = []
    for i, line in enumerate(lines, start=1):
        if line.amount_fen <= 0:
            raise ValueError(f"申领 {line.claim_number} 的金额为 {line.amount_fen} 分，不能支付")
        if line.claim_number in seen:
            raise ValueError(f"申领 {line.claim_number} 在批次中出现两次")
        seen.add(line.claim_number)
        built.append(
            Line(i, line.claim_number, line.payee_name, line.payee_account, line.payee_kind,
                 line.amount_fen, line.attempt, line.purpose)
        )  # fmt: skip
    return PaymentFile(batch_number, tuple(built))


# -- the bank's answer ---------------------------------------------------------------------------


class BankOutcome(StrEnum):
    PAID = "paid"  # 成功
    FAILED = "failed"  # 失败: the claim may go into a new batch
    RETURNED = "returned"  # 退票: the claim goes back to review

    @property
    def label_zh(self) -> str:
        return _OUTCOME_ZH[self]


_OUTCOME_ZH = {BankOutcome.PAID: "成功", BankOutcome.FAILED: "失败", BankOutcome.RETURNED: "退票"}
_OUTCOME_OF = {
    "成功": BankOutcome.PAID,
    "paid": BankOutcome.PAID,
    "失败": BankOutcome.FAILED,
    "failed": BankOutcome.FAILED,
    "退票": BankOutcome.RETURNED,
    "退回": BankOutcome.RETURNED,
    "returned": BankOutcome.RETURNED,
}


@dataclass(frozen=True, slots=True)
class BankResult:
    line: int
    key: str
    outcome: BankOutcome
    message: str


class BankFileError(ValueError):
    """A result file that cannot be applied; `problems` names each row and field."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = tuple(problems)


MAX_RESULT_ROWS = 200_000


def parse_results(content: bytes, *, batch_number: str, keys: dict[int, str]) -> tuple[BankResult, ...]:
    """Read the bank's result file (docs/payment-file.md · 银行结果文件) for one batch.

    `keys` maps each line number of the batch to its idempotency key. Every problem is collected and
    reported together (row, field, value); nothing is applied unless the whole file reads."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankFileError(["文件不是 UTF-8 编码的 CSV"]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip() for c in rows[0][: len(RESULT_HEADER)]) != RESULT_HEADER:
        raise BankFileError([f"第1行应为表头：{','.join(RESULT_HEADER)}"])
    if len(rows) - 1 > MAX_RESULT_ROWS:
        raise BankFileError([f"结果文件超过 {MAX_RESULT_ROWS} 行"])
    problems: list[str] = []
    found: dict[int, BankResult] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + [""] * (len(RESULT_HEADER) - len(row))
        batch, line_text, key, outcome_text, message = cells[:5]
        if batch != batch_number:
            problems.append(f"第{n}行 批次号：{batch!r} 不是本批次 {batch_number}")
            continue
        if not line_text.isdigit() or int(line_text) not in keys:
            problems.append(f"第{n}行 行号：{line_text!r} 不是本批次的行")
            continue
        line = int(line_text)
        if keys[line] != key:
            problems.append(f"第{n}行 幂等键：{key!r} 与本批次第{line}行不符")
            continue
        outcome = _OUTCOME_OF.get(outcome_text.lower() if outcome_text.isascii() else outcome_text)
        if outcome is None:
            problems.append(f"第{n}行 结果：{outcome_text!r} 应为 成功、失败 或 退票")
            continue
        if outcome is not BankOutcome.PAID and not message:
            problems.append(f"第{n}行 说明：{outcome.label_zh}的行须写明原因")
            continue
        if line in found:
            problems.append(f"第{n}行 行号：第{line}行的结果出现两次")
            continue
        found[line] = BankResult(line, key, outcome, message)
    if problems:
        raise BankFileError(problems)
    return tuple(found[k] for k in sorted(found))
