"""Real seed data: UK public bodies and the exemptions they cite.

Pure data plus two idempotent loaders. The loaders take model classes as arguments so the
data migration can pass historical models (``apps.get_model``) and ``seed_demo`` can pass the
real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.text import slugify

NationCode = Literal["ENG", "WLS", "SCT", "NIR"]
RegimeCode = Literal["uk-foia", "scot-foisa"]
LawCode = Literal["uk-foia", "uk-eir", "scot-foisa"]

TAG_SLUGS: frozenset[str] = frozenset(
    {
        "central-government",
        "regulator",
        "nhs",
        "nhs-trust",
        "icb",
        "council",
        "police",
        "university",
        "devolved-government",
        "school",
        "audit",
        "health",
    }
)


@dataclass(frozen=True)
class BodySeed:
    name: str
    short_name: str
    nation: NationCode
    default_regime: RegimeCode
    foi_email: str
    website: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ExemptionSeed:
    law: LawCode
    section: str
    title: str
    is_absolute: bool


def _gov_uk(org: str) -> str:
    return f"https://www.gov.uk/government/organisations/{org}"


def _uk(
    name: str,
    short_name: str,
    website: str,
    *tags: str,
    nation: NationCode = "ENG",
    email: str = "",
) -> BodySeed:
    """A body under FOIA 2000 (England, Wales, Northern Ireland, and UK-wide bodies)."""
    return BodySeed(name, short_name, nation, "uk-foia", email, website, tags)


def _scot(name: str, short_name: str, website: str, *tags: str) -> BodySeed:
    """A Scottish public authority under FOISA 2002."""
    return BodySeed(name, short_name, "SCT", "scot-foisa", "", website, tags)


_CG = "central-government"

PUBLIC_BODIES: tuple[BodySeed, ...] = (
    # --- UK government departments (UK-wide, so nation ENG unless territorial) ---
    _uk("Cabinet Office", "", _gov_uk("cabinet-office"), _CG),
    _uk("HM Treasury", "HMT", _gov_uk("hm-treasury"), _CG),
    _uk("Home Office", "", _gov_uk("home-office"), _CG),
    _uk(
        "Department of Health and Social Care",
        "DHSC",
        _gov_uk("department-of-health-and-social-care"),
        _CG,
        "health",
    ),
    _uk("Department for Education", "DfE", _gov_uk("department-for-education"), _CG),
    _uk("Department for Work and Pensions", "DWP", _gov_uk("department-for-work-pensions"), _CG),
    _uk("Ministry of Justice", "MoJ", _gov_uk("ministry-of-justice"), _CG),
    _uk("Ministry of Defence", "MOD", _gov_uk("ministry-of-defence"), _CG),
    _uk(
        "Department for Energy Security and Net Zero",
        "DESNZ",
        _gov_uk("department-for-energy-security-and-net-zero"),
        _CG,
    ),
    _uk(
        "Department for Science, Innovation and Technology",
        "DSIT",
        _gov_uk("department-for-science-innovation-and-technology"),
        _CG,
    ),
    _uk(
        "Department for Business and Trade",
        "DBT",
        _gov_uk("department-for-business-and-trade"),
        _CG,
    ),
    _uk(
        "Department for Culture, Media and Sport",
        "DCMS",
        _gov_uk("department-for-culture-media-and-sport"),
        _CG,
    ),
    _uk(
        "Department for Environment, Food & Rural Affairs",
        "Defra",
        _gov_uk("department-for-environment-food-rural-affairs"),
        _CG,
    ),
    _uk("Department for Transport", "DfT", _gov_uk("department-for-transport"), _CG),
    _uk(
        "Ministry of Housing, Communities and Local Government",
        "MHCLG",
        _gov_uk("ministry-of-housing-communities-local-government"),
        _CG,
    ),
    _uk(
        "Foreign, Commonwealth & Development Office",
        "FCDO",
        _gov_uk("foreign-commonwealth-development-office"),
        _CG,
    ),
    _uk("HM Revenue & Customs", "HMRC", _gov_uk("hm-revenue-customs"), _CG),
    _uk("Attorney General's Office", "AGO", _gov_uk("attorney-generals-office"), _CG),
    _uk(
        "HM Courts & Tribunals Service",
        "HMCTS",
        _gov_uk("hm-courts-and-tribunals-service"),
        _CG,
    ),
    # Territorial offices are UK government departments, so FOIA even when based in Scotland.
    _uk(
        "Office of the Secretary of State for Scotland",
        "Scotland Office",
        _gov_uk("office-of-the-secretary-of-state-for-scotland"),
        _CG,
        nation="SCT",
    ),
    _uk(
        "Office of the Secretary of State for Wales",
        "Wales Office",
        _gov_uk("office-of-the-secretary-of-state-for-wales"),
        _CG,
        nation="WLS",
    ),
    _uk("Northern Ireland Office", "NIO", _gov_uk("northern-ireland-office"), _CG, nation="NIR"),
    # --- UK-wide agencies, regulators and audit ---
    _uk("National Audit Office", "NAO", "https://www.nao.org.uk", "audit"),
    _uk("NHS England", "", "https://www.england.nhs.uk", "nhs", "health"),
    _uk("NHS Business Services Authority", "NHSBSA", "https://www.nhsbsa.nhs.uk", "nhs", "health"),
    _uk("Information Commissioner's Office", "ICO", "https://ico.org.uk", "regulator"),
    _uk("UK Health Security Agency", "UKHSA", _gov_uk("uk-health-security-agency"), "health"),
    _uk(
        "Medicines and Healthcare products Regulatory Agency",
        "MHRA",
        _gov_uk("medicines-and-healthcare-products-regulatory-agency"),
        "regulator",
        "health",
    ),
    _uk(
        "National Institute for Health and Care Excellence",
        "NICE",
        "https://www.nice.org.uk",
        "health",
    ),
    _uk("Care Quality Commission", "CQC", "https://www.cqc.org.uk", "regulator", "health"),
    _uk("Office for National Statistics", "ONS", "https://www.ons.gov.uk", _CG),
    _uk("UK Statistics Authority", "UKSA", "https://uksa.statisticsauthority.gov.uk", _CG),
    _uk("Ofsted", "", _gov_uk("ofsted"), "regulator", "school"),
    _uk("Ofcom", "", "https://www.ofcom.org.uk", "regulator"),
    _uk("Environment Agency", "EA", _gov_uk("environment-agency"), "regulator"),
    _uk("Health and Safety Executive", "HSE", "https://www.hse.gov.uk", "regulator"),
    _uk("Financial Conduct Authority", "FCA", "https://www.fca.org.uk", "regulator"),
    _uk(
        "Office for Students",
        "OfS",
        "https://www.officeforstudents.org.uk",
        "regulator",
        "university",
    ),
    # --- Devolved governments ---
    _scot("Scottish Government", "", "https://www.gov.scot", "devolved-government"),
    _uk("Welsh Government", "", "https://www.gov.wales", "devolved-government", nation="WLS"),
    _uk(
        "The Executive Office",
        "TEO",
        "https://www.executiveoffice-ni.gov.uk",
        "devolved-government",
        nation="NIR",
    ),
    _uk(
        "Department of Health (Northern Ireland)",
        "DoH NI",
        "https://www.health-ni.gov.uk",
        "devolved-government",
        "health",
        nation="NIR",
    ),
    # --- Scotland (FOISA) ---
    _scot("Public Health Scotland", "PHS", "https://publichealthscotland.scot", "nhs", "health"),
    _scot("NHS National Services Scotland", "NSS", "https://www.nss.nhs.scot", "nhs", "health"),
    _scot("Audit Scotland", "", "https://audit.scot", "audit"),
    _scot("Scottish Information Commissioner", "SIC", "https://www.foi.scot", "regulator"),
    _scot("NHS Lothian", "", "https://www.nhslothian.scot", "nhs", "health"),
    _scot("NHS Greater Glasgow and Clyde", "NHSGGC", "https://www.nhsggc.scot", "nhs", "health"),
    _scot("NHS Grampian", "", "https://www.nhsgrampian.org", "nhs", "health"),
    _scot(
        "The City of Edinburgh Council",
        "Edinburgh Council",
        "https://www.edinburgh.gov.uk",
        "council",
    ),
    _scot("Glasgow City Council", "", "https://www.glasgow.gov.uk", "council"),
    _scot("Police Scotland", "", "https://www.scotland.police.uk", "police"),
    _scot("University of Edinburgh", "", "https://www.ed.ac.uk", "university"),
    _scot("University of Glasgow", "", "https://www.gla.ac.uk", "university"),
    # --- Wales (FOIA) ---
    _uk(
        "Cardiff and Vale University Health Board",
        "CAVUHB",
        "https://cavuhb.nhs.wales",
        "nhs",
        "health",
        nation="WLS",
    ),
    _uk(
        "Betsi Cadwaladr University Health Board",
        "BCUHB",
        "https://bcuhb.nhs.wales",
        "nhs",
        "health",
        nation="WLS",
    ),
    _uk(
        "Swansea Bay University Health Board",
        "SBUHB",
        "https://sbuhb.nhs.wales",
        "nhs",
        "health",
        nation="WLS",
    ),
    _uk(
        "Aneurin Bevan University Health Board",
        "ABUHB",
        "https://abuhb.nhs.wales",
        "nhs",
        "health",
        nation="WLS",
    ),
    _uk("Public Health Wales", "PHW", "https://phw.nhs.wales", "nhs", "health", nation="WLS"),
    _uk("Audit Wales", "", "https://www.audit.wales", "audit", nation="WLS"),
    _uk("Cardiff Council", "", "https://www.cardiff.gov.uk", "council", nation="WLS"),
    _uk("South Wales Police", "", "https://www.south-wales.police.uk", "police", nation="WLS"),
    _uk("Cardiff University", "", "https://www.cardiff.ac.uk", "university", nation="WLS"),
    # --- Northern Ireland (FOIA) ---
    _uk(
        "Belfast Health and Social Care Trust",
        "Belfast Trust",
        "https://belfasttrust.hscni.net",
        "health",
        nation="NIR",
        # Checked on the Trust's own FOI page (belfasttrust.hscni.net/about/
        # access-to-information/foi/). Seed an address only when checked like this.
        email="publicliaison@belfasttrust.hscni.net",
    ),
    _uk(
        "Northern Ireland Audit Office",
        "NIAO",
        "https://www.niauditoffice.gov.uk",
        "audit",
        nation="NIR",
    ),
    _uk("Belfast City Council", "", "https://www.belfastcity.gov.uk", "council", nation="NIR"),
    _uk(
        "Police Service of Northern Ireland",
        "PSNI",
        "https://www.psni.police.uk",
        "police",
        nation="NIR",
    ),
    _uk("Queen's University Belfast", "QUB", "https://www.qub.ac.uk", "university", nation="NIR"),
    # --- NHS trusts in England (acute, and mental-health trusts running NHS Talking Therapies) ---
    _uk(
        "Guy's and St Thomas' NHS Foundation Trust",
        "GSTT",
        "https://www.guysandstthomas.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Manchester University NHS Foundation Trust",
        "MFT",
        "https://mft.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Leeds Teaching Hospitals NHS Trust",
        "LTHT",
        "https://www.leedsth.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Barts Health NHS Trust",
        "",
        "https://www.bartshealth.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Imperial College Healthcare NHS Trust",
        "",
        "https://www.imperial.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "University College London Hospitals NHS Foundation Trust",
        "UCLH",
        "https://www.uclh.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "King's College Hospital NHS Foundation Trust",
        "",
        "https://www.kch.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Great Ormond Street Hospital for Children NHS Foundation Trust",
        "GOSH",
        "https://www.gosh.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "University Hospitals Birmingham NHS Foundation Trust",
        "UHB",
        "https://www.uhb.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Sheffield Teaching Hospitals NHS Foundation Trust",
        "STH",
        "https://www.sth.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        "",
        "https://www.newcastle-hospitals.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Cambridge University Hospitals NHS Foundation Trust",
        "CUH",
        "https://www.cuh.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Oxford Health NHS Foundation Trust",
        "",
        "https://www.oxfordhealth.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "South London and Maudsley NHS Foundation Trust",
        "SLaM",
        "https://slam.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Central and North West London NHS Foundation Trust",
        "CNWL",
        "https://www.cnwl.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Greater Manchester Mental Health NHS Foundation Trust",
        "GMMH",
        "https://www.gmmh.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Birmingham and Solihull Mental Health NHS Foundation Trust",
        "BSMHFT",
        "https://www.bsmhft.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    _uk(
        "Cornwall Partnership NHS Foundation Trust",
        "",
        "https://www.cornwallft.nhs.uk",
        "nhs",
        "nhs-trust",
        "health",
    ),
    # --- Integrated Care Boards (England) ---
    _uk(
        "NHS Greater Manchester Integrated Care Board",
        "NHS GM",
        "https://gmintegratedcare.org.uk",
        "nhs",
        "icb",
        "health",
    ),
    _uk(
        "NHS West Yorkshire Integrated Care Board",
        "WY ICB",
        "https://www.westyorkshire.icb.nhs.uk",
        "nhs",
        "icb",
        "health",
    ),
    _uk(
        "NHS North East London Integrated Care Board",
        "NHS NEL",
        "https://www.northeastlondon.icb.nhs.uk",
        "nhs",
        "icb",
        "health",
    ),
    _uk(
        "NHS South East London Integrated Care Board",
        "NHS SEL",
        "https://www.selondonics.org",
        "nhs",
        "icb",
        "health",
    ),
    # --- Councils (England) ---
    _uk("Birmingham City Council", "", "https://www.birmingham.gov.uk", "council"),
    _uk("Manchester City Council", "", "https://www.manchester.gov.uk", "council"),
    _uk("Leeds City Council", "", "https://www.leeds.gov.uk", "council"),
    _uk("Bristol City Council", "", "https://www.bristol.gov.uk", "council"),
    _uk("Cornwall Council", "", "https://www.cornwall.gov.uk", "council"),
    _uk("Kent County Council", "KCC", "https://www.kent.gov.uk", "council"),
    _uk("London Borough of Camden", "Camden Council", "https://www.camden.gov.uk", "council"),
    # --- Police (England) ---
    _uk("Metropolitan Police Service", "Met", "https://www.met.police.uk", "police"),
    _uk("Greater Manchester Police", "GMP", "https://www.gmp.police.uk", "police"),
    _uk("West Midlands Police", "WMP", "https://www.westmidlands.police.uk", "police"),
    _uk("West Yorkshire Police", "WYP", "https://www.westyorkshire.police.uk", "police"),
    # --- Universities (England) ---
    _uk("University of Oxford", "", "https://www.ox.ac.uk", "university"),
    _uk("University of Cambridge", "", "https://www.cam.ac.uk", "university"),
    _uk("University College London", "UCL", "https://www.ucl.ac.uk", "university"),
    _uk("King's College London", "KCL", "https://www.kcl.ac.uk", "university"),
    _uk("University of Manchester", "", "https://www.manchester.ac.uk", "university"),
    # --- Schools (academy trusts are public authorities under FOIA Sch. 1 para 52A) ---
    _uk("Harris Federation", "", "https://www.harrisfederation.org.uk", "school"),
)


EXEMPTIONS: tuple[ExemptionSeed, ...] = (
    # --- Freedom of Information Act 2000 ---
    # ss.12 and 14 are not Part II exemptions, but they are routinely cited as refusal grounds.
    ExemptionSeed(
        "uk-foia", "12", "Exemption where cost of compliance exceeds appropriate limit", False
    ),
    ExemptionSeed("uk-foia", "14", "Vexatious or repeated requests", False),
    ExemptionSeed("uk-foia", "21", "Information accessible to applicant by other means", True),
    ExemptionSeed("uk-foia", "22", "Information intended for future publication", False),
    ExemptionSeed("uk-foia", "22A", "Research", False),
    ExemptionSeed(
        "uk-foia",
        "23",
        "Information supplied by, or relating to, bodies dealing with security matters",
        True,
    ),
    ExemptionSeed("uk-foia", "24", "National security", False),
    ExemptionSeed("uk-foia", "26", "Defence", False),
    ExemptionSeed("uk-foia", "27", "International relations", False),
    ExemptionSeed("uk-foia", "28", "Relations within the United Kingdom", False),
    ExemptionSeed("uk-foia", "29", "The economy", False),
    ExemptionSeed(
        "uk-foia", "30", "Investigations and proceedings conducted by public authorities", False
    ),
    ExemptionSeed("uk-foia", "31", "Law enforcement", False),
    ExemptionSeed("uk-foia", "32", "Court records, etc.", True),
    ExemptionSeed("uk-foia", "33", "Audit functions", False),
    ExemptionSeed("uk-foia", "34", "Parliamentary privilege", True),
    ExemptionSeed("uk-foia", "35", "Formulation of government policy, etc.", False),
    # s.36 is absolute only for information held by the House of Commons or the House of Lords
    # (s.2(3)(e)); every other public authority must apply the public interest test.
    ExemptionSeed("uk-foia", "36", "Prejudice to effective conduct of public affairs", False),
    # s.37(1)(a)-(ab) (the Sovereign, the heir and second in line) are absolute since the
    # Constitutional Reform and Governance Act 2010 (s.2(3)(ea)); the rest of s.37 is qualified.
    ExemptionSeed("uk-foia", "37", "Communications with Her Majesty, etc. and honours", False),
    ExemptionSeed("uk-foia", "38", "Health and safety", False),
    ExemptionSeed("uk-foia", "39", "Environmental information", False),
    # s.40 is absolute in part: s.40(1) (the requester's own data) and s.40(2) where the first
    # condition (disclosure would breach the data protection principles) is met (s.2(3)(f), (fa)).
    # Other limbs are qualified, so a single row cannot honestly be marked absolute.
    ExemptionSeed("uk-foia", "40", "Personal information", False),
    ExemptionSeed("uk-foia", "41", "Information provided in confidence", True),
    ExemptionSeed("uk-foia", "42", "Legal professional privilege", False),
    ExemptionSeed("uk-foia", "43", "Commercial interests", False),
    ExemptionSeed("uk-foia", "44", "Prohibitions on disclosure", True),
    # --- Environmental Information Regulations 2004 ---
    # Every reg. 12 exception is subject to the public interest test (reg. 12(1)(b)), with a
    # presumption in favour of disclosure (reg. 12(2)). The regulations have no section headings
    # beyond reg. 12 itself, so the titles below summarise each paragraph's wording.
    ExemptionSeed(
        "uk-eir", "12(3)", "Personal data of which the applicant is not the data subject", False
    ),
    ExemptionSeed("uk-eir", "12(4)(a)", "Information not held", False),
    ExemptionSeed("uk-eir", "12(4)(b)", "Manifestly unreasonable", False),
    ExemptionSeed("uk-eir", "12(4)(c)", "Request formulated in too general a manner", False),
    ExemptionSeed(
        "uk-eir",
        "12(4)(d)",
        "Material still in the course of completion, unfinished documents or incomplete data",
        False,
    ),
    ExemptionSeed("uk-eir", "12(4)(e)", "Internal communications", False),
    ExemptionSeed(
        "uk-eir",
        "12(5)(a)",
        "International relations, defence, national security or public safety",
        False,
    ),
    ExemptionSeed(
        "uk-eir",
        "12(5)(b)",
        "The course of justice, fair trial, or criminal or disciplinary inquiries",
        False,
    ),
    ExemptionSeed("uk-eir", "12(5)(c)", "Intellectual property rights", False),
    ExemptionSeed("uk-eir", "12(5)(d)", "Confidentiality of proceedings", False),
    ExemptionSeed(
        "uk-eir", "12(5)(e)", "Confidentiality of commercial or industrial information", False
    ),
    ExemptionSeed(
        "uk-eir",
        "12(5)(f)",
        "Interests of the person who voluntarily provided the information",
        False,
    ),
    ExemptionSeed("uk-eir", "12(5)(g)", "Protection of the environment", False),
    # Like FOIA s.40, reg. 13 is without a public interest test only where the first condition
    # applies (reg. 13(2A)(a), (3A)); other limbs are qualified, so it is not marked absolute.
    ExemptionSeed("uk-eir", "13", "Personal data", False),
    # --- Freedom of Information (Scotland) Act 2002 ---
    ExemptionSeed("scot-foisa", "12", "Excessive cost of compliance", False),
    ExemptionSeed("scot-foisa", "14", "Vexatious or repeated requests", False),
    ExemptionSeed("scot-foisa", "25", "Information otherwise accessible", True),
    ExemptionSeed("scot-foisa", "26", "Prohibitions on disclosure", True),
    ExemptionSeed("scot-foisa", "27", "Information intended for future publication", False),
    ExemptionSeed("scot-foisa", "28", "Relations within the United Kingdom", False),
    ExemptionSeed("scot-foisa", "29", "Formulation of Scottish Administration policy etc.", False),
    ExemptionSeed("scot-foisa", "30", "Prejudice to effective conduct of public affairs", False),
    ExemptionSeed("scot-foisa", "31", "National security and defence", False),
    ExemptionSeed("scot-foisa", "32", "International relations", False),
    ExemptionSeed("scot-foisa", "33", "Commercial interests and the economy", False),
    ExemptionSeed(
        "scot-foisa",
        "34",
        "Investigations by Scottish public authorities and proceedings arising out of such "
        "investigations",
        False,
    ),
    ExemptionSeed("scot-foisa", "35", "Law enforcement", False),
    # s.36 ("Confidentiality") is split because s.2(2)(c) makes only s.36(2) absolute.
    ExemptionSeed(
        "scot-foisa", "36(1)", "Confidentiality (confidentiality of communications)", False
    ),
    ExemptionSeed(
        "scot-foisa", "36(2)", "Confidentiality (information obtained in confidence)", True
    ),
    ExemptionSeed("scot-foisa", "37", "Court records, etc.", True),
    # s.38 is absolute in part (s.2(2)(e)): s.38(1)(a), (c), (d), and (b) where the first
    # condition is met. Other limbs are qualified, so it is not marked absolute.
    ExemptionSeed("scot-foisa", "38", "Personal information", False),
    ExemptionSeed("scot-foisa", "39", "Health, safety and the environment", False),
    ExemptionSeed("scot-foisa", "40", "Audit functions", False),
    # Unlike FOIA s.37, both limbs of FOISA s.41 remain subject to the public interest test.
    ExemptionSeed("scot-foisa", "41", "Communications with Her Majesty etc. and honours", False),
)


# Tag names that plain capitalisation would get wrong.
TAG_NAMES = {"nhs": "NHS", "nhs-trust": "NHS trust", "icb": "Integrated care board"}


def _tag_name(slug: str) -> str:
    return TAG_NAMES.get(slug, slug.replace("-", " ").capitalize())


def seed_public_bodies(PublicBody: type[Any], Tag: type[Any]) -> int:
    """Create or update every body in PUBLIC_BODIES (matched by name) and its tags.

    Seeded fields are brought back in line with the data on every run; ``notes`` and
    ``is_active`` are left alone, and an existing body keeps its slug. Returns how many
    bodies were created.
    """
    tags: dict[str, Any] = {}
    for slug in sorted({slug for body in PUBLIC_BODIES for slug in body.tags}):
        tags[slug], _ = Tag.objects.get_or_create(slug=slug, defaults={"name": _tag_name(slug)})

    created_count = 0
    for body in PUBLIC_BODIES:
        fields = {
            "short_name": body.short_name,
            "website": body.website,
            "nation": body.nation,
            "default_regime": body.default_regime,
        }
        # An address is only ever added, never overwritten: one a person set (with who and
        # when) is worth more than the seed, and an empty seed must not erase it.
        obj, created = PublicBody.objects.update_or_create(
            name=body.name,
            defaults=fields,
            create_defaults={**fields, "foi_email": body.foi_email, "slug": slugify(body.name)},
        )
        if body.foi_email and not obj.foi_email:
            PublicBody.objects.filter(pk=obj.pk).update(foi_email=body.foi_email)
        obj.tags.set([tags[slug] for slug in body.tags])
        created_count += int(created)
    return created_count


def seed_exemptions(Exemption: type[Any]) -> int:
    """Create or update every exemption in EXEMPTIONS, matched by (law, section).

    Returns how many were created.
    """
    created_count = 0
    for exemption in EXEMPTIONS:
        _, created = Exemption.objects.update_or_create(
            law=exemption.law,
            section=exemption.section,
            defaults={"title": exemption.title, "is_absolute": exemption.is_absolute},
        )
        created_count += int(created)
    return created_count
