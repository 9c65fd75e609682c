"""storyline.web: the web UI and the REST API (``pip install 'storyline[web]'``).

``create_app(store)`` is imported lazily so that ``import storyline.web`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name != "create_app":
        raise AttributeError(f"module 'storyline.web' has no attribute {name!r}")
    try:
        from storyline.web.app import create_app
    except ModuleNotFoundError as exc:
        from storyline.errors import MissingDependency

        raise MissingDependency(exc.name or "fastapi", "web") from exc
    return create_app
