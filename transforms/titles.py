"""PM role and seniority, from a job title or from a whole HN "Who is hiring" post.

Pure: no I/O. Labelling rules: `../shared/data/gold/TITLES.md`.

Titles (`classify_title`, `title_roles`)
- role `pm` when the title names the product management family: "Product Manager/
  Management", "Product Lead(er)", "Product Director", "Director/VP/Head of Product",
  "Chief Product Officer", "PM"/"APM"/"GPM", or "Product" as a department on its own
  ("Product", "Product role", "Engineering, Product, Design roles"); `product_owner` for
  "Product Owner". Look-alikes stay `not_pm`: a word between "product" and the head noun
  that names another job family ("Product Marketing Manager", "Product Design Lead",
  "Head of Product Engineering"), and every title whose head noun is not a PM one
  (designer, engineer, analyst, program/project/engineering manager, chief of staff).
- seniority: the highest rung named in the title ("Senior Director" -> director); for
  alternatives split by "/" or "or" the lowest one ("Senior/Staff PM" -> senior).
  No qualifier, "II" and "Founding" are `mid`.

Whole posts (`classify_post`, `post_roles`)
A post is cut into units, each with a kind: the segments of its header line
(`Company | Role | Place`, kind "header"), bullet or numbered items ("item"), other short
lines ("short") and the sentences of running text (""). Hard-wrapped lines are rejoined and
links blanked first. Each role mention (the PM family, or another job family for
`multi_role`) is judged by its context:
- reading back from the mention to the start of its unit, the nearest decisive word wins:
  a hiring cue ("hiring", "looking for", "roles", "join us as", "openings, including")
  makes it an opening; a passing-mention cue ("with", "our", "former", "by", "to",
  "experience", "no") does not;
- with neither, it is an opening only in a title-like unit when it opens its item (only
  qualifiers before it: "Senior Technical PM", "1 x Product Manager") or is one item of a
  list of roles, or in running text that starts with a list of roles ("Engineers, PMs,
  Designers - interested?"), unless a verb follows ("PMs and designers work together");
- a mention followed by "experience", "team", "skills", ... is an attribute, not a role;
  one under a label such as "The team:", "Interview process:", "Skills:" is not an
  opening, nor one in "we're a team of engineers and PMs"; "As a PM ..., you will" is;
- "PM" is read as project manager in a post that names one and no product manager;
- "Product" alone counts as an opening when it is one department in a list of openings
  ("roles in Eng, Product, Design"), not when it qualifies a person ("Staff SWE, Product",
  "Software Engineers (Product, SDK)", "product, AI and platform engineers");
- job-board URLs whose path names a PM title (`/product-manager-...`) count too.
`multi_role` is true when openings of two job families are found (department words such as
"sales" or "support" only after a hiring cue or in the header), or the post says it hires
for several roles ("multiple roles", "a number of open positions").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ahocorasick
import polars as pl

ROLES = ("pm", "product_owner", "not_pm")
SENIORITIES = ("intern", "associate", "mid", "senior", "lead", "group", "director", "vp", "cpo")
_RUNG = {name: i for i, name in enumerate(SENIORITIES)}

# --- lexicon ---------------------------------------------------------------------------
# Words that, right after "product", make it another job family ("Product Marketing Manager").
LOOKALIKE_AFTER_PRODUCT = (
    "design designer designers designing marketing marketer marketers engineering engineer "
    "engineers operations ops analytics analyst analysts security support quality qa science "
    "scientist scientists research researcher researchers content development dev developer "
    "developers sales solutions solution specialist specialists evangelist evangelists "
    "experience education strategy counsel legal compliance safety delivery program programs "
    "project projects documentation writer writers photography photographer success enablement "
    "training trainer testing tester architect architecture data insights copywriter "
    "communications partnerships partner policy finance led"
).split()
# Words allowed between "product" and a head noun ("Product Growth Lead").
PRODUCT_MIDDLE = ("growth", "platform", "line", "portfolio", "area", "group")
SENIORITY_WORDS = {
    "intern": r"interns?|internships?|co-?op",
    "associate": r"associates?|apms?|junior|entry(?: level)?|graduates?|new grads?|trainees?",
    "mid": r"mid(?: level)?|ii|founding",
    "senior": r"senior|iii|spm",
    "lead": r"lead(?! gen)|leads|leaders?|leadership|staff|principal",
    "group": r"group(?= product| pm)|gpms?",
    "director": r"directors?",
    "vp": r"vps?|svp|evp|heads? of",
    "cpo": r"chief product (?:(?:and|&) [a-z]+ )?officers?|cpo",
}
# Person nouns: a title that has one is about that person, not the "Product" department.
_PERSON = (
    r"engineers?|engs?|swes?|sdes?|devs?|developers?|designers?|scientists?|analysts?|architects?|interns?|marketers?|"
    r"managers?|specialists?|associates?|writers?|researchers?|consultants?|evangelists?|"
    r"builders?|generalists?|owners?|directors?|heads?|officers?|representatives?|reps?|"
    r"coordinators?|administrators?|admins?|technicians?|recruiters?|executives?|"
    r"strategists?|sres?|devops|qa|programmers?|hackers?|leads?|leaders?|advocates?|members?|"
    r"staff"
)
# Filler around a bare department name ("Various roles in Product").
_FILLER = re.compile(
    r"\b(?:various|multiple|several|many|all|open|other|roles?|positions?|openings?|jobs?|"
    r"in|team|teams|people|folks|function|org|hiring|levels?|contract|remote|"
    r"full ?time|part ?time)\b"
)

# Hiring cues and passing-mention cues, read backwards from a mention (lower-case tokens).
CUES = frozenset(
    "hiring hire hires looking seeking seek searching recruiting need needs needed want "
    "wanted wanting positions position roles role openings opening opportunities opportunity "
    "vacancies vacancy including add adding apply".split()
)
NEGATIVE = frozenset(
    "with our alongside by former ex from like your their his her my its has have had "
    "experience background between among help helps helping empower empowers "
    "enable enables i'm im am me myself aspects aspect elements bits part to that which who "
    "whom whose tools tool years year than about under no not without "
    "report reports reporting manage managing managed partner partnering collaborate "
    "collaborating built founded led run other "
    "interface interfacing as these those was were are is be being been intersection sits "
    "bridge".split()
)
# "for" is a hiring cue after these ("looking for a PM", "openings for PMs"), else passing.
_FOR_CUES = frozenset(
    "looking searching hiring seeking openings opening positions position roles role room need "
    "needs jobs job opportunities vacancies hire recruiting open reqs available apply".split()
)
# A PM mention followed by one of these words is an attribute ("product management
# experience", "our product team"), not an opening.
_ATTRIBUTE_AFTER = re.compile(
    r"^(?:[-\s]*)(?:experience|team|teams|skills?|background|tools?|software|process|processes|"
    r"practices?|org|organization|function|framework|methodolog\w*|platform|discipline|"
    r"best practices|chops|sense|mindset|workflow|perspective|side|world|community|"
    r"friends|and engineering (?:team|leadership))",
    re.IGNORECASE,
)

# --- title patterns (on normalized lower-case titles) ------------------------------------
_LOOK = "|".join(LOOKALIKE_AFTER_PRODUCT)
_MID = "|".join(PRODUCT_MIDDLE)
_PM_HEAD = (
    r"\bproduct (?:manager|managers|management|manag)\b"
    rf"|\bproduct (?:{_MID}) (?:managers?|leads?|leaders?|directors?|heads?)\b"
    r"|\bproduct (?:leads?|leaders?|leadership|directors?|heads?)\b(?! gen)"
    rf"|\b(?:heads?|directors?|vps?|svp|evp|gm|general manager)(?: of| for|,| -| :)? "
    rf"products?\b(?! (?:{_LOOK})\b)"
    r"|\bchief product (?:(?:and|&) [a-z]+ )?officers?\b|\bcpo\b"
    r"|\bproduct ?(?:/|&|\+|and) ?(?:[a-z]+ ){1,2}?(?:manager|managers|management)\b"
    rf"|\bproduct ?(?:/|&|\+|and) ?(?!(?:{_LOOK})\b)[a-z]+ (?:leads?|leaders?|directors?|heads?)\b"
    # "Senior Manager, Product" (not "Engineering Manager, Product")
    rf"|(?:^|\b(?:senior|associate|group|principal|staff|lead|general) )managers?"
    rf"(?:,| -| of| for)? products?\b(?! (?:{_LOOK})\b)"
    rf"|^leads?(?:,| -| of| for) products?\b(?! (?:{_LOOK})\b)"
    r"|(?<!program )(?<!project )\b(?:a|g|s)?pms?\b"
)
_PM_RE = re.compile(_PM_HEAD)
_PO_RE = re.compile(r"\bproduct owners?\b")
_SENIORITY_RES = [(name, re.compile(rf"\b(?:{pat})\b")) for name, pat in SENIORITY_WORDS.items()]
_PERSON_RE = re.compile(rf"\b(?:{_PERSON})\b")
_ALTERNATIVES = re.compile(r"\s*/\s*|\s+or\s+")
_ITEM_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band\b|\(|\)|\s-\s|\||:|;)\s*")

_NORMALIZE = [
    (re.compile(r"&amp;"), "&"),
    (re.compile(r"[‐‑‒–—−]"), "-"),
    (re.compile(r"\bsr\b\.?"), "senior"),
    (re.compile(r"\bjr\b\.?"), "junior"),
    (re.compile(r"\b(?:mgr|mngr|mgmt)\b\.?"), "manager"),
    (re.compile(r"\bprod\b\.?(?= manager)"), "product"),
    (re.compile(r"\bv\.? ?p\b\.?"), "vp"),
    (re.compile(r"\b(?:senior |executive )?vice[ -]presidents?\b"), "vp"),
    (re.compile(r"\bdir\b\.?"), "director"),
    (re.compile(r"\bproducts? (?=manag|owner|lead|director)"), "product "),
    (re.compile(r"(?<=[a-z])-(?=[a-z])"), " "),
    (re.compile(r"\s+"), " "),
]


def normalized_title(title: str) -> str:
    """Lower-case title with abbreviations spelled out ("Sr. PM" -> "senior pm")."""
    text = title.lower()
    for pattern, repl in _NORMALIZE:
        text = pattern.sub(repl, text)
    return text.strip()


def _bare_product(norm: str) -> bool:
    """'Product' named as a department, not as a qualifier of another job."""
    if "product" not in norm or _PERSON_RE.search(norm):
        return False
    for item in _ITEM_SPLIT.split(norm):
        core = _FILLER.sub(" ", item).split()
        if core in (["product"], ["product", "management"]):
            return True
    return False


def seniority_of(norm: str) -> str:
    """The seniority rung named in a normalized PM title ('mid' when none is)."""
    found: list[int] = []
    for chunk in _ALTERNATIVES.split(norm):
        rungs = [_RUNG[name] for name, rx in _SENIORITY_RES if rx.search(chunk)]
        if rungs:
            found.append(max(rungs))
    return SENIORITIES[min(found)] if found else "mid"


@lru_cache(maxsize=65536)
def classify_title(title: str | None) -> tuple[str, str | None]:
    """(role, seniority) of one job title; seniority is None for not_pm."""
    if not title:
        return ("not_pm", None)
    norm = normalized_title(title)
    if "product" not in norm and "pm" not in norm and "cpo" not in norm:
        return ("not_pm", None)
    if _PM_RE.search(norm) or _bare_product(norm):
        role = "pm"
    elif _PO_RE.search(norm):
        role = "product_owner"
    else:
        return ("not_pm", None)
    if role == "pm" and not _pm_is_real(norm):
        return ("not_pm", None)
    return (role, seniority_of(norm))


_PROGRAM = re.compile(r"\b(?:program|project|programme)\b")
_TIME = re.compile(r"\d\s*(?:a|p)m\b")
_WORD_PM = re.compile(r"[a-z]\s+pm\b")


def _pm_is_real(norm: str) -> bool:
    """Drop a 'pm' token that is a time or a program/project manager abbreviation."""
    if "product" in norm or "cpo" in norm:
        return True
    if _PROGRAM.search(norm):
        return False
    return not _TIME.search(norm) or bool(_WORD_PM.search(norm))


_TITLE_DTYPE = pl.Struct({"role": pl.String, "seniority": pl.String})


def _per_distinct(
    values: pl.Series, classify: Callable[[str | None], dict], dtype: pl.Struct
) -> pl.Series:
    """`classify` of every value as a `dtype` struct, called once per distinct value and
    spread back (postings repeat titles a lot; re-fetched versions repeat their text)."""
    distinct = values.unique(maintain_order=True)
    rows = pl.Series(values.name, [classify(v) for v in distinct.to_list()], dtype=dtype)
    if distinct.len() == values.len():
        return rows
    lookup = pl.DataFrame({"value": distinct, "out": rows})
    joined = pl.DataFrame({"value": values}).join(
        lookup, on="value", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["out"].rename(values.name)


def _title_fields(title: str | None) -> dict:
    role, seniority = classify_title(title)
    return {"role": role, "seniority": seniority}


def _classify_batch(values: pl.Series, return_dtype: object = None) -> pl.Series:
    # (polars' map_batches passes return_dtype, and retries without it only on CPython's
    # wording of the TypeError, not on a compiled function's: accept and ignore it)
    return _per_distinct(values, _title_fields, _TITLE_DTYPE)


def title_roles(frame: pl.LazyFrame, column: str = "title") -> pl.LazyFrame:
    """Add `role` and `seniority` from the job title in `column` (input column: `column`)."""
    classified = pl.col(column).map_batches(_classify_batch, return_dtype=_TITLE_DTYPE)
    return (
        frame.with_columns(_title_roles=classified)
        .with_columns(
            role=pl.col("_title_roles").struct.field("role"),
            seniority=pl.col("_title_roles").struct.field("seniority"),
        )
        .drop("_title_roles")
    )


# --- whole posts ---------------------------------------------------------------------------
_URL = r"(?:https?://|www\.)\S+"
_URL_RE = re.compile(_URL)
_POST_PM = re.compile(
    r"\b(?<![.@-])(?:"
    r"product[ -](?:manag(?:er|ers|ement)|mgr|owners?|directors?|leads?|leaders?)\b(?![ -]gen)"
    rf"|product (?:{_MID}) (?:managers?|leads?|leaders?)\b"
    rf"|(?:head|director|vp|v\.p\.|vice president|svp|evp)s?(?: of| for|,)? products?"
    rf"(?: management\b|\b(?![ -](?:{_LOOK})\b))"
    r"|chief product (?:(?:and|&) [a-z]+ )?officers?\b"
    r"|product ?(?:/|&|\+) ?[a-z]+(?: [a-z]+)? manag(?:er|ers|ement)\b"
    r")",
)


def _has_post_pm(low: str) -> bool:
    """`_POST_PM.search(low)` as a bool; every PM head it names contains "product"."""
    return "product" in low and _POST_PM.search(low) is not None


def _may_url(text: str) -> bool:
    """Whether `_URL_RE` can match in `text` (it needs "://" or "www.")."""
    return "://" in text or "www." in text


# Upper-case PM abbreviations; not a time ("5 PM") and not "PM me".
_POST_PM_ABBR = re.compile(
    r"(?<!\d\s)(?<![\d:.])\b[AGS]?PMs?\b(?!-[a-z])(?!\s+(?:me|us|EST|PST|ET|PT)\b|\s*:?\s*@)"
)
# Words that can precede a PM head in a title as written ("Senior Technical Product Manager").
_MODIFIER = (
    r"(?:(?i:senior|sr\.?|junior|jr\.?|lead|staff|principal|associate|group|founding|technical|"
    r"tech|digital|growth|platform|mobile|web|ai|ml|data|api|enterprise|consumer|b2b|b2c|"
    r"saas|e-?commerce|payments?|hardware|software|game|games|ux|core|first|head of|"
    r"of|vp|/)|[A-Z][A-Za-z0-9+#/.-]*)"
)
_NOT_MODIFIER = frozenset(
    "a an the our we i is are and or for to hiring hire seeking wanted looking need needed open "
    "positions roles join apply new your also".split()
)
_PM_SUFFIX = re.compile(r"^(?:s)?(?:\s*/\s*leads?)?(?:\s*\([^)\n]{1,40}\))?")
# Other job families, for multi_role and for "list of roles" context. "+" adds a plural.
FAMILY_WORDS = {
    "engineering": "engineer+ engineering developer+ devs programmer+ hacker+ devops sre+ "
    "architect+ cto qa tester+ dba+ sysadmin+ tech_lead+ technical_lead+ team_lead+ "
    "team_leader+ full-stack_dev+ full_stack_dev+ front-end_dev+ back-end_dev+ coder+ "
    "rubyist+ pythonista+ sdet+ swe+ infrastructure infra machine_learning ml dev_ops",
    "design": "designer+ ux ux/ui ui/ux illustrator+ artist+ animator+",
    "data": "data_scientist+ data_analyst+ analyst+ scientist+ statistician+ researcher+ quant+ "
    "data_science",
    "sales": "sales salespeople salesperson account_executive+ account_manager+ "
    "business_development biz_dev bizdev bdr+ sdr+ solutions_architect+ solution_architect+ "
    "solutions_engineer+ sales_engineer+ presales pre-sales",
    "marketing": "marketer+ marketing growth_hacker+ copywriter+ writer+ community_manager+ "
    "evangelist+ seo content_strategist+",
    "operations": "operations ops office_manager+ support customer_success customer_service "
    "recruiter+ recruiting hr people_ops accountant+ controller+ finance legal counsel "
    "chief_of_staff chiefs_of_staff project_manager+ program_manager+ executive_assistant+ "
    "assistant+ coordinator+ ceo coo cfo cmo",
}


# Department words: an opening only after a hiring cue or in the header line.
DEPARTMENTS = frozenset(
    "engineering|operations|ops|support|customer success|customer service|recruiting|hr|"
    "people ops|finance|legal|marketing|sales|business development|biz dev|bizdev|seo|"
    "infrastructure|infra|machine learning|ml|data science".split("|")
)


def _family_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for family, words in FAMILY_WORDS.items():
        for word in words.split():
            forms = [word[:-1], word[:-1] + "s"] if word.endswith("+") else [word]
            for form in forms:
                form = form.replace("_", " ")
                automaton.add_word(form, (len(form), family))
    automaton.make_automaton()
    return automaton


_FAMILY_AC = _family_automaton()
_ROLE_TOKENS = frozenset(
    [w.rstrip("+") for ws in FAMILY_WORDS.values() for w in ws.split() if "_" not in w]
    + [w.rstrip("+") + "s" for ws in FAMILY_WORDS.values() for w in ws.split() if "_" not in w]
    + "and or product manager managers pm pms owners owner leads lead s ux ui".split()
)
_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_NOT_BEFORE_WORD = _WORDISH | frozenset(".@-+[")


def _family_hits(low: str) -> list[tuple[int, int, str]]:
    """(start, end, family) of whole-word family words in lower-case text, longest first."""
    hits: list[tuple[int, int, str]] = []
    size = len(low)
    for last, (length, family) in _FAMILY_AC.iter(low):
        start, end = last - length + 1, last + 1
        if start > 0 and low[start - 1] in _NOT_BEFORE_WORD:
            continue
        if end < size and low[end] in _WORDISH:
            continue
        hits.append((start, end, family))
    if len(hits) < 2:
        return hits
    hits.sort(key=lambda h: (h[0], -h[1]))
    kept: list[tuple[int, int, str]] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


_PROJECT_PM = re.compile(r"\b(?:project|program|programme) manag")
_PROJECT_PM_HINTS = ("project manag", "program manag", "programme manag")
_SEVERAL_HINTS = ("roles", "positions", "openings", "everything", "non-technical")
_SEVERAL_ROLES = re.compile(
    r"\b(?:multiple (?:\w+ )?(?:roles|positions|openings)|several (?:\w+ )?(?:roles|positions)|"
    r"various (?:roles|positions)|all sorts of roles|(?:all|a number of|number of|lots of|"
    r"tons of) (?:open )?(?:roles|positions|openings)|hiring (?:for )?everything|"
    r"technical and non-technical|all (?:kinds|types) of roles|seeking all positions|"
    r"(?:hiring for|for these|for the following|following) (?:\d+|two|three|four|five|six) "
    r"(?:\w+ )?(?:roles|positions|openings))\b"
)


def _says_several(low: str) -> bool:
    """`_SEVERAL_ROLES.search(low)` as a bool, searched only around the words a match can end
    with (`_SEVERAL_HINTS`): from a little before each of them (a match has at most 5 spaces
    before that word; look-behinds see the text before the start position) to one character
    after it (so that the closing `\\b` sees the real next character)."""
    found = sorted([(at, len(hint)) for hint in _SEVERAL_HINTS for at in _find_all(low, hint)])
    for at, length in found:
        start = at
        for _ in range(6):
            start = low.rfind(" ", 0, start)
            if start < 0:
                start = 0
                break
        end = at + length + 1
        m = _SEVERAL_ROLES.search(low, start, end)
        if m is None:
            continue  # no match ends with this word: matches that end later start later
        if m.end() < end or end >= len(low):
            return True
        # the match reaches the window's edge, where `\\b` saw an end of text: search on
        # (no match ends before this word, so searching from here to the end is exact)
        return _SEVERAL_ROLES.search(low, start) is not None
    return False


_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣–—>|☆★✓✔►▸→»+]+|\(?\d{1,2}[.)]|\[\d{1,2}\]|[a-h][.)])\s*")
# `\s*(?:\||;|\s[-–—]\s|\s--\s|\s//\s|\s::\s|\s·\s|\s•\s)\s*`, written to open with one
# character class (the first character consumed, then checked by a look-behind) so that `re`
# skips ahead to the next space, '|' or ';' instead of trying every position: same matches.
_HEADER_SEP = re.compile(
    r"[|;\s](?:(?<=[|;])\s*|(?<=\s)\s*[|;]\s*|(?<=\s)\s*(?:[-–—]|--|//|::|·|•)\s+)"
)
_ITEM_PUNCT = " -–—:,.;*•|+[]!"
_EMPTY_PARENS = re.compile(r"\(\s*\)|\[\s*\]")
_LIST_PIECES = re.compile(r"\s*(?:,|;|\s\+\s|\s&\s|\sand\s)\s*")
_PARENS = re.compile(r"\([^()]*\)")
# `(?<=[.!?])(?<![SJsj]r\.)...(?<!\bst\.)\s+(?=[A-Z0-9("'])|\s+[-–—]\s+(?=[A-Z])|;\s+`, opened
# with one character class like `_HEADER_SEP` (same matches, found without trying every position).
_SENTENCE = re.compile(
    r"[\s;](?:(?<=[.!?]\s)(?<![SJsj]r\.\s)(?<!e\.g\.\s)(?<!i\.e\.\s)(?<!Inc\.\s)(?<!vs\.\s)"
    r"(?<!Dir\.\s)(?<!\bst\.\s)\s*(?=[A-Z0-9(\"'])|(?<=\s)\s*[-–—]\s+(?=[A-Z])|(?<=;)\s+)"
)
# The characters a `_SENTENCE` match needs at or right after its start (see `_split_sentences`).
_SENTENCE_MARK = re.compile(r"[.!?;\-–—]")
_TOKEN = re.compile(r"[a-z0-9+#']+")
_TOKEN_COMMA = re.compile(r"[a-z0-9+#']+|,")
_LIST_SEP_BEFORE = re.compile(r"(?:,|/|&|\+|-|–|\band\b|\bor\b|:)\s*(?:[\w.+#-]+\s+){0,3}$")
_LIST_SEP_AFTER = re.compile(
    r"^(?:s)?\s*(?:\([^)]*\))?\s*(?:,|/|&|\+|-|–|\band\b|\bor\b)\s*(?:(?:an?|the)\s+)?"
)
_ROLE_SOON = re.compile(
    r"(?:[\w.+#-]+\s+){1,2}(?:engineers?|developers?|designers?|scientists?|analysts?|managers?)\b",
    re.IGNORECASE,
)
# A role word followed by one of these is its modifier ("Support Engineer").
_HEAD_NEXT = re.compile(
    r"\s*(?:/\s*)?(?:engineers?|developers?|designers?|architects?|analysts?|scientists?|"
    r"writers?|researchers?)\b",
    re.IGNORECASE,
)
_PM_URL = re.compile(
    r"(?i)/[^\s]*?\b(?:(?:senior|sr|lead|staff|principal|group|associate|technical)[-_])?"
    r"(?:product[-_](?:manager|management|owner|lead|director)|head[-_]of[-_]product|"
    r"vp[-_](?:of[-_])?product)(?![-_](?:market|design|engineer|operat|analy)|s\b|s[-_])"
)


def _may_pm_url(low: str) -> bool:
    """Whether `_PM_URL` can match: each of its titles has "product" next to a '-' or '_'."""
    return "product" in low and (
        "product-" in low or "product_" in low or "-product" in low or "_product" in low
    )


_ITEM_END = re.compile(r"\s[-–—|]\s|:\s|\s\(\s*(?:remote|onsite|full|part|\$)|\s@\s")
_MODIFIER_RE = re.compile(_MODIFIER)
_FORMER = re.compile(r"(?i)(?:\bex-?|former|\bnon-)\s*$")
_ROLE_WORDS = _PERSON + r"|engineering|design|product management"
_ROLE_WORD = re.compile(r"(?i)\b(?:" + _ROLE_WORDS + r")\b")


def _word_automaton(alternatives: str) -> ahocorasick.Automaton:
    """The words of a regex alternation of plain words ("engineers?|qa|..."), as an automaton."""
    automaton = ahocorasick.Automaton()
    for alt in alternatives.split("|"):
        forms = [alt[:-2], alt[:-2] + "s"] if alt.endswith("s?") else [alt]
        for form in forms:
            if not re.fullmatch(r"[a-z]+(?: [a-z]+)*", form):
                raise ValueError(f"not a plain word: {form!r}")
            automaton.add_word(form, len(form))
    automaton.make_automaton()
    return automaton


_ROLE_WORD_AC = _word_automaton(_ROLE_WORDS)
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _has_role_word(text: str) -> bool:
    """`_ROLE_WORD.search(text)` as a bool. ASCII text (nearly all) is scanned with an
    automaton of the same words and the same word boundaries (an ASCII `\\b`), which is
    several times faster than the case-insensitive alternation."""
    if not text.isascii():
        return _ROLE_WORD.search(text) is not None
    low = text.lower()
    size = len(low)
    for last, length in _ROLE_WORD_AC.iter(low):
        start = last - length + 1
        if (start == 0 or low[start - 1] not in _ASCII_WORD) and (
            last + 1 == size or low[last + 1] not in _ASCII_WORD
        ):
            return True
    return False


_SLOT = re.compile(
    r"(?i)(?:full[- ]?time|part[- ]?time|remote|onsite|on-site|hybrid|contract|"
    r"intern(?:ship)?s?|visa|h1-?b|relocation)[\w ,/()&+-]*"
)


_ASIDE = re.compile(r"\([^()]*\)|\bas well as\b|\bplus\b")
_ITEM_AFTER = re.compile(r"^s?\s*(?:\([^)]*\))?\s*(?:,|/|&|\+|\band\b|\bor\b|[-–—:|.;!]|$)")
_LIST_WORDS = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bor\b)\s*")


_DESCRIBING = frozenset(
    "work works worked are were is collaborate collaborates sit sits build builds ship ships use "
    "uses own owns have has get gets can will pair pairs partner partners team teams together "
    "each".split()
)


_SEPARATED = re.compile(r"^s?\s*(?:\([^)]*\))?\s*[-–—:|]")


def _described(after: str) -> bool:
    """A verb follows the list of roles: it describes a team, it does not advertise."""
    if _SEPARATED.match(after):
        return False  # "Product Manager — Own the roadmap" describes the opening
    for tok in _TOKEN.findall(after[:120].lower()):
        if tok not in _ROLE_TOKENS:
            return tok in _DESCRIBING
    return False


def _starts_with_roles(before: str) -> bool:
    """The unit opens with a list of roles that the mention continues ("Engineers, PMs")."""
    parts = [p for p in _LIST_WORDS.split(before.strip()) if p]
    return (
        bool(parts)
        and _LIST_WORDS.search(before[-4:] + " ") is not None
        and all(len(p.split()) <= 3 for p in parts)
        and any(_family_hits(p.lower()) or _has_post_pm(p.lower()) for p in parts)
    )


_OPENING_AFTER = re.compile(r"^s?\s+(?:roles?|positions?|openings?|jobs?|vacanc)", re.IGNORECASE)


_WITH = frozenset(("with", "alongside", "our"))
_GROUP_OF = frozenset("team teams group collection consisting consists comprised made full".split())
_W_SLASH = re.compile(r"(?<![\w/])w/(?=\s)")
_RANGE_START = frozenset("level mid junior entry associate senior sr lead staff".split())
_NOUN_BEFORE = frozenset("the their your its his her customer user users business complex".split())


_SLOT_WORDS = re.compile(r"(?i)\b(?:full|part)[- ]?time|\bintern(?:ship)?s?\b|\bcontract\b")


def _with_governs_other(following: list[str]) -> bool:
    """'with' heads an earlier list item, not the mention's list ("engineers with security
    expertise, voip experts, a VP of product"): no role word before the next comma."""
    if "," not in following:
        return False
    phrase = " ".join(following[: following.index(",")])
    return not (_family_hits(phrase) or "product" in phrase or "pm" in phrase.split())


