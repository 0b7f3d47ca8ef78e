"""config on FastAPI: typed settings from the environment, fail fast listing every bad variable."""

import subprocess
import sys
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {
        "env_prefix": "ORDERS_",
        "fields": [
            {"name": "api_url", "type": "url", "required": True},
            {"name": "workers", "type": "int", "default": 4},
            {"name": "ratio", "type": "float", "default": 0.5},
            {"name": "feature_x", "type": "bool", "default": True},
            {"name": "region", "type": "str", "default": "eu-west-1"},
            {"name": "signing_key", "type": "secret", "required": True},
        ],
    },
]


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith(("APP_", "ORDERS_")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_load_types_and_hide_secrets(render, clean_env):
    module = render("config", "fastapi", {}).module
    clean_env.setenv("APP_DATABASE_URL", "postgresql://u:pw@db/app")
    clean_env.setenv("APP_PORT", "9000")
    clean_env.setenv("APP_DEBUG", "true")
    settings = module.load_settings()
    assert settings.port == 9000 and settings.debug is True and settings.log_level == "INFO"
    assert settings.database_url.get_secret_value() == "postgresql://u:pw@db/app"
    assert "pw@db" not in repr(settings)

    app = FastAPI()

    @app.get("/port")
    def port(settings: Annotated[module.Settings, Depends(module.get_settings)]):
        return {"port": settings.port}

    assert TestClient(app).get("/port").json() == {"port": 9000}


def test_every_bad_variable_is_listed_without_values(render, clean_env):
    module = render("config", "fastapi", {}).module
    clean_env.setenv("APP_PORT", "eighty")
    clean_env.setenv("APP_DEBUG", "maybe-secret-value")
    with pytest.raises(SystemExit) as exit_info:
        module.load_settings()
    message = str(exit_info.value)
    for name in ["APP_DATABASE_URL", "APP_PORT", "APP_DEBUG"]:
        assert name in message
    assert "maybe-secret-value" not in message and "eighty" not in message


def test_custom_fields(render, clean_env):
    module = render("config", "fastapi", OPTION_SETS[1]).module
    clean_env.setenv("ORDERS_API_URL", "not a url")
    clean_env.setenv("ORDERS_WORKERS", "many")
    with pytest.raises(SystemExit) as exit_info:
        module.load_settings()
    message = str(exit_info.value)
    assert {"ORDERS_API_URL", "ORDERS_WORKERS", "ORDERS_SIGNING_KEY"} <= {
        word.rstrip(":") for word in message.split()
    }
    clean_env.setenv("ORDERS_API_URL", "https://api.example/v1")
    clean_env.setenv("ORDERS_WORKERS", "8")
    clean_env.setenv("ORDERS_SIGNING_KEY", "k" * 32)
    settings = module.load_settings()
    assert str(settings.api_url) == "https://api.example/v1"
    assert (settings.workers, settings.ratio, settings.feature_x) == (8, 0.5, True)
    assert settings.region == "eu-west-1"


def test_fails_fast_at_startup_as_a_process(render, clean_env):
    rendered = render("config", "fastapi", {})
    run = subprocess.run(
        [sys.executable, "config.py"],
        cwd=rendered.directory,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1
    assert "Invalid configuration" in run.stderr and "APP_DATABASE_URL" in run.stderr
