"""Skill mentions in posting text, and the headline skill categories each posting demands.

Pure: no I/O. The taxonomy arrives as a `Taxonomy` (two frames and a version string); the
loader that reads the seed files lives in `warehouse/seeds`.

How a posting is read
1. Input is the cleaned text (`transforms.text.html_to_text`). Two same-length views are
   made column-wise: `context_text` (lower-cased, quotes straight) and `scan_text` (every
   character but letters, digits, '+' and '#' turned into a space, padded with a space at
   each end). Offsets are therefore offsets into the cleaned text.
2. One Aho-Corasick automaton holds every surface form of every skill (alias patterns
   expanded, plurals added), normalized and padded the same way, so each hit sits on word
   boundaries by construction: "sql" is not found in "nosql", "java" not in "javascript",
   "cross-functional" equals "cross functional". Overlapping hits: leftmost-longest wins
   ("technical curiosity" over "curiosity"). The same pass finds the cue words the context
   rules need (you, must, hiring, engineers, not, ...), so no rule scans free text again.
3. Context rules keep only *demands* (a requirement, a responsibility, a nice to have):
   - the HN header line ("Acme | Senior PM | NYC") only yields title-bearing skills
     ("Technical Product Manager");
   - a sentence about the company or its product is not a demand ("We build analytics
     dashboards", "Acme uses machine learning", lines under "About us" or "Stack: ..."),
     unless it addresses the candidate (you, candidate, must, plus, ...) or the skill
     follows a hiring verb ("Acme seeks a PM with strong SQL", "Acme is looking to add an
     engineer who knows Java"); a company sentence may open with a clause or name the
     company with an appositive ("Zoomi, a data analytics company, brings ..."), but one
     whose subject is the PM ("PM who has ...") or a skill noun ("strong SQL knowledge is
     important") speaks of the candidate;
   - a sentence that starts about the company only demands what follows a word to the
     candidate or a hiring verb ("We build dashboards and need someone fluent in SQL"); a
     ", and we focus on ..." clause, the company's own product ("our analytics platform") and
     a list of departments being hired for ("engineering, design, technical writing") are not
     demands;
   - other roles are not the PM's demands: a hit followed or preceded by a role noun ("UX
     designers", "Java and C++ developers", "engineers influence decisions"), a line that is
     mostly a job link; in a post that names a PM, a sentence hiring other roles first
     ("looking for engineers (Java, Go) and a PM") and the block under another role's title
     line ("Senior Backend Engineer:") (a post that names no PM keeps its own roles'
     demands); and in a post that hires a PM: the block addressed to another role ("As a backend
     engineer, you ...", also from mid-line), a paragraph that opens by hiring only other
     roles ("We're hiring our first Data Analyst. ..." or "We're also hiring engineers. ..."),
     a department heading ("Engineering:"; under a header that names only the PM, only once
     the body titles a PM opening), the body of a post whose header names only other roles
     (in any other post the role a paragraph addresses is the posting's own); a paragraph
     that opens by hiring the PM alone is the PM's;
   - in a post that names a PM and hires other roles too (its first line or a title line
     names them), a technical skill counts only in the PM's own block or after a PM named
     earlier in its sentence: engineers' stacks are theirs ("Product managers with a technical
     background" still counts);
   - the items of a list of openings ("We're hiring across:" then "Platform: Backend
     Engineer (Java)") name openings and their areas, not demands (the PM's item and its
     sub-items stay readable);
   - negated hits ("we aren't focused on KPIs", "SQL is not required"), hits inside links
     and hits inside the company's name ("Acme AI | Product Manager") are dropped; so are
     lists introduced by a non-demand line ("We offer:", "Interview process:").
4. `posting_categories` is the set of headline categories among a posting's demands.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, NamedTuple

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

    def __reduce__(self) -> tuple:
        # pickled as its three fields, the matcher rebuilt on use: compiled (setup.py), a
        # frozen class cannot be restored field by field
        return (Taxonomy, (self.skills, self.aliases, self.version))


# -- alias patterns ----------------------------------------------------------------------------
def expand_pattern(pattern: str) -> list[str]:
    """All surface forms of an alias pattern: `{a|b}` picks one, `[x]` is optional; nestable.

    >>> expand_pattern("{strong|excellent} communication[ skills]")
    ['strong communication', 'strong communication skills', 'excellent communication', ...]
    """
    parts = _parse(pattern, 0, None)[0]
    out: dict[str, None] = {}  # (in order, each once: a pattern can expand to 10,000 forms)
    for combo in itertools.product(*parts):
        text = " ".join("".join(combo).split())
        if text:
            out[text] = None
    return list(out)


def _parse(s: str, i: int, close: str | None) -> tuple[list[list[str]], int]:
    """Sequence of choice-lists up to `close`; returns (parts, index after close)."""
    parts: list[list[str]] = []
    literal: list[str] = []
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


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})
# (a space maps to itself: leaving it out of the class makes the pass ~2.5x faster)
_NON_WORD: Final = re.compile(r"[^\w+# ]|_")


def context_text(text: str) -> str:
    """Lower-cased, curly quotes straight: what the context rules read (same length)."""
    low = text.lower()
    if len(low) != len(text):  # rare: a character whose lower case is longer (e.g. 'İ')
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_QUOTES)


def scan_text(text: str) -> str:
    """What the automaton reads: `context_text` with every character other than a letter,
    digit, '+' or '#' turned into a space, padded with one space at each end.

    Keys are normalized the same way and padded too, so every automaton hit sits on word
    boundaries by construction ("sql" never fires inside "nosql"); offset i of the text is
    offset i + 1 here.
    """
    return _scan_of(context_text(text))


# `_NON_WORD.sub(" ", ...)` of an ASCII text as one byte translation (ASCII \w is [A-Za-z0-9_])
_SCAN_BYTES: Final = bytes(
    b if b < 128 and (chr(b).isalnum() or chr(b) in "+# ") else 32 for b in range(256)
)


def _scan_of(ctx: str) -> str:
    """`scan_text` of a text whose `context_text` is `ctx`."""
    if ctx.isascii():  # (most postings: ~10x faster than the regex)
        return f" {ctx.encode('ascii').translate(_SCAN_BYTES).decode('ascii')} "
    return f" {_NON_WORD.sub(' ', ctx)} "


def _key(form: str) -> str:
    return scan_text(form)


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
    """The written forms of one alias: expanded, lower-cased, plus plurals for `word`."""
    forms = []
    for form in expand_pattern(pattern):
        form = form if match == "case" else form.lower()
        forms.append(form)
        if match == "word":
            plural = _plural(form)
            if plural:
                forms.append(plural)
    return list(dict.fromkeys(forms))


# -- cue words ---------------------------------------------------------------------------------
# Words the context rules look for are found by the same automaton pass as the skills (one
# scan per posting), each with a kind bit; rules then only bisect sorted position lists.
# (Final: compiled, the rules read them as constants, not through the module's dict)
ROLE: Final = 1
PM: Final = 2
STRONG: Final = 4
WEAK: Final = 8
NEG: Final = 16
HIRE: Final = 32
GENERIC: Final = 64
NOT_DEMAND: Final = 128
_S = "{|s}"
CUE_PATTERNS: dict[int, tuple[str, ...]] = {
    ROLE: (
        f"engineer{_S}",
        "eng",
        f"developer{_S}",
        "dev",
        "devs",
        f"designer{_S}",
        f"scientist{_S}",
        f"analyst{_S}",
        f"architect{_S}",
        "devops",
        "sre",
        "sres",
        f"researcher{_S}",
        f"recruiter{_S}",
        f"marketer{_S}",
        f"programmer{_S}",
        f"technologist{_S}",
        f"administrator{_S}",
        f"admin{_S}",
        f"technician{_S}",
        f"writer{_S}",
        f"account executive{_S}",
        f"sales rep{_S}",
        f"representative{_S}",
        f"accountant{_S}",
        "counsel",
        "cto",
        "ctos",
        f"tester{_S}",
        f"intern{_S}",
        f"specialist{_S}",
        f"engineering manager{_S}",
        "{success|account|marketing|sales|community|program|project|office|operations|support|"
        "content|hr|finance} manager{|s}",
        "{head|director|vp} {of |}{engineering|data|design|marketing|sales|growth|operations|"
        "finance|people|talent|infrastructure|security|analytics|data science|customer success}",
        f"hacker{_S}",
    ),
    PM: (
        "product manage{r|rs|ment}",
        f"product owner{_S}",
        f"product lead{_S}",
        f"product leader{_S}",
        "head of product",
        "pm",
        "pms",
        f"product director{_S}",
        "director of product",
        "vp{|,} product",
        "vp of product",
        "cpo",
        "chief product officer",
        "product {person|people}",
        f"product role{_S}",
    ),
    STRONG: (
        "you",
        "your",
        "yourself",
        f"candidate{_S}",
        f"applicant{_S}",
        "ability",
        "abilities",
        "able to",
        f"skill{_S}",
        "skilled",
        "must",
        "should",
        "required",
        "require{|s}",
        f"requirement{_S}",
        "preferred",
        "{is|are|be|highly|strongly|also} desired",
        "desired {but|skills|qualifications|experience|background}",
        "{experience|knowledge|skills|familiarity|background|degree|certification|pmp|mba|"
        "exposure|organization} desired",
        "{a|big|huge|nice|major|definite|added|strong|bonus} plus",  # not "plus the data"
        "{is|are|be|as} plus",
        "{is|are} welcome",
        "plus {if|points}",
        "bonus",
        "ideal",
        "ideally",
        "someone",
        "somebody",
        "a person",
        "need{|s|ed}",
        "responsibilit{y|ies}",
        "be responsible",
        "we{'d| would} love",
        "we expect",
        "we want {you|someone|somebody|a|an|people|candidates|to hire|to find}",
        "we prefer",
        "nice to have",
        "familiar",
        "familiarity",
        "proficient",
        "proficiency",
        "comfortable",
        f"qualification{_S}",
    ),
    WEAK: (
        "looking for",
        "look for",
        "looking to {hire|add|bring on|recruit}",
        "seeking",
        "seek",
        "seeks",
        "hiring",
        "hire",
        "wanted",
    ),
    NEG: (
        "not",
        "no",
        "never",
        "nor",
        "without",
        "non",
        "{don|doesn|aren|isn|won|can|shouldn|wouldn|couldn|didn|haven|hasn|weren|wasn} t",
    ),
    HIRE: (
        "hiring",
        "looking for",
        "seeking",
        "seek",
        "seeks",
        "searching for",
        "recruiting",
        "opening{|s} for",
        "position{|s} {for|including}",
        "role{|s} {for|including}",
        "open {role|roles|position|positions}",
    ),
    GENERIC: (
        "positions",
        "roles",
        "openings",
        "internships",
        "people",
        "talent",
        "opportunities",
        "vacancies",
    ),
    NOT_DEMAND: (
        "also {hiring|looking|seeking|need|have openings}",
        "interview {process|loop}",
        "phone screen",
        "onsite interview",
        "take home",
        "coding {test|task|challenge|exercise|interview}",
        "enable javascript",
    ),
}


_ROLE_TITLES = (
    r"engineers?|eng|developers?|devs?|designers?|scientists?|analysts?|architects?|"
    r"devops|sres?|researchers?|recruiters?|marketers?|programmers?|technologists?|"
    r"administrators?|admins?|technicians?|writers?|account executives?|sales reps?|"
    r"representatives?|accountants?|counsel|ctos?|testers?|interns?|specialists?|"
    r"engineering managers?|hackers?"
)
_ROLE_HEADS = "head|director|vp"
_ROLE_AREAS = (
    r"(?:engineering|data|design|"
    r"marketing|sales|growth|operations|finance|people|talent|infrastructure|security|analytics|"
    r"data science|customer success)"
)
_MANAGED = (
    r"success|account|marketing|sales|community|program|project|office|operations|"
    r"support|content|hr|finance|engineering"
)
CUE_ROLE_RX = f"(?:{_ROLE_TITLES}|(?:{_ROLE_HEADS})(?: of)? {_ROLE_AREAS}|(?:{_MANAGED}) managers?)"
# CUE_ROLE_RX's alternatives one by one (its grouped ones spelled out in their place)
_ROLE_ALTERNATIVES: Final[list[str]] = [
    *_ROLE_TITLES.split("|"),
    *(f"{head}(?: of)? {_ROLE_AREAS}" for head in _ROLE_HEADS.split("|")),
    *(f"{area} managers?" for area in _MANAGED.split("|")),
]


def cue_keys() -> dict[str, int]:
    """Scan key -> kind bits, for every cue word."""
    keys: dict[str, int] = {}
    for kind, patterns in CUE_PATTERNS.items():
        for pattern in patterns:
            for form in expand_pattern(pattern):
                key = _key(form)
                keys[key] = keys.get(key, 0) | kind
    return keys


# -- the matcher -------------------------------------------------------------------------------
class Matcher(NamedTuple):
    automaton: ahocorasick.Automaton
    skill_ids: list[str]
    types: list[str]
    categories: list[str]
    names: list[str]
    headline: list[bool]


def build_matcher(taxonomy: Taxonomy) -> Matcher:
    """Aho-Corasick automaton over every surface form.

    Value per key: (key length, skill index or -1, title-bearing, check, cue kinds) where
    `check` is the form the original text must equal (case-sensitive aliases) or equal
    lower-cased (forms that begin or end with punctuation, like ".net" or "aha!"), else None;
    cue kinds (a tuple of bits) mark the words the context rules look for (`CUE_PATTERNS`).
    """
    skills = taxonomy.skills
    index = {sid: i for i, sid in enumerate(skills["skill_id"].to_list())}
    entries: dict[str, list] = {}  # key -> [skill index, title, check, cue bits]
    owner: dict[str, str] = {}
    conflicts = []
    for sid, pattern, match in taxonomy.aliases.select("skill_id", "alias", "match").iter_rows():
        if sid not in index:
            raise TaxonomyError(f"alias {pattern!r} names unknown skill {sid!r}")
        match = match or "word"
        if match not in MATCH_MODES:
            raise TaxonomyError(f"alias {pattern!r}: match must be one of {MATCH_MODES}")
        for form in surface_forms(pattern, match):
            key = _key(form)
            if not key.strip():
                continue
            if owner.get(key, sid) != sid:
                conflicts.append(f"{form!r}: {owner[key]} vs {sid}")
                continue
            owner[key] = sid
            title = "product manager" in form.lower() or "product owner" in form.lower()
            if match == "case":
                check: tuple[str, bool] | None = (form, True)
            elif not (form[0].isalnum() and form[-1].isalnum()) and form[-1] not in "+#":
                check = (form, False)
            else:
                check = None
            entries[key] = [index[sid], title, check, 0]
    if conflicts:
        raise TaxonomyError("surface forms claimed by two skills: " + "; ".join(conflicts[:20]))
    for key, bits in cue_keys().items():
        entries.setdefault(key, [-1, False, None, 0])[3] |= bits
    automaton = ahocorasick.Automaton()
    for key, (skill, title, check, bits) in entries.items():
        kinds = tuple(kind for kind in CUE_PATTERNS if bits & kind)
        automaton.add_word(key, (len(key), skill, title, check, kinds))
    automaton.make_automaton()
    cats = skills["category"].to_list()
    return Matcher(
        automaton=automaton,
        skill_ids=skills["skill_id"].to_list(),
        types=skills["type"].to_list(),
        categories=cats,
        names=skills["name"].to_list(),
        headline=[c in HEADLINE_CATEGORIES for c in cats],
    )


# -- context rules -----------------------------------------------------------------------------
# Context regexes read `context_text` (lower-case, hyphens kept, quotes straight). They are
# anchored (`match`), so each costs one short attempt; free-text look-ups use cue positions.
_ROLE_NOUNS = (
    r"(?:designers?|devs?|eng|researchers?|engineers?|developers?|"
    r"analysts?|scientists?|architects?|specialists?|managers?|leads?|consultants?|experts?|"
    r"interns?|internships?|directors?|roles?|positions?|openings?|jobs?|recruiters?|writers?|"
    r"coaches?|"
    r"masters?|practitioners?|evangelists?|strategists?|officers?|engineering roles?)\b"
)
# "UX designers", "UI/UX designers", "Full Stack (Ruby) Engineer"
_ROLE_AFTER: Final = re.compile(
    r"(?:[\s-]*[/&][\s-]*[a-z]+){0,6}(?:\s*\([^()\n]{1,30}\)|\s+(?:or|and)\s+[\w+#./]+\))?[\s-]*"
    + _ROLE_NOUNS
)
# a stack listed before its role: "Java and C++ developers", "Go, Python or Rust engineers"
_STACK_ROLES = r"(?:developers?|engineers?|devs?|programmers?|architects?|sdets?|testers?)\b"
_STACK_ROLE_AFTER: Final = re.compile(
    r"(?:[\s-]*(?:[/&,]|\b(?:and|or)\b)[\s-]*(?!(?:our|the|your|their|other|with|to|in)\b)"
    r"[a-z][\w+#.]*){0,6}(?:\s*\([^()\n]{1,30}\))?[\s-]*" + _STACK_ROLES
)


def _words_in(rx: str) -> frozenset[str]:
    """Every word spelled in a regex's source, with and without the "s" a "s?" after it makes
    optional: for a regex made of literal words, every word its matches can have."""
    words: set[str] = set()
    for word in re.findall(r"[a-z]+s\?|[a-z]+", rx):
        words |= {word[:-2], word[:-1]} if word.endswith("?") else {word}
    return frozenset(words)


def _alternatives(alternation: str) -> list[str]:
    """The alternatives of a regex alternation of words that ends in a word boundary
    ("(?:about us|jobs)\\b": about us, jobs)."""
    return alternation.removeprefix("(?:").removesuffix(")\\b").split("|")


def _opening_runs(alternation: str) -> frozenset[str]:
    """The run of letters and digits each alternative of a regex alternation of words that ends
    in a word boundary opens with ("(?:about us|you'll|jobs)\\b": about, you, jobs): where one
    of them matches, the text opens with that whole run."""
    runs = set()
    for alternative in _alternatives(alternation):
        stop = 0
        while stop < len(alternative) and alternative[stop].isalnum():
            stop += 1
        runs.add(alternative[:stop])
    return frozenset(runs)


def _first_words(alternation: str) -> frozenset[str]:
    """The first words of the alternatives of a regex alternation of words that ends in a word
    boundary ("(?:designers?|eng|engineering roles?)\\b": designer, designers, eng, engineering)."""
    words = set()
    for alternative in _alternatives(alternation):
        first = alternative.split()[0]
        words |= {first[:-2], first[:-1]} if first.endswith("?") else {first}
    return frozenset(words)


# what the text after a hit, past spaces and hyphens, opens with where _ROLE_AFTER or
# _STACK_ROLE_AFTER can match: a mark, or a word (the whole run of letters and digits there)
_ROLE_AFTER_MARKS: Final = ("", "/", "&", "(")
_ROLE_AFTER_START: Final = _first_words(_ROLE_NOUNS) | {"or", "and"}
_STACK_ROLE_MARKS: Final = ("", "/", "&", ",", "(")
_STACK_ROLE_WORDS: Final = _first_words(_STACK_ROLES)
_STACK_ROLE_START: Final = _STACK_ROLE_WORDS | {"and", "or"}
# what a _STACK_ROLE_AFTER match is made of before its role (but for one bracket), and the
# beginnings of its role words, read off _STACK_ROLES (dev, engineer, programmer, ...)
_STACK_RUN: Final = re.compile(r"[\s\w/&,+#.-]*")
# ("dev" and "engineer" first: the roles most lists name, so `_may_be_stack_role`'s look for
# the others stops where one of them is)
_STACK_ROLE_STEMS: Final[tuple[str, ...]] = tuple(
    sorted(
        (
            w
            for w in _STACK_ROLE_WORDS
            if not any(w[:i] in _STACK_ROLE_WORDS for i in range(1, len(w)))
        ),
        key=lambda w: (w not in ("dev", "engineer"), w),
    )
)
# a design discipline named beside another one before their role: "UX and UI designers",
# "UI/UX and graphic designers", "UI UX and product managers"
_DESIGN_ROLE_AFTER: Final = re.compile(
    r"\s+(?:and|or)\s+(?!(?:the|our|their|your|its|an?)\b)[\w/-]+[\s-]+"
    r"(?:designers?|managers?|specialists?|researchers?|engineers?|developers?)\b"
)
_TEAM_AFTER: Final = re.compile(
    r"(?:[\s-]*[/&][\s-]*[a-z]+){0,6}[\s-]*(?:teams?|departments?|group|agency|org)\b"
)
# the adjectives _PRODUCT_ADJ_AFTER is made of ("AI-powered")
_PRODUCT_ADJECTIVES: Final[tuple[str, ...]] = (
    "powered",
    "driven",
    "enabled",
    "native",
    "infused",
    "assisted",
    "backed",
    "centric",
)
_NEGATED_AFTER: Final = re.compile(
    r"[^.;\n]{0,80}?\b(?:not|isn't|aren't|n't)\s+(?:required|necessary|needed|a must|expected)\b"
)
# where _NEGATED_AFTER matches, its "not" or "n't" ends within this many characters (80, then
# "aren't")
_NEGATION_REACH: Final = 86
_COMPANY_START: Final = re.compile(
    r"[\s•*>\-–\d.)]*(?:(?:but|and|so|also|plus)\s+)?(?:(?:more )?broadly,?\s+)?"
    r"(?:(?:at|here at|in|with|within|by|as|"
    r"since|today|now|together|currently|founded|based|for|on)\b[^,\n]{0,80}?,?\s+)?"
    r"(?:we|we're|we've|we'd|we'll|our|ours|us|i|i'm|i've|i'd|i'll|my|they|their|it|it's|"
    r"its)\b"
)
# the words _COMPANY_START can open with past its leading marks: each is followed by whitespace,
# a word boundary or an apostrophe, so it is the whole run of letters and digits there (keep in
# step with the regex)
_COMPANY_START_WORDS: Final = frozenset(
    "but and so also plus more broadly at here in with within by as since today now together "
    "currently founded based for on we our ours us i my they their it its".split()
)
# its pronouns that are a whole word (read off the regex's last alternation): a text that opens
# with one, past the leading marks, matches (`_opens_about_company` needs no regex call then)
_COMPANY_PRONOUNS: Final = frozenset(
    word
    for word in _COMPANY_START.pattern.rsplit("(?:", 1)[1].removesuffix(")\\b").split("|")
    if word.isalpha()
)


def _by_first_letter(words: str | list[str]) -> str:
    """The alternation `words` ("is|are|...", or a list of alternatives that open with a
    letter) grouped by first letter ("i(?:s)|a(?:re|...)"): the same strings, but the regex
    engine tries one branch per letter, not one per word. Alternatives that open with
    different letters never match at the same place and the others keep their order, so
    where the plain alternation matches, the grouped one makes the same match."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|") if isinstance(words, str) else words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# the verbs of a sentence about the company or its product ("Acme builds ...")
