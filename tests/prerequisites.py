"""What a test does when something it needs (PostgreSQL, Redis, Chromium) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str, *, tests: str = "this test") -> NoReturn:
    """Skip on a developer's machine; in CI (``CI=true``) the tests must run, so fail."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: {tests} must run)", pytrace=False)
    pytest.skip(reason)
