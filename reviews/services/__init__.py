"""Quarterly reviews (DOMAIN.md §8): ``quarterly`` is the quarterly job and the figures it
gathers from the apps below; ``workflow`` is assessing, finalising and acknowledging."""

from reviews.services.quarterly import (
    FIGURE_FIELDS,
    JOB_NAME,
    QuarterlyRunIncomplete,
    dealers_for_quarter,
    quarter_check_over,
    quarter_figures,
    quarterly_review_dealer,
    quarterly_run,
    quarterly_targets,
)
from reviews.services.workflow import review_acknowledge, review_assess, review_finalise

__all__ = [
    "FIGURE_FIELDS",
    "JOB_NAME",
    "QuarterlyRunIncomplete",
    "dealers_for_quarter",
    "quarter_check_over",
    "quarter_figures",
    "quarterly_review_dealer",
    "quarterly_run",
    "quarterly_targets",
    "review_acknowledge",
    "review_assess",
    "review_finalise",
]
