# syntax=docker/dockerfile:1
# Sluice's container image: built with the Swift 6.3 toolchain, run on Debian 12 slim with
# only what the binary links (hiredis 0.14, argon2, libstdc++, zlib) and a non-root user.
# The layout is scripts/package.sh's: /opt/sluice/bin/sluice, /opt/sluice/share/sluice/
# migrations (the dashboard's templates and browser files are compiled into the binary).
#   docker build -t sluice .
#   docker run -e SLUICE_DATABASE_URL=… -p 8080:8080 sluice            (sluice serve)
#   docker run … sluice migrate | sluice worker | sluice admin …

# ================================
# Build
# ================================
FROM swift:6.3-bookworm AS build
# Debian's packages are not pinned to versions: a stable release's security updates replace
# them, and a pinned version vanishes from the mirrors; the release itself (bookworm) is pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libhiredis-dev libargon2-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Dependencies first: this layer is kept while Package.swift does not change.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY openapi ./openapi
COPY migrations ./migrations
RUN swift build -c release --static-swift-stdlib --product sluice
WORKDIR /staging
RUN mkdir -p bin share/sluice \
    && cp "$(swift build --package-path /build -c release --show-bin-path)/sluice" bin/ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static bin/swift-backtrace \
    && cp -R /build/migrations share/sluice/migrations \
    && cp /build/openapi/openapi.yaml share/sluice/

# ================================
# Run
# ================================
FROM debian:bookworm-slim
# As above: bookworm is pinned, its packages follow its security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       ca-certificates curl libargon2-1 libhiredis0.14 libstdc++6 tzdata zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10001 --no-create-home --shell /usr/sbin/nologin sluice
COPY --from=build --chown=root:root /staging /opt/sluice
# Amazon RDS's certificate authorities, for sslmode=verify-full against RDS (the Terraform
# example points SLUICE_DATABASE_CA_FILE here); fetched over HTTPS from AWS's trust store.
ADD --chmod=0444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /opt/sluice/share/sluice/rds-global-bundle.pem
ENV PATH=/opt/sluice/bin:$PATH \
    SLUICE_LISTEN=0.0.0.0:8080 \
    SLUICE_LOG_FORMAT=json \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/opt/sluice/bin/swift-backtrace
# The user made above, by number (Kubernetes' runAsNonRoot checks a numeric user).
USER 10001:10001
WORKDIR /opt/sluice
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["sluice"]
CMD ["serve"]
