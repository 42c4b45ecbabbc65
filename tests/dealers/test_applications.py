"""Applications (DOMAIN.md §3.1): submit, review, approve, reject; the public form."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from dealers import services
from dealers.models import Agreement, Application, ApplicationDocument, Dealer, DealerMembership
from portal.models import User
from tests.dealers.factories import (
    JPEG,
    PDF,
    PNG,
    VALID_CODES,
    application_data,
    submit_application,
    upload,
)
from tests.factories import DealerFactory, ProductLineFactory, StaffUserFactory, region_tree, tier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff():
    return StaffUserFactory(username="reviewer", is_superuser=True)


class TestSubmit:
    def test_records_the_application_with_documents_and_acknowledges_by_mail(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            app = submit_application()
        assert app.status == "submitted"
        assert app.number.startswith("A")
        assert [r.code for r in app.requested_regions.all()] == ["CN-GD-SZ"]
        doc = app.documents.get()
        assert (doc.kind, doc.content_type, doc.size) == (
            "business_licence",
            "application/pdf",
            len(PDF),
        )
        assert doc.file.name.endswith(".pdf")
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["zhang.wei@bright.example.com"]
        assert app.number in mail.outbox[0].subject

    def test_code_of_a_live_dealer_or_pending_application_is_refused(self):
        DealerFactory(credit_code=VALID_CODES[1])
        with pytest.raises(ValidationError) as exc:
            submit_application(credit_code=VALID_CODES[1])
        assert exc.value.error_dict["credit_code"][0].code == "credit_code_in_use"
        submit_application(credit_code=VALID_CODES[0])
        with pytest.raises(ValidationError):
            submit_application(credit_code=VALID_CODES[0], email="other@example.com")
        assert Application.objects.count() == 1

    def test_a_terminated_dealers_code_may_apply_again(self):
        DealerFactory(credit_code=VALID_CODES[1], status=Dealer.Status.TERMINATED)
        submit_application(credit_code=VALID_CODES[1])

    def test_invalid_code_and_missing_licence_are_refused_with_nothing_saved(self):
        with pytest.raises(ValidationError) as exc:
            services.application_submit(
                data=application_data(credit_code="91350100M000100Y44"),
                regions=[region_tree()["CN-GD"]],
                product_lines=[ProductLineFactory()],
                documents=[],
            )
        errors = exc.value.error_dict
        assert errors["credit_code"][0].code == "invalid_check_character"
        assert "documents" in errors
        assert not Application.objects.exists()
        assert not ApplicationDocument.objects.exists()

    @pytest.mark.parametrize("content", [b"GIF89a....", b"MZ\x90\x00", b"<?php echo 1;"])
    def test_documents_are_checked_by_content_not_by_name(self, content):
        with pytest.raises(ValidationError) as exc:
            services.application_submit(
                data=application_data(),
                regions=[region_tree()["CN-GD"]],
                product_lines=[ProductLineFactory()],
                documents=[("business_licence", upload("licence.pdf", content))],
            )
        assert exc.value.code == "invalid_file_type"
        assert not Application.objects.exists()

    def test_documents_over_10_mb_are_refused(self):
        big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
        with pytest.raises(ValidationError) as exc:
            services.document_check(big)
        assert exc.value.code == "file_too_large"
        exactly = upload("ok.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))
        assert services.document_check(exactly)[0] == "application/pdf"


class TestDecide:
    def test_scores_give_weighted_score_and_recommendation(self, staff):
        app = services.application_score(
            application=submit_application(), by=staff, capital=4, sales=5, market=3, service=2
        )
        assert app.status == "under_review"
        assert str(app.weighted_score) == "3.70"
        assert app.recommendation == "approve"

    def test_scores_outside_1_to_5_are_refused(self, staff):
        app = submit_application()
        with pytest.raises(ValidationError):
            services.application_score(
                application=app, by=staff, capital=6, sales=5, market=3, service=2
            )
        app.refresh_from_db()
        assert app.score_capital is None

    def test_approval_creates_dealer_draft_agreement_and_invited_owner(
        self, staff, django_capture_on_commit_callbacks, client
    ):
        tier("registered"), tier("junior")
        app = submit_application()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            dealer = services.application_approve(application=app, by=staff)
        app.refresh_from_db()
        assert (app.status, app.dealer, app.decided_by) == ("approved", dealer, staff)
        assert dealer.tier.code == "registered"
        assert dealer.region.code == "CN-GD-SZ"
        assert dealer.credit_code == VALID_CODES[0]
        assert dealer.status == "active"
        agreement = dealer.agreements.get()
        assert agreement.status == Agreement.Status.DRAFT
        owner = User.objects.get(username="zhang.wei@bright.example.com")
        assert owner.membership.dealer == dealer and owner.membership.role == "owner"
        assert not owner.has_usable_password()
        # the invitation e-mail carries a working set-password link
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [owner.email]
        path = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
        response = client.get(path, follow=True)
        assert response.status_code == 200
        set_url = response.redirect_chain[-1][0]
        response = client.post(
            set_url, {"new_password1": "Sunrise-Harbour-77", "new_password2": "Sunrise-Harbour-77"}
        )
        assert response.status_code == 302
        owner.refresh_from_db()
        assert owner.check_password("Sunrise-Harbour-77")

    def test_a_decided_application_cannot_be_decided_again(self, staff):
        tier("registered")
        app = submit_application()
        services.application_approve(application=app, by=staff)
        with pytest.raises(ValidationError) as exc:
            services.application_reject(application=app, by=staff, reason="changed our minds")
        assert exc.value.code == "application_decided"
        with pytest.raises(ValidationError):
            services.application_approve(application=app, by=staff)
        assert Dealer.objects.filter(credit_code=VALID_CODES[0]).count() == 1

    def test_rejection_needs_a_reason_and_tells_the_applicant(
        self, staff, django_capture_on_commit_callbacks
    ):
        app = submit_application()
        with pytest.raises(ValidationError):
            services.application_reject(application=app, by=staff, reason="  ")
        app.refresh_from_db()
        assert app.status == "submitted"
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.application_reject(
                application=app, by=staff, reason="No warehouse in the requested region."
            )
        app.refresh_from_db()
        assert app.status == "rejected"
        assert "No warehouse in the requested region." in mail.outbox[0].body
        # the code is free again
        submit_application(email="again@example.com")

    def test_approval_refuses_an_existing_user_and_changes_nothing(self, staff):
        tier("registered")
        User.objects.create(username="zhang.wei@bright.example.com", email="x@example.com")
        app = submit_application()
        with pytest.raises(ValidationError):
            services.application_approve(application=app, by=staff)
        app.refresh_from_db()
        assert app.status == "submitted"
        assert not Dealer.objects.filter(credit_code=VALID_CODES[0]).exists()


class TestPublicForm:
    def post(self, client, **overrides):
        region_tree()
        line = ProductLineFactory(code="PL-HOME")
        data = application_data()
        data.update(
            requested_regions=[region_tree()["CN-GD-SZ"].pk],
            requested_product_lines=[line.pk],
            business_licence=upload("licence.png", PNG, "image/png"),
            website="",
        )
        data.update(overrides)
        return client.post(reverse("dealers:apply"), data)

    def test_get_shows_the_form_without_login(self, client):
        response = client.get("/apply/")
        assert response.status_code == 200
        assert b'name="credit_code"' in response.content

    def test_post_creates_an_application(self, client):
        response = self.post(client)
        assert response.status_code == 302
        assert response["Location"] == reverse("dealers:apply_thanks")
        app = Application.objects.get()
        assert app.submitted_from == "127.0.0.1"
        assert app.documents.get().content_type == "image/png"
        thanks = client.get(response["Location"])
        assert app.number.encode() in thanks.content

    def test_wrong_check_character_shows_the_error_on_the_field(self, client):
        response = self.post(client, credit_code="91350100M000100Y44")
        assert response.status_code == 200
        assert b"check character" in response.content
        assert not Application.objects.exists()

    def test_a_renamed_file_is_refused(self, client):
        response = self.post(client, business_licence=upload("licence.pdf", b"PK\x03\x04zip"))
        assert response.status_code == 200
        assert b"not a PDF, JPEG or PNG" in response.content
        assert not Application.objects.exists()

    def test_honeypot_pretends_success_and_saves_nothing(self, client):
        response = self.post(client, website="http://spam.example.com")
        assert response.status_code == 302
        assert not Application.objects.exists()

    def test_rate_limited_per_ip(self, client, settings):
        from dealers import views

        limit = views.APPLY_RATE[0]
        for i in range(limit):
            self.post(client, credit_code="X", email=f"a{i}@example.com")  # invalid: not saved
        response = self.post(client, business_licence=upload("l.jpg", JPEG, "image/jpeg"))
        assert response.status_code == 429
        assert response["Retry-After"] == str(views.APPLY_RATE[1])
        assert not Application.objects.exists()


def test_only_staff_download_documents(client, staff):
    app = submit_application()
    doc = app.documents.get()
    url = reverse("dealers:application_document", args=[doc.pk])
    assert client.get(url).status_code == 404  # never a log-in page: files are not pages
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_membership_role_owner_constant():
    assert DealerMembership.Role.OWNER == "owner"


def test_invitation_is_in_the_applicants_language(staff, django_capture_on_commit_callbacks):
    tier("registered")
    app = submit_application()
    Application.objects.filter(pk=app.pk).update(language="zh-hans")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dealer = services.application_approve(application=app, by=staff)
    owner = dealer.memberships.get().user
    assert owner.preferred_language == "zh-hans"
    assert "设置密码" in mail.outbox[0].body


def test_new_application_notice_is_in_each_managers_language():
    from django.utils import translation

    from portal.models import Notification

    region = region_tree()["CN-GD-SZ"]
    english = StaffUserFactory(preferred_language="en")
    chinese = StaffUserFactory(preferred_language="zh-hans")
    region.channel_managers.add(english, chinese)
    with translation.override("zh-hant"):  # the applicant's language
        application = submit_application(regions=[region])
    titles = {}
    for n in Notification.objects.filter(kind="dealer_application").select_related("recipient"):
        with translation.override(n.recipient.preferred_language):  # as each manager reads it
            titles[n.recipient_id] = n.display_title
    company = application.company_name
    assert titles == {
        english.pk: f"New dealer application {application.number}: {company}",
        chinese.pk: f"新的经销商申请 {application.number}：{company}",
    }
