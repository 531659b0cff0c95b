import re

import polars as pl
import pytest

from transforms import titles
from transforms.titles import classify_post, classify_title, post_roles, title_roles


@pytest.mark.parametrize(
    ("title", "role", "seniority"),
    [
        # the PM family and each seniority rung
        ("Product Manager Intern", "pm", "intern"),
        ("Associate Product Manager", "pm", "associate"),
        ("APM, Payments", "pm", "associate"),
        ("Junior Product Manager", "pm", "associate"),
        ("Product Manager, Fintech", "pm", "mid"),
        ("Product Manager II", "pm", "mid"),
        ("Founding Product Manager", "pm", "mid"),
        ("Technical Product Manager", "pm", "mid"),
        ("Product Management", "pm", "mid"),
        ("Sr. Product Manager", "pm", "senior"),
        ("Product Manager (Sr)", "pm", "senior"),
        ("Senior PM, Storage", "pm", "senior"),
        ("Senior/Staff Product Manager, AI", "pm", "senior"),  # alternatives: the lower rung
        ("Principal Product Manager", "pm", "lead"),
        ("Staff Product Manager", "pm", "lead"),
        ("Product Lead", "pm", "lead"),
        ("Product Growth Lead", "pm", "lead"),
        ("Group Product Manager - Monetization", "pm", "group"),
        ("Director of Product", "pm", "director"),
        ("Sr Director of Product, Value Based Care Apps", "pm", "director"),
        ("Head of Product", "pm", "vp"),
        ("VP of Product Management", "pm", "vp"),
        ("Head of Product & Engineering", "pm", "vp"),
        ("Chief Product Officer", "pm", "cpo"),
        ("Chief Product & Technology Officer", "pm", "cpo"),
        ("Head of Product / Chief Product Officer", "pm", "vp"),  # alternatives: the lower
        ("Senior Manager, Product", "pm", "senior"),
        ("Lead, Product", "pm", "lead"),
        ("Product & Growth Lead", "pm", "lead"),
        ("Product Line Manager", "pm", "mid"),
        ("Product", "pm", "mid"),
        ("Various Engineering, Product, Machine Learning, Analytics roles", "pm", "mid"),
        ("EdTech Product/Sales Manager", "pm", "mid"),
        # product owner, kept apart
        ("Product Owner", "product_owner", "mid"),
        ("Senior Technical Product Owner", "product_owner", "senior"),
        # look-alikes
        ("Product Marketing Manager", "not_pm", None),
        ("Head of Product Marketing", "not_pm", None),
        ("Product Designer", "not_pm", None),
        ("Product Design Lead", "not_pm", None),
        ("Director, Product Design", "not_pm", None),
        ("Senior Product Engineer", "not_pm", None),
        ("Software Engineer, Product", "not_pm", None),
        ("Product Analyst", "not_pm", None),
        ("Product Operations Lead", "not_pm", None),
        ("Program Manager", "not_pm", None),
        ("Technical Program Manager (TPM)", "not_pm", None),
        ("Project Manager (PM)", "not_pm", None),
        ("Engineering Manager", "not_pm", None),
        ("Engineering Manager, Product", "not_pm", None),
        ("Senior Manager, Product Marketing", "not_pm", None),
        ("Product/Design Lead", "not_pm", None),
        ("Software Eng (Product)", "not_pm", None),
        ("Chief of Staff", "not_pm", None),
        ("Product Strategy", "not_pm", None),
        ("Data Platform Owner", "not_pm", None),
        ("", "not_pm", None),
        (None, "not_pm", None),
    ],
)
def test_classify_title(title: str | None, role: str, seniority: str | None) -> None:
    assert classify_title(title) == (role, seniority)


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Senior Product Manager"], [("pm", "senior")]),
        (["Product Designer", None], [("not_pm", None), ("not_pm", None)]),
        (["Agile Product Owner", "VP Product"], [("product_owner", "mid"), ("pm", "vp")]),
    ],
)
def test_title_roles(titles: list[str | None], expected: list[tuple]) -> None:
    frame = pl.LazyFrame({"posting_id": [f"gh:{i}" for i in range(len(titles))], "title": titles})
    got = title_roles(frame).collect()
    assert got.columns == ["posting_id", "title", "role", "seniority"]
    assert got.select("role", "seniority").rows() == expected


