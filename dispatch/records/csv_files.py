"""Reading an import's CSV file: every record with its line number, or InvalidField naming the first line that is wrong.

The visits import and the patients import read their files here, so a bad file is told the same way in both.
"""

from __future__ import annotations

import csv
import io

from dispatch.errors import InvalidField


def read_records(
    text: str, columns: tuple[str, ...], required: set[str], max_rows: int, what: str
) -> tuple[set[str], list[tuple[int, dict[str, str | None]]]]:
    """The header's columns and each record as (line number, {column: text}); InvalidField for a file that cannot be read
    (an unclosed quote, more fields than the header, more than `max_rows` records, a column missing or unknown).

    `required`: columns the header must have (a column that may stand in for another is checked by the caller)."""
    # strict: a quote that is never closed is an error, not a field running to the end of the file.
    reader = csv.DictReader(io.StringIO(text), strict=True)
    records: list[tuple[int, dict[str, str | None]]] = []
    try:
        header = set(reader.fieldnames or [])
        for record in reader:
            if len(records) == max_rows:
                raise InvalidField(f"the file has more than {max_rows} {what}; send it in parts", "body")
            if None in record:  # csv puts fields beyond the header's under the key None
                extra = len(record[None])
                raise InvalidField(
                    f"line {reader.line_num}: {extra} field{'s' if extra > 1 else ''} more than the"
                    f" header's {len(reader.fieldnames or [])} columns",
                    f"line {reader.line_num}",
                )
            if column := next((c for c, v in record.items() if v and "\x00" in v), None):
                # PostgreSQL's text cannot hold it: said here, not as a failed insert.
                raise InvalidField(
                    f"line {reader.line_num}: {column} contains a NUL character, which cannot be stored",
                    f"line {reader.line_num}: {column}",
                )
            records.append((reader.line_num, record))
    except csv.Error as error:  # an unclosed quote, or a field over the csv module's limit of 128 Ki characters
        line = reader.line_num + 1  # where the record it could not read begins
        reason = "a quoted field is never closed" if "unexpected end of data" in str(error) else str(error)
        raise InvalidField(f"line {line}: {reason}", f"line {line}") from None
    if missing := sorted(required - header):
        raise InvalidField(f"the header lacks column {', '.join(missing)} (columns: {', '.join(columns)})", "header")
    if unknown := sorted(header - set(columns)):
        raise InvalidField(f"unknown column {', '.join(unknown)} (columns: {', '.join(columns)})", "header")
    return header, records
