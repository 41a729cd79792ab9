"""Demo copyright complaints, one in each state an officer meets (DESIGN.md section 7, `make run`).

Each is made through the real moves (filing, confirming, deciding, counter-notices, appeals), so its audit
trail, measures and stored messages are what the product itself would have made. A complaint is known by its
notifier's email: a run makes only the missing ones, with one query when all are there. Names, places and
texts are invented, in our own words; addresses use the reserved `.invalid` domain.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.intake import ResolvedURL, complaint_file
from editorial.models import Complaint

OFFICER_USERNAME = "linxiaohe"


@dataclass(frozen=True)
class DemoNotifier:
    email: str
    name: str
    organisation: str
    country: str
    regime: str


@dataclass(frozen=True)
class DemoComplaint:
    state: str  # what the loader does with it after filing (see _advance)
    article: str  # the demo article's slug
    notifier: DemoNotifier
    work: str
    explanation: str
    claimed: datetime.date
    remedy: str = Complaint.Remedy.REMOVE


_PHOTO_AGENCY = ("Harbour Light Pictures", "China", "prc")
_WIRE = ("Meridian Wire Service", "United States", "us")


def _notifier(tag: str, name: str, organisation: str, country: str, regime: str) -> DemoNotifier:
    return DemoNotifier(f"{tag}@rights-desk.invalid", name, organisation, country, regime)


COMPLAINTS = [
    DemoComplaint(
        "unverified",
        "moscow-lecture-introduces-a-shared-future-to-the-world",
        _notifier("unconfirmed", "Tomas Varga", "", "Hungary", "eu"),
        "A lecture transcript I typed up and posted on my blog.",
        "Several paragraphs look like my transcript.",
        datetime.date(2013, 3, 25),
    ),
    DemoComplaint(
        "received",
        "jakarta-speech-adds-a-sea-route-to-the-silk-road-plan",
        _notifier("waiting", "Rina Hartono", "Nusantara Photo Collective", "Indonesia", "general"),
        "Our photographs of the parliament building in Jakarta, October 2013.",
        "The article's description of the building repeats our caption word for word.",
        datetime.date(2013, 10, 3),
        Complaint.Remedy.CREDIT,
    ),
    DemoComplaint(
        "needs_info",
        "at-the-uns-seventieth-session-a-five-part-case-for-partnership",
        _notifier("asked", "Paul Okafor", "", "Nigeria", "general"),
        "My analysis of the 2015 General Assembly debate.",
        "The structure of the article follows my analysis.",
        datetime.date(2015, 9, 29),
    ),
    DemoComplaint(
        "in_review",
        "development-initiative-unveiled-at-the-un-general-assembly",
        _notifier("reviewing", "Ana Lima", "Lima & Costa Rights", "Brazil", "eu"),
        "A chart of development financing published in our 2021 report.",
        "The figures in the article were taken from our chart.",
        datetime.date(2021, 9, 1),
        Complaint.Remedy.CREDIT,
    ),
    DemoComplaint(
        "upheld",
        "qingdao-naval-anniversary-puts-the-oceans-on-the-agenda",
        _notifier("upheld", "Zhou Lan", *_PHOTO_AGENCY),
        "Our reporter's account of the naval review at Qingdao, April 2019.",
        "Long parts of the article are our reporter's account, reproduced without permission.",
        datetime.date(2019, 4, 23),
    ),
    DemoComplaint(
        "counter_notice",
        "on-the-rails-a-day-with-a-china-europe-freight-train",
        _notifier("countered", "Jordan Ellis", *_WIRE),
        "Our feature about a freight train crossing Kazakhstan.",
        "The article reproduces our feature.",
        datetime.date(2020, 6, 1),
    ),
    DemoComplaint(
        "partly_upheld",
        "wuzhen-hears-a-proposal-for-a-shared-future-in-cyberspace",
        _notifier("credited", "Mei Sato", "Lakeside Conference Reports", "Japan", "general"),
        "Our conference report from Wuzhen, December 2015.",
        "Two sentences come from our report; please remove the article.",
        datetime.date(2015, 12, 16),
    ),
    DemoComplaint(
        "rejected_unfounded",
        "boao-forum-security-initiative-rests-on-six-commitments",
        _notifier("backdated", "K. Brand", "Brand Content Holdings", "United Kingdom", "general"),
        "An article on the Boao forum that we say we published first.",
        "Our article is the original and yours is a copy.",
        datetime.date(2024, 2, 1),
    ),
    DemoComplaint(
        "appealed",
        "civilization-initiative-calls-for-dialogue-between-cultures",
        _notifier("appealing", "Leila Haddad", "", "Lebanon", "general"),
        "My essay on dialogue between cultures, published in 2022.",
        "The article borrows the ideas of my essay.",
        datetime.date(2022, 11, 2),
    ),
    DemoComplaint(
        "restored",
        "moscow-lecture-introduces-a-shared-future-to-the-world",
        _notifier("restored", "Wei Ming", *_PHOTO_AGENCY),
        "A summary of the 2013 lecture that we distributed to subscribers.",
        "The article copies our summary.",
        datetime.date(2013, 3, 24),
    ),
    DemoComplaint(
        "withdrawn",
        "opinion-dates-and-places-are-the-story",
        _notifier("withdrew", "Sam Reyes", "", "Philippines", "general"),
        "A column of mine on dates and places in reporting.",
        "The opinion piece resembles my column.",
        datetime.date(2024, 5, 5),
    ),
    DemoComplaint(
        "closed_incomplete",
        "in-astana-a-new-silk-road-is-proposed-for-eurasia",
        _notifier("silent", "Aidar Nurlanov", "", "Kazakhstan", "general"),
        "Photographs of the university hall in Astana.",
        "The article uses my work.",
        datetime.date(2013, 9, 7),
    ),
]


def load_demo_complaints(report) -> None:
    """Make whichever demo complaints are missing. One query when they all exist."""
    have = set(
        Complaint.objects.filter(notifier_email__in=[c.notifier.email for c in COMPLAINTS]).values_list(
            "notifier_email", flat=True
        )
    )
    missing = [c for c in COMPLAINTS if c.notifier.email not in have]
    if not missing:
        return
    officer = get_user_model().objects.filter(username=OFFICER_USERNAME, is_active=True).first()
    articles = Article.objects.in_bulk([c.article for c in missing], field_name="slug")
    for data in missing:
        article = articles.get(data.article)
        if article is None or (officer is None and data.state != "unverified"):
            continue  # the article was deleted, or there is no officer to act: leave this one out
        article.refresh_from_db()  # an earlier demo complaint may have changed it
        if data.state != "unverified" and not article.is_live:
            continue
        _advance(_file(data, article), data, officer)
        report.created["complaints"] += 1


def _file(data: DemoComplaint, article: Article) -> Complaint:
    notifier = data.notifier
    complaint = Complaint(
        notifier_name=notifier.name,
        notifier_organisation=notifier.organisation,
        notifier_email=notifier.email,
        notifier_address="Demo Street 1, Demo City",
        notifier_country=notifier.country,
        capacity=Complaint.Capacity.RIGHTS_HOLDER,
        regime=notifier.regime,
        work_description=data.work,
        original_location=f"https://{notifier.email.split('@')[0]}.invalid/original",
        original_published_on=data.claimed,
        first_publication_proof="An archive page with the original date.",
        explanation=data.explanation,
        remedy=data.remedy,
        statement_good_faith=True,
        statement_accuracy=True,
        statement_fair_use=True,
        signature=notifier.name,
    )
    target = ResolvedURL(
        line=1,
        url=f"{_site()}{article.get_absolute_url()}",
        kind="article",
        key=f"article:{article.pk}",
        article=article,
    )
    return complaint_file(complaint=complaint, targets=[target])


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def _decide(
    complaint: Complaint,
    officer,
    outcome: str,
    reasons: str,
    *,
    measure: str = "",
    correction=None,
    manifestly_unfounded: bool = False,
):
    decisions = [
        moves.ItemDecision(item=item.pk, outcome=outcome, measure=measure, correction=correction)
        for item in complaint.items.all()
    ]
    return moves.complaint_decide(
        complaint=complaint,
        by=officer,
        decisions=decisions,
        reasons=reasons,
        manifestly_unfounded=manifestly_unfounded,
    )


def _advance(complaint: Complaint, data: DemoComplaint, officer) -> None:
    """Take a filed complaint through the real moves to the demo state."""
    state = data.state
    if state == "unverified":
        return
    moves.complaint_verify(complaint=complaint)
    if state == "received":
        return
    if state == "needs_info":
        moves.complaint_request_information(
            complaint=complaint,
            actor=officer,
            question="Where was your analysis first published? A link or an issue number, please.",
        )
    elif state == "closed_incomplete":
        moves.complaint_request_information(
            complaint=complaint, actor=officer, question="Which of your photographs do you mean?"
        )
        moves.complaint_close_incomplete(complaint=complaint, actor=officer)
    elif state == "in_review":
        moves.complaint_start_review(complaint=complaint, actor=officer)
    elif state == "withdrawn":
        moves.complaint_withdraw(
            complaint=complaint, reason="On reflection the column and the article make different points."
        )
    elif state in ("upheld", "counter_notice", "restored"):
        _decide(
            complaint,
            officer,
            "upheld",
            "The passages match the notifier's earlier text closely and we hold no licence for them.",
            measure="withhold_article",
        )
        if state == "upheld":
            return
        party = complaint.affected_parties.order_by("-role").first()
        if party is None:
            return
        moves.complaint_receive_counter_notice(
            complaint=complaint,
            party=party,
            answers=moves.CounterNoticeAnswers(
                items=list(complaint.items.values_list("pk", flat=True)),
                name=party.name,
                email=party.email,
                address="Newsroom Road 2, Demo City",
                phone="+1 555 0100",
                explanation="The text was supplied to us under a syndication agreement that covers this use.",
                statement_mistake=True,
                statement_jurisdiction=True,
                signature=party.name,
            ),
        )
        if state == "counter_notice" and complaint.status == "counter_notice":
            moves.complaint_accept_counter_notice(complaint=complaint, actor=officer)
    elif state == "partly_upheld":
        _decide(
            complaint,
            officer,
            "partly_upheld",
            "Two sentences come from the notifier's report; crediting it is enough, the article stays online.",
            measure="correct",
            correction=moves.CorrectionSpec(
                credit="Two sentences in this article first appeared in a report by Lakeside Conference Reports.",
                public_text="We added a credit to Lakeside Conference Reports for two sentences from its report.",
            ),
        )
    elif state in ("rejected_unfounded", "appealed"):
        _decide(
            complaint,
            officer,
            "rejected",
            "Our article was published years before the date the notifier gives for theirs."
            if state == "rejected_unfounded"
            else "Ideas are not protected by copyright; the article's wording is our own.",
            manifestly_unfounded=state == "rejected_unfounded",
        )
        if state == "appealed":
            moves.complaint_lodge_appeal(
                complaint=complaint, by="notifier", reasons="Please look again: the order of the arguments is mine."
            )
