"""Reading and validating a course folder (``docs/course-format.md``) without the database.

``read_course_dir`` walks the whole folder and collects every problem, each naming file and line, so
an author fixes a folder in one round. Only a folder without problems yields a ``CourseData``: the
importer never sees half-valid content. Messages are Danish message ids, like the checks'.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from course_app.courses import materials
from course_app.courses.file_checks import (
    INVALID,
    SourceFile,
    WalkContext,
    check_goal_refs,
    check_mapping,
    child_items,
    load_markdown,
    parse_yaml,
    plain_value,
    read_entries,
    read_text,
    register_id,
)
from course_app.courses.file_schema import (
    BLOCK_COMMON_FIELDS,
    BLOCK_FIELDS,
    BLOCK_TYPES,
    CHAPTER_FIELDS,
    COURSE_FIELDS,
    COURSE_FILE,
    GOAL_FIELDS,
    LESSON_FIELDS,
    MODULE_FIELDS,
    MODULE_FILE,
    BlockData,
    CourseData,
    Field,
    GoalData,
    LessonData,
    ModuleData,
    Problem,
    check_anything,
    is_plain_name,
    kind_of,
    optional,
    parse_timestamp,
    resource_target_problem,
)
from course_app.courses.film_moments import Item, MomentProblem, moment_problem
from course_app.courses.materials import ASSETS_DIR
from course_app.courses.models import BlockType, CompletionRule, ModuleMode, PublicationStatus
from course_app.courses.release_rules import (
    ReleaseKind,
    ReleaseRule,
    circular_after,
    release_problem,
    rule_from_data,
)

# --- The walk -------------------------------------------------------------------------------------


def _read_chapters(source: SourceFile, node: CommentedMap) -> None:
    previous: int | None = None
    for index, chapter in child_items(node, "chapters"):
        line = source.item_line(node["chapters"], index)
        checked = check_mapping(source, chapter, CHAPTER_FIELDS, _l("kapitlet"), line)
        at = checked.get("at") if checked is not None else None
        seconds = parse_timestamp(at) if isinstance(at, str) else None
        if seconds is None:
            continue
        if previous is not None and seconds <= previous:
            source.add(
                line,
                _("Kapitlerne skal stå i tidsrækkefølge. Flyt dette kapitel, eller ret dets »at«."),
            )
        previous = seconds


_MOMENT_PROBLEMS = {
    MomentProblem.VIDEO_WITHOUT_AT: _l(
        "»video« nævner filmen til et spørgsmål, der stilles undervejs i filmen. Tilføj »at« med "
        "tidspunktet."
    ),
    MomentProblem.NO_FILM_ABOVE: _l(
        "»at« kræver en film. Sæt spørgsmålet under en blok af typen »video« i denne lektion, "
        "eller nævn filmen med »video«."
    ),
    MomentProblem.NOT_A_FILM: _l(
        "»video« skal være id'et på en blok af typen »video« i denne lektion."
    ),
    MomentProblem.AFTER_THE_END: _l(
        "»at« ligger efter filmens slutning (se filmens »duration_minutes«). Ret tidspunktet eller "
        "filmens varighed."
    ),
}


def _read_film_moments(source: SourceFile, lesson: CommentedMap) -> None:
    """Each timed question belongs to a film of its own lesson and falls within the film."""
    nodes = [node for _index, node in child_items(lesson, "blocks")]
    items = [
        Item(node.get("id"), node.get("type"), node)
        if isinstance(node, CommentedMap)
        else Item(None, None, {})
        for node in nodes
    ]
    for index, node in enumerate(nodes):
        if items[index].type != BlockType.REFLECTION:
            continue
        if problem := moment_problem(items, index):
            key = "at" if "at" in node else "video"
            if problem == MomentProblem.NOT_A_FILM:
                key = "video"
            source.add(source.value_line(node, key), _MOMENT_PROBLEMS[problem])


def _status(node: CommentedMap) -> str:
    """An item's ``status`` (checked by its schema): "draft", or published when not given."""
    return str(node.get("status", PublicationStatus.PUBLISHED))


