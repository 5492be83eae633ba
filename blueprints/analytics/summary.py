"""The weekly e-mail summary for comms: the key figures of the last four weeks and of the week
just over, from the analytics page's own presenters, in each reader's language.

`flask analytics email` sends it (cron, weekly on Monday morning) to the active comms people
and administrators, once per person and week: each summary sent is recorded
(``SummarySent``), so a second run the same week, or a cron firing twice, sends nothing new,
and a run that failed for someone (the mail server refused) tries them again. Without SMTP
it does nothing at all.
"""

import logging
import smtplib
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, format_date, get_locale
from sqlalchemy.exc import IntegrityError

from base.database import db, utcnow
from base.i18n import gettext as _
from base.i18n import language_of
from base.links import site_url
from base.mail import mail_configured, send_mail
from blueprints.accounts.models import Role, User
from blueprints.analytics import presenters
from blueprints.analytics.figures import EVERYONE, period_of
from blueprints.analytics.models import SummarySent
from blueprints.analytics.rollups import refresh

PERIOD = 4  # weeks: the context the week just over is read in
TOP = 3  # most clicked items named
log = logging.getLogger(__name__)


def recipients() -> list[User]:
    """The comms team and the administrators who are active."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.active, User.role.in_([Role.COMMS, Role.ADMIN])).order_by(User.id)
        )
    )


def send_summaries() -> int:
    """E-mail this week's summary to whoever has not had it yet; the number of e-mails sent."""
    if not mail_configured():
        return 0
    refresh()  # the week just over, complete
    week = period_of(PERIOD, utcnow()).weeks[-1]
    done = set(db.session.scalars(sa.select(SummarySent.user_id).where(SummarySent.week == week)))
    sent = 0
    for user in recipients():
        if user.id in done:
            continue
        db.session.add(SummarySent(week=week, user_id=user.id))
        try:
            db.session.flush()  # held until this e-mail is sent (a second run waits, then skips)
        except IntegrityError:  # another run sent it meanwhile
            db.session.rollback()
            continue
        try:
            send_summary(user)
        except (smtplib.SMTPException, OSError):
            db.session.rollback()  # not recorded: the next run tries again
            log.exception("The weekly analytics summary to user %s failed", user.id)
            continue
        db.session.commit()
        sent += 1
    return sent


def summary_of(user: User) -> dict:
    """What the e-mail says, written in the reader's language (call it inside ``force_locale``)."""
    week, last_week = presenters.last_week_figures(PERIOD, EVERYONE)
    top = presenters.table("top-items", PERIOD, EVERYONE)
    span = period_of(PERIOD, utcnow())
    return {
        "user": user,
        "language": get_locale().language,
        "week_start": format_date(week, "long"),
        "week_end": format_date(week + timedelta(days=6), "long"),
        "period_start": format_date(span.weeks[0], "long"),
        "last_week": last_week,
        "key_figures": presenters.key_figures(PERIOD, EVERYONE),
        "top_items": top.rows[:TOP],
        "top_header": top.header,
        "period": PERIOD,
        "link": site_url("console.analytics.index", period=PERIOD),
        "subject": _("Porte-voix: the programme's week of %(date)s", date=format_date(week, "long")),
    }


def send_summary(user: User) -> bool:
    """One e-mail, plain text with an HTML alternative; whether it was sent."""
    with force_locale(language_of(user)):
        context = summary_of(user)
        body = render_template("analytics_console/summary.txt", **context)
        html = render_template("analytics_console/summary.html", **context)
        return send_mail(user.email, context["subject"], body, html=html)
