"""The middleware catalog: what each middleware is, which practice it follows, its options.

Ids are shared by every framework, the CLI and the MCP tool. The options models validate every
value that reaches generated code (see options.py); defaults follow DECISIONS (the documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import Field, model_validator

from backend_skill.generate.options import (
    EnvName,
    HeaderName,
    HeaderValue,
    HttpMethod,
    Identifier,
    IpNetwork,
    Options,
    Origin,
    SafeToken,
    Seconds,
    Store,
    Text,
    Url,
    UrlPath,
    UserAgent,
)

HEALTH_PATHS = ["/health/live", "/health/ready", "/health/startup"]
_IDEMPOTENT_METHODS: list[HttpMethod] = ["POST", "PATCH"]
_CORS_METHODS: list[HttpMethod] = ["GET", "POST", "PUT", "PATCH", "DELETE"]
JwtAlgorithm = Literal[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "EdDSA"
]
_JWT_ALGORITHMS: list[JwtAlgorithm] = ["RS256"]
RetryableError = Literal["ConnectionError", "TimeoutError", "OSError", "RuntimeError", "Exception"]
_RETRY_ON: list[RetryableError] = ["ConnectionError", "TimeoutError"]


class RequestIdOptions(Options):
    header_name: HeaderName = Field("X-Request-ID", description="Header read and echoed.")
    max_length: int = Field(128, ge=8, le=256, description="Longest inbound id accepted.")
    trust_inbound: bool = Field(True, description="Accept a safe inbound id instead of a new one.")


class JsonLoggingOptions(Options):
    service_name: SafeToken = Field("app", description="Value of the `service` field.")
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO")
    logger_name: Identifier = Field("app", description="Name of the application logger.")
    request_id_header: HeaderName = Field("X-Request-ID")
    redact_fields: list[SafeToken] = Field(
        default_factory=lambda: ["password", "token", "secret", "authorization", "api_key"],
        description="Keys whose values are replaced by [REDACTED] in log records.",
        max_length=50,
    )


class ErrorEnvelopeOptions(Options):
    request_id_header: HeaderName = Field("X-Request-ID")
    internal_error_message: Text = Field(
        "Internal server error", description="Message of 500 responses (never the exception)."
    )


class IdempotencyKeyOptions(Options):
    header_name: HeaderName = Field("Idempotency-Key")
    ttl_seconds: Seconds = Field(86400, description="How long a stored response is replayed.")
    lock_timeout_seconds: int = Field(
        60, ge=1, le=3600, description="How long an in-progress marker blocks a retry (409)."
    )
    store: Store = Field("memory", description="memory (one process) or redis (shared).")
    redis_url: Url = Field("redis://localhost:6379/0")
    key_prefix: SafeToken = Field("idempotency:v1:")
    methods: list[HttpMethod] = Field(
        default_factory=lambda: list(_IDEMPOTENT_METHODS), min_length=1, max_length=7
    )
    max_key_length: int = Field(255, ge=16, le=1024)


class RateLimitOptions(Options):
    algorithm: Literal["sliding-window", "token-bucket"] = Field("sliding-window")
    limit: int = Field(100, ge=1, le=1_000_000, description="Requests allowed per window.")
    window_seconds: int = Field(60, ge=1, le=86400)
    store: Store = Field("memory")
    redis_url: Url = Field("redis://localhost:6379/0")
    key_prefix: SafeToken = Field("ratelimit:v1:")
    trusted_proxies: list[IpNetwork] = Field(
        default_factory=list,
        max_length=100,
        description="Peers (IPs or CIDRs) whose X-Forwarded-For is believed.",
    )
    exempt_paths: list[UrlPath] = Field(default_factory=lambda: list(HEALTH_PATHS), max_length=50)


class SecurityHeadersOptions(Options):
    hsts_max_age: int = Field(63072000, ge=0, le=10 * 63072000)
    hsts_include_subdomains: bool = True
    hsts_preload: bool = False
    content_security_policy: HeaderValue = "default-src 'none'; frame-ancestors 'none'"
    frame_options: Literal["DENY", "SAMEORIGIN"] = "DENY"
    referrer_policy: Literal[
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ] = "strict-origin-when-cross-origin"
    permissions_policy: HeaderValue = "camera=(), microphone=(), geolocation=()"


class CorsOptions(Options):
    allow_origins: list[Origin | Literal["*"]] = Field(
        default_factory=lambda: ["https://app.example.com"], min_length=1, max_length=100
    )
    allow_credentials: bool = False
    allow_methods: list[HttpMethod] = Field(
        default_factory=lambda: list(_CORS_METHODS), min_length=1
    )
    allow_headers: list[HeaderName] = Field(
        default_factory=lambda: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]
    )
    expose_headers: list[HeaderName] = Field(default_factory=lambda: ["X-Request-ID"])
    max_age: int = Field(600, ge=0, le=86400)

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> Self:
        if "*" in self.allow_origins and self.allow_credentials:
            raise ValueError(
                "allow_origins '*' with allow_credentials is refused: list the origins explicitly"
            )
        if "*" in self.allow_origins and len(self.allow_origins) > 1:
            raise ValueError("'*' cannot be combined with explicit origins")
        return self


class HealthOptions(Options):
    path_prefix: UrlPath = Field(
        "/health", description="The documents use /health (/health/live, /ready, /startup)."
    )
    check_timeout_seconds: float = Field(2.0, ge=0.05, le=30)


class GracefulShutdownOptions(Options):
    drain_timeout_seconds: float = Field(30, ge=0.1, le=600)
    readiness_path: UrlPath = "/health/ready"


class JwtAuthOptions(Options):
    algorithms: list[JwtAlgorithm] = Field(
        default_factory=lambda: list(_JWT_ALGORITHMS), min_length=1
    )
    key_env: EnvName = Field(
        "JWT_VERIFY_KEY", description="Env var read when no key is passed (prefer settings)."
    )
    audience: SafeToken | Url = "api"
    issuer: Url = "https://auth.example.com/"
    leeway_seconds: int = Field(30, ge=0, le=300)
    scope_claim: Identifier = "scope"
    exempt_paths: list[UrlPath] = Field(default_factory=lambda: list(HEALTH_PATHS), max_length=50)

    @model_validator(mode="after")
    def _one_family(self) -> Self:
        # Mixing HMAC and public-key algorithms lets a public key be used as an HMAC secret.
        families = {a[:2] for a in self.algorithms}
        if "HS" in families and len(families) > 1:
            raise ValueError("do not mix HS* with public-key algorithms (key confusion)")
        return self


DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]


class RedMetricsOptions(Options):
    metrics_path: UrlPath = "/metrics"
    buckets: list[float] = Field(
        default_factory=lambda: list(DEFAULT_BUCKETS), min_length=1, max_length=40
    )
    exclude_paths: list[UrlPath] = Field(default_factory=lambda: ["/metrics", *HEALTH_PATHS])

    @model_validator(mode="after")
    def _increasing(self) -> Self:
        if any(b <= 0 for b in self.buckets) or sorted(set(self.buckets)) != self.buckets:
            raise ValueError("buckets must be positive and strictly increasing")
        return self


class TracingOptions(Options):
    service_name: SafeToken = "app"
    exporter: Literal["console", "otlp", "none"] = Field(
        "otlp", description="otlp sends to otlp_endpoint; console prints spans."
    )
    otlp_endpoint: Url = "http://localhost:4318/v1/traces"
    sample_ratio: float = Field(1.0, ge=0, le=1)
    excluded_paths: list[UrlPath] = Field(default_factory=lambda: list(HEALTH_PATHS))


class WebhookSignatureOptions(Options):
    secret_env: EnvName = Field(
        "WEBHOOK_SECRET",
        description="Env var read when no secret is passed (prefer settings).",
    )
    tolerance_seconds: int = Field(300, ge=1, le=3600)
    signature_header: HeaderName = "X-Webhook-Signature"
    timestamp_header: HeaderName = "X-Webhook-Timestamp"
    id_header: HeaderName = "X-Webhook-ID"
    path_prefix: UrlPath = "/webhooks"


class WebhookSenderOptions(Options):
    retry_delays_seconds: list[int] = Field(
        default_factory=lambda: [1, 5, 25, 125, 625], min_length=0, max_length=10
    )
    connect_timeout_seconds: float = Field(3.05, gt=0, le=60)
    read_timeout_seconds: float = Field(10, gt=0, le=300)
    user_agent: UserAgent = "backend-skill-webhooks/1"

    @model_validator(mode="after")
    def _delays_positive(self) -> Self:
        if any(d < 0 or d > 86400 for d in self.retry_delays_seconds):
            raise ValueError("retry delays must be between 0 and 86400 seconds")
        return self


class RetryOptions(Options):
    max_attempts: int = Field(3, ge=1, le=10)
    base_seconds: float = Field(0.1, gt=0, le=60)
    cap_seconds: float = Field(10, gt=0, le=600)
    retry_on: list[RetryableError] = Field(default_factory=lambda: list(_RETRY_ON), min_length=1)


class CircuitBreakerOptions(Options):
    failure_threshold: int = Field(5, ge=1, le=1000)
    recovery_timeout_seconds: float = Field(30, gt=0, le=3600)
    half_open_max: int = Field(3, ge=1, le=100)


class CursorPaginationOptions(Options):
    default_limit: int = Field(25, ge=1, le=1000)
    max_limit: int = Field(100, ge=1, le=1000)

    @model_validator(mode="after")
    def _default_within_max(self) -> Self:
        if self.default_limit > self.max_limit:
            raise ValueError("default_limit must not exceed max_limit")
        return self


class EtagOptions(Options):
    cache_control: Literal["private, no-cache", "no-cache", "private, no-store", "none"] = (
        "private, no-cache"
    )
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576)


class ConfigField(Options):
    name: Identifier
    type: Literal["str", "int", "float", "bool", "url", "secret"] = "str"
    required: bool = False
    default: str | int | float | bool | None = None

    @model_validator(mode="after")
    def _default_fits(self) -> Self:
        if self.required and self.default is not None:
            raise ValueError(f"{self.name}: a required field has no default")
        if not self.required and self.default is None:
            raise ValueError(f"{self.name}: give a default or mark it required")
        expected = {
            "str": (str,),
            "url": (str,),
            "int": (int,),
            "float": (int, float),
            "bool": (bool,),
            "secret": (),
        }[self.type]
        if self.default is not None and (
            not isinstance(self.default, expected)
            or (isinstance(self.default, bool) and self.type != "bool")
        ):
            raise ValueError(f"{self.name}: default {self.default!r} is not a {self.type}")
        if isinstance(self.default, str) and self.type == "secret":
            raise ValueError(f"{self.name}: secrets have no default in code")
        if isinstance(self.default, str) and not _SAFE_DEFAULT.fullmatch(self.default):
            raise ValueError(f"{self.name}: default {self.default!r} has unsupported characters")
        return self


_SAFE_DEFAULT = re.compile(r"^[A-Za-z0-9 ._:/@+,=-]{0,200}$")


class ConfigOptions(Options):
    env_prefix: EnvName | Literal[""] = "APP_"
    fields: list[ConfigField] = Field(
        default_factory=lambda: [
            ConfigField(name="database_url", type="secret", required=True),
            ConfigField(name="port", type="int", default=8000),
            ConfigField(name="log_level", type="str", default="INFO"),
            ConfigField(name="debug", type="bool", default=False),
        ],
        min_length=1,
        max_length=200,
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [f.name.lower() for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError("field names must be unique")
        return self


@dataclass(frozen=True)
class Middleware:
    id: str
    title: str
    description: str
    pattern: str  # document#anchor of the practice it follows
    options: type[Options]


CATALOG: dict[str, Middleware] = {
    m.id: m
    for m in [
        Middleware(
            "request-id",
            "Request id / correlation",
            "Accept a safe inbound X-Request-ID or mint a UUID4, expose it to handlers and logs, "
            "echo it on the response.",
            "observability-patterns#request-correlation",
            RequestIdOptions,
        ),
        Middleware(
            "json-logging",
            "Structured JSON logging",
            "JSON lines with timestamp, level, message, service, request_id, trace_id, span_id; "
            "one access line per request; secrets redacted.",
            "observability-patterns#structured-logging",
            JsonLoggingOptions,
        ),
        Middleware(
            "error-envelope",
            "Error envelope",
            "Every error (HTTP, validation, crash) as {error: {code, message, details, "
            "request_id}}; crashes logged, never leaked.",
            "api-design-patterns#error-envelope",
            ErrorEnvelopeOptions,
        ),
        Middleware(
            "idempotency-key",
            "Idempotency keys",
            "Replay the stored response of a repeated Idempotency-Key without running the handler "
            "again; 409 while in progress, 422 on a different payload, 2xx/4xx cached, 5xx not.",
            "api-design-patterns#idempotency-keys",
            IdempotencyKeyOptions,
        ),
        Middleware(
            "rate-limit",
            "Rate limiting",
            "Sliding window or token bucket per client (memory or Redis with an atomic Lua script);"
            " 429 with Retry-After and RateLimit-* headers; X-Forwarded-For only from trusted "
            "proxies.",
            "api-design-patterns#rate-limiting",
            RateLimitOptions,
        ),
        Middleware(
            "security-headers",
            "Security headers",
            "HSTS, CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, "
            "Permissions-Policy on every response.",
            "security-patterns#security-headers",
            SecurityHeadersOptions,
        ),
        Middleware(
            "cors",
            "CORS allow-list",
            "An explicit origin allow-list; '*' with credentials is refused at generation time.",
            "security-patterns#cors",
            CorsOptions,
        ),
        Middleware(
            "health",
            "Health endpoints",
            "/health/live, /health/ready (pluggable checks, 503 on failure or shutdown), "
            "/health/startup (503 until initialised).",
            "resilience-patterns#health-endpoints",
            HealthOptions,
        ),
        Middleware(
            "graceful-shutdown",
            "Graceful shutdown",
            "On shutdown: readiness turns 503, new requests are refused, in-flight requests drain "
            "up to a hard deadline.",
            "resilience-patterns#graceful-shutdown",
            GracefulShutdownOptions,
        ),
        Middleware(
            "jwt-auth",
            "JWT authentication and authorization",
            "Verify bearer JWTs (pinned algorithms, exp/aud/iss) in middleware; a separate "
            "scope check guards each route.",
            "security-patterns#jwt-access-tokens",
            JwtAuthOptions,
        ),
        Middleware(
            "red-metrics",
            "RED metrics",
            "http_requests_total and http_request_duration_seconds labelled by the route template, "
            "exposed for Prometheus.",
            "observability-patterns#red-metrics",
            RedMetricsOptions,
        ),
        Middleware(
            "tracing",
            "Distributed tracing",
            "OpenTelemetry set-up with W3C trace context propagation and the framework's "
            "instrumentation.",
            "observability-patterns#distributed-tracing",
            TracingOptions,
        ),
        Middleware(
            "webhook-signature",
            "Inbound webhook verification",
            "HMAC-SHA256 of '{timestamp}.{body}' over the raw body, 300 s tolerance, constant-time "
            "compare, dedupe by X-Webhook-ID.",
            "api-design-patterns#inbound-webhooks",
            WebhookSignatureOptions,
        ),
        Middleware(
            "webhook-sender",
            "Outbound webhook sender",
            "Signs deliveries (X-Webhook-ID/-Timestamp/-Signature) and retries after 1, 5, 25, "
            "125, 625 s, then disables the endpoint and notifies.",
            "api-design-patterns#outbound-webhooks",
            WebhookSenderOptions,
        ),
        Middleware(
            "retry",
            "Retry with backoff and jitter",
            "Exponential backoff with full jitter for idempotent calls; injectable sleep.",
            "resilience-patterns#retries-with-backoff-and-jitter",
            RetryOptions,
        ),
        Middleware(
            "circuit-breaker",
            "Circuit breaker",
            "Closed, open, half-open with a limited number of probes; injectable clock.",
            "resilience-patterns#circuit-breakers",
            CircuitBreakerOptions,
        ),
        Middleware(
            "cursor-pagination",
            "Cursor pagination",
            "Opaque base64url cursors and the page shape {data, next_cursor, has_more}.",
            "api-design-patterns#cursor-pagination",
            CursorPaginationOptions,
        ),
        Middleware(
            "etag",
            "ETag and conditional GET",
            "Strong ETag from a hash of the body; If-None-Match answers 304 without a body.",
            "api-design-patterns#conditional-requests-and-etags",
            EtagOptions,
        ),
        Middleware(
            "config",
            "Typed configuration",
            "Settings read from the environment, validated at start-up; every bad variable is "
            "listed before the process exits.",
            "twelve-factor-cheatsheet#typed-configuration",
            ConfigOptions,
        ),
    ]
}

FRAMEWORK_IDS = ["fastapi", "flask", "django", "express", "go"]
