"""Decisions a build took, with their evidence: what ``--explain`` prints.

Every cleaning step receives a :class:`Report` and records what it did that was not certain
(or that removed text), so a user can see why a hyphen was joined, a line dropped or a note
linked.

>>> report = Report()
>>> report.add("hyphenation", "join", "Sovjet-|unionen -> Sovjetunionen", line=12,
...            evidence="joined form occurs 3x in the document")
>>> report.decisions[0].step
'hyphenation'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Decision:
    step: str  # the cleaning step's name
    action: str  # e.g. "join", "keep", "drop", "link", "break"
    subject: str  # what it acted on, shortly
    evidence: str = ""
    line: int = 0  # 1-based input line, 0 when not tied to a line
    unsure: bool = False

    def format(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        flag = " [unsure]" if self.unsure else ""
        why = f" — {self.evidence}" if self.evidence else ""
        return f"{self.step:<12} {self.action:<8} {where}{self.subject}{why}{flag}"


@dataclass
class Report:
    decisions: list[Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(
        self,
        step: str,
        action: str,
        subject: str,
        *,
        evidence: str = "",
        line: int = 0,
        unsure: bool = False,
    ) -> None:
        self.decisions.append(Decision(step, action, subject, evidence, line, unsure))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def by_step(self, step: str) -> list[Decision]:
        return [d for d in self.decisions if d.step == step]

    @property
    def unsure_count(self) -> int:
        return sum(1 for d in self.decisions if d.unsure)

    def format(self) -> str:
        lines = [d.format() for d in self.decisions]
        lines += [f"warning      {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "decisions": [asdict(d) for d in self.decisions],
            "warnings": list(self.warnings),
        }
