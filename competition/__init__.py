"""competition: youth science and technology contests for a city science association (市科协)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel import Locale
from flask import Flask, has_request_context, request, session

ZH_CN = Locale.parse("zh_CN")  # Babel spells it zh_Hans_CN
ROOT = Path(__file__).resolve().parent.parent


def template_folder() -> Path:
    """templates/ beside the package in a checkout; where setup.cfg's data_files put it in a wheel."""
    beside = ROOT / "templates"
    return beside if beside.is_dir() else Path(sys.prefix) / "share" / "competition" / "templates"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("COMPETITION_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(template_folder()),
        static_folder="static",
    )
    from .config import configure

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, test_config)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import catalog
    from .jobs import maintenance, notify

    catalog.build_catalog()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)  # its zone: BABEL_DEFAULT_TIMEZONE, from DISPLAY_TIMEZONE
    login_manager.init_app(app)
    maintenance.init_app(app)
    notify.init_app(app)

    from . import models  # noqa: F401  (registers tables)
    from .web import register_blueprints
    from .web.errors import register_error_handlers
    from .web.security import register_security
    from .web.templating import register_template_helpers

    register_blueprints(app)
    register_error_handlers(app)
    register_security(app)
    register_template_helpers(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _select_locale() -> Locale:
    if not has_request_context():
        return ZH_CN  # CLI and background jobs speak Chinese
    lang = request.args.get("lang") or session.get("lang")
    if lang == "en":
        session["lang"] = lang
        return Locale("en")
    return ZH_CN
