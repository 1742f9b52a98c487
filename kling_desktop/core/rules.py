"""Small reusable rule checks and the error type validation raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kling_desktop.catalog.spec import Durations, ModelSpec, ProviderSetting, TextLimit, Workflow

if TYPE_CHECKING:
    from kling_desktop.core.request import GenerationRequest

# Settings that have their own request fields rather than living in ``request.settings``.
DEDICATED_SETTINGS = {"sound": "sound", "multiPrompt": "shots"}


@dataclass(frozen=True)
class Problem:
    field: str  # request field, e.g. "duration", "shots[2].duration"
    rule: str  # short rule name, e.g. "allowed durations"
    message: str  # a sentence naming the field, the rule and the allowed values

    def __str__(self) -> str:
        return self.message


class RequestInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))

    def for_field(self, field: str) -> list[Problem]:
        return [p for p in self.problems if p.field == field or p.field.startswith(field + "[")]


def check_text(field: str, text: str, limit: TextLimit, *, required: bool, model: str) -> list[Problem]:
    n = len(text.strip())
    if n == 0:
        if required:
            return [
                Problem(
                    field,
                    "required",
                    f"{field}: {model} needs a {field.replace('_', ' ')} "
                    f"({limit.min_chars}–{limit.max_chars} characters).",
                )
            ]
        return []
    if not limit.min_chars <= n <= limit.max_chars:
        return [
            Problem(
                field,
                "length",
                f"{field}: must be {limit.min_chars}–{limit.max_chars} characters; it has {n}.",
            )
        ]
    return []


def check_shots(
    req: GenerationRequest, spec: ModelSpec, wf: Workflow, durations: Durations | None
) -> list[Problem]:
    setting = spec.setting("multiPrompt")
    if not spec.multi_prompt_max or setting is None:
        return [Problem("shots", "supported", f"shots: {spec.name} does not take multi-shot prompts.")]
    if setting.workflows and wf not in setting.workflows:
        return [
            Problem(
                "shots",
                "supported",
                f"shots: {spec.name} takes shots only in "
                f"{', '.join(w.label.lower() for w in setting.workflows)}, not {wf.label.lower()}.",
            )
        ]
    if setting.forbids_reference_video and (req.reference_videos or req.input_video):
        return [
            Problem(
                "shots",
                "not with reference video",
                f"shots: {spec.name} does not take multi-shot prompts together with a reference video.",
            )
        ]
    out: list[Problem] = []
    n = len(req.shots)
    if n > spec.multi_prompt_max:
        out.append(
            Problem(
                "shots", "maximum", f"shots: at most {spec.multi_prompt_max} shots for {spec.name}; got {n}."
            )
        )
    limit = spec.prompt or TextLimit(1, 2500)
    for i, shot in enumerate(req.shots, 1):
        out += [
            Problem(f"shots[{i}].prompt", p.rule, f"shot {i} {p.message}")
            for p in check_text("prompt", shot.prompt, limit, required=True, model=spec.name)
        ]
        if shot.duration < 1 or not float(shot.duration).is_integer():
            out.append(
                Problem(
                    f"shots[{i}].duration",
                    "whole seconds",
                    f"shot {i} duration: must be a whole number of seconds, at least 1; got {shot.duration:g}.",
                )
            )
    total = sum(s.duration for s in req.shots)
    if durations is not None and not durations.allows(total):
        out.append(
            Problem(
                "shots",
                "total duration",
                f"shots: the shots add up to {total:g} s; {spec.name} makes {durations.describe()}.",
            )
        )
    if req.duration is not None and req.duration != total:
        out.append(
            Problem(
                "duration",
                "equals sum of shots",
                f"duration: {req.duration:g} s does not equal the sum of the shots ({total:g} s).",
            )
        )
    return out


def _check_value(setting: ProviderSetting, value: object) -> str | None:
    if setting.type == "bool" and not isinstance(value, bool):
        return f"must be true or false; got {value!r}"
    if setting.type == "choice" and value not in setting.choices:
        return f"must be one of {', '.join(setting.choices)}; got {value!r}"
    if setting.type == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number; got {value!r}"
        if setting.min is not None and setting.max is not None and not setting.min <= value <= setting.max:
            return f"must be between {setting.min:g} and {setting.max:g}; got {value:g}"
    return None


def _applicability(req: GenerationRequest, spec: ModelSpec, wf: Workflow, s: ProviderSetting) -> str | None:
    has_ref_video = bool(req.reference_videos or req.input_video)
    if s.workflows and wf not in s.workflows:
        return f"{spec.name} uses it only in {', '.join(w.label.lower() for w in s.workflows)}, not {wf.label.lower()}"
    if s.forbids_reference_video and has_ref_video:
        return f"{spec.name} does not allow it with a reference or input video"
    if s.requires_reference_video and not has_ref_video:
        return f"{spec.name} allows it only with a reference or input video"
    return None


def check_settings(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    out: list[Problem] = []
    known = {s.name for s in spec.provider_settings}
    if req.sound is not None:
        sound = spec.setting("sound")
        if sound is None:
            if req.sound:
                out.append(Problem("sound", "supported", f"sound: {spec.name} makes no native audio."))
        elif req.sound and (why := _applicability(req, spec, wf, sound)):
            out.append(Problem("sound", "applicability", f"sound: {why}."))
    for name, value in req.settings.items():
        if name in DEDICATED_SETTINGS:
            out.append(
                Problem(
                    f"settings.{name}",
                    "dedicated field",
                    f"settings.{name}: use the '{DEDICATED_SETTINGS[name]}' field instead.",
                )
            )
            continue
        setting = spec.setting(name)
        if setting is None:
            allowed = ", ".join(sorted(known - set(DEDICATED_SETTINGS))) or "none"
            out.append(
                Problem(
                    f"settings.{name}",
                    "supported",
                    f"settings.{name}: not a setting of {spec.name}; allowed: {allowed}.",
                )
            )
            continue
        if (bad := _check_value(setting, value)) is not None:
            out.append(Problem(f"settings.{name}", "allowed values", f"settings.{name}: {bad}."))
        elif (why := _applicability(req, spec, wf, setting)) and value not in (False, None):
            out.append(Problem(f"settings.{name}", "applicability", f"settings.{name}: {why}."))
    return out
