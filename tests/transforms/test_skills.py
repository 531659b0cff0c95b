"""Skill mentions: word boundaries, plurals, acronyms, offsets, context rules, categories."""

import hashlib
import random
import re
from pathlib import Path

import polars as pl
import pytest

from transforms.skills import (
    HEADLINE_CATEGORIES,
    Taxonomy,
    TaxonomyError,
    _sentence_ends,
    context_text,
    expand_pattern,
    find_mentions,
    posting_categories,
    scan_text,
    skill_mentions,
    taxonomy_frame,
    texts_for_scan,
)
from warehouse.seeds import EXTRACTOR, load_taxonomy

TOY = Path(__file__).with_name("skills_toy")


@pytest.fixture(scope="module")
def toy() -> Taxonomy:
    return load_taxonomy(TOY)


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


def found(taxonomy: Taxonomy, text: str) -> list[tuple[str, str]]:
    """(skill_id, matched_text) of each demand found in `text`."""
    frame = pl.DataFrame({"posting_id": ["p1"], "description_text": [text]})
    return skill_mentions(frame, taxonomy).select("skill_id", "matched_text").rows()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Experience with SQL required.", [("sql", "SQL")]),
        ("Experience with NoSQL stores required.", []),  # not inside a word
        ("You know SQLite well.", []),
        ("You know JavaScript.", [("javascript", "JavaScript")]),  # not "Java"
        ("You know Java, and some JavaScript.", [("java", "Java"), ("javascript", "JavaScript")]),
        ("You write C++ and .NET code.", [("cpp", "C++"), ("dotnet", ".NET")]),
        ("You bring net revenue.", []),  # ".net" needs its dot
        ("You know Go.", [("golang", "Go")]),  # case-sensitive acronym-like word
        ("You like to go fast.", []),
    ],
)
def test_word_boundaries(toy, text, expected):
    assert found(toy, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You build dashboards.", [("dashboards", "dashboards")]),
        ("You set OKRs and write PRDs.", [("okrs", "OKRs"), ("prds", "PRDs")]),
        (
            "You ran A/B tests and AB testing.",
            [("ab_testing", "A/B tests"), ("ab_testing", "AB testing")],
        ),
        ("You own the product ROADMAP.", [("roadmap", "product ROADMAP")]),
        ("You are a Certified Scrum Masters holder.", [("csm", "Certified Scrum Masters")]),
        ("You love cross-functional work.", [("collaboration", "cross-functional")]),
        ("You love cross functional work.", [("collaboration", "cross functional")]),
        ("You have curiosities.", []),  # exact alias: no plural
    ],
)
def test_plurals_case_and_variants(toy, text, expected):
    assert found(toy, text) == expected


def test_longest_hit_wins(toy):
    # "curiosity" sits inside "technical curiosity": one mention, the longer one
    assert found(toy, "You bring technical curiosity.") == [
        ("technical_background", "technical curiosity")
    ]


def test_offsets_point_at_the_exact_characters(toy):
    text = "İstanbul office.\nYou know SQL, build dashboards\nand own the roadmap."
    frame = pl.DataFrame({"posting_id": ["p1"], "description_text": [text]})
    rows = skill_mentions(frame, toy).rows(named=True)
    assert [r["matched_text"] for r in rows] == ["SQL", "dashboards", "roadmap"]
    for r in rows:
        assert text[r["start"] : r["end"]] == r["matched_text"]


def test_scan_text_blanks_every_ascii_character_but_letters_digits_plus_and_hash():
    every = "".join(map(chr, range(128)))
    kept = {i for i, c in enumerate(every) if c.isalnum() or c in "+# "}
    scan = scan_text(every)
    assert scan == f" {''.join(c if i in kept else ' ' for i, c in enumerate(every.lower()))} "