def _scan_back(before: str, names_opening: bool = False) -> str | None:
    """'cue' or 'neg' for the nearest decisive word before a mention, else None.

    names_opening: the mention is followed by "role"/"position" ("we have a PM role open").
    """
    low = before.lower()
    if "w/" in low:
        low = _W_SLASH.sub(" with ", low)
    if "(" in low or "as well as" in low or "plus" in low:  # what `_ASIDE` needs
        low = _ASIDE.sub(" , ", low)
    return _scan_tokens(_TOKEN_COMMA.findall(low), names_opening)


def _scan_tokens(tokens: list[str], names_opening: bool) -> str | None:
    """`_scan_back` on lower-case tokens (commas kept as tokens)."""
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok == ",":
            continue
        if names_opening and tok in ("have", "has"):
            return "cue"
        if tok == "to" and i > 0 and tokens[i - 1] in _RANGE_START:
            continue  # "mid level to senior developers"
        if tok == "from" and tokens[i + 1 : i + 2] and tokens[i + 1] in _RANGE_START:
            continue  # "engineers from senior to staff"
        if tok in ("across", "spanning"):  # "hiring across Product", not "a role across product"
            near = tokens[max(0, i - 2) : i]
            if any(t in _FOR_CUES and t not in ("role", "position") for t in near):
                return "cue"
            if "role" in near or "position" in near:
                return "neg"
            continue  # "Software Engineers across the Android stack, ..., PMs"
        if tok == "for":
            near = tokens[max(0, i - 3) : i]
            return "cue" if any(t in _FOR_CUES for t in near) else "neg"
        if tok == "as":
            return "cue" if "join" in tokens[max(0, i - 4) : i] else "neg"
        if tok == "ex" and "," in tokens[i + 1 :]:
            continue  # "we're hiring: ex-founders, ..., PMs"; but "ex-Google PMs" is passing
        if tok == "of" and i > 0 and tokens[i - 1] in _GROUP_OF:
            # "hire a core team of ... PMs", but "we're a team of engineers and PMs"
            return "cue" if _scan_tokens(tokens[: i - 1], names_opening) == "cue" else "neg"
        if tok == "with" and _with_governs_other(tokens[i + 1 :]):
            continue  # "engineers with security expertise, a designer and a VP of product"
        if tok in NEGATIVE:
            return "neg"
        if tok in ("need", "needs") and (
            tokens[i + 1 : i + 2] == ["of"] or (i > 0 and tokens[i - 1] in _NOUN_BEFORE)
        ):
            continue  # "the complex needs of users", not "we need a PM"
        if tok in CUES:
            if tok == "including":  # "openings, including PMs", not "teams including PMs"
                near = tokens[max(0, i - 10) : i]
                hiring = any(t in CUES and t != "including" for t in near)
                return "cue" if hiring and not any(t in _WITH for t in near) else "neg"
            return "cue"
    return None