_COMPANY_VERBS = (
    r"is|are|was|were|has|"
    r"have|had|does|do|did|provides|offers|built|launched|raised|grew|"
    r"builds|develops|uses|helps|enables|leverages|makes|solves|covers|powers|creates|"
    r"delivers|connects|brings|gives|lets|allows|aims|exists|operates|serves|sells|runs|"
    r"combines|automates|simplifies|transforms|supports|handles|specializes|focuses|"
    r"believes|believe|works|partners|empowers|applies|analyzes|analyses|seeks|strives|"
    r"touches"
)
# the words a sentence about the company does not open with, and the nouns that head a
# requirement instead ("strong SQL and API knowledge is important"; "experience" not after
# "user" or "customer"). In _THIRD_PERSON each of these alternations and the verbs are grouped
# by first letter (`_by_first_letter`: the same strings): it tries every alternation at many
# places, and a lookbehind placed after its word leaves "experience" a branch the engine
# skips on its first letter (as one before it would not)
_NOT_THIRD_PERSON = (
    r"to|if|when|as|for|in|this|these|it|there|what|which|who|how|all|any|some|each|every|our|"
    r"we|you|your|i|experience|knowledge|familiarity|background|prior|collaboration|"
    r"proficiency|expertise|understanding|a background|the pm|the role"
)
_REQUIREMENT_NOUNS = (
    r"knowledge|experience(?<!user experience)(?<!user-experience)(?<!customer experience)|"
    r"skills?|familiarity|fluency|proficiency|expertise"
)
_OPENING_CLAUSE = r"(?:[^,\n]{0,120},\s*)?"
# (not "strong SQL and API knowledge is important": a skill noun heads a requirement)
_NOT_REQUIREMENT = (
    r"(?![^,\n]{0,40}?\b(?:" + _by_first_letter(_REQUIREMENT_NOUNS) + r")\s+(?:is|are)\b)"
)
# "Zoomi, a data analytics company, brings ...": the appositive names an organisation
_APPOSITIVES = (
    r"(?:,\s*(?:an?|the)\s[^,\n]{0,60}\b(?:company|startup|provider|platform|leader|maker|"
    r"firm|business|marketplace|service|agency|lab|network|app|builder|organization|"
    r"nonprofit|library|product)s?\b[^,\n]{0,30},){0,2}"
)


