"""docs/permissions.md is the table of every app's access rules, and stays in step with them."""

import pytest
from django.core.management import CommandError, call_command

from accounts import permissions_table
from accounts.models import Role
from participants import access as participant_access


def test_the_permissions_document_is_the_table_the_access_modules_make():
    written = permissions_table.PATH.read_text(encoding="utf-8")

    assert written == permissions_table.render(), (
        "docs/permissions.md is out of date: run python manage.py permissions_table --write"
    )


def test_every_app_with_rules_has_its_own_section():
    apps = {config.name for config, _module in permissions_table.access_modules()}

    assert apps == {"accounts", "participants", "cases", "referrals", "rights", "reports"}
    table = permissions_table.render()
    for app in apps:
        assert f"(`{app}/access.py`)" in table


def test_a_row_marks_exactly_the_roles_of_its_set():
    line = next(
        row
        for row in permissions_table.render().splitlines()
        if row.startswith("| Archive and restore a participant |")
    )
    marks = [cell.strip() for cell in line.strip("|").split("|")[1:]]

    assert dict(zip(Role.values, marks, strict=True)) == {
        role: "yes" if role in participant_access.ARCHIVERS else "" for role in Role.values
    }


def test_the_check_fails_when_a_rule_changes_without_the_document(monkeypatch):
    monkeypatch.setattr(
        participant_access,
        "PERMISSIONS",
        [*participant_access.PERMISSIONS, ("Something new", frozenset({Role.AUDITOR}))],
    )

    with pytest.raises(CommandError, match="out of date"):
        call_command("permissions_table", "--check")
