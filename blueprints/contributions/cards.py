"""The console's contributions drawn once per state and reused (``base.drawn``): a contribution
waiting reads the same for every reviewer but its own declarer, a reviewed one the same until
it is reviewed again.

``waiting_key`` must name everything ``contributions_console/_queue_item.html`` shows (with
``_contribution.html`` and ``_decision.html``), ``reviewed_key`` everything
``contributions_console/_reviewed_row.html`` shows; both end with the reader's language, zone
and mount path.
"""

from flask_login import current_user
from markupsafe import Markup

from base.drawn import part, reader_key
from blueprints.contributions.catalogue import KINDS, STATUS_LABELS
from blueprints.contributions.models import Contribution
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

WAITING_TEMPLATE = "contributions_console/_queue_item.html"
REVIEWED_TEMPLATE = "contributions_console/_reviewed_row.html"


def waiting_key(contribution: Contribution) -> tuple:
    return (
        contribution.id,
        contribution.title,
        contribution.user.display_name,
        contribution.kind,
        contribution.happened_on,
        contribution.persona,
        contribution.description,
        contribution.link,
        contribution.user_id == current_user.id,  # one's own: another reviews it
        *reader_key(),
    )


def waiting_contribution(contribution: Contribution) -> Markup:
    """A contribution of the review queue (templates: ``waiting_contribution``)."""
    return part(
        WAITING_TEMPLATE,
        waiting_key(contribution),
        contribution=contribution,
        current_user=current_user,
        kinds=KINDS,
        personae=PERSONA_BY_KEY,
    )


def reviewed_key(contribution: Contribution) -> tuple:
    reviewer = contribution.reviewed_by
    return (
        contribution.id,
        contribution.title,
        contribution.user.display_name,
        contribution.status,
        reviewer and reviewer.display_name,
        contribution.reviewed_at,
        *reader_key(),
    )


def reviewed_contribution_row(contribution: Contribution) -> Markup:
    """A contribution reviewed lately (templates: ``reviewed_contribution_row``)."""
    return part(
        REVIEWED_TEMPLATE,
        reviewed_key(contribution),
        contribution=contribution,
        reviewer=contribution.reviewed_by,
        status_labels=STATUS_LABELS,
    )