def _third_person_rx(commas: bool, requirement: bool) -> re.Pattern[str]:
    """_THIRD_PERSON, or it without its parts that need a comma (the opening clause and the
    appositives) or without the lookahead that needs a requirement noun."""
    return re.compile(
        r"[\s•*>]*"
        + (_OPENING_CLAUSE if commas else "")
        + r"(?!(?:"
        + _by_first_letter(_NOT_THIRD_PERSON)
        + r")\b)"
        + (_NOT_REQUIREMENT if requirement else "")
        + r"(?:the\s+)?[a-z0-9.&'() -]{1,40}?"
        + (_APPOSITIVES if commas else "")
        + r"\s(?:\([^()\n]{1,80}\)\s+)?(?:"
        + _by_first_letter(_COMPANY_VERBS)
        + r")\b"
    )


_THIRD_PERSON: Final = _third_person_rx(commas=True, requirement=True)
# `_third_person` tries the shortest form that answers as _THIRD_PERSON on the text: where it
# has no comma the parts that need one cannot match, nor the lookahead where it has none of
# the requirement nouns (each form costs about half the one before on the archive)
_THIRD_PERSON_FORMS: Final = tuple(
    _third_person_rx(commas, requirement)
    for commas in (False, True)
    for requirement in (False, True)
)
_REQUIREMENT_WORDS: Final = tuple(
    noun.split("(")[0].removesuffix("s?") for noun in _REQUIREMENT_NOUNS.split("|")
)
# a whitespace then one of those verbs: a sentence without one cannot match _THIRD_PERSON,
# and this search costs a fifth of the full attempt (most sentences have none)
_COMPANY_VERB: Final = re.compile(r"\s(?:" + _by_first_letter(_COMPANY_VERBS) + r")\b")
_TEAMS = "engineering|development|dev|data|design|sales|marketing|support"
_ROLE_OR_TEAM_RX = CUE_ROLE_RX + f"|(?:{_TEAMS}) team"
# the two alternations as the regexes below use them: grouped by first letter (each is tried
# after every word of a title line or a sentence's subject)
_ROLE_BY_LETTER = _by_first_letter(_ROLE_ALTERNATIVES)
_ROLE_OR_TEAM_BY_LETTER = _by_first_letter(
    [*_ROLE_ALTERNATIVES, *(f"{team} team" for team in _TEAMS.split("|"))]
)
_ROLE_SUBJECT: Final = re.compile(
    # (possessive: no character the marks, a label and the spaces after it, a word and the
    # spaces after it give back could let the rest match, as the rest opens with a letter, a
    # colon and a word or role, and whitespace after a word; so the same sentences match)
    r"[\s•*>\-–]*+(?:[a-z][\w &/-]{0,30}+:\s*+)?"  # "Support: our success managers ..."
    r"(?:if you're |if you are |you're |you are |as )?(?:the|this|our|an?)\s++"
    r"(?:[\w/&.+#()-]++\s++){0,4}?(?:" + _ROLE_OR_TEAM_BY_LETTER + r")\b"
)
# what _ROLE_SUBJECT can open with past its leading marks, if not a label (keep in step)
_ROLE_SUBJECT_STARTS: Final[tuple[str, ...]] = ("if you", "you", "the", "this", "our", "a")
_ADDRESSING_RX = r"[\s•*>\-–]*(?:as|if you're|if you are|you're|you are)\s+(?:a|an|the|our)\s+"
_ADDRESSING: Final = re.compile(_ADDRESSING_RX)
_SECOND_PERSON: Final = re.compile(r"\byou(?:'ll|'re|r)?\b")
_MID_ADDRESSING: Final = re.compile(r"[.!?]\s+(?=" + _ADDRESSING_RX + ")")
_ADDRESSED_ROLE: Final = re.compile(
    _ADDRESSING_RX + r"(?:(?:member|part) of (?:the |our )?)?[/*_\"]?"
    r"(?:(?!(?:between|of|for|with|to|in|on|at|from|former|ex|prior|previous|who|which|that)\b)"
    r"[\w/&.+#()-]+\s+){0,3}?(?:"
    + _ROLE_OR_TEAM_BY_LETTER
    # the role ends the phrase: "As a X, you ...", "As a /Designer/Developer/, you'll ..."
    + r")\b(?:/[\w-]+)*[/*_\"]?\s*,?\s*(?:you|you'll|you will|your)\b"
)
# a role word that names a thing, not people: "developer tools", "Developer Marketplaces",
# "IBM Watson Developer Labs", "devops experience"
_NOT_A_ROLE_AFTER = (
    r"s?\s+(?:tools?|platforms?|experience|products?|apis?|sdks?|skills|labs?|relations|"
    r"advocacy|marketplaces?|communit(?:y|ies)|ecosystems?|incentiv\w*|productivity|portals?)\b"
)
# "• Technical Product Manager ($150k): Business-minded ex-engineer with SQL ..."
_PM_TITLE_LINE: Final = re.compile(
    r"[ \t•*>\-–\d.)#]*(?:[\w/&.+#'-]+[ \t]+){0,3}?(?:product (?:manager|owner|lead|director)s?|"
    r"head of product|pms?|director of product|vp,? (?:of )?product|cpo|chief product officer)\b"
    r"[ \t]*(?:$|[:(\-–—,|/])"
)
_ROLE_TITLE_LINE: Final = re.compile(
    r"[ \t•*>\-–\d.)#]*(?:our (?:next|first|new|founding|second|third)[ \t]+)?"
    r"(?!(?:work|working|partner|partnering|collaborate|collaborating|"
    r"with|you|we|our|your|help|manage|managing|interface|coordinate|and|for|to|in|of|the|"
    r"if|as|this|experience|strong|great|excellent|(?:lead|leading|support)\s+(?:an?|the|our|"
    r"your|and|cross|teams?))\b)"
    r"(?:(?!(?:with|our|the|to|for|of|in|an?|your|on|across|alongside|and|by|from|"
    r"between)\b)[\w/&.+#()',-]++[ \t]++){0,5}?"  # (possessive: as in _ROLE_SUBJECT)
    + "(?:"
    + _ROLE_BY_LETTER
    + r")\b(?!"
    + _NOT_A_ROLE_AFTER
    + r")[ \t]*(?:$|[:(\-–—,|/]|https?|\$|[\w/.+#-]+(?:[ \t]+[\w/.+#-]+)?[ \t]*$)"
)
_ROLE_BEFORE: Final = re.compile(r"\b" + CUE_ROLE_RX + r"[\s-]*$")
# the words a role _ROLE_BEFORE finds can end with (and a few more words of the regex)
_ROLE_WORDS: Final = _words_in(CUE_ROLE_RX)
_NOT_A_PERSON: Final = re.compile(
    r"\s+to\s|(?:\s+for)?\s+(?:(?:new|more|better|the best|innovative|creative)\s+)?"
    r"(?:ways?|feedback|opportunit\w+|partners?|investors?|funding|ideas?|input|collaborations?|customers?|"
    r"clients?|users?|solutions?|answers?|growth|help|advice|suggestions)\b"
)
_WHOLE_LINE: Final = re.compile(r".*")
_PERSON_AHEAD: Final = re.compile(
    r"[^.;\n]{0,60}?\b(?:engineers?|developers?|devs?|people|members?|someone|candidates?|"
    r"pms?|managers?|designers?|interns?|hires?|talent|teammates?|person|scientists?|analysts?|"
    r"folks|leads?|specialists?|architects?|writers?|marketers?|owners?|researchers?|team|"
    r"swes?|sres?|wizards?|ninjas?|gurus?|hackers?|experts?)\b"
)
_CANDIDATE_WITH: Final = re.compile(
    r"\b(?:product (?:manager|owner|lead)s?|pms?)\s+(?:who|that|having|with\s+(?!(?:an?\s+)?"
    r"focus\b))"
)
_SUBJECT_START: Final = re.compile(r"[\s•*>\-–]*(?:an?\s+)?")
_PARAGRAPH_SUBJECT: Final = re.compile(r"\s*(?:(?:an?|the|our|your)\s+)?")
# a line introducing a list of openings, and the shape of its items
_OPENINGS_INTRO: Final = re.compile(
    r"\b(?:(?:hiring|recruiting) (?:across|for|in)\b(?!.*\b(?:this|the) role\b)|hiring\W*$|"
    r"(?:open (?:roles|positions)|openings|positions|roles|vacancies)\b)"
)
# a _OPENINGS_INTRO match has one of these words (keep in step with the regex)
_OPENINGS_WORDS: Final[tuple[str, ...]] = (
    "hiring",
    "recruiting",
    "openings",
    "positions",
    "roles",
    "vacancies",
)
_OPENING_LABEL: Final = re.compile(r"[^:\n]{1,60}:|(?P<dash>[^\n]{1,80}?\s[–—-]\s)|[^\n]*\|")
_OPENING_ITEM: Final = re.compile(_OPENING_LABEL.pattern + r"|.{0,60}$")
# a clause about the company inside a sentence: ", and we focus on ...", "; it uses ..."
# (its first character is taken by one class, then looked back at, where each alternative would
# open with its own: the same matches, but the engine tries one only at such a character, not
# at every one in the sentence)
_CLAUSE_WE: Final = re.compile(
    r"[,;:\s](?:(?<=[,;:])\s+(?:(?:and|but|so)\s+)?(?:we|we're|we've|we are|they|they're)|"
    r"(?<=\s)(?:and|but|so)\s+(?:we|we're|we've|we are|they|they're)|"
    r"(?<=\s)(?:as|while|where)\s+(?:we|we're|we've|we are))\s+"
    r"(?!(?:'d|would|value|expect|want|need|prefer|look|require|seek|hope|love|ask|care)\w*\b)"
)  # ("it" is left out: in lower-cased text it is also the acronym IT)
_WITH_WORDS: Final[tuple[str, ...]] = ("with", "across", "alongside")
_WITH_BEFORE_LIST: Final = re.compile(r"\b(?:" + "|".join(_WITH_WORDS) + r")\b")
# r",|;|&|/|\band\b" with its "and" written to open with its letter: every alternative then opens
# with a literal, and the engine tries the split only at those five characters, not at each one
_LIST_SPLIT: Final = re.compile(r",|;|&|/|a(?<!\wa)nd\b")
_DEPARTMENT: Final = re.compile(
    r"(?:(?:and|also|plus)\s+)?(?:product(?: management| design)?|engineering|software engineering|"
    r"design|sales|marketing|operations|support|finance|legal|hr|people|recruiting|"
    r"business development|bizdev|customer success|data science|qa|devops|test automation|"
    r"project management|program management|partnerships|technical writing|"
    r"front[- ]?end|back[- ]?end|full[- ]?stack)"
)
_PRODUCT_AFTER: Final = re.compile(
    r"[\s-]+(?:platforms?|products?|tools?|software|solutions?|engines?|apps?|suites?|"
    r"services?|offerings?)\b"
)
# a role word that describes the company or product rather than an opening
_NOT_HIRED_BEFORE: Final = re.compile(
    r"\b(?:for|with|our|to|help|helps|by|of|from|like)\s+(?:[\w-]+\s+){0,2}$"
)
# between a hiring verb and a role: the one hired is someone else ("looking for someone to
# work with our engineers", "seeking a PM who ...")
_HIRED_IS_OTHER: Final = re.compile(
    r"\b(?:who|that|to|with|someone|somebody|person|individuals?|folks|you)\b"
)
_NOT_HIRED_AFTER: Final = re.compile(_NOT_A_ROLE_AFTER)
_PRODUCT_ADJ_AFTER: Final = re.compile(r"[\s-](?:" + "|".join(_PRODUCT_ADJECTIVES) + r")\b")
# the words the text after a hit, past spaces and hyphens, opens with (the whole run of
# letters and digits there) where _TEAM_AFTER (or else a '/' or '&'), _PRODUCT_AFTER or
# _PRODUCT_ADJ_AFTER can match, read off the regexes (and a few letters of their classes)
_TEAM_WORDS: Final = _words_in(_TEAM_AFTER.pattern)
_PRODUCT_WORDS: Final = _words_in(_PRODUCT_AFTER.pattern)
_PRODUCT_ADJECTIVE_WORDS: Final = frozenset(_PRODUCT_ADJECTIVES)
_PRODUCT_VERB_BEFORE: Final = re.compile(
    r"\b(?:our|its|their|bring|brings|bringing|deliver|delivers|offer|offers|provide|provides|"
    r"sell|sells|the company's)\s+(?:[\w-]+\s+){0,2}$"
)
_OWNER_BEFORE: Final = re.compile(r"\b(?:our|its|their)\s+(?:[\w-]+\s+){0,2}$")
# "Stack: Java, Kafka" mid-line, "Front End: React.js - ..." (another role's stack)
_LABELLED_FACTS: Final = re.compile(
    r"[\s•*>\-–#]*(?:(?:our|the|tech|technology|current|backend|frontend|web|main|data)\s+)*"
    r"(?:stack|technologies|tools we use|tech we use|front[ -]?end|back[ -]?end|full[ -]?stack|"
    r"ios|android|devops|qa|infra|infrastructure|sre)\s*:"
)
_URL_TOKEN: Final = re.compile(
    r"://|www\.|\w@\w|\w\.(?:com|io|co|org|net|ly|ai|app|dev|html?|php)\b"
)
_URL: Final = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|io|co|org|net|ly|ai|app|dev)\b(?:/\S*)?"
)
# (a greedy label only takes in the trailing spaces a lazy one leaves, and they are stripped;
# possessive: the label opens with a letter the marks before it never take, and where the
# longest label and the run of marks after it do not reach a ':' or the end, no shorter one
# does, as the two share only the space; so a line matches as it would with backtracking,
# without the forty tries that each fail)
_HEADING_LINE: Final = re.compile(r"[\s\-–=*#_:>•·]*+([a-z][a-z0-9'&/ ,]{1,40}+)[\s\-–=*#_]*+(:|$)")
# a heading of a section about the company: it opens with one of these words, or it ends with
# one of _HEADING_FACTS_END ("Our tech stack")
_HEADING_COMPANY: Final = re.compile(
    r"(?:who we are|about us|about the company|the company|our company|company|about|"
    r"our mission|mission|what we do|our story|who are we|our product|the product|"
    r"benefits|perks|what we offer|we offer|compensation|why join us|why us|why work here|"
    r"culture|our culture|our team|the team|interview process|hiring process|"
    r"how to apply|to apply|apply)\b"
)
_HEADING_COMPANY_STARTS: Final = _opening_runs(_HEADING_COMPANY.pattern)
_HEADING_FACTS_END: Final[tuple[str, ...]] = (
    "stack",
    "tech we use",
    "technologies we use",
    "tools we use",
    "we use",
    "built with",
    "technologies",
    "our tech",
    "tech",
    "tech challenges",
    "technical challenges",
    "challenges",
    "technology",
)
_HEADING_FACTS_LAST: Final = frozenset(words.split()[-1] for words in _HEADING_FACTS_END)
_HEADING_ROLE: Final = re.compile(
    r"(?:the role|about the role|role|the position|about the position|position|the job|"
    r"job description|responsibilities|requirements|qualifications|what you'll do|"
    r"what you will do|you will|you'll|you|who you are|about you|where you fit in|"
    r"skills|skills & experience|skills and experience|the ideal candidate|ideal candidate|"
    r"nice to have|bonus|what we're looking for|what we are looking for|we're looking for|"
    r"we are looking for|must have|preferred|in this role|your role|key responsibilities|roles|"
    r"open roles|openings|open positions|positions|jobs)\b"
)
_HEADING_ROLE_STARTS: Final = _opening_runs(_HEADING_ROLE.pattern)
_LIST_MARKS: Final = frozenset("•*>-–·")
_ALL: Final = 0
_NONE: Final = 1 << 30
# line kinds (bits)
_COMPANY_SECTION: Final = 1
_OTHER_ROLE: Final = 2
_NOT_DEMAND_LINE: Final = 4
_PM_BLOCK: Final = 8
_ROLE_TITLE: Final = 16
_LINK_CHECKED: Final = 32  # `line_kind` has looked whether the line is mostly a link


