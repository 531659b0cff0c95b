"""Skill mentions in posting text, and the headline skill categories each posting demands.

Pure: no I/O. The taxonomy arrives as a `Taxonomy` (two frames and a version string); the
loader that reads the seed files lives in `warehouse/seeds`.

How a posting is read
1. The cleaned text (`transforms.text.html_to_text`) is lower-cased once and hyphens/dashes
   become spaces (the length never changes, so offsets point into the cleaned text).
2. One Aho-Corasick automaton holds every surface form of every skill (aliases expanded from
   a small pattern syntax, plus plurals). A hit counts only on word boundaries: "sql" is not
   found in "nosql", "java" not in "javascript". Hits inside a longer hit are dropped
   ("curiosity" inside "technical curiosity").
3. Context rules decide whether a hit is a *demand* (requirement, responsibility, nice to
   have) or just words about the company, its product or another role:
   - the HN header line ("Acme | Senior PM | NYC") only yields title-bearing skills
     ("Technical Product Manager");
   - a hit followed by a role noun ("UX designers", "data scientists") names colleagues;
   - a negated hit ("we aren't focused on KPIs", "does not include coding") is dropped;
   - a sentence whose subject is the company ("We build analytics dashboards", "Acme uses
     machine learning", lines under "About us") is not a demand unless it also speaks to the
     candidate ("you", "looking for", "experience with", "skills", ...);
   - a sentence about other openings ("We're also hiring designers") is not a demand.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick
import polars as pl

HARD_CATEGORIES = (
    "data_analysis",
    "market_research",
    "roadmap_prioritization",
    "ux_ui_design",
    "technical_knowledge",
    "agile",
    "ab_testing",
)
SOFT_CATEGORIES = (
    "interpersonal",
    "communication_storytelling",
    "creative_thinking",
    "empathy",
    "influence_without_authority",
)
HEADLINE_CATEGORIES = HARD_CATEGORIES + SOFT_CATEGORIES
CATEGORIES = (*HEADLINE_CATEGORIES, "other_hard", "other_soft")
SKILL_TYPES = ("hard", "soft", "certification")
DK_GROUPS = (
    "cognitive",
    "social",
    "character",
    "writing",
    "customer_service",
    "project_management",
    "people_management",
    "financial",
    "computer",
    "software",
)
MATCH_MODES = ("word", "exact", "case")

MENTION_SCHEMA = {
    "posting_id": pl.String,
    "skill_id": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "matched_text": pl.String,
    "type": pl.String,
    "category": pl.String,
}


class TaxonomyError(ValueError):
    """The taxonomy files are inconsistent (unknown category, alias claimed twice, ...)."""


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The skills taxonomy as data.

    skills: skill_id, name, type, category, esco_id, dk_group.
    aliases: skill_id, alias (pattern, see `expand_pattern`), match ('word'|'exact'|'case').
    version: changes whenever the content changes (stored beside every mention).
    """

    skills: pl.DataFrame
    aliases: pl.DataFrame
    version: str
    _matcher: list = field(default_factory=list, repr=False)  # lazily built, cached here

    def matcher(self) -> Matcher:
        if not self._matcher:
            self._matcher.append(build_matcher(self))
        return self._matcher[0]


# -- alias patterns ----------------------------------------------------------------------------
_GROUP = re.compile(r"[{\[]")


def expand_pattern(pattern: str) -> list[str]:
    """All surface forms of an alias pattern: `{a|b}` picks one, `[x]` is optional; nestable.

    >>> expand_pattern("{strong|excellent} communication[ skills]")
    ['strong communication', 'strong communication skills', 'excellent communication', ...]
    """
    parts = _parse(pattern, 0, None)[0]
    out = []
    for combo in itertools.product(*parts):
        text = " ".join("".join(combo).split())
        if text and text not in out:
            out.append(text)
    return out


def _parse(s: str, i: int, close: str | None) -> tuple[list[list[str]], int]:
    """Sequence of choice-lists up to `close`; returns (parts, index after close)."""
    parts: list[list[str]] = []
    literal = []
    while i < len(s):
        ch = s[i]
        if close and ch in (close, "|"):
            break
        if ch in "{[":
            if literal:
                parts.append(["".join(literal)])
                literal = []
            end = "}" if ch == "{" else "]"
            options: list[str] = []
            i += 1
            while True:
                sub, i = _parse(s, i, end)
                options.extend("".join(c) for c in itertools.product(*sub))
                if i >= len(s):
                    raise TaxonomyError(f"unclosed group in alias pattern {s!r}")
                if s[i] == end:
                    i += 1
                    break
                i += 1  # '|'
            if end == "]":
                options.append("")
            parts.append(options)
            continue
        if ch in "}]|":
            raise TaxonomyError(f"unbalanced {ch!r} in alias pattern {s!r}")
        literal.append(ch)
        i += 1
    if literal:
        parts.append(["".join(literal)])
    return parts, i


