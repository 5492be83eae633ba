"""`make bench`: build a large company, serve it with gunicorn, measure every main page.

Steps: a fresh PostgreSQL database with the demo company; each page's SQL query count at
demo size; the large company added (``bench.build``); the query counts again; then the site
served by gunicorn (2 workers) and each page loaded with wrk, alternating with the trivial
route ``/healthz`` of the same server, several rounds, medians. The result is each page's
throughput as a share of the trivial route's, against the targets of SPEC §7.

``--scale small --no-timing`` is the harness's own check in CI: the same steps on a small
company, every page fetched once through gunicorn, no load.
"""

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from html import unescape
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import sqlalchemy as sa

from bench import build
from bench.pages import EMPLOYEE, TRIVIAL_PATH, Page, busiest_ids, load_more_path, pages, viewers
from bench.report import write_results

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/porte_voix_bench"
FEED_FIRST_LOAD_LIMIT = 60 * 1024
WORKERS = 2
BROWSER_HEADERS = {"Accept-Encoding": "zstd, br, gzip"}  # pages are measured compressed, as browsers get them
WRK_THREADS, WRK_CONNECTIONS = 2, 16
WRK_TIMEOUT = 30  # seconds: a slow page is measured slow, not dropped as timeouts (wrk's default is 2)
SERVER_ENVIRONMENT = {"DEMO_MODE": "1", "LOGIN_RATE_LIMIT": "10000 per minute", "PREVIEW_FETCH_ENABLED": "0"}


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    environment = {**os.environ, **SERVER_ENVIRONMENT, "DATABASE_URL": options.database_url}
    built = options.results / f"build-{options.scale}.json"
    if not options.reuse:
        fresh_database(options.database_url)
        flask(environment, "db", "upgrade")
        flask(environment, "seed-demo")
        who, demo_queries = query_counts(options.database_url)[::2]
        sizes = build.build(options.database_url, options.scale, options.seed)
        built.write_text(json.dumps({"viewers": who, "demo_queries": demo_queries, "sizes": sizes}, indent=2))
    saved = json.loads(built.read_text())
    _who, measured, large_queries = query_counts(options.database_url, saved["viewers"])
    with served(environment, options.port) as base_url:
        cookies = {role: signed_in_cookie(base_url, email) for role, email in saved["viewers"].items()}
        sizes_served = fetch_every_page(base_url, cookies, measured)
        first_load = feed_first_load(base_url, cookies[EMPLOYEE])
        timings = {} if options.no_timing else measure(base_url, cookies, measured, options)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": options.scale,
        "machine": machine(options.database_url),
        "sizes": saved["sizes"],
        "feed_first_load": first_load,
        "pages": [
            {
                **asdict(page),
                "target": page.target,
                "queries_demo": saved["demo_queries"][page.name],
                "queries": large_queries[page.name],
                "bytes": sizes_served[page.name],
                **timings.get(page.name, {}),
            }
            for page in measured
        ],
    }
    failures = write_results(results, options.results, timed=not options.no_timing)
    return 1 if failures else 0


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=build.SCALES, default="large")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--no-timing", action="store_true", help="check every page once, without load")
    parser.add_argument("--reuse", action="store_true", help="measure the database built by the last run")
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each page, alternating with /healthz")
    parser.add_argument("--port", type=int, default=free_port())
    options = parser.parse_args(argv)
    options.results.mkdir(parents=True, exist_ok=True)
    return options


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's database (the URL must not be a database you care about)."""
    drop_database(url)
    with server_connection(url) as connection:
        connection.execute(f'CREATE DATABASE "{sa.make_url(url).database}"')


def drop_database(url: str) -> None:
    with server_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')


def server_connection(url: str) -> psycopg.Connection:
    """A connection to the server's maintenance database, to create or drop the benchmark's."""
    admin_url = sa.make_url(url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True)


def flask(environment: dict, *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *arguments], env=environment, cwd=ROOT, check=True
    )


def query_counts(
    database_url: str, who: dict[str, str] | None = None
) -> tuple[dict, list[Page], dict[str, int]]:
    """Who views the pages (chosen now unless given), the pages to measure and each one's SQL
    statements, counted in this process on a warm request."""
    from app import create_app  # here: the app reads its settings when it is built
    from base.database import db

    app = create_app({"DATABASE_URL": database_url, **SERVER_ENVIRONMENT, "DEMO_MODE": True})
    with app.app_context():
        who = who or viewers()
        ids = busiest_ids(who[EMPLOYEE])
        engine = db.engine
    clients = {role: signed_in_client(app, email) for role, email in who.items()}
    measured = pages(ids, load_more_path(clients[EMPLOYEE].get("/feed").get_data(as_text=True)))
    statements = []
    counted = {}
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for page in measured:
        client = clients[page.viewer]
        client.get(page.path, headers=page.headers)
        statements.clear()
        response = client.get(page.path, headers=page.headers)
        if response.status_code != 200:
            raise RuntimeError(f"{page.name} ({page.path}) answered HTTP {response.status_code}.")
        counted[page.name] = len(statements)
    engine.dispose()
    return who, measured, counted


