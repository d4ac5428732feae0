"""The deterministic gzip write shared by the table scripts (derive_quality_tables.py,
derive_bigram_table.py): mtime 0, no file name, level 9, so re-running a script reproduces
its committed table byte for byte."""
import gzip
import io


def write_gzip(path: str, raw: bytes) -> int:
    """Writes `raw` gzip-compressed to `path`; returns the compressed size."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return len(buf.getvalue())
