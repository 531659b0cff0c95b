"""Skill clusters: candidate phrases beyond the taxonomy, synonyms merged, every cluster typed.

Pure: no I/O. Frames in, frames out; scikit-learn for the numbers. Anything random takes
`random_state` (the flow passes `Settings().random_state`).

1. Candidates (`candidate_mentions`): phrases in requirement-like contexts, "experience
   with X", "proficiency in X", "knowledge of X", "familiarity with X" (and a few kin:
   expertise in, background in, comfortable with, exposure to), and list items under a
   requirements heading ("Requirements:", "You have:", "You will:", "Nice to have:") or
   after one on the same line ("Requirements: SQL, Python"). A capture runs to the end of
   its clause and is split into items on commas, "and", "or", "/" between spaces, "such as",
   "e.g."; each item loses leading qualifiers ("strong", "5+ years of") and trailing fillers
   ("experience", "is a plus"), and is kept when 1-4 words long. `phrase_key` normalizes.
2. Noise (`candidate_noise`): the company's own name, names that are only ever companies,
   locations, benefits, generic words and fragments, links; `noise_rate` measures what was
   dropped. Clustered candidates also need `min_mentions` mentions from `min_companies`
   companies (HN companies repost the same text monthly). On the HN archive 30% of
   candidate mentions are dropped; in a random sample of 60 kept candidate forms, 9 (15%,
   also 15% of their mentions) were still noise by hand ("services", "being comfortable").
3. Units (`form_occurrences`, `unit_table`): each distinct surface form is clustered as
   one unit, except for must-links made by construction: all forms of one taxonomy skill
   are one unit (the taxonomy already says they are synonyms: "architecture" and
   "microservices" share a skill_id, so no threshold can split them), and so is a
   candidate made only of words that are each a form of that one skill ("restful apis",
   "microservice architecture") or a part of a slash-joined form of one skill ("ci" of
   "ci/cd", "ai" of "ai/ml").
4. Representation and clustering (`unit_space`, `unit_distances`, `cluster_units`): two
   units are compared by what they look like, the highest character 2-4-gram TF-IDF cosine
   between a form of one and a form of the other (exact, not reduced: one unit may have 30
   forms, and a candidate is a synonym when it resembles one of them, not their mean), and
   how they are used, positive PMI of co-occurrence with the other units in the same
   postings reduced by TruncatedSVD (ARPACK: no seed dependence), weighing at most
   `context_weight` (0.1) and less for rare units. Usage is the one part of the distance
   that depends on which postings were drawn: on the HN archive a weight of 0.2 cost
   0.04-0.06 bootstrap ARI and changed no synonym pair; 0 let through merges only usage
   vetoes ("functional testing" with PRDs). Rules then adjust the precomputed distance:
   two different taxonomy skills `skill_penalty` further apart (the taxonomy split them on
   purpose), a hard and a soft skill maximally apart, a candidate acronym and the one unit
   whose form it spells, when they are used alike ("oop", "object oriented programming"),
   within `rule_distance`. AgglomerativeClustering, average linkage, stops at
   `distance_threshold` (0.3: a candidate joins on look alone at cosine >= 0.7; on the HN
   archive synonym recall is flat from 0.25 to 0.4, bootstrap ARI falls above 0.3 and
   clusters holding two taxonomy skills appear at 0.35). Chosen over HDBSCAN because
   synonym sets are tiny (2-4 forms): density methods with min_cluster_size >= 2 call most
   forms noise (-1), while a distance threshold has a direct meaning, keeps every form in a
   cluster (singletons allowed) and is deterministic. Average linkage is O(n^2) memory, so
   at most `max_units` units (the most mentioned) are clustered; each other unit joins the
   cluster at the least average distance when within the threshold, and those that join
   none are clustered among themselves `max_units` at a time (sample-then-assign: cost
   grows with distinct forms, not with postings).
   The substitutes rule (same usage, never in one posting: "k8s", "kubernetes") exists
   but is off by default: on the HN archive every pair it found was false ("finance",
   "automated deployment").
5. Typing (`typed_clusters`): label = the member with most mentions; type = the mention-
   weighted majority of taxonomy-typed members (source 'taxonomy'), else a logistic
   regression (fitted by SGD) on character n-grams trained on the taxonomy's surface forms
   (source 'classifier'; `type_accuracy` scores it on held-out skills); category = the
   typed members' category when they all agree (the
   classifier's category, when confident, for untyped clusters).
6. Emerging (`emerging_skills`): clusters with no taxonomy member whose share of PM
   postings (and, separately, of all postings) grows over time: Cochran-Armitage trend
   test over months (one-sided), Benjamini-Hochberg q < `alpha`, at least `min_postings`
   postings, asked for in a requirement context by `emerging_companies` companies in the
   last 12 months (any posting); listed with the first month seen and the share before and
   in the last 12 months. Requirement contexts say which phrases are skills; how often a
   posting asks for one is then counted wherever it is written (`form_hits`), as taxonomy
   skills are. Counting requirement contexts only found nothing among PM postings: HN posts
   are short, a PM posting has a requirement list in few cases, and 120 PM postings of
   2026 against ~1,460 before give no phrase enough requirement-context hits to test.
7. Quality (`cluster_quality`): `stability_ari` (adjusted Rand index against a run with
   another seed, 1 by construction since the partition is seed-free, and against runs on
   bootstrap resamples of postings, the figure that measures stability), `synonym_recall`
   on hand-written synonym groups (and which groups are split), clusters holding two or
   more taxonomy skills (over-merging), `type_disagreement`, `typed_share`.
   Synonym pairs the method cannot join, on purpose: two different taxonomy skills (the
   taxonomy lists "split testing" under multivariate_testing, not ab_testing), and a bare
   word that is only part of a form ("rest" of "rest api": as close in look as
   "integration" is to "integration test", which must stay apart).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize

MODEL = "clusters-2"
SKILL_TYPES = ("hard", "soft", "certification")

CANDIDATE_SCHEMA = {
    "posting_id": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "surface": pl.String,
    "key": pl.String,
    "norm": pl.String,
    "context": pl.String,
}


@dataclass(frozen=True)
class ClusterParams:
    """What shapes the clusters (part of `model_version`)."""

    distance_threshold: float = 0.3  # cosine distance at which average linkage stops merging
    min_mentions: int = 3  # a candidate needs this many mentions to be clustered
    min_companies: int = 2  # ... from this many companies
    max_units: int = 3000  # units clustered directly; the rest join the nearest cluster
    char_idf: bool = True  # weigh char n-grams by inverse form frequency
    context_components: int = 32
    context_weight: float = 0.1  # weight of the usage part for a unit with many mentions
    context_full_at: int = 20  # mentions at which the usage part gets its full weight
    skill_penalty: float = 0.2  # added distance between two different taxonomy skills
    rule_distance: float = 0.2  # distance of a rule pair (acronym, compound, substitutes)
    acronym_usage: float = 0.6  # usage cosine an acronym needs with the phrase it abbreviates
    substitute_usage: float = 1.0  # usage cosine of two substitutes (1: rule off)
    emerging_companies: int = 2  # companies asking for an emerging phrase in the last 12 months
    substitute_together: float = 0.1  # ... that share a posting at most this often vs chance

    def version(self, taxonomy_version: str, random_state: int) -> str:
        text = f"{self!r}|{taxonomy_version}|{random_state}"
        return f"{MODEL}+{hashlib.sha256(text.encode()).hexdigest()[:10]}"


# -- 1. candidates -----------------------------------------------------------------------------
_CUE = re.compile(
    r"\b(?:experience (?:with|in|using|building|of)|(?:proficiency|proficient|fluency|fluent) "
    r"(?:in|with)|knowledge of|(?:familiarity|familiar) with|expertise (?:in|with)|"
    r"background in|skilled (?:in|with|at)|comfortable (?:with|using)|exposure to|"
    r"hands[- ]on experience (?:with|in)|understanding of|experienced (?:with|in))\s+"
)
_HEADING = re.compile(
    r"^[\s\-*•#>]*(?:requirements|qualifications|(?:desired|required|preferred|key) "
    r"(?:skills|qualifications|experience)|skills|(?:what )?you(?:'ll| will)? (?:have|bring|"
    r"need|do|will)|you will|you are|about you|must[- ]haves?|nice[- ]to[- ]haves?|"
    r"bonus(?: points)?|"
    r"(?:what )?we(?:'re| are)? looking for|responsibilities|the ideal candidate|"
    r"who you are|what you(?:'ll)? do)\b[^:\n]{0,20}:?"
)
_CLAUSE = re.compile(r"(?:[^.;:!?\n()\[\]]|\.(?=\w)){1,160}")  # "node.js" is one word
_STOP = re.compile(
    r"\s(?:is|are|was|were|will|would|to|that|which|who|where|when|so|because|while|if|for|"
    r"at|on|within|across|by|from|in|using|with|we|you|our|(?<!such)(?<!well)as(?! well))\s"
)
_SPLIT = re.compile(
    r",|\s(?:and|or|and/or|as well as|including|such as|like|e\.g\.?|i\.e\.?|etc\.?|plus)\s|"
    r"\s[/&+]\s"
)
_LEAD = re.compile(
    r"^(?:(?:a|an|the|some|any|our|your|their|its|other|similar|relevant|modern|related|"
    r"strong|solid|deep|good|great|excellent|proven|working|basic|advanced|practical|"
    r"professional|demonstrated|significant|extensive|prior|previous|general|"
    r"hands[- ]on|in[- ]depth|familiarity|experience|knowledge|expertise|"
    r"\d+\+?|one|two|three|four|five|several|many|multiple|more|least|years?|of|"
    r"at|with|in|e\.g\.?|i\.e\.?|ideally|preferably|especially|particularly)\s+)+"
)
_TRAIL = re.compile(
    r"(?:\s+(?:experience|skills?|knowledge|background|expertise|a plus|is a plus|"
    r"are a plus|preferred|required|is required|a bonus|is a bonus|etc|ideally|"
    r"highly desirable|desirable|strongly|big|huge|definitely|needed|welcome))+$"
)
_EDGE = " \t-–—*•'\"`,.:;!?"
_WORDISH = re.compile(r"[a-z]")
_NON_WORD = re.compile(r"[^\w+#]|_")
_LIST_MARK = re.compile(r"^\s*(?:[-*•·>–]|\d{1,2}[.)])\s+")


def phrase_key(phrase: str) -> str:
    """The grouping key of a written phrase: lower case, punctuation but '+' and '#' as
    spaces, single-spaced, the last word singular when that is unambiguous
    ("Product Roadmaps" -> "product roadmap", "Node.js" -> "node js"). Keys group forms;
    they are never shown (a rare wrong singular, "kubernete", still groups consistently)."""
    words = _NON_WORD.sub(" ", phrase.lower().replace("\u2019", "'")).split()
    if words:
        last = words[-1]
        if len(last) >= 5 and last.endswith("s") and not last.endswith(_NO_SINGULAR):
            words[-1] = last[:-1]
    return " ".join(words)


_NO_SINGULAR = ("ss", "us", "is", "ics", "ous", "ies", "ses", "xes", "ches", "shes", "js")


def _items(ctx: str, text: str, start: int, end: int, context: str) -> Iterator[tuple]:
    """Candidate items of the clause ctx[start:end]: (start, end, surface, context).

    The clause ends at the first word that starts another clause or a purpose ("is",
    "to", "for", "with", ...); what is left is split into list items."""
    stop = _STOP.search(ctx, start, end)
    if stop:
        end = stop.start()
    pos = start
    for piece in _SPLIT.split(ctx[start:end]):
        a = ctx.find(piece, pos, end) if piece else -1
        if a < 0:
            continue
        pos = a + len(piece)
        item = piece.strip(_EDGE)
        if not item:
            continue
        a = ctx.find(item, a, pos)
        lead = _LEAD.match(item)
        if lead:
            item, a = item[lead.end() :], a + lead.end()
        item = _TRAIL.sub("", item).strip(_EDGE)
        n_words = len(item.split())
        if not (1 <= n_words <= 4) or not _WORDISH.search(item) or len(item) > 40:
            continue
        yield a, a + len(item), text[a : a + len(item)], context


def _post_candidates(text: str) -> Iterator[tuple]:
    ctx = text.lower().replace("\u2019", "'")
    if len(ctx) != len(text):  # lower-casing changed the length: keep offsets honest
        ctx = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for m in _CUE.finditer(ctx):
        clause = _CLAUSE.match(ctx, m.end())
        if clause:
            yield from _items(ctx, text, clause.start(), clause.end(), "cue")
    pos = 0
    under_heading = False
    for line in ctx.split("\n"):
        n = len(line)
        head = _HEADING.match(line) if n <= 200 else None
        if head and (n - head.end() < 3 or line[head.end() - 1] == ":"):
            rest = head.end()
            if n - rest >= 3 and line[rest - 1] == ":":  # "Requirements: SQL, Python"
                yield from _items(ctx, text, pos + rest, pos + n, "heading")
            under_heading = n - rest < 3
        elif under_heading and (mark := _LIST_MARK.match(line)):
            body = line[mark.end() :]
            if len(body.split()) <= 8 and not _CUE.search(body):
                yield from _items(ctx, text, pos + mark.end(), pos + n, "bullet")
        elif line.strip():
            under_heading = under_heading and bool(_LIST_MARK.match(line))
        pos += n + 1


def candidate_mentions(
    postings: pl.DataFrame | pl.LazyFrame, text_column: str = "description_text"
) -> pl.DataFrame:
    """One row per candidate phrase in a requirement-like context.

    postings: posting_id, `text_column` (clean text). Returns posting_id, start, end
    (character offsets into the text), surface (as written), key (`phrase_key`), norm
    (lower-case, punctuation as spaces, for taxonomy look-ups), context ('cue' | 'heading'
    | 'bullet').
    """
    frame = postings.select("posting_id", text_column)
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    rows = []
    for pid, text in frame.iter_rows():
        if not text:
            continue
        for a, b, surface, context in _post_candidates(text):
            norm = " ".join(_NON_WORD.sub(" ", surface.lower()).split())
            rows.append((pid, a, b, surface, phrase_key(surface), norm, context))
    return pl.DataFrame(rows, schema=CANDIDATE_SCHEMA, orient="row").filter(pl.col("key") != "")


# -- 2. noise ----------------------------------------------------------------------------------
_BENEFIT = re.compile(
    r"\b(?:401 ?k|health|dental|vision|insurance|pto|vacation|holidays?|parental|leave|equity|"
    r"stock|options|salary|salaries|compensation|benefits?|perks?|visa|relocation|gym|lunch|"
    r"snacks|pension|stipend|medical|wellness|paid|bonus(?:es)?|time off|office|offices|"
    r"remote|onsite|on site|full time|part time|fulltime|contract|internship|h1b)\b"
)
_LINK = re.compile(r"http|www|@|\.com\b|\.io\b|\[at\]")
GENERIC = frozenset(
    """experience ability abilities thing things work team teams people others it this that
    them us all etc year years plus one both some any software technology technologies tool
    tools system systems product products company companies startup startups customer
    customers user users client clients business businesses project projects field fields
    area areas domain space industry role roles job jobs position positions opportunity
    opportunities stuff skill skills background knowledge understanding ownership impact
    value growth lot lots variety range number something anything everything other others
    environment environments way ways world time fun we you i he she they me them our your
    familiarity proficiency expertise interest passion day days week weeks month months
    hour hours degree degrees field related field similar equivalent help need needs
    working developing building using learning learn build develop create creation make
    doing writing code coding programming languages language frameworks framework stack
    applications application platforms platform required preferred desired interest
    performance quality following best practices new must should can scale great general
    future millions small talk workflow workflows shipping comfort comfortable directly""".split()
) | {"work directly", "working directly", "work closely", "ship fast"}
# a phrase that starts or ends with one of these is a fragment, not a skill name
_FRAGMENT = re.compile(
    r"^(?:these|those|this|that|following|either|neither|both|but|and|or|not|such|which|"
    r"what|how|whether|if|any|all|each|every|other|others|some|most|many|much|more|less|"
    r"very|also|etc|e g|i e|ie|eg|anything|something|everything|them|it|we|you|our|your|"
    r"be|being|have|has|feel|as|use|two|three|four|five|entire|specific|large|drive)\b|"
    r"\b(?:and|or|the|a|an|of|to|in|with|for|on|etc|plus|not|also|its|their|our|your|such)$|"
    r"\bplus\b|\b(?:engineer|developer|designer|manager|scientist|analyst|architect|"
    r"intern|lead|recruiter)s?$"
)


def candidate_noise(
    candidates: pl.DataFrame, postings: pl.DataFrame, min_companies: int = 3
) -> pl.DataFrame:
    """`candidates` with a `noise` column: null for a kept candidate, else the reason.

    candidates: posting_id, key (from `candidate_mentions`); postings: posting_id, company,
    location. Reasons: 'link'; 'company' (the posting's own company, or a name that is the
    company of some posting and is demanded by fewer than `min_companies` companies);
    'location' (a key that is a location of some posting, or one of its parts);
    'benefit'; 'generic' (a word too general to be a skill, digits only, a fragment that
    begins or ends with a function word, or a role noun such as "ios engineers").
    """
    companies = postings.select(
        "posting_id", company_key=pl.col("company").map_elements(phrase_key, pl.String)
    )
    company_set = set(companies["company_key"].drop_nulls().to_list()) - {""}
    places = set()
    for loc in postings["location"].drop_nulls().to_list():
        for part in re.split(r"[,/;|()]| or | and ", loc):
            key = phrase_key(part)
            if 3 <= len(key) <= 30:
                places.add(key)
    with_company = candidates.join(companies, on="posting_id", how="left")
    spread = with_company.group_by("key").agg(companies=pl.col("company_key").n_unique())
    known_company = spread.filter(
        pl.col("key").is_in(list(company_set)) & (pl.col("companies") < min_companies)
    )["key"]
    key = pl.col("key")
    return with_company.with_columns(
        noise=pl.when(pl.col("surface").str.to_lowercase().str.contains(_LINK.pattern))
        .then(pl.lit("link"))
        .when((key == pl.col("company_key")) | key.is_in(known_company.implode()))
        .then(pl.lit("company"))
        .when(key.is_in(list(places)))
        .then(pl.lit("location"))
        .when(key.str.contains(_BENEFIT.pattern))
        .then(pl.lit("benefit"))
        .when(
            key.is_in(list(GENERIC))
            | key.str.contains(r"^[\d\s+#]+$")
            | key.str.contains(_FRAGMENT.pattern)
        )
        .then(pl.lit("generic"))
    ).drop("company_key")


def noise_rate(candidates: pl.DataFrame) -> dict:
    """Share of candidate mentions dropped as noise, overall and per reason.

    candidates: noise (as set by `candidate_noise`)."""
    total = candidates.height
    counts = dict(candidates.group_by("noise").len().drop_nulls("noise").iter_rows())
    dropped = sum(counts.values())
    return {
        "mentions": total,
        "dropped": dropped,
        "rate": round(dropped / total, 4) if total else 0.0,
        "by_reason": {k: round(v / total, 4) for k, v in sorted(counts.items())},
    }


def candidate_phrases(candidates: pl.DataFrame) -> pl.DataFrame:
    """Distinct kept candidates with how often and when they were seen.

    candidates: posting_id, key, surface, noise, posted_month. Returns key, surface_form
    (its most frequent written form, lower case), mentions, postings, first_month,
    last_month; most mentioned first.
    """
    kept = candidates.filter(pl.col("noise").is_null())
    return (
        kept.group_by("key")
        .agg(
            surface_form=pl.col("surface").str.to_lowercase().mode().sort().first(),
            mentions=pl.len(),
            postings=pl.col("posting_id").n_unique(),
            first_month=pl.col("posted_month").min(),
            last_month=pl.col("posted_month").max(),
        )
        .sort(["mentions", "key"], descending=[True, False])
    )


# -- 3. occurrences of units -------------------------------------------------------------------
def slash_parts(forms: pl.DataFrame) -> dict[str, str]:
    """Key -> skill_id of each part of a slash-joined taxonomy form ("ci/cd", "ai/ml",
    "tcp/ip") that belongs to that one skill only; parts shorter than two letters and
    parts of forms with spaces are left out. forms: form, skill_id (`taxonomy_forms`)."""
    owners: dict[str, set[str]] = {}
    for form, sid in forms.select("form", "skill_id").iter_rows():
        if "/" in form and " " not in form:
            for part in form.split("/"):
                key = phrase_key(part)
                if len(key) >= 2:
                    owners.setdefault(key, set()).add(sid)
    return {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}


def form_occurrences(
    mentions: pl.DataFrame,
    candidates: pl.DataFrame,
    taxonomy_keys: dict[str, str],
    parts: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Every mention of a surface form, taxonomy or candidate, one frame.

    mentions: posting_id, skill_id, matched_text (stored skill mentions); candidates:
    posting_id, key, norm, surface, noise (kept rows are used); taxonomy_keys: normalized
    surface form (lower case, punctuation as spaces) -> skill_id, so a candidate that is a
    taxonomy form joins its skill. Returns posting_id, key, surface, skill_id (null for
    forms outside the taxonomy), unit (skill_id, else 'c:' + key).

    Units are must-links: every form of one taxonomy skill is one unit (the taxonomy says
    they are synonyms), and so is a candidate made only of words that are each a written
    form of that one skill ("restful apis": "restful" and "apis" are both forms of the
    skill apis; "microservice architecture"; "ruby rails"), or a part of a slash-joined
    form of one skill (`parts`, from `slash_parts`: "ci" of "ci/cd", "ai" of "ai/ml").
    Such a candidate keeps a null skill_id (the taxonomy does not list it) but clusters
    with the skill by construction.
    """
    tax = mentions.select(
        "posting_id",
        key=pl.col("matched_text").map_elements(phrase_key, pl.String),
        surface=pl.col("matched_text").str.to_lowercase(),
        skill_id="skill_id",
    )
    lookup = pl.DataFrame(
        {"norm": list(taxonomy_keys), "skill_id": list(taxonomy_keys.values())},
        schema={"norm": pl.String, "skill_id": pl.String},
    )
    cand = (
        candidates.filter(pl.col("noise").is_null())
        .join(lookup, on="norm", how="left")
        .select(
            "posting_id", "key", surface=pl.col("surface").str.to_lowercase(), skill_id="skill_id"
        )
    )
    occ = pl.concat([tax, cand])
    # one key, one skill: a key the taxonomy knows is that skill wherever it was found
    key_skill = (
        occ.filter(pl.col("skill_id").is_not_null())
        .group_by("key")
        .agg(pl.col("skill_id").mode().sort().first().alias("key_skill"))
    )
    occ = (
        occ.join(key_skill, on="key", how="left")
        .with_columns(skill_id=pl.coalesce("key_skill", "skill_id"))
        .drop("key_skill")
    )
    words: dict[str, set[str]] = {}
    for norm, sid in [*taxonomy_keys.items(), *key_skill.iter_rows()]:
        if " " not in norm:
            for w in {norm, phrase_key(norm)}:
                words.setdefault(w, set()).add(sid)
    compound = {}
    for key in occ.filter(pl.col("skill_id").is_null())["key"].unique().to_list():
        split = key.split()
        if len(split) >= 2 and all(w in words for w in split):
            owners = set.intersection(*(words[w] for w in split))
            if len(owners) == 1:
                compound[key] = owners.pop()
        elif parts and key in parts:
            compound[key] = parts[key]
    links = pl.DataFrame(
        {"key": list(compound), "owner": list(compound.values())},
        schema={"key": pl.String, "owner": pl.String},
    )
    return (
        occ.join(links, on="key", how="left")
        .with_columns(
            unit=pl.when(pl.col("skill_id").is_not_null())
            .then(pl.col("skill_id"))
            .when(pl.col("owner").is_not_null())
            .then(pl.col("owner"))
            .otherwise(pl.lit("c:") + pl.col("key"))
        )
        .drop("owner")
    )