@pytest.mark.parametrize(
    "text",
    [
        "You know SQL, build dashboards\nand own the roadmap.",  # ASCII
        "Café team — you know SQL’s joins and A/B tests.",  # not ASCII
        "İstanbul office: you know SQL.",  # lower-casing makes it longer
        "",
        None,
    ],
)
def test_column_forms_agree_with_the_per_text_path(toy, text):
    """`texts_for_scan` gives `context_text` and `scan_text` or null, and the nulls are what
    `find_mentions` computes itself: the same mentions either way."""
    ctx, scan = texts_for_scan(pl.col("t"))
    ((c, s),) = pl.select(t=pl.lit(text, dtype=pl.String)).select(c=ctx, s=scan).rows()
    if text is None:
        assert c is None and s is None
        return
    assert c is None if len(text.lower()) != len(text) else c == context_text(text)
    assert s is None if c is None or c.isascii() else s == scan_text(text)
    matcher = toy.matcher()
    assert find_mentions(text, matcher, ctx=c, scan=s) == find_mentions(text, matcher)
    if "SQL" in text:
        assert find_mentions(text, matcher)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the company's own product or practice is not a demand
        ("We build analytics dashboards for retailers.", []),
        ("Acme uses SQL and Java everywhere.", []),
        ("At Acme, we live by OKRs.", []),
        ("The stack touches everything from Java on the device to SQL in the cloud.", []),
        (
            "For most of the large retailers and consumer brands in North America and nearly "
            "all of Western Europe, Acme's dashboards are the standard.",
            [],
        ),
        ("Zoomi, a performance analytics company, brings together dashboards and SQL.", []),
        ("Tessellate helps retailers reach their desired outcomes with dashboards.", []),
        ("Mosaic is looking to add SQL and dashboards to its logistics platform.", []),
        # ... unless the sentence also speaks to the candidate
        (
            "Because this role sits between our customers and a small team in Denver, strong "
            "SQL knowledge is important.",
            [("sql", "SQL")],
        ),
        ("Mosaic is looking to add a product manager who knows SQL.", [("sql", "SQL")]),
        (
            "Highsoft, the company behind a charting library, is looking to add an experienced "
            "Java wizard.",
            [("java", "Java")],
        ),
        ("Experience with dashboards is a plus.", [("dashboards", "dashboards")]),
        (
            "Experience building dashboards on large data warehouses with Java and SQL is "
            "desired, but a general gift for data is more important.",
            [("dashboards", "dashboards"), ("java", "Java"), ("sql", "SQL")],
        ),
        ("We're looking for someone who knows SQL.", [("sql", "SQL")]),
        ("Acme seeks a PM with strong SQL.", [("sql", "SQL")]),
        # negation
        ("We aren't focused on KPIs or OKRs.", []),
        ("This job does not include SQL.", []),
        ("SQL is not required.", []),
        # colleagues and other roles
        ("You will work with our UX designers.", []),
        ("We're also hiring Java engineers.", []),
        ("We are looking for engineers (Java, Go) and a product manager.", []),
        ("You partner with the data team on SQL.", [("sql", "SQL")]),
        ("You don't write code, but you know SQL.", [("sql", "SQL")]),
        # a list of departments being hired for names no skill
        ("Acme is hiring.\nProduct management, engineering, UX, sales and marketing.", []),
        ("- Mobile PM (data driven, SQL, project management, marketing)", [("sql", "SQL")]),
        (
            "You know SQL, UX and A/B testing.",
            [("sql", "SQL"), ("ux", "UX"), ("ab_testing", "A/B testing")],
        ),
        ("No SQL needed.", []),
        # links are not text; neither is a job page's script notice
        ("Apply at https://example.com/jobs/sql-roadmap now.", []),
        ("Jobs You need to enable JavaScript to run this app.", []),
        # labelled facts about the company's stack or another role
        ("If you like data, contact me. Stack: Java, Go, SQL", []),
        ("- Back End: Java - you will scale our SQL stores.", []),
    ],
)
def test_context_rules(toy, text, expected):
    assert found(toy, text) == expected


def test_header_line_only_names_title_skills(toy):
    text = "Acme | Technical Product Manager | SQL team | NYC\nYou own the roadmap."
    assert found(toy, text) == [
        ("technical_background", "Technical Product Manager"),
        ("roadmap", "roadmap"),
    ]


