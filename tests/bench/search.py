"""Resident search latency on a 20,000-resident archive (median of many queries).

Builds the archive through the same in-transaction service functions the
import uses, then times `search_residents` for each kind of query a clerk types.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from wuyedesk.domain.units import UnitCode
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office
from wuyedesk.services.places import add_building_in, get_or_create_unit
from wuyedesk.services.residents import add_resident_in, search_residents, validate_resident

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志鹏辉婷雪梅琳晨浩宇"
    "欣怡子涵俊杰思远"
)


def build(path: Path, residents: int, seed: int = 1) -> None:
    """Create an office with `residents` people, two per unit."""
    rng = random.Random(seed)
    office, _ = init_office(
        path,
        "bench passphrase 1",
        office_name="管理处",
        estate_name="小区",
        director_name="王主任",
        director_pin="1357",
    )
    actor = Actor.command_line()
    units_needed = residents // 2
    with office.transaction() as session:
        per_building = 2 * 25 * 10
        for b in range(1, units_needed // per_building + 2):
            add_building_in(session, str(b), 2, 25, 10)
        codes = [
            UnitCode(str(b), e, f"{f}{n:02d}")
            for b in range(1, 100)
            for e in (1, 2)
            for f in range(1, 26)
            for n in range(1, 11)
        ][:units_needed]
        for i, code in enumerate(codes):
            unit, _ = get_or_create_unit(session, code)
            for k in range(2):
                name = rng.choice(SURNAMES) + "".join(
                    rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
                )
                data = {
                    "name": name,
                    "role": "owner" if k == 0 else "family",
                    "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
                    "id_number": make_id_number(
                        "310101",
                        date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                        f"{(i * 2 + k) % 1000:03d}",
                    ),
                }
                add_resident_in(session, actor, unit, validate_resident(data))
    office.close()


def measure(path: Path, repeats: int = 30) -> dict[str, float]:
    """Return median milliseconds per kind of query."""
    from wuyedesk.services.office import unlock

    office = unlock(path, passphrase="bench passphrase 1")
    actor = Actor.command_line()
    queries = {
        "name, 3 characters (FTS5 trigram)": "王建国",
        "name, 2 characters (LIKE fallback)": "张伟",
        "phone tail (4 digits)": "8000",
        "unit code": "3栋2单元1502",
        "pinyin initials": "zw",
    }
    results = {}
    for label, query in queries.items():
        search_residents(office, actor, query)  # warm the page cache once
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            search_residents(office, actor, query)
            times.append((time.perf_counter() - started) * 1000)
        results[label] = statistics.median(times)
    office.close()
    return results


def main() -> None:
    """Build 20,000 residents and print the search table."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.wuye"
        started = time.perf_counter()
        build(path, 20_000)
        print(f"built 20,000 residents in {time.perf_counter() - started:.1f} s")
        for label, ms in measure(path).items():
            print(f"{label:<40} {ms:7.1f} ms (median of 30)")


if __name__ == "__main__":
    main()
