"""Print the service's OpenAPI document, as /openapi.json serves it, without a database:
the app is built but never started, so its engine never connects."""

import json
import sys

from helpdesk.config import Settings
from helpdesk.main import create_app

settings = Settings(
    _env_file=None,
    # Never connected to: the engine connects on first use, and nothing uses it.
    database_url="postgresql://openapi@127.0.0.1:1/openapi",
    jwt_secret="openapi-dump-" + "x" * 32,
)
json.dump(create_app(settings).openapi(), sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
