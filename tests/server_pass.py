"""Run the unit and service tests on a PostgreSQL server (`make test-server`).

The server is WUYEDESK_TEST_PG (default: the loopback server `.ci/postgres` starts). Where
none answers, say so and pass — unless WUYEDESK_REQUIRE_SERVER=1 (CI), then fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT = "postgresql+psycopg://wuyedesk:wuyedesk@127.0.0.1/postgres"


def main() -> int:
    """Check the server, then hand over to pytest on tests/unit."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(os.environ.get("WUYEDESK_TEST_PG", DEFAULT))
    try:
        psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        shown = url.render_as_string(hide_password=True)
        if os.environ.get("WUYEDESK_REQUIRE_SERVER") == "1":
            print(f"server pass: no PostgreSQL at {shown}: {exc}", file=sys.stderr)
            return 1
        print(f"server pass SKIPPED: no PostgreSQL at {shown} (run .ci/postgres as root)")
        return 0
    os.environ["WUYEDESK_TEST_DB"] = "postgresql"
    # As `python -m pytest` from the checkout: the tests import `tests.conftest`.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import pytest

    return int(pytest.main(["tests/unit", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
