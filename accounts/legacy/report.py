"""What one `import_legacy` run did, table by table, and how the command shows it."""

from collections import Counter
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 5


@dataclass
class TableReport:
    """Counts for one 2019 table; every reason comes with the first few 2019 rows it applies to (`table#id`)."""

    table: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)

    def _example(self, kind: str, reason: str, legacy_id) -> None:
        examples = self.examples.setdefault((kind, reason), [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(f"{self.table}#{legacy_id}")

    def add(self, kind: str, legacy_id, reason: str = "") -> None:
        """Count one row as created, updated, skipped (reason) or refused (reason)."""
        if kind in ("created", "updated"):
            setattr(self, kind, getattr(self, kind) + 1)
            return
        getattr(self, kind)[reason] += 1
        self._example(kind, reason, legacy_id)

    def note(self, legacy_id, reason: str) -> None:
        """Something about a row the operator should know, whatever became of the row."""
        self.notes[reason] += 1
        self._example("notes", reason, legacy_id)


@dataclass
class ImportReport:
    """The whole run: one TableReport per 2019 table, in import order."""

    source: str
    dry_run: bool
    tables: dict = field(default_factory=dict)

    def table(self, name: str) -> TableReport:
        """The report of one table (created on first use)."""
        return self.tables.setdefault(name, TableReport(table=name))

    @property
    def changed(self) -> int:
        """Rows created or updated (or that would be, in a dry run)."""
        return sum(table.created + table.updated for table in self.tables.values())


def report_render(report: ImportReport) -> str:
    """The final report as text: a line per table, then a line per reason with example rows."""
    verb = "would be " if report.dry_run else ""
    lines = [f"Import from {report.source}" + (" (dry run)" if report.dry_run else "")]
    for table in report.tables.values():
        lines.append(
            f"{table.table}: {table.rows} rows, {table.created} {verb}created, {table.updated} {verb}updated, "
            f"{sum(table.skipped.values())} skipped, {sum(table.refused.values())} refused"
        )
        for kind, label in (("refused", "refused"), ("skipped", "skipped"), ("notes", "note")):
            for reason, count in sorted(getattr(table, kind).items(), key=lambda item: (-item[1], item[0])):
                examples = ", ".join(table.examples.get((kind, reason), []))
                more = ", …" if count > EXAMPLES_PER_REASON else ""
                lines.append(f"  {label} {count}: {reason} ({examples}{more})")
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    elif report.changed == 0:
        lines.append("Nothing changed: everything was already imported.")
    else:
        lines.append(
            f"Done: {report.changed} rows created or updated. Run the command again at any time; it only brings over what changed."
        )
    return "\n".join(lines)


class ProgressBar:
    """A bar per table redrawn in place on a terminal; a line per batch when the output is a file or a pipe."""

    def __init__(self, stream, *, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, table: str, done: int, total: int) -> None:
        """Show `done` of `total` rows of `table`."""
        if not self.tty:
            self.stream.write(f"{table}: {done}/{total}")
            return
        filled = self.width * done // total if total else self.width
        ending = "\n" if done >= total else ""
        self.stream.write(f"\r{table:<12} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}", ending=ending)
        self.stream.flush()
