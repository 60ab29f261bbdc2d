"""The development mailbox: the messages Django's file backend wrote to EMAIL_FILE_PATH.

The file backend writes each connection's messages to one `.log` file, one message
after the other, each followed by a line of 79 dashes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
FILE_NAME = re.compile(r"^[\w.-]+\.log$")
# The newest messages shown on the list.
LIST_LIMIT = 100


@dataclass(frozen=True)
class Message:
    file: str
    number: int
    subject: str
    to: str
    sent_at: datetime | None
    body: str


def is_enabled() -> bool:
    """True when sent mail goes to files, so there is a mailbox to read."""
    return settings.EMAIL_BACKEND == FILE_BACKEND


def directory() -> Path:
    return Path(settings.EMAIL_FILE_PATH).resolve()


def latest(limit=LIST_LIMIT) -> list[Message]:
    """The newest messages first, at most `limit` of them."""
    found = []
    # Date headers count whole seconds; the files' times break the ties.
    files = sorted(((p.stat().st_mtime_ns, p) for p in _files()), reverse=True)
    for written, path in files:
        found.extend((written, message) for message in _read(path))
        if len(found) >= limit:
            break
    epoch = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda f: (f[1].sent_at or epoch, f[0], f[1].number), reverse=True)
    return [message for _written, message in found[:limit]]


def get(file: str, number: int) -> Message | None:
    """One message, by the file it is in and its place there; None if there is none."""
    if not FILE_NAME.match(file):
        return None
    path = directory() / file
    if not path.is_file():
        return None
    messages = _read(path)
    return messages[number] if 0 <= number < len(messages) else None


def _files():
    folder = directory()
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_file() and FILE_NAME.match(p.name)]


def _read(path: Path) -> list[Message]:
    chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
    return [_parse(path.name, number, chunk) for number, chunk in enumerate(chunks)]


def _parse(file: str, number: int, raw: bytes) -> Message:
    parsed = message_from_bytes(raw, policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    return Message(
        file=file,
        number=number,
        subject=str(parsed.get("Subject", "")),
        to=str(parsed.get("To", "")),
        sent_at=_date(parsed.get("Date")),
        body=body.get_content() if body is not None else "",
    )


def _date(value):
    try:
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None
