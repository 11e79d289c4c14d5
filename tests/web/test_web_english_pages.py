"""English pages speak English, the trace included (issue 8, point 6: "`/en/` is English throughout,
reasons and trace included"). Chinese may remain only as data: names of regions, occupations, catalogs
and documents as printed, and the documents' own sentences cited under each step."""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pytest
from django.test import Client
from test_web_chinese_only import CALCULATOR, visible_text

from catalogs.selectors import current_dataset
from skillsubsidy.regions import all_regions

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
RUN = re.compile(r"[\u4e00-\u9fff（）]+")
CITE = re.compile(r'<br><span class="muted cite">.*?</span>', re.S)

EN_CALCULATOR = [
    "/en" + CALCULATOR.format(on="2025-06-01", occ="6-18-02-04"),  # every check not checked: input missing
    "/en" + CALCULATOR.format(on="2025-06-01", occ="餐厅服务员")
    + "&hours=60&online_hours=30&held_occupation=焊工&held_level=2",
    "/en" + CALCULATOR.format(on="2026-03-01", occ="焊工"),  # outside every period
    "/en" + CALCULATOR.format(on="2025-06-01", occ="焊公"),  # not recognised
    "/en/calculator/?region=320600&date=2025-06-01&program=project&type=skill_level&occupation=焊工&level=3"
    "&issued_on=2025-03-01&birth_date=1990-01-01&sex=M",
    "/en/calculator/?region=320600&date=2025-06-01&program=insured_upgrade&type=skill_level&occupation=工业机器人系统操作员&level=3",
]  # fmt: skip


@cache
def _data() -> str:
    catalogs = current_dataset().catalogs
    names = [c.title for c in catalogs] + [e.name for c in catalogs for e in c.entries]
    return "\n".join(names + [r.name for r in all_regions().values()])


def _trace(html: str) -> list[str]:
    start = html.index('<ol class="trace">')
    items = re.findall(r"<li>(.*?)</li>", html[start : html.index("</ol>", start)], re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", CITE.sub("", item))).split()) for item in items]


@pytest.mark.parametrize("url", EN_CALCULATOR)
def test_the_english_calculator_shows_the_trace_in_english(client: Client, url: str) -> None:
    steps = _trace(client.get(url).content.decode())
    assert steps
    not_data = {
        s: runs for s in steps if (runs := [r for r in RUN.findall(s) if r.strip("（）") not in _data()])
    }
    assert not_data == {}


def test_the_english_trace_reads_as_the_documents_say(client: Client) -> None:
    # 000 · 附件1 · A类 高级（三级） 2000元; 附件3 line 558: 焊工 is on Nantong's shortage list, +30%
    # for levels 1–3.
    steps = _trace(client.get(EN_CALCULATOR[0]).content.decode())
    assert "Region: Nantong 320600 → Jiangsu 320000" in steps
    assert (
        "Standard for a skill-level certificate, category A, level 3: "
        "2000.00 yuan per person (from 2025-01-01)" in steps
    )
    assert "Shortage uplift: +30%: 2000.00 × 130% = 2600.00" in steps
    assert "Minimum class hours, level 3 not checked: not checked: class hours not given" in steps


def test_the_english_occupation_page_names_levels_and_amounts_in_english(client: Client) -> None:
    html = client.get("/en/occupations/6-18-02-04/").content.decode()
    prices = html[html.index('<section aria-labelledby="chart-h">') : html.index("</section>")]
    text = visible_text(prices)
    # 000 · 附件1/附件3: 焊工 level 3 in Nantong, 2000 × 130%.
    assert "南通市 · level 3 / senior worker" in text and "2600.00 yuan" in text
    assert [t for t in text if HAN.search(t) and not all(r in _data() for r in RUN.findall(t))] == []
    # The badges' hover text too: the reason by its English title, not the core's Chinese sentence.
    hints = re.findall(r'class="badge[^"]*" title="([^"]*)"', html)
    assert hints and not [h for h in hints if HAN.search(h)]
