"""Issue 6, point 8: /copyright/transparency/ counts, per half-year and month, what happened to complaints,
with CSV and JSON downloads, and no personal data of notifiers.

The builders (tests/copyright_helpers.py and here) make rows straight in the database at chosen moments.
"""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.copyright import moves
from editorial.copyright.identity import hash_token
from editorial.copyright.states import ComplaintStatus as S
from editorial.copyright.transparency import Period, PeriodError
from editorial.models import (
    AffectedParty,
    Appeal,
    AuditEvent,
    Complaint,
    ComplaintItem,
    CounterNotice,
    Measure,
    NotifierSanction,
)
from tests.copyright_helpers import (
    SECRET_ADDRESS,
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_ORGANISATION,
    SECRET_PHONE,
    at,
    complaint,
    local,
    measure,
    numbers,
    parse,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def counter_notice(of: Complaint, *, at_moment: datetime) -> CounterNotice:
    party = AffectedParty.objects.create(
        complaint=of,
        role=AffectedParty.Role.RESPONSIBLE_EDITOR,
        name="Desk Editor",
        email="desk@newsroom.test",
        token_hash=hash_token(f"party-{of.pk}-{next(numbers)}"),
    )
    with at(at_moment):
        notice = CounterNotice.objects.create(
            complaint=of,
            affected_party=party,
            name="Desk Editor",
            email="desk@newsroom.test",
            address="Newsroom, 1 Press Street",
            explanation="We licensed this photograph from the agency in 2020.",
            statement_mistake=True,
            signature="Desk Editor",
        )
    notice.items.set(of.items.all())
    return notice


def moved(of: Complaint, to_state: str, *, at_moment: datetime) -> AuditEvent:
    """A complaint's move as the audit trail records it (the report reads restorations from there)."""
    with at(at_moment):
        return AuditEvent.record(
            actor=None, subject=of, action=f"complaint.to_{to_state}", from_state=of.status, to_state=to_state
        )


def appeal(
    of: Complaint, *, lodged_at: datetime, outcome=Appeal.Outcome.PENDING, decided_at=None, by="affected_party"
) -> Appeal:
    """An appeal (each side may appeal a complaint's decision once)."""
    with at(lodged_at):
        return Appeal.objects.create(
            complaint=of,
            by=by,
            reasons="The licence covers this use.",
            outcome=outcome,
            decided_at=decided_at,
        )


def sanction(kind: str, *, starts_at: datetime, email: str = SECRET_EMAIL) -> NotifierSanction:
    return NotifierSanction.objects.create(
        kind=kind,
        email=email,
        organisation=SECRET_ORGANISATION,
        reason="Three complaints about our own staff photographs, all manifestly unfounded.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=90) if kind == NotifierSanction.Kind.SUSPENSION else None,
    )


def report_json(client, period: str) -> dict:
    response = client.get("/copyright/transparency/report.json", {"period": period})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def month(data: dict, key: str) -> dict:
    return next(m for m in data["months"] if m["period"] == key)


UPHELD, REJECTED, PENDING = ComplaintItem.Outcome.UPHELD, ComplaintItem.Outcome.REJECTED, ComplaintItem.Outcome.PENDING


# --- the figures -------------------------------------------------------------------------------------------------


def test_complaints_are_counted_by_regime_and_outcome_for_the_half_year_and_each_month(client):
    complaint(regime="us", received_at=local(2025, 1, 6, 9), decided_at=local(2025, 1, 6, 15), outcomes=(UPHELD,))
    complaint(regime="us", received_at=local(2025, 1, 20, 9), decided_at=local(2025, 1, 21, 9), outcomes=(UPHELD,))
    complaint(
        regime="eu", received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 4, 9), outcomes=(UPHELD, REJECTED)
    )
    complaint(regime="prc", received_at=local(2025, 3, 10, 9), decided_at=local(2025, 3, 11, 9), outcomes=(REJECTED,))
    complaint(regime="general", received_at=local(2025, 4, 1, 9), status=S.WITHDRAWN)
    complaint(regime="us", received_at=local(2025, 5, 2, 9), status=S.CLOSED_INCOMPLETE)
    complaint(regime="us", received_at=local(2025, 5, 5, 9), decided_at=local(2025, 5, 6, 9), status=S.CLOSED_MISUSE,
              outcomes=(REJECTED,))  # fmt: skip
    complaint(regime="eu", received_at=local(2025, 6, 30, 9))  # not decided yet
    # Outside the half-year: neither counted in H1 nor in its months.
    complaint(regime="us", received_at=local(2024, 12, 31, 9), decided_at=local(2025, 1, 2, 9), outcomes=(UPHELD,))
    complaint(regime="us", received_at=local(2025, 7, 1, 9))
    # Never confirmed: not a complaint the officers ever had.
    Complaint.objects.filter(pk=complaint(received_at=local(2025, 2, 1)).pk).update(
        status=S.EXPIRED, reference=None, received_at=None
    )

    data = report_json(client, "2025-H1")
    received = data["total"]["complaints_received"]
    assert received["total"] == 8
    assert received["by_regime"]["us"]["by_outcome"] == {
        "upheld": 2,
        "partly_upheld": 0,
        "rejected": 0,
        "withdrawn": 0,
        "closed_incomplete": 1,
        "closed_misuse": 1,
        "pending": 0,
    }
    assert received["by_regime"]["eu"]["by_outcome"]["partly_upheld"] == 1
    assert received["by_regime"]["eu"]["by_outcome"]["pending"] == 1
    assert received["by_regime"]["prc"]["by_outcome"]["rejected"] == 1
    assert received["by_regime"]["general"]["by_outcome"]["withdrawn"] == 1
    assert received["by_outcome"]["upheld"] == 2

    assert [m["period"] for m in data["months"]] == [f"2025-{m:02d}" for m in range(1, 7)]
    assert [m["complaints_received"]["total"] for m in data["months"]] == [2, 0, 2, 1, 2, 1]
    assert month(data, "2025-03")["complaints_received"]["by_regime"]["prc"]["by_outcome"]["rejected"] == 1

    # The page shows the same table.
    page = parse(client.get("/copyright/transparency/", {"period": "2025-H1"}).content)
    us_row = page.find("tr", **{"data-regime": "us"})
    assert [td.text() for td in us_row.find_all("td")] == ["2", "0", "0", "0", "1", "1", "0", "4"]
    assert page.find("dd", **{"data-figure": "complaints_received"}).text() == "8"


