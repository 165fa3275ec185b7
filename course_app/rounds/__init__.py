"""Rounds (cohorts) run from the browser: the list, creating a round, its page with the release
table, enrolling people, and the participants page.

Who may do what lives in ``access.py``; the rest are services that work without a request
(``services.py``: list and create; ``release_table.py``; ``enrolment.py``; ``participants.py``) and
the thin views in ``views.py``.
"""
