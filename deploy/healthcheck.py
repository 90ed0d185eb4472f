"""Container health check: GET /health/ (or the URL given) with the first allowed host name."""

import os
import sys
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/health/"
host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
request = urllib.request.Request(url, headers={"Host": host})
with urllib.request.urlopen(request, timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