def test_median_hours_from_receipt_to_decision_for_the_period_and_each_month(client):
    complaint(received_at=local(2025, 2, 3, 9), decided_at=local(2025, 2, 3, 11), outcomes=(UPHELD,))  # 2 h
    complaint(received_at=local(2025, 2, 4, 9), decided_at=local(2025, 2, 4, 13), outcomes=(REJECTED,))  # 4 h
    complaint(received_at=local(2025, 2, 5, 9), decided_at=local(2025, 2, 6, 15), outcomes=(UPHELD,))  # 30 h
    # Received in January, decided in March: its 9 hours... counted with March's decisions.
    complaint(received_at=local(2025, 1, 31, 20), decided_at=local(2025, 2, 1, 5, 30), outcomes=(UPHELD,))  # 9.5 h
    complaint(received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 10), outcomes=(UPHELD,))  # 1 h
    complaint(received_at=local(2025, 3, 4, 9))  # not decided: no time yet

    data = report_json(client, "2025-H1")
    assert data["total"]["decisions"] == 5
    assert data["total"]["median_hours_to_decision"] == 4.0  # 1, 2, 4, 9.5, 30
    assert month(data, "2025-02")["decisions"] == 4
    assert month(data, "2025-02")["median_hours_to_decision"] == 6.8  # (4 + 9.5) / 2 = 6.75, shown to 0.1 h
    assert month(data, "2025-03")["median_hours_to_decision"] == 1.0
    assert month(data, "2025-04")["median_hours_to_decision"] is None

    page = parse(client.get("/copyright/transparency/", {"period": "2025-H1"}).content)
    assert page.find("dd", **{"data-figure": "median_hours_to_decision"}).text() == "4.0 h"
    april = page.find("tr", **{"data-month": "2025-04"})
    assert april.find_all("td")[2].text() == "—"


