# The earchive image for compose.yml: API (`earchive serve`), worker (`earchive worker`) and
# scheduler (`earchive scheduler`) all run it. Debian packages: the runtime part of
# scripts/setup.sh's list (the browser there is only for the UI tests).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      poppler-utils qpdf fonts-wqy-zenhei libmagic1 clamav clamav-daemon openssl \
      libreoffice-writer-nogui libreoffice-calc-nogui ghostscript tesseract-ocr tesseract-ocr-chi-sim \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY standards ./standards
COPY ingest ./ingest
COPY package ./package
COPY preservation ./preservation
COPY search ./search
COPY transfer ./transfer
COPY earchive ./earchive
RUN pip install . && rm -rf /src

# an unprivileged user; /data (EARCHIVE_HOME) and /inbox are volumes owned by it
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin earchive \
 && mkdir -p /data /inbox \
 && chown earchive:earchive /data /inbox
USER earchive
WORKDIR /data
ENV EARCHIVE_HOME=/data
EXPOSE 8000
CMD ["earchive", "serve", "--host", "0.0.0.0", "--port", "8000"]
