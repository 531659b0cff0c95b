"""The extractor's native stand-ins for regexes (written for the compiled module's speed) give
the regexes' answers, on random texts made of the characters and words those rules look at
(in whichever form `transforms.skills` runs here, compiled or Python)."""

import random
import re
from collections.abc import Iterator

import transforms.skills as skills


def _words_of(*patterns: re.Pattern) -> list[str]:
    """Each word written in the patterns' source, then a space ("we're ", "broadly ")."""
    return sorted({f"{w} " for rx in patterns for w in re.findall(r"[a-z][a-z']*", rx.pattern)})


PIECES = [
    *" \t\n\xa0.,;:!?&/-_+#'()",
    *"abdehilnorstuwy",
    "and ",
    "but ",
    "so ",
    "as ",
    "while ",
    "where ",
    "we ",
    "we're ",
    "they ",
    "or ",
    "stack",
    "tech",
    "built with",
    "is ",
    "uses ",
    "brand ",
]


# the pieces of the clauses `_CLAUSE_WE` finds (", and we build"), and of near misses
CLAUSE_PIECES = [
    *", ;:\t\nx",
    "  ",
    " and ",
    " but ",
    " so ",
    " as ",
    " while ",
    " where ",
    "and",
    "we",
    "we're",
    "we've",
    "we are",
    "they",
    "they're",
    "were",
    " would ",
    " value ",
    " build ",
    # every word of the regex, so that a joint or pronoun added to it and not to
    # _CLAUSE_JOINTS / _CLAUSE_PRONOUNS fails the test
    *(f" {w}" for w in _words_of(skills._CLAUSE_WE)),
]


def _texts(seed: int, count: int = 2000, pieces: int = 30, alphabet=PIECES) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(pieces))) for _ in range(count)
    ]


def test_sentence_ends_are_where_the_sentence_regexes_end():
    marks = [re.compile(rx) for rx in (r"\.(?=\s)", r"!(?=\s)", r"\?(?=\s)", r";[^\S\n]")]
    for text in _texts(1):
        expected = [i + 1 for i, c in enumerate(text) if c == "\n"]
        for rx in marks:
            expected += [m.end() for m in rx.finditer(text)]
        assert skills._sentence_ends(text) == sorted(expected), text


def test_list_separator_tests_answer_as_their_regexes():
    before = re.compile(r"(?:,|&|/|\band)\s*$")
    after = re.compile(r"\s*(?:,|&|/|and\b)")
    for text in _texts(2, count=600):
        for pos in range(len(text) + 1):
            for lo in {0, max(0, pos - 6), pos}:
                found = skills._list_sep_before(text, lo, pos)
                assert found == bool(before.search(text, lo, pos)), (text, lo, pos)
            assert skills._list_sep_after(text, pos) == bool(after.match(text, pos)), (text, pos)


def test_clause_ends_are_the_clause_regex_matches_in_the_window():
    for text in _texts(3, count=600, alphabet=CLAUSE_PIECES):
        for a in range(0, len(text) + 1, 3):
            for b in {a, (a + len(text)) // 2, len(text)}:
                expected = [m.end() for m in skills._CLAUSE_WE.finditer(text, a, b)]
                assert skills._clause_ends(text, a, b) == expected, (text, a, b)


def test_company_headings_are_those_the_single_regex_found():
    # the one search it replaces: a company word at the start, or a stack word at the end
    heading = re.compile(
        "^"
        + skills._HEADING_COMPANY.pattern
        + r"|\b(?:"
        + "|".join(map(re.escape, skills._HEADING_FACTS_END))
        + ")$"
    )
    words = ["about", "us", "our", "the", "company", "team", "tech", "stack", "we", "use", "x"]
    rng = random.Random(4)
    labels = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 5))) for _ in range(3000)]
    labels += [label.replace(" ", rng.choice(["", "-", "/", "_", ", "])) for label in labels]
    for label in labels:
        assert skills._is_company_heading(label) == bool(heading.search(label)), label


