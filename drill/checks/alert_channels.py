"""Every alert on every configured channel: an alert counts as fired only where a robot took it.

The shop posts one alert to each IM channel it was configured with (the drill configures
all of `spec.alert_channels`); a post loop that stops after the first robot, or a channel
whose posts are never sent, leaves the others silent while the shop records the alert as
sent. Judged from the sink alone: each alert's text (the same on every channel, a retry
resends it) delivered n times on some channel must be delivered at least n times on each
configured one (an alert posted on another channel within POST_GRACE_S of the sink's read
may still be in the outbox and is not owed yet); and an expected rule must reach every
channel within the detection deadline, not only its first.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.alert_conditions import observed_until
from drill.checks.alert_posts import RULE_RE, Post, posts
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec

POST_GRACE_S = 2.0  # a healthy outbox posts every channel of an alert within this
Finding = tuple[Said, str | None]  # (reason, rule it is about)


def delivered_texts(by_key: dict[tuple[str, str, str], list[Post]]
                    ) -> dict[str, dict[str, list[float]]]:
    """alert text -> channel -> the sorted first-try times of its posts that landed there (a
    refused post retried to acceptance counts once, at its first try)."""
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (_rule, channel, _robot), items in by_key.items():
        pending: dict[str, float] = {}  # text -> first refused try not yet accepted
        for at, ok, text in items:
            if ok:
                out[text][channel].append(pending.pop(text, at))
            else:
                pending.setdefault(text, at)
    return {t: {c: sorted(v) for c, v in chans.items()} for t, chans in out.items()}


def configured(src: Sources, spec: CheckSpec) -> tuple[str, ...]:
    """The channels owed every alert: the spec's, else (an old spec) those the sink saw."""
    if spec.alert_channels:
        return spec.alert_channels
    return tuple(sorted({str(m.get("channel")) for m in src.messages or []
                         if RULE_RE.search(str(m.get("text", "")))}))


def _rule(text: str) -> str | None:
    found = RULE_RE.search(text)
    return found.group(1) if found else None


def missing_channels(src: Sources, spec: CheckSpec) -> list[Finding]:
    """Alerts that landed on some channel and not on every configured one, one finding a
    rule (with how many alerts each silent channel lacks)."""
    channels, cut = configured(src, spec), observed_until(src) - POST_GRACE_S
    short: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    firsts: dict[str, float] = {}
    for text, got in delivered_texts(posts(src)).items():
        owed = max(sum(1 for t in times if t <= cut) for times in got.values())
        rule, first = _rule(text) or "?", min(min(v) for v in got.values())
        for ch in channels:
            lack = owed - len(got.get(ch, []))
            if lack > 0:
                short[rule][ch] += lack
                firsts[rule] = min(firsts.get(rule, first), first)
    return [(said("messages.channel_silent", rule=repr(rule), n=max(lack.values()),
                  to=", ".join(f"{ch} ({n})" for ch, n in sorted(lack.items())),
                  first=firsts[rule]), rule)
            for rule, lack in sorted(short.items())]


def late_channels(src: Sources, spec: CheckSpec, ref: float | None) -> list[Finding]:
    """Expected rules some configured channel first accepted after the detection deadline
    (or never: a channel silent for the whole run)."""
    if spec.alert_within_s is None or ref is None:
        return []
    first: dict[tuple[str, str], float] = {}
    for (rule, channel, _robot), items in posts(src).items():
        for at, ok, _text in items:
            if ok:
                first[(rule, channel)] = min(first.get((rule, channel), at), at)
    out: list[Finding] = []
    for rule in spec.expect_alerts:
        if not any(r == rule for r, _c in first):
            continue  # never accepted anywhere: messages.never_accepted says so
        late = {ch: first.get((rule, ch)) for ch in configured(src, spec)
                if (first.get((rule, ch)) or float("inf")) - ref > spec.alert_within_s}
        if late:
            out.append((said("messages.channel_late", rule=repr(rule), limit=spec.alert_within_s,
                             to=", ".join(ch if at is None else f"{ch} ({at - ref:.2f} s)"
                                          for ch, at in sorted(late.items()))), rule))
    return out