@pytest.mark.parametrize(
    ("text", "is_pm", "seniority", "multi_role"),
    [
        # header line segments
        ("Acme | Senior Product Manager | NYC | ONSITE\nWe build tools.", True, "senior", False),
        ("Acme | Engineers, Designers, Product Managers | Remote", True, "mid", True),
        ("Acme | Software Engineering & Product Management | Berlin", True, "mid", True),
        # bullet lists of roles, and a URL naming the role
        ("Acme - Boston\nOpen roles:\n- Backend Engineer\n- Head of Product", True, "vp", True),
        (
            "Acme | Amsterdam\n• Senior Product Manager - http://jobs.acme.com/product-manager",
            True,
            "senior",
            False,
        ),
        # hiring sentences, plural forms
        (
            "Acme, NYC.\nWe're hiring developers, product managers and UX designers.",
            True,
            "mid",
            True,
        ),
        ("Acme | SF\nWe are looking for a Product Manager to own our roadmap.", True, "mid", False),
        # passing mentions are not openings
        (
            "Acme | Backend Engineer | SF\nYou will work closely with our product managers.",
            False,
            None,
            False,
        ),
        (
            "Acme | Frontend Developer | NYC\nAcme was founded by a former product manager at "
            "Google. Our product team ships weekly.",
            False,
            None,
            False,
        ),
        (
            "Acme | Data Engineer | London\nYou'll partner with the Head of Product and report "
            "to the CTO.",
            False,
            None,
            False,
        ),
        (
            "Acme | Backend Engineer\nRequirements:\n- 3+ years of product management experience",
            False,
            None,
            False,
        ),
        # look-alikes in the header
        ("Acme | Product Designer, Product Marketing Manager | Remote", False, None, True),
        ("Acme | Technical Program Manager | Seattle", False, None, False),
        # several kinds of roles without a PM
        (
            "Acme | Remote\nWe're hiring a Rails engineer, a designer and a recruiter.",
            False,
            None,
            True,
        ),
        ("Acme | Remote | Multiple roles\nSee acme.com/jobs.", False, None, True),
        # "Product" as one department among the openings, and its look-alikes
        ("Acme | Engineering & Product | Hybrid", True, "mid", True),
        ("Acme | Remote\nWe're hiring across Product, Infrastructure, and ML.", True, "mid", True),
        ("Modal | Software Engineers (Product, System, SDK) | SF", False, None, False),
        ("Acme | NYC\nWe're hiring product, AI, and platform engineers.", False, None, False),
        ("Acme | NYC\nProduct:\nWe build a dashboard for clinics.", False, None, False),
        ("Acme | Software Engineer: Product | NYC", False, None, False),
        ("Acme | Product and (Web) QA Engineers | NYC", False, None, False),
        ("Acme | NYC\n- Great UI/UX, product and design sense.", False, None, False),
        (
            "Acme | Remote\nWe've got a number of roles available in engineering, product, "
            "design, sales, and customer experience.",
            True,
            "mid",
            True,
        ),
        # a title opening a line, a team description, "no PMs", hard-wrapped text
        (
            "Acme | Remote\nProduct Manager (AI Speech): Drive product strategy and work with "
            "our research team on evaluation.",
            True,
            "mid",
            False,
        ),
        (
            "Acme | Backend Engineer | NYC\nDevelopers, designers and product managers work "
            "together in small cross functional teams.",
            False,
            None,
            False,
        ),
        (
            "Acme | Founding Engineer | Boston\nCulture: No Jira. No PMs. Just code.",
            False,
            None,
            False,
        ),
        (
            "Acme | Backend Engineer | SF\nYou will work closely with our small teams of\n"
            "developers, QA analysts,\nproduct managers and designers.",
            False,
            None,
            False,
        ),
        (
            "Acme | SF\nWe are hiring for 3 roles:\n1) Product Manager - Boston\n"
            "2) Android Team Leader - Tel Aviv",
            True,
            "mid",
            True,
        ),
        # a title closing a list of roles; 'with' heading an earlier item
        (
            "Stash | Lead Data Engineer, Senior iOS Engineer, Data Scientist, Director of "
            "Information Security, Technical Product Manager | New York, NY",
            True,
            "mid",
            True,
        ),
        (
            "Acme | SF\nWe're also looking for a devops engineer, engineers with security "
            "expertise, a designer and a VP of product.",
            True,
            "vp",
            True,
        ),
        # perks, bios, interview steps and blog links are not openings
        (
            "Acme | Backend Engineer | Remote\nPerks:\n- A stellar, technical Product lead, plus "
            "leadership that values input.",
            False,
            None,
            False,
        ),
        (
            "Acme | Backend Engineer | Remote\nOur founders are an ex-Google engineer and a "
            "long-time Google Product Manager.",
            False,
            None,
            False,
        ),
        (
            "Acme | Backend Engineer | Remote\nProcess:\n- Chat w/ a Product Manager",
            False,
            None,
            False,
        ),
        (
            "Acme | Backend Engineer\nSee https://medium.com/@acme/how-product-managers-work",
            False,
            None,
            False,
        ),
        ("Acme | Remote\nOpen roles:\n[4] Product Manager (UK/Ireland/Poland)", True, "mid", False),
        # "PM" meaning project manager, or a private message
        (
            "Acme | PM, SRE, Book Curator | SF\n- Project Manager for an existing team\n"
            "- SRE for our storage",
            False,
            None,
            True,
        ),
        ("Acme | Full Stack Engineer | Malmo\nPM:@buren", False, None, False),
        # "a team of", team labels, "As a PM ..., you will", "apply for"
        (
            "Acme | Backend Engineer | NYC\nWe're a team of engineers and product managers.",
            False,
            None,
            False,
        ),
        (
            "Acme | NYC\nWe are looking to hire a core team of engineers and product managers.",
            True,
            "mid",
            True,
        ),
        (
            "Acme | Backend Engineer | NYC\nThe team: 4 engineers, 1 designer, 1 product manager.",
            False,
            None,
            False,
        ),
        (
            "Acme | NYC\nAs a Product Manager at Acme, you will own the roadmap for our API.",
            True,
            "mid",
            False,
        ),
        (
            "Acme | NYC\nApply for the Senior Product Manager role here: https://acme.com/jobs/1",
            True,
            "senior",
            False,
        ),
        ("Acme | NYC\nHiring: PM (Payments)", True, "mid", False),
        ("", False, None, False),
        (None, False, None, False),
    ],
)
def test_classify_post(
    text: str | None, is_pm: bool, seniority: str | None, multi_role: bool
) -> None:
    got = classify_post(text)
    assert (got["is_pm"], got["seniority"], got["multi_role"]) == (is_pm, seniority, multi_role)
    assert (got["role"] != "not_pm") == is_pm
    assert bool(got["pm_titles"]) == is_pm


