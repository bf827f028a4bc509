"""For the issuing benchmark: seconds from t0 (time.time() when the statement landed) to the last of the
certificates issued, read from their issued_at (UTC, same clock).  Measured so rather than by polling
closely, which would take the very cores the daemon signs on."""
import datetime
from crtest import sql


def issued_after(t0, ids):
    last = sql("SELECT MAX(issued_at) FROM certificates WHERE id IN (%s)" % ",".join(str(i) for i in ids))[0][0]
    if last == "NULL":
        return float("nan")
    at = datetime.datetime.strptime(last, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return at.timestamp() - t0