def test_company_verbs_grouped_by_letter_are_found_where_the_plain_list_is():
    plain = re.compile(r"\s(?:" + skills._COMPANY_VERBS + r")\b")
    for text in _texts(5):
        assert bool(skills._COMPANY_VERB.search(text)) == bool(plain.search(text)), text


def _closing_words(rx: re.Pattern) -> list[str]:
    """The words of the alternation a regex ends with ("(?:teams?|group)\\b" -> teams, group)."""
    found = re.search(r"\(\?:([a-z?|]+)\)\\b$", rx.pattern)
    assert found, rx.pattern
    return [w.replace("?", "") for w in found.group(1).split("|")]


def _hit_ends(seed: int, count: int, pieces: list[str]) -> Iterator[tuple[str, int, int, str, str]]:
    """(text, end, after, mark, word) at every end of a hit in random texts of `pieces`, as
    `_is_demand` reads what follows it: `after` past spaces and hyphens, the mark there and
    the whole word there."""
    for text in _texts(seed, count=count, alphabet=pieces, pieces=8):
        for end in range(len(text) + 1):
            after = skills._past_spaces_and_hyphens(text, end)
            yield text, end, after, text[after : after + 1], skills._word_at(text, after, len(text))


def test_the_after_checks_are_skipped_only_where_their_regexes_cannot_match():
    # `_is_demand` runs _TEAM_AFTER, _PRODUCT_AFTER and _PRODUCT_ADJ_AFTER only where the text
    # after the hit, past spaces and hyphens, opens with one of their words (or marks)
    checks = (skills._TEAM_AFTER, skills._PRODUCT_AFTER, skills._PRODUCT_ADJ_AFTER)
    words = [w for rx in checks for w in _closing_words(rx)]
    words += [w[:-1] for w in words]  # (singulars, and a few near misses)
    pieces = [*" -\t/&,.xs_", " & ", " / ", "ux", *words, *(w + "s" for w in words)]
    matched = 0
    for text, end, after, mark, word in _hit_ends(6, 5000, pieces):
        if skills._TEAM_AFTER.match(text, end):
            assert mark in ("/", "&") or word in skills._TEAM_WORDS, (text, end)
            matched += 1
        if skills._PRODUCT_AFTER.match(text, end):
            assert after > end and word in skills._PRODUCT_WORDS, (text, end)
            matched += 1
        if skills._PRODUCT_ADJ_AFTER.match(text, end):
            assert after == end + 1, (text, end)
            assert word in skills._PRODUCT_ADJECTIVE_WORDS, (text, end)
            matched += 1
    assert matched > 500