def test_measures_counter_notices_restorations_appeals_and_sanctions_are_counted_in_their_months(client):
    first = complaint(received_at=local(2025, 1, 6, 9), decided_at=local(2025, 1, 6, 15), outcomes=(UPHELD, UPHELD))
    items = list(first.items.all())
    measure(
        items[0], Measure.Kind.WITHHOLD_ARTICLE, applied_at=local(2025, 1, 6, 15), reversed_at=local(2025, 2, 20, 9)
    )
    measure(items[1], Measure.Kind.REMOVE_IMAGE, applied_at=local(2025, 1, 6, 15))
    second = complaint(received_at=local(2025, 2, 2, 9), decided_at=local(2025, 2, 3, 9), outcomes=(UPHELD,))
    measure(second.items.get(), Measure.Kind.CORRECT, applied_at=local(2025, 2, 3, 9))

    counter_notice(first, at_moment=local(2025, 1, 10, 9))
    counter_notice(second, at_moment=local(2025, 2, 10, 9))
    moved(first, S.RESTORED, at_moment=local(2025, 2, 20, 9))
    moved(second, S.LITIGATION_HOLD, at_moment=local(2025, 2, 25, 9))

    appeal(first, lodged_at=local(2025, 1, 20, 9), outcome=Appeal.Outcome.REVERSED, decided_at=local(2025, 3, 1, 9))
    appeal(second, lodged_at=local(2025, 3, 2, 9), outcome=Appeal.Outcome.CONFIRMED, decided_at=local(2025, 3, 9, 9))
    appeal(second, lodged_at=local(2025, 3, 20, 9), by="notifier")  # pending

    sanction(NotifierSanction.Kind.WARNING, starts_at=local(2025, 4, 1, 9))
    sanction(NotifierSanction.Kind.SUSPENSION, starts_at=local(2025, 5, 1, 9))
    sanction(NotifierSanction.Kind.SUSPENSION, starts_at=local(2025, 8, 1, 9))  # the next half-year

    data = report_json(client, "2025-H1")
    total = data["total"]
    assert total["items_actioned"] == {
        "total": 3,
        "by_measure": {"withhold_article": 1, "remove_image": 1, "correct": 1},
    }
    assert total["measures_undone"]["by_measure"]["withhold_article"] == 1
    assert total["measures_undone"]["by_reason"] == {"counter_notice": 1, "appeal": 0, "officer": 0}
    assert total["counter_notices"] == 2
    assert total["restorations"] == 1
    assert total["litigation_holds"] == 1
    assert total["appeals"] == {
        "lodged": 3,
        "decided": {"confirmed": 1, "reversed": 1, "varied": 0},
        "reversals": 1,
    }
    assert total["notifier_warnings"] == 1
    assert total["notifier_suspensions"] == 1

    assert month(data, "2025-01")["items_actioned"]["total"] == 2
    assert month(data, "2025-02")["items_actioned"]["by_measure"]["correct"] == 1
    assert month(data, "2025-02")["measures_undone"]["total"] == 1
    assert month(data, "2025-02")["restorations"] == 1
    assert month(data, "2025-01")["appeals"]["lodged"] == 1
    assert month(data, "2025-03")["appeals"]["reversals"] == 1
    assert month(data, "2025-05")["notifier_suspensions"] == 1

    page = parse(client.get("/copyright/transparency/", {"period": "2025-H1"}).content)
    for figure, shown in [("items_actioned", "3"), ("counter_notices", "2"), ("restorations", "1"),
                          ("appeals_lodged", "3"), ("reversals", "1"), ("notifier_suspensions", "1")]:  # fmt: skip
        assert page.find("dd", **{"data-figure": figure}).text() == shown
    measures_table = page.find("table", id="measures")
    rows = {tr.find("th").text(): [td.text() for td in tr.find_all("td")] for tr in measures_table.find_all("tr")[1:]}
    assert rows[Measure.Kind.WITHHOLD_ARTICLE.label] == ["1", "1"]
    assert rows[Measure.Kind.CORRECT.label] == ["1", "0"]


