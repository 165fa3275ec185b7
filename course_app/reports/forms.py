from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from course_app.core.forms import BaseForm
from course_app.reports.options import ReportFilters, ReportOptions


def _optional_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(value)  # type: ignore[arg-type]


class ReportFilterForm(BaseForm):
    """The report's filters: a GET form (no CSRF: it changes nothing), so it works without JavaScript
    and every filtered report has its own link. Choices come from the viewer's scope; a value outside
    them (an edited URL) is dropped, and the service drops it again."""

    class Meta:
        csrf = False

    cohort = SelectField(_l("Forløb"), coerce=_optional_int, validate_choice=True)
    organisation = SelectField(_l("Organisation"), coerce=_optional_int)
    area = SelectField(_l("Område"), coerce=_optional_int)
    group = SelectField(_l("Ledergruppe"), coerce=_optional_int)
    module = SelectField(_l("Modul"), coerce=_optional_int)

    def fill(self, options: ReportOptions) -> None:
        """Set the choices from the options, then drop every value that is not one of them."""
        several = len(options.organisations) > 1
        names = {organisation.id: organisation.name for organisation in options.organisations}

        def labelled(row) -> str:
            return f"{names[row.organisation_id]}: {row.name}" if several else row.name

        everything = [("", _l("Alle"))]
        self.cohort.choices = [(cohort.id, cohort.name) for cohort in options.cohorts]
        self.organisation.choices = everything + [(o.id, o.name) for o in options.organisations]
        self.area.choices = everything + [(a.id, labelled(a)) for a in options.areas]
        self.group.choices = everything + [(g.id, labelled(g)) for g in options.groups]
        self.module.choices = everything + [(m.id, m.title) for m in options.modules]
        for select in (self.cohort, self.organisation, self.area, self.group, self.module):
            allowed = {value for value, _label in select.choices}
            if select.process_errors or select.data not in allowed:
                select.data = None
            select.process_errors = []
        self.cohort.data = options.cohort.id if options.cohort else None

    def filters(self) -> ReportFilters:
        return ReportFilters(
            organisation_id=self.organisation.data,
            area_id=self.area.data,
            group_id=self.group.data,
            module_id=self.module.data,
        )

    def query_args(self, report_filters: ReportFilters) -> dict[str, int]:
        """The URL arguments of a report with these filters (for the export link)."""
        args = {
            "cohort": self.cohort.data,
            "organisation": report_filters.organisation_id,
            "area": report_filters.area_id,
            "group": report_filters.group_id,
            "module": report_filters.module_id,
        }
        return {name: value for name, value in args.items() if value is not None}