def unit_table(
    occurrences: pl.DataFrame, min_mentions: int = 2, min_companies: int = 1
) -> pl.DataFrame:
    """The units to cluster: unit, skill_id, mentions, keys (its distinct forms, sorted).

    occurrences: as `form_occurrences` [+ company]. Candidate units need `min_mentions`
    mentions and, when `company` is given, `min_companies` companies (one company's own
    jargon, repeated in every monthly repost, is not a skill the market asks for);
    taxonomy units are always kept. Most mentioned first.
    """
    spread = (
        pl.col("company").drop_nulls().str.to_lowercase().n_unique()
        if "company" in occurrences.columns
        else pl.lit(min_companies)
    )
    return (
        occurrences.group_by("unit")
        .agg(
            skill_id=pl.col("skill_id").first(),
            mentions=pl.len(),
            companies=spread,
            keys=pl.col("key").unique().sort(),
        )
        .filter(
            pl.col("skill_id").is_not_null()
            | ((pl.col("mentions") >= min_mentions) & (pl.col("companies") >= min_companies))
        )
        .drop("companies")
        .sort(["mentions", "unit"], descending=[True, False])
    )


def _form_text(key: str) -> str:
    """A form as its char n-grams see it: also without spaces ("micro services" then shares
    its n-grams with "microservices", "node js" with "nodejs")."""
    return f"{key} {key.replace(' ', '')}" if " " in key else key


