# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint needs Pango; gettext compiles the catalogues; Noto is the documents' font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
    && DEBUG=true python manage.py compilemessages --ignore=.venv -v0 \
    && DEBUG=false SECRET_KEY=image-build-only python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app --shell /usr/sbin/nologin essaimage \
    && mkdir -p /app/media \
    && chown -R essaimage /app/media
USER essaimage

EXPOSE 8000
CMD ["gunicorn", "essaimage.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
