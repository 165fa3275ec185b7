"""Reading and validating an assessment folder (``docs/assessment-format.md``) without the database.

``read_assessment_dir`` reads ``<folder>/assessment.yml`` with the course files' machinery (ruamel.yaml
with line numbers, no tags or aliases, the same size limits) and collects every problem, each with file
and line, so an author fixes a file in one round. Only a file without problems yields an
``AssessmentData``. Messages are Danish message ids, worded as the course files' are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from course_app.assessments.file_schema import (
    AREA_FIELDS,
    ASSESSMENT_FIELDS,
    ASSESSMENT_FILE,
    ASSESSMENT_TEXTS,
    ITEM_FIELDS,
    MAX_AREAS,
    MAX_ITEM_TEXT_LENGTH,
    MAX_ITEMS,
    MAX_PROMPT_LENGTH,
    MAX_REFLECTIONS,
    MAX_SCALE_POINTS,
    MAX_TITLE_LENGTH,
    REFLECTION_FIELDS,
    SCALE_FIELDS,
    SCALE_LABEL_FIELDS,
    AreaData,
    AssessmentData,
    ItemData,
    ReflectionData,
    ScalePoint,
    Text,
    text_fields,
    whole_number,
)
from course_app.assessments.models import Dimension
from course_app.courses.file_checks import (
    INVALID,
    SourceFile,
    WalkContext,
    check_mapping,
    goal_listed_twice,
    parse_yaml,
    read_text,
    register_id,
)
from course_app.courses.file_schema import Problem, check_id, quoted


def _problems(source: SourceFile) -> int:
    return len(source.context.problems)


def _read_text(source: SourceFile, node: CommentedMap, key: str, limit: int) -> Text | None:
    """The language mapping ``node[key]`` (``{da: …, en: …}``); None after reporting problems."""
    before = _problems(source)
    line = source.key_line(node, key)
    texts = check_mapping(source, node[key], text_fields(limit), quoted(key), line)
    if texts is None or _problems(source) > before:
        return None
    return Text(da=str(texts["da"]), en=str(texts.get("en", "")))


def _list_items(source: SourceFile, node: CommentedMap, key: str, limit: int) -> list[Any]:
    items = node.get(key)
    if not isinstance(items, CommentedSeq):
        return []
    if len(items) > limit:
        source.add(
            source.value_line(node, key),
            _(
                "Listen »%(key)s« har %(count)s punkter; højst %(limit)s er tilladt.",
                key=key,
                count=len(items),
                limit=limit,
            ),
        )
        return []
    return list(items)


# --- The scale ------------------------------------------------------------------------------------


def _scale_bounds(source: SourceFile, scale: CommentedMap) -> tuple[int, int] | None:
    low, high = scale.get("min"), scale.get("max")
    if whole_number(low) or whole_number(high):
        return None  # reported by check_mapping
    if low >= high:
        source.add(
            source.value_line(scale, "max"),
            _("»max« skal være større end »min« (%(low)s).", low=low),
        )
        return None
    if high - low + 1 > MAX_SCALE_POINTS:
        source.add(
            source.value_line(scale, "max"),
            _(
                "Skalaen har %(count)s punkter; højst %(limit)s er tilladt.",
                count=high - low + 1,
                limit=MAX_SCALE_POINTS,
            ),
        )
        return None
    return low, high


def _read_scale(source: SourceFile, node: CommentedMap) -> tuple[int, int, list[ScalePoint]] | None:
    """(min, max, one label per point in order); None after reporting problems."""
    before = _problems(source)
    scale = check_mapping(
        source, node["scale"], SCALE_FIELDS, quoted("scale"), source.key_line(node, "scale")
    )
    if scale is None:
        return None
    bounds = _scale_bounds(source, scale)
    points: list[ScalePoint] = []
    seen: dict[int, int] = {}
    for index, item in enumerate(_list_items(source, scale, "labels", MAX_SCALE_POINTS)):
        line = source.item_line(scale["labels"], index)
        entry = check_mapping(source, item, SCALE_LABEL_FIELDS, _l("punktet på skalaen"), line)
        if entry is None:
            continue
        label = _read_text(source, entry, "label", MAX_TITLE_LENGTH) if "label" in entry else None
        value = entry.get("value")
        if whole_number(value):
            continue
        if value in seen:
            source.add(
                line,
                _(
                    "Værdien %(value)s har allerede en tekst (linje %(line)s). Fjern den ene.",
                    value=value,
                    line=seen[value],
                ),
            )
        elif bounds and not bounds[0] <= value <= bounds[1]:
            source.add(
                line,
                _(
                    "Værdien %(value)s ligger uden for skalaen (%(low)s–%(high)s).",
                    value=value,
                    low=bounds[0],
                    high=bounds[1],
                ),
            )
        elif points and value < points[-1].value:
            source.add(
                line, _("Skalaens punkter skal stå i rækkefølge efter »value«. Flyt dette punkt.")
            )
        seen.setdefault(value, line)
        if label is not None:
            points.append(ScalePoint(value, label))
    if bounds and isinstance(scale.get("labels"), CommentedSeq):
        line = source.key_line(scale, "labels")
        for value in range(bounds[0], bounds[1] + 1):
            if value not in seen:
                source.add(
                    line,
                    _(
                        "Værdien %(value)s har ingen tekst. Hvert punkt på skalaen skal have en.",
                        value=value,
                    ),
                )
    if bounds is None or _problems(source) > before:
        return None
    return bounds[0], bounds[1], points


# --- Areas and items ------------------------------------------------------------------------------


def _read_areas(source: SourceFile, node: CommentedMap) -> tuple[list[AreaData], dict[str, int]]:
    """The valid areas, and the line of every area id seen (for references and empty areas)."""
    areas: list[AreaData] = []
    lines: dict[str, int] = {}
    for index, item in enumerate(_list_items(source, node, "areas", MAX_AREAS)):
        before = _problems(source)
        line = source.item_line(node["areas"], index)
        area = check_mapping(source, item, AREA_FIELDS, _l("området"), line)
        if area is None:
            continue
        key = register_id(source, area, "area", _l("et andet område"))
        if key is not None:
            lines.setdefault(key, line)
        title = _read_text(source, area, "title", MAX_TITLE_LENGTH) if "title" in area else None
        if key is not None and title is not None and _problems(source) == before:
            areas.append(AreaData(key, title, position=index))
    return areas, lines


def _read_goals(source: SourceFile, item: CommentedMap) -> tuple[str, ...]:
    goals = item.get("goals")
    if not isinstance(goals, CommentedSeq) or not all(isinstance(goal, str) for goal in goals):
        return ()
    for index, goal in enumerate(goals):
        line = source.item_line(goals, index)
        if error := check_id(goal):
            source.add(line, _("Læringsmålets id %(problem)s.", problem=error))
        elif goal in goals[:index]:
            source.add(line, goal_listed_twice(goal))
    return tuple(goals)


def _read_items(
    source: SourceFile, node: CommentedMap, area_lines: dict[str, int]
) -> tuple[list[ItemData], set[str]]:
    """The valid items, and the areas that items name."""
    items: list[ItemData] = []
    used: set[str] = set()
    for index, entry in enumerate(_list_items(source, node, "items", MAX_ITEMS)):
        before = _problems(source)
        line = source.item_line(node["items"], index)
        item = check_mapping(source, entry, ITEM_FIELDS, _l("udsagnet"), line)
        if item is None:
            continue
        key = register_id(source, item, "item", _l("et andet udsagn"))
        area = item.get("area")
        if isinstance(area, str) and check_id(area) is None:
            used.add(area)
            if area not in area_lines:
                source.add(
                    source.value_line(item, "area"),
                    _(
                        "Området »%(area)s« findes ikke. Skriv det under »areas«, eller ret id'et.",
                        area=area,
                    ),
                )
        text = _read_text(source, item, "text", MAX_ITEM_TEXT_LENGTH) if "text" in item else None
        goals = _read_goals(source, item)
        if key is None or text is None or _problems(source) > before:
            continue
        items.append(
            ItemData(
                key, str(area), Dimension(item["dimension"]), text, position=index, goals=goals
            )
        )
    return items, used


# --- Reflection prompts --------------------------------------------------------------------------


def _read_reflections(source: SourceFile, node: CommentedMap) -> list[ReflectionData]:
    """The valid prompts, in order; their ids are unique among the file's prompts."""
    reflections: list[ReflectionData] = []
    for index, entry in enumerate(_list_items(source, node, "reflections", MAX_REFLECTIONS)):
        before = _problems(source)
        line = source.item_line(node["reflections"], index)
        reflection = check_mapping(
            source, entry, REFLECTION_FIELDS, _l("refleksionsspørgsmålet"), line
        )
        if reflection is None:
            continue
        key = register_id(source, reflection, "reflection", _l("et andet refleksionsspørgsmål"))
        prompt = (
            _read_text(source, reflection, "prompt", MAX_PROMPT_LENGTH)
            if "prompt" in reflection
            else None
        )
        if key is not None and prompt is not None and _problems(source) == before:
            reflections.append(ReflectionData(key, prompt))
    return reflections