def test_sentence_start_tests_answer_as_their_regexes():
    # `_opens_with_role_subject` and `_opens_about_company` try their regexes only where the
    # sentence, past its leading marks, opens with a word (or label) the regex can start with
    pieces = [
        *" \t\n•*>-–.)2:,'",
        *("support: ", "the ", "our ", "a ", "an ", "this ", "as ", "you ", "you're ", "if "),
        *("we ", "we're ", "it's ", "i ", "i'm ", "in ", "at ", "here at ", "more ", "broadly "),
        *("but ", "so ", "they ", "their ", "founded ", "engineers ", "data team ", "engineer"),
        *("x", "ux ", "weekly ", "item ", "²", "_", "٣"),
        # and every word of the two regexes, so that a word added to one of them and not to
        # its stand-in's list (_ROLE_SUBJECT_STARTS, _COMPANY_START_WORDS) fails here
        # (the roles as CUE_ROLE_RX writes them, not grouped by first letter)
        *_words_of(_with_plain_roles(skills._ROLE_SUBJECT), skills._COMPANY_START),
    ]
    found = [0, 0]
    for text in _texts(7, count=3000, alphabet=pieces, pieces=10):
        for at in range(0, len(text) + 1, 2):
            for end in {len(text), (at + len(text)) // 2}:
                subject = bool(skills._ROLE_SUBJECT.match(text, at, end))
                company = bool(skills._COMPANY_START.match(text, at, end))
                assert skills._opens_with_role_subject(text, at, end) == subject, (text, at)
                assert skills._opens_about_company(text, at, end) == company, (text, at)
                found[0] += subject
                found[1] += company
    assert min(found) > 100, found


def test_role_after_checks_are_skipped_only_where_their_regexes_cannot_match():
    # `_is_demand` runs _ROLE_AFTER and _STACK_ROLE_AFTER only where the text after the hit,
    # past spaces and hyphens, opens with one of their marks or words (and, for a list of
    # stacks, where a role word starts in the run of list characters or after its bracket)
    roles = sorted(skills._ROLE_AFTER_START | skills._STACK_ROLE_START)
    pieces = [*" -\t/&,(.)+#x:", " and ", " or ", "java", "c#", "ux ", "(ruby) ", "(", *roles]
    matched = 0
    for text, end, _, mark, word in _hit_ends(8, 3000, pieces):
        if skills._ROLE_AFTER.match(text, end):
            assert mark in skills._ROLE_AFTER_MARKS or word in skills._ROLE_AFTER_START
            matched += 1
        if skills._STACK_ROLE_AFTER.match(text, end):
            assert skills._may_be_stack_role(text, end, mark, word), (text, end)
            matched += 1
    assert matched > 500


def test_department_lists_are_found_as_by_splitting_every_sentence():
    def split_all(sentence: str) -> bool:  # the test without its separator count
        items = [x.strip(" .:;!-–•*\t\n") for x in skills._LIST_SPLIT.split(sentence)]
        items = [x for x in items if x]
        departments = sum(1 for x in items if skills._DEPARTMENT.fullmatch(x))
        return departments >= 3 and departments * 2 >= len(items)

    pieces = [*", ;&/.", " and ", "band", "design", "sales", "engineering", "hr", "legal", "x "]
    found = 0
    for sentence in _texts(9, count=8000, alphabet=pieces, pieces=9):
        assert skills._is_department_list(sentence) == split_all(sentence), sentence
        found += split_all(sentence)
    assert found > 30


def test_third_person_grouped_by_letter_matches_where_the_plain_lists_do():
    # the verbs and the words a subject may not open with are grouped by first letter, and the
    # lookbehinds on "experience" sit after the word: the plain form it was written in
    plain = skills._THIRD_PERSON.pattern
    for words in (skills._COMPANY_VERBS, skills._NOT_THIRD_PERSON, skills._REQUIREMENT_NOUNS):
        assert skills._by_first_letter(words) in plain
        plain = plain.replace(skills._by_first_letter(words), words)
    plain = plain.replace(
        skills._REQUIREMENT_NOUNS,
        r"knowledge|(?<!user )(?<!user-)(?<!customer )experience|skills?|familiarity|fluency|"
        r"proficiency|expertise",
    )
    plain_rx = re.compile(plain)
    pieces = [*" ,\t\n•*>.()'-x", "the ", "a ", "user ", "user-", "customer ", "acme "]
    pieces += _words_of(plain_rx)
    found = 0
    for text in _texts(10, count=6000, alphabet=pieces, pieces=12):
        for at in (0, len(text) // 3):
            for end in {len(text), (at + len(text)) // 2}:
                expected = bool(plain_rx.match(text, at, end))
                assert bool(skills._THIRD_PERSON.match(text, at, end)) == expected, (text, at)
                # (and the shorter form `_third_person` picks for the text answers the same)
                assert skills._third_person(text, at, end) == expected, (text, at, end)
                found += expected
    assert found > 300
    # (and, densely, the nouns before "is" that make a requirement of the sentence)
    nouns = [f"{w.split('(')[0].removesuffix('s?')} " for w in skills._REQUIREMENT_NOUNS.split("|")]
    pieces = [*nouns, "skills ", "is ", "are ", "user ", "acme ", ", ", "builds "]
    unblocked = skills._third_person_rx(commas=True, requirement=False)
    blocked = 0
    for text in _texts(14, count=3000, alphabet=pieces, pieces=6):
        expected = bool(plain_rx.match(text))
        assert skills._third_person(text, 0, len(text)) == expected, text
        blocked += not expected and bool(unblocked.match(text))
    assert blocked > 100


def test_possessive_heading_line_matches_as_with_backtracking():
    backtracking = re.compile(skills._HEADING_LINE.pattern.replace("+", ""))
    assert skills._HEADING_LINE.pattern.count("+") == 3  # (the three possessive quantifiers)
    pieces = [*" \t\xa0-–=*#_:>•·'&/,.()!ab0z", "about us", "  ", "x" * 38, "x" * 20]
    found = 0
    for line in _texts(13, count=20000, alphabet=pieces, pieces=8):
        line = line.replace("\n", " ")  # (a line)
        head, expected = skills._HEADING_LINE.match(line), backtracking.match(line)
        assert (head is None) == (expected is None), line
        if head and expected:
            assert (head.group(1), head.group(2), head.end()) == (
                expected.group(1),
                expected.group(2),
                expected.end(),
            ), line
            found += 1
    assert found > 1000


def test_word_checks_before_regexes_answer_as_the_regexes():
    # each stand-in looks for the words its regex needs before calling it; random texts made
    # of every word the regexes spell (and their neighbours) fail here if a word is added to a
    # regex and not to its list
    checks = {
        "role_before": (skills._role_before, skills._ROLE_BEFORE.search),
        "with_before": (skills._with_before, skills._WITH_BEFORE_LIST.search),
        "negated_after": (skills._negated_after, skills._NEGATED_AFTER.match),
    }
    pieces = [*" -\t\n.;,_x2", "isn't ", "aren't ", "n't ", "x" * 20, "x" * 40, "user "]
    pieces += _words_of(skills._ROLE_BEFORE, skills._WITH_BEFORE_LIST, skills._NEGATED_AFTER)
    pieces += [w.strip() for w in pieces if len(w) > 2]  # (words run into what follows them)
    found = dict.fromkeys(checks, 0)
    for text in _texts(11, count=3000, alphabet=pieces, pieces=14):
        for a in range(0, len(text) + 1, 3):
            for b in {a, min(len(text), a + 40), len(text)}:
                for name, (check, rx) in checks.items():
                    expected = bool(rx(text, a, b))
                    assert check(text, a, b) == expected, (name, text, a, b)
                    found[name] += expected
    assert min(found.values()) > 100, found
    # (and the negation at the far end of _NEGATED_AFTER's reach)
    for gap in range(70, 90):
        for negation in ("not", "isn't", "aren't", "n't"):
            text = f"{'x' * gap} {negation} required"
            expected = bool(skills._NEGATED_AFTER.match(text, 0, len(text)))
            assert skills._negated_after(text, 0, len(text)) == expected, text


def test_heading_and_openings_checks_answer_as_their_regexes():
    checks = {
        "role_heading": (skills._is_role_heading, skills._HEADING_ROLE.match),
        "company_heading": (skills._is_company_heading, skills._HEADING_COMPANY.match),
        "openings": (skills._opens_openings, skills._OPENINGS_INTRO.search),
    }
    pieces = [*" -:&'_x", " role", *_words_of(*(rx.__self__ for _, rx in checks.values()))]
    pieces += [w.strip() for w in pieces if len(w) > 2]
    found = dict.fromkeys(checks, 0)
    for text in _texts(12, count=8000, alphabet=pieces, pieces=6):
        for name, (check, rx) in checks.items():
            expected = bool(rx(text))
            if name == "company_heading":  # (it also takes a stack word at the end)
                assert not expected or check(text), (name, text)
            else:
                assert check(text) == expected, (name, text)
            found[name] += expected
    assert min(found.values()) > 100, found


def test_list_split_cuts_where_the_plain_pattern_does():
    plain = re.compile(r",|;|&|/|\band\b")
    pieces = [*",;&/ _x2é-", "and", "and ", " and ", "band", "andy", "_and", "and_"]
    for text in _texts(15, count=5000, alphabet=pieces, pieces=10):
        assert skills._LIST_SPLIT.split(text) == plain.split(text), text


def _without_possessives(rx: re.Pattern) -> re.Pattern:
    pattern = rx.pattern.replace("++", "+").replace("*+", "*").replace("}+", "}")
    assert pattern != rx.pattern
    return re.compile(pattern)


def _with_plain_roles(rx: re.Pattern) -> re.Pattern:
    """`rx` with CUE_ROLE_RX (and the teams) as written, not grouped by first letter."""
    pattern = rx.pattern.replace(skills._ROLE_OR_TEAM_BY_LETTER, skills._ROLE_OR_TEAM_RX)
    pattern = pattern.replace(f"(?:{skills._ROLE_BY_LETTER})", skills.CUE_ROLE_RX)
    assert pattern != rx.pattern
    return re.compile(pattern)


def test_possessive_role_regexes_match_as_with_backtracking():
    # (and with the roles grouped by first letter, as with CUE_ROLE_RX written out)
    subject = _with_plain_roles(_without_possessives(skills._ROLE_SUBJECT))
    title = _with_plain_roles(_without_possessives(skills._ROLE_TITLE_LINE))
    addressed = _with_plain_roles(skills._ADDRESSED_ROLE)
    pieces = [*" \t\n•*>-–.)#:,(/&+'_x2$", "our next ", "support: ", "https", "  ", "\t "]
    pieces += _words_of(subject, title)
    pieces += 8 * ["the ", "our ", "a ", "as ", "you are ", "engineers ", "data team ", "ux "]
    pieces += 4 * [", ", "you ", "you'll ", "head of data ", "director design "]
    found = [0, 0, 0]
    for text in _texts(16, count=6000, alphabet=pieces, pieces=9):
        for at in (0, len(text) // 4):
            expected = subject.match(text, at)
            assert bool(skills._ROLE_SUBJECT.match(text, at)) == bool(expected), (text, at)
            found[0] += bool(expected)
        line = text.replace("\n", " ")
        head, expected = skills._ROLE_TITLE_LINE.match(line), title.match(line)
        assert (head and head.span()) == (expected and expected.span()), line
        found[1] += bool(expected)
    assert min(found[:2]) > 100, found
    starts = ["as a ", "as our ", "if you're the ", " as an ", "as a member of the ", "as "]
    words = ["backend ", "x ", "between ", "senior ", "/", " ", "data "]
    roles = ["engineer", "data team", "head of data", "devops", "designer/developer", "ux"]
    ends = [", you ", " you'll", ", your", "s, you", " ", ",you", "_ you"]
    rng = random.Random(18)
    for _ in range(6000):
        middle = "".join(rng.choice(words) for _ in range(rng.randrange(4)))
        text = rng.choice(starts) + middle + rng.choice(roles) + rng.choice(ends)
        role, expected = skills._ADDRESSED_ROLE.match(text), addressed.match(text)
        assert (role and role.span()) == (expected and expected.span()), text
        found[2] += bool(expected)
    assert found[2] > 100, found


def test_clause_regex_finds_the_matches_of_its_plain_form():
    plain = re.compile(
        r"(?:(?:[,;:]\s+(?:(?:and|but|so)\s+)?|\s(?:and|but|so)\s+)(?:we|we're|we've|we are|they|"
        r"they're)|\s(?:as|while|where)\s+(?:we|we're|we've|we are))\s+"
        r"(?!(?:'d|would|value|expect|want|need|prefer|look|require|seek|hope|love|ask|care)\w*\b)"
    )
    found = 0
    for text in _texts(17, count=3000, alphabet=CLAUSE_PIECES):
        for a in range(0, len(text) + 1, 4):
            expected = [m.span() for m in plain.finditer(text, a)]
            assert [m.span() for m in skills._CLAUSE_WE.finditer(text, a)] == expected, (text, a)
            found += len(expected)
    assert found > 1000