def _acronyms(keys: list[list[str]], known: list[bool]) -> dict[int, list[int]]:
    """Candidate unit of a short single-word form -> every unit with a form of two or more
    words (each at least two letters) whose initials it spells ("ml" -> "machine
    learning"; "ci" -> "continuous integration", "customer insight", ...). keys: the forms
    of each unit; known: the unit is a taxonomy skill (its forms are settled)."""
    spelled: dict[str, list[int]] = {}
    for i, forms in enumerate(keys):
        for key in forms:
            words = key.split()
            if len(words) >= 2 and all(len(w) >= 2 and w[0].isalpha() for w in words):
                initials = "".join(w[0] for w in words)
                if i not in spelled.setdefault(initials, []):
                    spelled[initials].append(i)
    out: dict[int, list[int]] = {}
    for i, forms in enumerate(keys):
        if known[i]:
            continue
        for key in forms:
            if " " not in key and 2 <= len(key) <= 5 and key.isalpha() and key in spelled:
                out.setdefault(i, []).extend(j for j in spelled[key] if j != i)
    return out


# -- 4. distances and clustering ---------------------------------------------------------------
@dataclass
class UnitSpace:
    """What the distance between two units is computed from (`unit_space`, `unit_distances`).

    Rows of `forms` are grouped by unit: unit i owns rows starts[i]:starts[i + 1]."""

    forms: sparse.csr_matrix  # char 2-4-gram TF-IDF of every form of every unit, L2 rows
    starts: np.ndarray  # len(units) + 1 offsets into `forms`
    usage: np.ndarray  # unit x k: PPMI co-occurrence reduced by SVD, L2 rows
    weight: np.ndarray  # per unit: how much its usage counts (0 .. context_weight)
    known: np.ndarray  # per unit: a taxonomy skill
    types: np.ndarray  # per unit: taxonomy type, '' for candidates
    close: dict[tuple[int, int], float]  # (i, j), i < j -> distance at most this (rules)


