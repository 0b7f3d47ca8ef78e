"""error-envelope on Django: every error (raised, Django's own, unknown URL, crash) as the
documented envelope, with the request id, never leaking the exception."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {"request_id_header": "X-Correlation-ID", "internal_error_message": "Something broke"},
]


def _envelope(response, status, code, request_id=None):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert isinstance(error["details"], list)
    if request_id is not None:
        assert error["request_id"] == request_id
    return error


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_error_has_the_envelope(render, django_app, options, caplog):
    module = render("error-envelope", "django", options).module
    header = module.REQUEST_ID_HEADER

    def api_error(request):
        raise module.ApiError(
            409, "ORDER_LOCKED", "Order is locked", [{"field": "id", "reason": "locked"}]
        )

    def missing(request):
        raise Http404("secret detail")

    def forbidden(request):
        raise PermissionDenied

    def invalid(request):
        raise ValidationError({"email": ["must be a valid email address"]})

    def crash(request):
        raise RuntimeError("db password hunter2")

    def only_post(request):
        return HttpResponseNotAllowed(["POST"])

    def teapot(request):
        return HttpResponse("client closed", status=499)

    def ok(request):
        return JsonResponse({"ok": True})

    client = django_app(
        [dotted(module, "ErrorEnvelopeMiddleware")],
        [
            path("api-error", api_error),
            path("missing", missing),
            path("forbidden", forbidden),
            path("invalid", invalid),
            path("crash", crash),
            path("only-post", only_post),
            path("ok", ok),
            path("odd", teapot),
        ],
    )
    error = _envelope(
        client.get("/api-error", headers={header: "req-1"}), 409, "ORDER_LOCKED", "req-1"
    )
    assert error["details"] == [{"field": "id", "reason": "locked"}]
    assert error["message"] == "Order is locked"
    assert "secret detail" not in _envelope(client.get("/missing"), 404, "NOT_FOUND")["message"]
    _envelope(client.get("/forbidden"), 403, "FORBIDDEN")
    error = _envelope(client.get("/invalid"), 422, "VALIDATION_FAILED")
    assert error["details"] == [{"field": "email", "reason": "must be a valid email address"}]
    with caplog.at_level(logging.ERROR):
        response = client.get("/crash", headers={header: "req-crash"})
    error = _envelope(response, 500, "INTERNAL_ERROR", "req-crash")
    assert error["message"] == options.get("internal_error_message", "Internal server error")
    assert "hunter2" not in response.content.decode()
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)
    not_allowed = client.get("/only-post")
    _envelope(not_allowed, 405, "METHOD_NOT_ALLOWED")
    assert not_allowed["Allow"] == "POST"
    unknown = client.get("/no/such/url")
    error = _envelope(unknown, 404, "NOT_FOUND")
    assert error["request_id"] == unknown[header]
    assert client.get("/ok").json() == {"ok": True}
    assert _envelope(client.get("/odd"), 499, "ERROR")["message"] == "Error"
