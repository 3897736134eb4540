"""Scores predicted attributions against brat standoff gold (the PolNeAR format).

The metric is the reference one of the evaluation set: a prediction matches a gold relation when their
content spans overlap by at least half of the shorter one (one-to-one, greedy by overlap); a matched
pair's source is right when the predicted speaker mention overlaps a gold Source span.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUOTE_MARKS = '“”"'
_ANN_LINE = re.compile(r"^(T|E|A|R|#)\d*\t")

Frags = list[tuple[int, int]]


@dataclass
class GoldRelation:
    content: Frags
    source: Frags
    quoted: bool
    cue: Frags = field(default_factory=list)

    def matched_by(self, start: int, end: int) -> bool:
        """The metric's match: the spans overlap by at least half of the shorter one."""
        ov = _overlap(self.content, [(start, end)])
        return bool(ov) and ov >= 0.5 * min(_length(self.content), end - start)


class EvaluationError(Exception):
    """The gold folder or the predictions cannot be read."""


def _annotation_file(stem: str, ann_dir: Path, names: list[str]) -> Path | None:
    exact = f"{stem}.ann"
    if exact in names:
        return ann_dir / exact
    prefixed = sorted(n for n in names if n.startswith(stem + "_") and n.endswith(".ann"))
    return ann_dir / prefixed[0] if prefixed else None