def test_months_follow_the_sites_time_zone(client, settings):
    # Asia/Shanghai is eight hours ahead of UTC: 30 June 23:30 there is still H1, 1 July 00:30 is H2,
    # though both fall on 30 June in UTC.
    assert settings.TIME_ZONE == "Asia/Shanghai"
    complaint(received_at=local(2025, 6, 30, 23, 30))
    complaint(received_at=local(2025, 7, 1, 0, 30))
    first_half = report_json(client, "2025-H1")
    second_half = report_json(client, "2025-H2")
    assert first_half["total"]["complaints_received"]["total"] == 1
    assert month(first_half, "2025-06")["complaints_received"]["total"] == 1
    assert second_half["total"]["complaints_received"]["total"] == 1
    assert month(second_half, "2025-07")["complaints_received"]["total"] == 1
    assert first_half["time_zone"] == "Asia/Shanghai"


# --- periods -----------------------------------------------------------------------------------------------------


def test_a_month_can_be_chosen_and_the_default_is_the_current_half_year(client):
    complaint(received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 12), outcomes=(UPHELD,))
    complaint(received_at=local(2025, 4, 3, 9))
    march = report_json(client, "2025-03")
    assert march["period"] == "2025-03"
    assert [m["period"] for m in march["months"]] == ["2025-03"]
    assert march["total"]["complaints_received"]["total"] == 1

    with time_machine.travel(local(2025, 5, 15, 12)):
        response = client.get("/copyright/transparency/")
    assert response.status_code == 200
    page = parse(response.content)
    assert "January to June 2025" in page.find("p", class_="lede").text()
    assert page.find("dd", **{"data-figure": "complaints_received"}).text() == "2"
    # Every half-year since the first complaint can be chosen, and each month of this one.
    options = [option.get("value") for option in page.find("select", id="transparency-period").find_all("option")]
    assert options == ["2025-H1"]
    month_links = [a.get("href") for a in page.find("nav", class_="periods").find_all("a")]
    assert "/copyright/transparency/?period=2025-03" in month_links
    downloads = [a.get("href") for a in page.find("ul", class_="downloads").find_all("a")]
    assert downloads == [
        "/copyright/transparency/report.csv?period=2025-H1",
        "/copyright/transparency/report.json?period=2025-H1",
    ]


# A NUL ("2025-H1\x00") is a 400 before any view: tests/test_hostile_requests.py.
@pytest.mark.parametrize(
    "period",
    ["2025-H3", "2025-13", "2025-00", "25-H1", "2025-h1", "2025-3", "1999-H1", "<script>alert(1)</script>",
     "x" * 10_000, "2025-H1' OR 1=1 --"],
)  # fmt: skip
def test_a_malformed_period_gets_a_clear_400_on_the_page_and_the_downloads(client, period):
    page = client.get("/copyright/transparency/", {"period": period})
    assert page.status_code == 400
    text = parse(page.content).find("p", class_="notice").text()
    assert "half-year such as 2026-H1" in text or "start in 2000" in text or "not one we report on" in text
    assert b"<script>alert" not in page.content
    assert client.get("/copyright/transparency/report.csv", {"period": period}).status_code == 400
    response = client.get("/copyright/transparency/report.json", {"period": period})
    assert response.status_code == 400
    assert "error" in json.loads(response.content)


def test_a_period_that_has_not_begun_is_not_found(client):
    with time_machine.travel(local(2025, 5, 15, 12)):
        response = client.get("/copyright/transparency/", {"period": "2025-H2"})
        assert response.status_code == 404
        assert "has not begun yet" in response.content.decode()
        assert client.get("/copyright/transparency/report.json", {"period": "2026-01"}).status_code == 404
        # The current half-year, still running, has its report so far.
        assert client.get("/copyright/transparency/", {"period": "2025-H1"}).status_code == 200


def test_the_report_only_answers_reads(client):
    assert client.post("/copyright/transparency/").status_code == 405
    assert client.post("/copyright/transparency/report.csv").status_code == 405
    assert client.head("/copyright/transparency/", {"period": "2025-H1"}).status_code == 200


def test_periods_parse_and_bound_themselves():
    half = Period.parse("2025-H2", now=local(2026, 1, 1))
    assert (half.start, half.end) == (local(2025, 7, 1), local(2026, 1, 1))
    assert [m.key for m in half.months] == ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]
    assert Period.parse("2025-12", now=local(2026, 1, 1)).end == local(2026, 1, 1)
    assert Period.parse("2025-02", now=local(2026, 1, 1)).half_year.key == "2025-H1"
    with pytest.raises(PeriodError):
        Period.parse("2025-H2", now=local(2025, 6, 30, 23, 59))


