"""config on Django: a real project whose settings.py is the mount snippet, started in its own
process (Django settings are process-global): valid variables give typed settings served over
HTTP; invalid or missing ones stop start-up listing every bad variable, without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generate.harness import import_python, render_to

OPTION_SETS = [
    {},
    {
        "env_prefix": "SHOP_",
        "fields": [
            {"name": "api_url", "type": "url", "required": True},
            {"name": "ratio", "type": "float", "default": 0.5},
            {"name": "workers", "type": "int", "default": 4},
            {"name": "stripe_key", "type": "secret", "required": True},
            {"name": "debug", "type": "bool", "default": False},
        ],
    },
]
REPO = Path(__file__).resolve().parents[3]
PROBE = """
import json
import django
django.setup()
from django.test import Client
print(json.dumps(Client().get("/config").json()))
"""
URLS = """
from django.conf import settings
from django.http import JsonResponse
from django.urls import path


def config(request):
    names = [n for n in dir(settings) if n.isupper()]
    return JsonResponse({n: getattr(settings, n) for n in names if n in WANTED}, safe=False)


WANTED = WANTED_NAMES
urlpatterns = [path("config", config)]
"""


def _project(tmp_path: Path, options):
    result = render_to(tmp_path, "config", "django", options)
    fields = [f["name"].upper() for f in result.options["fields"]]
    settings = result.mount + (
        '\nSECRET_KEY = "tests-only"\nALLOWED_HOSTS = ["testserver"]\n'
        'ROOT_URLCONF = "proj_urls"\nINSTALLED_APPS = []\nMIDDLEWARE = []\n'
    )
    (tmp_path / "proj_settings.py").write_text(settings)
    (tmp_path / "proj_urls.py").write_text(URLS.replace("WANTED_NAMES", repr(sorted(fields))))
    return result


def _start(tmp_path: Path, env_vars):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "SHOP_"))}
    env.update(env_vars, DJANGO_SETTINGS_MODULE="proj_settings", PYTHONPATH=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("options", OPTION_SETS)
def test_valid_environment_gives_typed_settings(tmp_path, options):
    _project(tmp_path, options)
    if options:
        env = {
            "SHOP_API_URL": "https://api.example/v1",
            "SHOP_STRIPE_KEY": "sk_test_1",
            "SHOP_WORKERS": "8",
            "SHOP_DEBUG": "true",
        }
        expected = {
            "API_URL": "https://api.example/v1",
            "RATIO": 0.5,
            "WORKERS": 8,
            "STRIPE_KEY": "sk_test_1",
            "DEBUG": True,
        }
    else:
        env = {"APP_DATABASE_URL": "postgresql://u:p@db/app", "APP_PORT": "9000"}
        expected = {
            "DATABASE_URL": "postgresql://u:p@db/app",
            "PORT": 9000,
            "LOG_LEVEL": "INFO",
            "DEBUG": False,
        }
    run = _start(tmp_path, env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_bad_variable_is_listed_before_exit(tmp_path, options):
    _project(tmp_path, options)
    if options:
        env = {"SHOP_API_URL": "not a url", "SHOP_WORKERS": "many", "SHOP_RATIO": "x"}
        bad = ["SHOP_API_URL", "SHOP_WORKERS", "SHOP_RATIO", "SHOP_STRIPE_KEY"]
    else:
        env = {"APP_PORT": "eighty", "APP_DEBUG": "maybe"}
        bad = ["APP_DATABASE_URL", "APP_PORT", "APP_DEBUG"]
    run = _start(tmp_path, env)
    assert run.returncode == 1
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("Invalid configuration:")
    for name in bad:
        assert name in run.stderr, name
    assert "LOG_LEVEL" not in run.stderr


def test_secrets_are_not_echoed(tmp_path, monkeypatch):
    _project(tmp_path, OPTION_SETS[1])
    env = {"SHOP_API_URL": "https://a.example", "SHOP_STRIPE_KEY": "sk_live_secret"}
    run = _start(tmp_path, {**env, "SHOP_WORKERS": "x"})
    assert run.returncode == 1 and "sk_live_secret" not in run.stderr
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    loaded = import_python(tmp_path / "config.py").load_config()
    assert "sk_live_secret" not in repr(loaded)
    assert loaded.stripe_key.get_secret_value() == "sk_live_secret"
