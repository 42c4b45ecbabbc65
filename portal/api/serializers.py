"""Shared serializer bases: the model's own ``full_clean()`` is the one rule source."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

from portal.access import actor_from
from portal.api.exceptions import django_to_drf_error
from portal.inputs import InputError, check_datetime, parse_datetime_input


class DateTimeField(serializers.DateTimeField):
    """A time by the one rule of ``portal.inputs``: offset within ±15:59, year 1900–9998."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                check_datetime(parse_datetime_input(value, default_zone="UTC"))
            except InputError as exc:
                if exc.code != "invalid_datetime":
                    raise serializers.ValidationError(exc.message, code=exc.code) from None
        return super().to_internal_value(value)


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's ``full_clean()`` (fields, ``clean()``, constraints) before saving,
    as NetBox does, so forms, admin and API enforce the same rules."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        plain = {k: v for k, v in attrs.items() if not self._is_many(k)}
        if self.instance is None:
            instance = self.Meta.model(**plain)
        else:
            instance = self.instance
            # Validate a copy: never leave the live instance half-updated on error.
            instance = type(instance).objects.get(pk=instance.pk)
            for key, value in plain.items():
                setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise django_to_drf_error(exc) from None
        return attrs

    def _is_many(self, name):
        try:
            field = self.Meta.model._meta.get_field(name)
        except Exception:
            return True
        return field.many_to_many or field.one_to_many


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A related object by code, looked up among the objects the caller may see, so naming
    another dealer's object gives "does not exist" (no hint that it does)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(request)
        return queryset


class CurrentDealerDefault:
    """Default for a ``dealer`` field: the caller's own dealer (dealer users and keys)."""

    requires_context = True

    def __call__(self, serializer_field):
        actor = actor_from(serializer_field.context["request"])
        if actor.dealer_id is None:
            raise serializers.ValidationError(
                serializers.ErrorDetail(_("This field is required."), code="required")
            )
        return actor.dealer

    def __repr__(self):
        return "CurrentDealerDefault()"


class MoneyField(serializers.DecimalField):
    """Money as a string with two decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


__all__ = [
    "CurrentDealerDefault",
    "DateTimeField",
    "MoneyField",
    "ScopedSlugRelatedField",
    "ValidatedModelSerializer",
    "django_to_drf_error",
    "models",
]
