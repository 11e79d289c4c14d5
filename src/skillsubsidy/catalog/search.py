"""Search over every loaded catalog: by code, Chinese name, pinyin or initials, tolerant of typos.

The index is built once per Dataset over the distinct names (far fewer than entries), as inverted
postings: each character → the names containing it, each pinyin prefix (up to three letters) at a
syllable start → the names having it, each prefix of the initials and of the codes → the names or
codes having it. A query looks up its postings and checks only those candidates, so its cost follows
the number of names that could match, not the size of the catalogs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from skillsubsidy.catalog.dataset import Dataset
from skillsubsidy.catalog.model import CatalogVersion, Category, CertificateType, Entry, SectionKind
from skillsubsidy.occupations import Marker, clean_code, normalise_text
from skillsubsidy.regions import ancestry, resolve_region

_CODE_QUERY = re.compile(r"^[0-9][0-9\-Zz]*$")
_ASCII_QUERY = re.compile(r"^[a-zA-Z ]+$")
# Fuzzy matching is the fallback when nothing matches directly; below this it is noise (a two-character
# name with one character wrong scores 50).
FUZZY_CUTOFF = 60.0
# Pinyin postings are keyed by up to this many letters from a syllable start; longer queries are
# checked against the candidates of their first three letters.
_PINYIN_KEY = 3


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry: Entry
    score: float  # 0–100, higher is better
    matched_on: str  # code | name | pinyin | initials | fuzzy


@dataclass(frozen=True, slots=True)
class _Name:
    text: str
    pinyin: str  # "hangong"
    initials: str  # "hg"
    starts: tuple[int, ...]  # offsets in `pinyin` where a syllable begins

    def has_pinyin(self, query: str) -> bool:
        """The query's pinyin starts on a syllable: `hangong` is in 焊工, not in 生产工 (shengchangong).

        The plain substring test runs first because it is a C-level scan that rejects almost every
        name; only the few that contain the letters pay for the syllable check.
        """
        return query in self.pinyin and any(self.pinyin.startswith(query, i) for i in self.starts)


def pinyin_of(name: str) -> tuple[str, str, tuple[int, ...]]:
    """Full pinyin without tones, initials, and syllable offsets of the Chinese characters in a name."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s.isalpha()]
    starts, at = [], 0
    for syl in syllables:
        starts.append(at)
        at += len(syl)
    return "".join(syllables), "".join(s[0] for s in syllables), tuple(starts)