def _in_role_list(before: str, after: str) -> bool:
    """The mention sits in a list of role nouns ("engineers, PMs and designers")."""
    m = _LIST_SEP_BEFORE.search(before[-70:])
    if m:
        prev = before[-70:][: m.start()].rstrip(" )")
        if _family_hits(prev[-30:].lower()) or _has_post_pm(prev[-30:].lower()):
            return True
    m = _LIST_SEP_AFTER.match(after[:60])
    if m:
        rest = after[:60][m.end() :]
        hits = _family_hits(rest[:30].lower())
        return bool(
            (hits and hits[0][0] == 0) or _POST_PM.match(rest.lower()) or _ROLE_SOON.match(rest)
        )
    return False


# Links, with or without a scheme: never role mentions themselves (see _PM_URL).
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|io|co|org|net|ai|me|ly|se|us|uk|de|jobs)/\S*"
)
_TITLE_PREFIX = re.compile(r"^([^:|–—.!?]{2,70}?)(?::\s|\s[-–—|]\s)")


_LINK_TLD = re.compile(r"\.(?:com|io|co|org|net|ai|me|ly|se|us|uk|de|jobs)/")


def _may_link(line: str) -> bool:
    """Whether `_LINK` can match in `line` (cheap literal checks before the costly regex)."""
    return "://" in line or "www." in line or ("/" in line and bool(_LINK_TLD.search(line)))


