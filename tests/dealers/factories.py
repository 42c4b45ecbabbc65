"""Factories of the dealers app's own models."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from dealers.models import CertificationProgram
from tests.factories import ProductLineFactory, region_tree, tier

VALID_CODES = ["91350100M000100Y43", "91110000802100433B"]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(name="licence.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def application_data(**overrides):
    data = {
        "company_name": "Shenzhen Bright Trading Co., Ltd.",
        "credit_code": VALID_CODES[0],
        "contact_name": "Zhang Wei",
        "email": "zhang.wei@bright.example.com",
        "phone": "+86 755 1234 5678",
        "annual_revenue": "12000000.00",
        "sales_team_size": 12,
        "warehouse_area": 800,
        "self_assessment": "Ten years of distribution in Guangdong.",
    }
    data.update(overrides)
    return data


def submit_application(**overrides):
    from dealers import services

    regions = overrides.pop("regions", None) or [region_tree()["CN-GD-SZ"]]
    lines = overrides.pop("product_lines", None) or [ProductLineFactory(code="PL-HOME")]
    return services.application_submit(
        data=application_data(**overrides),
        regions=regions,
        product_lines=lines,
        documents=[("business_licence", upload())],
        submitted_from="127.0.0.1",
        language="en",
    )


class CertificationProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationProgram
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CERT{n}")
    name = factory.LazyAttribute(lambda p: f"Programme {p.code}")
    level = factory.LazyFunction(lambda: tier("junior"))
    validity_months = 24


__all__ = ["datetime", "io"]
