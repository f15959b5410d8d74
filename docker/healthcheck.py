"""The container's HEALTHCHECK: is /healthz answering 200? Standard library only (slim
images have no curl). Exit 0 when healthy, 1 otherwise."""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
try:
    with urllib.request.urlopen(url, timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"healthcheck: {url}: {error}", file=sys.stderr)
    sys.exit(1)