class Mention(NamedTuple):
    start: int
    end: int
    skill: int  # index into the Matcher's lists


_FULL_STOP: Final = re.compile(r"[.!?]\s")


def _sentence_ends(ctx: str) -> list[int]:
    """Offsets just past each sentence end: '.', '!' or '?' before whitespace, a line end,
    or '; ' (";\\n" ends one sentence, not two), in order. Each mark is found with str.find
    (compiled, a native loop over the few marks beats a regex scan of the whole text)."""
    ends = []
    i = ctx.find("\n")
    while i >= 0:
        ends.append(i + 1)
        i = ctx.find("\n", i + 1)
    last = len(ctx) - 1  # (a mark in the last place ends nothing: no whitespace follows)
    for mark in ".!?":  # r"[.!?](?=\s)"
        i = ctx.find(mark)
        while 0 <= i < last:
            if ctx[i + 1].isspace():
                ends.append(i + 1)
            i = ctx.find(mark, i + 1)
    i = ctx.find(";")
    while 0 <= i < last:  # r";[^\S\n]"
        if ctx[i + 1] != "\n" and ctx[i + 1].isspace():
            ends.append(i + 2)
        i = ctx.find(";", i + 1)
    ends.sort()
    return ends


def _mostly_link(line: str) -> bool:
    """At most 8 words are left once links are taken out (each link, having a '.' or a ':',
    takes out at most the one word it sits in, so a line with more words keeps more)."""
    words = line.split()
    if len(words) - line.count(".") - line.count(":") > 8:
        return False
    return len(_URL.sub(" ", line).split()) <= 8


def _is_list_item(line: str) -> bool:
    s = line.lstrip()
    if not s:
        return False
    if s[0] in _LIST_MARKS:
        return len(s) > 1 and s[1] in " \t"
    if s[0].isdigit():
        i = 1 + (len(s) > 1 and s[1].isdigit())
        return len(s) > i + 1 and s[i] in ".)" and s[i + 1] in " \t"
    return False