def _find_all(text: str, word: str) -> list[int]:
    """Where `word` starts in `text`, each place (a list, not a generator: it runs for every
    post)."""
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _blank_links(line: str) -> str:
    """`_LINK.sub(" ", line)`, with the pattern tried only where a link can start.

    A link starts at "http" or "www.", or inside the run of [\\w.-] characters just before a
    `_LINK_TLD` (".com/"); `re.sub` would try the pattern at every position, and its second
    alternative reads each word to its end and back looking for the domain.
    """
    spans = [(at, at + 1) for word in ("http", "www.") for at in _find_all(line, word)]
    for m in _LINK_TLD.finditer(line):
        dot = run = m.start()
        while run > 0 and (line[run - 1].isalnum() or line[run - 1] in "_.-"):
            run -= 1
        spans.append((run, dot))
    spans.sort()
    out, last = [], 0
    for lo, hi in spans:
        for at in range(max(lo, last), hi):
            link = _LINK.match(line, at)
            if link:  # a link found inside a span runs past its end (\S+, or [\w.-]+ then a TLD)
                out.append(line[last:at])
                out.append(" ")
                last = link.end()
                break
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


def _may_split(body: str) -> bool:
    """`re.search(r"[.!?;] | [-–—] ", body)` as a bool: seven substring tests, which cost
    about half the regex (it has no first character to skip ahead to)."""
    return (
        ". " in body
        or "; " in body
        or "? " in body
        or "! " in body
        or " - " in body
        or " – " in body
        or " — " in body
    )


