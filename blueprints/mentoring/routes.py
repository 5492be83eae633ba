"""Mentoring for everyone: offer, ask, the suggestions, requests and a pair's page."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
