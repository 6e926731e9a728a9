# SimpleLogin production image: gunicorn + whitenoise; migrations run on start; keys mounted at /app/keys.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=7777 \
    WEB_CONCURRENCY=2

WORKDIR /app
RUN groupadd --system simplelogin && useradd --system --gid simplelogin --home-dir /app simplelogin

COPY . .
RUN pip install --upgrade pip && pip install .
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput \
    && mkdir -p /app/keys /app/media \
    && chown -R simplelogin:simplelogin /app/keys /app/media

USER simplelogin
EXPOSE 7777
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"7777\")}/health', timeout=4)"
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["sh", "-c", "exec gunicorn simplelogin.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --access-logfile -"]