def _svd(matrix: sparse.spmatrix, components: int) -> np.ndarray:
    """L2-normalized truncated SVD by ARPACK: the leading singular subspace is unique, so
    unlike the randomized solver the vectors (and every cosine) do not depend on a seed."""
    k = min(components, min(matrix.shape) - 1)
    if k < 2 or matrix.nnz == 0:
        return normalize(np.asarray(matrix.todense(), dtype=np.float64))
    svd = TruncatedSVD(n_components=k, algorithm="arpack", random_state=0)
    return normalize(svd.fit_transform(matrix.astype(np.float64)))


def unit_space(
    units: pl.DataFrame,
    occurrences: pl.DataFrame,
    types: dict[str, str],
    params: ClusterParams,
) -> UnitSpace:
    """The representation of every unit (in `units` order).

    units: unit, skill_id, mentions, keys (as `unit_table`); occurrences: posting_id, unit;
    types: skill_id -> taxonomy type.

    - Look (`forms`): each form of a unit is its own char n-gram TF-IDF row. Two units
      look alike as much as their closest pair of forms does (`unit_distances`): a
      taxonomy skill written 30 ways ("api", "rest api", "restful", "swagger", ...) is
      close to "restful apis" because one of its forms is, where the mean of its forms
      (or one text of all of them) is close to nothing. Kept exact, not reduced: an SVD
      of the n-gram space blurs exactly the detail that tells "vue.js" from "d3.js".
    - Usage (`usage`): positive PMI of two units in one posting, reduced by SVD (ARPACK,
      seed-free) to `context_components` and L2-normalized. Co-occurrence is sparse and
      noisy; the reduction keeps what it says about a unit's company ("reactjs" and
      "react" both keep company with "redux"). It weighs `context_weight` at most, less
      for units with few mentions (`context_full_at`).
    - Rules (`close`): an acronym and the phrase it abbreviates ("ml", "machine
      learning"), and two well-attested substitutes (same usage, almost never in one
      posting: "k8s", "kubernetes") are brought within `rule_distance`.
    """
    keys = units["keys"].to_list()
    sizes = np.array([len(k) for k in keys], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    docs = [_form_text(k) for forms in keys for k in forms]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                          use_idf=params.char_idf, dtype=np.float32)  # fmt: skip
    forms = vec.fit_transform(docs).tocsr() if docs else sparse.csr_matrix((0, 1))

    names = units["unit"].to_list()
    index = {u: i for i, u in enumerate(names)}
    n = len(names)
    occ = occurrences.filter(pl.col("unit").is_in(names)).unique(["posting_id", "unit"])
    rows = occ["posting_id"].cast(pl.Categorical).to_physical().to_numpy()
    cols = np.array([index[u] for u in occ["unit"].to_list()], dtype=np.int64)
    x = sparse.csr_matrix(
        (np.ones(rows.size, dtype=np.float32), (rows, cols)),
        shape=(int(rows.max()) + 1 if rows.size else 1, n),
    )
    co = (x.T @ x).tocoo()
    keep = co.row != co.col
    r, c, v = co.row[keep], co.col[keep], co.data[keep].astype(np.float64)
    counts = np.asarray(x.sum(axis=0)).ravel()
    ratio = v * max(float(v.sum()), 1.0) / (counts[r] * counts[c] + 1e-9)
    pos = ratio > 1
    ppmi = sparse.csr_matrix((np.log(ratio[pos]), (r[pos], c[pos])), shape=(n, n))
    usage = _svd(ppmi, params.context_components) if n > 1 else np.zeros((n, 1))
    mentions = units["mentions"].to_numpy().astype(np.float64)
    weight = params.context_weight * np.minimum(1.0, mentions / params.context_full_at)

    skill_ids = units["skill_id"].to_list()
    known = np.array([s is not None for s in skill_ids], dtype=bool)
    close: dict[tuple[int, int], float] = {}
    for a, options in _acronyms(keys, known.tolist()).items():  # one expansion only, and used alike
        if len(options) == 1 and float(usage[options[0]] @ usage[a]) >= params.acronym_usage:
            b = options[0]
            close[(min(a, b), max(a, b))] = params.rule_distance
    if params.substitute_usage < 1:
        together = sparse.csr_matrix((ratio, (r, c)), shape=(n, n))
        ok = np.flatnonzero(mentions >= params.context_full_at)
        sim = usage[ok] @ usage[ok].T
        ii, jj = np.nonzero(np.triu(sim >= params.substitute_usage, k=1))
        for a, b in zip(ok[ii], ok[jj], strict=True):
            if not (known[a] and known[b]) and together[a, b] <= params.substitute_together:
                close[(int(a), int(b))] = params.rule_distance
    return UnitSpace(
        forms=forms,
        starts=starts,
        usage=usage,
        weight=weight,
        known=known,
        types=np.array([types.get(s or "", "") for s in skill_ids], dtype=object),
        close=close,
    )