def _n_words(text: str, cap: int) -> int:
    """Words, not counting URLs; a count above `cap` comes back as `cap + 1` (enough to
    compare with any threshold up to `cap`, without splitting a long line to the end)."""
    links = text.count("http") + text.count("www.")
    return len(text.split(None, cap + links)) - links


def _names_role(line: str) -> bool:
    """Whether a line has "product", "PM", "cpo" or a family word (as a substring).

    Blanking links cannot add one: a link ends at a space or the line end, so the blank
    joins no two words into a new one (all these words are ASCII, with single spaces).
    """
    low = line.lower()
    return (
        "product" in low
        or "PM" in line
        or "cpo" in low
        or next(_FAMILY_AC.iter(low), None) is not None
    )


def _units(text: str, first: tuple[str, list[str]] = ("", [])) -> list[tuple[str, str]]:
    """(unit text, kind) for a post: header segments, list items, sentences (`_sentences`).

    first: a line and its non-empty `_HEADER_SEP` segments, reused if it is the first line.
    """
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        prev = lines[-1] if len(lines) > 1 else ""
        # hard-wrapped paragraphs (old HN posts): a line going on in lower case
        if line and prev and line[0].islower() and len(prev) >= 40 and prev[-1] != ":":
            lines[-1] = f"{prev} {line}"
        else:
            lines.append(line)
    units: list[tuple[str, str]] = []
    for n, raw_line in enumerate(lines):
        if not raw_line or (n > 0 and not _names_role(raw_line)):
            continue  # names no role: nothing to judge here (nor once its links are blanked)
        if _may_link(raw_line):
            line = _blank_links(raw_line)
            if n > 0 and not _names_role(line):
                continue  # the role word was in a link
        else:
            line = raw_line
        if not line:
            continue
        if n == 0 or line.count(" | ") >= 2:
            segs = first[1] if n == 0 and line == first[0] else _header_segments(line)
            if len(segs) > 1 or len(line.split()) <= 12:
                for seg in segs:
                    units.extend(_sentences(seg, "header"))
                continue
        bullet = _BULLET.match(line)
        units.extend(_sentences(line[bullet.end() :] if bullet else line, "item" if bullet else ""))
    return units


