# One image for web, worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders the Formulario 001 PDFs with Pango/HarfBuzz and needs real fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from the pins in pyproject.toml, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# The manifest storage whitenoise serves is only used with DEBUG off. collectstatic reads no
# secret, but settings refuse the dev key when DEBUG is off, hence the throwaway value.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-run-time python manage.py collectstatic --noinput

RUN useradd --system --create-home --uid 1000 rut \
    && mkdir -p /app/media \
    && chown rut:rut /app/media
USER rut

EXPOSE 8000
CMD ["gunicorn", "rut_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
