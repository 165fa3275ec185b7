"""``python -m bench``: generate a dataset, run the load benchmark, measure query cost, show scale-out,
release a module to every leader and send the e-mails.

Examples (docs/performance.md has the whole story)::

    python -m bench generate --size S
    python -m bench run --size S
    python -m bench cost --size S
    python -m bench profile --size S --endpoint "leader: dashboard"
    python -m bench scale-out --database postgresql+psycopg://root@127.0.0.1/bench_s
    python -m bench schedule --size L
    python -m bench tables
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.sizes import BENCH_PASSWORD, SIZES, Size

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def default_database(size: str) -> str:
    """A SQLite file per size under bench/results (ignored by git)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{RESULTS_DIR / f'bench-{size.lower()}.sqlite'}"


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", choices=list(SIZES), default="S", help="dataset size (default S)")
    parser.add_argument(
        "--database",
        help="SQLAlchemy URL (default: sqlite file bench/results/bench-<size>.sqlite)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="fill an empty database with a dataset")
    _add_database(generate)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument(
        "--replace", action="store_true", help="drop every table in the database first"
    )

    run = commands.add_parser("run", help="load the app and the baseline, write the report")
    _add_database(run)
    run.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    run.add_argument("--connections", type=int, default=8, help="concurrent connections")
    run.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    run.add_argument("--output", type=Path, default=RESULTS_DIR, help="folder for the JSON report")
    run.add_argument(
        "--markdown",
        type=Path,
        default=Path("docs/performance.md"),
        help="Markdown report to update (its section for this size and database)",
    )

    cost = commands.add_parser("cost", help="SQL statements and rows per request, per endpoint")
    _add_database(cost)
    cost.add_argument("--output", type=Path, default=RESULTS_DIR)

    profile = commands.add_parser(
        "profile", help="where a page's time goes, in this process (cProfile), split by layer"
    )
    _add_database(profile)
    profile.add_argument(
        "--endpoint",
        action="append",
        help="a row of the benchmark, e.g. 'leader: dashboard' (repeatable; default: the baseline's "
        "Jinja page, the leader's dashboard and module page)",
    )
    profile.add_argument("--requests", type=int, default=500, help="requests per endpoint")

    scale = commands.add_parser("scale-out", help="two app instances on one database")
    _add_database(scale)

    schedule = commands.add_parser(
        "schedule",
        help="release a module to every leader (schedule run), send the e-mails (notify send)",
    )
    _add_database(schedule)
    schedule.add_argument("--output", type=Path, default=RESULTS_DIR)
    schedule.add_argument(
        "--markdown",
        type=Path,
        default=Path("docs/performance.md"),
        help="Markdown report whose schedule table is rewritten from the JSON results",
    )
    tables = commands.add_parser(
        "tables", help="a workshop table plan for 1,000 attendees (no database, no server)"
    )
    tables.add_argument("--attendees", type=int, default=1000)
    tables.add_argument("--areas", type=int, default=12, help="across both organisations")
    tables.add_argument("--repeats", type=int, default=3, help="runs per group policy")
    tables.add_argument("--seed", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "tables":
        from bench.tables import run

        return 0 if run(args.attendees, args.areas, args.repeats, args.seed) else 1
    database = args.database or default_database(args.size)
    size = SIZES[args.size]
    if args.command == "generate":
        from bench.dataset import DatasetError, generate

        try:
            counts = generate(database, size, seed=args.seed, replace=args.replace)
        except DatasetError as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
        for table, number in sorted(counts.tables.items()):
            print(f"{table:24} {number:>10,}")
        print(f"adversarial answers      {counts.adversarial_answers:>10,}")
        print(f"Size {size.name} generated in {counts.seconds:.1f} s into {database}")
        print(f"Every generated person signs in with the password {BENCH_PASSWORD!r}.")
        return 0
    if args.command == "run":
        from bench.runner import BenchmarkError, run_benchmark

        try:
            report_path = run_benchmark(
                database,
                size,
                duration=args.duration,
                connections=args.connections,
                workers=args.workers,
                output=args.output,
                markdown=args.markdown,
            )
        except BenchmarkError as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
        print(f"Report: {report_path} and {args.markdown}")
        return 0
    if args.command == "cost":
        from bench.cost import measure_cost

        path = measure_cost(database, size, output=args.output)
        print(f"Cost per request written to {path}")
        return 0
    if args.command == "schedule":
        return _schedule(database, size, args.output, args.markdown)
    if args.command == "profile":
        return _profile(database, size, tuple(args.endpoint or ()), args.requests)
    from bench.scale_out import BenchmarkError, show_scale_out

    try:
        show_scale_out(database)
    except BenchmarkError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    return 0


def _profile(database: str, size: Size, endpoints: tuple[str, ...], requests: int) -> int:
    from bench import scenarios
    from bench.profile import (
        BASELINE,
        DEFAULT_ENDPOINTS,
        ProfileError,
        print_profiles,
        profile_endpoints,
    )

    known = {BASELINE, *scenarios.ENDPOINTS}
    if unknown := [endpoint for endpoint in endpoints if endpoint not in known]:
        print(f"bench: no such row: {', '.join(unknown)}", file=sys.stderr)
        return 1
    if requests < 1:
        print("bench: --requests must be at least 1", file=sys.stderr)
        return 1
    try:
        found = profile_endpoints(database, size, endpoints or DEFAULT_ENDPOINTS, requests=requests)
    except ProfileError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print_profiles(found)
    return 0


def _schedule(database: str, size: Size, output: Path, markdown: Path) -> int:
    from bench.schedule import BenchmarkError, run_schedule_benchmark

    try:
        path, document = run_schedule_benchmark(database, size, output=output, markdown=markdown)
    except BenchmarkError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print(f"Report: {path} and {markdown}")
    return 0 if all(document["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
