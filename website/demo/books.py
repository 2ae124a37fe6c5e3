"""Invented books for the demo and the benchmark: deterministic, so every run makes the same ones.

Title number ``n`` always has the same title, authors, series, ISBNs and prices, which is
what makes ``seed_demo`` idempotent and lets ``--books`` grow a catalogue without changing
the books already there.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify

from shop.catalogue.isbn import isbn13_check_digit

ADJECTIVES = [
    "Quiet",
    "Glass",
    "Salt",
    "Winter",
    "Hollow",
    "Paper",
    "Silver",
    "Burning",
    "Lantern",
    "Drowned",
    "Northern",
    "Crooked",
    "Patient",
    "Borrowed",
    "Last",
    "Hidden",
    "Amber",
    "Wild",
    "Sleeping",
    "Iron",
    "Velvet",
    "Distant",
    "Secret",
    "Golden",
    "Little",
    "Restless",
    "Forgotten",
    "Bright",
    "Broken",
    "Midnight",
]
NOUNS = [
    "Orchard",
    "Harbour",
    "Lighthouse",
    "Garden",
    "Archive",
    "Kingdom",
    "River",
    "Station",
    "Library",
    "Meadow",
    "Tide",
    "Ferry",
    "Chapel",
    "Orchestra",
    "Almanac",
    "Cartographer",
    "Beekeeper",
    "Alphabet",
    "Crossing",
    "Inheritance",
    "Heron",
    "Observatory",
    "Winterhouse",
    "Vineyard",
    "Clockmaker",
    "Island",
    "Letters",
    "Summer",
    "Weather",
    "Fox",
]
PLACES = [
    "Aldmoor",
    "Kestrel Bay",
    "Hawthorn Lane",
    "Saltmarsh",
    "Ember Hill",
    "Lowick",
    "the Fens",
    "Carrow Street",
    "Pelham Square",
    "Greywater",
    "Marrowby",
    "the Downs",
    "Linton Quay",
    "Foxhollow",
]
FIRST_NAMES = [
    "Ada",
    "Bea",
    "Cora",
    "Dev",
    "Elsie",
    "Farah",
    "Gideon",
    "Hana",
    "Idris",
    "Jonah",
    "Kit",
    "Leela",
    "Mabel",
    "Niall",
    "Orla",
    "Priya",
    "Quentin",
    "Rosa",
    "Sol",
    "Tamsin",
    "Uma",
    "Vaughan",
    "Wren",
    "Xander",
    "Yara",
    "Zeb",
    "Agnes",
    "Bram",
    "Cecily",
    "Dara",
    "Esme",
    "Felix",
    "Greer",
    "Hugo",
    "Iris",
    "Jude",
    "Kezia",
    "Lorcan",
    "Maud",
    "Noor",
    "Otis",
    "Pip",
    "Rhian",
    "Silas",
    "Thea",
    "Ulric",
    "Vita",
    "Wilf",
    "Ines",
    "Arlo",
]
LAST_NAMES = [
    "Ashby",
    "Blackwood",
    "Carrick",
    "Delacourt",
    "Ellery",
    "Fairweather",
    "Gallow",
    "Hartnell",
    "Ivers",
    "Jessop",
    "Kemble",
    "Lockhart",
    "Marlowe",
    "Nightingale",
    "Okafor",
    "Penhaligon",
    "Quayle",
    "Rooke",
    "Sandoval",
    "Thackeray",
    "Underwood",
    "Vance",
    "Whitlock",
    "Yeoman",
    "Achebe-Hart",
    "Brennan",
    "Chowdhury",
    "Dunmore",
    "Estrada",
    "Finch",
    "Greaves",
    "Holloway",
    "Iqbal",
    "Jarrow",
    "Kowalski",
    "Lindqvist",
    "Mbeki",
    "Novak",
    "O'Hare",
    "Pryce",
    "Rahman",
    "Stirling",
    "Tremayne",
    "Ueda",
    "Varga",
    "Wainwright",
    "Yildiz",
    "Zeller",
    "Abernethy",
    "Beaumont",
]
SERIES_PATTERNS = [
    "The {place} Mysteries",
    "The {adj} {noun} Trilogy",
    "Tales of {place}",
    "The {place} Chronicles",
    "The {noun} Quartet",
    "{first} {last} Investigates",
]
TITLE_PATTERNS = [
    "The {adj} {noun}",
    "{noun} of {place}",
    "A {noun} for {first}",
    "The {noun} at {place}",
    "{adj} {noun}",
    "The {first} {noun}",
    "After the {noun}",
    "The {noun}'s Daughter",
]
OPENINGS = [
    "When {first} returns to {place} after twenty years away, the town has kept one secret too many.",
    "Nobody in {place} expected the {noun_lower} to open again, least of all {first}.",
    "{first} has one summer to finish what a grandmother began, and the {noun_lower}, full of questions.",
    "A storm, a missing letter and the {noun_lower} that will not stay shut: {first}'s quiet life is over.",
    "In the last week of the season, {first} takes a job nobody else wants and finds a door nobody else saw.",
]
MIDDLES = [
    "Warm, sharp and full of small kindnesses, it is about the families we are given and the ones we choose.",
    "Told in alternating voices, it moves between two winters forty years apart.",
    "Part mystery, part love letter to the places that make us, it keeps its best turn for the final pages.",
    "It is funny, sad and impossible to put down, with a cast readers will want to meet again.",
    "Our editors called it the book they pressed into friends' hands all year.",
]
BIOGRAPHY = (
    "{name} grew up near {place} and has worked as a {job}. {pronoun} writes in the early mornings "
    "and is at work on a new novel."
)
JOBS = ["bookseller", "ferry pilot", "teacher", "radio producer", "gardener", "archivist", "nurse"]

ISBN_PREFIX = "97819"  # 979/978 group prefixes; ours are invented, with valid check digits


def isbn_for(title_number: int, edition: int) -> str:
    """Edition 0 is the paperback, 1 the eBook; both unique for every title number."""
    first_twelve = f"{ISBN_PREFIX}{2 * title_number + edition:07d}"
    return first_twelve + isbn13_check_digit(first_twelve)


@dataclass(frozen=True)
class DemoAuthor:
    number: int
    name: str
    slug: str
    biography: str


@dataclass(frozen=True)
class DemoSeries:
    number: int
    name: str
    slug: str
    description: str


@dataclass(frozen=True)
class DemoTitle:
    number: int
    title: str
    slug: str
    blurb: str
    author_numbers: tuple[int, ...]
    series_number: int | None
    series_position: int | None
    publication_date: date
    page_count: int
    paperback_price: Decimal
    paperback_stock: int
    ebook_price: Decimal | None  # None: published in paperback only
    paperback_isbn: str
    ebook_isbn: str


def author_count(titles: int) -> int:
    return max(60, titles // 6)


def series_count(titles: int) -> int:
    return max(10, titles // 20)


def make_author(number: int) -> DemoAuthor:
    rng = random.Random(f"author-{number}")
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number // len(FIRST_NAMES) + number) % len(LAST_NAMES)]
    cycle = number // (len(FIRST_NAMES) * len(LAST_NAMES))
    name = f"{first} {chr(65 + cycle % 26)}. {last}" if cycle else f"{first} {last}"
    biography = BIOGRAPHY.format(
        name=name, place=rng.choice(PLACES), job=rng.choice(JOBS), pronoun=rng.choice(["She", "He", "They"])
    ).replace("They writes", "They write")
    return DemoAuthor(number, name, f"{slugify(name)}-{number}", biography)


def make_series(number: int) -> DemoSeries:
    rng = random.Random(f"series-{number}")
    name = rng.choice(SERIES_PATTERNS).format(
        place=rng.choice(PLACES),
        adj=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        first=rng.choice(FIRST_NAMES),
        last=rng.choice(LAST_NAMES),
    )
    description = f"{name}: read them in order, or start anywhere. Each book stands on its own."
    return DemoSeries(number, name, f"{slugify(name)}-{number}", description)


def make_title(number: int, *, total: int, today: date) -> DemoTitle:
    """Title ``number`` of a catalogue of ``total`` titles; the same every time."""
    rng = random.Random(f"title-{number}")
    first = rng.choice(FIRST_NAMES)
    noun = rng.choice(NOUNS)
    title = rng.choice(TITLE_PATTERNS).format(
        adj=rng.choice(ADJECTIVES), noun=noun, place=rng.choice(PLACES), first=first
    )
    if title.startswith("A ") and title[2] in "AEIOU":
        title = "An " + title[2:]
    blurb = " ".join(
        [
            rng.choice(OPENINGS).format(first=first, place=rng.choice(PLACES), noun_lower=noun.lower()),
            rng.choice(MIDDLES),
        ]
    )
    authors = author_count(total)
    lead_author = rng.randrange(authors)
    author_numbers = (lead_author,) if rng.random() > 0.08 else (lead_author, (lead_author + 7) % authors)

    # Two titles in five belong to a series; a series runs to about eight books.
    series_number = series_position = None
    if number % 5 < 2:
        series_number = (number // 5) % series_count(total)
        series_position = (number // (5 * series_count(total))) * 2 + number % 5 + 1

    # About one title in twelve is still to come, up to six months ahead.
    if rng.random() < 0.08:
        publication_date = today + timedelta(days=rng.randint(10, 180))
    else:
        publication_date = today - timedelta(days=rng.randint(1, 6 * 365))
    in_stock = rng.random() > 0.05
    return DemoTitle(
        number=number,
        title=title,
        slug=f"{slugify(title)}-{number}",
        blurb=blurb,
        author_numbers=author_numbers,
        series_number=series_number,
        series_position=series_position,
        publication_date=publication_date,
        page_count=rng.randint(180, 620),
        paperback_price=Decimal(rng.choice(["6.99", "7.99", "8.99", "9.99", "10.99", "12.99"])),
        paperback_stock=rng.randint(3, 60) if in_stock else 0,
        ebook_price=None
        if rng.random() < 0.15
        else Decimal(rng.choice(["2.99", "3.99", "4.99", "5.99", "6.99"])),
        paperback_isbn=isbn_for(number, 0),
        ebook_isbn=isbn_for(number, 1),
    )


GIFTS = [
    # (title, sku, price incl. VAT, stock): standard-rated goods, to show VAT at 20%
    ("Bookclub canvas tote", "GIFT-TOTE", Decimal("12.00"), 40),
    ("Set of four pressed-flower bookmarks", "GIFT-MARKS", Decimal("4.50"), 120),
    ("Reading journal, clothbound", "GIFT-JOURNAL", Decimal("9.99"), 35),
]
