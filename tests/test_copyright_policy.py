"""Issue 5, point 1: /copyright/ explains the policy in plain words and links to the form."""

import pytest

from tests.copyright_helpers import parse

pytestmark = pytest.mark.django_db


def test_the_policy_explains_each_part_of_the_process_and_links_to_the_form(client, settings):
    settings.COMPLAINT_UNVERIFIED_EXPIRY_HOURS = 48
    settings.COMPLAINT_DECISION_BUSINESS_DAYS = 1
    response = client.get("/copyright/")
    assert response.status_code == 200
    soup = parse(response.content)
    headings = [h.text().strip() for h in soup.find_all("h2")]
    for heading in [
        "What you can complain about",
        "What happens next",
        "Deadlines",
        "Counter-notices",
        "Appeals",
        "Misuse",
    ]:
        assert heading in headings
    text = " ".join(soup.find("article", class_="policy").text().split())
    assert "within 48 hours" in text  # the configured expiry of an unconfirmed complaint
    assert "within 1 business day of confirmation" in text
    assert "between 10 and 14 business days" in text
    assert "within 6 months" in text
    assert "suspended" in text
    links = {a.get("href") for a in soup.find_all("a")}
    assert "/copyright/notices/new/" in links
    assert "/contact/" in links


def test_the_policy_page_reads_nothing_from_the_database(client, django_assert_max_num_queries):
    # The shared layout may read a little; the policy itself nothing.
    with django_assert_max_num_queries(2):
        assert client.get("/copyright/").status_code == 200