def _sentences(body: str, kind: str) -> list[tuple[str, str]]:
    """A line (or header segment) as units, each with how title-like it is.

    kind: "header" (a header-line segment), "item" (a bullet or numbered item) or "". Units
    come back with that kind, "short" for other short units, or "" for running text (so the
    kind is truthy exactly when the unit is title-like).

    A line that opens with a job title and a colon or dash ("Product Manager (AI): Drive
    ...") gives that title as a unit of its own.
    """
    # 13 words take at least 25 characters (7 words 13): short text needs no count
    short = len(body) <= 24 or _n_words(body, 12) <= 12
    head = None if short or not _may_title_prefix(body) else _TITLE_PREFIX.match(body)
    if head and len(head.group(1).split()) <= 8:
        title = head.group(1)
        low = title.lower()
        if _has_post_pm(low) or _family_hits(low):
            return [(title, kind or "item"), *_sentences(body[head.end() :], "")]
        if len(title.split()) <= 3 and body[head.end() - 2] == ":":
            # a label and a list: "Product/Business: Senior PM (fleet), Program Manager, ..."
            kind = kind or "item"
    if short or not _may_split(body):
        return [(body, kind or ("short" if short else ""))]
    return [
        (
            sent,
            (kind if i == 0 else "")
            or ("short" if len(sent) <= 12 or _n_words(sent, 6) <= 6 else ""),
        )
        for i, sent in enumerate(_split_sentences(body))
        if sent
    ]


def _may_title_prefix(body: str) -> bool:
    """Whether `_TITLE_PREFIX` can match: its ':' or dash/bar sits within the first 72
    characters (a title prefix is at most 70 long)."""
    head = body[:72]
    return ":" in head or "-" in head or "|" in head or "–" in head or "—" in head


def _split_sentences(body: str) -> list[str]:
    """`_SENTENCE.split(body)`, with the pattern tried only where a match can start.

    A match starts at a space after [.!?], at ';', or in the run of spaces before a dash;
    these positions come from the few [.!?;-–—] of the line (one scan that skips ahead),
    where `re.split` would try the pattern at every space of the line.
    """
    starts = set()
    for m in _SENTENCE_MARK.finditer(body):
        at = m.start()
        mark = body[at]
        if mark == ";":
            starts.add(at)
        elif mark in ".!?":
            starts.add(at + 1)
        else:
            run = at
            while run > 0 and body[run - 1].isspace():
                run -= 1
            starts.update(range(run, at))
    pieces, last = [], 0
    for at in sorted(starts):
        if at < last:
            continue
        found = _SENTENCE.match(body, at)
        if found:
            pieces.append(body[last:at])
            last = found.end()
    pieces.append(body[last:])
    return pieces


def _clean_item(text: str) -> str:
    """A list item or header segment without URLs, places, pay and punctuation around."""
    item = _ITEM_END.split(_URL_RE.sub(" ", text) if _may_url(text) else text, maxsplit=1)[0]
    item = _EMPTY_PARENS.sub("", item).strip(_ITEM_PUNCT)
    if item.count("(") > item.count(")"):
        item = item.rsplit("(", 1)[0] if item.endswith("(") else item + ")"
    return item.lstrip(")").strip(_ITEM_PUNCT)


def _split_outside_parens(separator: re.Pattern, text: str) -> list[str]:
    """`separator.split(text)`, except inside parentheses ("Engineer (Lead | Staff)")."""
    if "(" not in text:
        return separator.split(text)
    masked = _PARENS.sub(lambda m: "(" + "_" * (len(m.group(0)) - 2) + ")", text)
    pieces, last = [], 0
    for m in separator.finditer(masked):
        pieces.append(text[last : m.start()])
        last = m.end()
    pieces.append(text[last:])
    return pieces


def _list_pieces(item: str) -> list[str]:
    """Items of a list of roles, not splitting inside parentheses."""
    return [p.strip(_ITEM_PUNCT) for p in _split_outside_parens(_LIST_PIECES, item)]


