"""The kudos form: a search for the colleague to thank, the choice among the matches, the message."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from base.form_fields import ErrorSummary, stripped
from base.i18n import lazy_gettext as _l
from base.web import MAX_INT
from blueprints.kudos.services import MESSAGE_MAX, SEARCH_MAX

CHOOSE = _l("Choose the colleague to thank: search by name or e-mail.")


class KudosForm(ErrorSummary, FlaskForm):
    q = SearchField(
        _l("Search by name or e-mail"),
        filters=[stripped],
        validators=[Optional(), Length(max=SEARCH_MAX)],
    )
    # Radio buttons of the search's matches, written by the template (their choices change as one types).
    recipient = IntegerField(
        _l("Colleague to thank"),
        validators=[InputRequired(CHOOSE), NumberRange(min=1, max=MAX_INT, message=CHOOSE)],
    )
    message = TextAreaField(
        _l("What are you thanking them for?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Say what you are thanking them for.")),
            Length(max=MESSAGE_MAX, message=_l("Keep it to %(num)s characters.", num=MESSAGE_MAX)),
        ],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )
