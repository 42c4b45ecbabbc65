"""Operations shared by migrations. Historical migrations import them: change them only in
ways that keep old migrations' meaning."""

from django.db import migrations


def move_content_types(app_from: str, app_to: str, models: list[str]) -> migrations.RunPython:
    """For models moved between apps with their tables: move their content types to the new
    app, so that permissions (and the staff groups holding them), admin log entries and
    generic relations follow. A content type already created for the new app wins."""

    def forwards(apps, schema_editor):
        _move(apps, app_from, app_to, models)

    def backwards(apps, schema_editor):
        _move(apps, app_to, app_from, models)

    return migrations.RunPython(forwards, backwards)


def _move(apps, source: str, target: str, models: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
