"""Every field of an application checked again when it is stored, whoever submits it.

The form checks each answer as it is typed, but the store is reached through the action server,
and one forged call once stored a confirmed registration with a name starting with ``=HYPERLINK(``,
a 職員番号 ``not-a-number`` and a 5,000-character 志望動機. So :func:`cleaned` runs in
:func:`bot.registrations.store.register` before anything is written: it removes control and bidi
characters (bot.safe_text), then applies the form's own checkers (bot.registrations.fields) and a
few rules of its own that the form's wording does not need (no formula or markup characters in a
name, a canonical 職員番号, ids of sane shape). An application with any problem is refused whole.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.registrations import fields
from bot.registrations.model import Application
from bot.safe_text import clean_line, clean_text
from bot.text.normalize import normalize

# Labels as the person knows the fields (the form's questions).
LABELS = {
    "cohort_id": "研修の期",
    "person_id": "利用者",
    "name": "お名前",
    "department": "所属",
    "staff_number": "職員番号",
    "recommendation": "推薦区分",
    "manager_name": "所属長のお名前",
    "motivation": "志望動機",
    "department_id": "所属",
    "channel": "利用者",
}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_FORMULA_START = ("=", "+", "-", "@")
# Characters no person's or unit's name needs, which spreadsheets, HTML or Markdown would act on.
_NOT_IN_NAMES = set('=<>{}[]\\|"`;*')


class InvalidApplication(ValueError):
    """The application cannot be stored; ``fields`` names what is wrong (keys of :data:`LABELS`)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in problems.items()))
        self.problems = problems

    @property
    def labels(self) -> list[str]:
        """The Japanese labels of the fields at fault, each once, in form order."""
        return list(dict.fromkeys(LABELS[field] for field in self.problems))


def _name_problem(value: str, what: str) -> str | None:
    checked = fields.check_name(value, what=what)
    if not checked.ok:
        return checked.problem
    plain = normalize(value)  # full-width ＝＋－＠ read as their ASCII forms
    if plain.startswith(_FORMULA_START) or _NOT_IN_NAMES & set(plain):
        return f"{what}に使えない記号が含まれています"
    return None


def problems(application: Application) -> dict[str, str]:
    """What is wrong with each field (empty: the application may be stored). Expects cleaned text."""
    found: dict[str, str | None] = {}
    app = application
    found["cohort_id"] = None if _ID.fullmatch(app.cohort_id or "") else "unknown cohort id"
    found["person_id"] = None if app.person_id and len(app.person_id) <= 128 else "missing or too long person id"
    found["name"] = _name_problem(app.name, "お名前")
    department = fields.check_department(app.department)
    found["department"] = department.problem if not department.ok else _name_problem(app.department, "所属")
    staff = fields.check_staff_number(app.staff_number, fields.staff_number_format())
    found["staff_number"] = None if staff.ok and staff.value == app.staff_number else (staff.problem or "not canonical")
    found["recommendation"] = fields.check_recommendation(app.recommendation).problem
    if app.recommendation == "manager":
        found["manager_name"] = _name_problem(app.manager_name or "", "所属長のお名前")
    elif app.manager_name is not None:
        found["manager_name"] = "only for 所属長推薦"
    found["motivation"] = fields.check_motivation(app.motivation).problem
    if app.department_id is not None and not _ID.fullmatch(app.department_id):
        found["department_id"] = "malformed department id"
    if app.channel is not None and not _ID.fullmatch(app.channel):
        found["channel"] = "malformed channel"
    return {field: problem for field, problem in found.items() if problem}


def cleaned(application: Application) -> Application:
    """The application with control and bidi characters removed; InvalidApplication if any field is wrong."""
    app = replace(
        application,
        name=clean_line(application.name),
        department=clean_line(application.department),
        staff_number=clean_line(application.staff_number),
        motivation=clean_text(application.motivation),
        manager_name=clean_line(application.manager_name) if application.manager_name is not None else None,
    )
    wrong = problems(app)
    if wrong:
        raise InvalidApplication(wrong)
    return app