def _title_as_written(unit: str, start: int, end: int, kind: str) -> str:
    """The PM title text around a mention: item text if title-like, else modifiers + head."""
    head = unit[start:end]
    if kind:
        item = _clean_item(unit)
        if _LIST_PIECES.search(item):
            item = next((p for p in _list_pieces(item) if head in p), item)
        at = item.find(head)
        n_words = len(item.split())
        if at >= 0 and (
            (n_words <= 8 and _has_post_pm(item.lower()))
            or (n_words <= 3 and _POST_PM_ABBR.search(item))
        ):
            prefix = item[:at].split()
            if len(_modifiers(prefix)) == len(prefix):
                return item
            return " ".join([*_modifiers(prefix), item[at:]])
    suffix = _PM_SUFFIX.match(unit[end:])
    tail = head + (suffix.group(0) if suffix else "")
    return " ".join([*_modifiers(unit[:start].split()[-3:]), tail]).strip()


def _modifiers(words: list[str]) -> list[str]:
    """The trailing words that can qualify a title ("Senior Technical" before "PM")."""
    keep: list[str] = []
    for word in reversed(words):
        if _MODIFIER_RE.fullmatch(word.rstrip("-")) and word.lower() not in _NOT_MODIFIER:
            keep.insert(0, word)
        else:
            break
    return keep


_ITEM_GOES_ON = re.compile(
    r"^s?\s+(?:with|to|who|that|preferably|ideally|for|in|at|based|focused)\b", re.IGNORECASE
)
_COUNT = re.compile(r"\d+x?|x")
_ADJECTIVES = frozenset(
    "experienced talented strong great awesome passionate seasoned smart hands-on savvy "
    "and & / or + -".split()
)


def _leads_item(before: str, after: str) -> bool:
    """The mention opens its item: only qualifiers before it ("Senior Technical PM")."""
    words = []
    for word in before.split():
        word = word.strip("(),:;*.")
        if _TOKEN.search(word.lower()):
            words.append(word)
            if len(words) > 6:
                return False
    if words and words[0].lower() in ("a", "an"):
        if not (_ITEM_AFTER.match(after) or _ITEM_GOES_ON.match(after)):
            return False  # "A stellar Product lead, plus leadership that ..." is a perk
        words = words[1:]
    return all(w.lower() in _ADJECTIVES or _COUNT.fullmatch(w) or _modifiers([w]) for w in words)


_ABOUT_LABEL = re.compile(
    r"(?i)\b(?:the team|our team|team|about us|who we are|culture|perks|benefits|"
    r"interview(?: process)?|process|founders?|technologies|skills|(?:tech )?stack|tools|"
    r"requirements|qualifications|expertise|experience)\s*:"
)
_AS_A = re.compile(r"(?i)(?:^|\.\s+)as an?\s+(?:[\w-]+\s+){0,3}$")
_YOU_WILL = re.compile(r"(?i)^s?(?:\s*(?:at|for|on|in)\s+[^,.]{1,40})?,?\s+you(?:'ll| will)\b")


def _opening(unit: str, start: int, end: int, kind: str, abbreviation: bool) -> bool:
    before, after = unit[:start], unit[end:]
    if ":" in before and _ABOUT_LABEL.search(before):
        return False  # "The team: 4 engineers, 1 PM", "Interview process: chat with a PM"
    if _AS_A.search(before[-40:]) and _YOU_WILL.match(after):
        return True  # "As a Product Manager at Acme, you will own ..."
    if _ATTRIBUTE_AFTER.match(after) and not (kind and start < 3):
        return False
    if _FORMER.search(before[-12:]):
        return False
    verdict = _scan_back(before, names_opening=bool(_OPENING_AFTER.match(after)))
    if verdict == "neg":
        return False
    if verdict == "cue" and not abbreviation:
        return True
    if verdict == "cue" and abbreviation:
        return bool(_in_role_list(before, after) or kind)
    if _described(after):
        return False
    if kind:
        # the mention is one item of a list ("..., Director of Security, Technical PM")
        piece = _LIST_WORDS.split(before)[-1]
        earlier = before[: len(before) - len(piece)]
        own_item = bool(
            earlier
            and _ITEM_AFTER.match(after)
            and _leads_item(piece, after)
            and (
                kind == "header"
                or _PERSON_RE.search(earlier.lower())
                or _family_hits(earlier.lower())
            )
        )
        # header segments are short: a few words before the title are fine ("Full time PM")
        leads = _leads_item(before, after) or (
            kind == "header" and len(_TOKEN.findall(before.lower())) <= 5
        )
        return leads or own_item or _in_role_list(before, after)
    return _in_role_list(before, after) and (len(unit.split()) <= 14 or _starts_with_roles(before))


_BARE_PRODUCT = re.compile(
    r"(?:^|(?<=[,/&+(:])|(?<=[,/&+(:] )|(?<=\band )|(?<=\bor )|(?<=\bin )|(?<=\bacross ))"
    r"product(?=\s*(?:,|/|&|\+|\band\b|\bor\b|\)|roles?\b|positions?\b|openings?\b|$|\.|;))"
)
_LIST_END = re.compile(r"[.;:(]")
_PERSON_THEN_LABEL = re.compile(rf"\s*(?:[\w+#./-]+\s+){{0,3}}(?:{_PERSON})\s*[:,-]\s*")
_KIND_OF_POSITIONS = re.compile(r"\b(?:engineering|design|developer|dev)\s+(?:positions?|roles?)\b")
_LABEL_HEAD = re.compile(r"^.*[:(]\s*")
_GROUP_WORDS = re.compile(
    r"\b(?:teams?|org|orgs|side|areas?|functions?|tooling|stack|offices?|sense|skills?|"
    r"chops|thinking|mindset|intuition|instincts?|culture)\b"
)


def _bare_products(low: str) -> list[re.Match]:
    """`_BARE_PRODUCT.finditer(low)`, tried only where "product" starts (a match is that
    word alone, so matches never overlap; look-behinds still see the text before)."""
    found = []
    at = low.find("product")
    while at >= 0:
        m = _BARE_PRODUCT.match(low, at)
        if m:
            found.append(m)
        at = low.find("product", at + 7)
    return found


def _product_items(unit: str, low: str, kind: str) -> list[str]:
    """'Product' named as one department in a list of openings ("roles in Eng, Product")."""
    found = []
    for m in _bare_products(low):
        before, after = low[: m.start()], low[m.end() :]
        rest = _LIST_END.split(_PARENS.sub(" ", after[:80]), maxsplit=1)[0]
        if _PERSON_RE.search(rest) or _GROUP_WORDS.search(rest):
            continue  # "product, AI and platform engineers", "product and design teams"
        opened = before.rfind("(") > before.rfind(")")
        if opened and _PERSON_RE.search(before[: before.rfind("(")]):
            continue  # "Software Engineers (Product, System, SDK)"
        if _KIND_OF_POSITIONS.search(before):
            continue  # "engineering positions - systems and product"
        if _PERSON_THEN_LABEL.fullmatch(before) and not rest.strip(" .;!"):
            continue  # "Software Engineer: Product"
        verdict = _scan_back(before)
        items = [p for p in _LIST_WORDS.split(_LABEL_HEAD.sub("", before)) if p.strip()]
        if items and (
            (verdict is None and len(items[-1].split()) > 3)
            or (len(items) == 1 and _PERSON_RE.search(items[0]) and not rest.strip(" .;!"))
        ):
            continue  # "great sense of design and product", "Staff SWE, Product"
        names_roles = rest.startswith((" role", " position", " opening"))
        if verdict == "cue" or (verdict is None and (kind in ("header", "item") or names_roles)):
            found.append(unit[m.start() : m.end()] + (" roles" if rest.startswith(" role") else ""))
    return found