def _read_resource_target(source: SourceFile, block: CommentedMap, line: int) -> None:
    """A link or a material, not both; a material must be a usable file in ``assets/``."""
    if problem := resource_target_problem(block):
        source.add(line, problem)
        return
    name = block.get("material")
    if name is None or BLOCK_FIELDS[BlockType.RESOURCE]["material"].check(name) is not None:
        return
    context = source.context
    path = context.root / ASSETS_DIR / name
    value_line = source.value_line(block, "material")
    if not path.is_file():
        source.add(
            value_line,
            _(
                "»material«: filen »%(name)s« findes ikke i mappen %(folder)s/. Læg filen dér, "
                "eller ret navnet.",
                name=name,
                folder=ASSETS_DIR,
            ),
        )
        return
    if name in context.materials:  # named by an earlier block too: checked once
        return
    context.materials[name] = path
    try:
        problem = materials.store().file_problem(path)
    except materials.NoMaterialStore:  # no app: only the file's presence can be checked
        problem = None
    if problem:
        where = f"{ASSETS_DIR}/{name}"
        source.add(
            value_line, _("»material«: filen %(path)s %(problem)s.", path=where, problem=problem)
        )


def _check_assets(context: WalkContext) -> None:
    """Every file in ``assets/`` is a material some block names (else it is likely forgotten)."""
    folder = context.root / ASSETS_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if not path.is_file():
            SourceFile(context, path).add(
                None,
                _(
                    "Mappen %(folder)s/ må kun have filer, ikke mapper. Flyt eller fjern denne mappe.",
                    folder=ASSETS_DIR,
                ),
            )
        elif path.name not in context.materials:
            SourceFile(context, path).add(
                None, _("Ingen blok bruger denne fil som »material«. Brug den, eller fjern den.")
            )


def _block_fields(node: Any) -> dict[str, Field]:
    """The keys a block may have. Without a known type (reported via 'type') only the common keys
    can be judged, so the others are let through rather than all reported as unknown."""
    type_name = node.get("type") if isinstance(node, CommentedMap) else None
    if type_name in BLOCK_TYPES:
        return {**BLOCK_COMMON_FIELDS, **BLOCK_FIELDS[BlockType(type_name)]}
    others = (
        {key: optional(check_anything) for key in node} if isinstance(node, CommentedMap) else {}
    )
    return {**others, **BLOCK_COMMON_FIELDS}


def _read_block(source: SourceFile, node: Any, position: int, line: int) -> BlockData | None:
    before = len(source.context.problems)
    fields = _block_fields(node)
    block = check_mapping(source, node, fields, _l("blokken"), line)
    if block is None:
        return None
    key = register_id(source, block, "block", _l("en anden blok"))
    goals = check_goal_refs(source, block)
    if block.get("type") == BlockType.VIDEO:
        _read_chapters(source, block)
    if block.get("type") == BlockType.RESOURCE:
        _read_resource_target(source, block, line)
    if len(source.context.problems) > before or key is None:
        return None
    data = {
        name: plain_value(value) for name, value in block.items() if name not in BLOCK_COMMON_FIELDS
    }
    return BlockData(
        key=key, type=BlockType(block["type"]), position=position, data=data, goals=goals
    )


def _read_lesson(context: WalkContext, folder: Path, name: str, position: int) -> LessonData | None:
    before = len(context.problems)
    source = SourceFile(context, folder / name)
    front, intro = load_markdown(source)
    lesson = check_mapping(source, front, LESSON_FIELDS, _l("lektionens front matter"), 2)
    if lesson is None:
        return None
    key = register_id(source, lesson, "lesson", _l("en anden lektion"))
    goals = check_goal_refs(source, lesson)
    blocks = [
        _read_block(source, item, index, source.item_line(lesson["blocks"], index))
        for index, item in child_items(lesson, "blocks")
    ]
    _read_film_moments(source, lesson)
    if "watched_percent" in lesson and lesson.get("completion") != CompletionRule.WATCHED:
        source.add(
            source.value_line(lesson, "watched_percent"),
            _(
                "»watched_percent« hører sammen med »completion: watched«. Tilføj det, eller fjern "
                "»watched_percent«."
            ),
        )
    if len(context.problems) > before or key is None:
        return None
    return LessonData(
        key=key,
        title=str(lesson["title"]),
        intro=intro,
        source_name=name,
        position=position,
        goals=goals,
        blocks=tuple(block for block in blocks if block is not None),
        completion=str(lesson.get("completion", CompletionRule.SELF)),
        watched_percent=lesson.get("watched_percent"),
        status=_status(lesson),
    )


