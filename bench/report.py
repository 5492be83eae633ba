"""The benchmark's results: a JSON file, a Markdown table (the README shows it) and what missed its target."""

import json
from pathlib import Path


def write_results(results: dict, folder: Path, timed: bool) -> list[str]:
    """Write ``<scale>.json`` and ``<scale>.md`` in the folder, print the table; return the failures."""
    failures = misses(results, timed)
    table = markdown(results, timed, failures)
    (folder / f"{results['scale']}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (folder / f"{results['scale']}.md").write_text(table)
    print(table)
    return failures


def misses(results: dict, timed: bool) -> list[str]:
    """Every target not met: a query count that grows with the data, a page too slow, a heavy feed."""
    failures = [
        f"{page['name']}: {page['queries_demo']} queries at demo size, {page['queries']} here"
        for page in results["pages"]
        if page["queries"] != page["queries_demo"]
    ]
    if timed:
        failures += [
            f"{page['name']}: {page['ratio']:.0%} of /healthz, target {page['target']:.0%}"
            for page in results["pages"]
            if page["ratio"] < page["target"]
        ]
    first_load = results["feed_first_load"]
    if first_load["bytes"] >= first_load["limit"]:
        failures.append(
            f"feed's first load: {kilobytes(first_load['bytes'])}, limit {kilobytes(first_load['limit'])}"
        )
    return failures


def markdown(results: dict, timed: bool, failures: list[str]) -> str:
    machine = results["machine"]
    sizes = ", ".join(f"{count:,} {table}" for table, count in results["sizes"].items())
    lines = [
        f"Measured {results['date']} on {machine['cpu']} ({machine['cores']} cores, {machine['memory_gb']} GB), "
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, gunicorn with "
        f"{machine['gunicorn_workers']} workers, wrk with {machine['wrk']}.",
        "",
        f"Data ({results['scale']}): {sizes}.",
        "",
        f"Feed's first load: {kilobytes(results['feed_first_load']['bytes'])} transferred "
        f"(page, style sheet and scripts, compressed; limit {kilobytes(results['feed_first_load']['limit'])}).",
        "",
    ]
    if timed:
        lines += [
            "| page | as | queries (demo / large) | req/s | `/healthz` req/s | share of `/healthz` | target |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {page['name']} | {page['viewer']} | {page['queries_demo']} / {page['queries']} "
            f"| {page['requests_per_second']:.0f} | {page['trivial_per_second']:.0f} "
            f"| {page['ratio']:.0%} {'✓' if page['ratio'] >= page['target'] else '✗'} | ≥ {page['target']:.0%} |"
            for page in results["pages"]
        ]
    else:
        lines += ["| page | as | queries (demo / this size) | bytes |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {page['name']} | {page['viewer']} | {page['queries_demo']} / {page['queries']} "
            f"| {page['bytes']:,} |"
            for page in results["pages"]
        ]
    lines += ["", "Every target met." if not failures else "Missed: " + "; ".join(failures) + "."]
    return "\n".join(lines) + "\n"


def kilobytes(size: int) -> str:
    return f"{size / 1024:.1f} KB"
