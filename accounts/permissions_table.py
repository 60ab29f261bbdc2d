"""docs/permissions.md, made from the PERMISSIONS lists of every app's access module."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.module_loading import module_has_submodule

from .models import Role

PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"

INTRO = """\
# Permissions

Who may do what in Purna, by role. This file is generated from the `PERMISSIONS`
list of each app's `access.py`, the only place where roles are compared: run
`python manage.py permissions_table --write` after changing one (a test fails while
this file is out of date).

Four rules hold everywhere besides the table:

- Rows are scoped before anything else. Office staff see only their own office's
  participants, programs, cases and referrals (`visible_to(user)` on each queryset);
  the administrator sees every office; an agency officer sees only the referrals sent
  to their own agency, once sent. Auditors count their office's rows for aggregate
  reports (`countable_by(user)`) but open no person's page.
- A page about something the user may not see answers 404, never 403: a 403 would
  tell that it exists. A user who may see a thing but not change it gets 403.
- What an agency sees of a referred person is the sharing rule of its type
  (`referrals/sharing.py`): Disdukcapil identity and civil registration, Dinas Sosial
  identity, household and social security, Disnakertrans identity and work history,
  Dinas Kesehatan and health facilities identity and screening results, UPTD PPA
  identity and the chronology the case worker chose to share.
- A health worker reads of a person only what their care needs, on every page and
  PDF alike. Of the problems experienced they see those marked "needs clinical care"
  on the reference list (`Problem.clinical`, set by the administrator; a new entry
  starts unmarked): physical illness, mental illness, work accident (its injuries are
  treated) and pregnant or has a child (pregnancy changes how blood pressure, weight
  and glucose are read and needs antenatal care). They do not see sexual harassment or
  violence, physical abuse, trafficking, legal, wage, contract, document, placement-fee
  or migration problems, rejection by the family or "other": an SRQ-20 or PHQ-9
  screening is scored the same without them, the person decides whom to tell, and
  the case worker passes on what care needs through a referral, not the category
  list. Nor do they find people by a hidden problem in the participant filter. Of the
  case notes they read only those they wrote themselves: notes hold what happened to
  the person (`participants.access.visible_problems`, `cases.access.visible_notes`).
"""


def access_modules():
    """(app, module) for every installed app of the project with an access module."""
    for config in apps.get_app_configs():
        if Path(config.path).parent == Path(settings.BASE_DIR) and module_has_submodule(
            config.module, "access"
        ):
            yield config, import_module(f"{config.name}.access")


def render() -> str:
    roles = list(Role)
    with translation.override("en"):
        head = "| action | " + " | ".join(str(role.label) for role in roles) + " |"
        rule = "| --- |" + " :-: |" * len(roles)
        parts = [INTRO]
        for config, module in access_modules():
            rows = getattr(module, "PERMISSIONS", [])
            if not rows:
                continue
            parts.append(f"\n## {config.verbose_name} (`{config.name}/access.py`)\n\n")
            parts.append(head + "\n" + rule + "\n")
            for action, allowed in rows:
                marks = " | ".join("yes" if role in allowed else "" for role in roles)
                parts.append(f"| {action} | {marks} |\n")
    return "".join(parts)