def _forms_of(space: UnitSpace, units: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The form rows of `units` and where each unit's rows start among them."""
    sizes = space.starts[units + 1] - space.starts[units]
    rows = np.concatenate([np.arange(space.starts[u], space.starts[u + 1]) for u in units])
    return space.forms[rows], np.concatenate([[0], np.cumsum(sizes)[:-1]])


def unit_distances(
    space: UnitSpace, rows: range | np.ndarray, cols: range | np.ndarray, params: ClusterParams
) -> np.ndarray:
    """Distances between the units `rows` and the units `cols` (indices, increasing).

    distance = 1 - ((1 - w) * look + w * usage), w the smaller usage weight of the two;
    look = the highest char n-gram cosine between a form of one and a form of the other;
    usage = cosine of the usage vectors. Then: two different taxonomy skills are
    `skill_penalty` further apart (the taxonomy split them on purpose, so merging them
    takes near-identical evidence); a rule pair (`UnitSpace.close`) is at most
    `rule_distance` apart; a hard and a soft taxonomy skill are 2 apart (never one
    synonym set, whatever the rules say).
    """
    r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    if not len(r) or not len(c):
        return np.zeros((len(r), len(c)))
    fr, at_r = _forms_of(space, r)
    fc, at_c = _forms_of(space, c)
    look = (fr @ fc.T).toarray()
    look = np.maximum.reduceat(np.maximum.reduceat(look, at_r, axis=0), at_c, axis=1)
    w = np.minimum(space.weight[r][:, None], space.weight[c][None, :])
    dist = 1.0 - ((1.0 - w) * np.clip(look, 0.0, 1.0) + w * (space.usage[r] @ space.usage[c].T))
    dist[space.known[r][:, None] & space.known[c][None, :]] += params.skill_penalty
    pos_r = {int(u): i for i, u in enumerate(r)}
    pos_c = {int(u): j for j, u in enumerate(c)}
    for (a, b), d in space.close.items():
        for i, j in ((a, b), (b, a)):
            if i in pos_r and j in pos_c:
                dist[pos_r[i], pos_c[j]] = min(dist[pos_r[i], pos_c[j]], d)
    tr, tc = space.types[r], space.types[c]
    dist[(tr[:, None] != "") & (tc[None, :] != "") & (tr[:, None] != tc[None, :])] = 2.0
    np.clip(dist, 0.0, 2.0, out=dist)
    for i, j in ((pos_r[u], pos_c[u]) for u in pos_r.keys() & pos_c.keys()):
        dist[i, j] = 0.0
    return dist


def _average_linkage(dist: np.ndarray, threshold: float) -> np.ndarray:
    if len(dist) < 2:
        return np.zeros(len(dist), dtype=np.int64)
    return AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(dist)


def cluster_units(units: pl.DataFrame, space: UnitSpace, params: ClusterParams) -> np.ndarray:
    """A cluster number per unit (in `units` order).

    The first `params.max_units` units (the most mentioned) are clustered by
    AgglomerativeClustering, average linkage on the precomputed `unit_distances`, stopping
    at `distance_threshold`. Each further unit joins the cluster whose members are on
    average nearest, when that average is within the threshold (the test average linkage
    itself applies to a merge); the units that join none are clustered among themselves
    the same way, `max_units` at a time (sample-then-assign: memory and the quadratic step
    have a fixed size; synonyms that are both rare and fall in different blocks stay
    apart). On the HN archive (1,210 units, all clustered at once) a 1,000-unit head
    gives an ARI of 0.95 against the full clustering.
    """
    n = units.height
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    head = min(n, params.max_units)
    dist = unit_distances(space, range(head), range(head), params)
    labels = _average_linkage(dist, params.distance_threshold)
    del dist
    labels = _canonical(labels)
    if head == n:
        return labels
    k = int(labels.max()) + 1
    member = sparse.csr_matrix(
        (np.ones(head), (np.arange(head), labels)), shape=(head, k), dtype=np.float64
    )
    size = np.asarray(member.sum(axis=0)).ravel()
    rest = np.full(n - head, -1, dtype=np.int64)
    for a in range(head, n, 1024):
        b = min(n, a + 1024)
        to_head = unit_distances(space, range(a, b), range(head), params)
        mean = np.asarray((member.T @ to_head.T).T) / size
        best = mean.argmin(axis=1)
        ok = mean[np.arange(b - a), best] <= params.distance_threshold
        rest[a - head : b - head][ok] = best[ok]
    left = np.flatnonzero(rest < 0) + head
    for a in range(0, len(left), params.max_units):
        block = left[a : a + params.max_units]
        local = _canonical(
            _average_linkage(unit_distances(space, block, block, params), params.distance_threshold)
        )
        rest[block - head] = local + k
        k += int(local.max()) + 1
    return np.concatenate([labels, rest])


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters by first appearance (stable ids across equal partitions)."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[labels[first[order]]] = np.arange(len(order))
    return remap[labels]


# -- 5. typing ---------------------------------------------------------------------------------
@dataclass
class TypeModel:
    """Character n-gram logistic regressions trained on the taxonomy's surface forms."""

    vectorizer: TfidfVectorizer
    type_clf: SGDClassifier
    category_clf: SGDClassifier


def _logistic(random_state: int) -> SGDClassifier:
    """Logistic regression fitted by SGD: on ~25k forms x 8k n-grams and 14 classes it
    trains in under a second where lbfgs takes ~8 s, at the same accuracy."""
    return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=50, tol=1e-4,
                         random_state=random_state)  # fmt: skip


def type_model(forms: pl.DataFrame, random_state: int) -> TypeModel:
    """Train on forms: form, type, category (the taxonomy's expanded surface forms)."""
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                          dtype=np.float32)  # fmt: skip
    x = vec.fit_transform(forms["form"].to_list())
    t = _logistic(random_state).fit(x, forms["type"].to_list())
    c = _logistic(random_state).fit(x, forms["category"].to_list())
    return TypeModel(vec, t, c)


def type_accuracy(forms: pl.DataFrame, random_state: int, folds: int = 5) -> dict:
    """How well the type classifier types skills it never saw, the way clusters are typed.

    forms: form, skill_id, type (as `taxonomy_forms`). Folds are grouped by skill; each
    held-out skill gets the mean class probability of its forms. Returns accuracy over
    skills and the share of the majority type (the score of always saying it)."""
    skills = forms.select("skill_id", "type").unique("skill_id")
    majority = skills["type"].value_counts(sort=True)["count"][0] / max(skills.height, 1)
    if skills.height < folds:
        return {"accuracy": None, "majority": round(float(majority), 4)}
    text = forms["form"].to_list()
    y = forms["type"].to_numpy()
    groups = forms["skill_id"].to_numpy()
    right = total = 0
    split = GroupKFold(folds, shuffle=True, random_state=random_state)
    for train, test in split.split(text, y, groups):
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                              dtype=np.float32)  # fmt: skip
        clf = _logistic(random_state).fit(vec.fit_transform([text[i] for i in train]), y[train])
        proba = clf.predict_proba(vec.transform([text[i] for i in test]))
        _, inverse = np.unique(groups[test], return_inverse=True)
        sums = np.zeros((inverse.max() + 1, proba.shape[1]))
        np.add.at(sums, inverse, proba)
        truth = np.empty(inverse.max() + 1, dtype=object)
        truth[inverse] = y[test]
        right += int((clf.classes_[sums.argmax(axis=1)] == truth).sum())
        total += len(truth)
    return {"accuracy": round(right / total, 4), "majority": round(float(majority), 4)}


