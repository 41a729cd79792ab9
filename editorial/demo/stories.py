"""The demo articles, written by us for this project.

Facts (names, dates, places) are public record or come from the seed; no sentence is copied from anywhere.
Inline pictures are placed with `[[picture:NAME]]` lines, which the loader turns into `[[image:ID]]` once the
picture exists. Times are Beijing time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from articles.models import Article, Correction

from .content import BRI, CSF, GCI, GDI, GSI

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class HeroData:
    kicker: str
    headline: str
    alt_text: str
    caption: str
    seed: int


@dataclass(frozen=True)
class TimelineData:
    title: str
    events: list[tuple[str, str]]
    alt_text: str
    caption: str


@dataclass(frozen=True)
class CorrectionData:
    kind: str
    text: str
    published_at: datetime.datetime


@dataclass(frozen=True)
class StoryData:
    slug: str
    title: str
    dek: str
    section: str
    initiatives: list[str]
    tags: list[str]
    editor: str
    responsible_editor: str
    body: str
    # None for an article that was never published; a relative delay (timedelta) schedules it from load time.
    published_at: datetime.datetime | datetime.timedelta | None
    status: str = Article.Status.PUBLISHED
    featured: bool = False
    hero: HeroData | None = None
    pictures: dict[str, TimelineData] = field(default_factory=dict)
    corrections: list[CorrectionData] = field(default_factory=list)
    rights_basis: str = Article.RightsBasis.ORIGINAL
    original_publisher: str = ""
    original_url: str = ""
    source_contact_email: str = ""


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def html(*blocks: str) -> str:
    """Join body blocks one per line, so `[[picture:…]]` markers stand on lines of their own."""
    return "\n".join(blocks)


HE, SU, QIAO, ZHAO, MERCER = "he-chuanning", "su-suiyue", "qiao-anlan", "zhao-wenjing", "daniel-mercer"

BRI_TIMELINE = TimelineData(
    title="Belt and Road: the first ten years",
    events=[
        ("2013", "Astana"),
        ("2013", "Jakarta"),
        ("2017", "First forum"),
        ("2019", "Second forum"),
        ("2023", "Third forum"),
    ],
    alt_text="Timeline graphic with five dots on a line: Astana and Jakarta in 2013, then Belt and Road forums in "
    "Beijing in 2017, 2019 and 2023.",
    caption="From two speeches in 2013 to three forums in Beijing.",
)

SHARED_FUTURE_TIMELINE = TimelineData(
    title="A shared future: where the idea was set out",
    events=[
        ("2013", "Moscow"),
        ("2015", "New York"),
        ("2015", "Wuzhen"),
        ("2017", "Geneva"),
        ("2019", "Qingdao"),
        ("2020", "Health assembly"),
    ],
    alt_text="Timeline graphic: Moscow 2013, New York 2015, Wuzhen 2015, Geneva 2017, Qingdao 2019 and the World "
    "Health Assembly 2020.",
    caption="Six occasions on which the shared-future idea was presented or applied to a new field.",
)

STORIES: list[StoryData] = [
    StoryData(
        slug="moscow-lecture-introduces-a-shared-future-to-the-world",
        title="Moscow lecture introduces a ‘shared future’ to the world",
        dek="On his first trip abroad as president, Xi Jinping told students of international relations that "
        "countries now rise and fall together.",
        section="diplomacy",
        initiatives=[CSF],
        tags=["Russia", "Moscow", "Xi Jinping", "state visit"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2013, 3, 24, 8, 30),
        hero=HeroData(
            kicker="Moscow, March 2013",
            headline="A shared future, first told abroad",
            alt_text="Illustration: a dotted route joining circles over a blue-to-teal gradient, with the words "
            "“A shared future, first told abroad”.",
            caption="The Moscow lecture was the first time the idea was put to a foreign audience.",
            seed=1,
        ),
        body=html(
            "<p>Xi Jinping used his first journey abroad as China's president to introduce an idea that would "
            "come to frame much of the country's foreign policy. In a lecture on Saturday at the Moscow State "
            "Institute of International Relations, one of Russia's best-known schools for diplomats, he argued "
            "that nations had become so entangled with one another that they now share a common destiny.</p>",
            "<p>The lecture ranged over the state of the world, which he described as passing through a period "
            "of deep change, and over relations between Beijing and Moscow. Its central claim was simple: when "
            "trade, travel and communication bind economies this tightly, the gains and losses of one country "
            "soon become those of its neighbours, and foreign policy should begin from that fact.</p>",
            "<h2>From a phrase to a programme</h2>",
            "<p>The phrase had appeared in Chinese policy documents before, including the report to the "
            "Communist Party's national congress last November. What was new in Moscow was the setting, an "
            "audience of students and foreign-policy specialists in another major power's capital, and the "
            "prominence: the idea was the centrepiece of a major speech abroad.</p>",
            "<p>The lecture offered principles rather than a plan. It stressed respect for the path each country "
            "chooses, cooperation from which both sides gain, and a rejection of zero-sum thinking, and left the "
            "detail to later occasions.</p>",
            "<p>The visit, which began with talks in the Kremlin on Friday, is the first stop of a tour that "
            "continues to Tanzania, to South Africa for the BRICS summit in Durban, and to the Republic of the "
            "Congo.</p>",
        ),
    ),
    StoryData(
        slug="in-astana-a-new-silk-road-is-proposed-for-eurasia",
        title="In Astana, a new Silk Road is proposed for Eurasia",
        dek="A speech at Nazarbayev University calls for an ‘economic belt’ along the old caravan routes between "
        "China, Central Asia and Europe.",
        section="world",
        initiatives=[BRI],
        tags=["Kazakhstan", "Central Asia", "Silk Road", "infrastructure"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2013, 9, 8, 7, 45),
        hero=HeroData(
            kicker="Astana, September 2013",
            headline="A new Silk Road across Eurasia",
            alt_text="Illustration: a dotted golden route across a blue-and-amber gradient, with the words "
            "“A new Silk Road across Eurasia”.",
            caption="The land route proposed in Astana became the first half of the Belt and Road Initiative.",
            seed=3,
        ),
        body=html(
            "<p>China's president has proposed reviving the trade routes that once carried silk and spices "
            "across the steppe, this time as a corridor of railways, pipelines and customs agreements. Speaking "
            "on Saturday at Nazarbayev University in Astana, Xi Jinping invited the countries between China and "
            "Europe to build what he called a Silk Road Economic Belt together.</p>",
            "<p>He recalled the Han-dynasty envoy Zhang Qian, whose missions westward more than two thousand "
            "years ago opened the first of those routes, and noted that his own home province of Shaanxi lies "
            "at their eastern end.</p>",
            "<h2>Five kinds of connection</h2>",
            "<p>The proposal was organised around five links that the speech said should be strengthened step "
            "by step:</p>",
            "<ul><li>coordination of economic policy between governments;</li>"
            "<li>roads, railways and other transport connections;</li>"
            "<li>trade with fewer barriers;</li>"
            "<li>the use of local currencies in settling trade;</li>"
            "<li>and closer ties between peoples, through students, tourists and cultural exchange.</li></ul>",
            "<p>Kazakhstan, the largest economy in Central Asia and China's neighbour across a long land border, "
            "is an obvious first partner. The two countries already share oil and gas pipelines, and a growing "
            "share of rail freight between China and Europe passes through Kazakh territory.</p>",
            "<p>Officials gave no figure for the cost of the plan and said that the details would be worked out "
            "with the countries concerned.</p>",
        ),
    ),
    StoryData(
        slug="jakarta-speech-adds-a-sea-route-to-the-silk-road-plan",
        title="Jakarta speech adds a sea route to the Silk Road plan",
        dek="Addressing Indonesia's parliament, Xi Jinping proposed a ‘21st Century Maritime Silk Road’ through "
        "South-East Asia and a new infrastructure bank for the region.",
        section="diplomacy",
        initiatives=[BRI],
        tags=["Indonesia", "ASEAN", "maritime", "ports"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2013, 10, 4, 8, 0),
        hero=HeroData(
            kicker="Jakarta, October 2013",
            headline="A maritime leg for the Silk Road",
            alt_text="Illustration: a wave-like dotted line over a navy-and-gold gradient, with the words "
            "“A maritime leg for the Silk Road”.",
            caption="The sea route joined the land belt proposed in Astana a month earlier.",
            seed=5,
        ),
        corrections=[
            CorrectionData(
                kind=Correction.Kind.CORRECTION,
                text="An earlier version of this article gave the date of the speech as October 2, 2013. It was "
                "delivered on October 3, 2013.",
                published_at=at(2013, 10, 4, 15, 20),
            )
        ],
        body=html(
            "<p>A month after proposing an overland economic belt in Kazakhstan, China's president has added a "
            "sea route to the plan. In a speech on Thursday to Indonesia's House of Representatives in Jakarta, "
            "Xi Jinping called for a 21st Century Maritime Silk Road linking Chinese ports with South-East Asia "
            "and, beyond it, the Indian Ocean.</p>",
            "<p>The choice of venue was deliberate. Indonesia is the largest country in the Association of "
            "Southeast Asian Nations, and its straits carry much of the world's shipping. The speech recalled the "
            "fifteenth-century fleets of Zheng He, which called at the archipelago, as a precedent for trade by "
            "sea that did not depend on conquest.</p>",
            "<h2>A bank to pay for it</h2>",
            "<p>During the visit China also proposed an Asian infrastructure investment bank to help finance "
            "ports, roads and power plants in the region, where the demand for such projects far outruns what "
            "existing lenders provide. No capital figure was announced.</p>",
            "<p>This year marks ten years of the strategic partnership between China and ASEAN, and the speech "
            "called for a closer China-ASEAN community with a shared future. Territorial disputes in the South "
            "China Sea, which involve several ASEAN members, were addressed only in general terms, with a call "
            "to settle differences through talks.</p>",
        ),
    ),
    StoryData(
        slug="at-the-uns-seventieth-session-a-five-part-case-for-partnership",
        title="At the UN's seventieth session, a five-part case for partnership",
        dek="Speaking at the General Assembly's general debate, Xi Jinping broke the shared-future idea into five "
        "strands and pledged money and troops for UN work.",
        section="world",
        initiatives=[CSF],
        tags=["United Nations", "New York", "UN General Assembly", "peacekeeping"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2015, 9, 29, 6, 30),
        hero=HeroData(
            kicker="New York, September 2015",
            headline="Seventy years of the UN",
            alt_text="Illustration: overlapping pale circles and a dotted line over a blue-to-teal gradient, with "
            "the words “Seventy years of the UN”.",
            caption="The general debate marked seventy years since the UN Charter came into force.",
            seed=7,
        ),
        body=html(
            "<p>At the United Nations Headquarters in New York on Monday, China's president used his first "
            "address to the General Assembly's general debate to give the idea of a shared future for humanity "
            "a more definite outline.</p>",
            "<p>The speech divided it into five strands: partnerships between countries that treat one another "
            "as equals; a security order that is fair and built together; development that is open and "
            "inclusive; exchanges that let civilisations learn from one another; and an approach to the "
            "environment that puts nature first.</p>",
            "<h2>Money and troops</h2>",
            "<p>The speech was followed by commitments that give the principles some weight. China said it "
            "would set up a ten-year, one-billion-dollar fund for peace and development with the UN, would "
            "create a standby force of 8,000 troops for UN peacekeeping, and would give military assistance "
            "worth 100 million dollars to the African Union over five years.</p>",
            "<p>The anniversary session drew an unusually large number of heads of state and government, and "
            "opened days after member states adopted the 2030 Agenda for Sustainable Development, to which "
            "several of the pledges were tied.</p>",
            "<p>The speech closed Xi Jinping's first state visit to the United States, which began in Seattle "
            "and included talks at the White House before the trip to New York.</p>",
        ),
    ),
    StoryData(
        slug="wuzhen-hears-a-proposal-for-a-shared-future-in-cyberspace",
        title="Wuzhen hears a proposal for a shared future in cyberspace",
        dek="At the second World Internet Conference, China set out principles for governing the internet that "
        "put each country's sovereignty first.",
        section="china",
        initiatives=[CSF],
        tags=["internet governance", "cyberspace", "Wuzhen", "World Internet Conference"],
        editor=HE,
        responsible_editor=QIAO,
        published_at=at(2015, 12, 17, 7, 0),
        hero=HeroData(
            kicker="Wuzhen, December 2015",
            headline="Governing the internet together",
            alt_text="Illustration: a network of dotted lines and circles over a blue-to-teal gradient, with the "
            "words “Governing the internet together”.",
            caption="The water town of Wuzhen has hosted the World Internet Conference every year since 2014.",
            seed=11,
        ),
        body=html(
            "<p>The shared-future idea has been applied to the internet. Opening the second World Internet "
            "Conference in the canal town of Wuzhen, in Zhejiang province, on Wednesday, Xi Jinping proposed "
            "that countries build a community with a shared future in cyberspace.</p>",
            "<p>The speech offered four principles for how the network should be run: respect for each "
            "country's sovereignty over its own part of it, the maintenance of peace and security online, "
            "openness and cooperation, and good order. It paired them with five practical proposals, ranging "
            "from shared infrastructure to joint action against online crime.</p>",
            "<h2>Two views of the network</h2>",
            "<p>The emphasis on sovereignty sets the proposal apart from the model, favoured by many Western "
            "governments and companies, in which engineers, businesses and civil society share authority with "
            "states. Supporters of the Wuzhen approach say it reflects how governments already regulate the "
            "internet within their borders; critics say it gives states too much say over what their citizens "
            "can read.</p>",
            "<p>The conference, now in its second year, brings together officials, executives and researchers "
            "from many countries and has become China's main platform for its views on the digital economy.</p>",
            "<p>Wuzhen, a town of canals and stone bridges south of Shanghai, was made the conference's "
            "permanent home after the first meeting last year.</p>",
        ),
    ),
    StoryData(
        slug="geneva-speech-sets-out-five-goals-for-the-world",
        title="Geneva speech sets out five goals for the world",
        dek="At the Palais des Nations, Xi Jinping described the world China hopes to help build, in terms that "
        "would become known as the ‘Five Worlds’.",
        section="world",
        initiatives=[CSF],
        tags=["Geneva", "United Nations", "Five Worlds"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2017, 1, 19, 7, 30),
        hero=HeroData(
            kicker="Geneva, January 2017",
            headline="Five goals at the Palais des Nations",
            alt_text="Illustration: five linked circles on a dotted line over a blue-to-teal gradient, with the "
            "words “Five goals at the Palais des Nations”.",
            caption="The Geneva speech followed an address to the World Economic Forum in Davos a day earlier.",
            seed=13,
        ),
        pictures={
            "five-worlds": TimelineData(
                title="The “Five Worlds”, as outlined in Geneva",
                events=[
                    ("1", "Lasting peace"),
                    ("2", "Universal security"),
                    ("3", "Common prosperity"),
                    ("4", "Open and inclusive"),
                    ("5", "Clean and beautiful"),
                ],
                alt_text="Graphic of five numbered dots on a line: lasting peace, universal security, common "
                "prosperity, an open and inclusive world, and a clean and beautiful one.",
                caption="The five goals of the Geneva speech, each paired with a way of reaching it.",
            )
        },
        body=html(
            "<p>A day after defending economic globalisation before business leaders in Davos, China's "
            "president travelled to the United Nations' European headquarters in Geneva on Wednesday to "
            "describe the kind of world his country wants to help build.</p>",
            "<p>The address at the Palais des Nations named five goals, each tied to a method. Peace that lasts "
            "was to come from talks and consultation; security for everyone from building it jointly; "
            "prosperity shared by all from cooperation in which each side gains; an open, tolerant world from "
            "exchange between cultures; and a clean, beautiful planet from low-carbon, green development.</p>",
            "[[picture:five-worlds]]",
            "<h2>A fuller picture</h2>",
            "<p>Together the five goals give the shared-future idea, first presented in Moscow in 2013 and "
            "sketched at the UN in New York in 2015, its most complete form so far. Commentators have begun "
            "calling them the “Five Worlds”.</p>",
            "<p>The speech also restated support for the Paris climate agreement and for the multilateral "
            "system centred on the UN, themes that carry extra weight at a moment when several large economies "
            "are debating whether to step back from both.</p>",
            "<p>The Palais des Nations was built in the 1930s for the League of Nations and now houses the UN "
            "Office at Geneva, the organisation's largest centre after New York.</p>",
        ),
    ),
    StoryData(
        slug="first-belt-and-road-forum-opens-in-beijing",
        title="First Belt and Road Forum opens in Beijing",
        dek="Leaders and delegations from well over a hundred countries gather to review the first projects and "
        "sign new agreements.",
        section="economy",
        initiatives=[BRI],
        tags=["Belt and Road Forum", "Beijing", "infrastructure", "trade"],
        editor=ZHAO,
        responsible_editor=QIAO,
        published_at=at(2017, 5, 14, 18, 0),
        hero=HeroData(
            kicker="Beijing, May 2017",
            headline="The first Belt and Road Forum",
            alt_text="Illustration: a dotted golden route rising across a navy-and-amber gradient, with the words "
            "“The first Belt and Road Forum”.",
            caption="The forum met at the China National Convention Center in Beijing.",
            seed=17,
        ),
        pictures={"bri-timeline": BRI_TIMELINE},
        body=html(
            "<p>Nearly four years after it was first proposed, the Belt and Road Initiative held its first "
            "summit-level gathering on Sunday. Some thirty foreign heads of state and government, together "
            "with ministers and officials from well over a hundred countries and dozens of international "
            "organisations, met in Beijing for the Belt and Road Forum for International Cooperation.</p>",
            "<p>Opening the forum, Xi Jinping said the initiative had moved from ideas to action, pointing to "
            "railways, ports and industrial parks already under way. He announced a further 100 billion yuan "
            "for the Silk Road Fund, the state investment fund set up in 2014 to finance projects along the "
            "routes.</p>",
            "[[picture:bri-timeline]]",
            "<h2>What is being built</h2>",
            "<p>The projects discussed range from freight railways across Central Asia to port terminals on the "
            "Indian Ocean and power stations in South Asia. Much of the money comes as loans from Chinese "
            "policy banks, which has prompted questions, raised by some governments taking part, about how "
            "much debt borrowing countries can carry.</p>",
            "<p>Organisers said the forum would become a regular event. The second day is given over to "
            "round-table talks among leaders, followed by a joint communiqué.</p>",
        ),
    ),
    StoryData(
        slug="qingdao-naval-anniversary-puts-the-oceans-on-the-agenda",
        title="Qingdao naval anniversary puts the oceans on the agenda",
        dek="Meeting foreign naval delegations, Xi Jinping spoke of a maritime community with a shared future.",
        section="china",
        initiatives=[CSF],
        tags=["oceans", "Qingdao", "maritime", "navy"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2019, 4, 24, 8, 15),
        hero=HeroData(
            kicker="Qingdao, April 2019",
            headline="A shared future at sea",
            alt_text="Illustration: a wave of dotted lines over a blue-to-teal gradient, with the words "
            "“A shared future at sea”.",
            caption="The navy marked its seventieth anniversary with a review off the Shandong coast.",
            seed=19,
        ),
        body=html(
            "<p>The People's Liberation Army Navy marked its seventieth anniversary in the port city of Qingdao "
            "on Tuesday with a review of ships at sea and a gathering of naval delegations from dozens of "
            "countries.</p>",
            "<p>Meeting the heads of the foreign delegations, Xi Jinping said the oceans do not divide the "
            "world's peoples into separate islands but connect them, and proposed that countries work towards a "
            "maritime community with a shared future. He called for disputes at sea to be handled through "
            "consultation and for cooperation on protecting the marine environment.</p>",
            "<h2>Beyond the parade</h2>",
            "<p>The proposal carries the shared-future idea into a field where China's interests have grown "
            "quickly: the country has one of the world's largest merchant fleets and depends on sea lanes for "
            "much of its trade and energy.</p>",
            "<p>Neighbours with competing claims in the South China Sea will judge the idea by how it is "
            "applied. Regional talks on a code of conduct for the sea continue.</p>",
            "<p>Qingdao, one of the navy's main bases, has hosted international naval meetings before: in 2014 "
            "navies at the Western Pacific Naval Symposium there agreed a code for unplanned encounters at "
            "sea.</p>",
        ),
    ),
    StoryData(
        slug="health-assembly-hears-call-for-a-community-of-health-for-all",
        title="Health assembly hears call for a community of health for all",
        dek="Opening the World Health Assembly by video, China pledged two billion dollars over two years for "
        "the pandemic response.",
        section="world",
        initiatives=[CSF],
        tags=["public health", "World Health Organization", "COVID-19"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2020, 5, 19, 7, 0),
        hero=HeroData(
            kicker="Geneva (by video), May 2020",
            headline="A community of health for all",
            alt_text="Illustration: circles joined by a dotted line over a blue-to-teal gradient, with the words "
            "“A community of health for all”.",
            caption="The 73rd World Health Assembly met online because of the pandemic.",
            seed=23,
        ),
        pictures={"shared-future-timeline": SHARED_FUTURE_TIMELINE},
        body=html(
            "<p>The World Health Assembly, the annual meeting of the WHO's member states, opened online on "
            "Monday for the first time in its history, with the coronavirus pandemic at the top of its agenda. "
            "In a video address at the opening session, Xi Jinping called on countries to build a global "
            "community of health for all.</p>",
            "<p>He announced that China would provide two billion dollars over two years to help affected "
            "countries, especially developing ones, and said that any vaccine China developed would be made a "
            "global public good once it was ready for use.</p>",
            "[[picture:shared-future-timeline]]",
            "<h2>A fifth field</h2>",
            "<p>Health joins cyberspace, nuclear security and the oceans among the fields to which the "
            "shared-future idea has been applied since 2015. The speech also supported a review of the global "
            "response to the pandemic once it was brought under control.</p>",
            "<p>The assembly was shortened to two days and its agenda limited to the pandemic.</p>",
            "<p>Member states are expected to consider a resolution, put forward by the European Union and "
            "backed by a large group of countries, that calls for an independent evaluation of the "
            "international response.</p>",
        ),
    ),
    StoryData(
        slug="development-initiative-unveiled-at-the-un-general-assembly",
        title="Development initiative unveiled at the UN General Assembly",
        dek="The Global Development Initiative names eight areas of cooperation and ties them to the 2030 "
        "Agenda. The same speech ended new Chinese coal power projects abroad.",
        section="economy",
        initiatives=[GDI],
        tags=["sustainable development", "2030 Agenda", "United Nations", "climate"],
        editor=ZHAO,
        responsible_editor=QIAO,
        published_at=at(2021, 9, 22, 7, 30),
        hero=HeroData(
            kicker="New York (by video), September 2021",
            headline="The Global Development Initiative",
            alt_text="Illustration: a dotted line linking green circles over a green gradient, with the words "
            "“The Global Development Initiative”.",
            caption="The initiative was announced in a video address to the UN General Assembly.",
            seed=29,
        ),
        body=html(
            "<p>China has put forward a new framework for development cooperation. In a recorded address to "
            "the general debate of the 76th UN General Assembly on Tuesday, Xi Jinping proposed a Global "
            "Development Initiative intended to speed up progress on the UN's Sustainable Development Goals, "
            "which the pandemic has set back.</p>",
            "<p>The initiative lists eight areas for cooperation: poverty reduction, food security, the "
            "response to the pandemic and access to vaccines, financing for development, climate change and "
            "green development, industrialisation, the digital economy, and connectivity.</p>",
            "<h2>A pledge on coal</h2>",
            "<p>The speech also contained a commitment that climate negotiators had long pressed for: China "
            "will stop building new coal-fired power projects abroad and will step up support for green and "
            "low-carbon energy in developing countries. The pledge comes weeks before the COP26 climate talks "
            "in Glasgow.</p>",
            "<p>The speech also promised more aid: a further three billion dollars of international "
            "assistance over three years, and a goal of supplying two billion doses of vaccine to other "
            "countries by the end of the year.</p>",
            "<p>How projects under the initiative will be chosen and financed is expected to be worked out "
            "with partner countries and UN agencies.</p>",
        ),
    ),
    StoryData(
        slug="boao-forum-security-initiative-rests-on-six-commitments",
        title="Boao forum: security initiative rests on six commitments",
        dek="The Global Security Initiative argues that no country can be secure at the expense of others.",
        section="diplomacy",
        initiatives=[GSI],
        tags=["Boao Forum for Asia", "Hainan", "security"],
        editor=HE,
        responsible_editor=QIAO,
        published_at=at(2022, 4, 22, 7, 0),
        hero=HeroData(
            kicker="Boao, April 2022",
            headline="The Global Security Initiative",
            alt_text="Illustration: circles on a dotted line over a dark blue gradient, with the words "
            "“The Global Security Initiative”.",
            caption="The Boao Forum for Asia meets each spring in Hainan province.",
            seed=31,
        ),
        corrections=[
            CorrectionData(
                kind=Correction.Kind.CLARIFICATION,
                text="This article has been updated to make clear that the keynote speech was delivered by "
                "video link rather than in person.",
                published_at=at(2022, 4, 22, 13, 10),
            )
        ],
        body=html(
            "<p>A second global initiative has joined the one on development announced last year. Opening the "
            "annual conference of the Boao Forum for Asia on Thursday with a keynote delivered by video link, "
            "Xi Jinping proposed a Global Security Initiative.</p>",
            "<p>The initiative is built around six commitments:</p>",
            "<ul><li>a vision of security that is common, comprehensive, cooperative and sustainable;</li>"
            "<li>respect for the sovereignty and territorial integrity of all countries;</li>"
            "<li>adherence to the purposes and principles of the UN Charter;</li>"
            "<li>taking the legitimate security concerns of every country seriously;</li>"
            "<li>settling differences and disputes between countries peacefully, through dialogue;</li>"
            "<li>and maintaining security in traditional and non-traditional domains alike.</li></ul>",
            "<h2>Security as indivisible</h2>",
            "<p>The fourth commitment draws on the principle of indivisible security, which holds that one "
            "state should not strengthen its own security at the expense of another's. The initiative was "
            "announced two months after the outbreak of war in Ukraine, and commentators have read it against "
            "that background.</p>",
            "<p>The forum, held each year in Boao since 2002, mixed in-person and online sessions this year.</p>",
            "<p>This year's conference paired the pandemic and the world beyond it with a theme of working "
            "together for global development and a shared future.</p>",
        ),
    ),
    StoryData(
        slug="civilization-initiative-calls-for-dialogue-between-cultures",
        title="Civilization initiative calls for dialogue between cultures",
        dek="Speaking to political parties from around the world, Xi Jinping proposed a third global initiative, "
        "on respect and exchange among civilisations.",
        section="world",
        initiatives=[GCI],
        tags=["culture", "political parties", "people-to-people exchange"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2023, 3, 16, 7, 30),
        hero=HeroData(
            kicker="Beijing, March 2023",
            headline="The Global Civilization Initiative",
            alt_text="Illustration: a dotted route between circles over a red-to-coral gradient, with the words "
            "“The Global Civilization Initiative”.",
            caption="The initiative was presented at a meeting of political parties held largely online.",
            seed=37,
        ),
        body=html(
            "<p>Days after the close of this year's National People's Congress, China has added a third global "
            "initiative to those on development and security. In a keynote on Wednesday to the CPC in Dialogue "
            "with World Political Parties High-level Meeting, Xi Jinping proposed a Global Civilization "
            "Initiative.</p>",
            "<p>The proposal makes four points. Countries should respect the diversity of civilisations; uphold "
            "the values that humanity holds in common, which the speech listed as peace, development, equity, "
            "justice, democracy and freedom; give weight both to their heritage and to renewing it; and expand "
            "exchanges and cooperation between their peoples.</p>",
            "<h2>Values, plural</h2>",
            "<p>The speech argued that countries should not impose their own values or models on others and "
            "that the meaning of shared values should be worked out by each people in its own way. That is a "
            "familiar position in Chinese diplomacy, now given the status of a named initiative.</p>",
            "<p>With development, security and now civilisation covered, the three initiatives together "
            "address the main strands of the shared-future idea presented in Moscow ten years ago this "
            "month.</p>",
            "<p>The meeting brought together hundreds of political parties and organisations from well over a "
            "hundred countries, most of them taking part online.</p>",
        ),
    ),
    StoryData(
        slug="ten-years-on-third-belt-and-road-forum-takes-stock",
        title="Ten years on, third Belt and Road Forum takes stock",
        dek="Representatives from more than 140 countries meet in Beijing as the initiative turns ten; the "
        "emphasis moves towards smaller and greener projects.",
        section="economy",
        initiatives=[BRI],
        tags=["Belt and Road Forum", "Beijing", "green development", "infrastructure"],
        editor=ZHAO,
        responsible_editor=QIAO,
        published_at=at(2023, 10, 19, 7, 0),
        hero=HeroData(
            kicker="Beijing, October 2023",
            headline="Belt and Road at ten",
            alt_text="Illustration: a long dotted golden route over a navy-and-amber gradient, with the words "
            "“Belt and Road at ten”.",
            caption="The third forum marked ten years since the initiative was first proposed.",
            seed=41,
        ),
        pictures={"bri-timeline": BRI_TIMELINE},
        body=html(
            "<p>A decade after two speeches in Astana and Jakarta set it in motion, the Belt and Road Initiative "
            "held its third forum in Beijing this week, with representatives of more than 140 countries and "
            "dozens of international organisations.</p>",
            "<p>In his keynote on Wednesday, Xi Jinping announced eight steps for the next stage, among them "
            "a wider network of transport links including the China-Europe freight trains, new financing "
            "windows at two state policy banks, support for green development, cooperation in science and "
            "technology, and measures against corruption in projects.</p>",
            "[[picture:bri-timeline]]",
            "<h2>Smaller, greener</h2>",
            "<p>Economists have noted a shift in emphasis over recent years, from very large loans for "
            "railways and power plants towards smaller projects that are quicker to complete and that more "
            "borrowing countries can afford. Debt remains the initiative's most debated question, and "
            "several partner countries have renegotiated loans since the pandemic.</p>",
            "<p>The forum was the first held since 2019; the pandemic interrupted the series.</p>",
            "<p>By official count, China has now signed cooperation documents under the initiative with more "
            "than 150 countries and over 30 international organisations.</p>",
        ),
    ),
    StoryData(
        slug="on-the-rails-a-day-with-a-china-europe-freight-train",
        title="On the rails: a day with a China-Europe freight train",
        dek="Containers change trains twice on the way, because the track is not the same width all the way to Europe.",
        section="economy",
        initiatives=[BRI],
        tags=["China-Europe Railway Express", "rail", "logistics"],
        editor=ZHAO,
        responsible_editor=SU,
        published_at=at(2024, 11, 5, 10, 0),
        rights_basis=Article.RightsBasis.PERMISSION,
        original_publisher="Harbour Light Wire (a fictional agency, demo data)",
        original_url="https://wire.example.org/2024/11/china-europe-freight-day",
        source_contact_email="rights@wire.example.org",
        hero=HeroData(
            kicker="Reproduced with permission",
            headline="On the rails to Europe",
            alt_text="Illustration: a straight dotted line crossing circles over a navy-and-amber gradient, with "
            "the words “On the rails to Europe”.",
            caption="Freight trains between China and Europe run through Central Asia and Russia or through "
            "Kazakhstan and the Caspian.",
            seed=43,
        ),
        body=html(
            "<p><em>This article is reproduced with the permission of Harbour Light Wire, a fictional agency "
            "used in Masthead's demonstration content.</em></p>",
            "<p>The freight trains that run between Chinese cities and European hubs are among the most "
            "visible results of the Belt and Road Initiative. The service began with a route from Chongqing to "
            "Duisburg in Germany in 2011 and has since grown to many routes under a single brand, the "
            "China-Europe Railway Express.</p>",
            "<p>A container on the journey changes trains at least twice. Railways in the former Soviet states "
            "use a broad gauge of 1,520 millimetres, while China and most of Europe use the standard "
            "1,435 millimetres, so at the borders cranes lift each box from one train to another.</p>",
            "<h2>Between sea and air</h2>",
            "<p>Rail takes roughly half as long as sea freight between China and Europe and costs much less "
            "than air freight, which makes it suited to goods such as electronics, car parts and machinery. "
            "The volumes remain small next to those carried by container ships.</p>",
            "<p>Since 2022 more trains have used routes across Kazakhstan and the Caspian Sea, avoiding "
            "Russia, an option that is slower and involves more transfers but that has drawn a growing "
            "share of the traffic.</p>",
        ),
    ),
    StoryData(
        slug="opinion-dates-and-places-are-the-story",
        title="Opinion: dates and places are the story",
        dek="Coverage of big diplomatic initiatives drifts into slogans. Tying every claim to where and when it "
        "was made is the cure.",
        section="opinion",
        initiatives=[CSF, BRI],
        tags=["opinion", "journalism", "corrections"],
        editor=MERCER,
        responsible_editor=SU,
        published_at=at(2025, 9, 12, 12, 0),
        hero=HeroData(
            kicker="Opinion",
            headline="Dates and places are the story",
            alt_text="Illustration: a dotted line between circles over a grey gradient, with the words "
            "“Dates and places are the story”.",
            caption="Our timelines link each milestone to the article that reported it.",
            seed=47,
        ),
        body=html(
            "<p>Anyone who has edited copy about the Belt and Road Initiative or the shared-future idea knows "
            "the temptation: the names are long, the principles are abstract, and after a few years the "
            "coverage starts to repeat phrases rather than report events. Readers notice, and they stop "
            "reading.</p>",
            "<p>The remedy is old-fashioned. Every claim about what an initiative means should be pinned to a "
            "speech or document, with a date and a place. The idea of a shared future was first offered to an "
            "international audience in Moscow on March 23, 2013; the land and sea routes of the Belt and Road "
            "were proposed in Astana and Jakarta that autumn; the fullest outline of the shared-future goals "
            "came in Geneva on January 18, 2017. Those anchors let a reader check what was said, and let a "
            "newsroom see how an idea has changed.</p>",
            "<h2>Corrections belong in plain sight</h2>",
            "<p>Anchoring also makes mistakes easier to find. When we misdated the Jakarta speech in 2013, a "
            "reader wrote in the same day and we fixed it, with a note at the foot of the article saying what "
            "had been wrong. That note is still there, and it should be.</p>",
            "<p>Our initiative pages now carry timelines built from those anchors, each linked to the article "
            "that reported it. They are not a substitute for analysis, but they keep the analysis honest.</p>",
        ),
    ),
    StoryData(
        slug="explainer-four-global-initiatives-and-the-idea-behind-them",
        title="Explainer: four global initiatives and the idea behind them",
        dek="What the Belt and Road and the development, security and civilization initiatives each propose, "
        "when they began, and how they relate to the idea of a shared future.",
        section="world",
        initiatives=[BRI, GDI, GSI, GCI, CSF],
        tags=["explainer", "global governance"],
        editor=HE,
        responsible_editor=SU,
        published_at=at(2026, 3, 20, 9, 0),
        featured=True,
        hero=HeroData(
            kicker="Explainer",
            headline="Four initiatives, one idea",
            alt_text="Illustration: a dotted line joining seven circles over a blue-to-teal gradient, with the "
            "words “Four initiatives, one idea”.",
            caption="A guide to the initiatives we follow, with links to their timelines.",
            seed=53,
        ),
        pictures={
            "launches": TimelineData(
                title="When each initiative was launched",
                events=[
                    ("2013", "Belt and Road"),
                    ("2021", "Development"),
                    ("2022", "Security"),
                    ("2023", "Civilization"),
                ],
                alt_text="Timeline graphic: the Belt and Road Initiative in 2013, the Global Development "
                "Initiative in 2021, the Global Security Initiative in 2022 and the Global Civilization "
                "Initiative in 2023.",
                caption="Launch years of the four initiatives.",
            ),
            "shared-future-timeline": SHARED_FUTURE_TIMELINE,
        },
        body=html(
            "<p>Readers often ask how the different initiatives they see in our coverage fit together. Here is "
            "a short guide, with the dates and places where each was set out.</p>",
            "<h2>The idea: a shared future</h2>",
            "<p>The starting point is the idea of a community with a shared future for mankind, first put to "
            "an international audience at the Moscow State Institute of International Relations in March "
            "2013. It holds that countries are now so interdependent that none can prosper or be safe alone. "
            "Speeches at the United Nations in New York in 2015 and in Geneva in 2017 gave it five aims, the "
            "so-called Five Worlds, and it has since been applied to cyberspace, nuclear security, the oceans "
            "and public health.</p>",
            "[[picture:shared-future-timeline]]",
            "<h2>The four initiatives</h2>",
            "<p><strong>Belt and Road (2013).</strong> Land routes through Central Asia, proposed in Astana in "
            "September 2013, and sea routes through South-East Asia, proposed in Jakarta that October: "
            "infrastructure, trade and finance, reviewed at forums in Beijing.</p>",
            "<p><strong>Global Development Initiative (2021).</strong> Announced at the UN General Assembly in "
            "September 2021; eight areas of cooperation tied to the Sustainable Development Goals.</p>",
            "<p><strong>Global Security Initiative (2022).</strong> Proposed at the Boao Forum for Asia in "
            "April 2022; six commitments around common and indivisible security.</p>",
            "<p><strong>Global Civilization Initiative (2023).</strong> Proposed to a meeting of world political "
            "parties in March 2023; respect for diversity, shared values, heritage and exchange.</p>",
            "[[picture:launches]]",
            "<h2>Where to read more</h2>",
            "<p>Each initiative has its own page on this site, with a timeline of milestones linked to our "
            "reporting at the time.</p>",
        ),
    ),
    # The workflow's demo: one draft, one in review, one scheduled to appear a few days after loading.
    StoryData(
        slug="what-the-group-of-friends-of-the-gdi-has-done-so-far",
        title="What the Group of Friends of the development initiative has done so far",
        dek="Notes towards a stock-take of the countries backing the Global Development Initiative at the UN.",
        section="economy",
        initiatives=[GDI],
        tags=["United Nations", "sustainable development"],
        editor=ZHAO,
        responsible_editor=QIAO,
        published_at=None,
        status=Article.Status.DRAFT,
        body=html(
            "<p>The Group of Friends of the Global Development Initiative was launched at UN Headquarters in "
            "New York in January 2022.</p>",
            "<p><em>To do: list the meetings held since, and ask the mission for an interview.</em></p>",
        ),
    ),
    StoryData(
        slug="the-security-initiatives-concept-paper-read-closely",
        title="The security initiative's concept paper, read closely",
        dek="A year after it was announced, the Global Security Initiative got a written concept paper. What "
        "does it add?",
        section="diplomacy",
        initiatives=[GSI],
        tags=["security", "analysis"],
        editor=HE,
        responsible_editor=SU,
        published_at=None,
        status=Article.Status.IN_REVIEW,
        hero=HeroData(
            kicker="Analysis",
            headline="Reading the concept paper",
            alt_text="Illustration: circles on a dotted line over a dark blue gradient, with the words "
            "“Reading the concept paper”.",
            caption="The concept paper was published in Beijing in February 2023.",
            seed=59,
        ),
        body=html(
            "<p>Published in Beijing on February 21, 2023, the concept paper of the Global Security Initiative "
            "restates the six commitments announced at Boao and lists areas where cooperation is sought, from "
            "peacekeeping to biosecurity and the security of data.</p>",
            "<p>The paper is more specific than the speech that launched the initiative, but it still says "
            "little about how the initiative would resolve any particular dispute.</p>",
        ),
    ),
    StoryData(
        slug="a-day-for-dialogue-among-civilizations-explained",
        title="A day for dialogue among civilisations, explained",
        dek="The United Nations marks an International Day for Dialogue among Civilizations each June 10. Where "
        "did it come from?",
        section="world",
        initiatives=[GCI],
        tags=["United Nations", "culture", "explainer"],
        editor=HE,
        responsible_editor=SU,
        published_at=datetime.timedelta(days=5),
        status=Article.Status.SCHEDULED,
        hero=HeroData(
            kicker="Explainer",
            headline="A day for dialogue",
            alt_text="Illustration: a dotted route between circles over a red-to-coral gradient, with the words "
            "“A day for dialogue”.",
            caption="The General Assembly proclaimed the day in June 2024.",
            seed=61,
        ),
        body=html(
            "<p>In June 2024 the UN General Assembly adopted a resolution, put forward by China, that proclaims "
            "June 10 the International Day for Dialogue among Civilizations.</p>",
            "<p>The day links directly to the Global Civilization Initiative proposed in March 2023, which calls "
            "for respect among civilisations and more exchange between peoples.</p>",
        ),
    ),
]
