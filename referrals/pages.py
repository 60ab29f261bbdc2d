"""Slots on the referral pages where higher apps add their panels."""

from accounts.panels import Slot

# After the letter number of a sent referral.
REFERRAL_ACTIONS = Slot("referral page actions")
