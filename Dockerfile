# Invoice gateway image: `docker build -t invoice-gateway .`
# The builder turns the project into a wheel and installs it with its dependencies
# into /opt/venv; the final image gets only that venv (no compiler, no sources).

FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/opt/venv/bin:$PATH"

WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY schema ./schema

RUN python -m venv /opt/venv \
    && pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip install --no-cache-dir /wheels/*.whl


FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH"

# Invoice PDFs embed these fonts (gateway/delivery/fonts.py): DejaVu Sans for Latin,
# Greek, Cyrillic and Arabic, Noto Sans CJK for Chinese, Japanese and Korean.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-dejavu-core=2.37-* \
        fonts-noto-cjk=1:202* \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid app \
        --create-home --home-dir /app --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

USER 10001:10001
WORKDIR /app

EXPOSE 8000

# /healthz answers once the server runs, which is after the migration: the start period
# leaves time for it (and for waiting on another replica's migration).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Migrates the database to head first, under a lock (several replicas may start at once;
# one migrates, the others wait and find nothing to do). PUBLIC_BASE_URL must be set to
# the address clients reach the gateway on.
CMD ["invoice-gateway", "serve", "--host", "0.0.0.0", "--port", "8000", "--migrate"]
