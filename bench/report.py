"""The report: JSON for machines, a Markdown section per size and database in docs/performance.md."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import sys
from pathlib import Path

from bench.sizes import SIZES, Size
from bench.sysinfo import database_kind

RATIO_BASE = "baseline: Jinja 50 rows"


def build(
    *,
    size: Size,
    database: str,
    started: dt.datetime,
    settings: dict,
    results: dict[str, dict],
    memory: dict,
    memory_before_export: dict,
    machine: dict,
    password_hash: str,
) -> dict:
    base = results[RATIO_BASE]["requests_per_second"]
    for result in results.values():
        result["ratio_to_baseline"] = (
            round(result["requests_per_second"] / base, 3) if base else None
        )
    targets = _targets(results, memory)
    sign_in = results.get("sign-in (password check)", {})
    cores_used = min(settings["workers"], machine["cores"])
    return {
        "size": size.name,
        "leaders": size.leaders,
        "database": database_kind(database),
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join(shlex.quote(part) for part in ["python", "-m", "bench", *sys.argv[1:]]),
        "settings": settings,
        "machine": machine,
        "results": results,
        "peak_rss_mb": memory,
        "peak_rss_mb_before_export": memory_before_export,
        "targets": targets,
        "sign_in": {
            "password_hash": password_hash,
            "sign_ins_per_second": sign_in.get("requests_per_second"),
            "sign_ins_per_second_per_core": round(
                (sign_in.get("requests_per_second") or 0) / cores_used, 1
            ),
        },
    }


def _targets(results: dict[str, dict], memory: dict) -> list[dict]:
    """The issue's targets, each with the measured value and whether it holds."""

    def row(name: str, target: str, value: float | None, holds: bool | None, unit: str) -> dict:
        return {"target": name, "wanted": target, "measured": value, "unit": unit, "holds": holds}

    def ratio(endpoint: str) -> dict:
        value = results.get(endpoint, {}).get("ratio_to_baseline")
        return row(f"{endpoint}: ratio to baseline", "≥ 0.50", value, _at_least(value, 0.5), "")

    def latency(name: str, endpoint: str, limit_ms: float) -> dict:
        value = _ms_value(results.get(endpoint, {}).get("p95_us"))
        return row(name, f"≤ {limit_ms:g} ms", value, _at_most(value, limit_ms), "ms")

    workers = [value for name, value in memory["app"].items() if name != "master"]
    export = results.get("admin: CSV of every progress row", {})
    return [
        ratio("leader: dashboard"),
        ratio("leader: module page"),
        latency("group dashboard p95, 8 connections", "facilitator: group dashboard", 50),
        latency(
            "programme report (organisation), p95 of one at a time",
            "coordinator: programme report, 1 connection",
            500,
        ),
        row(
            "CSV of every progress row: largest worker's peak RSS",
            "< 200 MB",
            max(workers) if workers else None,
            bool(workers) and not export.get("errors") and max(workers) < 200,
            "MB",
        ),
    ]


def _ms_value(microseconds: int | None) -> float | None:
    return None if microseconds is None else round(microseconds / 1000, 1)


def _at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def _at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def read_documents(folder: Path, pattern: str) -> list[dict]:
    """The JSON results in ``folder`` named like ``pattern``, by database, then size (XS … XL)."""
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in folder.glob(pattern)]
    order = list(SIZES)
    return sorted(documents, key=lambda d: (d["database"], order.index(d["size"])))


def write_json(document: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{document['size'].lower()}-{document['database']}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _ms(microseconds: int) -> str:
    return f"{microseconds / 1000:.1f}"


def markdown_section(document: dict) -> str:
    machine = document["machine"]
    settings = document["settings"]
    lines = [
        f"### Size {document['size']} ({document['leaders']:,} leaders), {machine['database']}",
        "",
        f"Run {document['started']} · `{document['command']}` · {settings['connections']} "
        f"connections, {settings['duration_s']:g} s per row, gunicorn {settings['workers']} sync "
        f"workers · {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, {machine['wrk']}",
        "",
        "| Endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in document["results"].items():
        lines.append(
            f"| {name} | {result['requests_per_second']:.1f} | {_ms(result['p50_us'])} | "
            f"{_ms(result['p95_us'])} | {_ms(result['p99_us'])} | {result['errors']} | "
            f"{_ratio(result['ratio_to_baseline'])} |"
        )
    in_turn = {
        name: result["extra"]["windows_per_second"]
        for name, result in document["results"].items()
        if "windows_per_second" in result.get("extra", {})
    }
    if in_turn:
        windows = "; ".join(
            f"{name} {', '.join(f'{value:g}' for value in values)}"
            for name, values in in_turn.items()
        )
        lines += [
            "",
            f"Measured in turn, {len(next(iter(in_turn.values())))} windows each, the median "
            f"window in the table (req/s per window): {windows}.",
        ]
    memory = document["peak_rss_mb"]
    app_memory = ", ".join(f"{name} {value:.0f}" for name, value in memory["app"].items())
    base_memory = ", ".join(f"{name} {value:.0f}" for name, value in memory["baseline"].items())
    before = max(
        value for name, value in document["peak_rss_mb_before_export"].items() if name != "master"
    )
    sign_in = document["sign_in"]
    export = document["results"].get("admin: CSV of every progress row", {}).get("extra", {})
    lines += ["", "| Target | wanted | measured | holds |", "|---|---|---:|---|"]
    for target in document["targets"]:
        measured = "–" if target["measured"] is None else f"{target['measured']:g} {target['unit']}"
        holds = {True: "yes", False: "**no**", None: "–"}[target["holds"]]
        lines.append(f"| {target['target']} | {target['wanted']} | {measured.strip()} | {holds} |")
    lines += [
        "",
        f"Peak RSS (MB): app {app_memory}; baseline {base_memory}; "
        f"largest app worker before the full progress export {before:.0f}.",
        f"CSV of every progress row: {export.get('lines', 0):,} lines, "
        f"{export.get('megabytes', 0)} MB, first byte after {export.get('seconds_to_first_byte', 0)} s.",
        f"Sign-in: `{sign_in['password_hash']}`, {sign_in['sign_ins_per_second']} sign-ins/s, "
        f"{sign_in['sign_ins_per_second_per_core']} per core.",
    ]
    return "\n".join(lines) + "\n"


def update_markdown(document: dict, path: Path) -> None:
    """Replace this size and database's section between its markers, or add it at the end."""
    replace_section(
        path, f"bench:{document['size']}:{document['database']}", markdown_section(document)
    )


def replace_section(path: Path, key: str, body: str) -> None:
    """Put ``body`` between the markers ``<!-- key -->`` and ``<!-- /key -->`` of the Markdown file,
    replacing what is there, or add the marked section at the end."""
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    section = f"{begin}\n{body}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
