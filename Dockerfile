# SimpleLogin production image: gunicorn + whitenoise. Migrations are a separate one-shot step (compose.yaml's
# `migrate` service, or `docker run IMAGE python manage.py migrate`), never run by each replica on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=7777 \
    WEB_CONCURRENCY=2 \
    MAIL_HANDLER_HOST=0.0.0.0

WORKDIR /app
RUN groupadd --system simplelogin && useradd --system --gid simplelogin --home-dir /app simplelogin

# The hashed lock file alone first: this layer is rebuilt only when the lock changes.
COPY requirements.lock .
RUN pip install --upgrade pip && pip install --require-hashes --no-deps -r requirements.lock

COPY . .
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput \
    && mkdir -p /app/keys /app/media \
    && chown -R simplelogin:simplelogin /app/keys /app/media

USER simplelogin
EXPOSE 7777 20381
# Asks this container's gunicorn for /health, which answers before the Host and https checks (any ALLOWED_HOSTS,
# behind a TLS proxy); the mail handler's service runs `docker/healthcheck.py --smtp` instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "/app/docker/healthcheck.py"]
CMD ["sh", "-c", "exec gunicorn simplelogin.wsgi --config python:simplelogin.gunicorn_conf --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-2}"]
