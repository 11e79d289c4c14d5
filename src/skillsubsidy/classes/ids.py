"""Identity document numbers on a class roster: what kind each is, whether it is well formed, and
the birth date and sex it encodes.

Four kinds are accepted, each by its own rule:

- 居民身份证 (公民身份号码, GB 11643-1999): 18 characters, a 6-digit address code, the birth date
  (YYYYMMDD), a 3-digit sequence whose last digit is odd for men and even for women, and an ISO 7064
  MOD 11-2 check character (`X` for 10). Checked with `stdnum.cn.ric`.
- 港澳台居民居住证 (国办发〔2018〕81号《港澳台居民居住证申领发放办法》): the same structure and check
  character, with the address code 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
  `stdnum.cn.ric.validate` also looks the address code up in its table of counties (`get_birth_place`),
  which lacks 810000 and 830000, so these are checked here with its check-digit function alone.
- 外国人永久居留身份证, 2023 edition (国家移民管理局, issued from 2023-12-01, 《新版外国人永久居留身份证
  机读信息规则（2023版）》): 18 characters, first digit 9, the birth date in characters 7–14 as in the
  citizen's number, and the MOD 11-2 check character of GB 11643.
- 外国人永久居留身份证, 2004/2017 editions: 15 characters, 3 Latin letters (the nationality) then 12
  digits. No check algorithm for these has been published, so only the shape is checked and the
  birth date and sex are not read from the number.

An ID column that Excel stored as a number has lost its last digits (Excel keeps 15 significant
digits), so such a number is refused with the reason and never "corrected".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from skillsubsidy.regions import all_regions
from skillsubsidy.rules.request import Sex


class IdKind(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HMT_PERMIT = "hmt_permit"  # 港澳台居民居住证
    FOREIGN_2023 = "foreign_2023"  # 外国人永久居留身份证（2023版，18位）
    FOREIGN_OLD = "foreign_old"  # 外国人永久居留身份证（2004/2017版，15位）

    @property
    def label_zh(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    IdKind.RESIDENT: "居民身份证",
    IdKind.HMT_PERMIT: "港澳台居民居住证",
    IdKind.FOREIGN_2023: "外国人永久居留身份证（2023版）",
    IdKind.FOREIGN_OLD: "外国人永久居留身份证（15位旧版）",
}


class IdCode(StrEnum):
    """Why an ID number is refused or doubted; a stable contract, like rules.reasons.ReasonCode."""

    MISSING = "id_missing"
    EXCEL_NUMBER = "id_excel_number"
    EXCEL_SCIENTIFIC = "id_excel_scientific"
    EXCEL_ZEROED = "id_excel_zeroed"
    MALFORMED = "id_malformed"
    BAD_CHECKSUM = "id_bad_checksum"
    BAD_BIRTH_DATE = "id_bad_birth_date"
    BAD_PROVINCE = "id_bad_province"
    # Warnings: the number may still be right.
    UNKNOWN_ADDRESS = "id_unknown_address"
    NOT_DECODED = "id_not_decoded"

    @property
    def blocking(self) -> bool:
        return self not in (IdCode.UNKNOWN_ADDRESS, IdCode.NOT_DECODED)


@dataclass(frozen=True, slots=True)
class IdProblem:
    code: IdCode
    message: str


@dataclass(frozen=True, slots=True)
class IdCheck:
    """The outcome for one number: `number` is the canonical form (upper case, no spaces) whenever
    the kind could be told, `problems` empty when it is valid."""

    raw: str
    number: str
    kind: IdKind | None
    birth_date: date | None
    sex: Sex | None
    problems: tuple[IdProblem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.code.blocking for p in self.problems)


_HMT = frozenset({"810000", "820000", "830000"})  # Hong Kong, Macao, Taiwan
_SCIENTIFIC = re.compile(r"^[0-9]+(\.[0-9]+)?[eE][+]?[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+\.[0-9]*$")
_EIGHTEEN = re.compile(r"^[0-9]{17}[0-9X]$")
_OLD_FOREIGN = re.compile(r"^[A-Z]{3}[0-9]{12}$")


def _refused(raw: str, code: IdCode, message: str) -> IdCheck:
    return IdCheck(raw, raw, None, None, None, (IdProblem(code, message),))


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _provinces() -> frozenset[str]:
    """The first two digits of every province-level code (GB/T 2260), which no renumbering changes."""
    return frozenset(r.code[:2] for r in all_regions().values() if r.parent is None)


@lru_cache(maxsize=8192)
def _address_known(address: str, year: int) -> bool:
    """stdnum's county table, asked once per address code and birth year: a roster repeats a few."""
    try:
        ric.get_birth_place(f"{address}{year:04d}0101")
    except ValidationError:
        return False
    return True


