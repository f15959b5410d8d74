#!/bin/sh
# The container's start: bring the database schema to the newest version, then serve:
# nginx on $PORT in front of gunicorn on a unix socket (docker/serve.py; gunicorn's
# settings in gunicorn.conf.py, nginx's in deploy/nginx/). Given a command instead, run
# that, e.g.
#   docker run --rm IMAGE flask --app wsgi db upgrade
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
    exec "$@"
fi
# gunicorn reads WEB_CONCURRENCY before its settings file and would answer a traceback.
case "${WEB_CONCURRENCY:-2}" in
    '' | *[!0-9]* | 0 | 0[0-9]*)
        echo "configuration error: WEB_CONCURRENCY must be a number of worker processes (1 or more)" >&2
        exit 1 ;;
esac
flask --app wsgi db upgrade
exec python docker/serve.py
