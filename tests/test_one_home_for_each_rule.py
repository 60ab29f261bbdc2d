"""Roles are compared in the access modules only, and the apps depend on each other one way."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["regions", "accounts", "participants", "cases", "referrals", "rights", "reports"]
# `user.role == ...`, `role in SOME_SET`, `Role.CASE_WORKER`: a decision about a role.
PYTHON_ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\bRole\.[A-Z_]+\b")
TEMPLATE_ROLE_CHECK = re.compile(r"\{%[^%]*\buser\.role\b[^%]*%\}")


def _sources(pattern):
    return sorted(path for app in APPS for path in (ROOT / app).glob(pattern))


def test_no_view_form_or_service_compares_roles():
    modules = [
        path
        for path in _sources("*.py")
        if path.name in {"views.py", "import_views.py", "forms.py", "services.py", "filters.py"}
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PYTHON_ROLE_CHECK.search(line)
    ]

    assert modules
    assert found == [], "ask the app's access.py instead:\n" + "\n".join(found)


def test_no_template_decides_by_role():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEMPLATE_ROLE_CHECK.search(line)
    ]

    assert templates
    assert found == [], "pass a can_* answer in the context instead: " + ", ".join(found)


def test_no_lower_app_imports_a_higher_one():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a development dependency"

    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_no_lower_apps_template_names_a_higher_app():
    # A URL name (`{% url 'reports:...' %}`) or template (`{% include "referrals/..." %}`).
    naming = re.compile(r"""\{%\s*(?:url|include|extends)\s+["']([a-z_]+)[:/]""")
    found = []
    for position, app in enumerate(APPS):
        higher = set(APPS[position + 1 :])
        for path in sorted((ROOT / "templates" / app).rglob("*")):
            if path.is_file():
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    found += [
                        f"{path.relative_to(ROOT)}:{number} names {name}"
                        for name in naming.findall(line)
                        if name in higher
                    ]

    assert found == [], "add a panel to the page's slot instead:\n" + "\n".join(found)
