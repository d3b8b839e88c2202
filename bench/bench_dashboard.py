"""Server time of the city dashboard (issue 7 §5): p50/p95 of the rendered pages and the API.

    python bench/bench_dashboard.py --db sqlite:////tmp/bench.db [--runs 30]

Signs in as demo_city (and demo_county) through a server-side session and times requests made
with the Flask test client (no network, no browser: the server's own time), after two warm-up
requests. Also times the bare target-table computation (`queries.target_table`) for comparison.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app import create_app
    from app.auth.models import User
    from app.businesses.models import Business
    from app.cases.models import Case
    from app.core import clock
    from app.dashboard import queries
    from app.extensions import db
    from app.persons.models import Person
    from config import TestingConfig
    from tests.conftest import sign_in

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=args.db)
    year = clock.today().year
    with app.app_context():
        sizes = {name: db.session.scalar(select(func.count()).select_from(model))
                 for name, model in (("people", Person), ("businesses", Business), ("cases", Case))}
        print(f"{db.engine.dialect.name}: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
        city = db.session.scalar(select(User).where(User.username == "demo_city"))
        county = db.session.scalar(select(User).where(User.username == "demo_county"))
        targets = {
            "city dashboard /dashboard/": (sign_in(app.test_client(), city), f"/dashboard/?year={year}"),
            "city API /api/v1/targets": (sign_in(app.test_client(), city), f"/api/v1/targets?year={year}"),
            "county dashboard (夷陵区)": (sign_in(app.test_client(), county), f"/dashboard/?year={year}"),
            "city drill-down (counties)": (sign_in(app.test_client(), city),
                                           f"/dashboard/regions/{city.region_id}?year={year}"),
        }
        for label, (client, url) in targets.items():
            times = []
            for i in range(args.runs + 2):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, response.status_code)
                if i >= 2:
                    times.append(elapsed)
            print(f"{label:32s} p50 {statistics.median(times):7.1f} ms   p95 {_pct(times, 0.95):7.1f} ms")
        times = []
        for i in range(args.runs + 2):
            started = time.perf_counter()
            queries.target_table(city, year)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 2:
                times.append(elapsed)
        print(f"{'target_table() alone':32s} p50 {statistics.median(times):7.1f} ms   p95 {_pct(times, 0.95):7.1f} ms")


if __name__ == "__main__":
    main()
