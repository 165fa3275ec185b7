"""The module page writes each question's fields itself (``AnswerFields``, no WTForms form per
question), exactly as ``AnswerForm``'s widgets would write them: the same names, values, ids and
attributes, so what is posted is what ``AnswerForm`` reads."""

from __future__ import annotations

import re

from flask import Flask

from course_app.learning.forms import AnswerForm
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

QUESTION = "spoergsmaal-1"
TYPED = 'Mit svar med <b>tegn</b> & "citater"\n\nog en linje mere'


def _fields(html: str, key: str) -> list[str]:
    """The question's own fields as the page writes them: version, text and the buttons."""
    form = html[html.index(f'id="blok-{key}"') :]
    form = form[: form.index("</form>")]
    fields = r'<input (?!class="form-radio"|type="hidden" name="csrf_token")[^>]*>|<textarea.*?</textarea>'
    return re.findall(fields, form, re.S)


def _as_wtforms_writes(app: Flask, key: str, *, text: str, version: str, **state) -> list[str]:
    """What ``AnswerForm``'s widgets write for these values (the page before AnswerFields)."""
    attrs = {}
    if state.get("described"):
        attrs["aria-describedby"] = state["described"]
    if state.get("error"):
        attrs |= {"aria-invalid": "true", "autofocus": True}
    primary = {"class_": "button button-primary", "disabled": False}
    secondary = {"class_": "button button-secondary", "disabled": False}
    with app.test_request_context():
        form = AnswerForm(formdata=None, meta={"csrf": False})
        form.text.data, form.version.data = text, version
        if state.get("submitted"):
            buttons = [form.submit_answer(id=f"indsend-{key}", value="Gem ændringer", **primary)]
        else:
            buttons = [
                form.save_draft(id=f"gem-{key}", **secondary),
                form.submit_answer(id=f"indsend-{key}", **primary),
            ]
        text_area = form.text(
            id=f"svar-{key}", class_="form-input answer-text", rows=6, lang="da", **attrs
        )
        return [str(field) for field in (form.version(id=f"version-{key}"), text_area, *buttons)]


def test_the_fields_are_the_ones_answer_form_writes(app: Flask, client, session):
    org = factories.organisation()
    cohort = factories.cohort(factories.course(), orgs=[org])
    leader, _enrolment = factories.enrolled_leader(cohort, org=org)
    session.commit()
    sign_in(client, leader.email)
    url = f"/forloeb/{cohort.id}/moduler/modul-a"
    first = client.get(url).get_data(as_text=True)
    assert _fields(first, QUESTION) == _as_wtforms_writes(app, QUESTION, text="", version="0")
    assert _fields(first, "forberedelse-1") == _as_wtforms_writes(
        app, "forberedelse-1", text="", version="0"
    )

    token = csrf_token_from(first)
    saved = client.post(
        f"/forloeb/{cohort.id}/svar/{QUESTION}",
        data={"text": TYPED, "version": "0", "submit_answer": "Indsend", "csrf_token": token},
    )
    assert saved.status_code == 302
    after = client.get(url).get_data(as_text=True)
    assert _fields(after, QUESTION) == _as_wtforms_writes(
        app, QUESTION, text=TYPED, version="1", submitted=True
    )

    # A stale tab: refused, with her text, the error and the stored version.
    stale = client.post(
        f"/forloeb/{cohort.id}/svar/{QUESTION}",
        data={"text": "Gammel <fane>", "version": "0", "save_draft": "Gem", "csrf_token": token},
    )
    assert stale.status_code == 409
    assert _fields(stale.get_data(as_text=True), QUESTION) == _as_wtforms_writes(
        app,
        QUESTION,
        text="Gammel <fane>",
        version="1",
        submitted=True,
        described=f"{QUESTION}-fejl",
        error=True,
    )
