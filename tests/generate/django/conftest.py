"""A minimal real Django project for the behaviour tests, shared by every test in a process.

Django settings are process-global: they are configured once here (sqlite in memory, no apps
but contenttypes) and each test swaps MIDDLEWARE and ROOT_URLCONF with override_settings, so
tests never see each other's middleware. Rendered modules are imported under unique names, so
their dotted paths go straight into MIDDLEWARE.
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Iterator
from typing import Any

import django
import pytest
from django.conf import settings
from django.test import Client, override_settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="behaviour-tests-only",
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
        ROOT_URLCONF=None,
        MIDDLEWARE=[],
        INSTALLED_APPS=["django.contrib.contenttypes"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    django.setup()

_urlconfs = itertools.count()


@pytest.fixture
def django_app() -> Iterator[Callable[..., Client]]:
    """django_app(middleware, routes, **settings) -> a test Client of that project."""
    active: list[override_settings] = []

    def make(middleware: list[str], routes: list[Any], **extra: Any) -> Client:
        urls = types.ModuleType(f"django_test_urls_{next(_urlconfs)}")
        urls.urlpatterns = routes  # type: ignore[attr-defined]
        override = override_settings(ROOT_URLCONF=urls, MIDDLEWARE=list(middleware), **extra)
        override.enable()
        active.append(override)
        return Client()

    yield make
    for override in reversed(active):
        override.disable()


def dotted(module: types.ModuleType, name: str) -> str:
    return f"{module.__name__}.{name}"