_SCAN_TABLE = str.maketrans(
    {
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u00a0": " ",
    }
)


def scan_text(text: str) -> str:
    """Lower-case, hyphens/dashes to spaces, curly quotes straight: same length as `text`."""
    low = text.lower()
    if len(low) != len(text):  # rare: a character whose lower case is longer (e.g. 'İ')
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.translate(_SCAN_TABLE)


def _plural(form: str) -> str | None:
    if not form[-1:].isalpha():
        return None
    head, _, last = form.rpartition(" ")
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last = last + "es"
    else:
        last = last + "s"
    return f"{head} {last}" if head else last


def surface_forms(pattern: str, match: str = "word") -> list[str]:
    """Scan-ready keys for one alias: expanded, normalized like `scan_text`, plus plurals."""
    keys = []
    for form in expand_pattern(pattern):
        key = " ".join(scan_text(form).split())
        keys.append(key)
        if match == "word":
            plural = _plural(key)
            if plural:
                keys.append(plural)
    return list(dict.fromkeys(keys))


# -- the matcher -------------------------------------------------------------------------------
class Matcher(NamedTuple):
    automaton: ahocorasick.Automaton
    skill_ids: list[str]
    types: list[str]
    categories: list[str]
    names: list[str]
    headline: list[bool]
    title_bearing: list[bool]  # surface form names a PM title ("technical product manager")


def build_matcher(taxonomy: Taxonomy) -> Matcher:
    """Aho-Corasick automaton over every surface form; values (length, skill index, flags)."""
    skills = taxonomy.skills
    index = {sid: i for i, sid in enumerate(skills["skill_id"].to_list())}
    automaton = ahocorasick.Automaton()
    owner: dict[str, str] = {}
    conflicts = []
    for sid, pattern, match in taxonomy.aliases.select("skill_id", "alias", "match").iter_rows():
        if sid not in index:
            raise TaxonomyError(f"alias {pattern!r} names unknown skill {sid!r}")
        match = match or "word"
        if match not in MATCH_MODES:
            raise TaxonomyError(f"alias {pattern!r}: match must be one of {MATCH_MODES}")
        forms = expand_pattern(pattern) if match == "case" else surface_forms(pattern, match)
        for form in forms:
            key = scan_text(form) if match == "case" else form
            if owner.get(key, sid) != sid:
                conflicts.append(f"{form!r}: {owner[key]} vs {sid}")
                continue
            owner[key] = sid
            title = "product manager" in key or "product owner" in key
            cased = form if match == "case" else None
            automaton.add_word(key, (len(key), index[sid], title, cased))
    if conflicts:
        raise TaxonomyError("surface forms claimed by two skills: " + "; ".join(conflicts[:20]))
    automaton.make_automaton()
    cats = skills["category"].to_list()
    return Matcher(
        automaton=automaton,
        skill_ids=skills["skill_id"].to_list(),
        types=skills["type"].to_list(),
        categories=cats,
        names=skills["name"].to_list(),
        headline=[c in HEADLINE_CATEGORIES for c in cats],
        title_bearing=[],
    )


