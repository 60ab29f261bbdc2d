"""Slots on the case pages where higher apps add their panels."""

from accounts.panels import Slot

# After the follow-up plan on the case page.
CASE_PAGE = Slot("case page")

# Beside "Enrol" and "Edit" at the top of the program page.
PROGRAM_ACTIONS = Slot("program page actions")
