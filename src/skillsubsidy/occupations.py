"""大典 occupation codes, skill levels, markers and name normalisation.

Everything here is pure and table-free except the list of 大典 medium groups, which is data
(`data/dadian_groups.yaml`) because it comes from a document, not from us.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import cache
from importlib import resources

import yaml


class CodeKind(StrEnum):
    DADIAN = "dadian"  # 职业分类大典 D-DD-DD-DD
    SPECIAL_JIANGSU = "special_jiangsu"  # 专项职业能力 100000NNN (000 · 附件4 runs 100000001–100000169)
    SPECIAL_SHANGHAI = "special_shanghai"  # 专项职业能力 D-DD-DD-ZN


_DADIAN_RE = re.compile(r"^([1-8])-(\d{2})-(\d{2})-(\d{2})$")
_SPECIAL_JS_RE = re.compile(r"^100000\d{3}$")
_SPECIAL_SH_RE = re.compile(r"^([1-8])-(\d{2})-(\d{2})-Z(\d)$")
# Dashes in the sources are sometimes full-width or en/em dashes; spaces creep in from PDF text.
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-"})


@dataclass(frozen=True, slots=True)
class OccupationCode:
    text: str
    kind: CodeKind

    @property
    def major(self) -> int | None:
        return int(self.text[0]) if self.kind is not CodeKind.SPECIAL_JIANGSU else None

    @property
    def medium(self) -> str | None:
        return self.text[:4] if self.kind is not CodeKind.SPECIAL_JIANGSU else None


def clean_code(raw: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw).translate(_DASHES))


def parse_code(raw: str) -> OccupationCode | None:
    """Parse a 大典 or special-ability code; None when it has neither shape."""
    text = clean_code(raw).upper()
    if _DADIAN_RE.match(text):
        return OccupationCode(text, CodeKind.DADIAN)
    if _SPECIAL_JS_RE.match(text):
        return OccupationCode(text, CodeKind.SPECIAL_JIANGSU)
    if _SPECIAL_SH_RE.match(text):
        return OccupationCode(text, CodeKind.SPECIAL_SHANGHAI)
    return None


@cache
def dadian_medium_groups() -> frozenset[str]:
    """The 中类 codes (`4-01`) of 职业分类大典 (2022), from the shipped data table."""
    text = resources.files("skillsubsidy.data").joinpath("dadian_groups.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    return frozenset(str(g) for groups in doc["medium_groups"].values() for g in groups)


def is_known_medium_group(code: OccupationCode) -> bool:
    medium = code.medium
    return medium is None or medium in dadian_medium_groups()


class Level(IntEnum):
    """Skill levels; 1 is the highest. 高技能 (high-skill) means levels 1–3."""

    L1 = 1  # 高级技师 (also 特级技师, 首席技师)
    L2 = 2  # 技师
    L3 = 3  # 高级工
    L4 = 4  # 中级工
    L5 = 5  # 初级工

    @property
    def is_high_skill(self) -> bool:
        return self <= Level.L3

    @property
    def label_zh(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def label_en(self) -> str:
        return _LEVEL_LABELS_EN[self]


_LEVEL_LABELS = {
    Level.L1: "一级/高级技师",
    Level.L2: "二级/技师",
    Level.L3: "三级/高级工",
    Level.L4: "四级/中级工",
    Level.L5: "五级/初级工",
}
_LEVEL_LABELS_EN = {
    Level.L1: "level 1 / senior technician",
    Level.L2: "level 2 / technician",
    Level.L3: "level 3 / senior worker",
    Level.L4: "level 4 / intermediate worker",
    Level.L5: "level 5 / junior worker",
}
_LEVEL_WORDS = (
    ("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4), ("五级", 5),
    ("高级技师", 1), ("特级技师", 1), ("首席技师", 1), ("技师", 2),
    ("高级工", 3), ("中级工", 4), ("初级工", 5), ("高级", 3), ("中级", 4), ("初级", 5),
)  # fmt: skip


def parse_level(raw: str | int) -> Level:
    """Parse `3`, `三级`, `高级工`, `高级（三级）` …; raise ValueError naming the value."""
    if isinstance(raw, int):
        return Level(raw)
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.isdigit():
        return Level(int(text))
    for word, value in _LEVEL_WORDS:
        if word in text:
            return Level(value)
    raise ValueError(f"not a skill level: {raw!r}")


def parse_levels(raw: str) -> tuple[int, ...]:
    """`5、4、3` → (3, 4, 5): the levels a row may certify, sorted high to low."""
    parts = [p for p in re.split(r"[、,，\s]+", unicodedata.normalize("NFKC", raw)) if p]
    return tuple(sorted(int(parse_level(p)) for p in parts))


class Marker(StrEnum):
    DIGITAL = "S"  # 数字职业
    GREEN = "L"  # 绿色职业
    ONLINE_OVER_40 = "online_over_40"  # Jiangsu leading `*`: online hours may exceed 40%
    STAR = "star"  # Shanghai ★: an item without a 大典 code
    MATCHED = "matched"  # Shanghai category suffix `*`: 技岗匹配


_TRAIL_MARKER_RE = re.compile(r"(?<=[\u4e00-\u9fff）)])\s*(L/S|S/L|S|L)\s*$")
_PAREN_RE = re.compile(r"^(?P<occ>[^（(]+)[（(](?P<wt>.+)[）)]$")
_EDITION_RE = re.compile(r"[（(]\s*(20\d\d)\s*年版\s*[）)]")
_SPACES_RE = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True, slots=True)
class NameParts:
    raw: str
    name: str  # normalised full name, work type included: 电子商务师（跨境电子商务师）
    occupation: str  # 电子商务师
    work_type: str | None  # 跨境电子商务师
    markers: frozenset[Marker] = field(default_factory=frozenset)
    edition: str | None = None  # "2022" when the source says （2022年版）


def normalise_text(raw: str) -> str:
    """Width-fold ASCII, unify brackets to full width, drop all whitespace."""
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("(", "（").replace(")", "）")
    return _SPACES_RE.sub("", text)


def split_name(raw: str) -> NameParts:
    """Separate markers, edition and work type from an occupation name as printed."""
    text = normalise_text(raw)
    markers: set[Marker] = set()
    edition = None
    if m := _EDITION_RE.search(text):
        edition = m.group(1)
        text = _EDITION_RE.sub("", text)
    if text.startswith("*"):
        markers.add(Marker.ONLINE_OVER_40)
        text = text[1:]
    if "★" in text:
        markers.add(Marker.STAR)
        text = text.replace("★", "")
    if m := _TRAIL_MARKER_RE.search(text):
        for letter in m.group(1).split("/"):
            markers.add(Marker(letter))
        text = text[: m.start()]
    occupation, work_type = text, None
    if m := _PAREN_RE.match(text):
        occupation, work_type = m.group("occ"), m.group("wt")
    return NameParts(raw, text, occupation, work_type, frozenset(markers), edition)
