# Build stage: the whole toolchain, thrown away afterwards.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY migrations migrations
RUN cargo build --release --locked

# Runtime stage: SQLite, libpq and OpenSSL are compiled into the binary.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/annuaire --create-home annuaire
COPY --from=build /src/target/release/annuaire /usr/local/bin/annuaire
USER annuaire
WORKDIR /var/lib/annuaire
ENV ANNUAIRE_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["annuaire"]
CMD ["serve"]
