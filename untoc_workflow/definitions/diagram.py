"""A process definition drawn as a Mermaid flowchart: its steps, what starts each one, its
clock, what completes it, the stage it reaches and its escalation ladder. Read from the
definition alone (`untoc processes --diagram PROCESS[@VERSION]`)."""

from __future__ import annotations

from .process import ProcessDefinition, Rung, Step

_START = "review_start"


def _text(value: str) -> str:
    """A label Mermaid reads literally (quotes and brackets would end it)."""
    return (
        value.replace("&", "&amp;")
        .replace('"', "#quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "/")
    )


def _rung(rung: Rung) -> str:
    when = rung.at
    if rung.every:
        when += f", every {rung.every}"
        if rung.times:
            when += f" x{rung.times}"
        if rung.until:
            when += f" until {rung.until}"
    to = ", ".join(rung.to) + (f" (cc {', '.join(rung.cc)})" if rung.cc else "")
    approval = f", approved by the {rung.approval}" if rung.approval else ""
    return f"{rung.id} {when}: {to}{approval}"


def _step_label(step: Step, definition: ProcessDefinition) -> str:
    lines = [f"<b>{_text(step.label('en'))}</b>", f"<i>{step.id}</i>"]
    if step.duration:
        clock = f"clock {step.duration}"
        if step.extendable:
            clock += ", extendable"
        if step.agreed_at:
            clock += f", or agreed at {step.agreed_at}"
        lines.append(_text(clock))
    rule = step.completed_by
    if rule.event:
        who = "" if rule.from_ == "any" else f" from {rule.from_}"
        lines.append(_text(f"done by {rule.event}{who}"))
    elif rule.condition is not None:
        lines.append(_text(f"done when {rule.condition.rule}"))
    if step.optional:
        lines.append("optional")
    if step.stage_on_completion:
        lines.append(_text(f"stage: {step.stage_on_completion}"))
    return "<br/>".join(lines)


def mermaid(definition: ProcessDefinition) -> str:
    """The Mermaid source (a `flowchart TD`) of one definition."""
    out = [
        "flowchart TD",
        f'  {_START}(["{_text(definition.ref)}: the review starts"])',
    ]
    facts: list[str] = []
    for step in definition.steps:
        out.append(f'  {step.id}["{_step_label(step, definition)}"]')
    for step in definition.steps:
        starts = step.starts
        if starts.at is not None:
            out.append(f"  {_START} --> {step.id}")
        elif starts.afters:
            # several: it starts when the last of them is complete
            label = "completed" if len(starts.afters) == 1 else "all completed"
            for before in starts.afters:
                out.append(f"  {before} -->|{label}| {step.id}")
        elif starts.fact is not None:
            node = f"fact_{starts.fact}"
            if node not in facts:
                facts.append(node)
                out.append(f'  {node}{{{{"{_text(starts.fact)}"}}}}')
            out.append(f"  {node} -.->|starts| {step.id}")
        if step.ladder:
            ladder = "<br/>".join(_text(_rung(r)) for r in step.ladder)
            out.append(f'  {step.id}_ladder[/"ladder<br/>{ladder}"/]')
            out.append(f"  {step.id} -.- {step.id}_ladder")
    return "\n".join(out) + "\n"