@pytest.mark.parametrize(
    ("text", "pm_titles", "title"),
    [
        (
            "Acme | Product Manager, Data Scientist | NYC",
            ["Product Manager"],
            "Product Manager, Data Scientist",
        ),
        (
            "Acme | NYC\nRoles:\n* Product Manager (Game Experience): https://acme.com/1",
            ["Product Manager (Game Experience)"],
            "Product Manager (Game Experience)",
        ),
        ("Acme | Backend Engineer | NYC", [], "Backend Engineer"),
        (
            "Acme | NYC\nLendUp is looking for Product Managers, Software Engineers and Data "
            "Scientists.",
            ["Product Managers"],
            "Product Managers",
        ),
        (
            "Acme | Engineer (Lead | Staff) & Staff Product Manager | Remote",
            ["Staff Product Manager"],
            "Engineer (Lead | Staff) & Staff Product Manager",
        ),
        ("We build things and are always happy to chat.", [], None),
    ],
)
def test_classify_post_titles(text: str, pm_titles: list[str], title: str | None) -> None:
    got = classify_post(text)
    assert got["pm_titles"] == pm_titles
    assert got["title"] == title


def test_post_roles_adds_columns() -> None:
    frame = pl.LazyFrame(
        {
            "posting_id": ["hn:1", "hn:2", "hn:3"],
            "description_text": [
                "Acme | Product Owner, QA Engineer | Remote",
                "Acme | Backend Engineer | NYC\nYou will work with our PMs.",
                None,
            ],
        }
    )
    got = post_roles(frame).collect()
    assert got.select("is_pm", "role", "seniority", "pm_titles", "multi_role").rows() == [
        (True, "product_owner", "mid", ["Product Owner"], True),
        (False, "not_pm", None, [], False),
        (False, "not_pm", None, [], False),
    ]
    assert got["header_title"].to_list() == ["Product Owner, QA Engineer", "Backend Engineer", None]
    assert got.schema["pm_titles"] == pl.List(pl.String)


# The readable forms of two separators that titles.py writes in a faster, equivalent form.
READABLE_HEADER_SEP = re.compile(r"\s*(?:\||;|\s[-–—]\s|\s--\s|\s//\s|\s::\s|\s·\s|\s•\s)\s*")
READABLE_SENTENCE = re.compile(
    r"(?<=[.!?])(?<![SJsj]r\.)(?<!e\.g\.)(?<!i\.e\.)(?<!Inc\.)(?<!vs\.)(?<!Dir\.)(?<!\bst\.)"
    r"\s+(?=[A-Z0-9(\"'])|\s+[-–—]\s+(?=[A-Z])|;\s+"
)
SEPARATOR_CASES = [
    "Acme | Senior PM | NYC | Remote",
    "Acme  -  PM -- Berlin // Remote :: Full-time · Onsite • Visa",
    "a;b ; c |d| e  |  f",
    "Acme — PM – Berlin - remote",
    "We ship. Then we rest! Why? 42 PMs. Sr. PM, Jr. dev, e.g. Go, i.e. Rust. Acme Inc. Rocks",
    "Talk to Dir. Smith vs. Jones at the 1st. Ave. (NYC) \"quoted\" 'single'",
    "trailing space. \t  Next - Line - with dashes; and semicolons;  more",
    " leading | ",
    "",
]


@pytest.mark.parametrize("text", SEPARATOR_CASES)
def test_fast_separators_split_like_the_readable_ones(text: str) -> None:
    assert titles._HEADER_SEP.split(text) == READABLE_HEADER_SEP.split(text)
    assert titles._SENTENCE.split(text) == READABLE_SENTENCE.split(text)


def test_word_count_is_capped_but_compares_the_same() -> None:
    text = "one two three four five six seven eight http://x.io www.y.com"
    assert titles._n_words(text, 12) == 8
    assert titles._n_words(text, 6) == 7  # more than 6: comes back as 7
    assert titles._n_words("a " * 100, 12) == 13