class SearchIndex:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._catalog = {c.id: c for c in dataset.catalogs}
        self._kind = {(c.id, s.key): s for c in dataset.catalogs for s in c.sections}
        by_name: dict[str, list[Entry]] = {}
        names_by_code: dict[str, set[str]] = {}
        for e in dataset.entries():
            by_name.setdefault(e.name, []).append(e)
            if e.code:
                names_by_code.setdefault(e.code, set()).add(e.name)
        self._by_name = by_name
        self._names_by_code = names_by_code
        self._names = [_Name(n, *pinyin_of(n)) for n in by_name]
        self._texts = [n.text for n in self._names]
        self._pinyins = [n.pinyin for n in self._names]
        self._build_postings()
        self._shortage_keys = self._shortage_keys_by_catalog()

    def _build_postings(self) -> None:
        chars: dict[str, set[int]] = {}
        syllables: dict[str, set[int]] = {}
        initials: dict[str, set[int]] = {}
        for i, n in enumerate(self._names):
            for ch in n.text:
                chars.setdefault(ch, set()).add(i)
            for at in n.starts:
                for k in range(1, _PINYIN_KEY + 1):
                    if at + k <= len(n.pinyin):
                        syllables.setdefault(n.pinyin[at : at + k], set()).add(i)
            for k in range(1, len(n.initials) + 1):
                initials.setdefault(n.initials[:k], set()).add(i)
        self._by_char = {k: frozenset(v) for k, v in chars.items()}
        self._by_syllable = {k: frozenset(v) for k, v in syllables.items()}
        self._by_initials = {k: frozenset(v) for k, v in initials.items()}
        codes: dict[str, list[str]] = {}
        for printed in self._names_by_code:
            for k in range(1, len(printed) + 1):
                codes.setdefault(printed[:k], []).append(printed)
        self._codes_by_prefix = codes

    def _containing(self, text: str) -> list[int]:
        """Names holding every character of `text`, in index order: the candidates for a substring."""
        if not text:
            return list(range(len(self._names)))
        postings = sorted((self._by_char.get(ch, frozenset()) for ch in set(text)), key=len)
        return sorted(postings[0].intersection(*postings[1:]))

    def _pinyin_candidates(self, letters: str) -> list[int]:
        """Names in which `letters` may start on a syllable (has_pinyin confirms), in index order."""
        return sorted(self._by_syllable.get(letters[:_PINYIN_KEY], frozenset()))

    def _shortage_keys_by_catalog(self) -> dict[str, frozenset[str]]:
        """Catalog id → codes and names on a shortage list of its region or an ancestor."""
        by_region: dict[str, set[str]] = {}
        for c in self.dataset.catalogs:
            for e in c.entries:
                if c.region and self._kind[(c.id, e.section)].kind is SectionKind.SHORTAGE:
                    keys = by_region.setdefault(c.region, set())
                    keys.update(k for k in (e.code, e.name, e.occupation) if k)
        out: dict[str, frozenset[str]] = {}
        for c in self.dataset.catalogs:
            chain = [r.code for r in ancestry(resolve_region(c.region))] if c.region else []
            out[c.id] = frozenset().union(*(by_region.get(r, set()) for r in chain))
        return out

    def section_of(self, e: Entry) -> tuple[CatalogVersion, SectionKind, CertificateType | None]:
        s = self._kind[(e.catalog_id, e.section)]
        return self._catalog[e.catalog_id], s.kind, e.certificate_type or s.certificate_type

    def is_shortage(self, e: Entry) -> bool:
        return bool({e.code, e.name, e.occupation} & self._shortage_keys[e.catalog_id])

    def _candidates(self, query: str) -> list[tuple[str, float, str]]:
        """(name, score, matched_on) for names that match the query, best first."""
        q = query.strip()
        if not q:
            return []
        found: dict[str, tuple[float, str]] = {}

        def add(name: str, score: float, how: str) -> None:
            if name not in found or found[name][0] < score:
                found[name] = (score, how)

        if _CODE_QUERY.match(q):
            code = clean_code(q).upper()
            for printed in self._codes_by_prefix.get(code, ()):
                for name in self._names_by_code[printed]:
                    add(name, 100.0 if printed == code else 90.0, "code")
            return sorted(((n, s, h) for n, (s, h) in found.items()), key=lambda t: (-t[1], t[0]))
        if _ASCII_QUERY.match(q):
            lq = q.replace(" ", "").lower()
            by_initials = self._by_initials.get(lq, frozenset())
            by_pinyin = self._pinyin_candidates(lq) if lq else []
            for i in sorted(by_initials.union(by_pinyin)):
                n = self._names[i]
                if n.initials == lq:
                    add(n.text, 98.0, "initials")
                elif i in by_initials:
                    add(n.text, 90.0 - (len(n.initials) - len(lq)), "initials")
                if n.pinyin == lq:
                    add(n.text, 99.0, "pinyin")
                elif len(lq) >= 3 and n.has_pinyin(lq):
                    add(n.text, 85.0 - (len(n.pinyin) - len(lq)) / 4, "pinyin")
            if not found and len(lq) >= 4:
                # The one scan left: a misspelt pinyin shares no posting with its name. It runs only
                # when nothing matched, in rapidfuzz's C loop over ~1,000 short strings.
                for _, score, idx in process.extract(
                    lq, self._pinyins, scorer=fuzz.ratio, limit=10, score_cutoff=80
                ):
                    add(self._names[idx].text, score * 0.8, "fuzzy")
        else:
            nq = normalise_text(q)
            for i in self._containing(nq):
                text = self._texts[i]
                if text == nq:
                    add(text, 100.0, "name")
                elif nq in text:
                    add(text, 95.0 - (len(text) - len(nq)), "name")
            # Most typos in Chinese are homophones picked from the IME list (焊功 for 焊工), so the
            # query's pinyin finds what its characters miss.
            qp, _, _ = pinyin_of(nq)
            if qp:
                for i in self._pinyin_candidates(qp):
                    n = self._names[i]
                    if n.pinyin == qp:
                        add(n.text, 90.0, "pinyin")
                    elif len(nq) >= 2 and n.has_pinyin(qp):
                        add(n.text, 80.0 - (len(n.pinyin) - len(qp)) / 4, "pinyin")
            if not found:
                # A name sharing no character with the query scores 0, below the cutoff, so the names
                # sharing one are all the candidates there are.
                near = sorted(set().union(*(self._by_char.get(ch, frozenset()) for ch in set(nq))))
                for _, score, idx in process.extract(
                    nq, [self._texts[i] for i in near], scorer=fuzz.ratio, limit=10, score_cutoff=FUZZY_CUTOFF
                ):
                    add(self._texts[near[idx]], score * 0.85, "fuzzy")
        return sorted(((n, s, h) for n, (s, h) in found.items()), key=lambda t: (-t[1], t[0]))

    def search(
        self,
        query: str,
        *,
        region: str | None = None,
        year: int | None = None,
        category: str | None = None,
        certificate_type: str | None = None,
        markers: Iterable[str] | None = None,
        shortage: bool | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        regions = {r.code for r in ancestry(resolve_region(region))} if region else None
        cat = Category(category.upper()) if category else None
        cert = CertificateType(certificate_type) if certificate_type else None
        wanted = frozenset(Marker(m) for m in markers) if markers else frozenset()
        hits: list[SearchHit] = []
        for name, score, how in self._candidates(query):
            for e in self._by_name[name]:
                catalog, kind, e_cert = self.section_of(e)
                if regions is not None and catalog.region not in regions:
                    continue
                if year is not None and not _covers_year(catalog, year):
                    continue
                if cat is not None and e.category is not cat:
                    continue
                if cert is not None and e_cert is not cert:
                    continue
                if not wanted <= e.markers:
                    continue
                if shortage is not None and (kind is SectionKind.SHORTAGE or self.is_shortage(e)) != shortage:
                    continue
                hits.append(SearchHit(e, round(score, 1), how))
                if len(hits) >= limit:
                    return hits
        return hits

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """The nearest names, for 'did you mean' messages."""
        return [name for name, _, _ in self._candidates(query)[:limit]]


def _covers_year(c: CatalogVersion, year: int) -> bool:
    start, end = date(year, 1, 1), date(year, 12, 31)
    if c.effective_from is None:
        return False
    return c.effective_from <= end and (c.effective_to is None or c.effective_to >= start)
