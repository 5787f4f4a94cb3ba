"""A named rule of the engine as a definition uses it: its name and its parameters.

Two spellings, one meaning:

    waiting_for: reviewers_pending                      # a bare name (or a shorthand)
    waiting_for: {rule: parties, roles: [reviewers], pending: true}
    completed_by: {condition: {rule: all_focal_points_named, roles: [reviewed]}}

The mapping gives the rule under `rule:` and its parameters beside it; a parameter left
out takes the rule's default. The names and parameters come from the engine's registry
(core/rules.py); a misspelt name or parameter is refused where it is written, with the
names allowed and a "did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    SerializeAsAny,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ..core.rules import CONDITIONS, WAITING_RULES, WAITING_SHORTHANDS, RuleParams
from ..errors import did_you_mean


class RuleUse(BaseModel):
    """One use of a named rule: the rule, its parameters (checked), and the shorthand it
    was written as, if any.

    It compares equal to its rule's name, so `step.waiting_for == "secretariat"` asks which
    rule a step uses; two uses compare equal when rule and parameters are the same (a
    shorthand equals the mapping it stands for).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    params: SerializeAsAny[RuleParams]
    shorthand: str | None = None

    kind: ClassVar[str] = "rule"
    registry: ClassVar[Mapping[str, Any]] = {}
    shorthands: ClassVar[Mapping[str, tuple[str, Mapping[str, Any]]]] = {}

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, RuleUse):
            return value
        if isinstance(value, str):
            return cls._named(value, (), {})
        if isinstance(value, Mapping):
            if "rule" not in value:
                raise _errors([_missing_rule(value)])
            given = {k: v for k, v in value.items() if k != "rule"}
            return cls._named(value["rule"], ("rule",), given)
        example = next(iter(cls.shorthands or cls.registry))
        raise _said(
            "rule_use",
            f"a {cls.kind} is a name, e.g. {example!r}, or a mapping "
            "{rule: <name>, <parameter>: <value>}",
        )

    @classmethod
    def _named(cls, name: Any, at: tuple[str, ...], given: dict[str, Any]) -> dict[str, Any]:
        names = [*cls.registry, *cls.shorthands]
        if not isinstance(name, str) or name not in names:
            hint = did_you_mean(str(name), names)
            raise _errors(
                [
                    InitErrorDetails(
                        type=_said(
                            "unknown_rule",
                            f"unknown {cls.kind} {name!r}; {cls.kind}s: {', '.join(names)}"
                            + (f" ({hint})" if hint else ""),
                        ),
                        loc=at,
                        input=name,
                    )
                ]
            )
        shorthand = None
        if name in cls.shorthands:
            if given:
                raise _errors([_shorthand_with_params(name, cls.shorthands[name], given)])
            shorthand = name
            name, given = cls.shorthands[name][0], dict(cls.shorthands[name][1])
        rule = cls.registry[name]
        try:
            params = rule.Params.model_validate(given)
        except ValidationError as exc:
            raise _errors([_located(err, name, rule.Params) for err in exc.errors()]) from None
        return {"rule": name, "params": params, "shorthand": shorthand}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.rule
        if isinstance(other, RuleUse):
            return (self.rule, self.params) == (other.rule, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.rule)

    def __str__(self) -> str:
        if self.shorthand is not None:
            return self.shorthand
        given = self.params.model_dump(exclude_defaults=True)
        if not given:
            return self.rule
        return f"{self.rule} ({'; '.join(f'{k}: {_text(v)}' for k, v in given.items())})"

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # What a definition may write: the names, or a mapping per rule with its parameters.
        forms: list[dict[str, Any]] = [{"type": "string", "enum": [*cls.registry, *cls.shorthands]}]
        for name, rule in cls.registry.items():
            params = rule.Params.model_json_schema()
            props = {k: _plain(v) for k, v in params.get("properties", {}).items()}
            forms.append(
                {
                    "type": "object",
                    "properties": {"rule": {"const": name}, **props},
                    "required": ["rule"],
                    "additionalProperties": False,
                    "description": " ".join((rule.__doc__ or "").split()),
                }
            )
        shorthands = "; ".join(
            f"{k} = {{rule: {r}, {', '.join(f'{p}: {_text(v)}' for p, v in given.items())}}}"
            for k, (r, given) in cls.shorthands.items()
        )
        text = f"a {cls.kind} of the engine: its name, or {{rule: <name>, <parameter>: <value>}}"
        if shorthands:
            text += f". Shorthands: {shorthands}"
        return {"anyOf": forms, "description": text}


class WaitingRuleUse(RuleUse):
    """Whom an open step waits for: `waiting_for:`."""

    kind: ClassVar[str] = "waiting rule"
    registry: ClassVar[Mapping[str, Any]] = WAITING_RULES
    shorthands: ClassVar[Mapping[str, tuple[str, Mapping[str, Any]]]] = WAITING_SHORTHANDS


class ConditionUse(RuleUse):
    """What completes a step without a fact: `completed_by: {condition: ...}`."""

    kind: ClassVar[str] = "condition"
    registry: ClassVar[Mapping[str, Any]] = CONDITIONS
    shorthands: ClassVar[Mapping[str, tuple[str, Mapping[str, Any]]]] = {}


def _said(kind: str, message: str) -> PydanticCustomError:
    # the message is written out here: pydantic fills `{...}` of a template from its context
    return PydanticCustomError(kind, "{message}", {"message": message})


def _errors(details: list[InitErrorDetails]) -> ValidationError:
    # raised inside the validator, pydantic places each error below the field's own path
    return ValidationError.from_exception_data("rule", details)


def _missing_rule(value: Mapping[str, Any]) -> InitErrorDetails:
    return InitErrorDetails(type="missing", loc=("rule",), input=dict(value))


def _shorthand_with_params(
    name: str, meaning: tuple[str, Mapping[str, Any]], given: Mapping[str, Any]
) -> InitErrorDetails:
    rule, params = meaning
    spelled = ", ".join(f"{k}: {_text(v)}" for k, v in params.items())
    return InitErrorDetails(
        type=_said(
            "shorthand_with_parameters",
            f"{name!r} is short for {{rule: {rule}, {spelled}}} and takes no parameters; "
            f"give them to {rule!r}",
        ),
        loc=(next(iter(given)),),
        input=dict(given),
    )


def _located(err: Any, rule: str, params: type[RuleParams]) -> InitErrorDetails:
    """A parameter's error, said about the rule (an unknown key lists the parameters)."""
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        allowed = list(params.model_fields)
        key = str(loc[-1]) if loc else "?"
        hint = did_you_mean(key, allowed)
        listed = f"; parameters: {', '.join(allowed)}" if allowed else f"; {rule!r} takes none"
        return InitErrorDetails(
            type=_said(
                "unknown_parameter",
                f"unknown parameter {key!r} of rule {rule!r}{listed}"
                + (f" ({hint})" if hint else ""),
            ),
            loc=loc,
            input=err.get("input"),
        )
    detail = InitErrorDetails(type=err["type"], loc=loc, input=err.get("input"))
    if "ctx" in err:
        detail["ctx"] = err["ctx"]
    return detail


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"[{', '.join(map(str, value))}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plain(schema: Any) -> Any:
    # a parameter's schema without pydantic's titles (the committed schema stays readable)
    if isinstance(schema, dict):
        return {k: _plain(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_plain(v) for v in schema]
    return schema
