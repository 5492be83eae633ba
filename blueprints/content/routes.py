"""The feed, an item, sharing with tracked links, reactions, suggestions and the charter."""

from crawleruseragents import is_crawler
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from base.database import utcnow
from base.i18n import gettext as _
from base.urls import local_or
from base.vocabularies import SHARE_NETWORKS, THEMES
from base.web import public, wants_fragment
from blueprints.content import services
from blueprints.content.cards import feed_card
from blueprints.content.catalogue import (
    DEFAULT_OWN_WORDS_TIP,
    KINDS,
    OWN_WORDS_TIPS,
    STATE_LABELS,
    STATUS_LABELS,
)
from blueprints.content.feed import Cursor, Filters, feed_page
from blueprints.content.forms import ShareForm, SuggestForm
from blueprints.content.models import REACTION_KINDS
from blueprints.quiz.services import latest_result

bp = Blueprint("content", __name__)
bp.add_app_template_global(feed_card, "feed_card")

# Tracked links are opened by people outside the company.


def feed_filters() -> Filters:
    theme = request.args.get("theme")
    kind = request.args.get("type")
    return Filters(
        theme=theme if theme in THEMES else None,
        kind=kind if kind in KINDS else None,
        saved=request.args.get("saved") == "1",
    )


@bp.route("/feed")
def feed():
    filters = feed_filters()
    cursor = Cursor.decode(request.args.get("cursor"), utcnow())
    page = feed_page(current_user, filters, cursor)
    context = {
        "page": page,
        "filters": filters,
        "themes": THEMES,
        "kinds": KINDS,
        "continued": cursor.position > 0,
    }
    if wants_fragment() and cursor.position:
        return render_template("content/_cards.html", **context)
    if wants_fragment() and request.htmx.target == "feed-results":  # the filters, changed by htmx
        return render_template("content/_results.html", swapped=True, **context)
    return render_template("content/feed.html", **context)


@bp.route("/content/<int:item_id>")
def item(item_id: int):
    found = services.item_for(current_user, item_id)
    if found is None:
        abort(404)
    return render_item(found)


def render_item(found, error: str | None = None, error_network: str | None = None, status: int = 200):
    result = latest_result(current_user.id)
    networks = services.share_networks(result)
    texts = {}
    for network in networks:
        asked = request.args.get(network, type=int)
        texts[network] = services.chosen_text(found, network, asked)
    tip = (
        OWN_WORDS_TIPS.get(result.primary_persona, DEFAULT_OWN_WORDS_TIP) if result else DEFAULT_OWN_WORDS_TIP
    )
    mine = services.reader_state(current_user, found.id)
    page = render_template(
        "content/item.html",
        item=found,
        live=found.is_live(utcnow()),
        networks=[SHARE_NETWORKS[key] for key in networks],
        texts=texts,
        tip=tip,
        charter=services.must_accept_charter(current_user),
        shared=mine.shared,
        liked=mine.liked,
        bookmarked=mine.bookmarked,
        likes=mine.likes,
        error=error,
        error_network=error_network,
        themes=THEMES,
        kinds=KINDS,
        state=found.state(utcnow()),
        state_labels=STATE_LABELS,
    )
    return page, status


@bp.route("/content/<int:item_id>/preview.jpg")
def preview_image(item_id: int):
    """The item's link preview image, stored when comms saved the link: from our own origin.

    Its address carries the image's version, so browsers keep it as long as they like.
    """
    found = services.preview_image(current_user, item_id)
    if found is None:
        abort(404)
    image, version = found
    response = make_response(image)
    response.mimetype = "image/jpeg"
    response.set_etag(f"preview-{item_id}-{version}")
    if request.args.get("v") == str(version):
        response.cache_control.private = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True  # check again: the link may change
    return response.make_conditional(request)


@bp.post("/content/<int:item_id>/share/<network>")
def share(item_id: int, network: str):
    """Record the share, then open the network's share page with the share's tracked link."""
    found = services.item_for(current_user, item_id)
    if found is None or not found.is_live(utcnow()) or network not in SHARE_NETWORKS:
        abort(404)
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        shared = services.share(current_user, found.id, network, form.text.data or "")
    except services.CharterToAccept as refusal:
        flash(str(refusal), "info")
        return redirect(url_for("content.charter", next=url_for("content.item", item_id=found.id)), 303)
    except services.ContentError as refusal:
        return render_item(found, error=str(refusal), error_network=network, status=422)
    return redirect(shared.target, 303)


@bp.route("/r/<token>")
@public
def track(token: str):
    """A tracked link: count the visit, go to the item's stored link (never one from the request).

    Link-preview robots (LinkedInBot, facebookexternalhit, Twitterbot…) follow it too, but are not counted.
    """
    target = services.follow_tracked_link(token, count_visit=not is_crawler(request.user_agent.string))
    if target is None:
        abort(404)
    return redirect(target, 302)


@bp.post("/content/<int:item_id>/<kind>")
def react(item_id: int, kind: str):
    """Like or bookmark, and undo: by htmx (the buttons are swapped) or by a plain form."""
    found = services.item_for(current_user, item_id)
    if found is None or kind not in REACTION_KINDS:
        abort(404)
    services.toggle_reaction(current_user, found.id, kind)
    if wants_fragment():
        mine = services.reader_state(current_user, found.id)
        return render_template(
            "content/_reactions.html",
            item=found,
            liked=mine.liked,
            bookmarked=mine.bookmarked,
            likes=mine.likes,
        )
    return redirect(local_or(request.form.get("next"), url_for("content.item", item_id=found.id)), 303)


@bp.route("/suggest", methods=["GET", "POST"])
def suggest():
    form = SuggestForm(language=current_user.language)
    if form.validate_on_submit():
        services.suggest(current_user, form.title.data, form.url.data, form.reason.data, form.language.data)
        flash(_("Thank you! The comms team will review your suggestion and let you know."), "success")
        return redirect(url_for("content.suggest"), 303)
    page = render_template(
        "content/suggest.html",
        form=form,
        suggestions=services.my_suggestions(current_user),
        status_labels=STATUS_LABELS,
    )
    return page, 422 if form.errors else 200


@bp.route("/charter", methods=["GET", "POST"])
def charter():
    target = local_or(request.values.get("next"), url_for("content.feed"))
    current = services.current_charter()
    if request.method == "POST":
        try:
            services.accept_charter(current_user, request.form.get("charter_id", type=int) or 0)
        except services.ContentError as refusal:
            flash(str(refusal), "error")
            return redirect(url_for("content.charter", next=target), 303)
        flash(_("Thank you: you can share now."), "success")
        return redirect(target, 303)
    return render_template(
        "content/charter.html",
        charter=current,
        to_accept=services.must_accept_charter(current_user),
        next=target,
    )
