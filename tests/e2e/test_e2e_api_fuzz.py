"""Fuzz the open API from its own OpenAPI document against the running server (schemathesis).

No input may cause a 5xx, and every response must match the status codes, content types and
schemas the document declares. The schemathesis CLI is used rather than its pytest plugin, whose
lazy fixture loading does not run under pytest 9.

Writes are fuzzed with a token of a district account of 天河区 440106, which has no catalog, so every
generated write is refused and the fuzzing cannot disturb the other browser tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import SCREENSHOTS, LiveServer

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
    "response_headers_conformance"
)
EXAMPLES = 20  # per operation and phase: every parameter's edge values, in about a minute
SEED = 20250601  # fixed, so that a failure in CI reproduces locally


def api_token(server: LiveServer) -> str:
    code = (
        "from django.contrib.auth import get_user_model; from accounts.services import token_create; "
        "print(token_create(user=get_user_model().objects.get(username='fuzz'), name='fuzz')[1])"
    )
    return server.manage("shell", "-c", code).strip().splitlines()[-1]


def test_no_generated_request_gets_a_server_error_or_an_undocumented_response(
    web_server: LiveServer, tmp_path: Path
) -> None:
    report = SCREENSHOTS.parent / "schemathesis-junit.xml"
    report.parent.mkdir(parents=True, exist_ok=True)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [str(schemathesis), "run", f"{web_server.url}/api/v1/openapi.json", "--checks", CHECKS,
         "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--no-color",
         "--header", f"Authorization: Bearer {api_token(web_server)}",
         "--report", "junit", "--report-junit-path", str(report)],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=900,  # it keeps a cache in cwd
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout.split("Test cases:")[-1]