# bisect_left / bisect_right as in `bisect`, on the rules' sorted lists of offsets: compiled,
# a native loop costs a fraction of a call into the bisect module with boxed ints
def _bisect_left(positions: list[int], x: int) -> int:
    lo, hi = 0, len(positions)
    while lo < hi:
        mid = (lo + hi) // 2
        if positions[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _bisect_right(positions: list[int], x: int) -> int:
    lo, hi = 0, len(positions)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < positions[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _any_in(positions: list[int], a: int, b: int) -> bool:
    """Some position p with a <= p < b (positions sorted)."""
    i = _bisect_left(positions, a)
    return i < len(positions) and positions[i] < b


class _Post:
    """Per-posting context, computed lazily (only postings with hits pay for it)."""

    __slots__ = (
        "_clauses",
        "_departments",
        "_lines",
        "_multi_role",
        "_pm_hired",
        "_read_to",
        "_verdict",
        "_walk",
        "bounds",
        "company",
        "ctx",
        "cues",
        "header_end",
        "last_sentence",
        "name",
        "text",
    )

    def __init__(self, text: str, ctx: str, cues: dict[int, list[int]]) -> None:
        self.text = text
        self.ctx = ctx
        self.cues = cues
        first = text.find("\n")
        first = len(text) if first < 0 else first
        line = text[:first].rstrip()
        is_header = "|" in line or (
            len(line.split()) <= 15
            and line[-1:] not in ".!?:"
            and any(sep in line for sep in (" - ", "\u2014", "\u2013"))
        )
        self.header_end = first if is_header else -1
        self.company = _company_name(ctx[:first]) if "|" in line else None
        self.name: str | None = None  # the company's name where hits are not demands
        self._lines: tuple[list[int], list[int]] = ([], [])  # line starts and kinds, read so far
        self._walk: Iterator[None] | None = None  # reads `_lines` on demand
        self._read_to = 0  # where the first line not read yet starts
        self._multi_role: bool | None = None
        self._pm_hired: bool | None = None
        self._clauses: dict[int, list[int]] = {}  # sentence start -> ends of ", and we ..."
        self._departments: dict[int, bool] = {}  # sentence start -> a list of departments
        self.bounds = _sentence_ends(ctx)
        self._verdict: dict[int, int] = {}
        self.last_sentence = (0, 0)  # (end, verdict) of the last sentence `_is_demand` read

    def cue(self, kinds: int, a: int, b: int) -> bool:
        """Some cue word of one of `kinds` (bits) starts in [a, b)."""
        positions = self.cues.get(kinds)  # fast path: one kind
        if positions is not None:
            return _any_in(positions, a, b)
        if kinds in _KIND_SET:
            return False
        for kind in _KIND_PARTS[kinds]:
            positions = self.cues.get(kind)
            if (
                positions
                and (i := _bisect_left(positions, a)) < len(positions)
                and positions[i] < b
            ):
                return True
        return False

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence around `pos`."""
        bounds = self.bounds
        i = _bisect_right(bounds, pos)
        return (bounds[i - 1] if i else 0), (bounds[i] if i < len(bounds) else len(self.ctx))

    def lines(self) -> tuple[list[int], list[int]]:
        """Line starts and kinds: company/benefits/stack section, another role's block,
        and lines that are not demands at all (a list under a non-demand intro such as
        "We offer:" or "Interview process:", a short line that is mostly a link)."""
        self._read_lines_to(len(self.ctx))
        return self._lines

    def _read_lines_to(self, pos: int) -> None:
        """Reads the lines (see `lines`) through the one holding `pos`. The rules ask about
        their hits' lines in text order, so the lines after the last hit are never read."""
        if self._walk is None:
            self._walk = self._walk_lines(*self._lines)
        while self._read_to <= pos:
            next(self._walk)

    def _walk_lines(self, starts: list[int], kinds: list[int]) -> Iterator[None]:
        """Appends each line's start and kind (and those of sentences that open a role's block
        mid-line) to `starts` and `kinds`, one line per step; `_read_to` is then where the
        next line starts."""
        in_company = pm_block = False
        role_run = 0
        intro_other = openings = pm_item = False
        roles = self.cues.get(ROLE)
        pms = self.cues.get(PM) or []
        pos = 0
        header_end = self.header_end
        header_block = header_end >= 0
        company = self.company
        hires_pm = self.hires_pm()
        pm_header = header_block and self.header_hires_role(kind=PM)
        role_header = header_block and (hires_pm or pm_header) and self.header_hires_role()
        # a header that names other roles and no PM, in a post that hires a PM further down
        # ("Acme | VP Engineering | NYC", then "Also hiring PMs"), is that role's posting until
        # a PM block opens (a post that only names PMs as colleagues keeps reading as its own
        # role's demands)
        other_role = bool(role_header and hires_pm and pms[0] > header_end)
        # in a post whose header names only a PM ("Acme | Product Manager | NYC"), department
        # headings are sections of the PM's text ("You'll partner with:" then "- Engineering")
        # until the body names a PM opening by its title ("Product Manager:")
        pm_only_header = pm_header and not role_header
        pm_titled = False
        ctx = self.ctx
        while pos <= len(ctx):  # the lines of ctx.split("\n"), cut only as far as they are read
            stop = ctx.find("\n", pos)
            line = ctx[pos : len(ctx) if stop < 0 else stop]
            kind = 0
            stripped = line.strip()
            n = len(stripped)
            department = False
            # headings: a company section runs until a role heading
            if n and (n <= 45 or ":" in stripped[:45]) and (head := _HEADING_LINE.match(line)):
                label = head.group(1).strip()
                # in a post that hires a PM, "Engineering:" heads the engineers' section
                department = (
                    hires_pm
                    and (not pm_only_header or pm_titled)
                    and pos > header_end
                    and not line[head.end() :].strip()
                    and bool(_DEPARTMENT.fullmatch(label))
                    and not label.startswith("product")
                )
                if _is_company_heading(label) or (
                    company is not None and label in (company, f"about {company}")
                ):
                    if head.group(2) == ":" and line[head.end() :].strip():
                        kind = _COMPANY_SECTION  # "Stack: Python, Go" covers its own line
                    else:
                        in_company = True
                elif in_company and _is_role_heading(label):
                    in_company = False
            elif (
                in_company
                and pms
                and _any_in(pms, pos, pos + _PARAGRAPH_SUBJECT.match(line).end() + 1)  # type: ignore[union-attr]
            ):  # a paragraph about the PM ends the section: "The Product Manager should ..."
                in_company = False
            if in_company:
                kind = _COMPANY_SECTION
            # another role's block: a title line of a non-PM role owns the lines after it;
            # several title lines in a row are a list of openings and own nothing after it
            title = None
            if (
                roles
                and pos > header_end  # the header lists every role: it owns nothing
                and (i := _bisect_left(roles, pos)) < len(roles)
                and roles[i] < pos + min(len(line), 160)
            ):
                title = _ROLE_TITLE_LINE.match(line)
                if title and n >= 400 and line[title.end() - 1 : title.end()] != ":":
                    title = None  # a long paragraph opens a role's block only as its label
                    # ("- Product Designer: Ever thought of ... You'll create prototypes.")
            if title is None and pos > header_end and "|" in line and line.count("|") >= 2:
                if header_block:  # a second header line right under the first one
                    kind |= _NOT_DEMAND_LINE
                else:
                    title = _WHOLE_LINE.match(line)  # another HN-style header: a new posting
            elif pos > header_end:
                header_block = False
            if title:
                in_company = False  # an opening's title ends the "About us" section
                kind &= ~_COMPANY_SECTION
                role_run += 1
                other_role = not (pms and _any_in(pms, pos, pos + title.end()))
                pm_block = not other_role
                if other_role and title.re is _ROLE_TITLE_LINE:
                    kind |= _ROLE_TITLE  # an opening for another role (not a second posting)
            elif (
                pms
                and (
                    (
                        n < 120
                        and _any_in(pms, pos, pos + len(line))
                        and (
                            role_run
                            or (n < 60 and (stripped[-1] == ":" or stripped.count(" ") < 6))
                        )
                    )
                    or (_any_in(pms, pos, pos + 60) and _PM_TITLE_LINE.match(line))
                )
                and not self.cue(NOT_DEMAND, pos, pos + len(line))
            ):  # not "(Also hiring PMs)"
                role_run += 1  # a PM opening: in a list of openings, or short like a heading
                # a PM title in the body ("Product Manager:"), not "As our PM you will:"
                pm_titled = pm_titled or (
                    pos > header_end and not self.cue(STRONG, pos, pos + len(line))
                )
                in_company = False
                kind &= ~_COMPANY_SECTION
                other_role = False
                pm_block = True
                if (
                    n < 60
                    and ":" not in stripped[:-1]
                    and stripped[-1] not in ".!?"
                    and not self.cue(STRONG, pos, pos + len(line))
                    and not _CANDIDATE_WITH.search(line)  # "a PM with a technical background"
                ):
                    kind |= _NOT_DEMAND_LINE  # "- Product Manager, Data Platform": its area
            elif n:
                if role_run >= 2:
                    other_role = pm_block = False  # the list of openings owns nothing after it
                role_run = 0
            if department:
                other_role, pm_block = True, False

            if hires_pm and title is None and pos > header_end:
                # "As a member of our engineering team, you'll ..." opens that role's block,
                # "As a Product Manager, you'll ..." the PM's
                addressed = self._addressed(line, pos, 0)
                if addressed is not None:
                    other_role, pm_block = addressed, not addressed
            if (
                hires_pm
                and title is None
                and pos > header_end
                and n
                and (hires := self.cues.get(HIRE))
                and _any_in(hires, pos, pos + len(line))
            ):
                # a paragraph that opens by hiring only other roles is theirs ("4) We're
                # hiring our first Data Analyst. ... SQL and Excel ..."); one that opens by
                # hiring the PM ends another role's block
                at = pos + len(line) - len(line.lstrip())
                end = self.sentence(at)[1]
                aside = self.cue(NOT_DEMAND, pos, end)  # "(Also hiring X)"
                opens = hires[_bisect_left(hires, pos)] - at <= 20  # it opens the line
                if not aside or opens:  # ("We're also hiring engineers. Ideally with SQL")
                    hired = self._hired(pos, end)
                    if hired == PM and not aside:
                        other_role = False
                        if not (
                            (roles and _any_in(roles, pos, pos + len(line)))
                            or _is_department_list(self.ctx[at:end])
                        ):
                            kind |= _PM_BLOCK  # a paragraph about the PM alone is the PM's
                    elif (
                        hired == ROLE
                        and opens
                        and not _any_in(pms, pos, pos + len(line))
                        and not _SECOND_PERSON.search(line)  # (not "..., you'll analyze")
                    ):
                        kind |= _OTHER_ROLE  # this paragraph only
            if other_role:
                if pms:  # (in a post that names no PM, every role's block is its own)
                    kind |= _OTHER_ROLE
            elif pm_block:
                kind |= _PM_BLOCK
            # list items inherit a non-demand intro line
            if n:
                first = stripped[0]
                listed = (first in _LIST_MARKS or first.isdigit()) and _is_list_item(line)
                if openings:
                    # the items of a list of openings ("We're hiring across:" then
                    # "Cloud/Platform: Full Stack (Python + TS/JS)") name openings and their
                    # areas, not demands: an item that names a role or has a label; the PM's
                    # item and plain sentences (its requirements) stay readable
                    if (
                        (listed or (n <= 300 and _OPENING_ITEM.match(stripped)))
                        and not self.cue(STRONG, pos, pos + len(line))  # requirements and
                        and not (n <= 45 and _is_role_heading(stripped))  # their headings
                    ):  # end the list
                        names_role = roles and _any_in(roles, pos, pos + len(line))
                        if pms and _any_in(pms, pos, pos + len(line)):
                            pm_item = True  # the PM's item: the lines under it are its own
                        elif names_role or (
                            (label := _OPENING_LABEL.match(stripped))
                            and not (pm_item and label.lastgroup == "dash")
                        ):  # ("Run experiments - own KPIs - write SQL" under the PM's item)
                            pm_item = pm_item and not names_role  # another role's item
                            kind |= _NOT_DEMAND_LINE
                    else:
                        openings = False
                if listed:
                    if intro_other:
                        kind |= _NOT_DEMAND_LINE
                else:
                    intro_other = stripped[-1] == ":" and self._intro_is_other(pos, line)
                    if stripped[-1] == ":":  # not "We're hiring a Product Manager to:"
                        openings = not self.cue(STRONG | PM, pos, pos + len(line)) and bool(
                            _opens_openings(stripped)
                        )
                        pm_item = False
            else:
                openings = False  # a blank line ends a list
            starts.append(pos)
            kinds.append(kind)
            if hires_pm and title is None and pos > header_end:
                # the same mid-line: "Acme seeks a PM and an engineer. As a member of our
                # engineering team, you'll ..." opens the engineer's block from that sentence
                for mid in _MID_ADDRESSING.finditer(line):
                    addressed = self._addressed(line, pos, mid.end())
                    if addressed is None:
                        continue
                    other_role, pm_block = addressed, not addressed
                    starts.append(pos + mid.start() + 1)  # where its sentence starts
                    kinds.append(
                        (kind & ~(_OTHER_ROLE | _PM_BLOCK))
                        | (_OTHER_ROLE if other_role else _PM_BLOCK)
                    )
            pos += len(line) + 1
            self._read_to = pos
            yield

    def _addressed(self, line: str, pos: int, at: int) -> bool | None:
        """Whom the sentence at `at` of `line` (which starts at `pos`) addresses: True for
        another role ("As a member of our engineering team, you ..."), False for the PM ("As
        a Product Manager, you ..."), None for neither."""
        lead = _ADDRESSING.match(line, at)
        if lead is None:
            return None
        addressed = _ADDRESSED_ROLE.match(line, at)
        limit = addressed.end() if addressed else lead.end() + 40
        pms = self.cues.get(PM)
        if pms and _any_in(pms, pos + at, pos + limit):
            return False
        return True if addressed else None

    def header_hires_role(self, first_line: bool = False, kind: int = ROLE) -> bool:
        """The header (or, with `first_line`, the first line) names another role (or, with
        `kind=PM`, a PM) as an opening ("Acme | Backend Engineers, PM"), not as a word of the
        company's description ("Acme (developer tools) | NYC", "data platform for analysts",
        "a PM to work with our engineers")."""
        named = self.cues.get(kind)
        end = self.header_end
        if first_line and end < 0:
            end = self.ctx.find("\n")
            end = len(self.ctx) if end < 0 else end
        if not named or end < 0 or named[0] >= end:
            return False
        ctx = self.ctx
        for p in named:
            if p >= end:
                break
            if ctx.count("(", 0, p) > ctx.count(")", 0, p):
                continue  # inside brackets: "(developer tools)"
            if _NOT_HIRED_BEFORE.search(ctx, max(0, p - 30), p) or _NOT_HIRED_AFTER.match(
                ctx, _word_end(ctx, p)
            ):
                continue
            return True
        return False

    def hires_pm(self) -> bool:
        """The posting hires a PM: the rules that read a paragraph as the PM's or another
        role's by what it addresses or hires apply only then."""
        if self._pm_hired is None:
            pms = self.cues.get(PM)
            self._pm_hired = bool(pms) and (
                self.header_hires_role(kind=PM) or any(self._hires_pm(p) for p in pms or ())
            )
        return self._pm_hired

    def _hires_pm(self, p: int) -> bool:
        """The PM named at `p` is an opening: a hiring word precedes it in its sentence, or it
        heads a short line (a title, an item in a list of openings)."""
        if self.cue(HIRE | WEAK | NOT_DEMAND | GENERIC, self.sentence(p)[0], p):
            return True
        ctx = self.ctx
        start, end = ctx.rfind("\n", 0, p), ctx.find("\n", p)
        return p - start <= 25 and (len(ctx) if end < 0 else end) - start <= 60

    def multi_role(self) -> bool:
        """The posting hires other roles besides the PM: its first line names a non-PM role
        ("Acme | Backend Engineers, Product Manager"), a line is another role's title ("*
        Senior Backend Engineer"), or a hiring phrase names another role first ("openings: iOS
        Engineer, ..."), or a hiring sentence, or the one after it, lists departments ("hiring
        in product, engineering, design and sales"). A second HN header in the same comment is
        a second posting: it does not make the first one shared. False in a post that names
        no PM: the roles it hires are all its own."""
        if self._multi_role is not None:
            return self._multi_role
        if not self.cues.get(PM):
            self._multi_role = False  # a post that names no PM: every role it hires is its own
            return False
        roles = self.cues.get(ROLE)
        multi = False
        if roles:
            multi = self.header_hires_role(first_line=True) or any(
                k & _ROLE_TITLE for k in self.lines()[1]
            )
            if not multi:
                pms = self.cues.get(PM, [])
                for kind in (HIRE, GENERIC):
                    for p in self.cues.get(kind, ()):
                        j = _bisect_left(roles, p + 1)
                        if j == len(roles) or roles[j] > p + 80:
                            continue
                        k = _bisect_left(pms, p + 1)
                        s_end = self.sentence(p)[1]
                        if roles[j] < s_end and (k == len(pms) or pms[k] > roles[j]):
                            multi = True
                            break
                    if multi:
                        break
        if not multi:
            # "Acme is hiring in NYC. Product management, engineering, design and sales."
            ctx = self.ctx
            for p in self.cues.get(HIRE, ()):
                start, end = self.sentence(p)
                after = self.sentence(end) if end < len(ctx) else (end, end)
                if _is_department_list(ctx[start:end]) or _is_department_list(ctx[slice(*after)]):
                    multi = True
                    break
        self._multi_role = multi
        return multi

    def _intro_is_other(self, pos: int, line: str) -> bool:
        s = line.strip()
        label = s.strip(" -*#:")
        end = pos + len(line)
        if self.cue(STRONG | WEAK | HIRE | GENERIC, pos, end) or _is_role_heading(label):
            return False  # "Requirements:", "We are hiring for:", "Five opportunities:"
        return bool(
            _opens_about_company(s, 0, len(s)) or _third_person(s, 0, len(s))
            or self.cue(NOT_DEMAND, pos, end)
            or _is_company_heading(label[:40])
        )  # fmt: skip

    def pm_before(self, pos: int) -> bool:
        """A PM is named earlier on the line, in the same sentence (a ';' does not end it), with
        no other role in between ("Product managers with a technical background", not
        "Product Managers, Data Engineers, DevOps")."""
        pms = self.cues.get(PM)
        if not pms:
            return False
        j = _bisect_left(pms, pos) - 1
        if j < 0:
            return False
        self._read_lines_to(pos)
        starts = self._lines[0]
        if pms[j] < starts[_bisect_right(starts, pos) - 1]:
            return False
        return not (self.cue(ROLE, pms[j] + 1, pos) or _FULL_STOP.search(self.ctx, pms[j], pos))

    def line_kind(self, pos: int) -> int:
        if self._read_to <= pos:
            self._read_lines_to(pos)
        starts, kinds = self._lines
        i = _bisect_right(starts, pos) - 1
        kind = kinds[i]
        if not kind & (_NOT_DEMAND_LINE | _LINK_CHECKED):
            # a short line that is mostly a link ("- Android Developer: http://..."), looked
            # at only for the lines asked about
            ctx = self.ctx
            # the entry runs to the next entry's start, or to where the next line starts, read
            # or not (one past the end for the last line); the text checked leaves out the
            # character before that (a line's newline)
            a, b = starts[i], starts[i + 1] if i + 1 < len(starts) else self._read_to
            kind |= _LINK_CHECKED
            if (
                ctx.find("http", a, b) >= 0
                or ctx.find("www.", a, b) >= 0
                or ctx.find(".com", a, b) >= 0
            ) and _mostly_link(ctx[a : b - 1]):
                kind |= _NOT_DEMAND_LINE
            kinds[i] = kind
        return kind

    def in_url(self, start: int, end: int) -> bool:
        """The hit is inside a link or e-mail address (its whitespace-delimited token)."""
        ctx = self.ctx
        if (
            ctx[end : end + 1] == " "
            and (start == 0 or ctx[start - 1] in " \n")
            and ctx.find(".", start, end) < 0
            and ctx.find(":", start, end) < 0
            and ctx.find("@", start, end) < 0
        ):
            return False  # (the common case: the token is the hit, or its first word)
        lo = max(0, start - 100)  # tokens longer than 100 characters are looked at in part
        a = max(max(ctx.rfind(" ", lo, start), ctx.rfind("\n", lo, start)), lo - 1) + 1
        # (every link pattern has a '.', ':' or '@'; the token ends by the next space)
        b = ctx.find(" ", start, start + 100)
        b = start + 100 if b < 0 else b
        if ctx.find(".", a, b) < 0 and ctx.find(":", a, b) < 0 and ctx.find("@", a, b) < 0:
            return False
        b = _NON_SPACE.match(ctx, start, start + 100).end()  # type: ignore[union-attr]
        return bool(_URL_TOKEN.search(ctx, a, b))

    def in_company_name(self, start: int, end: int) -> bool:
        """The hit is part of the company's name as the header gives it ("At Acme AI, you
        ...", "Optimizely seeks ...")."""
        name = self.name
        if name is None:
            # only when the next header field names the opening, so the first one is surely
            # the company ("Looker | Senior Engineer", not "Ruby | Droplet")
            name = ""
            if self.company and self.header_end >= 0:
                bar = self.ctx.find("|", 0, self.header_end)
                after = self.ctx.find("|", bar + 1, self.header_end)
                if self.cue(ROLE | PM, bar, self.header_end if after < 0 else after):
                    name = self.company
            self.name = name
        if not name:
            return False
        i = self.ctx.find(name, max(0, end - len(name)), start + len(name))
        return 0 <= i <= start

    def demand_from(self, start: int, end: int) -> int:
        """Mentions in this sentence at or after the returned offset are demands."""
        cached = self._verdict.get(start)
        if cached is not None:
            return cached
        ctx = self.ctx
        s_at = start  # the sentence's first non-space
        while s_at < end and ctx[s_at].isspace():
            s_at += 1
        line_kind = self.line_kind(start)
        if line_kind & (_OTHER_ROLE | _NOT_DEMAND_LINE) or (
            self.cue(NOT_DEMAND, start, end)
            or (self.cues.get(PM) and self._hires_other_roles(start, end))
            or (_opens_with_role_subject(ctx, s_at, end) and not self.cue(PM, start, end))
            or (ctx.find(":", s_at, end) >= 0 and _LABELLED_FACTS.match(ctx, s_at, end))
        ):
            verdict = _NONE
        elif (
            line_kind & _COMPANY_SECTION
            or _opens_about_company(ctx, s_at, end)
            or (self.company and ctx.startswith(self.company, s_at))
            or (
                not self.cue(STRONG, start, end)
                and _COMPANY_VERB.search(ctx, s_at, end)
                and _third_person(ctx, s_at, end)
                # (not "PM who has a technical background": a PM subject is the candidate)
                and not self.cue(PM, s_at, _SUBJECT_START.match(ctx, s_at).end() + 1)  # type: ignore[union-attr]
            )
        ):  # ("Experience with X is a plus" reads like "Acme is ..." but speaks to the candidate)
            # about the company: only what follows a word to the candidate ("We build
            # dashboards and need someone fluent in SQL") or a hiring verb ("Acme seeks a PM
            # with SQL", not "seeking ideas") is a demand
            verdict = _NONE
            strong = self.cues.get(STRONG)
            if strong and (i := _bisect_left(strong, start)) < len(strong) and strong[i] < end:
                verdict = strong[i]
            weak = self.cues.get(WEAK, [])
            i = _bisect_left(weak, start)
            while i < len(weak) and weak[i] < min(end, verdict):
                # a hiring verb that hires a person ("seeking to hire a PM", not "seeks to
                # empower teams" or "seeking feedback")
                if (
                    _PERSON_AHEAD.match(ctx, weak[i] + 10)
                    if ctx.startswith(("looking to add", "looking to bring"), weak[i])
                    else not _NOT_A_PERSON.match(ctx, _word_end(ctx, weak[i]))
                ):  # "looking to add engineers", not "looking to add machine learning to it"
                    verdict = weak[i] + 1
                    break
                i += 1
        else:
            verdict = _ALL  # speaks to the candidate, a bullet, a requirement without subject
        self._verdict[start] = verdict
        return verdict

    def _hires_other_roles(self, start: int, end: int) -> bool:
        """The first role named after a hiring verb is not a PM ("looking for engineers")."""
        return self._hired(start, end) not in (0, PM)

    def _hired(self, start: int, end: int) -> int:
        """Kind (PM, ROLE or GENERIC) of the first role named after the first hiring verb in
        [start, end); 0 when there is none or someone else is hired."""
        hires = self.cues.get(HIRE)
        if not hires:
            return 0
        i = _bisect_left(hires, start)
        if i == len(hires) or hires[i] >= end:
            return 0
        after = hires[i] + 2
        limit = min(end, after + 80)
        first = [
            (p[j], kind)
            for kind in (PM, ROLE, GENERIC)
            if (p := self.cues.get(kind))
            and (j := _bisect_left(p, after)) < len(p)
            and p[j] < limit
        ]
        if not first:
            return 0
        at, kind = min(first)
        # "looking for someone to work with our engineers": the role is not the one hired;
        # "looking for talented people with SQL": the candidates themselves
        if kind == PM:
            return PM
        if (kind == GENERIC and self.ctx.startswith(("people", "talent"), at)) or (
            _HIRED_IS_OTHER.search(self.ctx, after, at)
        ):
            return 0
        return kind


def _word_end(text: str, pos: int) -> int:
    """End of the word starting at `pos`."""
    n = len(text)
    while pos < n and (text[pos].isalnum() or text[pos] == "'"):
        pos += 1
    return pos


_BRACKETED: Final = re.compile(r"\s*\(.*?\)\s*")


def _company_name(header: str) -> str | None:
    """First segment of an HN header line ("acme corp (yc w15) | pm | nyc" -> "acme corp")."""
    name = header.split("|", 1)[0]
    if "(" in name:  # (every bracket _BRACKETED takes out opens with one)
        name = _BRACKETED.sub(" ", name)
    name = name.strip(" -:\t")
    return name if 2 <= len(name) <= 40 else None


def find_mentions(
    text: str,
    matcher: Matcher,
    demands_only: bool = True,
    ctx: str | None = None,
    scan: str | None = None,
) -> list[Mention]:
    """Skill mentions in one cleaned text, in text order (see the module docstring).

    demands_only=False keeps every hit (no context rules). `ctx` (= `context_text(text)`)
    and `scan` (= `scan_text(text)`) may be passed when already computed column-wise.
    """
    if not text:
        return []
    if ctx is None:
        ctx = context_text(text)
        scan = None
    if scan is None:
        scan = _scan_of(ctx)
    hits: list[tuple[int, int, int, bool]] = []
    cues: dict[int, list[int]] = {}
    # (typed: compiled, each hit is unboxed once and the arithmetic is native)
    hit: tuple[int, tuple[int, int, bool, tuple[str, bool] | None, tuple[int, ...]]]
    for hit in matcher.automaton.iter(scan):
        last, (length, skill, title, check, kinds) = hit
        start = last - length + 1
        for kind in kinds:
            positions = cues.get(kind)
            if positions is None:
                cues[kind] = [start]
            else:
                positions.append(start)
        if skill < 0:
            continue
        end = last - 1
        if check is not None:
            form, cased = check
            found = text[start:end]
            if found != form if cased else found.lower() != form:
                continue
        hits.append((start, -end, skill, title))
    if not hits:
        return []
    if len(hits) > 1:
        hits.sort()
    for positions in cues.values():
        positions.sort()
    # (Mentions are made with tuple.__new__: compiled, calling the class runs the
    # NamedTuple's __new__ as Python, which cost more than the rest of the loop)
    out: list[Mention] = []
    max_end = -1
    post: _Post | None = None
    categories = matcher.categories
    for start, neg_end, skill, title in hits:
        end = -neg_end
        if start < max_end:
            continue  # overlaps an earlier (or longer) hit: leftmost-longest wins
        max_end = end
        if title or not demands_only:
            out.append(tuple.__new__(Mention, (start, end, skill)))
            continue
        if post is None:
            post = _Post(text, ctx, cues)
        else:
            s_end, verdict = post.last_sentence
            if start < s_end and start < verdict:
                continue  # in the sentence of the hit before, ahead of where its demands begin
        if _is_demand(post, start, end, categories[skill]):
            out.append(tuple.__new__(Mention, (start, end, skill)))
    return out


_KINDS: Final = tuple(CUE_PATTERNS)
_KIND_SET: Final = frozenset(_KINDS)
_KIND_PARTS: Final = [
    tuple(kind for kind in _KINDS if kinds & kind) for kinds in range(1 << len(_KINDS))
]
_NON_SPACE: Final = re.compile(r"\S*")


_TEAM_CHECKED: Final = frozenset(c for c in HARD_CATEGORIES if c != "agile")


def _is_demand(post: _Post, start: int, end: int, category: str) -> bool:
    """Whether the hit at [start, end) is a demand (the sentence's verdict first, then the
    check that rejects the most hits, then the others, cheapest first)."""
    if start < post.header_end:
        return False
    s_start, s_end = post.sentence(start)
    verdict = post._verdict.get(s_start)
    if verdict is None:
        verdict = post.demand_from(s_start, s_end)
    post.last_sentence = s_end, verdict
    if start < verdict:
        return False
    # (checked next: half of the hits in demanding sentences stop here, on the archive)
    if (
        category == "technical_knowledge"
        and post.multi_role()
        and not post.line_kind(start) & _PM_BLOCK
        and not post.pm_before(start)
    ):
        return False  # a stack in a post hiring engineers too is theirs unless the PM's block
    cues = post.cues
    neg = cues.get(NEG)
    if neg:
        j = _bisect_left(neg, max(s_start, start - 40))
        if j < len(neg) and neg[j] < start and " but " not in post.ctx[neg[j] : start]:
            return False  # "no SQL needed", not "you don't code, but you use coding agents"
    ctx = post.ctx
    # the text after the hit past spaces and hyphens ("-powered", " platform", " & UX teams"):
    # each anchored check below can only match where it starts with one of its words
    after = _past_spaces_and_hyphens(ctx, end)
    next_word = ctx[after : after + 12]
    mark = next_word[:1]
    word = _word_at(ctx, after, len(ctx))
    if category == "technical_knowledge":
        if _may_be_stack_role(ctx, end, mark, word) and _STACK_ROLE_AFTER.match(ctx, end):
            return False
    elif (mark in _ROLE_AFTER_MARKS or word in _ROLE_AFTER_START) and _ROLE_AFTER.match(ctx, end):
        return False
    if (
        category in _TEAM_CHECKED
        and (mark == "/" or mark == "&" or word in _TEAM_WORDS)
        and _TEAM_AFTER.match(ctx, end)
    ):
        return False
    if category == "ux_ui_design" and _DESIGN_ROLE_AFTER.match(ctx, end):
        return False
    roles = cues.get(ROLE)
    if roles:
        j = _bisect_left(roles, start - 40)
        if j < len(roles) and roles[j] < start and _role_before(ctx, max(0, start - 40), start):
            return False  # "engineers influence decisions": another role's doing
    if post.in_url(start, end) or post.in_company_name(start, end):
        return False
    if _list_sep_before(ctx, max(s_start, start - 6), start) or _list_sep_after(ctx, end):
        listed = post._departments.get(s_start)
        if listed is None:
            # a list of departments *being hired for*: a hiring word in this sentence or just
            # before it, and the list does not speak to the candidate ("Partner with
            # engineering, design, sales and support" is a demand)
            prev = max(0, s_start - 150)
            listed = post._departments[s_start] = (
                post.cue(HIRE | WEAK | GENERIC, prev, s_end)
                and not post.cue(STRONG, s_start, s_end)
                and not _with_before(ctx, s_start, start)
                and _is_department_list(ctx[s_start:s_end])
            )
        if listed:
            return False  # "hiring in product management, engineering, technical writing"
    if (
        after == end + 1
        and word in _PRODUCT_ADJECTIVE_WORDS
        and _PRODUCT_ADJ_AFTER.match(ctx, end)
        and _PRODUCT_VERB_BEFORE.search(ctx, max(s_start, start - 30), start)
    ):  # "bring AI-powered sleep diagnosis to patients", not "experience shipping AI-powered X"
        return False
    if (
        after > end
        and word in _PRODUCT_WORDS
        and _PRODUCT_AFTER.match(ctx, end)
        and _OWNER_BEFORE.search(ctx, max(s_start, start - 40), start)
    ):
        return False  # "our risk analytics platform": the company's product
    clauses = post._clauses.get(s_start)
    if clauses is None:
        clauses = post._clauses[s_start] = _clause_ends(ctx, s_start, s_end)
    k = _bisect_right(clauses, start) - 1
    if k >= 0 and not post.cue(STRONG | WEAK, clauses[k], start):
        return False  # "If you're new to us, we're a startup and we focus on A/B tests"
    if neg:
        j = _bisect_left(neg, end)
        if j < len(neg) and neg[j] < end + 90:
            return not _negated_after(ctx, end, s_end)
    return True


def _is_word_char(c: str) -> bool:
    """`c` is a regex word character (\\w)."""
    return c.isalnum() or c == "_"


# (the two regexes below are tried on the start of every sentence that has a hit: compiled, a
# slice and a startswith that rule most sentences out cost a fraction of a regex call)
def _third_person(text: str, at: int, end: int) -> bool:
    """`_THIRD_PERSON` matches text[at:end] at `at` (see _THIRD_PERSON_FORMS)."""
    form = 2 if text.find(",", at, end) >= 0 else 0
    for noun in _REQUIREMENT_WORDS:
        if text.find(noun, at, end) >= 0:
            form += 1
            break
    return bool(_THIRD_PERSON_FORMS[form].match(text, at, end))


def _opens_with_role_subject(ctx: str, at: int, end: int) -> bool:
    """`_ROLE_SUBJECT` matches ctx[at:end] at `at`, which it can only where, past its leading
    marks, a label ("Support:") or one of _ROLE_SUBJECT_STARTS comes first."""
    p = at
    while p < end and (ctx[p].isspace() or ctx[p] in "•*>-–"):
        p += 1
    head = ctx[p : p + 32]  # (a label is at most 31 characters and its colon)
    if ":" not in head and not head.startswith(_ROLE_SUBJECT_STARTS):
        return False
    return bool(_ROLE_SUBJECT.match(ctx, at, end))


def _opens_about_company(ctx: str, at: int, end: int) -> bool:
    """`_COMPANY_START` matches ctx[at:end] at `at`, which it can only where, past its leading
    marks, the first word is one of _COMPANY_START_WORDS."""
    p = at
    marks = True  # the regex's leading class takes every character passed (\d: not '²')
    # (isdigit takes in every \d; nothing it takes in can open a word)
    while p < end and (ctx[p].isspace() or ctx[p] in "•*>-–.)" or ctx[p].isdigit()):
        if marks and ctx[p].isdigit() and not ctx[p].isdecimal():
            marks = False
        p += 1
    word = _word_at(ctx, p, end)
    if word not in _COMPANY_START_WORDS:
        return False
    after = p + len(word)
    if marks and word in _COMPANY_PRONOUNS and (after == end or ctx[after] != "_"):
        return True  # ("we build ...": the pronoun, then a word boundary)
    return bool(_COMPANY_START.match(ctx, at, end))


def _may_be_stack_role(ctx: str, end: int, mark: str, word: str) -> bool:
    """False where `_STACK_ROLE_AFTER` cannot match at `end`, given the mark or word the text
    after it opens with (past spaces and hyphens). Where a list goes on ("Java, Go and C#
    developers"), the regex backtracks through every item, so the list is looked at first:
    its role word starts in the run of characters the items and separators are made of
    (`_STACK_RUN`), or right after a bracket that ends that run."""
    if not (mark in ("/", "&", ",") or word in ("and", "or")):
        return mark in _STACK_ROLE_MARKS or word in _STACK_ROLE_START  # (no list: cheap)
    first = len(ctx)  # where the first role word after the hit starts (if any)
    for stem in _STACK_ROLE_STEMS:
        i = ctx.find(stem, end, first + len(stem) - 1)
        if i >= 0:
            first = i
    if first == len(ctx):
        return False
    run_end: int = _STACK_RUN.match(ctx, end, first).end()  # type: ignore[union-attr]
    if run_end == first:
        return True  # the run reaches it
    if ctx[run_end] != "(":
        return False
    closing = ctx.find(")", run_end + 1, run_end + 32)
    if closing < 0:
        return False
    return ctx.startswith(_STACK_ROLE_STEMS, _past_spaces_and_hyphens(ctx, closing + 1))


def _past_spaces_and_hyphens(ctx: str, pos: int) -> int:
    """Where the text at `pos` goes on past spaces and hyphens ("-powered", " platform")."""
    while pos < len(ctx) and (ctx[pos] == "-" or ctx[pos].isspace()):
        pos += 1
    return pos


def _word_at(ctx: str, pos: int, end: int) -> str:
    """The run of letters and digits at `pos`, up to `end` at most."""
    stop = pos
    while stop < end and ctx[stop].isalnum():
        stop += 1
    return ctx[pos:stop]


# (the list separators around a hit are looked for on every hit that gets this far: compiled,
# a few native character tests cost a fraction of a regex call)
def _list_sep_before(ctx: str, lo: int, pos: int) -> bool:
    """r"(?:,|&|/|\\band)\\s*$" searched in ctx[lo:pos]: a separator, then only whitespace."""
    j = pos
    while j > lo and ctx[j - 1].isspace():
        j -= 1
    if j > lo and ctx[j - 1] in ",&/":
        return True
    # ("and" after a non-word character or the start of the text: the \\b may look before lo)
    return j - 3 >= lo and ctx[j - 3 : j] == "and" and (j == 3 or not _is_word_char(ctx[j - 4]))


def _list_sep_after(ctx: str, pos: int) -> bool:
    """r"\\s*(?:,|&|/|and\\b)" matched at `pos`: whitespace, then a separator."""
    j = pos
    while j < len(ctx) and ctx[j].isspace():
        j += 1
    if j < len(ctx) and ctx[j] in ",&/":
        return True
    return ctx[j : j + 3] == "and" and (j + 3 == len(ctx) or not _is_word_char(ctx[j + 3]))


_CLAUSE_JOINTS: Final[tuple[str, ...]] = ("and", "but", "so", "as", "while", "where")
_CLAUSE_PRONOUNS: Final[tuple[str, ...]] = ("we", "they")
# the characters a `_CLAUSE_WE` match can have before its "we" or "they"
_CLAUSE_LEAD: Final = frozenset(",;:" + "".join(_CLAUSE_JOINTS))


def _clause_ends(ctx: str, a: int, b: int) -> list[int]:
    """Ends of the `_CLAUSE_WE` matches in ctx[a:b] ("..., and we focus on").

    Each match has its "we" or "they" after whitespace after one of [,;:] or a conjunction,
    and nothing but those before it: the search starts at the run of such characters before
    the first pronoun that is placed so (the same matches as from `a`), and there is none
    without one. (Compiled, searching every sentence from its start cost more than any
    other rule.)"""
    first = b
    for pronoun in _CLAUSE_PRONOUNS:
        i = ctx.find(pronoun, a + 1, b)
        while 0 <= i < first:
            if _after_joint(ctx, a, i):
                first = i
                break
            i = ctx.find(pronoun, i + 1, b)
    if first == b:
        return []
    lead = first
    while lead > a and (ctx[lead - 1] in _CLAUSE_LEAD or ctx[lead - 1].isspace()):
        lead -= 1
    return [m.end() for m in _CLAUSE_WE.finditer(ctx, lead, b)]


def _after_joint(ctx: str, a: int, i: int) -> bool:
    """Whitespace before `i` follows one of [,;:] or a word of `_CLAUSE_JOINTS`, all at or
    after `a`."""
    j = i
    while j > a and ctx[j - 1].isspace():
        j -= 1
    if j == i:
        return False
    if j > a and ctx[j - 1] in ",;:":
        return True
    return any(j - len(joint) >= a and ctx[j - len(joint) : j] == joint for joint in _CLAUSE_JOINTS)


def _is_company_heading(label: str) -> bool:
    """A heading about the company: `_HEADING_COMPANY` at its start or a word of
    `_HEADING_FACTS_END` at its end (a heading has no line break; compiled, these tests cost a
    fraction of one regex search for either)."""
    if _word_at(label, 0, len(label)) in _HEADING_COMPANY_STARTS and _HEADING_COMPANY.match(label):
        return True
    last = len(label)  # (the label then ends with the last word of one of them)
    while last > 0 and label[last - 1].isalnum():
        last -= 1
    if label[last:] not in _HEADING_FACTS_LAST:
        return False
    for words in _HEADING_FACTS_END:
        k = len(label) - len(words)
        if k >= 0 and label.endswith(words) and (k == 0 or not _is_word_char(label[k - 1])):
            return True
    return False


def _is_role_heading(label: str) -> bool:
    """`_HEADING_ROLE` matches at the start of `label` (which opens with one of its runs)."""
    if _word_at(label, 0, len(label)) not in _HEADING_ROLE_STARTS:
        return False
    return bool(_HEADING_ROLE.match(label))


# (each regex below is tried only where its words are in the text: compiled, a few str.find
# calls cost a fraction of a regex call, and most texts asked about have none of them)
def _opens_openings(line: str) -> bool:
    """`_OPENINGS_INTRO` is found in `line`."""
    for word in _OPENINGS_WORDS:
        if word in line:
            return bool(_OPENINGS_INTRO.search(line))
    return False


def _with_before(ctx: str, a: int, b: int) -> bool:
    """`_WITH_BEFORE_LIST` is found in ctx[a:b]."""
    for word in _WITH_WORDS:
        if ctx.find(word, a, b) >= 0:
            return bool(_WITH_BEFORE_LIST.search(ctx, a, b))
    return False


def _negated_after(ctx: str, end: int, s_end: int) -> bool:
    """`_NEGATED_AFTER` matches ctx[end:s_end] at `end`."""
    stop = min(s_end, end + _NEGATION_REACH)
    if ctx.find("not", end, stop) < 0 and ctx.find("n't", end, stop) < 0:
        return False
    return bool(_NEGATED_AFTER.match(ctx, end, s_end))


def _role_before(ctx: str, lo: int, pos: int) -> bool:
    """`_ROLE_BEFORE` is found in ctx[lo:pos]: a role, then only spaces and hyphens. The role's
    last word is then the whole run of word characters before them (the regex's \\b may look
    before `lo`), which must be one of _ROLE_WORDS."""
    j = pos
    while j > lo and (ctx[j - 1].isspace() or ctx[j - 1] == "-"):
        j -= 1
    i = j
    while i > 0 and _is_word_char(ctx[i - 1]):
        i -= 1
    if ctx[i:j] not in _ROLE_WORDS:
        return False
    return bool(_ROLE_BEFORE.search(ctx, lo, pos))


def _is_department_list(sentence: str) -> bool:
    """The sentence is (mostly) a list of departments or disciplines being hired for."""
    # (three items need two separators: most sentences are ruled out before the split)
    separators = sentence.count(",") + sentence.count(";") + sentence.count("&")
    if separators + sentence.count("/") + sentence.count("and") < 2:
        return False
    items = [x.strip(" .:;!-–•*\t\n") for x in _LIST_SPLIT.split(sentence)]
    items = [x for x in items if x]
    departments = sum(1 for x in items if _DEPARTMENT.fullmatch(x))
    return departments >= 3 and departments * 2 >= len(items)


def mention_categories(mentions: Iterable[Mention], matcher: Matcher) -> list[str]:
    """The headline categories among `mentions`, sorted."""
    return sorted({matcher.categories[m.skill] for m in mentions if matcher.headline[m.skill]})


# -- polars API --------------------------------------------------------------------------------
def texts_for_scan(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Column forms of `context_text` and `scan_text`, null where `find_mentions` computes
    them itself: both where lower-casing changes the length of a text, the scan form of
    ASCII texts too (a byte translation there costs less than the column regex)."""
    ctx = text.str.to_lowercase().str.replace_all("[\u2018\u2019]", "'")
    ctx = pl.when(ctx.str.len_chars() == text.str.len_chars()).then(ctx)
    return ctx, ctx.map_batches(_scan_non_ascii, return_dtype=pl.String, is_elementwise=True)


def _scan_non_ascii(ctx: pl.Series, return_dtype: object = None) -> pl.Series:
    """`scan_text` of the non-ASCII rows of `ctx` (`context_text`s), null elsewhere.
    (`return_dtype`: polars' map_batches passes it; see `transforms.titles._classify_batch`)"""
    rows = (ctx.str.len_bytes() != ctx.str.len_chars()).arg_true()
    out = pl.Series(ctx.name, [None] * len(ctx), dtype=pl.String)
    if rows.len() == 0:
        return out
    scan = pl.select(
        pl.concat_str(
            pl.lit(" "),
            pl.lit(ctx.gather(rows)).str.replace_all(_NON_WORD.pattern, " "),
            pl.lit(" "),
        )
    ).to_series()
    return out.scatter(rows, scan)


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
    ctx, scan = texts_for_scan(pl.col(text_column))
    cols = (  # (lazily: polars then lower-cases the text once for both views, not twice)
        frame.lazy().select(pl.col(text_column), ctx.alias("c"), scan.alias("s")).collect()
    )
    # the mentions as columns (row of the posting, skill index, offsets, matched text); polars
    # then looks up the posting ids and the skills' names by index
    rows: list[int] = []
    skills: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    found: list[str] = []
    for row, (text, c, s) in enumerate(cols.iter_rows()):
        if not text:
            continue
        for start, end, skill in find_mentions(text, matcher, ctx=c, scan=s):
            rows.append(row)
            skills.append(skill)
            starts.append(start)
            ends.append(end)
            found.append(text[start:end])
    row_index = pl.Series(rows, dtype=pl.UInt32)
    skill_index = pl.Series(skills, dtype=pl.UInt32)
    out = pl.DataFrame(
        {
            "posting_id": frame["posting_id"].cast(pl.String).gather(row_index),
            "skill_id": pl.Series(matcher.skill_ids, dtype=pl.String).gather(skill_index),
            "start": pl.Series(starts, dtype=pl.Int32),
            "end": pl.Series(ends, dtype=pl.Int32),
            "matched_text": pl.Series(found, dtype=pl.String),
            "type": pl.Series(matcher.types, dtype=pl.String).gather(skill_index),
            "category": pl.Series(matcher.categories, dtype=pl.String).gather(skill_index),
        },
        schema=MENTION_SCHEMA,
    )
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

    Returns skill_id, name, type, category, esco_id, dk_group, aliases (list), alias_matches
    (the match mode of each alias, same order), taxonomy_version.
    """
    aliases = taxonomy.aliases.group_by("skill_id", maintain_order=True).agg(
        aliases=pl.col("alias"), alias_matches=pl.col("match").fill_null("word")
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
            "alias_matches",
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
    # a skill's type and its category's side agree (a certification sits on the hard side), so
    # the trend marts count each posting on the same side by type as by category
    hard_side = pl.col("category").is_in([*HARD_CATEGORIES, "other_hard"])
    crossed = skills.filter(
        pl.col("category").is_in(CATEGORIES)
        & pl.when(pl.col("type") == "soft").then(hard_side).otherwise(~hard_side)
    )
    if crossed.height:
        rows = crossed.select("skill_id", "type", "category").rows()[:5]
        problems.append(f"type on the other side of its category (skill, type, category): {rows}")
    if problems:
        raise TaxonomyError("; ".join(problems))


_PATTERN_CHARS: Final = re.compile(r"[{}\[\]|]")


def esco_aliases(esco: pl.DataFrame, taxonomy: Taxonomy, min_length: int = 4) -> pl.DataFrame:
    """ESCO labels of the ESCO concepts the taxonomy maps to, as extra aliases.

    esco: id, description, type (ESCO's preferredLabel / altLabels rows, as in the shared
    `esco_v_1_1_1_data_formatted.csv`). Returns skill_id, alias, match ('exact': ESCO labels
    are used as written), without labels the taxonomy already knows or that another skill
    already claims, one-word labels (too generic: "interaction"), labels shorter than
    `min_length`, and labels using pattern syntax. Opt-in: ESCO's wording widens recall at
    some cost in precision.
    """
    matcher = taxonomy.matcher()
    known = {key for key, _ in matcher.automaton.items()}
    mapped = taxonomy.skills.filter(pl.col("esco_id").is_not_null()).select("skill_id", "esco_id")
    labels = (
        esco.filter(pl.col("type").is_in(["preferredLabel", "altLabels"]))
        .select(esco_id=pl.col("id"), alias=pl.col("description").str.strip_chars())
        .join(mapped, on="esco_id")
        .filter(
            (pl.col("alias").str.len_chars() >= min_length)
            & pl.col("alias").str.contains(r"\s")
            & ~pl.col("alias").str.contains(_PATTERN_CHARS.pattern)
        )
        .with_columns(alias=pl.col("alias").str.to_lowercase())
        .unique(["alias"], keep="none")  # one label, two of our skills: ambiguous, skip
        .sort("skill_id", "alias")
    )
    keep = [_key(alias) not in known for alias in labels["alias"]]
    return labels.filter(pl.Series(keep, dtype=pl.Boolean)).select(
        "skill_id", "alias", match=pl.lit("exact")
    )
