// swift-tools-version:6.0
import PackageDescription

// The targets, each with one job. Dependencies point down this list only:
// Support → MediaKit → KlingRules → HTTP → Segmind → Journal → Uploader → Pipeline → the CLI.
let package = Package(
    name: "kling-media",
    // Linux (Debian 12, 13, unstable: tested) and macOS 15 with Homebrew's FFmpeg (by design; see the README).
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MediaKit", targets: ["MediaKit"]),
        .library(name: "KlingRules", targets: ["KlingRules"]),
        .library(name: "Segmind", targets: ["Segmind"]),
        .library(name: "Uploader", targets: ["Uploader"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .executable(name: "kling-media", targets: ["kling-media"]),
        .executable(name: "kling-media-simulator", targets: ["kling-media-simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // FFmpeg's C libraries (Debian's -dev packages, Homebrew's ffmpeg): a module map and one shim
        // header, which holds every difference between FFmpeg 5.1 and 9.0.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswscale libswresample libavfilter",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev", "libavfilter-dev"]),
                        .brew(["ffmpeg"])]
        ),
        // libcurl: a module map and one shim header for its variadic calls.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // Small things every target may use: atomic files, private folders, hashing, a JSON value,
        // redaction, readable numbers, threads for blocking work. POSIX through swift-system.
        .target(name: "Support", dependencies: [
            .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // FFmpeg only, with no Kling knowledge: probe, edit (conform, stitch), frames.
        // Optimised in debug builds too: its per-pixel loops (shot detection, seam scores, turning
        // pictures) run ~20× slower unoptimised, and the tests run them on every continuation.
        .target(name: "MediaKit", dependencies: ["CFFmpeg", "Support", .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // What "valid for Kling O1" means: the model's limits, the rules, the problems, the aspect choice.
        .target(name: "KlingRules", dependencies: ["MediaKit", "Support"]),
        // HTTP over libcurl: transfers, bodies, retry timing, downloads. Heads are swift-http-types'.
        .target(name: "HTTP", dependencies: [
            "CCurl", "Support",
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Segmind's v2 API for Kling O1: configuration, key, the client, its errors, the request budget.
        .target(name: "Segmind", dependencies: [
            "HTTP", "KlingRules", "Support",
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // The job journal: record folders, locks, indexes, job records.
        .target(name: "Journal", dependencies: ["Segmind", "Support", .product(name: "SystemPackage", package: "swift-system")]),
        // Local files to URLs: Segmind Storage and S3 (SigV4), the upload cache.
        .target(name: "Uploader", dependencies: [
            "HTTP", "Segmind", "Support", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // The whole job (`continue`, `batch`, `wait`): continuations, the job tracker, batches. It never
        // prints: it reports typed events.
        .target(name: "Pipeline", dependencies: ["MediaKit", "KlingRules", "HTTP", "Segmind", "Journal", "Uploader", "Support"]),
        // The local stand-in for Segmind's API: the built-in default and the tests' server.
        .target(
            name: "Simulator",
            dependencies: [
                "MediaKit", "KlingRules", "Segmind", "Support",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The CLI: parse, call, render. Commands/, Options/ (shared option groups), Output/ (text, JSON, exit statuses).
        .executableTarget(
            name: "kling-media",
            dependencies: [
                "MediaKit", "KlingRules", "HTTP", "Segmind", "Journal", "Uploader", "Pipeline", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Its own executable: Hummingbird links full Foundation (and ICU), which would slow every
        // start of `kling-media`. `kling-media simulator` runs this binary, installed beside it.
        .executableTarget(
            name: "kling-media-simulator",
            dependencies: ["Simulator", "Support", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // bench/journal-lookup.sh's measuring tool: journal lookups at a given size. Not installed.
        .executableTarget(name: "journal-bench", dependencies: ["Journal", "Pipeline", "Segmind", "KlingRules"], path: "bench/journal-bench"),
        // Shared by the test targets: fixture paths, running processes, the ffprobe oracle, test servers.
        .target(name: "TestSupport", dependencies: [
            "HTTP", "Segmind", "Uploader", "Support", "Simulator", .product(name: "HTTPTypes", package: "swift-http-types"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "MediaKitTests", dependencies: ["MediaKit", "TestSupport"]),
        .testTarget(name: "KlingRulesTests", dependencies: ["KlingRules", "MediaKit", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: [
            "HTTP", "Segmind", "Uploader", "Simulator", "TestSupport", .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "SegmindTests", dependencies: [
            "Segmind", "HTTP", "KlingRules", "Support", "Simulator", "TestSupport", .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "Segmind", "Support", "TestSupport"]),
        .testTarget(name: "UploaderTests", dependencies: [
            "Uploader", "Segmind", "HTTP", "Simulator", "TestSupport", .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "PipelineTests", dependencies: [
            "Pipeline", "Journal", "Segmind", "HTTP", "KlingRules", "MediaKit", "Uploader", "Support", "Simulator", "TestSupport",
        ]),
        .testTarget(name: "KlingMediaCLITests", dependencies: ["kling-media", "kling-media-simulator", "TestSupport"]),
    ]
)