# -- context rules -----------------------------------------------------------------------------
# Regexes run on `scan_text` (hyphens are spaces) unless they say "line": those run on the
# plain lower-cased text, where list dashes and "Title - detail" separators survive.
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n|;\s")
_ROLE_NOUNS = (
    r"(?:engineers?|eng|developers?|devs?|designers?|scientists?|analysts?|architects?|"
    r"devops|sres?|researchers?|recruiters?|marketers?|programmers?|technologists?|"
    r"administrators?|admins?|technicians?|writers?|account executives?|sales reps?|"
    r"representatives?|accountants?|counsel|ctos?|testers?|interns?|specialists?|"
    r"engineering managers?|head of engineering|vp of engineering|hackers?)"
)
_ROLE_AFTER = re.compile(
    r"(?:\s*[/&]\s*[a-z]+)*\s*(?:designers?|researchers?|engineers?|developers?|analysts?|"
    r"scientists?|architects?|specialists?|managers?|leads?|consultants?|experts?|"
    r"interns?|directors?|roles?|positions?|openings?|jobs?|recruiters?|writers?|"
    r"coaches?|masters?|practitioners?|evangelists?|strategists?|officers?|engineering roles?)\b"
)
_TEAM_AFTER = re.compile(r"(?:\s*[/&]\s*[a-z]+)*\s*(?:teams?|departments?|group|agency|org)\b")
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|without|n't|don't|doesn't|aren't|isn't|won't|non)\b|n't\b"
)
_NEGATED_AFTER = re.compile(
    r"[^.;]{0,80}?\b(?:not|isn't|aren't|n't)\s+(?:required|necessary|needed|a must|expected)\b"
)
_COMPANY_START = re.compile(
    r"^[\s•*>\d.)]*(?:(?:but|and|so|also|plus)\s+)?(?:(?:at|here at|in|with|within|by|as|"
    r"since|today|now|together|currently|founded|based|for|on)\b[^,]{0,80}?,?\s+)?"
    r"(?:we|we're|we've|we'd|we'll|our|ours|us|i|i'm|i've|i'd|i'll|my|they|their)\b"
)
_THIRD_PERSON = re.compile(
    r"^[\s•*>]*(?:the\s+)?[a-z0-9.&' ]{1,40}?\s(?:is|are|was|were|has|have|provides|offers|"
    r"builds|develops|uses|helps|enables|leverages|makes|solves|covers|powers|creates|"
    r"delivers|connects|brings|gives|lets|allows|aims|exists|operates|serves|sells|runs|"
    r"combines|automates|simplifies|transforms|supports|handles|specializes|focuses|"
    r"believes|believe|works|partners|empowers|applies|analyzes|analyses)\b"
)
_STRONG_CUE = re.compile(
    r"\b(?:you|you'll|you're|you've|you'd|your|yourself|candidates?|applicants?|ability|"
    r"abilities|able to|skills?|skilled|must|should|required|requires?|requirements?|"
    r"preferred|plus|bonus|ideal|ideally|someone|somebody|a person|who can|who has|who have|"
    r"who knows|need|needs|needed|responsibilit\w*|(?:will|you'll|you) be responsible|"
    r"knowledge|familiar\w*|background|expertise|"
    r"proven|track record|degree|understanding|proficien\w*|comfortable|qualifications?|"
    r"experienced|experience (?:in|with|of|working|building|managing|leading|developing|as|"
    r"designing|running|shipping|using|doing|at|on|from|writing|creating|driving))\b"
)
_WEAK_CUE = re.compile(r"\b(?:looking for|look for|seeking|seek|seeks|hiring|hire|wanted)\b")
_OTHER_ROLES = re.compile(r"\balso (?:hiring|looking|seeking|need|have openings)\b")
_HIRING = re.compile(
    r"\b(?:hiring|looking for|seeking|seek|seeks|searching for|recruiting|openings? for|"
    r"positions? (?:for|including)|roles? (?:for|including)|open roles?|open positions?)\b"
)
_FIRST_ROLE = re.compile(
    r"[^.;\n]{0,80}?\b(?:(?P<pm>product manag\w*|product owners?|product leads?|pms?|"
    r"head of product|product directors?|director of product|vp,? product|product person)|"
    r"(?P<other>" + _ROLE_NOUNS[3:-1] + r"|positions|roles|openings|internships|people|talent))\b"
)
_ROLE_SUBJECT = re.compile(
    r"^[\s•*>]*(?:the|this|our|an?)\s+(?:[\w/&.+#()]+\s+){0,4}?" + _ROLE_NOUNS + r"\b"
)
_PM_ROLE = re.compile(
    r"\b(?:product manag\w*|product owners?|product leads?|head of product|pms?|"
    r"product directors?|director of product|vp,? product|vp of product|cpo|"
    r"chief product officer|product person|product people|product roles?)\b"
)
_INTERVIEW = re.compile(
    r"\b(?:interview process|interview loop|phone screen|onsite interview|take home|"
    r"coding (?:test|task|challenge|exercise|interview))\b"
)
# line regexes (plain lower-cased text)
_ROLE_TITLE_LINE = re.compile(
    r"^[\s•*>\-–\d.)#]*(?!(?:work|working|partner|partnering|collaborate|collaborating|with|"
    r"you|we|our|your|help|manage|managing|lead|leading|support|interface|coordinate|and|"
    r"for|to|in|of|the|if|as|this|experience|strong|great|excellent)\b)"
    r"(?:[\w/&.+#()'-]+\s+){0,6}?" + _ROLE_NOUNS + r"\b\s*(?:$|[:(\-–—,|/]|https?|\$)"
)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|io|co|org|net|ly|ai|app|dev)\b(?:/\S*)?"
)
_LIST_ITEM = re.compile(r"^\s*(?:[•*>\-–]|\d{1,2}[.)]|\(?[a-z]\))\s")
_HEADING_LINE = re.compile(r"^[\s\-–=*#_:>]*([a-z][a-z0-9'’&/ ,]{1,40}?)[\s\-–=*#_]*(:|$)")
_HEADING_COMPANY = re.compile(
    r"^(?:who we are|about us|about the company|the company|our company|company|about|"
    r"our mission|mission|what we do|our story|who are we|our product|the product|"
    r"benefits|perks|what we offer|we offer|compensation|why join us|why us|why work here|"
    r"culture|our culture|our team|the team|interview process|hiring process|"
    r"how to apply|to apply|apply)\b"
    r"|\b(?:stack|tech we use|technologies we use|tools we use|we use|built with|"
    r"technologies|our tech|tech)\b"
)
_HEADING_ROLE = re.compile(
    r"^(?:the role|about the role|role|the position|about the position|position|the job|"
    r"job description|responsibilities|requirements|qualifications|what you'll do|"
    r"what you will do|you will|you'll|you|who you are|about you|where you fit in|"
    r"skills|skills & experience|skills and experience|the ideal candidate|ideal candidate|"
    r"nice to have|bonus|what we're looking for|what we are looking for|we're looking for|"
    r"we are looking for|must have|preferred|in this role|your role|key responsibilities)\b"
)
_ALL = 0
_NONE = 1 << 30


