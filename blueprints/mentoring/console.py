"""The comms console's mentoring: offers, wishes and pairs, figures, topics and the matching round."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
