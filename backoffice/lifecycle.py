"""Lifecycle diagrams drawn from the state machines themselves, as SVG for the admin pages.

The states and transitions are read from the django-fsm field (Registrant.state, Case.state), so
the picture cannot drift from the code. States stand in a row in the order of their choices;
a transition forward arcs above the row, one backward below it. The current state is filled.
Accessible: the SVG has a title and a description naming the current state, and the page shows
the same transitions as a list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each transition is called on the diagram (the method names are English).
TRANSITION_LABELS = {
    "formalize": gettext_lazy("formalizar"),
    "issue_provisional_nit": gettext_lazy("NIT provisional"),
    "activate_provisional_nit": gettext_lazy("activar NIT"),
    "lapse_provisional_nit": gettext_lazy("vence el término"),
    "suspend": gettext_lazy("suspender"),
    "lift_suspension": gettext_lazy("levantar suspensión"),
    "cancel": gettext_lazy("cancelar"),
    "reactivate": gettext_lazy("reactivar"),
    "accept_requirements": gettext_lazy("requisitos cumplidos"),
    "reject_requirements": gettext_lazy("rechazar por requisitos"),
    "forward": gettext_lazy("remitir a otra seccional"),
    "take_jurisdiction": gettext_lazy("asumir competencia"),
    "grant": gettext_lazy("conceder"),
    "deny": gettext_lazy("negar"),
    "submit_for_approval": gettext_lazy("enviar a aprobación"),
    "submit_denial_for_approval": gettext_lazy("proponer que no procede"),
    "approve": gettext_lazy("aprobar"),
    "approve_denial": gettext_lazy("aprobar que no procede"),
    "return_with_observations": gettext_lazy("devolver con observaciones"),
    "communicate": gettext_lazy("comunicar"),
    "close": gettext_lazy("cerrar"),
}

NODE_WIDTH = 136
NODE_HEIGHT = 48
STEP = 176
MARGIN = 24
ARC_RISE = 27  # height of each level of arcs (two levels for each state spanned)
CURRENT_FILL = "#1f4e79"
NODE_FILL = "#ffffff"
INK = "#1b1b1b"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Lifecycle:
    title: str
    current_label: str
    svg: SafeString
    # The text alternative: (from, transition, to) in the labels shown.
    transitions: list[tuple[str, str, str]]


def _edges(model: type[models.Model], field_name: str) -> list[Edge]:
    field: Any = model._meta.get_field(field_name)  # a django_fsm.FSMField
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for transition in field.get_all_transitions(model):
        target = transition.target
        if target is None or target == transition.source or transition.source in ("*", "+"):
            continue  # an update keeps the state: not an arrow of the lifecycle
        label = str(TRANSITION_LABELS.get(transition.name, transition.name.replace("_", " ")))
        if label not in names[(transition.source, target)]:
            names[(transition.source, target)].append(label)
    return [Edge(s, t, " / ".join(labels)) for (s, t), labels in sorted(names.items())]


def _lines(label: str, *, width: int = 16) -> list[str]:
    """A name on one line, or two when longer than `width`."""
    words = label.split()
    if len(label) <= width or len(words) == 1:
        return [label]
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


def lifecycle(model: type[models.Model], current: str, *, field_name: str = "state") -> Lifecycle:
    """The lifecycle of `model`'s state field, `current` highlighted."""
    field: Any = model._meta.get_field(field_name)
    states = [(str(value), str(label)) for value, label in field.choices or []]
    labels = dict(states)
    position = {value: i for i, (value, _label) in enumerate(states)}
    edges = _edges(model, field_name)
    span = max((abs(position[e.target] - position[e.source]) for e in edges), default=1)
    reach = ARC_RISE * 2 * span + 50
    width = MARGIN * 2 + STEP * (len(states) - 1) + NODE_WIDTH
    top = MARGIN + reach
    height = top + NODE_HEIGHT + reach + MARGIN

    def center(value: str) -> float:
        return MARGIN + NODE_WIDTH / 2 + STEP * position[value]

    arcs = []
    for edge in edges:
        x1, x2 = center(edge.source), center(edge.target)
        forward = x2 > x1
        spanned = abs(position[edge.target] - position[edge.source])
        # Arcs leaving from neighbouring states alternate heights so their labels do not collide.
        level = 2 * spanned - 1 + min(position[edge.source], position[edge.target]) % 2
        rise = ARC_RISE * level + 10
        y = top if forward else top + NODE_HEIGHT
        control = y - rise * 4 / 3 if forward else y + rise * 4 / 3  # the apex is at `rise`
        lines = _lines(edge.label, width=22)
        if forward:
            first_label_y = y - rise - 6 - 14 * (len(lines) - 1)
        else:
            first_label_y = y + rise + 15
        offset = 10 if forward else -10  # leave and arrive beside the middle of the box
        caption = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            (((x1 + x2) / 2, first_label_y + 14 * i, line) for i, line in enumerate(lines)),
        )
        arcs.append(
            format_html(
                '<path d="M {} {} C {} {} {} {} {} {}" fill="none" stroke="{}" '
                'stroke-width="1.4" marker-end="url(#lifecycle-arrow)"/>'
                '<text text-anchor="middle" font-size="12" fill="{}">{}</text>',
                x1 + offset,
                y,
                x1 + offset,
                control,
                x2 - offset,
                control,
                x2 - offset,
                y,
                INK,
                INK,
                caption,
            )
        )
    nodes = []
    for value, label in states:
        is_current = value == current
        lines = _lines(label)
        first_y = top + NODE_HEIGHT / 2 + 5 - 8 * (len(lines) - 1)
        text = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((center(value), first_y + 16 * i, line) for i, line in enumerate(lines)),
        )
        nodes.append(
            format_html(
                '<g data-state="{}"{}><rect x="{}" y="{}" width="{}" height="{}" rx="8" '
                'fill="{}" stroke="{}" stroke-width="{}"/>'
                '<text text-anchor="middle" font-size="13" font-weight="{}" fill="{}">{}</text>'
                "</g>",
                value,
                SafeString(' data-current="true"') if is_current else "",
                center(value) - NODE_WIDTH / 2,
                top,
                NODE_WIDTH,
                NODE_HEIGHT,
                CURRENT_FILL if is_current else NODE_FILL,
                CURRENT_FILL if is_current else INK,
                3 if is_current else 1.2,
                "bold" if is_current else "normal",
                "#ffffff" if is_current else INK,
                text,
            )
        )
    title = _("Ciclo de vida: %(model)s") % {"model": model._meta.verbose_name}
    current_label = labels.get(current, current)
    transitions = [(labels[e.source], e.label, labels[e.target]) for e in edges]
    description = _("Estado actual: %(state)s. Transiciones: %(list)s.") % {
        "state": current_label,
        "list": "; ".join(f"{s} → {t} ({label})" for s, label, t in transitions),
    }
    uid = f"lifecycle-{model._meta.model_name}"
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" '
        'role="img" aria-labelledby="{}-title {}-desc" class="rut-lifecycle-svg" '
        'font-family="DejaVu Sans, Arial, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<defs><marker id="lifecycle-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker></defs>'
        "{}{}</svg>",
        width,
        height,
        width,
        uid,
        uid,
        uid,
        title,
        uid,
        description,
        INK,
        SafeString("".join(arcs)),
        SafeString("".join(nodes)),
    )
    return Lifecycle(title=title, current_label=current_label, svg=svg, transitions=transitions)
