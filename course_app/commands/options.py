"""Option types shared by the command groups."""

from __future__ import annotations

import datetime as dt

import click

from course_app.core.i18n import COPENHAGEN


def moment_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dt.datetime | None:
    """An ISO moment; without a zone it is Copenhagen time."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"»{value}« er ikke et tidspunkt som 2027-01-12T09:00 (Københavns tid)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(dt.UTC)
