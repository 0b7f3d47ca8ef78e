"""config on Flask (pydantic-settings): typed values, secrets hidden, every bad variable listed."""

from __future__ import annotations

import pytest
from flask import Flask

OPTION_SETS = [
    {},
    {
        "env_prefix": "",
        "fields": [
            {"name": "redis_url", "type": "url", "default": "redis://localhost:6379/0"},
            {"name": "workers", "type": "int", "required": True},
            {"name": "ratio", "type": "float", "default": 0.5},
            {"name": "api_token", "type": "secret", "required": True},
            {"name": "region", "type": "str", "default": "eu-west-1"},
        ],
    },
]


def _app(module):
    app = Flask(__name__)
    module.init_config(app)

    @app.get("/settings")
    def settings():
        return {k: str(v) for k, v in module.get_settings().model_dump().items()}

    return app


def test_defaults_valid_and_invalid(render, monkeypatch, capsys):
    module = render("config", "flask", {}).module
    monkeypatch.setenv("APP_DATABASE_URL", "postgresql://u:hunter2@db/app")
    monkeypatch.setenv("APP_DEBUG", "true")
    body = _app(module).test_client().get("/settings").get_json()
    assert body == {
        "database_url": "**********",
        "port": "8000",
        "log_level": "INFO",
        "debug": "True",
    }
    settings = module.load_settings()
    assert settings.database_url.get_secret_value() == "postgresql://u:hunter2@db/app"
    assert "hunter2" not in repr(settings)

    monkeypatch.delenv("APP_DATABASE_URL")
    monkeypatch.setenv("APP_PORT", "eighty")
    monkeypatch.setenv("APP_DEBUG", "maybe")
    with pytest.raises(SystemExit) as stop:
        _app(module)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    for name in ["APP_DATABASE_URL", "APP_PORT", "APP_DEBUG"]:
        assert name in err
    assert "eighty" not in err and "maybe" not in err


def test_custom_fields(render, monkeypatch, capsys):
    module = render("config", "flask", OPTION_SETS[1]).module
    monkeypatch.setenv("WORKERS", "4")
    monkeypatch.setenv("API_TOKEN", "tok")
    monkeypatch.setenv("RATIO", "0.25")
    body = _app(module).test_client().get("/settings").get_json()
    assert body == {
        "redis_url": "redis://localhost:6379/0",
        "workers": "4",
        "ratio": "0.25",
        "api_token": "**********",
        "region": "eu-west-1",
    }
    monkeypatch.setenv("REDIS_URL", "not a url")
    monkeypatch.delenv("API_TOKEN")
    with pytest.raises(SystemExit):
        module.load_settings()
    err = capsys.readouterr().err
    assert "REDIS_URL" in err and "API_TOKEN" in err and "WORKERS" not in err
