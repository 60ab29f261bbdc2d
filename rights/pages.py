"""Slots on the request pages where higher apps add their parts."""

from accounts.panels import Slot

# Beside the request's status: what a higher app offers for it (the access PDF).
DATA_REQUEST_ACTIONS = Slot("data request page actions")
