"""Build policy folders for tests: the real policy with one edit applied."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POLICY_FILE = REPO / "policy" / "support.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def policy_text() -> str:
    return POLICY_FILE.read_text(encoding="utf-8")


def edited_policy(folder: Path, *edits: tuple[str, str]) -> Path:
    """Write ``support.yaml`` into ``folder`` with each ``(old, new)`` replaced exactly once."""
    text = policy_text()
    for old, new in edits:
        assert text.count(old) == 1, f"edit target must occur once: {old!r}"
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "support.yaml").write_text(text, encoding="utf-8")
    return folder


def line_of(folder: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle`` in the edited file."""
    seen = 0
    for number, line in enumerate((folder / "support.yaml").read_text().splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the policy")


def policy_with_schedule(folder: Path, schedule_id: str, fixture: Path) -> Path:
    """The real policy with one schedule replaced by the mapping in ``fixture``."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    data = yaml.load(policy_text())
    data["schedules"][schedule_id] = yaml.load(fixture.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "support.yaml").open("w", encoding="utf-8") as stream:
        yaml.dump(data, stream)
    return folder
