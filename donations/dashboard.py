"""
The staff dashboard at /admin/dashboard/: totals by campaign, designation and frequency, two
server-rendered SVG charts, recent gifts and monthly donors to follow up.

The charts are plain SVG drawn from numbers computed here (no JavaScript, no style attributes:
the site's CSP allows neither inline), so they work in any browser and print as they look.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import money

from . import reports

CHART_WIDTH = 720
CHART_HEIGHT = 220
PLOT_LEFT = 84  # room for the y-axis labels
PLOT_RIGHT = 12
PLOT_TOP = 14
PLOT_BOTTOM = 28  # room for the date labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


def _plot_height() -> int:
    return CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM


def _plot_width() -> int:
    return CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT


def _y(value: int, top: int) -> float:
    return round(PLOT_TOP + _plot_height() * (1 - (value / top if top else 0)), 1)


def _x_labels(days, step: float) -> list[XLabel]:
    # A date every two weeks or so, and the last day, so the axis is readable at 60 bars.
    last = len(days) - 1
    # Every 14th day counted back from today, so that today is always labelled and none overlap.
    indexes = [index for index in range(last, -1, -14)]
    return [
        XLabel(x=round(PLOT_LEFT + step * (index + 0.5), 1), label=days[index].date.strftime("%b %-d"))
        for index in sorted(indexes)
    ]


def _nice_top(value: int) -> int:
    """A round axis maximum at or above value (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover


def gifts_per_day_chart(days: list[reports.Day]) -> dict:
    top = _nice_top(max((day.gift_count for day in days), default=0))
    step = _plot_width() / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        y = _y(day.gift_count, top)
        bars.append(
            Bar(
                x=round(PLOT_LEFT + step * index + 1, 1),
                y=y,
                width=round(max(step - 2, 1), 1),
                height=round(PLOT_TOP + _plot_height() - y, 1),
                title=_("%(date)s: %(count)s gifts, %(amount)s")
                % {
                    "date": day.date.isoformat(),
                    "count": day.gift_count,
                    "amount": money.format_cents(day.raised_cents),
                },
            )
        )
    ticks = [Tick(y=_y(value, top), label=str(value)) for value in (0, top // 2, top) if value or top]
    return _chart(bars=bars, ticks=ticks, x_labels=_x_labels(days, step))


def cumulative_chart(days: list[reports.Day], *, goal_cents: int) -> dict:
    top = _nice_top(max([goal_cents, *(day.cumulative_cents for day in days)]))
    step = _plot_width() / max(len(days), 1)
    points = " ".join(
        f"{round(PLOT_LEFT + step * (index + 0.5), 1)},{_y(day.cumulative_cents, top)}"
        for index, day in enumerate(days)
    )
    ticks = [Tick(y=_y(value, top), label=money.format_cents(value, whole=True)) for value in (0, top // 2, top)]
    chart = _chart(bars=[], ticks=ticks, x_labels=_x_labels(days, step))
    chart.update(
        points=points,
        goal_y=_y(goal_cents, top),
        goal_label=_("Goal %(goal)s") % {"goal": money.format_cents(goal_cents, whole=True)},
        last_total=money.format_cents(days[-1].cumulative_cents if days else 0, whole=True),
    )
    return chart


def _chart(*, bars, ticks, x_labels) -> dict:
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": CHART_WIDTH - PLOT_RIGHT,
        "bottom": PLOT_TOP + _plot_height(),
        "label_y": CHART_HEIGHT - 8,
        "bars": bars,
        "ticks": ticks,
        "x_labels": x_labels,
    }


def dashboard_view(request):
    """
    Template: donations/admin/dashboard.html. Context: campaigns (reports.CampaignTotal list),
    campaign (the one charted: ?campaign=<id>, else the featured one), designations, frequencies,
    per_day_chart, cumulative_chart, days, recent_gifts, monthly, follow_up, attribution (by utm_* and
    source), recovered (gifts back through the checkout reminder).
    """
    if not request.user.has_perm("donations.view_gift"):
        raise PermissionDenied
    totals = reports.campaign_totals()
    campaign = None
    requested = request.GET.get("campaign", "")
    if requested.isdigit():
        campaign = next((total.campaign for total in totals if total.campaign.pk == int(requested)), None)
    if campaign is None and totals:
        campaign = totals[0].campaign
    context = {
        **_admin_context(request),
        "title": _("Campaign dashboard"),
        "campaigns": totals,
        "campaign": campaign,
        "recent_gifts": reports.recent_gifts(),
        "monthly": reports.monthly_donors(),
        "follow_up": reports.plans_to_follow_up(),
    }
    if campaign is not None:
        days = reports.gifts_per_day(campaign=campaign)
        context.update(
            campaign_total=next(total for total in totals if total.campaign.pk == campaign.pk),
            designations=reports.designation_totals(campaign=campaign),
            frequencies=reports.frequency_totals(campaign=campaign),
            attribution=reports.attribution_totals(campaign=campaign),
            recovered=reports.recovered_gifts(campaign=campaign),
            days=days,
            days_gift_count=sum(day.gift_count for day in days),
            days_raised_cents=sum(day.raised_cents for day in days),
            per_day_chart=gifts_per_day_chart(days),
            cumulative=cumulative_chart(days, goal_cents=campaign.goal_cents),
        )
    return render(request, "donations/admin/dashboard.html", context)


def _admin_context(request) -> dict:
    from django.contrib import admin

    return admin.site.each_context(request)
