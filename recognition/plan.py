"""
The plan of the centers, drawn by the site: each naming opportunity is a rectangle on a grid
(PLAN_COLUMNS × PLAN_ROWS cells), scaled to SVG units here so the template only places them.
A space with others inside it (a whole center) is drawn just before them, so they sit on top of
it, and the keyboard goes through one center at a time.
"""

from dataclasses import dataclass

from .models import PLAN_COLUMNS, PLAN_ROWS, NamingOpportunity

CELL = 20  # SVG units per grid cell
CHAR_WIDTH = 6.6  # an average glyph at the plan's 11-unit font: how much of a name fits


@dataclass(frozen=True)
class Shape:
    opportunity: NamingOpportunity
    x: int
    y: int
    width: int
    height: int
    label: str  # the name, shortened to fit (the full name is in the link's accessible name)
    caption: str  # the status in words, or the recognition name once named
    is_enclosure: bool  # a space with others inside (a center): label at its top, not its middle

    @property
    def text_x(self) -> float:
        return self.x + 6 if self.is_enclosure else self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + 16 if self.is_enclosure else self.y + self.height / 2 - 2


@dataclass(frozen=True)
class Plan:
    width: int
    height: int
    shapes: list[Shape]


def _fit(text: str, width: int) -> str:
    room = max(int((width - 8) / CHAR_WIDTH), 3)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _inside(inner: NamingOpportunity, outer: NamingOpportunity) -> bool:
    return (
        inner is not outer
        and outer.plan_x <= inner.plan_x
        and outer.plan_y <= inner.plan_y
        and inner.plan_x + inner.plan_w <= outer.plan_x + outer.plan_w
        and inner.plan_y + inner.plan_h <= outer.plan_y + outer.plan_h
    )


def _reading_order(opportunities: list[NamingOpportunity]) -> list[NamingOpportunity]:
    """
    Each enclosing space (a center) just before the spaces inside it, in the staff's order: the
    keyboard and a screen reader go through one center at a time, and an enclosure is painted
    under its rooms.
    """

    def outermost(opportunity):
        outers = [other for other in opportunities if _inside(opportunity, other)]
        return max(outers, key=lambda o: o.plan_w * o.plan_h) if outers else opportunity

    def key(opportunity):
        outer = outermost(opportunity)
        return (outer.position, outer.pk, outer is not opportunity, opportunity.position, opportunity.pk)

    return sorted(opportunities, key=key)


def plan_draw(opportunities: list[NamingOpportunity]) -> Plan:
    shapes = []
    for opportunity in _reading_order(opportunities):
        width, height = opportunity.plan_w * CELL, opportunity.plan_h * CELL
        enclosure = any(_inside(other, opportunity) for other in opportunities)
        if opportunity.status == "named" and opportunity.recognition_name:
            caption = opportunity.recognition_name
        else:
            caption = opportunity.get_status_display()
        name = opportunity.localized.name
        shapes.append(
            Shape(
                opportunity=opportunity,
                x=opportunity.plan_x * CELL,
                y=opportunity.plan_y * CELL,
                width=width,
                height=height,
                label=_fit(str(name), width),
                caption=_fit(str(caption), width),
                is_enclosure=enclosure,
            )
        )
    return Plan(width=PLAN_COLUMNS * CELL, height=PLAN_ROWS * CELL, shapes=shapes)
