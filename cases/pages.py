"""Slots on the case pages where higher apps add their panels."""

from accounts.panels import RowSlot, Slot

# After the follow-up plan on the case page.
CASE_PAGE = Slot("case page")

# Beside "Enrol" and "Edit" at the top of the program page.
PROGRAM_ACTIONS = Slot("program page actions")

# In each row of the case page's plan: what fulfils the item (its referral).
PLAN_ITEM_ROW = RowSlot("plan item row")