def test_sections_and_lists(toy):
    text = "\n".join(
        [
            "Acme | PM | Remote",
            "About us",
            "Acme helps teams ship. Our stack is Java.",
            "What you'll do",
            "- Own the roadmap",
            "Tech stack: Java, Go, SQL",
            "We offer:",
            "- A dashboard of perks",
            "Openings:",
            "- Senior Backend Engineer (Java)",
            "- Frontend Engineer (JavaScript)",
            "- Product Manager",
            "Requirements:",
            "- SQL",
        ]
    )
    assert found(toy, text) == [("roadmap", "roadmap"), ("sql", "SQL")]


def test_sentence_ends_are_the_marks_before_whitespace_and_line_ends():
    # the one-regex definition that _sentence_ends computes mark by mark, faster
    reference = re.compile(r"[.!?;\n](?:(?<=[.!?])(?=\s)|(?<=;)\s|(?<=\n))")
    rng = random.Random(7)
    texts = [";\n", ". \n", "a.b", "a. b", "e.g. x", "wait!\n\nno?", "x;y; z;\tw", "..  ", ""]
    texts += ["".join(rng.choice("ab .!?;\n\t") for _ in range(40)) for _ in range(2000)]
    for text in texts:
        assert _sentence_ends(text) == [m.end() for m in reference.finditer(text)], text


def test_a_paragraph_about_the_pm_ends_a_company_section(toy):
    text = (
        "Acme | PM | Remote\nOur tech stack:\n- Java\n- Go\nThe Product Manager will "
        "have a decisive role. Take ownership of the roadmap."
    )
    assert found(toy, text) == [("roadmap", "roadmap")]


