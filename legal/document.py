"""A legal document's body as numbered sections and clauses, and what changed between two (R-L1).

Numbers come from position: section 5, its seventh clause is 5.7, anchored ``#clause-5-7``.
The comparison aligns the clauses of two versions by their text (difflib), so inserting a
clause shows one addition, not every later clause as changed.
"""

import difflib
import html
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Clause:
    number: str
    anchor: str
    html: SafeString
    text: str


@dataclass
class Section:
    number: str | None  # None for unnumbered preamble text
    anchor: str
    heading: str
    intro_html: SafeString | None
    clauses: list[Clause] = field(default_factory=list)

    @property
    def intro_text(self) -> str:
        return plain_text(self.intro_html) if self.intro_html else ""


def plain_text(rich_text) -> str:
    return " ".join(html.unescape(strip_tags(str(rich_text))).split())


def numbered_sections(body) -> list[Section]:
    """The body of a LegalPage (any revision) as numbered sections."""
    sections: list[Section] = []
    section_number = 0
    for position, block in enumerate(body):
        if block.block_type == "preamble":
            sections.append(Section(None, f"preamble-{position + 1}", "", mark_safe(str(block.value)), []))
            continue
        section_number += 1
        value = block.value
        section = Section(
            number=str(section_number),
            anchor=f"section-{section_number}",
            heading=value["heading"],
            # The admin saves an emptied rich text field as "<p></p>": no opening text.
            intro_html=mark_safe(str(value["intro"])) if plain_text(value["intro"] or "") else None,
        )
        for clause_number, clause in enumerate(value["clauses"], start=1):
            section.clauses.append(
                Clause(
                    number=f"{section_number}.{clause_number}",
                    anchor=f"clause-{section_number}-{clause_number}",
                    html=mark_safe(str(clause["text"])),
                    text=plain_text(clause["text"]),
                )
            )
        sections.append(section)
    return sections


@dataclass
class Item:
    """A heading, an unnumbered passage or a clause, flattened for comparison."""

    label: str  # "5.7", "Section 5" or "Preamble"
    anchor: str
    text: str


def _items(sections: list[Section]) -> list[Item]:
    items = []
    for section in sections:
        if section.number is None:
            items.append(Item("Preamble", section.anchor, plain_text(section.intro_html)))
            continue
        items.append(Item(f"Section {section.number}", section.anchor, section.heading))
        if section.intro_html:
            items.append(
                Item(f"Section {section.number} (opening)", section.anchor, plain_text(section.intro_html))
            )
        items.extend(Item(clause.number, clause.anchor, clause.text) for clause in section.clauses)
    return items


# Fields of a version shown to readers above the clauses, compared like clauses (R-L1).
READER_FIELDS = [("title", "Title", "top"), ("intro", "Introduction", "introduction")]


def _field_items(version) -> list[Item]:
    return [
        Item(label, anchor, " ".join(str(getattr(version, name) or "").split()))
        for name, label, anchor in READER_FIELDS
    ]


def wording(body) -> list[str]:
    """Every heading and clause of a body as plain text: equal when only markup or ids differ."""
    return [item.text for item in _items(numbered_sections(body))]


def reader_wording(version) -> list[str]:
    """Everything a reader sees of a version (title, introduction, body) as plain text."""
    return [item.text for item in _field_items(version)] + wording(version.body)


@dataclass
class Change:
    kind: str  # "changed", "added" or "removed"
    old: Item | None
    new: Item | None
    marked_up: SafeString  # the new wording with deletions and insertions marked


def _word_diff(old: str, new: str) -> SafeString:
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old_words[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new_words[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))


def compare_versions(old, new) -> tuple[list[Change], int]:
    """What changed between two versions (LegalPage objects) that readers see: the title, the
    introduction, then clause by clause; and how many of those stayed the same (R-L1)."""
    changes, unchanged = [], 0
    for old_item, new_item in zip(_field_items(old), _field_items(new), strict=True):
        if old_item.text == new_item.text:
            unchanged += bool(new_item.text)
        elif not old_item.text:
            changes.append(Change("added", None, new_item, mark_safe(f"<ins>{escape(new_item.text)}</ins>")))
        elif not new_item.text:
            changes.append(
                Change("removed", old_item, None, mark_safe(f"<del>{escape(old_item.text)}</del>"))
            )
        else:
            changes.append(Change("changed", old_item, new_item, _word_diff(old_item.text, new_item.text)))
    body_changes, body_unchanged = compare(old.body, new.body)
    return changes + body_changes, unchanged + body_unchanged


def compare(old_body, new_body) -> tuple[list[Change], int]:
    """The clause-by-clause changes from ``old_body`` to ``new_body``, and how many stayed the same."""
    old_items, new_items = _items(numbered_sections(old_body)), _items(numbered_sections(new_body))
    matcher = difflib.SequenceMatcher(
        a=[item.text for item in old_items], b=[item.text for item in new_items], autojunk=False
    )
    changes: list[Change] = []
    unchanged = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        olds, news = old_items[i1:i2], new_items[j1:j2]
        # Pair replaced items in order; the surplus on either side is an addition or a removal.
        for position in range(max(len(olds), len(news))):
            old = olds[position] if position < len(olds) else None
            new = news[position] if position < len(news) else None
            if old and new:
                changes.append(Change("changed", old, new, _word_diff(old.text, new.text)))
            elif new:
                changes.append(Change("added", None, new, mark_safe(f"<ins>{escape(new.text)}</ins>")))
            else:
                changes.append(Change("removed", old, None, mark_safe(f"<del>{escape(old.text)}</del>")))
    return changes, unchanged
