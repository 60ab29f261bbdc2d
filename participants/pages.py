"""Slots on the participant's pages where higher apps add their panels."""

from accounts.panels import Slot

# Below the household and consent sections of the participant page.
PARTICIPANT_PAGE = Slot("participant page")

# Beside "Edit" at the top of the participant page: buttons of other apps.
PARTICIPANT_ACTIONS = Slot("participant page actions")

# Beside "Record consent" in the consent section: buttons of other apps.
CONSENT_ACTIONS = Slot("participant consent actions")
