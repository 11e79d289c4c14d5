"""Personal data (resident ID numbers, phone numbers, bank accounts) is masked wherever it is shown
and never written to logs."""

from __future__ import annotations

import logging
import re

# Resident ID: 17 digits then a digit or X; phones: 11 digits starting 1[3-9]; bank cards: 16–19 digits.
_RIC = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_BANK = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
# A claim number (claims.services: SQ, the region's 6 digits, the day's 8, then 6 hex characters) runs
# 14 to 20 digits together, which would pass for an ID or a bank account and be masked in the audit
# trail, where a reviewer must read it. It is nobody's personal data, so it is left whole.
_CLAIM_NUMBER = re.compile(r"(SQ\d{14}[0-9A-F]{6})(?![0-9A-F])")


def _masked(text: str) -> str:
    text = _RIC.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _BANK.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(2)}", text)


def mask_personal_data(text: str) -> str:
    """`320602199001011234` → `320602********1234`; phones and bank accounts keep their ends only;
    claim numbers are kept whole."""
    # split() with a group: the claim numbers are the odd parts.
    parts = _CLAIM_NUMBER.split(text)
    return "".join(part if n % 2 else _masked(part) for n, part in enumerate(parts))


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        # A traceback repeats the refused input in the exception message and in the quoted source
        # line. Formatting it here and storing the masked text makes the handler's formatter reuse it.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