def _sex(number: str) -> Sex:
    return Sex.M if int(number[16]) % 2 else Sex.F


def check_id(raw: str, *, numeric_cell: bool = False) -> IdCheck:
    """Check one ID number as it stood in the roster. `numeric_cell`: the spreadsheet stored it as a
    number rather than as text."""
    text = raw.strip()
    if not text:
        return _refused(raw, IdCode.MISSING, "未填写证件号码")
    if numeric_cell:
        return _refused(
            raw,
            IdCode.EXCEL_NUMBER,
            "证件号码在表格中是数值而非文本，Excel 只保留 15 位有效数字，末几位已丢失；"
            "请将该列设为文本格式后重新录入",
        )
    if _SCIENTIFIC.match(text):
        return _refused(
            raw,
            IdCode.EXCEL_SCIENTIFIC,
            f"证件号码“{text}”是科学计数法，号码已被 Excel 截断，无法还原；请将该列设为文本格式后重新录入",
        )
    if _DECIMAL.match(text):
        return _refused(
            raw,
            IdCode.EXCEL_NUMBER,
            "证件号码带小数点，是被当作数值保存的号码，末几位可能已丢失；请将该列设为文本格式后重新录入",
        )
    number = re.sub(r"\s+", "", text).upper()
    if _OLD_FOREIGN.match(number):
        note = IdProblem(
            IdCode.NOT_DECODED,
            "15位旧版外国人永久居留身份证号码无公开的校验规则，仅核对了格式，出生日期和性别以表格为准",
        )
        return IdCheck(raw, number, IdKind.FOREIGN_OLD, None, None, (note,))
    if not _EIGHTEEN.match(number):
        return _refused(
            raw,
            IdCode.MALFORMED,
            f"证件号码“{mask(number)}”格式不正确：应为18位（17位数字加1位数字或X），或15位旧版外国人永久居留身份证号码（3位字母加12位数字）",
        )
    if number[-1] != ric.calc_check_digit(number):
        if number.endswith("000"):
            message = (
                f"证件号码“{mask(number)}”校验码不正确，且末三位为000，"
                "很可能是 Excel 将号码当作数值保存后末几位被置为0；请核对原件并将该列设为文本格式后重新录入"
            )
            return IdCheck(raw, number, None, None, None, (IdProblem(IdCode.EXCEL_ZEROED, message),))
        return IdCheck(
            raw,
            number,
            None,
            None,
            None,
            (IdProblem(IdCode.BAD_CHECKSUM, f"证件号码“{mask(number)}”校验码不正确，请核对"),),
        )
    born = _birth_date(number)
    kind = (
        IdKind.FOREIGN_2023
        if number[0] == "9"
        else IdKind.HMT_PERMIT
        if number[:6] in _HMT
        else IdKind.RESIDENT
    )
    if born is None:
        problem = IdProblem(IdCode.BAD_BIRTH_DATE, f"证件号码“{mask(number)}”第7–14位不是有效的出生日期")
        return IdCheck(raw, number, kind, None, None, (problem,))
    if kind is IdKind.RESIDENT and number[:2] not in _provinces():
        problem = IdProblem(IdCode.BAD_PROVINCE, f"证件号码“{mask(number)}”前2位不是省级行政区划代码")
        return IdCheck(raw, number, kind, None, None, (problem,))
    problems: tuple[IdProblem, ...] = ()
    if kind is IdKind.RESIDENT and not _address_known(number[:6], born.year):
        # The checksum and the date already passed, so only stdnum's county table can have refused it:
        # a code it lacks may still be real (counties are renumbered), so this is a warning.
        problems = (
            IdProblem(
                IdCode.UNKNOWN_ADDRESS, f"证件号码前6位“{number[:6]}”不在出生年份的行政区划代码表中，请核对"
            ),
        )
    # 2023 edition: the sequence's sex parity is not in the published rules, so the sex is not read.
    sex = None if kind is IdKind.FOREIGN_2023 else _sex(number)
    return IdCheck(raw, number, kind, born, sex, problems)


def mask(number: str) -> str:
    """The number with all but its first 4 and last 4 characters hidden, as rosters are shown."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
