"""The editorial calendar (R-S2): for each plan that needs picks, the coming months and where
each month's selection stands, so that no month reaches its run date without one.

A plan needs picks while it is open to new members or has members (joining, active or
suspended). A month's run date is its first day, 00:00 London time: its orders are made from the
live selection then. A month is flagged when its selection is not live and will not be by then
(missing, a draft, or scheduled after the run) and the run date is less than five weeks away,
which always includes next month, or has passed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Revision

from bookclub import months, selection_rules
from bookclub.models import MonthlySelectionPage, Plan, PlanPage, Subscription

MONTHS_AHEAD = 6  # the current month and the next six
ATTENTION_WINDOW = timedelta(days=35)


class State(StrEnum):
    LIVE = "live"
    SCHEDULED = "scheduled"
    DRAFT = "draft"
    MISSING = "missing"


class Attention(StrEnum):
    NONE = ""
    DUE = "due"  # the run date is near
    OVERDUE = "overdue"  # the run date has passed


STATE_LABELS = {
    State.LIVE: "Live",
    State.SCHEDULED: "Scheduled",
    State.DRAFT: "Draft only",
    State.MISSING: "Missing",
}


@dataclass
class Slot:
    plan: Plan
    plan_page: PlanPage | None
    month: date
    state: State
    selection: MonthlySelectionPage | None = None
    go_live_at: datetime | None = None  # a scheduled revision's go-live time
    frozen: bool = False
    attention: Attention = Attention.NONE

    @property
    def run_at(self) -> datetime:
        return selection_rules.run_starts_at(self.month)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def summary(self) -> str:
        """What is wrong, for the dashboard panel: 'missing; run date 1 April (in 24 days)'."""
        if self.attention == Attention.OVERDUE:
            return f"{self.label.lower()}; the run date, {self.month.day} {self.month:%B}, has passed"
        days = (self.month - months.london_today()).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        late = ", after the run date" if self.state == State.SCHEDULED else ""
        return f"{self.label.lower()}{late}; run date {self.month.day} {self.month:%B} ({when})"


@dataclass
class PlanRow:
    plan: Plan
    plan_page: PlanPage | None
    slots: list[Slot] = field(default_factory=list)


def plans_needing_picks():
    """Plans open to new members or with members, in the plans' usual order."""
    has_members = Subscription.objects.filter(state__in=Subscription.LIVE_STATES).values("plan_id")
    return (
        Plan.objects.filter(Q(is_open_to_new_members=True, withdrawn_at__isnull=True) | Q(pk__in=has_members))
        .select_related("product")
        .order_by("kind", "term_months", "id")
    )


def _scheduled_go_live(selections: list[MonthlySelectionPage]) -> dict[int, datetime]:
    """Page id -> go-live time of its scheduled revision, in one query."""
    if not selections:
        return {}
    revisions = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(MonthlySelectionPage),
        object_id__in=[str(selection.pk) for selection in selections],
        approved_go_live_at__isnull=False,
    ).values_list("object_id", "approved_go_live_at")
    return {int(object_id): go_live for object_id, go_live in revisions}


def _state(selection, go_live_at) -> State:
    if selection is None:
        return State.MISSING
    if selection.live:
        return State.LIVE
    return State.SCHEDULED if go_live_at else State.DRAFT


def _attention(slot: Slot, now: datetime) -> Attention:
    ready_in_time = slot.state == State.LIVE or (
        slot.state == State.SCHEDULED and slot.go_live_at is not None and slot.go_live_at <= slot.run_at
    )
    if slot.state == State.LIVE:
        return Attention.NONE
    if now >= slot.run_at:
        return Attention.OVERDUE
    if not ready_in_time and slot.run_at - now <= ATTENTION_WINDOW:
        return Attention.DUE
    return Attention.NONE


def calendar(
    *, now: datetime | None = None, months_ahead: int = MONTHS_AHEAD
) -> tuple[list[date], list[PlanRow]]:
    """(the months shown, a row per plan needing picks): five queries whatever the size."""
    now = now or timezone.now()
    first = months.month_of(months.london_today(now))
    shown = [months.add_months(first, n) for n in range(months_ahead + 1)]
    plans = list(plans_needing_picks())
    pages = {page.plan_id: page for page in PlanPage.objects.filter(plan__in=plans)}
    selections = list(
        MonthlySelectionPage.objects.filter(plan__in=plans, month__in=shown).only(
            "id", "title", "plan_id", "month", "live", "path", "depth", "url_path"
        )
    )
    go_live = _scheduled_go_live(selections)
    by_slot = {(selection.plan_id, selection.month): selection for selection in selections}
    today = months.london_today(now)
    rows = []
    for plan in plans:
        row = PlanRow(plan=plan, plan_page=pages.get(plan.pk))
        for month in shown:
            selection = by_slot.get((plan.pk, month))
            go_live_at = go_live.get(selection.pk) if selection else None
            slot = Slot(
                plan=plan,
                plan_page=row.plan_page,
                month=month,
                state=_state(selection, go_live_at),
                selection=selection,
                go_live_at=go_live_at,
                frozen=bool(selection) and selection_rules.is_frozen(selection, today=today),
            )
            slot.attention = _attention(slot, now)
            row.slots.append(slot)
        rows.append(row)
    return shown, rows


def needing_attention(rows: list[PlanRow]) -> list[Slot]:
    """Every flagged month, the most urgent first."""
    flagged = [slot for row in rows for slot in row.slots if slot.attention]
    return sorted(flagged, key=lambda slot: (slot.attention != Attention.OVERDUE, slot.month, slot.plan.pk))
