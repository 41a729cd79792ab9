"""The demo newsroom: sections, initiatives with their milestones, editors and back-office accounts.

Facts (names, dates, places) come from the seed article and from well-known public record; every sentence
is our own. Native-script names of the editors are demo data, chosen to be plausible.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from editorial.newsroom.roles import ROLE_CHIEF_EDITOR, ROLE_COPYRIGHT_OFFICER, ROLE_EDITOR, ROLE_RESPONSIBLE_EDITOR


@dataclass(frozen=True)
class SectionData:
    slug: str
    name: str
    description: str
    order: int


@dataclass(frozen=True)
class InitiativeData:
    slug: str
    name: str
    short_name: str
    summary: str
    description: str
    launched_on: datetime.date
    launched_at: str
    order: int


@dataclass(frozen=True)
class MilestoneData:
    initiative: str  # initiative slug
    date: datetime.date
    place: str
    title: str
    summary: str
    article: str = ""  # slug of our article about it, if any


@dataclass(frozen=True)
class EditorData:
    slug: str
    display_name: str
    native_name: str
    title: str
    bio: str
    initials: str


@dataclass(frozen=True)
class AccountData:
    username: str
    first_name: str
    last_name: str
    role: str  # a group from editorial.newsroom.roles, or "" for the superuser
    editor: str = ""  # slug of the Editor profile this account belongs to


D = datetime.date

SECTIONS = [
    SectionData("world", "World", "News from every region, and the institutions where countries meet.", 10),
    SectionData("china", "China", "Policy, society and technology in China, and how they reach abroad.", 20),
    SectionData("diplomacy", "Diplomacy", "Summits, speeches and the proposals that come out of them.", 30),
    SectionData("economy", "Economy", "Trade, investment, infrastructure and development finance.", 40),
    SectionData("opinion", "Opinion", "Analysis and argument from our editors and invited writers.", 50),
]

CSF = "community-with-a-shared-future-for-mankind"
BRI = "belt-and-road-initiative"
GDI = "global-development-initiative"
GSI = "global-security-initiative"
GCI = "global-civilization-initiative"

INITIATIVES = [
    InitiativeData(
        slug=BRI,
        name="Belt and Road Initiative",
        short_name="BRI",
        summary="A programme of land and sea links, trade corridors and infrastructure finance across Eurasia "
        "and beyond.",
        description=(
            "Put forward in two speeches in the autumn of 2013, the initiative joins an overland "
            "“Silk Road Economic Belt” through Central Asia to a “21st Century Maritime Silk Road” through "
            "South-East Asian ports. It covers railways, ports, power plants and roads, along with trade "
            "rules, finance and exchanges between universities and the media. Its progress is reviewed at "
            "a Belt and Road Forum held in Beijing."
        ),
        launched_on=D(2013, 9, 7),
        launched_at="Nazarbayev University, Astana, Kazakhstan",
        order=10,
    ),
    InitiativeData(
        slug=GDI,
        name="Global Development Initiative",
        short_name="GDI",
        summary="A proposal to put development, and the UN's 2030 Agenda, back at the centre of international "
        "cooperation.",
        description=(
            "Announced at the United Nations General Assembly in September 2021, the initiative names eight "
            "areas for joint work: poverty reduction, food security, pandemic response and vaccines, "
            "financing for development, climate change and green growth, industrialisation, the digital "
            "economy, and connectivity. A Group of Friends at the UN in New York brings supporting "
            "countries together."
        ),
        launched_on=D(2021, 9, 21),
        launched_at="General debate of the 76th UN General Assembly, New York (by video)",
        order=20,
    ),
    InitiativeData(
        slug=GSI,
        name="Global Security Initiative",
        short_name="GSI",
        summary="A framework for common, comprehensive, cooperative and sustainable security, launched at the "
        "Boao Forum for Asia.",
        description=(
            "First set out in April 2022, the initiative argues that no country can make itself safe at "
            "the expense of others. It rests on six commitments, among them respect for sovereignty and "
            "territorial integrity, the purposes of the UN Charter, taking every country's legitimate "
            "security concerns seriously, and settling disputes by dialogue. A concept paper published in "
            "February 2023 lists the areas where it seeks cooperation."
        ),
        launched_on=D(2022, 4, 21),
        launched_at="Opening of the Boao Forum for Asia Annual Conference, Boao, Hainan",
        order=30,
    ),
    InitiativeData(
        slug=GCI,
        name="Global Civilization Initiative",
        short_name="GCI",
        summary="A call for respect among civilisations, shared human values, and more exchange between peoples.",
        description=(
            "Proposed in March 2023 to an audience of political parties from around the world, the "
            "initiative asks countries to respect the diversity of civilisations, to uphold values that "
            "all of humanity holds in common, to value both heritage and renewal, and to widen "
            "people-to-people exchange and cooperation."
        ),
        launched_on=D(2023, 3, 15),
        launched_at="CPC in Dialogue with World Political Parties High-level Meeting, Beijing (by video)",
        order=40,
    ),
    InitiativeData(
        slug=CSF,
        name="Community with a Shared Future for Mankind",
        short_name="Shared future",
        summary="The idea that ties the other initiatives together: countries whose futures are bound up with "
        "one another.",
        description=(
            "First presented to an international audience in Moscow in March 2013, the idea holds that "
            "interdependence makes the fortunes of countries inseparable. Later speeches at the United "
            "Nations in New York and Geneva gave it a five-part shape, often called the “Five Worlds”: "
            "lasting peace, universal security, common prosperity, openness and inclusiveness, and a clean "
            "and beautiful planet. It has since been applied to particular fields, from cyberspace and "
            "nuclear security to the oceans and public health; we follow those as milestones of this one "
            "idea rather than as separate initiatives."
        ),
        launched_on=D(2013, 3, 23),
        launched_at="Moscow State Institute of International Relations, Moscow",
        order=50,
    ),
]

MILESTONES = [
    # Community with a shared future
    MilestoneData(
        CSF,
        D(2013, 3, 23),
        "Moscow State Institute of International Relations, Moscow",
        "The idea is put to an international audience",
        "In a lecture to students and diplomats on his first trip abroad as president, Xi Jinping described a "
        "world in which countries depend on one another so closely that their futures are shared.",
        article="moscow-lecture-introduces-a-shared-future-to-the-world",
    ),
    MilestoneData(
        CSF,
        D(2015, 9, 28),
        "United Nations Headquarters, New York",
        "A five-part outline at the UN's seventieth session",
        "At the general debate marking seventy years of the United Nations, the idea was broken down into "
        "partnership, security, development, exchange among civilisations and the environment.",
        article="at-the-uns-seventieth-session-a-five-part-case-for-partnership",
    ),
    MilestoneData(
        CSF,
        D(2015, 12, 16),
        "World Internet Conference, Wuzhen, Zhejiang",
        "Applied to cyberspace",
        "The second World Internet Conference heard a proposal to treat the internet as a space whose "
        "governance is shared by all countries.",
        article="wuzhen-hears-a-proposal-for-a-shared-future-in-cyberspace",
    ),
    MilestoneData(
        CSF,
        D(2016, 4, 1),
        "Nuclear Security Summit, Washington, D.C.",
        "Applied to nuclear security",
        "At the last of the nuclear security summits, China argued for a stronger global system to keep "
        "nuclear material safe, framed as a shared responsibility.",
    ),
    MilestoneData(
        CSF,
        D(2017, 1, 18),
        "Palais des Nations, Geneva",
        "The “Five Worlds” vision",
        "A speech at the UN's European headquarters set out five goals for the world: lasting peace, "
        "universal security, common prosperity, openness and inclusiveness, and a clean and beautiful planet.",
        article="geneva-speech-sets-out-five-goals-for-the-world",
    ),
    MilestoneData(
        CSF,
        D(2019, 4, 23),
        "Qingdao, Shandong",
        "Applied to the oceans",
        "Meeting foreign naval delegations at the navy's seventieth anniversary, Xi Jinping spoke of a "
        "maritime community with a shared future.",
        article="qingdao-naval-anniversary-puts-the-oceans-on-the-agenda",
    ),
    MilestoneData(
        CSF,
        D(2020, 5, 18),
        "73rd World Health Assembly (by video)",
        "Applied to public health",
        "Addressing the World Health Assembly early in the pandemic, China called for a global community of "
        "health for all.",
        article="health-assembly-hears-call-for-a-community-of-health-for-all",
    ),
    # Belt and Road
    MilestoneData(
        BRI,
        D(2013, 9, 7),
        "Nazarbayev University, Astana, Kazakhstan",
        "The Silk Road Economic Belt",
        "A speech in Kazakhstan proposed rebuilding the old overland trade routes between China, Central Asia "
        "and Europe as a modern economic belt.",
        article="in-astana-a-new-silk-road-is-proposed-for-eurasia",
    ),
    MilestoneData(
        BRI,
        D(2013, 10, 3),
        "House of Representatives of Indonesia, Jakarta",
        "The 21st Century Maritime Silk Road",
        "Speaking to Indonesia's parliament, Xi Jinping added a sea route through South-East Asia, "
        "complementing the land belt proposed a month earlier.",
        article="jakarta-speech-adds-a-sea-route-to-the-silk-road-plan",
    ),
    MilestoneData(
        BRI,
        D(2017, 5, 14),
        "China National Convention Center, Beijing",
        "First Belt and Road Forum",
        "Leaders and delegations from well over a hundred countries met in Beijing to review the first "
        "projects and sign new agreements.",
        article="first-belt-and-road-forum-opens-in-beijing",
    ),
    MilestoneData(
        BRI,
        D(2019, 4, 25),
        "Beijing",
        "Second Belt and Road Forum",
        "The second forum put weight on open, green and clean cooperation and on debt sustainability.",
    ),
    MilestoneData(
        BRI,
        D(2023, 10, 18),
        "Beijing",
        "Third Belt and Road Forum, ten years on",
        "A tenth-anniversary forum took stock of a decade of projects and announced new steps.",
        article="ten-years-on-third-belt-and-road-forum-takes-stock",
    ),
    # Global Development Initiative
    MilestoneData(
        GDI,
        D(2021, 9, 21),
        "76th UN General Assembly, New York (by video)",
        "The initiative is announced",
        "The proposal named eight areas of cooperation and tied them to the UN's 2030 Agenda for Sustainable "
        "Development.",
        article="development-initiative-unveiled-at-the-un-general-assembly",
    ),
    MilestoneData(
        GDI,
        D(2022, 1, 20),
        "United Nations Headquarters, New York",
        "Group of Friends launched",
        "Countries supporting the initiative formed a Group of Friends at the UN to coordinate their work.",
    ),
    MilestoneData(
        GDI,
        D(2022, 6, 24),
        "High-level Dialogue on Global Development (by video)",
        "High-level Dialogue on Global Development",
        "Leaders of emerging and developing economies discussed how to carry the initiative forward.",
    ),
    # Global Security Initiative
    MilestoneData(
        GSI,
        D(2022, 4, 21),
        "Boao Forum for Asia, Boao, Hainan (by video)",
        "The initiative is proposed",
        "The opening speech of the forum's annual conference set out the initiative's six commitments.",
        article="boao-forum-security-initiative-rests-on-six-commitments",
    ),
    MilestoneData(
        GSI,
        D(2023, 2, 21),
        "Beijing",
        "Concept paper published",
        "A concept paper listed the principles of the initiative and the fields where it seeks cooperation.",
    ),
    # Global Civilization Initiative
    MilestoneData(
        GCI,
        D(2023, 3, 15),
        "CPC in Dialogue with World Political Parties High-level Meeting, Beijing (by video)",
        "The initiative is proposed",
        "Speaking to parties from many countries, Xi Jinping proposed respect for the diversity of "
        "civilisations and wider exchange between peoples.",
        article="civilization-initiative-calls-for-dialogue-between-cultures",
    ),
    MilestoneData(
        GCI,
        D(2024, 6, 7),
        "United Nations General Assembly, New York",
        "An international day for dialogue among civilisations",
        "The General Assembly adopted a resolution proclaiming 10 June the International Day for Dialogue "
        "among Civilizations.",
    ),
]

EDITORS = [
    EditorData(
        slug="he-chuanning",
        display_name="He Chuanning",
        native_name="何传宁",
        title="Editor, World desk",
        bio="He Chuanning edits the World desk's coverage of international institutions and summit diplomacy. "
        "Before joining the newsroom he reported on trade for a business weekly.",
        initials="HC",
    ),
    EditorData(
        slug="su-suiyue",
        display_name="Su Suiyue",
        native_name="苏岁月",
        title="Responsible editor, International news",
        bio="Su Suiyue is the responsible editor for international news and signs off on the World and "
        "Diplomacy sections. She has worked on the news desk for more than fifteen years.",
        initials="SS",
    ),
    EditorData(
        slug="qiao-anlan",
        display_name="Qiao Anlan",
        native_name="乔安澜",
        title="Managing editor",
        bio="Qiao Anlan runs the daily news meeting and oversees standards, corrections and the copyright desk.",
        initials="QA",
    ),
    EditorData(
        slug="zhao-wenjing",
        display_name="Zhao Wenjing",
        native_name="赵文静",
        title="Economics editor",
        bio="Zhao Wenjing covers development finance, trade corridors and infrastructure, with a particular "
        "interest in how projects are paid for.",
        initials="ZW",
    ),
    EditorData(
        slug="daniel-mercer",
        display_name="Daniel Mercer",
        native_name="",
        title="Opinion editor",
        bio="Daniel Mercer commissions and edits the Opinion section. He previously worked as a correspondent "
        "in Geneva.",
        initials="DM",
    ),
]

# One account per role, plus the superuser. The copyright officer is not on any credit line, so has no
# public Editor profile.
ACCOUNTS = [
    AccountData("admin", "Demo", "Administrator", role=""),
    AccountData("hechuanning", "Chuanning", "He", role=ROLE_EDITOR, editor="he-chuanning"),
    AccountData("susuiyue", "Suiyue", "Su", role=ROLE_RESPONSIBLE_EDITOR, editor="su-suiyue"),
    AccountData("qiaoanlan", "Anlan", "Qiao", role=ROLE_CHIEF_EDITOR, editor="qiao-anlan"),
    AccountData("linxiaohe", "Xiaohe", "Lin", role=ROLE_COPYRIGHT_OFFICER),
]
