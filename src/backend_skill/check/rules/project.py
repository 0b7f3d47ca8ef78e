"""Project-level rules: they run when a directory is checked, over the facts every file
recorded (routes, router prefixes, web apps, rate limiters, env reads) and the file list."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any

from backend_skill.check.project import ProjectView
from backend_skill.check.rule import Invalid, ProjectRule, Valid
from backend_skill.check.rules.api import AUTH_WORDS
from backend_skill.check.rules.secrets import is_test_path
from backend_skill.models import Confidence, Severity

VERSION = re.compile(r"(^|/)v\d+(/|$)")
INFRA = re.compile(r"^/?($|health|metrics|docs|redoc|openapi|\.well-known|favicon|static|admin)")
HEALTH = ("live", "ready", "startup")
PROBES = frozenset({*HEALTH, "livez", "readyz", "healthz", "startupz"})
WEB_KINDS = frozenset({"FastAPI", "Flask", "Starlette", "Quart", "Sanic"})


def _routes(project: ProjectView) -> list[tuple[str, dict[str, Any]]]:
    return [(p, r) for p, r in project.facts_of("route") if not is_test_path(p)]


def _web_service(project: ProjectView) -> tuple[str, int] | None:
    """Where the web app is created (or the first route), if this is a web service."""
    for path, app in project.facts_of("web_app"):
        if app["kind"] in WEB_KINDS and not is_test_path(path):
            return path, app["line"]
    routes = _routes(project)
    return (routes[0][0], routes[0][1]["line"]) if routes else None


def _full_paths(project: ProjectView) -> list[str]:
    """Route paths, also joined with every prefix seen in the same file."""
    prefixes: dict[str, list[str]] = defaultdict(list)
    for path, fact in project.facts_of("route_prefix"):
        prefixes[path].append(fact["prefix"].rstrip("/"))
    all_prefixes = [p for values in prefixes.values() for p in values]
    out = []
    for path, route in _routes(project):
        route_path = "/" + route["path"].strip("/")
        out.append(route_path)
        for prefix in [*prefixes.get(path, []), *all_prefixes]:
            out.append("/" + f"{prefix.strip('/')}{route_path}".strip("/"))
    return out


APP = "from fastapi import FastAPI\napp = FastAPI()\n"
HEALTHY = (
    "@app.get('/health/live')\ndef live(): ...\n"
    "@app.get('/health/ready')\ndef ready(): ...\n"
    "@app.get('/health/startup')\ndef startup(): ...\n"
)


class MissingHealthEndpoints(ProjectRule):
    id = "BS801"
    name = "missing-health-endpoints"
    area = "health-checks-and-lifecycle"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "resilience-patterns#health-endpoints"
    summary = "A web service has no /health/live, /health/ready or /health/startup route."
    why = (
        "Orchestrators decide from these endpoints whether to restart a process (live), send "
        "it traffic (ready) or wait for it to boot (startup). Without them a stuck instance "
        "keeps receiving requests and a booting one is killed."
    )
    instead = (
        "Serve /health/live (no dependency checks), /health/ready (checks dependencies; 503 "
        "while shutting down) and /health/startup (503 until initialised)."
    )
    message = "Web service without {missing}; add the health endpoints."
    valid = (
        Valid(files={"app.py": APP + HEALTHY}),
        Valid(
            files={
                "app.py": APP + "app.include_router(health.router, prefix='/health')\n",
                "health.py": "router = APIRouter()\n@router.get('/live')\ndef live(): ...\n"
                "@router.get('/ready')\ndef ready(): ...\n@router.get('/startup')\n"
                "def startup(): ...\n",
            }
        ),
        Valid(files={"tool.py": "import json\nprint(json.dumps({}))\n"}),
        Valid(
            files={
                "health.py": APP + "PREFIX = '/health'\nrouter = APIRouter(prefix=PREFIX)\n"
                "@router.get('/live')\ndef live(): ...\n@router.get('/ready')\n"
                "def ready(): ...\n@router.get('/startup')\ndef startup(): ...\n",
            }
        ),
    )
    invalid = (
        Invalid(files={"app.py": APP + "@app.get('/v1/orders')\ndef orders(): ...\n"}),
        Invalid(files={"app.py": APP + "@app.get('/health')\ndef health(): ...\n"}),
    )

    def check_project(self, project: ProjectView) -> None:
        where = _web_service(project)
        if where is None:
            return
        paths = {p.rstrip("/") for p in _full_paths(project)}
        missing = [
            f"/health/{name}"
            for name in HEALTH
            # The documents name /health/<probe>; a probe under another prefix still counts.
            if not any(p.endswith((f"/{name}", f"/health{name}", f"/{name}z")) for p in paths)
        ]
        if missing:
            project.report(
                self, where[0], where[1], self.message.format(missing=", ".join(missing))
            )


class AuthRouteWithoutRateLimit(ProjectRule):
    id = "BS802"
    name = "auth-route-without-rate-limit"
    area = "rate-limiting-and-caching"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (307,)
    pattern = "api-design-patterns#rate-limiting"
    summary = "A login/register/token/password-reset route has no rate limiting."
    why = (
        "Unthrottled authentication endpoints invite credential stuffing and password "
        "guessing at full network speed, and let anyone trigger reset emails in bulk."
    )
    instead = (
        "Limit auth endpoints to about 5 attempts per minute per IP and account (slowapi "
        "`@limiter.limit('5/minute')`, flask-limiter, a gateway rule) and answer 429 with "
        "Retry-After."
    )
    message = "Auth route {route} without rate limiting; limit it (e.g. 5/minute per IP+account)."
    valid = (
        Valid(
            files={
                "auth.py": "@router.post('/v1/auth/login')\n@limiter.limit('5/minute')\n"
                "def login(request): ...\n"
            }
        ),
        Valid(
            files={
                "app.py": "limiter = Limiter(key_func=ip, default_limits=['100/minute'])\n"
                "app.add_middleware(SlowAPIMiddleware)\n"
                "@app.post('/v1/auth/token')\ndef token(): ...\n"
            }
        ),
        Valid(files={"app.py": "@app.get('/v1/tokens/{id}')\ndef get_token(id): ...\n"}),
        # an LLM's token count, a token in an incoming webhook's URL, data being reset
        Valid(
            files={
                "api.py": "@app.post('/v1/messages/count_tokens')\ndef count(body): ...\n"
                "@router.post('/v1/webhooks/{hook_id}/{token}')\ndef hook(hook_id, token): ...\n"
                "@router.post('/v1/knowledge/{id}/reset')\ndef clear(id): ...\n"
                "@router.post('/v1/reset/uploads')\ndef wipe(): ...\n"
            }
        ),
    )
    invalid = (
        Invalid(files={"auth.py": "@router.post('/v1/auth/login')\ndef login(form): ...\n"}),
        Invalid(
            files={"views.py": "@bp.route('/password-reset', methods=['POST'])\ndef reset(): ...\n"}
        ),
        # a reset whose token, or router, says it resets a password
        Invalid(
            files={
                "views.py": "@bp.route('/reset/<token>', methods=['GET', 'POST'])\n"
                "def reset_with_token(token): ...\n",
                "password.py": "router = APIRouter(prefix='/v1/password')\n"
                "@router.post('/reset')\ndef reset(body): ...\n",
            },
            count=2,
        ),
    )

    def check_project(self, project: ProjectView) -> None:
        if any(fact["global"] for _, fact in project.facts_of("rate_limiter")):
            return
        prefixes: dict[str, list[str]] = defaultdict(list)
        for file, fact in project.facts_of("route_prefix"):
            prefixes[file].append(fact["prefix"].lower())
        for path, route in _routes(project):
            methods = route["methods"]
            if "POST" not in methods:  # unknown methods (Django path()): the view decides
                continue
            if _auth_route(route["path"], prefixes.get(path, [])) and not route["rate_limited"]:
                project.report(self, path, route["line"], self.message.format(route=route["path"]))


# Path parameters are values (`/webhooks/{id}/{token}`), not what the route does.
PATH_PARAMETER = re.compile(r"\{[^}]*\}|<[^>]*>|\(\?P<[^>]*>[^)]*\)")
# An LLM endpoint that counts a prompt's tokens.
TOKEN_COUNTING = re.compile(r"count[-_]?tokens?|tokens?[-_]?count")
# What makes a reset a credential's reset, in the path, its parameters or its router's prefix.
CREDENTIAL_WORDS = ("pass", "pwd", "token", "auth", "account", "login", "credential", "otp")


def _auth_route(path: str, prefixes: list[str]) -> bool:
    lowered = path.lower()
    literal = TOKEN_COUNTING.sub("", PATH_PARAMETER.sub("", lowered))
    for word in AUTH_WORDS:
        if word not in literal:
            continue
        if word == "reset":
            # resetting data (`/knowledge/{id}/reset`, `/reset/db`) is no password reset
            context = " ".join([lowered.replace("reset", ""), *prefixes])
            if not any(credential in context for credential in CREDENTIAL_WORDS):
                continue
        return True
    return False


class NoApiVersion(ProjectRule):
    id = "BS503"
    name = "no-api-version"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#versioning-and-deprecation"
    summary = "No route or router prefix carries a version (`/v1/...`)."
    why = (
        "Without a version in the path the first breaking change breaks every client at once; "
        "with `/v1` the old contract keeps working while clients move to `/v2`."
    )
    instead = "Mount the API under a version prefix: `APIRouter(prefix='/v1')`, `url_prefix='/v1'`."
    message = "API routes have no version prefix; mount them under /v1."
    valid = (
        Valid(files={"app.py": "@app.get('/v1/orders')\ndef orders(): ...\n"}),
        Valid(
            files={
                "app.py": "app.include_router(orders.router, prefix='/api/v1')\n",
                "orders.py": "@router.get('/orders')\ndef orders(): ...\n",
            }
        ),
        Valid(files={"app.py": "@app.get('/health/live')\ndef live(): ...\n"}),
        Valid(
            files={
                "health.py": "router = APIRouter(prefix='/health')\n"
                "@router.get('/live')\ndef live(): ...\n"
            }
        ),
        # the prefix is a setting named for its version
        Valid(
            files={
                "main.py": "from app.core.config import settings\n"
                "app.include_router(api_router, prefix=settings.API_V1_STR)\n",
                "items.py": "@router.get('/items')\ndef items(): ...\n",
            }
        ),
    )
    invalid = (
        Invalid(files={"app.py": "@app.get('/orders')\ndef orders(): ...\n"}),
        # a prefix from settings whose name says nothing about a version
        Invalid(
            files={
                "main.py": "app.include_router(api_router, prefix=settings.API_PREFIX)\n",
                "items.py": "@router.get('/items')\ndef items(): ...\n",
            }
        ),
    )

    def check_project(self, project: ProjectView) -> None:
        local_prefixes: dict[str, list[str]] = defaultdict(list)
        for file, fact in project.facts_of("route_prefix"):
            local_prefixes[file].append(fact["prefix"].strip("/"))

        def infrastructure(file: str, route: dict[str, Any]) -> bool:
            # Health, metrics and docs are conventionally unversioned, also under a prefix.
            path = route["path"].lstrip("/")
            joined = [f"{prefix}/{path}" for prefix in local_prefixes.get(file, [])]
            probe = path.rsplit("/", 1)[-1] in PROBES
            return probe or any(INFRA.match(candidate) for candidate in [path, *joined])

        routes = [(p, r) for p, r in _routes(project) if not infrastructure(p, r)]
        if not routes:
            return
        prefixes = [f["prefix"] for _, f in project.facts_of("route_prefix")]
        if any(VERSION.search(r["path"]) for _, r in routes) or any(
            VERSION.search(p) for p in prefixes
        ):
            return
        path, route = routes[0]
        project.report(self, path, route["line"])


CONFIG_MODULE = re.compile(r"(settings|config|conf|env|environment)", re.IGNORECASE)
ENTRY_POINTS = frozenset(
    {
        "__main__.py",
        "manage.py",
        "wsgi.py",
        "asgi.py",
        "conftest.py",
        "gunicorn.conf.py",
        "setup.py",
        "noxfile.py",
    }
)


# The environment of the process rather than settings of the service: set by the shell, the
# OS, the service manager or the Python runtime, and read where they are used (PATH by a
# which(), TERM by a colour check, LISTEN_FDS by socket activation).
OS_ENVIRONMENT = frozenset(
    {"PATH", "HOME", "USER", "USERNAME", "LOGNAME", "SHELL", "PWD", "OLDPWD", "TZ"}
    | {"TERM", "TERM_PROGRAM", "COLORTERM", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR"}
    | {"LANG", "LANGUAGE", "TMPDIR", "TEMP", "TMP", "PAGER", "LESS", "EDITOR", "VISUAL", "BROWSER"}
    | {"DISPLAY", "WAYLAND_DISPLAY", "SSH_AUTH_SOCK", "SOURCE_DATE_EPOCH", "POSIXLY_CORRECT"}
    | {"LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LIBPATH", "MANPAGER", "HOMEDRIVE", "HOMEPATH"}
    | {"USERPROFILE", "APPDATA", "LOCALAPPDATA", "PROGRAMFILES", "COMSPEC", "SYSTEMROOT", "PATHEXT"}
    | {"NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "INVOCATION_ID"}
)
OS_ENVIRONMENT_PREFIXES = ("PYTHON", "XDG_", "LC_", "COMP_")


def _os_environment(name: object) -> bool:
    if not isinstance(name, str):
        return False
    upper = name.upper()
    return upper in OS_ENVIRONMENT or upper.startswith(OS_ENVIRONMENT_PREFIXES)


def _config_module(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        bool(CONFIG_MODULE.search(pure.stem))
        or pure.name in ENTRY_POINTS
        or any(
            part in {"scripts", "migrations", "alembic", "bin", "tools"} for part in pure.parts[:-1]
        )
    )


class ScatteredEnvConfig(ProjectRule):
    id = "BS701"
    name = "scattered-env-config"
    area = "configuration"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "twelve-factor-cheatsheet#typed-configuration"
    summary = "Environment variables are read across modules instead of in one typed config."
    why = (
        "Scattered os.getenv calls fail late (at first use, in production), each with its own "
        "default and parsing; nobody can list what the service needs to start."
    )
    instead = (
        "Read the environment once, in a typed settings object validated at startup "
        "(pydantic-settings `BaseSettings`), and pass or import that object."
    )
    message = (
        "Environment read outside the settings module ({count} modules read env vars); "
        "use one typed config."
    )
    valid = (
        Valid(
            files={
                "settings.py": "import os\nDB = os.environ['DATABASE_URL']\n",
                "app.py": "from settings import DB\n",
            }
        ),
        Valid(files={"app.py": "import os\nPORT = int(os.getenv('PORT', '8000'))\n"}),
        # the process's own environment (a tool on PATH, the terminal), not service settings
        Valid(
            files={
                "settings.py": "import os\nDB = os.environ['DATABASE_URL']\n",
                "tools.py": "import os\nDIRS = os.environ.get('PATH', '').split(os.pathsep)\n",
                "cli.py": "import os\nCOLOR = os.environ.get('TERM') != 'dumb'\n",
                "systemd.py": "import os\nFDS = int(os.environ.get('LISTEN_FDS', 0))\n",
            }
        ),
        # pointing Django at its settings module from a worker and a CLI entry point
        Valid(
            files={
                "shop/settings.py": "import os\nDB = os.environ['DATABASE_URL']\n",
                "shop/celery_app.py": "import os\n"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
                "shop/cli.py": "import os\n"
                "def main():\n"
                "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
            }
        ),
    )
    invalid = (
        Invalid(
            files={
                "db.py": "import os\nURL = os.getenv('DATABASE_URL')\n",
                "payments.py": "import os\nKEY = os.environ['STRIPE_KEY']\n",
            },
            count=2,
        ),
        Invalid(
            files={
                "db.py": "import os\nHOME = os.environ['HOME']\nURL = os.getenv('DATABASE_URL')\n",
                "payments.py": "import os\nKEY = os.environ['STRIPE_KEY']\n",
            },
            count=2,
        ),
        # setdefault whose value is used reads the variable
        Invalid(
            files={
                "db.py": "import os\nURL = os.environ.setdefault('DATABASE_URL', 'sqlite://')\n",
                "payments.py": "import os\nKEY = os.environ['STRIPE_KEY']\n",
            },
            count=2,
        ),
    )

    def check_project(self, project: ProjectView) -> None:
        readers: dict[str, int] = {}
        for path, fact in project.facts_of("env_read"):
            if not is_test_path(path) and not _os_environment(fact.get("name")):
                readers.setdefault(path, fact["line"])
        if len(readers) < 2:
            return
        for path, line in readers.items():
            if not _config_module(path):
                project.report(self, path, line, self.message.format(count=len(readers)))


MIGRATION = re.compile(r"^(?P<number>\d+)_(?P<name>.+?)(\.(up|down))?\.sql$")
IGNORED_IN_MIGRATIONS = re.compile(r"^(readme.*|\.gitkeep|\.keep|__init__\.py)$", re.IGNORECASE)


class MigrationNumbering(ProjectRule):
    id = "BS803"
    name = "migration-numbering"
    area = "database"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "database-patterns#migrations"
    summary = "SQL migrations with gaps, duplicate numbers, unnumbered or unpadded names."
    why = (
        "Migration runners apply files in name order; a duplicate number makes the order "
        "depend on the name, a gap hides a lost or renamed file, and an unnumbered file is "
        "silently skipped or applied first."
    )
    instead = (
        "Number migrations 001_name.sql, 002_name.sql, ... zero-padded, with no gaps or repeats."
    )
    message = "{problem}"
    valid = (
        Valid(
            files={
                "migrations/001_init.sql": "",
                "migrations/002_orders.sql": "",
                "migrations/README.md": "",
            }
        ),
        Valid(files={"migrations/000001_init.up.sql": "", "migrations/000001_init.down.sql": ""}),
        Valid(files={"alembic/versions/ab12_init.py": ""}),
    )
    invalid = (
        Invalid(files={"migrations/001_init.sql": "", "migrations/003_orders.sql": ""}),
        Invalid(files={"migrations/001_init.sql": "", "migrations/001_users.sql": ""}),
        Invalid(files={"db/migrations/001_init.sql": "", "db/migrations/add_index.sql": ""}),
        Invalid(files={"migrations/1_init.sql": "", "migrations/2_orders.sql": ""}),
    )

    def check_project(self, project: ProjectView) -> None:
        folders: dict[str, list[str]] = defaultdict(list)
        for path in project.files:  # string splitting: PurePosixPath per file is slow here
            parent, _, name = path.rpartition("/")
            if parent.rpartition("/")[2] != "migrations":
                continue
            if name.endswith(".sql") or not IGNORED_IN_MIGRATIONS.match(name):
                folders[parent].append(name)
        for folder, names in sorted(folders.items()):
            self._check_folder(project, folder, sorted(names))

    def _check_folder(self, project: ProjectView, folder: str, names: list[str]) -> None:
        sql = [n for n in names if n.endswith(".sql")]
        if not sql:
            return
        numbered: dict[int, set[str]] = defaultdict(set)
        widths: set[int] = set()
        first_of: dict[int, str] = {}
        for name in sql:
            match = MIGRATION.match(name)
            if match is None:
                project.report(
                    self,
                    f"{folder}/{name}",
                    1,
                    f"Unnumbered migration {name}; name it NNN_description.sql.",
                )
                continue
            number = int(match.group("number"))
            numbered[number].add(match.group("name"))
            widths.add(len(match.group("number")))
            first_of.setdefault(number, name)
        for number, stems in sorted(numbered.items()):
            if len(stems) > 1:
                project.report(
                    self,
                    f"{folder}/{first_of[number]}",
                    1,
                    f"Migration number {number} is used {len(stems)} times.",
                )
        ordered = sorted(numbered)
        for previous, current in pairwise(ordered):
            if current != previous + 1:
                project.report(
                    self,
                    f"{folder}/{first_of[current]}",
                    1,
                    f"Gap in migration numbers: {previous} is followed by {current}.",
                )
        if widths and (len(widths) > 1 or min(widths) < 3):
            project.report(
                self,
                f"{folder}/{first_of[ordered[0]]}",
                1,
                "Migration numbers are not zero-padded to one width (use 001_).",
            )