def _video(node: CommentedMap, key: str) -> str:
    """A film's URL as written (checked by ``check_mapping``), or "" without one."""
    value = node.get(key)
    return value if isinstance(value, str) else ""


# --- The file -------------------------------------------------------------------------------------


def _check_folder(context: WalkContext) -> None:
    """An assessment folder holds its ``assessment.yml`` only (anything else is likely a mistake)."""
    for path in sorted(context.root.iterdir()):
        if path.name != ASSESSMENT_FILE and not path.name.startswith("."):
            SourceFile(context, path).add(
                None,
                _(
                    "Mappen til et kompetencehjul må kun have filen %(file)s. Flyt eller fjern "
                    "denne.",
                    file=ASSESSMENT_FILE,
                ),
            )


def _read_assessment(source: SourceFile, node: CommentedMap) -> AssessmentData | None:
    key = register_id(source, node, "assessment", _l("et andet kompetencehjul"))
    texts = {
        name: _read_text(source, node, name, limit)
        for name, limit in ASSESSMENT_TEXTS.items()
        if name in node
    }
    demo_model = node.get("demo_model") is True
    if demo_model and "label" not in node:
        source.add(
            source.key_line(node, "demo_model"),
            _(
                "En demomodel skal have en »label«, der siger, hvis model det er (fx platformens "
                "egen demomodel, ikke det oprindelige værktøj)."
            ),
        )
    reflections = _read_reflections(source, node)
    scale = _read_scale(source, node) if "scale" in node else None
    areas, area_lines = _read_areas(source, node)
    items, used = _read_items(source, node, area_lines)
    for area, line in area_lines.items():
        if area not in used:
            source.add(
                line,
                _(
                    "Området »%(area)s« har ingen udsagn. Giv det nogle, eller fjern det.",
                    area=area,
                ),
            )
    if source.context.problems or key is None or scale is None:
        return None
    return AssessmentData(
        key=key,
        title=texts["title"],
        demo_model=demo_model,
        label=texts.get("label"),
        intro=texts["intro"],
        outro=texts["outro"],
        scale_min=scale[0],
        scale_max=scale[1],
        scale=tuple(scale[2]),
        areas=tuple(areas),
        items=tuple(items),
        intro_video_url=_video(node, "intro_video"),
        outro_video_url=_video(node, "outro_video"),
        reflections=tuple(reflections),
    )


def read_assessment_dir(path: Path) -> tuple[AssessmentData | None, list[Problem]]:
    """Check an assessment folder: (the assessment, []) when it has no problems, else (None,
    problems). Problems name the file relative to the folder's parent, and the line."""
    root = Path(path).resolve()
    context = WalkContext(root)
    if not root.is_dir():
        return None, [Problem(root.name, None, _("Mappen til kompetencehjulet findes ikke."))]
    source = SourceFile(context, root / ASSESSMENT_FILE)
    if not source.path.is_file():
        source.add(
            None,
            _(
                "Filen %(file)s mangler. Hver mappe til et kompetencehjul skal have en.",
                file=ASSESSMENT_FILE,
            ),
        )
        return None, context.problems
    _check_folder(context)
    text = read_text(source)
    parsed = INVALID if text is None else parse_yaml(source, text)
    node = check_mapping(source, parsed, ASSESSMENT_FIELDS, ASSESSMENT_FILE, 1)
    data = None if node is None else _read_assessment(source, node)
    if context.problems or data is None:
        return None, context.problems
    return data, []
