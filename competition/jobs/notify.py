"""Sending the queued emails, off the request: a delivery pass starts after the commit that
queued something (on RQ when REDIS_URL is set, else in a thread of this process) and again when
the next retry is due. Each delivery is claimed and committed before the SMTP conversation and
marked after it (services/notifications/deliver.py says why nothing is sent twice blindly).

A refused recipient or a refused message (5xx) fails for good; a server that is down, times out or
answers 4xx is tried again with backoff (domain/notifications.RETRY_WAITS). Email is on when
MAIL_SERVER is set; without it deliveries wait on the organizer's outbox, which says so."""

from __future__ import annotations

import email.message
import smtplib
import threading
from datetime import datetime
from email.header import Header

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain.notifications import Channel
from ..extensions import db
from ..models import NotificationDelivery, utcnow
from ..services.notifications import PENDING_FLAG, deliver

mail = Mail()
_threads: list[threading.Thread] = []
_timers: list[threading.Timer] = []


class Permanent(Exception):
    """The server refused this message or recipient: trying again would give the same answer."""


def email_enabled(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))


def absolute(link: str | None, app: Flask) -> str | None:
    if not link:
        return None
    if link.startswith(("http://", "https://")):
        return link
    return app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + link.lstrip("/")


def message_id(delivery: NotificationDelivery, app: Flask) -> str:
    """The same on every attempt of one delivery: made from its idempotency key."""
    import hashlib

    digest = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
    domain = (app.config.get("MAIL_DEFAULT_SENDER") or "competition@localhost").rpartition("@")[2].strip(
        ">"
    ) or "localhost"
    return f"<{digest}@{domain}>"


class _Email(EmailMultiAlternatives):
    """The Subject folded with its header name counted: Django's encoder folds a long Chinese
    subject right after "Subject:", which readers then show with a leading space."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        del msg["Subject"]
        # the base class's __setitem__: the Safe* override would encode the Header a second time
        email.message.Message.__setitem__(msg, "Subject", Header(self.subject, "utf-8", header_name="Subject"))
        return msg


def build_email(delivery: NotificationDelivery, app: Flask, connection) -> _Email:
    note = delivery.notification
    link = absolute(note.link, app)
    with force_locale(app.config.get("BABEL_DEFAULT_LOCALE") or "zh_CN"):
        text = render_template("messages/email.txt", note=note, link=link)
        html = render_template("messages/email.html", note=note, link=link)
    message = _Email(
        subject=note.subject,
        body=text,
        from_email=app.config.get("MAIL_DEFAULT_SENDER"),
        to=[delivery.address],
        headers={"Message-ID": message_id(delivery, app)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _connection(app: Flask):
    config = app.config
    return mail.get_connection(
        backend="smtp",
        host=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT") or 25),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=bool(config.get("MAIL_USE_SSL")),
        timeout=int(config.get("MAIL_TIMEOUT") or 30),
    )


def _send(delivery: NotificationDelivery, app: Flask) -> None:
    """One attempt; raises Permanent, or any other exception for a temporary failure."""
    try:
        sent = build_email(delivery, app, _connection(app)).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise Permanent(
            "; ".join(f"{addr}: {code} {msg.decode(errors='replace')}" for addr, (code, msg) in exc.recipients.items())
        ) from exc
    except smtplib.SMTPResponseException as exc:
        said = exc.smtp_error
        text = f"{exc.smtp_code} {said.decode(errors='replace') if isinstance(said, bytes) else said}"
        if 500 <= exc.smtp_code < 600:
            raise Permanent(text) from exc
        raise ConnectionError(text) from exc
    if not sent:
        raise ConnectionError("the mail server did not take the message")


def run_due(app: Flask | None = None, now: datetime | None = None) -> dict[str, int]:
    """One delivery pass over what is due at `now` (tests pass a clock); commits each step.
    Stops at the first server that is down: the rest wait for the next pass."""
    app = app or current_app._get_current_object()
    counts = {"sent": 0, "failed": 0, "retry": 0, "interrupted": 0}
    if not email_enabled(app):
        return counts
    now = now or utcnow()
    counts["interrupted"] = deliver.fail_interrupted(now)
    db.session.commit()
    while True:
        delivery = deliver.claim_next(now, Channel.EMAIL)
        if delivery is None:
            break
        db.session.commit()  # claimed (SENDING) before anything goes out
        try:
            _send(delivery, app)
        except Permanent as exc:
            deliver.mark_failed(delivery, str(exc))
            counts["failed"] += 1
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            deliver.mark_retry(delivery, str(exc) or type(exc).__name__, now)
            db.session.commit()
            counts["retry"] += 1
            break
        else:
            deliver.mark_sent(delivery, now)
            counts["sent"] += 1
        db.session.commit()
    return counts


def run_with_app(app: Flask) -> None:
    with app.app_context():
        try:
            run_due(app)
            due = deliver.next_due(Channel.EMAIL)
        except Exception:  # noqa: BLE001 - logged; the rows say what is left, the next pass takes it
            db.session.rollback()
            app.logger.exception("sending queued emails failed")
            return
        finally:
            db.session.remove()
    if due is not None:
        later(app, max((due - utcnow()).total_seconds(), 1.0))


def later(app: Flask, seconds: float) -> None:
    """The next pass when a retry is due (in-process; RQ's scheduler does it on RQ)."""
    if app.config.get("REDIS_URL"):
        from datetime import timedelta

        _queue(app).enqueue_in(timedelta(seconds=seconds), "competition.jobs.worker.run_deliveries")
        return
    if app.testing:  # tests run passes with their own clock
        return
    timer = threading.Timer(seconds, kick, args=(app,))
    timer.daemon = True
    _timers.append(timer)
    timer.start()


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue("competition", connection=Redis.from_url(app.config["REDIS_URL"]))


def kick(app: Flask) -> None:
    """Start a delivery pass now, off this request."""
    if not email_enabled(app):
        return
    if app.config.get("REDIS_URL"):
        _queue(app).enqueue("competition.jobs.worker.run_deliveries")
        return
    thread = threading.Thread(target=run_with_app, args=(app,), name="competition-mail", daemon=True)
    _threads.append(thread)
    thread.start()


def wait_all(timeout: float = 60) -> None:
    """Tests: wait for the in-process passes started so far."""
    while _threads:
        _threads.pop().join(timeout)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: the outer transaction is still open
        return
    if session.info.pop(PENDING_FLAG, False):
        try:
            kick(current_app._get_current_object())
        except Exception:  # noqa: BLE001 - the rows are committed: the next pass or a resend sends them
            current_app.logger.exception("could not start sending queued emails")


def _after_rollback(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(PENDING_FLAG, None)


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
