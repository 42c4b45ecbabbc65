"""Models that moved between apps keep their rows, and their content types move with them
(so the staff groups keep their permissions): a database of the previous layout upgrades
with a plain ``migrate``."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("portal", "0004_jobrun_heartbeat"),
    ("dealers", "0005_quarterly_reviews"),
    ("inventory", "0004_stockalert_open_region_idx"),
    ("commissions", "0004_statement_immutability_trigger"),
    ("reviews", None),
    ("collaboration", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_an_old_layout_database_upgrades_keeping_rows_and_permissions():
    old = _migrate(BEFORE)
    try:
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        Group = old.get_model("auth", "Group")
        ProductLine = old.get_model("dealers", "ProductLine")
        Product = old.get_model("inventory", "Product")
        line = ProductLine.objects.create(code="PL-X", name="X")
        Product.objects.create(sku="SKU-1", name="One", product_line=line)
        group, _ = Group.objects.get_or_create(name="moved-models-probe")
        moved = {
            ("portal", "meeting"): ("collaboration", "view_meeting"),
            ("dealers", "quarterlyreview"): ("reviews", "view_quarterlyreview"),
            ("inventory", "product"): ("dealers", "view_product"),
            ("inventory", "idempotencyrecord"): ("portal", "view_idempotencyrecord"),
        }
        for (app, model), (_new, codename) in moved.items():
            ct, _ = ContentType.objects.get_or_create(app_label=app, model=model)
            perm, _ = Permission.objects.get_or_create(
                content_type=ct, codename=codename, defaults={"name": codename}
            )
            group.permissions.add(perm)
    finally:
        new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group as CurrentGroup

    from dealers.models import Product as CurrentProduct

    assert CurrentProduct.objects.get(sku="SKU-1").product_line.code == "PL-X"
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in CurrentGroup.objects.get(name="moved-models-probe").permissions.all()
    }
    assert held == {
        "collaboration.view_meeting",
        "reviews.view_quarterlyreview",
        "dealers.view_product",
        "portal.view_idempotencyrecord",
    }
    assert new.get_model("reviews", "QuarterlyReview")._meta.db_table == "dealers_quarterlyreview"