def test_other_role_block(toy):
    text = "\n".join(
        [
            "Acme | Several roles | NYC",
            "Senior Java Engineer:",
            "You know Java and SQL.",
            "Product Manager:",
            "You know SQL and own the roadmap.",
        ]
    )
    assert found(toy, text) == [("sql", "SQL"), ("roadmap", "roadmap")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # role words that describe the company, not openings
        ("Acme (developer tools) | San Francisco\nWe are looking for a Product Manager.\n"
         "You know SQL and run A/B tests.", [("sql", "SQL"), ("ab_testing", "A/B tests")]),
        ("Acme | Data platform for analysts | NYC\nWe're hiring a PM. You own the roadmap.",
         [("roadmap", "roadmap")]),
        ("We're hiring a Product Manager to work with our engineers.\nYou know Java.",
         [("java", "Java")]),
        # colleagues listed as departments: a demand, not a list of openings
        ("Partner with engineering, design, marketing and sales on UX and OKRs.",
         [("ux", "UX"), ("okrs", "OKRs")]),
        # a former role of the candidate is not another role's block
        ("Senior Product Manager\nAs a former software engineer, you talk to the team.\n"
         "Requirements\n- Own the roadmap", [("roadmap", "roadmap")]),
        # IT is not "it": "and it helps" is not a clause about the company
        ("You know IT systems, and it helps to know SQL.", [("sql", "SQL")]),
        # an expert is the candidate, not another role
        ("You are a SQL or Java expert.", [("sql", "SQL"), ("java", "Java")]),
        ("Experience with SQL is a big advantage.", [("sql", "SQL")]),
    ],
)  # fmt: skip
def test_single_role_pm_posts_keep_their_demands(toy, text, expected):
    assert found(toy, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a post hiring engineers too: a stack outside the PM's own block is theirs
        ("Acme | Backend Engineers, Product Manager | NYC\nYou know Java and own the roadmap.",
         [("roadmap", "roadmap")]),
        ("Acme | Backend Engineers, Product Manager | NYC\n"
         "Product managers with a technical background and SQL.",
         [("technical_background", "technical background"), ("sql", "SQL")]),
        ("Acme | Backend Engineers, Product Manager | NYC\nProduct Manager:\nYou know Java.",
         [("java", "Java")]),
        ("Acme | Product Managers, Data Engineers, Go engineers | NYC\nOpenings: "
         "Product Managers, Data Engineers (Java) and more.", []),
        # a hiring phrase that names engineers first makes the post a shared one
        ("Current openings - iOS Engineer and a Product Owner. You know Java.", []),
        # ... and so does a hiring sentence (or the one after it) listing departments
        ("Acme is hiring in NYC. Product management, engineering, design, and sales.\n"
         "Help push forward the state of the art for Java.", []),
        ("Acme is hiring a Product Manager in NYC.\nHelp push forward the state of Java.",
         [("java", "Java")]),
        # the role after a hiring verb is hired only when nothing else is ("someone", "who")
        ("Acme | Product Manager | NYC\nWe are looking for someone to use SQL with our "
         "engineers.", [("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nWe are looking for engineers who know SQL.", []),
        ("Acme | Product Manager | NYC\nWe are looking for talented people with SQL skills.",
         [("sql", "SQL")]),
        # a paragraph that opens by also hiring another role is that role's ("also hiring"
        # elsewhere in a line is an aside)
        ("Acme | Product Manager, Backend Developer | NYC\nWe're looking for a Product "
         "Manager to own the roadmap.\nWe are also hiring engineers for our web app. Ideally "
         "experienced with SQL.", [("roadmap", "roadmap")]),
        ("Acme | Product Manager | NYC\nWe're looking for a Product Manager to own the "
         "roadmap. Ideally experienced with SQL. (We are also hiring engineers.)",
         [("roadmap", "roadmap"), ("sql", "SQL")]),
        # a paragraph that hires the PM alone is the PM's, even in a post hiring engineers
        ("Acme is looking for Java developers as well as product managers.\nWe are "
         "looking for a junior product manager who will own the roadmap. The right candidate "
         "will have a strong technical background.",
         [("roadmap", "roadmap"), ("technical_background", "technical background")]),
        ("Acme is looking for Java developers as well as product managers.\nHiring for "
         "software engineering, data science, product management, sales and marketing. Java.",
         []),
        # the PM's item in a list of openings, and a sentence whose subject is the PM, speak
        # of the candidate
        ("Acme | NYC\nWe're looking for:\n* experienced Java engineers\n"
         "* a product manager with a technical background",
         [("technical_background", "technical background")]),
        ("Acme | NYC\nOpenings: Java engineers, product managers.\nProduct Manager, Data:\n"
         "PM who has a technical background and owns the roadmap.",
         [("technical_background", "technical background"), ("roadmap", "roadmap")]),
        ("Acme | NYC\nAcme's engineers and product people are solving problems in Java.", []),
        # a post that names no PM: the roles it hires and their blocks are its own
        ("Acme | NYC\nSenior Java Developer:\n- 5 years of Java\n- SQL",
         [("java", "Java"), ("sql", "SQL")]),
        ("Acme | NYC\nWe are looking for engineers who know SQL.", [("sql", "SQL")]),
        ("Acme | Backend Engineers, Designers | NYC\nYou know Java.", [("java", "Java")]),
        # a role word that names a thing is no opening ("Developer Marketplaces")
        ("Acme | Product Manager | NYC\nYou will own one of these areas:\nDeveloper Tools\n"
         "Developer Marketplaces\nWhat you'll do:\n- Ship Java SDKs", [("java", "Java")]),
        # ... but under a header that names only the PM, departments are whom the PM works with
        ("Marlin | Product Manager | Remote\nYou'll partner closely with:\n- Engineering\n"
         "- Design\nWhat you'll do:\n- Own the roadmap\n- Analyze usage with SQL",
         [("roadmap", "roadmap"), ("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nAs our PM you will:\nEngineering:\n- Define KPIs",
         [("kpis", "KPIs")]),
        # a PM's title followed by what the area is, not the candidate
        ("Open roles:\n- Product Manager, Integrations with Java and SQL\n- Java Developer", []),
        # in a post that hires a PM, a department heading opens that department's section
        ("Acme | Product Manager | NYC\nProduct Manager:\nYou own the roadmap.\n"
         "Engineering:\nExperience with Java and SQL.", [("roadmap", "roadmap")]),
        ("Acme | Product Manager | NYC\nProduct Manager:\nYou own the roadmap.\n"
         "Product design:\nYou sketch UX flows.", [("roadmap", "roadmap"), ("ux", "UX")]),
        # "seeks to" is the company's aim, "seeking to hire" still hires
        ("Acme seeks to empower teams with A/B testing.", []),
        ("Acme is seeking to hire a PM with SQL.", [("sql", "SQL")]),
        # about the company: only what follows a word to the candidate is a demand
        ("We build dashboards and need someone fluent in SQL.", [("sql", "SQL")]),
        ("We run OKRs, and you should know SQL.", [("sql", "SQL")]),
        ("If you are new to us, we are a startup and we sell A/B testing to shops.", []),
        ("You know SQL, and we value curiosity.", [("sql", "SQL"), ("curiosity", "curiosity")]),
        ("You bring SQL-powered dashboards to banks.", [("dashboards", "dashboards")]),
        ("Experience shipping SQL-powered products.", [("sql", "SQL")]),
        ("We are a team that values curiosity.", []),  # the company's culture
        ("Acme has grown into the leading SQL platform, plus the best dashboards.", []),
        ("Acme builds dashboards. SQL is a plus.", [("sql", "SQL")]),
        ("Acme builds dashboards. SQL is plus.", [("sql", "SQL")]),
        ("You own the roadmap.\nFinally, we value SQL skills.",
         [("roadmap", "roadmap"), ("sql", "SQL")]),
        ("The Growth Lab (at the Center for International Development) is building dashboards.",
         []),
        ("More broadly our services include SQL consulting.", []),
        ("Banks rely on our risk dashboards platform. You know SQL.", [("sql", "SQL")]),
        # a paragraph addressed to another role is that role's block
        ("Acme seeks a PM and an engineer.\nAs a member of our engineering team, you ship code."
         "\nYou know SQL.\nProduct Manager:\nYou know SQL.", [("sql", "SQL")]),
        ("Openings:\n- As a backend engineer, you know SQL.\n- As a PM, you own OKRs.",
         [("okrs", "OKRs")]),
        # ... also when the paragraph turns to that role mid-line
        ("Acme seeks a PM and an engineer. As a member of our engineering team, you ship code. "
         "You know SQL.\nYou know Java.\nProduct Manager:\nYou own OKRs.", [("okrs", "OKRs")]),
        ("Acme seeks a PM. As a PM, you know SQL.", [("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nWe're hiring engineers who love Go. As a Product Manager, "
         "you'll own the roadmap.", [("roadmap", "roadmap")]),
        # a paragraph opening by hiring only another role is that role's, until one hiring
        # the PM
        ("Acme | Product Manager, Data Analyst | NYC\nThe PM owns the roadmap.\n"
         "We are hiring our first Data Analyst. The ideal candidate knows SQL.\n"
         "We are hiring a PM too. You know OKRs.", [("roadmap", "roadmap"), ("okrs", "OKRs")]),
        # an engineer's posting that names PMs as colleagues: the engineer is its own role
        ("Acme | Front-End Developer | NYC\nAs a front-end developer you take requirements "
         "from the Product Lead.\nYou know SQL.", [("sql", "SQL")]),
        # a post that names no PM: the role it addresses is its own
        ("Acme | Backend Engineer | NYC\nAs a backend engineer, you ship code.\nYou know SQL.",
         [("sql", "SQL")]),
        ("We ship fast. As a backend engineer, you ship code. You know SQL.", [("sql", "SQL")]),
        ("Acme | Openings: Backend Engineer, Product Manager | NYC\n"
         "• Backend Engineer ($150k): Java, Go.\n"
         "• Product Manager ($150k): Business-minded ex-engineer with SQL and Java skills.",
         [("sql", "SQL"), ("java", "Java")]),
        # a header naming only other roles: their posting, until the PM's block
        ("Acme | VP Engineering | NYC\n(Also hiring PMs)\nYou know SQL and OKRs.", []),
        ("Acme | VP Engineering | NYC\nYou know SQL.\nProduct Manager:\nYou own OKRs.",
         [("okrs", "OKRs")]),
        ("Acme | Backend Engineer | NYC\nYou know SQL and work with product managers.",
         [("sql", "SQL")]),  # PMs as colleagues: still the engineer's own posting
        # the company's own name is not a skill ("Acme SQL | Product Manager"), unless the
        # header may be naming something else first ("Acme SQL | Remote")
        ("Acme SQL | Product Manager | NYC\nAt Acme SQL, you know SQL.", [("sql", "SQL")]),
        ("Acme SQL | Remote\nAt Acme SQL, you know SQL.", [("sql", "SQL"), ("sql", "SQL")]),
        # a long paragraph labelled with another role's title is that role's
        ("Acme | Product Manager, Designer | NYC\n- Product Designer: " + "You love craft. " * 30
         + "You know SQL.\n- Product Manager: You own OKRs.", [("okrs", "OKRs")]),
        # the items of a list of openings name openings and their areas, not demands; the
        # PM's item and its sub-items stay readable
        ("Acme | Multiple Roles | NYC\nWe're hiring across:\n"
         "Platform: Backend Engineer (Java, SQL)\nData - dashboards and OKRs | Remote\n"
         "1. Product Manager\n- You know SQL.\n2. Designer\n- Dashboards.", [("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nWe're looking for:\n- SQL\n- OKRs",
         [("sql", "SQL"), ("okrs", "OKRs")]),
        # ... but an intro that hires the PM opens the PM's list, a PM item keeps the lines
        # under it, and a paragraph hiring another role owns only itself
        ("Acme | Product Manager | NYC\nWe're hiring a Product Manager to:\n- Own the roadmap"
         "\n- Analyze usage with SQL", [("roadmap", "roadmap"), ("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nOpen positions:\nProduct Manager, Growth\n"
         "Own the roadmap - write SQL", [("roadmap", "roadmap"), ("sql", "SQL")]),
        ("Acme | Product Manager | NYC\nWe're hiring engineers across backend; we use Java.\n"
         "In this role you will own the roadmap. You know SQL.",
         [("roadmap", "roadmap"), ("sql", "SQL")]),
        ("Acme | Product Owner | Remote\nWe are looking for developers with product minds.\n"
         "We are looking for a technical Product Owner to drive our roadmap.",
         [("roadmap", "roadmap")]),
        # "Our next Sr. Developer:" is a title line, and a heading ends a list of openings
        ("Acme | Product Manager, Java Developer | NYC\nOur next Sr. Java Developer:\n"
         "You know OKRs.", []),
        ("Acme | Product Manager | NYC\nWe're hiring across:\nData - dashboards | Remote\n"
         "The Role\n- SQL", [("sql", "SQL")]),
        # a PM title names its product area, not a demand
        ("Open roles:\n- Backend Engineer\n- Product Manager, Dashboards\n- Designer", []),
        # an opening's title ends the company section
        ("Acme | Remote\nAbout us\nWe build dashboards.\nRoles\n"
         "Senior Product Manager | $150k: own the roadmap and OKRs.",
         [("roadmap", "roadmap"), ("okrs", "OKRs")]),
        # a single-role PM post keeps its stack
        ("Acme | Product Manager | NYC\nYou know Java.", [("java", "Java")]),
        # the stack named before its role, or with the role's stack in brackets
        ("You work with our Java and C++ developers.", []),
        ("Openings: Full Stack (Go) Engineer, Product Manager.", []),
        ("Acme | Product Manager | NYC\n- As a /Designer/Developer/, you'll work in Java.\n"
         "- As a /Product Manager/, you'll own the roadmap.", [("roadmap", "roadmap")]),
        ("Acme | Product Manager | NYC\nHiring React Node Java SDETs and Product Owners.", []),
        # a design discipline named beside another before their role is part of the role
        ("Acme | NYC\nWe work with UX and graphic designers.", []),
        ("Acme | Product Manager | NYC\nYou appreciate UX and the designers who make it.",
         [("ux", "UX")]),
        # a block labelled with another team's name, about that team's people
        ("Support: Our success managers are our first level of collaboration with clients.", []),
        ("Support: you own collaboration with clients.", [("collaboration", "collaboration")]),
    ],
)  # fmt: skip
def test_posts_hiring_other_roles(toy, text, expected):
    assert found(toy, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two postings in one comment: the second header starts another role's block
        ("Acme | Product Manager | NYC\nYou own the roadmap.\n"
         "Acme | Backend Engineer | NYC\nYou know SQL.", [("roadmap", "roadmap")]),
        # a header on two lines is still one header
        ("Acme | Product Manager | NYC\nAcme | Many engineering roles | NYC\nYou know SQL.",
         [("sql", "SQL")]),
        ("Acme makes things. It's like Java for coffee.\nYou know SQL.", [("sql", "SQL")]),
    ],
)  # fmt: skip
def test_postings_and_headers(toy, text, expected):
    assert found(toy, text) == expected


def test_list_of_openings(toy):
    text = "\n".join(
        [
            "For our team we are looking to hire:",
            "* Lead / Staff level engineers (Java or Go backend).",
            "* Staff Product Manager",
            "On the PM front: you know SQL.",
        ]
    )
    assert found(toy, text) == [("sql", "SQL")]


def test_posting_categories_are_headline_only(toy):
    frame = pl.DataFrame(
        {
            "posting_id": ["a", "b", "c"],
            "description_text": [
                "You bring passion, SQL and KPIs; you run A/B tests.",
                "You have passion.",
                "",
            ],
        }
    )
    mentions = skill_mentions(frame.lazy(), toy, with_version=True)
    assert set(mentions["taxonomy_version"]) == {toy.version}
    cats = posting_categories(mentions)
    assert cats.rows() == [("a", ["ab_testing", "data_analysis"])]
    assert set(cats["categories"].explode()) <= set(HEADLINE_CATEGORIES)


def test_expand_pattern():
    assert sorted(expand_pattern("{strong|excellent} communicat{ion|or}[ skills]")) == [
        "excellent communication",
        "excellent communication skills",
        "excellent communicator",
        "excellent communicator skills",
        "strong communication",
        "strong communication skills",
        "strong communicator",
        "strong communicator skills",
    ]
    assert expand_pattern("a {b|c {d|e}}") == ["a b", "a c d", "a c e"]
    with pytest.raises(TaxonomyError):
        expand_pattern("{unclosed")


def test_alias_claimed_by_two_skills_is_an_error(toy):
    aliases = pl.concat(
        [toy.aliases, pl.DataFrame({"skill_id": ["java"], "alias": ["sql"], "match": ["word"]})]
    )
    broken = Taxonomy(skills=toy.skills, aliases=aliases, version="x")
    with pytest.raises(TaxonomyError, match="'sql': sql vs java"):
        broken.matcher()


def test_bad_category_is_an_error(tmp_path):
    for name in ("skills.csv", "skill_aliases.csv"):
        text = (TOY / name).read_text()
        (tmp_path / name).write_text(text.replace("data_analysis", "data_stuff", 1))
    with pytest.raises(TaxonomyError, match="category"):
        load_taxonomy(tmp_path)


def test_a_type_on_the_other_side_of_its_category_is_an_error(tmp_path):
    skills = pl.read_csv(TOY / "skills.csv")
    sql = skills["skill_id"].index_of("sql")
    skills.with_columns(
        type=pl.when(pl.int_range(pl.len()) == sql).then(pl.lit("soft")).otherwise("type")
    ).write_csv(tmp_path / "skills.csv")
    (tmp_path / "skill_aliases.csv").write_text((TOY / "skill_aliases.csv").read_text())
    with pytest.raises(TaxonomyError, match=r"other side of its category.*'sql', 'soft'"):
        load_taxonomy(tmp_path)


def test_version_changes_with_content(tmp_path, toy):
    for name in ("skills.csv", "skill_aliases.csv", "skills_version.txt"):
        (tmp_path / name).write_text((TOY / name).read_text())
    assert load_taxonomy(tmp_path).version == toy.version
    with (tmp_path / "skill_aliases.csv").open("a") as f:
        f.write("sql,structured query language,word\n")
    assert load_taxonomy(tmp_path).version != toy.version


def test_version_covers_the_extractor_code(toy):
    # a change to the context rules must rebuild stored mentions like a taxonomy edit does
    digest = hashlib.sha256()
    for path in (TOY / "skills.csv", TOY / "skill_aliases.csv", EXTRACTOR):
        digest.update(path.read_bytes())
    assert EXTRACTOR.name == "skills.py" and EXTRACTOR.parent.name == "transforms"
    assert (
        toy.version
        == f"{(TOY / 'skills_version.txt').read_text().strip()}+{digest.hexdigest()[:10]}"
    )


def test_shipped_taxonomy_is_consistent():
    taxonomy = load_taxonomy()
    matcher = taxonomy.matcher()  # raises on any surface form claimed twice
    skills = taxonomy.skills
    assert skills.height >= 200
    assert set(skills["category"]) >= set(HEADLINE_CATEGORIES)
    assert len(matcher.skill_ids) == skills.height
    frame = taxonomy_frame(taxonomy)
    assert frame.filter(pl.col("aliases").list.len() == 0).is_empty()
    # ESCO ids, where given, are ESCO concept UUIDs
    ids = skills["esco_id"].drop_nulls()
    assert ids.len() > 50
    assert ids.str.contains(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").all()


# what GUIDE.md puts in each headline category, said plainly as a demand: the shipped
# taxonomy must find each one
GUIDE_PROBES = {
    "data_analysis": ["You make data-driven decisions.", "Strong quantitative skills.",
                      "You define metrics and KPIs.", "You write SQL queries.",
                      "You measure the impact of what you ship."],
    "market_research": ["You do customer discovery.", "You run user interviews.",
                        "You do competitive analysis.", "You size markets.",
                        "You talk to our customers.", "You gather product feedback."],
    "roadmap_prioritization": ["You groom the backlog.", "You write user stories.",
                               "You own the roadmap.", "You define OKRs.",
                               "You set high-level vision.", "You create requirements."],
    "ux_ui_design": ["You draw wireframes.", "You use Figma.", "You care about usability.",
                     "You practice design thinking."],
    "technical_knowledge": ["You have a CS degree.", "You can discuss trade-offs with engineers.",
                            "You understand APIs.", "You know machine learning."],
    "agile": ["You run sprints.", "You use Jira.", "You deliver iteratively.", "You know Scrum."],
    "ab_testing": ["You run experiments.", "You do hypothesis testing.", "You run A/B tests."],
    "interpersonal": ["You build relationships.", "You manage stakeholders.",
                      "You mentor juniors.", "You work cross-functionally.",
                      "You lead our engineering team."],
    "communication_storytelling": ["You present to executives.", "You evangelize the product.",
                                   "You articulate the vision.", "You write well."],
    "creative_thinking": ["You think outside the box.", "You are curious.",
                          "You love ideation.", "You drive innovation."],
    "empathy": ["You are customer obsessed.", "You are user-centric.",
                "You have a passion for users.", "You understand user needs."],
    "influence_without_authority": ["You influence without authority.", "You build consensus.",
                                    "You drive alignment.", "You get buy-in.",
                                    "You build stakeholder consensus."],
}  # fmt: skip


@pytest.mark.parametrize("category", HEADLINE_CATEGORIES)
def test_shipped_taxonomy_finds_what_the_guide_lists(shipped, category):
    frame = pl.DataFrame(
        {"posting_id": GUIDE_PROBES[category], "description_text": GUIDE_PROBES[category]}
    )
    found_in = posting_categories(skill_mentions(frame, shipped)).explode("categories")
    missed = set(GUIDE_PROBES[category]) - set(
        found_in.filter(pl.col("categories") == category)["posting_id"]
    )
    assert not missed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "GTM" alone names the go-to-market function (sales and marketing), not a plan
        ("You work closely with engineering and GTM.", []),
        ("You own the GTM strategy for new features.", ["go_to_market"]),
        ("- Own pricing, packaging and GTM for new products", ["go_to_market"]),
        ("You will lead GTM with product marketing for every launch.", ["go_to_market"]),
        ("You plan the go-to-market.", ["go_to_market"]),
    ],
)
def test_shipped_taxonomy_reads_gtm_as_a_plan_only(shipped, text, expected):
    skills = found(shipped, text)
    assert [sid for sid, _ in skills if sid == "go_to_market"] == expected