def typed_clusters(
    members: pl.DataFrame, skills: pl.DataFrame, model: TypeModel, min_category_p: float = 0.5
) -> pl.DataFrame:
    """One row per cluster: cluster_id, label, type, type_source, category, size, mentions.

    members: cluster_id, surface_form, skill_id, mentions (one row per distinct form);
    skills: skill_id, type, category (the taxonomy).
    """
    m = members.join(skills.select("skill_id", "type", "category"), on="skill_id", how="left")
    label = (
        m.sort(["mentions", "surface_form"], descending=[True, False])
        .group_by("cluster_id", maintain_order=True)
        .agg(label=pl.col("surface_form").first(), size=pl.len(), mentions=pl.col("mentions").sum())
    )
    typed = (
        m.filter(pl.col("type").is_not_null())
        .group_by("cluster_id", "type")
        .agg(w=pl.col("mentions").sum())
        .sort(["w", "type"], descending=[True, False])
        .group_by("cluster_id", maintain_order=True)
        .agg(tax_type=pl.col("type").first())
    )
    cats = (
        m.filter(pl.col("category").is_not_null())
        .group_by("cluster_id")
        .agg(
            tax_category=pl.when(pl.col("category").n_unique() == 1).then(
                pl.col("category").first()
            )
        )
    )
    out = label.join(typed, on="cluster_id", how="left").join(cats, on="cluster_id", how="left")
    untyped = out.filter(pl.col("tax_type").is_null())["cluster_id"]
    guess = _classified(
        m.filter(pl.col("cluster_id").is_in(untyped.implode())), model, min_category_p
    )
    out = out.join(guess, on="cluster_id", how="left")
    return out.select(
        "cluster_id",
        "label",
        type=pl.coalesce("tax_type", "clf_type"),
        type_source=pl.when(pl.col("tax_type").is_not_null())
        .then(pl.lit("taxonomy"))
        .otherwise(pl.lit("classifier")),
        category=pl.when(pl.col("tax_type").is_not_null())
        .then(pl.col("tax_category"))
        .otherwise(pl.col("clf_category")),
        size=pl.col("size").cast(pl.Int32),
        mentions=pl.col("mentions").cast(pl.Int64),
    ).sort("cluster_id")


def _classified(members: pl.DataFrame, model: TypeModel, min_p: float) -> pl.DataFrame:
    """Mention-weighted mean class probabilities per cluster -> type and confident category."""
    schema = {"cluster_id": pl.Int64, "clf_type": pl.String, "clf_category": pl.String}
    if members.is_empty():
        return pl.DataFrame(schema=schema)
    x = model.vectorizer.transform(members["surface_form"].to_list())
    w = members["mentions"].to_numpy().astype(np.float64)[:, None]
    pt = model.type_clf.predict_proba(x) * w
    pc = model.category_clf.predict_proba(x) * w
    ids = members["cluster_id"].to_numpy()
    uniq, inv = np.unique(ids, return_inverse=True)
    st = np.zeros((len(uniq), pt.shape[1]))
    sc = np.zeros((len(uniq), pc.shape[1]))
    np.add.at(st, inv, pt)
    np.add.at(sc, inv, pc)
    total = np.bincount(inv, weights=w.ravel())[:, None]
    sc = sc / total
    cat_best = sc.argmax(axis=1)
    cat = [
        str(model.category_clf.classes_[j]) if sc[i, j] >= min_p else None
        for i, j in enumerate(cat_best)
    ]
    return pl.DataFrame(
        {
            "cluster_id": uniq.astype(np.int64),
            "clf_type": [str(t) for t in model.type_clf.classes_[st.argmax(axis=1)]],
            "clf_category": cat,
        },
        schema=schema,
    )


# -- the whole model ---------------------------------------------------------------------------
@dataclass
class Clustering:
    clusters: pl.DataFrame  # cluster_id, label, type, type_source, category, size, mentions
    members: pl.DataFrame  # cluster_id, surface_form, key, skill_id, mentions, unit
    unit_labels: pl.DataFrame  # unit, cluster_id


def skill_clusters(
    occurrences: pl.DataFrame,
    skills: pl.DataFrame,
    model: TypeModel,
    params: ClusterParams = ClusterParams(),
    random_state: int = 42,
) -> Clustering:
    """Cluster every surface form and type the clusters.

    occurrences: posting_id, key, surface, skill_id, unit (as `form_occurrences`); skills:
    skill_id, type, category. Forms of candidates below `params.min_mentions` are left out.
    """
    units = unit_table(occurrences, params.min_mentions, params.min_companies)
    labels = unit_labels(units, occurrences, skills, params, random_state)
    members = (
        occurrences.join(labels, on="unit")
        .group_by("cluster_id", "key")
        .agg(
            surface_form=pl.col("surface").mode().sort().first(),
            skill_id=pl.col("skill_id").first(),
            unit=pl.col("unit").first(),
            mentions=pl.len(),
        )
        .unique(["cluster_id", "surface_form"], keep="first", maintain_order=True)
        .sort(["cluster_id", "mentions", "key"], descending=[False, True, False])
    )
    clusters = typed_clusters(members, skills, model)
    return Clustering(clusters, members, labels)


def unit_labels(
    units: pl.DataFrame,
    occurrences: pl.DataFrame,
    skills: pl.DataFrame,
    params: ClusterParams,
    random_state: int,
) -> pl.DataFrame:
    """unit, cluster_id for every unit of `units` (see `unit_space`, `cluster_units`).

    `random_state` is accepted for symmetry with the rest of the model but nothing in the
    partition is random (exact n-grams, ARPACK, deterministic linkage): another seed gives
    the same labels, which `cluster_quality` checks rather than assumes."""
    types = dict(skills.select("skill_id", "type").iter_rows())
    labels = cluster_units(units, unit_space(units, occurrences, types, params), params)
    return pl.DataFrame(
        {"unit": units["unit"], "cluster_id": labels.astype(np.int64)},
        schema={"unit": pl.String, "cluster_id": pl.Int64},
    )


