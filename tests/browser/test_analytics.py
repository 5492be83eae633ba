"""The analytics page in a browser, in French and English, at 390 and 1280 px: nothing makes the
page scroll sideways but the frames of wide tables and charts, charts keep a legible size, axe
finds no WCAG A/AA violation, and the filters work without JavaScript."""

import pytest
from playwright.sync_api import expect

from blueprints.accounts.models import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import PASSWORD
from tests.test_analytics_page import world  # noqa: F401 (the fixture: a small history)

pytestmark = pytest.mark.sqlite_only  # markup does not depend on the database
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
WIDTHS = {"390": PHONE, "1280": DESKTOP}

# Elements reaching beyond the viewport's right edge that are not inside a scrolling frame.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll("main *")].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !element.closest(".table-wrap");
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    outside: outside.slice(0, 5).map((element) => element.outerHTML.slice(0, 120)),
  };
}"""

# Each chart's drawn width and the scale of its drawing (rendered px per viewBox unit).
CHARTS = """() => [...document.querySelectorAll("svg.chart")].map((svg) => {
  const box = svg.getBoundingClientRect();
  return {
    wide: svg.classList.contains("chart--wide"),
    width: box.width,
    scale: box.width / svg.viewBox.baseVal.width,
    framed: Boolean(svg.closest(".table-wrap")),
  };
})"""


def open_page(browser, live_server, email: str, language: str, width: str, javascript: bool = True):
    context = browser.new_context(
        viewport=WIDTHS[width],
        locale=LOCALES[language],
        java_script_enabled=javascript,
        bypass_csp=True,  # the site's CSP would refuse the injected axe-core
    )
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator(".auth-card button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/admin/analytics")
    return page


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_fits_the_screen_keeps_charts_legible_and_passes_axe(
    browser,
    live_server,
    make_user,
    world,  # noqa: F811 (the fixture imported above)
    language,
    width,
):
    comms = make_user(Role.COMMS, language=language)
    page = open_page(browser, live_server, comms.email, language, width)
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("svg.chart")).to_have_count(10)
    expect(page.locator("table[data-table]")).to_have_count(13)

    layout = page.evaluate(OVERFLOW)
    assert layout["scrollWidth"] <= layout["width"], "the page scrolls sideways"
    assert layout["outside"] == [], layout["outside"]

    charts = page.evaluate(CHARTS)
    for chart in charts:
        if chart["wide"]:
            assert chart["framed"] and chart["scale"] == pytest.approx(
                1, abs=0.01
            )  # at its size, in its frame
        elif width == "390":
            # The drawing is laid out for ≈ 358 px: its 14–15 units text stays ≥ 12 px.
            assert chart["width"] >= 350 and chart["scale"] >= 0.85, chart
        else:
            assert chart["width"] <= 32 * 16 + 1, chart  # capped: a chart does not grow with the page
    assert any(chart["wide"] for chart in charts)  # the editorial line's heatmap

    violations = axe_violations(page)
    assert violations == [], describe(violations, f"/admin/analytics ({language}, {width} px)")
    page.context.close()


def test_the_filters_work_without_javascript(browser, live_server, make_user, world):  # noqa: F811
    comms = make_user(Role.COMMS, language="en")
    page = open_page(browser, live_server, comms.email, "en", "390", javascript=False)
    expect(page.locator("table[data-table=active] tbody tr")).to_have_count(12)
    page.get_by_label("Period", exact=True).select_option("4")
    page.get_by_label("People", exact=True).select_option(label="Sales")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table[data-table=active] tbody tr")).to_have_count(4)
    assert "period=4" in page.url and f"segment=department-{world.sales}" in page.url
    expect(page.get_by_label("People", exact=True)).to_have_value(f"department-{world.sales}")
    # Sales shared twice in these four weeks (Ana); Ben, in Marketing, is left out.
    shares = page.locator("table[data-table=reach-themes] tbody tr td:nth-child(2)").all_inner_texts()
    assert sum(int(value) for value in shares) == 2
    page.context.close()
