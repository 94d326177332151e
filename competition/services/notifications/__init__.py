"""Telling people (站内消息 and email): `core` records one message for one person and queues its
email, `compose` has the message of each event and its recipients, `inbox` is the message
centre, `deliver` the delivery states and the organizer's outbox. Sending itself is a job
(competition/jobs/notify.py), never part of a request."""

from __future__ import annotations

from . import compose, deliver, inbox
from .core import PENDING_FLAG, notify

__all__ = ["PENDING_FLAG", "compose", "deliver", "inbox", "notify"]
