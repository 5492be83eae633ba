"""Kinds of events; keys are stored, labels translated when shown."""

from base.i18n import lazy_gettext as _l

KINDS = {
    "social_cafe": _l("Social café"),
    "webinar": _l("Webinar"),
    "training": _l("Training"),
    "talk": _l("Talk"),
}
