# The KIA web app: one image for the web server, the worker and the migration step.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint's native libraries (Pango, HarfBuzz) and fonts for the PDF report.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 kia
WORKDIR /app

COPY pyproject.toml README.md ./
COPY kia ./kia
COPY assessments ./assessments
RUN pip install .

COPY . .
# Static files are collected into the image; no secret is needed for that.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-real-secret-0123456789 \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/media && chown kia:kia /app/media

USER kia
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "kia.wsgi"]
