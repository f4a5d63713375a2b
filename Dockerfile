# Multi-stage build of quizd and quizadm on Debian 12.
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev \
      libjansson-dev libcsv-dev libxlsxwriter-dev libxml2-dev libcurl4-openssl-dev \
      libunistring-dev libcmocka-dev zlib1g-dev libqrencode-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY engine engine
COPY admin admin
COPY scripts/embed-pg-sql.sh scripts/
RUN make build/quizd build/quizadm

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libmicrohttpd12 libsqlite3-0 libsodium23 libjansson4 libcsv3 libxlsxwriter4 \
      libxml2 libcurl4 libunistring2 zlib1g libqrencode4 libpq5 libjs-chart.js curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/quiz quiz && mkdir -p /var/lib/quiz/keys \
    && chown -R quiz /var/lib/quiz && chmod 700 /var/lib/quiz/keys
COPY --from=build /src/build/quizd /src/build/quizadm /usr/local/bin/
COPY web /usr/share/quiz/web
COPY question-banks /usr/share/quiz/question-banks
USER quiz
ENV QUIZD_DB=/var/lib/quiz/quiz.db \
    QUIZD_LISTEN=0.0.0.0:8080 \
    QUIZD_WEB=/usr/share/quiz/web \
    QUIZD_DATA_DIR=/var/lib/quiz/keys
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["quizd"]