# --- downloads ----------------------------------------------------------------------------------------------------


def test_the_csv_download_has_one_line_per_figure_for_the_period_and_each_month(client):
    first = complaint(regime="eu", received_at=local(2025, 2, 3, 9), decided_at=local(2025, 2, 3, 13),
                      outcomes=(UPHELD,))  # fmt: skip
    measure(first.items.get(), Measure.Kind.WITHHOLD_ARTICLE, applied_at=local(2025, 2, 3, 13))
    counter_notice(first, at_moment=local(2025, 2, 5, 9))

    response = client.get("/copyright/transparency/report.csv", {"period": "2025-H1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="copyright-transparency-2025-H1.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "period_start", "period_end", "figure", "regime", "breakdown", "value"]
    lines = {tuple(row[:1] + row[3:6]): row[6] for row in rows[1:]}
    assert lines[("2025-H1", "complaints_received", "", "")] == "1"
    assert lines[("2025-H1", "complaints_received", "eu", "upheld")] == "1"
    assert lines[("2025-H1", "complaints_received", "us", "upheld")] == "0"
    assert lines[("2025-H1", "median_hours_to_decision", "", "")] == "4.0"
    assert lines[("2025-H1", "items_actioned", "", "withhold_article")] == "1"
    assert lines[("2025-02", "counter_notices", "", "")] == "1"
    assert lines[("2025-03", "counter_notices", "", "")] == "0"
    assert lines[("2025-03", "median_hours_to_decision", "", "")] == ""
    assert {row[0] for row in rows[1:]} == {"2025-H1", *(f"2025-{m:02d}" for m in range(1, 7))}
    march = next(row for row in rows[1:] if row[0] == "2025-03")
    assert march[1:3] == ["2025-03-01", "2025-04-01"]


def test_the_json_download_explains_its_figures(client):
    data = report_json(client, "2025-H1")
    assert data["label"] == "January to June 2025"
    assert set(data["definitions"]) >= {"complaints_received", "median_hours_to_decision", "restorations"}
    assert data["total"]["complaints_received"]["total"] == 0
    assert data["total"]["median_hours_to_decision"] is None


# --- privacy ------------------------------------------------------------------------------------------------------


def test_no_personal_data_of_notifiers_reaches_the_page_or_the_downloads(client):
    secret = complaint(
        received_at=local(2025, 2, 3, 9),
        decided_at=local(2025, 2, 3, 13),
        outcomes=(UPHELD,),
        reasons=f"Upheld: {SECRET_NAME} showed the original negative.",
        notifier_name=SECRET_NAME,
        notifier_email=SECRET_EMAIL,
        notifier_organisation=SECRET_ORGANISATION,
        notifier_phone=SECRET_PHONE,
        notifier_address=SECRET_ADDRESS,
        work_description=f"A photograph by {SECRET_NAME}.",
    )
    measure(secret.items.get(), Measure.Kind.WITHHOLD_ARTICLE, applied_at=local(2025, 2, 3, 13))
    sanction(NotifierSanction.Kind.SUSPENSION, starts_at=local(2025, 3, 1, 9))
    article_url = secret.items.get().url

    bodies = [
        client.get("/copyright/transparency/", {"period": "2025-H1"}).content.decode(),
        client.get("/copyright/transparency/", {"period": "2025-02"}).content.decode(),
        client.get("/copyright/transparency/report.csv", {"period": "2025-H1"}).content.decode(),
        client.get("/copyright/transparency/report.json", {"period": "2025-H1"}).content.decode(),
    ]
    assert "1" in bodies[2]  # the complaint is counted...
    for body in bodies:  # ...but nothing says whose it was or what it named
        for secret_value in [SECRET_NAME, SECRET_EMAIL, SECRET_ORGANISATION, SECRET_PHONE, SECRET_ADDRESS,
                             "Marchbank", secret.reference, article_url]:  # fmt: skip
            assert secret_value not in body


# --- cost ---------------------------------------------------------------------------------------------------------


def _busy_half_year(n: int) -> None:
    for i in range(n):
        day = 1 + i % 27
        record = complaint(
            regime=["us", "eu", "prc", "general"][i % 4],
            received_at=local(2025, 1 + i % 6, day, 9),
            decided_at=local(2025, 1 + i % 6, day, 9 + i % 5),
            outcomes=(UPHELD, REJECTED),
        )
        item = record.items.first()
        measure(item, Measure.Kind.WITHHOLD_ARTICLE, applied_at=local(2025, 1 + i % 6, day, 15))
        counter_notice(record, at_moment=local(2025, 1 + i % 6, day, 16))
        moved(record, S.RESTORED, at_moment=local(2025, 1 + i % 6, day, 17))
        appeal(record, lodged_at=local(2025, 1 + i % 6, day, 18), outcome=Appeal.Outcome.REVERSED,
               decided_at=local(2025, 1 + i % 6, day, 19))  # fmt: skip
        sanction(NotifierSanction.Kind.WARNING, starts_at=local(2025, 1 + i % 6, day, 20), email=f"n{i}@x.test")


@pytest.mark.parametrize("url", ["/copyright/transparency/", "/copyright/transparency/report.csv",
                                 "/copyright/transparency/report.json"])  # fmt: skip
def test_the_report_costs_the_same_queries_with_one_or_twenty_complaints(client, url, django_assert_max_num_queries):
    _busy_half_year(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"period": "2025-H1"}).status_code == 200
    _busy_half_year(19)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url, {"period": "2025-H1"})
    assert response.status_code == 200
    assert len(twenty) == len(one)
    with django_assert_max_num_queries(12):
        client.get(url, {"period": "2025-H1"})
    data = report_json(client, "2025-H1")
    assert data["total"]["complaints_received"]["total"] == 20
    assert data["total"]["appeals"]["reversals"] == 20