def _lesson_entry_problem(folder: Path, name: Any) -> str | None:
    if not is_plain_name(name) or not name.endswith(".md") or name == MODULE_FILE:
        return _(
            "Et punkt under »lessons« skal være navnet på en .md-fil i denne mappe (der står "
            "%(got)s).",
            got=kind_of(name),
        )
    if not (folder / name).is_file():
        return _(
            "Lektionsfilen »%(name)s« findes ikke i mappen %(folder)s/.",
            name=name,
            folder=folder.name,
        )
    return None


def _read_module_lessons(
    source: SourceFile, module: CommentedMap | None
) -> list[LessonData | None]:
    """The listed lessons, in order; a file in the folder that is not listed is likely forgotten.

    Without a usable list every .md file in the folder is checked, so its problems still show.
    """
    folder = source.path.parent
    if module is None or not isinstance(module.get("lessons"), CommentedSeq):
        for path in sorted(folder.glob("*.md")):
            if path.name != MODULE_FILE:
                _read_lesson(source.context, folder, path.name, 0)
        return []
    lessons, listed = read_entries(
        source,
        module,
        "lessons",
        partial(_lesson_entry_problem, folder),
        partial(_read_lesson, source.context, folder),
    )
    unlisted = (path for path in sorted(folder.iterdir()) if path.name not in listed)
    for path in unlisted:
        if path.is_file() and path.name != MODULE_FILE and not path.name.startswith("."):
            SourceFile(source.context, path).add(
                None,
                _(
                    "Filen står ikke under »lessons« i module.md. Skriv den på listen, eller fjern "
                    "den."
                ),
            )
    return lessons


def _read_module(context: WalkContext, name: str, position: int) -> ModuleData | None:
    before = len(context.problems)
    source = SourceFile(context, context.root / name / MODULE_FILE)
    front, intro = load_markdown(source)
    module = check_mapping(source, front, MODULE_FIELDS, _l("modulets front matter"), 2)
    lessons = _read_module_lessons(source, module)
    if module is None:
        return None
    key = register_id(source, module, "module", _l("et andet modul"))
    goals = check_goal_refs(source, module)
    release = _read_release(source, module, key)
    if len(context.problems) > before or key is None:
        return None
    return ModuleData(
        key=key,
        title=str(module["title"]),
        mode=ModuleMode(module["mode"]),
        intro=intro,
        source_name=name,
        position=position,
        goals=goals,
        lessons=tuple(lesson for lesson in lessons if lesson is not None),
        release=release,
        status=_status(module),
    )


def _read_release(source: SourceFile, module: CommentedMap, key: str | None) -> dict | None:
    """The module's (checked) release rule in its stored form; an ``after`` reference is noted for
    ``_check_release_order``, which needs every module read first."""
    if "release" not in module or release_problem(module["release"]) is not None:
        return None
    rule = rule_from_data(plain_value(module["release"]))
    if rule.kind == ReleaseKind.AFTER_MODULE and key is not None:
        line = source.value_line(module, "release")
        source.context.release_after.append((source.name, line, key, rule.after))
    return rule.to_data()