def load_gold(folder: str | Path) -> dict[str, list[GoldRelation]]:
    """Gold relations per article stem from `folder/text/*.txt` and `folder/attributions/*.ann`."""
    root = Path(folder)
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise EvaluationError(f"{root}: expected the folders text/ and attributions/ (brat standoff gold)")
    names = sorted(p.name for p in ann_dir.iterdir())
    gold: dict[str, list[GoldRelation]] = {}
    for txt in sorted(text_dir.glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        ann = _annotation_file(txt.stem, ann_dir, names)
        gold[txt.stem] = _relations(text, ann) if ann else []
    return gold


def _relations(text: str, ann: Path) -> list[GoldRelation]:
    spans: dict[str, Frags] = {}
    events: list[dict[str, list[str]]] = []
    with open(ann, encoding="utf-8") as fh:
        lines = [raw.rstrip("\n") for raw in fh]
    for line in lines:
        if not _ANN_LINE.match(line):
            continue  # the rest of a span whose text runs onto the next line
        cols = line.split("\t")
        if line.startswith("T"):
            offsets = cols[1].split(" ", 1)[1]
            spans[cols[0]] = [(int(a), int(b)) for a, b in (p.split() for p in offsets.split(";"))]
        elif line.startswith("E"):
            roles: dict[str, list[str]] = defaultdict(list)
            for part in cols[1].split():
                role, _, tid = part.partition(":")
                roles[role.rstrip("0123456789")].append(tid)
            events.append(roles)
    out: list[GoldRelation] = []
    for roles in events:
        content = [f for tid in roles.get("Content", []) for f in spans.get(tid, [])]
        if not content:
            continue
        source = [f for tid in roles.get("Source", []) for f in spans.get(tid, [])]
        cue = [f for tid in roles.get("Cue", []) for f in spans.get(tid, [])]
        quoted = any(m in text[a:b] for a, b in content for m in QUOTE_MARKS)
        out.append(GoldRelation(content, source, quoted, cue))
    return out


def _overlap(a: Frags, b: Frags) -> int:
    return sum(max(0, min(x2, y2) - max(x1, y1)) for x1, x2 in a for y1, y2 in b)


def _length(frags: Frags) -> int:
    return sum(b - a for a, b in frags)


def read_predictions(path: str | Path) -> list[dict[str, Any]]:
    preds: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                preds.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
    return preds


def score(gold: dict[str, list[GoldRelation]], predictions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The reference figures: content P/R/F1, attribution F1 and the recalls on quoted gold."""
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in predictions:
        by_article[p["article_id"]].append(p)
    t: Counter[str] = Counter()
    for art, relations in gold.items():
        preds = by_article.get(art, [])
        pairs = _match(relations, preds)
        t["gold"] += len(relations)
        t["pred"] += len(preds)
        t["match"] += len(pairs)
        t["gold_quoted"] += sum(g.quoted for g in relations)
        for gi, pi in pairs:
            g, speaker = relations[gi], preds[pi].get("speaker") or {}
            right = (
                bool(g.source)
                and speaker.get("start") is not None
                and speaker.get("end") is not None
                and (_overlap(g.source, [(speaker["start"], speaker["end"])]) > 0)
            )
            t["source_ok"] += right
            if g.quoted:
                t["match_quoted"] += 1
                t["source_ok_quoted"] += right
    return _report(t)


def matched_predictions(
    gold: dict[str, list[GoldRelation]], predictions: Sequence[dict[str, Any]]
) -> set[int]:
    """Indices (in `predictions`) of the predictions the metric matches to a gold relation."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(predictions):
        by_article[p["article_id"]].append(i)
    hits: set[int] = set()
    for art, indices in by_article.items():
        preds = [predictions[i] for i in indices]
        hits.update(indices[pi] for _, pi in _match(gold.get(art, []), preds))
    return hits


def _match(relations: list[GoldRelation], preds: list[dict[str, Any]]) -> list[tuple[int, int]]:
    scored: list[tuple[int, int, int]] = []
    for gi, g in enumerate(relations):
        for pi, p in enumerate(preds):
            frag = [(int(p["start"]), int(p["end"]))]
            ov = _overlap(g.content, frag)
            if ov and ov >= 0.5 * min(_length(g.content), _length(frag)):
                scored.append((ov, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gi, pi in sorted(scored, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _report(t: Counter[str]) -> dict[str, Any]:
    precision, recall = _ratio(t["match"], t["pred"]), _ratio(t["match"], t["gold"])
    src_p, src_r = _ratio(t["source_ok"], t["pred"]), _ratio(t["source_ok"], t["gold"])
    return {
        "pred": t["pred"],
        "gold": t["gold"],
        "content_P": round(precision, 3),
        "content_R": round(recall, 3),
        "content_F1": round(_f1(precision, recall), 3),
        "attribution_F1": round(_f1(src_p, src_r), 3),
        "quoted_content_R": round(_ratio(t["match_quoted"], t["gold_quoted"]), 3),
        "quoted_attribution_R": round(_ratio(t["source_ok_quoted"], t["gold_quoted"]), 3),
    }


# --------------------------------------------------------------------------- pronoun sources


@dataclass
class Referent:
    """Who a pronoun source names: `surname` is None for people the article never names."""

    article_id: str
    start: int
    end: int
    mention: str
    referent: str
    surname: str | None


def load_referents(path: str | Path) -> list[Referent]:
    """Labels as in PolNeAR train's referents.json ({"labels": [...]}) or a plain list of them."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        items = data["labels"] if isinstance(data, dict) else data
        return [
            Referent(
                x["article_id"], int(x["start"]), int(x["end"]), x["mention"], x["referent"], x["surname"]
            )
            for x in items
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvaluationError(f"{path}: not a referents file ({exc})") from exc


def names_referent(name: str | None, label: Referent) -> bool:
    """The reference scorer's test: every word of the surname is in the name (case-insensitive)."""
    words = (label.surname or "").lower().replace(" and ", " ").split()
    return bool(words) and all(w in (name or "").lower() for w in words)


def score_referents(labels: list[Referent], predictions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """`score_referents.py`'s figures: of the named referents, how many a prediction whose speaker
    mention overlaps the label names right."""
    speakers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in predictions:
        sp = p.get("speaker") or {}
        if sp.get("start") is not None:
            speakers[p["article_id"]].append(sp)
    named = [x for x in labels if x.surname]
    attempted = right = resolved = resolved_right = 0
    for x in labels:
        found = [s for s in speakers.get(x.article_id, []) if min(s["end"], x.end) > max(s["start"], x.start)]
        is_right = any(names_referent(s.get("name"), x) for s in found)
        if x.surname and found:
            attempted += 1
            right += is_right
        if any(names_someone(s.get("name"), s.get("mention")) for s in found):
            resolved += 1  # a name beyond the mention's own words; wrong when the label names no one
            resolved_right += is_right
    return {
        "labels": len(named),
        "attempted": attempted,
        "right": right,
        "accuracy_of_attempted": round(_ratio(right, attempted), 3),
        "right_of_all": round(_ratio(right, len(named)), 3),
        "resolved": resolved,
        "precision_of_resolved": round(_ratio(resolved_right, resolved), 3),
    }


def names_someone(name: str | None, mention: str | None) -> bool:
    """The speaker was resolved to a name that is more than its own mention ("the senator" -> a name)."""
    return bool(name) and str(name).lower() not in (mention or "").lower()
