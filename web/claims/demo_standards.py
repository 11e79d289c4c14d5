"""The demo's own catalog period and standards for Guangzhou, published through the back-office services.

Why: Guangdong's shipped catalog (002 · 附件5) is in force only from 2023-01-01 to 2023-12-31 and
lists occupations without a category, and no seed document gives Guangdong's amounts. The demo's
certificates are issued now, inside the 12-month claim window (002 · 附件4 · 7), so the engine rightly
refuses every one of them (`outside_published_periods`). Rather than back-date the demo's classes
(which would put every certificate outside the claim window), the demo publishes, as the city bureau
would, a catalog version of its own for Guangzhou (440100) holding the rows of 002 · 附件5 for the
demo's occupations, each placed in category A, and enters the category-A skill-level standards for it.
Both are titled and sourced 【演示】; the amounts are Nantong's 2025 category-A standards (000 · 附件1),
borrowed because no document gives Guangzhou's. They exist only in a database where `load_demo` ran.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth.models import User

from catalogs import services as catalog_services
from catalogs.models import CatalogVersion
from skillsubsidy.catalog import model as core
from skillsubsidy.catalog.dataset import load_dataset
from standards import services as standard_services

CITY = "440100"
CATALOG_ID = "guangzhou-demo"
TITLE = "【演示】广州市补贴性职业技能培训目录（演示用，非正式文件）"
SOURCE_CATALOG = "guangdong-2023"
OCCUPATIONS = ("焊工", "电工", "家政服务员")  # the demo classes' occupations (classes.demo.PLANS)
# 000 · 附件1 · 职业资格证书、职业技能等级证书 · A类, as Nantong enters them (nantong/standards-2025.yaml).
STANDARDS_YUAN = {1: "3000", 2: "2500", 3: "2000", 4: "1500", 5: "1000"}
SOURCE = "【演示】演示数据，非广州市正式标准：数值借用000 · 附件1 · A类（南通2025年执行标准）"


@dataclass(frozen=True)
class DemoPeriod:
    catalog: CatalogVersion
    starts: date
    standards: int  # standard values entered


def publish_demo_period(*, city: User, today: date) -> DemoPeriod:
    """Publish the demo catalog for Guangzhou from 1 January of last year (so that certificates issued
    in the past twelve months fall inside it) and enter its standards from the same day."""
    starts = date(today.year - 1, 1, 1)
    shipped = next(c for c in load_dataset().catalogs if c.id == SOURCE_CATALOG)
    entries = tuple(
        replace(e, catalog_id=CATALOG_ID, category=core.Category.A)
        for e in shipped.entries
        if e.occupation in OCCUPATIONS and e.work_type is None
    )
    sections = tuple(s for s in shipped.sections if any(e.section == s.key for e in entries))
    demo = replace(
        shipped,
        id=CATALOG_ID,
        region=CITY,
        title=TITLE,
        effective_from=starts,
        effective_to=None,
        sections=sections,
        entries=entries,
        document_no=None,
        assumptions=("【演示】演示数据：行取自002 · 附件5，类别A与有效期为演示设定，并非正式文件规定。",),
    )
    draft = catalog_services.draft_from_core(
        catalog=demo, anomalies=[], actor=city, reason="演示：发布演示用目录期间，使演示证书可按规则计算补贴"
    )
    published = catalog_services.draft_publish(
        version=draft, actor=city, effective_from=starts, reason="演示：演示用目录期间"
    )
    rows = standard_services.standards_table_set(
        actor=city,
        region=CITY,
        since=starts,
        values={f"standard.skill_level.A.level_{level}": yuan for level, yuan in STANDARDS_YUAN.items()},
        source=SOURCE,
        reason="演示：录入演示用补贴标准",
        based_on={},
    )
    return DemoPeriod(published, starts, len(rows))
