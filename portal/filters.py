"""Filter pieces shared by every app's FilterSets (API and portal lists alike)."""

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField as _IsoDateTimeField

from portal.inputs import InputError, check_datetime


class IsoDateTimeField(_IsoDateTimeField):
    """An ISO 8601 time by the one rule of ``portal.inputs`` (offset within ±15:59, year
    1900–9998): anything else is the filter's 400, never a database error."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment is None:
            return moment
        try:
            return check_datetime(moment)
        except InputError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField
