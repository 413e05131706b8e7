// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target (Hummingbird's convention).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceClient", targets: ["SluiceClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceServer",
                "SluiceCore",
                "SluiceClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server's targets, each depending only on those below it:
        //
        //   sluice (the command)
        //     SluiceServer   the HTTP adapter: routes, middlewares, the dashboard's routes, the composition root
        //       SluiceDashboard  the dashboard's templates, browser files and forms (no routes, no I/O)
        //       SluiceDelivery   webhook push: subscriptions, the worker pool, retries, DLQ
        //       SluiceAnalytics  rollups, series, leaderboards, entities, the live feed
        //       SluicePull       pull sources and their poller
        //         SluicePlatforms  Twitter/X, YouTube and Instagram: normalizers, Instagram's webhook
        //           SluiceCore     tenants and identity, streams, schemas, the event store,
        //                          ingest, consumer groups, limits, audit, quarantine
        //             SluiceDatabase, SluiceOutbound, SluiceJSON, SluiceAPI, SluiceSupport,
        //             Redis, PasswordHashing
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceCore",
                "SluiceDashboard",
                "SluicePlatforms",
                "SluiceDelivery",
                "SluiceAnalytics",
                "SluicePull",
                "SluiceAPI",
                "SluiceJSON",
                "SluiceDatabase",
                "SluiceOutbound",
                "SluiceSupport",
                "PasswordHashing",
                "Redis",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The web dashboard's presentation: Mustache templates and browser files compiled into
        /// the binary, form parsing, how values are shown. Its routes are the HTTP adapter's.
        .target(
            name: "SluiceDashboard",
            dependencies: [
                "SluiceJSON",
                "SluiceSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["vendor"],
            resources: [.embedInCode("Resources")],
            swiftSettings: swiftSettings
        ),
        /// Webhook delivery: subscriptions, the lease balancer, the partition deliverer, the
        /// retry scheduler, endpoint health and the dead-letter queue.
        .target(
            name: "SluiceDelivery",
            dependencies: [
                "SluiceCore",
                "SluiceAPI",
                "SluiceJSON",
                "SluiceDatabase",
                "SluiceOutbound",
                "SluiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Real-time analytics: the rollup consumer and its store, series, distributions,
        /// leaderboards, entities and the live feed.
        .target(
            name: "SluiceAnalytics",
            dependencies: [
                "SluiceCore",
                "SluiceAPI",
                "SluiceJSON",
                "SluiceDatabase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Pull sources: their settings and entities, the due queue and the poller.
        .target(
            name: "SluicePull",
            dependencies: [
                "SluiceCore",
                "SluicePlatforms",
                "SluiceJSON",
                "SluiceDatabase",
                "SluiceOutbound",
                "SluiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The platforms' payloads: Twitter/X, YouTube and Instagram normalized to social
        /// events, and Instagram's webhook (its verification and signed deliveries).
        .target(
            name: "SluicePlatforms",
            dependencies: [
                "SluiceCore",
                "SluiceAPI",
                "SluiceJSON",
                "SluiceDatabase",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The domain every role shares: tenants, users, API keys and access, streams and
        /// schemas, the append-only event store and the ingest path, consumer groups, rate
        /// limits and quotas, the audit log, quarantine and the platforms' normalizers.
        .target(
            name: "SluiceCore",
            dependencies: [
                "SluiceAPI",
                "SluiceJSON",
                "SluiceDatabase",
                "SluiceOutbound",
                "SluiceSupport",
                "PasswordHashing",
                "Redis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Types and server stubs generated from openapi/openapi.yaml, and the document itself
        /// (embedded, so that the server enforces exactly what it says).
        .target(
            name: "SluiceAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        /// The client generated from openapi/openapi.yaml; bring your own transport.
        .target(
            name: "SluiceClient",
            dependencies: ["SluiceAPI", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        /// Small concurrency tools the other targets share (deadlines on calls that may hang).
        .target(
            name: "SluiceSupport",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// PostgreSQL access: deadlines and fail-fast (`Database`), the one retry layer for
        /// serialization failures, bound SQL built in pieces, SQLSTATEs, the migrator.
        .target(
            name: "SluiceDatabase",
            dependencies: [
                "SluiceSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The guarded outbound HTTP client of webhooks and pull sources: every address a name
        /// resolves to checked, loopback, private and link-local refused, connections pinned.
        .target(
            name: "SluiceOutbound",
            dependencies: [
                "SluiceSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// JSON values, a strict parser, and Sluice's JSON Schema (2020-12) validator.
        .target(name: "SluiceJSON", swiftSettings: swiftSettings),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        /// A small Redis client over hiredis, its blocking calls on a bounded thread pool.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .target(
            name: "PasswordHashing",
            dependencies: [
                "CArgon2",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The JSON parser, the JSON Schema validator (the official suite) and the patterns,
        /// beside the module they test: no services.
        .testTarget(
            name: "SluiceJSONTests",
            dependencies: ["SluiceJSON"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        /// The pure parts of the server (policies, arithmetic, parsers): no database, no Redis,
        /// no sockets; `swift test --filter SluiceUnitTests` runs them anywhere in seconds.
        .testTarget(
            name: "SluiceUnitTests",
            dependencies: [
                "SluiceServer", "SluiceCore", "SluiceDashboard", "SluiceDelivery", "SluiceAnalytics", "SluicePull", "SluicePlatforms",
                "SluiceAPI", "SluiceJSON",
                "SluiceDatabase", "SluiceOutbound", "SluiceSupport",
            ],
            swiftSettings: swiftSettings
        ),
        /// End to end against the real PostgreSQL and Redis that scripts/services.sh starts.
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer",
                "SluiceCore",
                "SluiceDelivery",
                "SluiceAnalytics",
                "SluicePull",
                "SluicePlatforms",
                "SluiceClient",
                "SluiceJSON",
                "SluiceDatabase",
                "SluiceOutbound",
                "Redis",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
