"""§6.3 → §7: a dealer disputes a statement component from the statement page; that opens a
`commission` ticket linked to the component. Another dealer's component is 404."""

import pytest

from commissions.models import StatementComponent
from conflicts.models import Ticket
from tests.commissions.test_views import statement_for
from tests.conflicts.factories import defaults
from tests.factories import DealerUserFactory

pytestmark = pytest.mark.django_db


def test_dispute_a_statement_component_from_the_statement_page(client, dealer, other_dealer):
    defaults()
    statement = statement_for(dealer)
    step = StatementComponent.objects.get(statement=statement, kind="step")
    user = DealerUserFactory(membership__dealer=dealer)
    client.force_login(user)
    page = client.get(f"/statements/{statement.pk}/").content.decode()
    url = f"/tickets/dispute/?subject=commissions.statementcomponent:{step.pk}"
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Step rate looks wrong", "body": "We reached 3.5 %."})
    ticket = Ticket.objects.get()
    assert response.url == f"/tickets/{ticket.pk}/"
    assert (ticket.category, ticket.dealer, ticket.subject) == ("commission", dealer, step)

    theirs = StatementComponent.objects.get(statement=statement_for(other_dealer), kind="base")
    response = client.get(f"/tickets/dispute/?subject=commissions.statementcomponent:{theirs.pk}")
    assert response.status_code == 404
    assert Ticket.objects.count() == 1