def signed_in_client(app, email: str):
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"email": email, "password": "demo", "csrf_token": csrf_token(login)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"Could not sign in as {email} (HTTP {response.status_code}).")
    return client


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(environment: dict, port: int):
    """The site under gunicorn with 2 workers, as in production, until the block ends."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level", "warning",
        "app:create_app()",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=environment, cwd=ROOT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting.")
        try:
            with urllib.request.urlopen(base_url + TRIVIAL_PATH, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in 20 s.")


def signed_in_cookie(base_url: str, email: str) -> str:
    """The Cookie header of a browser signed in as this person, for wrk."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(base_url + "/login").read().decode()
    form = urlencode({"email": email, "password": "demo", "csrf_token": csrf_token(login)}).encode()
    opener.open(base_url + "/login", data=form)
    if not any(cookie.name == "session" for cookie in jar):
        raise RuntimeError(f"Could not sign in as {email} over HTTP.")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def get(base_url: str, path: str, cookie: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(base_url + path, headers={"Cookie": cookie, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def fetch_every_page(base_url: str, cookies: dict, measured: list[Page]) -> dict[str, int]:
    """Every page once through gunicorn, as sent uncompressed: a page that fails stops the run."""
    sizes = {}
    for page in measured:
        status, body, _headers = get(base_url, page.path, cookies[page.viewer], page.headers)
        if status != 200:
            raise RuntimeError(f"{page.name} ({page.path}) answered HTTP {status} through gunicorn.")
        sizes[page.name] = len(body)
    return sizes


def feed_first_load(base_url: str, cookie: str) -> dict:
    """What a browser downloads to show the feed the first time: the page, its style sheet and
    scripts, compressed as a browser accepts them; the files must be cacheable for good."""
    _status, plain, _headers = get(base_url, "/feed", cookie)
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', plain.decode())
    files = {}
    for path in ["/feed", *(unescape(asset) for asset in assets)]:
        _status, body, headers = get(base_url, path, cookie, BROWSER_HEADERS)
        files[path] = len(body)
        if path != "/feed" and "max-age=31536000" not in headers.get("Cache-Control", ""):
            raise RuntimeError(f"{path} is not cacheable for a year: {headers.get('Cache-Control')}")
    total = sum(files.values())
    return {"bytes": total, "limit": FEED_FIRST_LOAD_LIMIT, "files": files}


def measure(base_url: str, cookies: dict, measured: list[Page], options) -> dict[str, dict]:
    """Requests per second of each page and of /healthz just before it, in each round; medians."""
    runs = {page.name: {"page": [], "trivial": []} for page in measured}
    for _round in range(options.rounds):
        for page in measured:
            cookie = cookies[page.viewer]
            runs[page.name]["trivial"].append(wrk(base_url + TRIVIAL_PATH, cookie, {}, options.seconds))
            runs[page.name]["page"].append(wrk(base_url + page.path, cookie, page.headers, options.seconds))
            wait_until_idle(base_url)
    return {
        name: {
            "requests_per_second": statistics.median(run["page"]),
            "trivial_per_second": statistics.median(run["trivial"]),
            "ratio": statistics.median(p / t for p, t in zip(run["page"], run["trivial"], strict=True)),
        }
        for name, run in runs.items()
    }


def wait_until_idle(base_url: str) -> None:
    """Until the server has answered the requests wrk left queued when it stopped: a slow page
    must not eat into the next run's time."""
    with urllib.request.urlopen(base_url + TRIVIAL_PATH, timeout=120):
        return


def wrk(url: str, cookie: str, headers: dict, seconds: int) -> float:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT}s",
    ]
    command += ["-H", f"Cookie: {cookie}"]
    for name, value in {**BROWSER_HEADERS, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"{url} answered errors under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def machine(database_url: str) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with psycopg.connect(
        sa.make_url(database_url).set(drivername="postgresql").render_as_string(False)
    ) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory),
        "python": platform.python_version(),
        "postgresql": postgres,
        "wrk": f"{WRK_THREADS} threads, {WRK_CONNECTIONS} connections",
        "gunicorn_workers": WORKERS,
    }


if __name__ == "__main__":
    sys.exit(main())
