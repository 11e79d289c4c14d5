"""Log filters the LOGGING setting names."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class DenialsInOneLine(logging.Filter):
    """A refused permission is an expected answer, not a fault: Django logs each 403 with the traceback
    of the PermissionDenied, which buries real errors. Keep one line: the path and the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            record.msg = f"{record.getMessage()}: {exc}" if str(exc) else record.getMessage()
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
