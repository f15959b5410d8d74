# syntax=docker/dockerfile:1
# The comment service: nginx on port 8000 in front of gunicorn on a unix socket (a slow
# client never holds a gunicorn thread), SQLite in the /data volume unless
# COMMENTS_DATABASE_URL names PostgreSQL. See README.md, "Deploy with Docker".

# Stage 1: every wheel the service needs, its own included.
FROM python:3.12.8-slim-bookworm AS build
WORKDIR /src
# Dependencies first, from the list in pyproject.toml alone: this layer is rebuilt only when
# pyproject.toml changes (README.md, which the package's metadata needs, comes after it).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip wheel --no-cache-dir --wheel-dir /wheels --requirement /tmp/requirements.txt
COPY README.md ./
COPY service ./service
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Stage 2: the runtime, with no compiler, no source tree and no pip cache.
FROM python:3.12.8-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    COMMENTS_DATABASE_URL=sqlite:////data/comments.db \
    COMMENTS_TRUSTED_PROXIES=1 \
    COMMENTS_TOXICITY_CACHE=/app/toxicity
# nginx from Debian (docker/serve.py runs it): the release's security updates come with
# every rebuild, so the version is the distribution's rather than pinned here.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
# A system user that owns /data. Flask's instance folder of the installed package
# (/usr/local/var/service-instance, where the generated secret key lives) points there too.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app \
    && install --directory --owner=app --group=app --mode=0750 /data \
    && install --directory /usr/local/var \
    && ln -s /data /usr/local/var/service-instance
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/comments_service-*.whl
# The toxicity model's export (service/domain/toxicity.py), made once here so that no
# container start pays it; gunicorn finds it in COMMENTS_TOXICITY_CACHE.
RUN python -c "from pathlib import Path; from service.domain import toxicity; toxicity.load(Path('/app/toxicity'))" \
    && ls /app/toxicity/toxicity-model-*.json
WORKDIR /app
COPY wsgi.py gunicorn.conf.py ./
COPY --chmod=0755 docker/entrypoint.sh docker/healthcheck.py docker/serve.py docker/metrics.py ./docker/
COPY deploy/nginx/comments.conf.template deploy/nginx/standalone.conf ./deploy/nginx/
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
