"""The data controllers (dataansvarlige) named in the privacy notice: each organisation (municipality)
is the controller for its own staff's data. The operator sets them in ``DATA_CONTROLLERS``, keyed by
the organisation's slug, e.g. in the environment::

    COURSE_APP_DATA_CONTROLLERS='{"albertslund": {"name": "Albertslund Kommune",
        "address": "Nordmarks Allé 1, 2620 Albertslund", "email": "kommunen@example.dk",
        "phone": "43 68 68 68", "dpo_name": "Databeskyttelsesrådgiveren",
        "dpo_email": "dpo@example.dk", "dpo_phone": ""}}'

A malformed mapping stops start-up (``check_config``); an organisation without an entry is shown on
the notice as not yet set up, so a missing entry is visible rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course_app.config import ENV_PREFIX, ConfigError
from course_app.core.db import db
from course_app.organisations.models import Organisation

REQUIRED_FIELDS = ("name", "address", "email", "dpo_email")
OPTIONAL_FIELDS = ("phone", "dpo_name", "dpo_phone")


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    dpo_email: str
    phone: str = ""
    dpo_name: str = ""
    dpo_phone: str = ""


@dataclass(frozen=True)
class OrganisationController:
    """An organisation on the platform and its controller (None: not set up yet)."""

    organisation: str
    controller: Controller | None


def controllers_from_config(value: Any) -> dict[str, Controller]:
    """``DATA_CONTROLLERS`` as controllers by slug; ConfigError names what is wrong."""
    setting = f"{ENV_PREFIX}_DATA_CONTROLLERS"
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{setting} must map organisation slugs to their controller's details.")
    controllers: dict[str, Controller] = {}
    for slug, details in value.items():
        if not isinstance(details, Mapping):
            raise ConfigError(f"{setting}[{slug!r}] must be a mapping of the controller's details.")
        unknown = set(details) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
        if unknown:
            raise ConfigError(f"{setting}[{slug!r}] has unknown fields: {sorted(unknown)}.")
        missing = [key for key in REQUIRED_FIELDS if not str(details.get(key) or "").strip()]
        if missing:
            raise ConfigError(f"{setting}[{slug!r}] is missing {', '.join(missing)}.")
        controllers[str(slug)] = Controller(
            **{
                key: str(details.get(key) or "").strip()
                for key in REQUIRED_FIELDS + OPTIONAL_FIELDS
            }
        )
    return controllers


def check_config(config: Mapping[str, Any]) -> None:
    controllers_from_config(config.get("DATA_CONTROLLERS"))


def organisation_controllers(config: Mapping[str, Any]) -> list[OrganisationController]:
    """Every organisation on the platform, by name, with its configured controller."""
    controllers = controllers_from_config(config.get("DATA_CONTROLLERS"))
    organisations = db.session.execute(
        select(Organisation.slug, Organisation.name).order_by(Organisation.name)
    ).all()
    return [OrganisationController(name, controllers.get(slug)) for slug, name in organisations]
