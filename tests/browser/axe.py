"""axe-core in the browser journeys (issue 15): one call checks the page at both widths.

``axe_check(page)`` (the ``axe`` fixture in conftest.py) runs axe-core 4.12, bundled in the
axe-playwright-python wheel (no network), with the WCAG 2.2 A and AA rules on the page as it
stands, at 1280 and at 390 px wide, then puts the window back as it was. A critical or serious
violation fails the journey with axe's own report of what and where. Every run is tallied in
``test-results/axe-summary.json`` (pages x widths checked, violations by impact and rule), the
figures docs/accessibility.md quotes.

``AXE_REPORT_ONLY=1`` in the environment records without failing: for measuring a page's state
before a fix.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

WIDTHS = (1280, 390)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = ("critical", "serious")
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}

# Parts of Wagtail's own admin that fail and are not ours to fix, left out of every check (and
# listed in docs/accessibility.md): the rich text editor's text box has no accessible name
# (Draftail labels the hidden input, not the editable area), the page editor's minimap list
# scrolls without being focusable, the date picker's arrows are empty buttons, and the comment
# buttons beside each field are 12 px apart.
WAGTAIL_OWN = [
    ".Draftail-Editor [role=textbox]",
    ".w-minimap__list",
    ".xdsoft_datetimepicker",
    ".w-field__comment-button",
]

_axe = Axe()


@dataclass
class Tally:
    """What every check of the session found, written out at its end."""

    checks: list[dict] = field(default_factory=list)

    def add(self, test: str, url: str, width: int, violations: list[dict]) -> None:
        self.checks.append(
            {
                "test": test,
                "url": url,
                "width": width,
                "violations": [
                    {
                        "id": v["id"],
                        "impact": v["impact"],
                        "nodes": len(v["nodes"]),
                        # Where, for the failing ones: enough to find and fix them.
                        "where": [_where(node) for node in v["nodes"][:6]] if v["impact"] in FAILING else [],
                    }
                    for v in violations
                ],
            }
        )

    def summary(self) -> dict:
        by_impact: Counter = Counter()
        nodes_by_impact: Counter = Counter()
        by_rule: Counter = Counter()
        for check in self.checks:
            for violation in check["violations"]:
                by_impact[violation["impact"]] += 1
                nodes_by_impact[violation["impact"]] += violation["nodes"]
                by_rule[f"{violation['id']} ({violation['impact']})"] += 1
        return {
            "axe_core": "4.12.1",
            "tags": WCAG_22_AA,
            "page_checks": len(self.checks),
            "pages": len(self.checks) // len(WIDTHS),
            "widths": list(WIDTHS),
            "violations_by_impact": dict(by_impact),
            "nodes_by_impact": dict(nodes_by_impact),
            "violations_by_rule": dict(by_rule.most_common()),
            "checks": self.checks,
        }

    def write(self, path: Path) -> None:
        if self.checks:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.summary(), indent=2))


def _where(node: dict) -> str:
    return f"{' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}"


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            lines.append(f"    {_where(node)}")
            lines.append(f"        {node['html'][:160]}")
    return "\n".join(lines)


def check(page, tally: Tally, test: str, *, exclude: list[str] | None = None) -> None:
    """Run axe on ``page`` at each of WIDTHS; fail on a critical or serious violation.

    ``exclude``: CSS selectors of parts that are not ours to fix (named with the reason at the
    call)."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    context = {"exclude": [[selector] for selector in [*WAGTAIL_OWN, *(exclude or [])]]}
    failures = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": size["height"]})
            page.wait_for_timeout(250)  # let transitions and narrow layouts settle
            result = _axe.run(page, context=context, options=OPTIONS)
            violations = result.response["violations"]
            tally.add(test, page.url, width, violations)
            failing = [v for v in violations if v["impact"] in FAILING]
            if failing:
                failures.append(f"at {width} px on {page.url}:\n{report(failing)}")
    finally:
        page.set_viewport_size(size)
    if failures and not os.environ.get("AXE_REPORT_ONLY"):
        raise AssertionError("axe-core found critical or serious violations " + "\n".join(failures))
