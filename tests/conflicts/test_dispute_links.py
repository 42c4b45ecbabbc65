"""A dispute ticket and its statement link to each other (issue 12.5): the ticket page names
the statement and the component; the statement page lists its dispute tickets. The
new-ticket form is styled and picks the other dealer by name among those it may name."""

import pytest
from django.urls import reverse

from commissions.models import StatementComponent
from conflicts import services
from conflicts.models import Ticket
from tests.commissions.test_views import statement_for
from tests.conflicts.factories import defaults
from tests.factories import DealerFactory, DealerUserFactory, region_tree

pytestmark = pytest.mark.django_db


def _dispute(user, subject, title="Step rate looks wrong"):
    return services.ticket_open_dispute(actor=user, subject=subject, title=title, body="")


def test_ticket_and_statement_link_both_ways(client, dealer, other_dealer):
    defaults()
    statement = statement_for(dealer)
    step = StatementComponent.objects.get(statement=statement, kind="step")
    owner = DealerUserFactory(membership__dealer=dealer, membership__role="owner")
    ticket = _dispute(owner, step)
    whole = _dispute(owner, statement, title="The whole month")
    theirs = statement_for(other_dealer)
    _dispute(DealerUserFactory(membership__dealer=other_dealer), theirs, title="Not yours")
    client.force_login(owner)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    subject = page[page.index('id="ticket-subject"') :]
    subject = subject[: subject.index("</div>")]
    assert f'href="/statements/{statement.pk}/#component-{step.pk}"' in subject
    assert f"Statement {statement.period_label} · step bonus" in subject

    page = client.get(f"/statements/{statement.pk}/").content.decode()
    listed = page[page.index('id="dispute-tickets"') :]
    listed = listed[: listed.index("</section>")]
    assert f'href="/tickets/{ticket.pk}/"' in listed and f'href="/tickets/{whole.pk}/"' in listed
    assert "Not yours" not in listed
    assert f'id="component-{step.pk}"' in page  # the ticket's link lands on the row


def test_a_role_without_statements_sees_the_subject_but_no_link(client, dealer):
    defaults()
    statement = statement_for(dealer)
    base = StatementComponent.objects.get(statement=statement, kind="base")
    ticket = _dispute(DealerUserFactory(membership__dealer=dealer), base)
    client.force_login(DealerUserFactory(membership__dealer=dealer, membership__role="sales"))
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="ticket-subject"' in page and "base commission" in page
    assert 'id="ticket-subject-link"' not in page


def test_statement_page_lists_disputes_in_constant_queries(
    client, dealer, django_assert_max_num_queries
):
    defaults()
    statement = statement_for(dealer)
    owner = DealerUserFactory(membership__dealer=dealer)
    client.force_login(owner)
    _dispute(owner, statement)
    client.get(f"/statements/{statement.pk}/")
    with django_assert_max_num_queries(40) as captured:
        client.get(f"/statements/{statement.pk}/")
    few = len(captured.captured_queries)
    for component in StatementComponent.objects.filter(statement=statement):
        _dispute(owner, component)
    with django_assert_max_num_queries(few):
        page = client.get(f"/statements/{statement.pk}/").content.decode()
    assert page.count('class="dispute-ticket"') == Ticket.objects.count()


def test_new_ticket_form_is_styled_and_names_dealers_by_name(client, dealer):
    defaults()
    regions = region_tree()
    near = DealerFactory(code="SZ2", name="Shenzhen Neighbour", region=regions["CN-GD-SZ"])
    DealerFactory(code="BJ1", name="Beijing Far Away", region=regions["CN-BJ"])
    client.force_login(DealerUserFactory(membership__dealer=dealer, membership__role="sales"))
    page = client.get(reverse("conflicts:open")).content.decode()
    form = page[page.index('id="ticket-open-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="title"' in form and 'class="form-control"' in form
    assert '<select name="counterparty"' in form and 'class="form-select"' in form
    assert f'<option value="{near.code}">Shenzhen Neighbour (SZ2)</option>' in form
    assert "Beijing Far Away" not in form
    response = client.post(
        reverse("conflicts:open"),
        {"category": "channel", "priority": "normal", "title": "x", "counterparty": "SZ2"},
    )
    assert response.status_code == 302
    assert Ticket.objects.get().counterparty == near
