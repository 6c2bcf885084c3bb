"""The plugin installs into a host project cleanly."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command


def test_app_is_installed_with_a_translatable_name() -> None:
    config = apps.get_app_config("wagtail_campaign")
    assert config.name == "wagtail_campaign"
    assert str(config.verbose_name) == "Campaigns"


def test_system_checks_pass() -> None:
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    # Fails (SystemExit) if a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_database_check_accepts_ours_and_names_any_other_vendor() -> None:
    from unittest import mock

    from django.db import connections

    from wagtail_campaign.checks import check_database

    assert check_database(databases=["default"]) == []  # the test database is supported
    assert check_database() == []  # without --database nothing is asked of any database
    with mock.patch.object(connections["default"], "vendor", "mysql"):
        found = check_database(databases=["default"])
    assert [error.id for error in found] == ["wagtail_campaign.E008"]
    assert "mysql" in found[0].msg
