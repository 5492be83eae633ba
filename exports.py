"""CSV downloads of console tables."""

import csv
import io

from flask import Response


def csv_download(filename: str, header: list, rows: list[list]) -> Response:
    """A CSV file (UTF-8 with BOM, so spreadsheet programs read accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