def _check_release_order(context: WalkContext) -> None:
    """``after`` must name another module of the course, and no chain may lead back to itself."""
    known = context.first_seen.get("module", {})
    rules = {}
    for file, line, key, after in context.release_after:
        if after == key:
            message = _("»release«: et modul kan ikke vente på sig selv. Ret id'et i »after«.")
            context.problems.append(Problem(file, line, message))
        elif after not in known:
            message = _(
                "»release«: modulet »%(module)s« i »after« findes ikke i kurset. Ret id'et.",
                module=after,
            )
            context.problems.append(Problem(file, line, message))
        else:
            rules[key] = ReleaseRule(ReleaseKind.AFTER_MODULE, after=after)
    where = {key: (file, line) for file, line, key, _after in context.release_after}
    for key in circular_after(rules):
        file, line = where[key]
        message = _(
            "»release«: modulet »%(module)s« venter på sig selv gennem andre moduler (deres »after« "
            "går i ring). Ret et af dem.",
            module=key,
        )
        context.problems.append(Problem(file, line, message))


def _read_goals(source: SourceFile, course: CommentedMap) -> list[GoalData | None]:
    goals: list[GoalData | None] = []
    for index, item in child_items(course, "learning_goals"):
        before = len(source.context.problems)
        line = source.item_line(course["learning_goals"], index)
        goal = check_mapping(source, item, GOAL_FIELDS, _l("læringsmålet"), line)
        key = None if goal is None else register_id(source, goal, "goal", _l("et andet læringsmål"))
        if key is not None:
            source.context.goal_ids.add(key)
        if goal is None or key is None or len(source.context.problems) > before:
            goals.append(None)
            continue
        description = str(goal.get("description", ""))
        goals.append(GoalData(key, str(goal["title"]), description, position=index))
    return goals


def _module_entry_problem(root: Path, name: Any) -> str | None:
    if not is_plain_name(name):
        return _(
            "Et punkt under »modules« skal være navnet på en mappe i kurset (der står %(got)s).",
            got=kind_of(name),
        )
    if not (root / name).is_dir():
        return _("Modulmappen »%(name)s« findes ikke i %(folder)s/.", name=name, folder=root.name)
    if not (root / name / MODULE_FILE).is_file():
        return _("Modulmappen »%(name)s« har ingen %(file)s.", name=name, file=MODULE_FILE)
    return None


def _read_course_modules(source: SourceFile, course: CommentedMap) -> list[ModuleData | None]:
    """The listed modules, in order; a module folder that is not listed is likely forgotten."""
    root = source.context.root
    modules, listed = read_entries(
        source,
        course,
        "modules",
        partial(_module_entry_problem, root),
        partial(_read_module, source.context),
    )
    if isinstance(course.get("modules"), CommentedSeq):
        for path in sorted(root.iterdir()):
            if path.name not in listed and (path / MODULE_FILE).is_file():
                SourceFile(source.context, path).add(
                    None,
                    _(
                        "Mappen har en module.md, men står ikke under »modules« i course.yml. "
                        "Skriv den på listen, eller fjern mappen."
                    ),
                )
    return modules


def read_course_dir(path: Path) -> tuple[CourseData | None, list[Problem]]:
    """Check a course folder: (the course, []) when it has no problems, else (None, problems)."""
    root = Path(path).resolve()
    context = WalkContext(root)
    if not root.is_dir():
        return None, [Problem(root.name, None, _("Kursusmappen findes ikke."))]
    source = SourceFile(context, root / COURSE_FILE)
    if not source.path.is_file():
        source.add(
            None,
            _("Filen %(file)s mangler. Hver kursusmappe skal have en.", file=COURSE_FILE),
        )
        return None, context.problems
    text = read_text(source)
    parsed = INVALID if text is None else parse_yaml(source, text)
    course = check_mapping(source, parsed, COURSE_FIELDS, COURSE_FILE, 1)
    if course is None:
        return None, context.problems
    key = register_id(source, course, "course", _l("et andet kursus"))
    goals = _read_goals(source, course)
    modules = _read_course_modules(source, course)
    _check_release_order(context)
    _check_assets(context)
    if context.problems or key is None:
        return None, context.problems
    data = CourseData(
        key=key,
        title=str(course["title"]),
        language=str(course["language"]),
        summary=str(course["summary"]),
        goals=tuple(goal for goal in goals if goal is not None),
        modules=tuple(module for module in modules if module is not None),
        materials=dict(sorted(context.materials.items())),
        status=_status(course),
    )
    return data, []