# --- the real moves --------------------------------------------------------------------------------------------


def test_the_report_counts_what_the_moderation_moves_record(client):
    """Not hand-made rows: a decision, an appeal by the affected party and its reversal by another officer,
    made with the real moves, land in the report where the builders above assume."""
    from editorial.copyright.moves import ItemDecision, complaint_decide, complaint_decide_appeal
    from editorial.copyright.states import AFFECTED_PARTY
    from editorial.newsroom.roles import ROLE_COPYRIGHT_OFFICER
    from tests.copyright_helpers import received_complaint
    from tests.factories import EditorFactory, UserFactory

    first_officer = UserFactory(username="first-officer", roles=[ROLE_COPYRIGHT_OFFICER])
    second_officer = UserFactory(username="second-officer", roles=[ROLE_COPYRIGHT_OFFICER])
    with time_machine.travel(local(2026, 3, 2, 10), tick=True):
        article = ArticleFactory(responsible_editor=EditorFactory(email="desk@newsroom.test"))
        filed, _ = received_complaint(article, regime=Complaint.Regime.EU)
    with time_machine.travel(local(2026, 3, 2, 16), tick=True):
        complaint_decide(
            complaint=filed,
            by=first_officer,
            decisions=[ItemDecision(item=filed.items.get().pk, outcome=UPHELD, measure=Measure.Kind.WITHHOLD_ARTICLE)],
            reasons="The article copies the notifier's text in full.",
        )
    with time_machine.travel(local(2026, 4, 6, 9), tick=True):
        lodged = moves.complaint_lodge_appeal(
            complaint=filed,
            by=AFFECTED_PARTY,
            reasons="We wrote this ourselves.",
            affected_party=filed.affected_parties.get(),
        )
    with time_machine.travel(local(2026, 4, 8, 9), tick=True):
        complaint_decide_appeal(
            appeal=lodged, by=second_officer, outcome=Appeal.Outcome.REVERSED, reasons="Our own reporting."
        )
        data = report_json(client, "2026-H1")

    total = data["total"]
    assert total["complaints_received"]["by_regime"]["eu"]["by_outcome"]["rejected"] == 1  # where it stands now
    assert total["decisions"] == 1
    assert total["median_hours_to_decision"] == 6.0  # the first decision, not the appeal's
    assert total["items_actioned"]["by_measure"]["withhold_article"] == 1
    assert total["measures_undone"]["by_reason"]["appeal"] == 1
    assert month(data, "2026-04")["appeals"] == {
        "lodged": 1,
        "decided": {"confirmed": 0, "reversed": 1, "varied": 0},
        "reversals": 1,
    }
    assert month(data, "2026-04")["measures_undone"]["total"] == 1