class Mention(NamedTuple):
    start: int
    end: int
    skill: int  # index into the Matcher's lists


@dataclass
class _Post:
    """Per-posting context, computed lazily (only postings with hits pay for it)."""

    text: str
    low: str
    company: str | None
    plain: str = ""  # lower-cased text with hyphens kept (same length as `low`)
    bounds: list[int] = field(default_factory=list)
    header_end: int = -1
    _lines: tuple[list[int], list[int]] | None = None  # line starts, line kinds
    _urls: list[tuple[int, int]] | None = None
    _verdict: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        plain = self.text.lower()
        self.plain = plain if len(plain) == len(self.low) else self.low
        first = self.text.find("\n")
        first = len(self.text) if first < 0 else first
        line = self.text[:first].rstrip()
        is_header = "|" in line or (
            len(line.split()) <= 15
            and line[-1:] not in ".!?:"
            and any(sep in line for sep in (" - ", "\u2014", "\u2013"))
        )
        self.header_end = first if is_header else -1
        self.bounds = [m.end() for m in _SENTENCE_END.finditer(self.low)]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.bounds, pos)
        start = self.bounds[i - 1] if i else 0
        end = self.bounds[i] if i < len(self.bounds) else len(self.low)
        return start, end

    # line kinds: bit 1 company/benefits/stack section, bit 2 another role's block,
    # bit 4 list of openings or under a non-demand intro (job-link line, interview steps)
    def lines(self) -> tuple[list[int], list[int]]:
        if self._lines is not None:
            return self._lines
        starts: list[int] = []
        kinds: list[int] = []
        in_company = other_role = False
        role_run = 0
        intro_ok = True
        pos = 0
        for line in self.plain.split("\n"):
            kind = 0
            head = _HEADING_LINE.match(line)
            label = head.group(1).strip() if head else ""
            inline = bool(head) and head.group(2) == ":" and bool(line[head.end() :].strip())
            is_company = bool(label) and (
                bool(_HEADING_COMPANY.search(label))
                or (self.company is not None and label in (self.company, f"about {self.company}"))
            )
            is_role_heading = bool(label) and bool(_HEADING_ROLE.match(label))
            if is_company and inline:
                kind |= 1
            elif is_company:
                in_company = True
            elif is_role_heading:
                in_company = False
            if in_company:
                kind |= 1
            # other roles
            title = _ROLE_TITLE_LINE.match(line)
            pm = _PM_ROLE.search(line) if len(line.split()) <= 14 else None
            if title and not _PM_ROLE.search(line[: title.end()]):
                role_run += 1
                other_role = True
            elif title or (pm and role_run):
                role_run += 1
                other_role = False
            else:
                if role_run >= 2:
                    other_role = False
                role_run = 0
            if other_role:
                kind |= 2
            # list items follow their intro line
            stripped = line.strip()
            if _LIST_ITEM.match(line):
                if not intro_ok:
                    kind |= 4
            elif stripped:
                intro_ok = not stripped.endswith(":") or not self._intro_is_other(pos, line)
            if _URL.search(line) and len(_URL.sub(" ", line).split()) <= 8:
                kind |= 4
            starts.append(pos)
            kinds.append(kind)
            pos += len(line) + 1
        self._lines = (starts, kinds)
        return self._lines

    def _intro_is_other(self, pos: int, line: str) -> bool:
        s = self.low[pos : pos + len(line)]
        if _STRONG_CUE.search(s) or _HEADING_ROLE.match(s.strip(" -*#:")):
            return False
        return bool(
            _COMPANY_START.match(s) or _THIRD_PERSON.match(s) or _INTERVIEW.search(s)
            or _HEADING_COMPANY.search(s.strip(" -*#:")[:40])
        )  # fmt: skip

    def line_kind(self, pos: int) -> int:
        starts, kinds = self.lines()
        return kinds[bisect_right(starts, pos) - 1]

    def in_url(self, start: int) -> bool:
        if self._urls is None:
            self._urls = [m.span() for m in _URL.finditer(self.plain)]
        return any(a <= start < b for a, b in self._urls)

    def demand_from(self, start: int, end: int) -> int:
        """Mentions at or after the returned offset of this sentence are demands."""
        cached = self._verdict.get(start)
        if cached is not None:
            return cached
        s = self.low[start:end]
        lead = len(s) - len(s.lstrip())
        s = s.strip()
        company = bool(
            _COMPANY_START.match(s)
            or _THIRD_PERSON.match(s)
            or (self.company and s.startswith(self.company))
            or self.line_kind(start) & 1
        )
        other_roles = _hires_other_roles(s) or (not _PM_ROLE.search(s) and _ROLE_SUBJECT.match(s))
        if other_roles or _OTHER_ROLES.search(s) or _INTERVIEW.search(s):
            verdict = _NONE
        elif _STRONG_CUE.search(s):
            verdict = _ALL
        elif company:
            weak = _WEAK_CUE.search(s)
            verdict = start + lead + weak.end() if weak else _NONE
        else:
            verdict = _ALL
        self._verdict[start] = verdict
        return verdict