def _families(units: list[tuple[str, str]], enough: int = 99) -> set[str]:
    """Job families with an opening in `units` (stops once `enough` are found)."""
    found: set[str] = set()
    for unit, kind in units:
        low = unit.lower()
        if len(low) != len(unit):
            continue
        for start, end, family in _family_hits(low):
            if family in found or _HEAD_NEXT.match(unit, end):
                continue
            # "on-call operations / support" is a duty; "hiring for sales" an opening
            department = low[start:end] in DEPARTMENTS and kind != "header"
            if department and _scan_back(low[:start]) != "cue":
                continue
            if _opening(unit, start, end, kind, abbreviation=False):
                found.add(family)
                if len(found) >= enough:
                    return found
    return found


def _header_segments(first_line: str) -> list[str]:
    """The non-empty segments of a header line ("Acme | Product Manager | Remote")."""
    return [s for s in _split_outside_parens(_HEADER_SEP, first_line) if s]


def _header_title(first_line: str, segs: list[str]) -> str | None:
    """The header segment that names the job(s), if one can be identified.

    segs: `_header_segments(first_line)`.
    """
    if len(segs) <= 1 and len(first_line.split()) > 12:
        return None
    candidates = []
    for i, seg in enumerate(segs):
        clean = (_URL_RE.sub("", seg) if _may_url(seg) else seg).strip()
        slot = _SLOT.fullmatch(clean) and not _has_role_word(_SLOT_WORDS.sub("", clean))
        if not clean or slot or len(clean.split()) > 12:
            continue
        # the abbreviations are upper case: no "PM" in the text, no match
        has_pm = _has_post_pm(clean.lower()) or (
            "PM" in clean and bool(_POST_PM_ABBR.search(clean))
        )
        has_role = has_pm or _has_role_word(clean)
        if has_role:
            candidates.append((i, has_pm, clean))
    if not candidates:
        return None
    with_pm = [c for c in candidates if c[1]]
    if with_pm:
        return with_pm[0][2]
    later = [c for c in candidates if c[0] > 0]
    return (later or candidates)[0][2]


def classify_post(text: str | None) -> dict:
    """Whether an HN post (plain text, lines split by '\\n') advertises a PM opening.

    Returns is_pm, role, seniority (of the most senior PM title found), pm_titles (as
    written), multi_role and title (the header's job-title segment, else the first PM
    title, else None).
    """
    empty = {
        "is_pm": False,
        "role": "not_pm",
        "seniority": None,
        "pm_titles": [],
        "multi_role": False,
        "title": None,
    }
    if not text or not text.strip():
        return empty
    first_line = text.strip().split("\n", 1)[0]
    header_segs = _header_segments(first_line)
    units = _units(text, (first_line, header_segs))
    low_text = text.lower()
    several = _says_several(low_text)
    titles: list[str] = []
    # "PM" stands for project/program manager in a post that names those and no product role
    project_pm = (
        "PM" in text
        and "product manag" not in low_text
        and any(w in low_text for w in _PROJECT_PM_HINTS)
        and bool(_PROJECT_PM.search(low_text))
    )
    if "product" in low_text or "PM" in text or "cpo" in low_text:
        for unit, kind in units:
            low = unit.lower()
            has_product = "product" in low
            if not (has_product or "PM" in unit or "cpo" in low):
                continue
            spans = (
                [(m.start(), m.end(), False) for m in _POST_PM.finditer(low)]
                if has_product and len(low) == len(unit)
                else []
            )
            if "PM" in unit and not project_pm:
                spans += [(m.start(), m.end(), True) for m in _POST_PM_ABBR.finditer(unit)]
            for start, end, abbr in sorted(spans):
                if _opening(unit, start, end, kind, abbr):
                    titles.append(_title_as_written(unit, start, end, kind))
            if has_product and not titles:
                titles.extend(_product_items(unit, low, kind))
        # a job-board link names the title only when nothing else did (the first link)
        link = _PM_URL.search(text) if not titles and _may_pm_url(low_text) else None
        if link:
            words = re.split(r"[-_]", link.group(0).rsplit("/", 1)[-1])
            titles.append(" ".join(w.capitalize() for w in words if w.isalpha())[:60])
    titles = list(dict.fromkeys(t for t in titles if t))
    classified = [classify_title(t) for t in titles]
    pm_pairs = [(t, c) for t, c in zip(titles, classified, strict=True) if c[0] != "not_pm"]
    header = _header_title(first_line, header_segs)
    # multi_role: two job families with openings (the PM family counts as one when found)
    multi_role = several or len(_families(units, enough=1 if pm_pairs else 2)) >= (
        1 if pm_pairs else 2
    )
    if not pm_pairs:
        return {**empty, "multi_role": multi_role, "title": header}
    pm_titles = [t for t, _ in pm_pairs]
    roles = [c for _, c in pm_pairs]
    role = "pm" if any(r == "pm" for r, _ in roles) else "product_owner"
    seniority = max((s for r, s in roles if r == role), key=lambda s: _RUNG[s or "mid"])
    return {
        "is_pm": True,
        "role": role,
        "seniority": seniority,
        "pm_titles": pm_titles,
        "multi_role": multi_role,
        "title": header or pm_titles[0],
    }


_POST_DTYPE = pl.Struct(
    {
        "is_pm": pl.Boolean,
        "role": pl.String,
        "seniority": pl.String,
        "pm_titles": pl.List(pl.String),
        "multi_role": pl.Boolean,
        "header_title": pl.String,
    }
)


def _post_fields(text: str | None) -> dict:
    got = classify_post(text)
    got["header_title"] = got.pop("title")
    return got


def _classify_posts(values: pl.Series, return_dtype: object = None) -> pl.Series:
    # (polars' map_batches passes return_dtype, and retries without it only on CPython's
    # wording of the TypeError, not on a compiled function's: accept and ignore it)
    return _per_distinct(values, _post_fields, _POST_DTYPE)


def post_roles(frame: pl.LazyFrame, column: str = "description_text") -> pl.LazyFrame:
    """Add is_pm, role, seniority, pm_titles, multi_role, header_title from a whole post.

    Input column: `column` (plain text, paragraphs split by newlines).
    """
    fields = list(_POST_DTYPE.to_schema())
    return (
        frame.with_columns(
            _post_roles=pl.col(column).map_batches(_classify_posts, return_dtype=_POST_DTYPE)
        )
        .with_columns([pl.col("_post_roles").struct.field(f) for f in fields])
        .drop("_post_roles")
    )