def norm_expr(text: pl.Expr) -> pl.Expr:
    """Lower case, every character but letters, digits, '+' and '#' a space, single-spaced."""
    return (
        text.str.to_lowercase()
        .str.replace_all(r"[^\w+#]|_", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def form_hits(
    postings: pl.DataFrame, forms: pl.DataFrame, text_column: str = "description_text"
) -> pl.DataFrame:
    """Which postings write a form anywhere in their text, as whole words.

    postings: posting_id, `text_column`; forms: key, norm (`norm_expr` of the written
    form). Returns posting_id, key, one row per pair. Candidates are found in requirement
    contexts only (what a phrase is); how often the market asks for one is then measured
    the way taxonomy skills are, wherever a posting writes it (one Aho-Corasick pass).
    """
    schema = {"posting_id": pl.String, "key": pl.String}
    patterns = [f" {n} " for n in forms["norm"].unique().sort().to_list() if n]
    if not patterns or postings.is_empty():
        return pl.DataFrame(schema=schema)
    found = (
        postings.select(
            "posting_id",
            hit=(
                pl.lit(" ") + norm_expr(pl.col(text_column).fill_null("")) + pl.lit(" ")
            ).str.extract_many(patterns, overlapping=True),
        )
        .explode("hit")
        .drop_nulls("hit")
        .select("posting_id", norm=pl.col("hit").str.strip_chars())
        .unique()
    )
    return found.join(forms.select("key", "norm"), on="norm").select("posting_id", "key").unique()


# -- 6. emerging -------------------------------------------------------------------------------
def emerging_skills(
    cluster_postings: pl.DataFrame,
    pm_postings: pl.DataFrame,
    clusters: pl.DataFrame,
    min_postings: int = 5,
    alpha: float = 0.05,
    recent_months: int = 12,
    min_companies: int = 3,
    demanded: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Clusters outside the taxonomy whose share of PM postings grows significantly.

    cluster_postings: cluster_id, posting_id, posted_month, company (a cluster's member
    seen in a posting of the population); pm_postings: posting_id, posted_month (every
    posting of the population, e.g. the PM postings); clusters: cluster_id, label,
    type_source ('classifier' = no taxonomy member). A cluster must be mentioned by at
    least `min_postings` postings, and in the recent months by `min_companies` companies
    (HN companies repost the same text month after month). `demanded` (same columns as
    `cluster_postings`), when given, must show the same spread too: the postings (of any
    population) that ask for the phrase in a requirement context, so a word that is merely
    common ("production", "modern") does not pass because it is written everywhere.
    Returns cluster_id, label, first_month, postings, share_before, share_recent,
    growth (share_recent / share_before, null when it was never seen before), z, p_value,
    q_value; fastest growing first.
    """
    schema = {
        "cluster_id": pl.Int64, "label": pl.String, "first_month": pl.Date,
        "postings": pl.Int64, "share_before": pl.Float64, "share_recent": pl.Float64,
        "growth": pl.Float64, "z": pl.Float64, "p_value": pl.Float64, "q_value": pl.Float64,
    }  # fmt: skip
    months = pm_postings.group_by("posted_month").agg(n=pl.len()).sort("posted_month")
    if months.is_empty():
        return pl.DataFrame(schema=schema)
    month_list = months["posted_month"].to_list()
    n = months["n"].to_numpy().astype(np.float64)
    first = month_list[0]
    t = np.array([(m.year - first.year) + (m.month - first.month) / 12 for m in month_list])
    last = month_list[-1]
    recent_from = _months_before(last, recent_months - 1)
    recent = np.array([m >= recent_from for m in month_list])
    outside = clusters.filter(pl.col("type_source") == "classifier").select("cluster_id", "label")

    def spread(rows: pl.DataFrame) -> pl.DataFrame:
        return (
            rows.filter(pl.col("posted_month") >= recent_from)
            .group_by("cluster_id")
            .agg(companies=pl.col("company").drop_nulls().str.to_lowercase().n_unique())
            .filter(pl.col("companies") >= min_companies)
            .select("cluster_id")
        )

    widely = spread(cluster_postings)
    if demanded is not None:
        widely = widely.join(spread(demanded), on="cluster_id")
    per = (
        cluster_postings.join(outside, on="cluster_id")
        .join(widely, on="cluster_id")
        .unique(["cluster_id", "posting_id"])
        .group_by("cluster_id", "posted_month")
        .agg(k=pl.len())
    )
    totals = (
        per.group_by("cluster_id")
        .agg(total=pl.col("k").sum(), first_month=pl.col("posted_month").min())
        .filter(pl.col("total") >= min_postings)
    )
    mindex = {m: i for i, m in enumerate(month_list)}
    rows = []
    for cid, total, first_month in totals.sort("cluster_id").iter_rows():
        k = np.zeros(len(month_list))
        for month, count in (
            per.filter(pl.col("cluster_id") == cid).select("posted_month", "k").iter_rows()
        ):
            k[mindex[month]] = count
        z = _trend_z(k, n, t)
        before = k[~recent].sum() / n[~recent].sum() if n[~recent].sum() else 0.0
        rec = k[recent].sum() / n[recent].sum()
        rows.append((cid, first_month, int(total), before, rec, z))
    if not rows:
        return pl.DataFrame(schema=schema)
    z = np.array([r[5] for r in rows])
    p = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in z])  # one-sided: growth
    q = _bh(p)
    labels = dict(outside.iter_rows())
    out = pl.DataFrame(
        [
            (cid, labels[cid], fm, tot, b, r, (r / b) if b > 0 else None, zz, pp, qq)
            for (cid, fm, tot, b, r, zz), pp, qq in zip(rows, p, q, strict=True)
        ],
        schema=schema,
        orient="row",
    )
    return out.filter(
        (pl.col("q_value") < alpha) & (pl.col("share_recent") > pl.col("share_before"))
    ).sort(["z", "cluster_id"], descending=[True, False])


def _months_before(month, k: int):
    y, m = divmod(month.year * 12 + month.month - 1 - k, 12)
    return month.replace(year=y, month=m + 1)


def _trend_z(k: np.ndarray, n: np.ndarray, t: np.ndarray) -> float:
    """Cochran-Armitage test for a linear trend in proportions k/n over scores t."""
    big_n, big_k = n.sum(), k.sum()
    p = big_k / big_n
    if p <= 0 or p >= 1:
        return 0.0
    stat = np.sum(t * (k - n * p))
    var = p * (1 - p) * (np.sum(n * t * t) - np.sum(n * t) ** 2 / big_n)
    return float(stat / math.sqrt(var)) if var > 0 else 0.0


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values."""
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


# -- 7. quality --------------------------------------------------------------------------------
def stability_ari(a: pl.DataFrame, b: pl.DataFrame) -> float:
    """Adjusted Rand index between two partitions (unit, cluster_id) on their shared units."""
    both = a.join(b, on="unit", suffix="_b")
    if both.height < 2:
        return 1.0
    return float(
        adjusted_rand_score(both["cluster_id"].to_numpy(), both["cluster_id_b"].to_numpy())
    )


def bootstrap_occurrences(occurrences: pl.DataFrame, random_state: int) -> pl.DataFrame:
    """Occurrences of a bootstrap resample of the postings (drawn with replacement; a
    posting drawn twice counts twice, under a new id)."""
    ids = occurrences["posting_id"].unique().sort()
    rng = np.random.default_rng(random_state)
    draw = ids.gather(rng.integers(0, len(ids), len(ids)))
    sample = pl.DataFrame({"posting_id": draw}).with_row_index("draw")
    return (
        occurrences.join(sample, on="posting_id")
        .with_columns(
            posting_id=pl.col("posting_id") + pl.lit("#") + pl.col("draw").cast(pl.String)
        )
        .drop("draw")
    )


def synonym_recall(members: pl.DataFrame, groups: pl.DataFrame) -> dict:
    """How well clusters keep hand-written synonyms together.

    members: cluster_id, key; groups: group, surface_form (each group a set of synonyms).
    recall: share of synonym pairs (both forms present) in the same cluster; precision:
    share of pairs of forms from different groups that are apart (1 - false merges);
    split: the groups whose present forms fall in more than one cluster.
    """
    g = groups.with_columns(key=pl.col("surface_form").map_elements(phrase_key, pl.String))
    found = g.join(members.select("key", "cluster_id").unique("key"), on="key").unique(
        ["group", "key"]
    )
    same = apart = pairs = other = 0
    rows = found.select("group", "cluster_id").rows()
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if rows[i][0] == rows[j][0]:
                pairs += 1
                same += rows[i][1] == rows[j][1]
            else:
                other += 1
                apart += rows[i][1] != rows[j][1]
    present = found.group_by("group").agg(n=pl.len(), clusters=pl.col("cluster_id").n_unique())
    split = present.filter(pl.col("clusters") > 1)["group"].sort().to_list()
    return {
        "groups": present.filter(pl.col("n") >= 2).height,
        "pairs": pairs,
        "recall": round(same / pairs, 4) if pairs else None,
        "precision": round(apart / other, 4) if other else None,
        "split": split,
    }


def type_disagreement(members: pl.DataFrame, clusters: pl.DataFrame, skills: pl.DataFrame) -> dict:
    """How often a taxonomy-typed member's type differs from its cluster's type.

    Share of typed members (`members`) and of their mentions."""
    m = (
        members.filter(pl.col("skill_id").is_not_null())
        .join(skills.select("skill_id", member_type="type"), on="skill_id")
        .join(clusters.select("cluster_id", "type"), on="cluster_id")
    )
    if m.is_empty():
        return {"members": 0.0, "mentions": 0.0}
    bad = m.filter(pl.col("member_type") != pl.col("type"))
    return {
        "members": round(bad.height / m.height, 4),
        "mentions": round(bad["mentions"].sum() / m["mentions"].sum(), 4),
    }


def typed_share(clusters: pl.DataFrame) -> dict:
    """Share of clustered mentions whose cluster type comes from the taxonomy / classifier."""
    total = clusters["mentions"].sum()
    by = dict(clusters.group_by("type_source").agg(pl.col("mentions").sum()).iter_rows())
    return {k: round(by.get(k, 0) / total, 4) if total else 0.0 for k in ("taxonomy", "classifier")}


def taxonomy_forms(skills: pl.DataFrame, aliases: pl.DataFrame) -> pl.DataFrame:
    """Every written form of every taxonomy skill: form, norm, skill_id, type, category.

    skills: skill_id, name, type, category; aliases: skill_id, alias, match (the
    `Taxonomy` frames). `norm` is lower case with punctuation as spaces (candidate look-ups).
    """
    from transforms.skills import surface_forms

    rows = []
    for sid, pattern, match in aliases.select("skill_id", "alias", "match").iter_rows():
        for form in surface_forms(pattern, match or "word"):
            rows.append((form.lower(), sid))
    for sid, name in skills.select("skill_id", "name").iter_rows():
        rows.append((name.lower(), sid))
    forms = pl.DataFrame(rows, schema={"form": pl.String, "skill_id": pl.String}, orient="row")
    return (
        forms.with_columns(
            norm=pl.col("form")
            .str.replace_all(r"[^\w+#]|_", " ")
            .str.split(" ")
            .list.eval(pl.element().filter(pl.element() != ""))
            .list.join(" ")
        )
        .filter(pl.col("norm") != "")
        .unique(["norm"], keep="first", maintain_order=True)
        .join(skills.select("skill_id", "type", "category"), on="skill_id")
    )


# -- everything, from warehouse frames ---------------------------------------------------------
@dataclass
class ClusterModel:
    """What `pmpulse clusters` stores and prints."""

    clusters: pl.DataFrame  # as `typed_clusters`
    members: pl.DataFrame  # cluster_id, surface_form, skill_id, mentions
    emerging: pl.DataFrame  # population ('pm' | 'all') + the columns of `emerging_skills`
    candidates: pl.DataFrame  # as `candidate_phrases` (kept candidates)
    noise: dict  # as `noise_rate`
    occurrences: pl.DataFrame  # as `form_occurrences`
    forms: pl.DataFrame  # as `taxonomy_forms` (the classifier's training data)
    unit_labels: pl.DataFrame  # unit, cluster_id
    model_version: str


def cluster_model(
    postings: pl.DataFrame,
    mentions: pl.DataFrame,
    skills: pl.DataFrame,
    aliases: pl.DataFrame,
    taxonomy_version: str,
    params: ClusterParams = ClusterParams(),
    random_state: int = 42,
    candidates: pl.DataFrame | None = None,
) -> ClusterModel:
    """Candidates, clusters, types and emerging skills from the warehouse's frames.

    postings: posting_id, company, location, posted_month, is_pm, description_text;
    mentions: posting_id, skill_id, matched_text (stored skill mentions); skills, aliases:
    the taxonomy frames (skill_id, name, type, category / skill_id, alias, match).
    Emerging skills are tested twice: among PM postings (the question pmpulse asks) and
    among all postings (more data: a PM sample of a few hundred per year rarely shows a
    significant trend for a phrase outside the taxonomy). `candidates`, when given, are
    the `candidate_mentions` of the postings already found (e.g. batch by batch, so the
    texts need not be held at once; `description_text` is then not read).
    """
    found = candidate_mentions(postings) if candidates is None else candidates
    noisy = candidate_noise(found, postings).join(
        postings.select("posting_id", "posted_month"), on="posting_id"
    )
    forms = taxonomy_forms(skills, aliases)
    occ = form_occurrences(
        mentions, noisy, dict(forms.select("norm", "skill_id").iter_rows()), slash_parts(forms)
    ).join(postings.select("posting_id", "company"), on="posting_id", how="left")
    model = type_model(forms, random_state)
    result = skill_clusters(occ, skills, model, params, random_state)
    seen = occ.join(result.unit_labels, on="unit").select("cluster_id", "posting_id")
    # is it asked for as a skill (requirement contexts, any posting)? then how often written
    asked = seen.join(postings.select("posting_id", "posted_month", "company"), on="posting_id")
    if "description_text" in postings.columns:  # a phrase counts wherever it is written
        outside = result.clusters.filter(pl.col("type_source") == "classifier")["cluster_id"]
        keys = (
            occ.join(result.unit_labels, on="unit")
            .filter(pl.col("cluster_id").is_in(outside.implode()))
            .select("cluster_id", "key", norm=norm_expr(pl.col("surface")))
            .unique()
        )
        hits = form_hits(postings, keys.select("key", "norm"))
        seen = pl.concat(
            [
                seen,
                hits.join(keys.select("key", "cluster_id").unique(), on="key").select(seen.columns),
            ]
        ).unique()
    emerging = []
    for population, rows in (("pm", postings.filter(pl.col("is_pm"))), ("all", postings)):
        base = rows.select("posting_id", "posted_month", "company")
        found = emerging_skills(
            seen.join(base, on="posting_id"),
            base,
            result.clusters,
            min_companies=params.emerging_companies,
            demanded=asked,
        )
        emerging.append(found.select(pl.lit(population).alias("population"), pl.all()))
    return ClusterModel(
        clusters=result.clusters,
        members=result.members.select("cluster_id", "surface_form", "skill_id", "mentions"),
        emerging=pl.concat(emerging),
        candidates=candidate_phrases(noisy),
        noise=noise_rate(noisy),
        occurrences=occ,
        forms=forms,
        unit_labels=result.unit_labels,
        model_version=params.version(taxonomy_version, random_state),
    )


def cluster_quality(
    model: ClusterModel,
    skills: pl.DataFrame,
    synonym_groups: pl.DataFrame,
    params: ClusterParams = ClusterParams(),
    random_state: int = 42,
    bootstraps: int = 3,
) -> dict:
    """The quality figures of a model.

    stability: adjusted Rand index of the unit partition against a run with another seed
    (`ari_seed`) and against runs on `bootstraps` bootstrap resamples of the postings
    (`ari_bootstrap`, their mean, and `ari_bootstrap_range`; each on the units both runs
    cluster); synonyms: `synonym_recall` on `synonym_groups` (group,
    surface_form); multi_skill_clusters (clusters holding two or more taxonomy skills: the
    over-merging the synonym precision, over hand-written groups only, cannot see);
    typed_share; type_disagreement; counts.

    The seed run differs from the model only where something is random; the partition is
    seed-free (exact n-grams, ARPACK SVD, deterministic linkage), so `ari_seed` is 1 and
    `ari_bootstrap` is the figure that measures stability.
    """
    occ = model.occurrences
    units = unit_table(occ, params.min_mentions, params.min_companies)
    other_seed = unit_labels(units, occ, skills, params, random_state + 1)
    boot_ari = []
    for b in range(bootstraps):
        boot = bootstrap_occurrences(occ, random_state + b)
        boot_units = unit_table(boot, params.min_mentions, params.min_companies)
        boot_labels = unit_labels(boot_units, boot, skills, params, random_state)
        boot_ari.append(stability_ari(model.unit_labels, boot_labels))
    keys = occ.select("key", "unit").unique("key").join(model.unit_labels, on="unit")
    return {
        "clusters": model.clusters.height,
        "members": model.members.height,
        "candidate_members": model.members.filter(pl.col("skill_id").is_null()).height,
        "ari_seed": round(stability_ari(model.unit_labels, other_seed), 4),
        "ari_bootstrap": round(float(np.mean(boot_ari)), 4) if boot_ari else None,
        "ari_bootstrap_range": [round(min(boot_ari), 4), round(max(boot_ari), 4)]
        if boot_ari
        else None,
        "synonyms": synonym_recall(keys.select("cluster_id", "key"), synonym_groups),
        "multi_skill_clusters": model.members.filter(pl.col("skill_id").is_not_null())
        .group_by("cluster_id")
        .agg(pl.col("skill_id").n_unique())
        .filter(pl.col("skill_id") > 1)
        .height,
        "typed_share": typed_share(model.clusters),
        "type_disagreement": type_disagreement(model.members, model.clusters, skills),
        "type_classifier": type_accuracy(model.forms, random_state),
        "noise": model.noise,
        "emerging": model.emerging.height,
    }