def _hires_other_roles(sentence: str) -> bool:
    """The first role named after a hiring verb is not a PM ("looking for engineers, ...")."""
    hire = _HIRING.search(sentence)
    if not hire:
        return False
    role = _FIRST_ROLE.match(sentence, hire.end())
    return bool(role and role.group("other"))


def _company_name(text: str) -> str | None:
    """First segment of an HN header line ("Acme Corp | PM | NYC" -> "acme corp")."""
    first = text.split("\n", 1)[0]
    if "|" not in first:
        return None
    name = scan_text(first.split("|", 1)[0]).strip(" -:")
    name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
    return name if 2 <= len(name) <= 40 else None


def find_mentions(text: str, matcher: Matcher, demands_only: bool = True) -> list[Mention]:
    """Skill mentions in one cleaned text, in text order (see the module docstring).

    demands_only=False keeps every word-boundary hit (no context rules).
    """
    if not text:
        return []
    low = scan_text(text)
    n = len(low)
    hits = []
    for last, (length, skill, title, cased) in matcher.automaton.iter(low):
        end = last + 1
        start = end - length
        if (start and low[start - 1].isalnum()) or (end < n and low[end].isalnum()):
            continue
        if cased is not None and text[start:end] != cased:
            continue
        hits.append((start, -end, skill, title))
    if not hits:
        return []
    hits.sort()
    out = []
    max_end = -1
    post = None
    for start, neg_end, skill, title in hits:
        end = -neg_end
        if end <= max_end:
            continue  # inside a longer hit
        max_end = end
        if not demands_only:
            out.append(Mention(start, end, skill))
            continue
        if post is None:
            post = _Post(text, low, _company_name(text))
        if title or _is_demand(post, start, end, matcher.categories[skill]):
            out.append(Mention(start, end, skill))
    return out


