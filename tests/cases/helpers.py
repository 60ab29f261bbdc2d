"""Small builders shared by the case view tests."""

import datetime

from django.contrib.messages import get_messages
from django.utils import timezone

from cases.instruments import SRQ20, get_instrument


def srq_data(yes=(), **extra):
    """An SRQ-20 POST with every item answered: "Ya" for the items in `yes`."""
    data = {f"item_{item.number}": int(item.number in yes) for item in SRQ20.items}
    data.update(extra)
    return data


def srq_answers(yes=()):
    """SRQ-20 answers for the services: {item number: 1 if "Ya" else 0}."""
    return {item.number: int(item.number in yes) for item in SRQ20.items}


def questionnaire_data(code, answers=None, **extra):
    """A POST for any instrument: every item at its lowest, unless `answers` says otherwise."""
    instrument = get_instrument(code)
    answers = answers or {}
    low = min(instrument.choice_values)
    data = {f"item_{n}": answers.get(n, low) for n in instrument.item_numbers}
    data.update(extra)
    return data


def physical_data(**overrides):
    """A valid physical screening: 160 cm, 60 kg, two blood pressure readings, a glucose."""
    data = {
        "screened_on": timezone.localdate().isoformat(),
        "height_cm": "160",
        "weight_kg": "60",
        "systolic_1": "142",
        "diastolic_1": "92",
        "systolic_2": "136",
        "diastolic_2": "86",
        "glucose_mg_dl": "210",
        "glucose_sample": "capillary",
        "waist_cm": "85",
        "complaints": "Sering pusing",
        "findings": "",
        "icd10": "",
        "decision": "Kontrol ke Puskesmas",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response):
    """(level tag, text) of the messages the request left for the next page."""
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def days_ago(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()
