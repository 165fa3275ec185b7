"""Sign-in settings (issue 17, point 5), for platform admins: each organisation's identity providers
(issuer, client id, domains, status; the secret only as "sat"/"mangler"), "Test forbindelsen", and
the organisation's policy (passwords on or off, people created at their first sign-in). A blueprint
of its own under /admin/log-ind (403 for everyone but platform admins); the rules are in
``accounts/identity_admin.py``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from course_app.accounts import identity_admin
from course_app.accounts.identity_admin import ProviderProblems, ProviderValues
from course_app.accounts.identity_models import IdentityProvider, SignInPolicy
from course_app.accounts.identity_secrets import client_secret
from course_app.accounts.identity_sign_in import http_timeout
from course_app.accounts.identity_views import redirect_uri
from course_app.accounts.sign_in_policy import policy_of
from course_app.admin.sign_in_forms import PolicyForm, ProviderForm
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.forms import ButtonForm
from course_app.core.i18n import danish_sort_key
from course_app.core.paging import paged
from course_app.organisations.access import Viewer, request_viewer
from course_app.organisations.models import Organisation

bp = Blueprint("sign_in_admin", __name__, url_prefix="/admin/log-ind")


def _require_platform_admin() -> Viewer:
    viewer = request_viewer()
    if not viewer.is_platform_admin:
        abort(403)
    return viewer


def _organisations() -> list[Organisation]:
    found = db.session.scalars(select(Organisation))
    return sorted(found, key=lambda organisation: danish_sort_key(organisation.name))


ORGANISATIONS_PER_PAGE = 25


@bp.get("")
@login_required
def overview():
    """Every organisation on one line: its providers and its policy, a page at a time (a platform
    of fifty organisations listed each with its forms took three times as long as one of two)."""
    _require_platform_admin()
    providers = list(db.session.scalars(select(IdentityProvider).order_by(IdentityProvider.label)))
    policies = {p.organisation_id: p for p in db.session.scalars(select(SignInPolicy))}
    page = paged(_organisations(), request.args.get("side"), ORGANISATIONS_PER_PAGE)
    rows = [
        (
            organisation,
            [p for p in providers if p.organisation_id == organisation.id],
            policies.get(organisation.id) or policy_of(None),
        )
        for organisation in page.items
    ]
    return render_template("admin/sign_in/overview.html", rows=rows, page=page)


@bp.get("/organisationer/<int:organisation_id>")
@login_required
def organisation_page(organisation_id: int):
    """One organisation: its providers (the secret as set or missing, "Test forbindelsen") and the
    form for its policy."""
    _require_platform_admin()
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    providers = list(
        db.session.scalars(
            select(IdentityProvider)
            .where(IdentityProvider.organisation_id == organisation.id)
            .order_by(IdentityProvider.label)
        )
    )
    policy = db.session.get(SignInPolicy, organisation.id)
    return render_template(
        "admin/sign_in/organisation.html",
        organisation=organisation,
        providers=providers,
        policy_form=_policy_form(policy),
        secret_set={p.id: client_secret(p.slug) is not None for p in providers},
        button=ButtonForm(),
    )


def _policy_form(policy: SignInPolicy | None) -> PolicyForm:
    """The organisation's policy form (the default policy when it has none)."""
    policy = policy or policy_of(None)
    form = PolicyForm(formdata=None)
    form.passwords_allowed.data = policy.passwords_allowed
    form.create_on_first_sign_in.data = policy.create_on_first_sign_in
    return form


def _provider_form(provider: IdentityProvider | None) -> ProviderForm:
    form = ProviderForm()
    if provider is not None:  # a provider stays with its organisation and its addresses
        del form.organisation
        del form.slug
    else:
        form.organisation.choices = [(str(o.id), o.name) for o in _organisations()]
    if provider is not None and not form.is_submitted():
        form.label.data = provider.label
        form.issuer.data = provider.issuer
        form.client_id.data = provider.client_id
        form.domains.data = ", ".join(provider.domains)
        form.active.data = provider.active
    return form


def _values(form: ProviderForm, provider: IdentityProvider | None) -> ProviderValues:
    return ProviderValues(
        organisation_id=provider.organisation_id if provider else int(form.organisation.data),
        slug=provider.slug if provider else (form.slug.data or "").strip(),
        label=form.label.data or "",
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        domains=form.domains.data or "",
        active=bool(form.active.data),
    )


def _edit(provider: IdentityProvider | None):
    viewer = _require_platform_admin()
    form = _provider_form(provider)
    if form.validate_on_submit():
        try:
            saved = identity_admin.save_provider(
                _values(form, provider), provider, actor_id=viewer.user_id, now=clock.now()
            )
        except ProviderProblems as refused:
            db.session.rollback()
            for name, message in refused.problems.items():
                form[name].errors = [*form[name].errors, message]
        else:
            db.session.commit()
            flash(_("Udbyderen »%(label)s« er gemt.", label=saved.label), "success")
            return redirect(_organisation_url(saved.organisation_id))
    status = 400 if form.errors else 200
    page = render_template(
        "admin/sign_in/provider_form.html",
        form=form,
        provider=provider,
        organisation=_organisation_of(provider),
        # a new provider's address has its name where "adressenavn" stands
        redirect_address=redirect_uri(provider.slug if provider else "adressenavn"),
    )
    return page, status


@bp.route("/udbydere/ny", methods=["GET", "POST"])
@login_required
def new_provider():
    return _edit(None)


@bp.route("/udbydere/<int:provider_id>", methods=["GET", "POST"])
@login_required
def edit_provider(provider_id: int):
    _require_platform_admin()
    provider = db.session.get(IdentityProvider, provider_id) or abort(404)
    return _edit(provider)


@bp.post("/udbydere/<int:provider_id>/test")
@login_required
def test_provider(provider_id: int):
    _require_platform_admin()
    provider = db.session.get(IdentityProvider, provider_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        return redirect(_organisation_url(provider.organisation_id))
    checks = identity_admin.test_connection(provider, timeout=http_timeout())
    return render_template(
        "admin/sign_in/connection.html",
        provider=provider,
        organisation=_organisation_of(provider),
        checks=checks,
        redirect_address=redirect_uri(provider.slug),
    )


@bp.post("/organisationer/<int:organisation_id>/politik")
@login_required
def set_policy(organisation_id: int):
    viewer = _require_platform_admin()
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = PolicyForm()
    if form.validate_on_submit():
        try:
            identity_admin.set_policy(
                organisation.id,
                passwords_allowed=bool(form.passwords_allowed.data),
                create_on_first_sign_in=bool(form.create_on_first_sign_in.data),
                actor_id=viewer.user_id,
            )
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Log-ind-politikken for %(name)s er gemt.", name=organisation.name), "success")
    return redirect(_organisation_url(organisation.id))


def _organisation_of(provider: IdentityProvider | None) -> Organisation | None:
    return db.session.get(Organisation, provider.organisation_id) if provider else None


def _organisation_url(organisation_id: int) -> str:
    return url_for("sign_in_admin.organisation_page", organisation_id=organisation_id)
