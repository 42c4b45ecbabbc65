"""The Celery application: worker with `celery -A portal worker`, beat with `celery -A portal beat`."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class AuditedTask(Task):
    """Every task runs as the actor ``task:<name>``, so history rows say what changed them."""

    def __call__(self, *args, **kwargs):
        from portal.audit import acting_as

        with acting_as(f"task:{self.name}"):
            return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
