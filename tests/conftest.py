"""Suite-wide guards.

In CI (``CI=true``) a run in which no test passed is a failure even if pytest
would exit 0 (for instance, everything skipped), so a broken set-up can never
look green.
"""

from __future__ import annotations

import os

import pytest

_passed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _passed
    if report.when == "call" and report.passed:
        _passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI", "").lower() == "true" and exitstatus == 0 and _passed == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