def _is_demand(post: _Post, start: int, end: int, category: str) -> bool:
    low = post.low
    if start < post.header_end:
        return False
    if _ROLE_AFTER.match(low, end):
        return False
    if category in HARD_CATEGORIES and category != "agile" and _TEAM_AFTER.match(low, end):
        return False
    if post.in_url(start):
        return False
    s_start, s_end = post.sentence(start)
    if _NEGATION.search(low, max(s_start, start - 40), start):
        return False
    if _NEGATED_AFTER.match(low, end, s_end):
        return False
    if post.line_kind(start) & 6:
        return False
    return start >= post.demand_from(s_start, s_end)


def mention_categories(mentions: Iterable[Mention], matcher: Matcher) -> list[str]:
    """The headline categories among `mentions`, sorted."""
    return sorted({matcher.categories[m.skill] for m in mentions if matcher.headline[m.skill]})


# -- polars API --------------------------------------------------------------------------------
def _rows(ids: Iterable[str], texts: Iterable[str | None], matcher: Matcher) -> Iterator[tuple]:
    sids, types, cats = matcher.skill_ids, matcher.types, matcher.categories
    for pid, text in zip(ids, texts, strict=True):
        if not text:
            continue
        for m in find_mentions(text, matcher):
            yield (
                pid,
                sids[m.skill],
                m.start,
                m.end,
                text[m.start : m.end],
                types[m.skill],
                cats[m.skill],
            )


def skill_mentions(
    postings: pl.LazyFrame | pl.DataFrame,
    taxonomy: Taxonomy,
    text_column: str = "description_text",
    with_version: bool = False,
) -> pl.DataFrame:
    """One row per skill demand found in each posting's cleaned text.

    postings: posting_id, `text_column` (clean text, as made by `transforms.text.html_to_text`).
    Returns posting_id, skill_id, start, end (character offsets into that text, end exclusive),
    matched_text, type, category [, taxonomy_version].
    """
    frame = postings.select("posting_id", text_column)
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    matcher = taxonomy.matcher()
    rows = list(_rows(frame["posting_id"].cast(pl.String), frame[text_column], matcher))
    out = pl.DataFrame(rows, schema=MENTION_SCHEMA, orient="row")
    if with_version:
        out = out.with_columns(taxonomy_version=pl.lit(taxonomy.version))
    return out


def posting_categories(mentions: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """The set of headline categories each posting demands (postings with none are absent).

    mentions: posting_id, category (as returned by `skill_mentions`).
    Returns posting_id, categories (sorted list of headline category names).
    """
    frame = mentions.lazy() if isinstance(mentions, pl.DataFrame) else mentions
    return (
        frame.filter(pl.col("category").is_in(HEADLINE_CATEGORIES))
        .group_by("posting_id")
        .agg(categories=pl.col("category").unique().sort())
        .sort("posting_id")
        .collect()
    )


def taxonomy_frame(taxonomy: Taxonomy) -> pl.DataFrame:
    """The taxonomy as one frame per skill with its patterns joined (for the `skills` table).

    Returns skill_id, name, type, category, esco_id, dk_group, aliases (list), taxonomy_version.
    """
    aliases = taxonomy.aliases.group_by("skill_id", maintain_order=True).agg(
        aliases=pl.col("alias")
    )
    return (
        taxonomy.skills.join(aliases, on="skill_id", how="left")
        .with_columns(taxonomy_version=pl.lit(taxonomy.version))
        .select(
            "skill_id",
            "name",
            "type",
            "category",
            "esco_id",
            "dk_group",
            "aliases",
            "taxonomy_version",
        )
    )


def validate_taxonomy(skills: pl.DataFrame, aliases: pl.DataFrame) -> None:
    """Raise TaxonomyError naming the first bad rows (unknown type/category, duplicates)."""
    problems = []
    dup = skills.filter(pl.col("skill_id").is_duplicated())["skill_id"].unique().to_list()
    if dup:
        problems.append(f"duplicate skill_id {dup[:5]}")
    for col, allowed in (("type", SKILL_TYPES), ("category", CATEGORIES), ("dk_group", DK_GROUPS)):
        bad = skills.filter(~pl.col(col).is_in(allowed))
        if bad.height:
            problems.append(f"{col} not in {allowed}: {bad['skill_id'].to_list()[:5]}")
    if problems:
        raise TaxonomyError("; ".join(problems))
