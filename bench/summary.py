"""The results at a glance: one line per size and database from the JSON reports, in docs."""

from __future__ import annotations

from pathlib import Path

from bench.report import read_documents, replace_section


def _cell(target: dict) -> str:
    if target["measured"] is None:
        return "–"
    mark = "" if target["holds"] else " ✗"
    return f"{target['measured']:g}{(' ' + target['unit']) if target['unit'] else ''}{mark}"


def summary_table(folder: Path) -> str:
    # reports from before the targets were recorded are skipped
    documents = [d for d in read_documents(folder, "bench-*-*.json") if "targets" in d]
    lines = [
        "| Size | Database | dashboard ratio (≥ 0.5) | module page ratio (≥ 0.5) | group dashboard p95, "
        "8 conn. (≤ 50 ms) | programme report p95, 1 conn. (≤ 500 ms) | progress CSV: worker "
        "peak RSS (< 200 MB) | sign-ins/s per core |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for document in documents:
        targets = [_cell(target) for target in document["targets"]]
        lines.append(
            f"| {document['size']} | {document['machine']['database']} | "
            + " | ".join(targets)
            + f" | {document['sign_in']['sign_ins_per_second_per_core']} |"
        )
    return "\n".join(lines) + "\n\n✗: the target does not hold (yet); see the findings below.\n"


def update_summary(folder: Path, markdown: Path) -> None:
    replace_section(markdown, "bench:summary", summary_table(folder))
