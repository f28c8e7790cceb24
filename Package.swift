// swift-tools-version:6.2
import PackageDescription

/// Settings every target shares: Swift 6 strict concurrency plus the upcoming features Hummingbird's own
/// targets enable, so `public import` marks exactly where a dependency's type is part of our API.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Tsunagu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tsunagud", targets: ["tsunagud"]),
        .executable(name: "line-sandbox", targets: ["line-sandbox"]),
        .executable(name: "tsunagu", targets: ["tsunagu"]),
        .library(name: "TsunaguServer", targets: ["TsunaguServer"]),
        // For the fuzzing targets in Fuzz/, which build against these with libFuzzer's instrumentation.
        .library(name: "LineMessaging", targets: ["LineMessaging"]),
        .library(name: "TsunaguCore", targets: ["TsunaguCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CurlHTTP", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        // prctl is variadic, which Swift cannot call: core dumps are turned off in C.
        .target(name: "CHardening"),
        // Japanese morphological analysis for danger detection: Debian ships no mecab.pc, so the module map links it.
        .systemLibrary(name: "CMeCab", providers: [.apt(["libmecab-dev", "mecab-ipadic-utf8"])]),
        .target(name: "TsunaguMeCab", dependencies: ["CMeCab", "TsunaguCore"], swiftSettings: swiftSettings),
        .target(
            name: "LineMessaging",
            dependencies: ["CurlHTTP", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "TsunaguCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // The conversation script's YAML, apart from the server so the core's tests can load the shipped script.
        .target(
            name: "TsunaguScript", dependencies: ["TsunaguCore", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .target(
            name: "LineSandbox",
            dependencies: [
                "LineMessaging", "CurlHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the two database backends share that is not a domain rule: the transfer file between them.
        .target(name: "TsunaguPersistence", swiftSettings: swiftSettings),
        .target(
            name: "TsunaguSQLite",
            dependencies: [
                "TsunaguCore", "TsunaguPersistence", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TsunaguPostgres",
            dependencies: [
                "TsunaguCore", "TsunaguPersistence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TsunaguServer",
            dependencies: [
                "CurlHTTP", "LineMessaging", "LineSandbox", "TsunaguCore", "TsunaguScript", "TsunaguSQLite", "TsunaguPostgres", "TsunaguMeCab",
                "CHardening",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The web console's style and scripts, compiled in: tsunagud serves them without a file on disk.
            resources: [
                "console.css", "console.js", "queue.js", "case.js", "handover.js", "stats.js", "admin.js",
            ].map { .embedInCode("Console/Assets/\($0)") },
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tsunagud",
            dependencies: [
                "TsunaguServer", "TsunaguSQLite", "TsunaguCore", "TsunaguPostgres", "TsunaguPersistence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The staff API client and every CLI command's behaviour and texts, testable in-process; `tsunagu` only
        // parses arguments and composes it.
        .target(name: "TsunaguClient", dependencies: ["CurlHTTP", "TsunaguCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "tsunagu",
            dependencies: ["TsunaguClient", "CurlHTTP", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "line-sandbox",
            dependencies: [
                "LineSandbox", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tsunagu-safety",
            dependencies: [
                "TsunaguServer", "TsunaguCore", "TsunaguMeCab", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tsunagu-bench",
            dependencies: [
                "TsunaguServer", "TsunaguSQLite", "TsunaguCore", "LineMessaging", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TsunaguCoreTesting",
            dependencies: ["TsunaguCore", "TsunaguScript", "TsunaguMeCab", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TsunaguTesting",
            dependencies: [
                "TsunaguCoreTesting", "CurlHTTP", "LineMessaging", "LineSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), "TsunaguCore", "TsunaguScript", "TsunaguMeCab", "TsunaguSQLite",
                "TsunaguPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TsunaguCoreTests",
            dependencies: ["TsunaguCore", "TsunaguMeCab", "TsunaguCoreTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: [
                "CurlHTTP", "TsunaguTesting", "LineSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineMessagingTests",
            dependencies: [
                "LineMessaging", "TsunaguTesting", "TsunaguCoreTesting", "CurlHTTP", "LineSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TsunaguSQLiteTests",
            dependencies: [
                "TsunaguSQLite", "TsunaguCore", "TsunaguTesting", "TsunaguCoreTesting", "TsunaguPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TsunaguServerTests",
            dependencies: [
                "TsunaguServer", "TsunaguTesting", "TsunaguCoreTesting", "LineMessaging", "TsunaguCore", "TsunaguSQLite", "TsunaguPostgres",
                "LineSandbox",
                "CurlHTTP", "TsunaguMeCab",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TsunaguClientTests",
            dependencies: ["TsunaguClient", "CurlHTTP", "TsunaguTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TsunaguDaemonTests",
            dependencies: [
                "tsunagud", "tsunagu", "TsunaguTesting", "TsunaguCoreTesting", "TsunaguSQLite", "TsunaguCore", "LineSandbox", "CurlHTTP",
                "TsunaguServer",
                "LineMessaging",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
