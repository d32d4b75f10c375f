// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kling-media",
    products: [
        .library(name: "MediaKit", targets: ["MediaKit"]),
        .library(name: "Uploader", targets: ["Uploader"]),
        .executable(name: "kling-media", targets: ["kling-media"]),
        .executable(name: "kling-media-simulator", targets: ["kling-media-simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // FFmpeg's C libraries, as Debian 12 ships them (FFmpeg 5.1).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswscale libswresample",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "MediaKit", dependencies: ["CFFmpeg"]),
        .target(name: "Uploader", dependencies: ["CCurl", .product(name: "Crypto", package: "swift-crypto")]),
        // The whole job (`continue`, `batch`): validate, conform, upload, submit, poll, download,
        // stitch, resumable from the journal. Its own target because it needs both MediaKit and
        // Uploader, which must not depend on each other. It never prints: it reports events.
        .target(name: "Pipeline", dependencies: ["MediaKit", "Uploader"]),
        // The local stand-in for Segmind's API: the built-in default and the tests' server.
        .target(
            name: "Simulator",
            dependencies: [
                "MediaKit",
                "Uploader",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "kling-media",
            dependencies: [
                "MediaKit",
                "Uploader",
                "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Its own executable: Hummingbird links full Foundation (and ICU), which would slow every
        // start of `kling-media`. `kling-media simulator` runs this binary, installed beside it.
        .executableTarget(
            name: "kling-media-simulator",
            dependencies: ["Simulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Shared by the test targets: fixture paths, running processes, the ffprobe oracle.
        .target(name: "TestSupport", dependencies: ["Uploader", "Simulator"], path: "Tests/TestSupport"),
        .testTarget(name: "MediaKitTests", dependencies: ["MediaKit", "TestSupport"]),
        .testTarget(name: "UploaderTests", dependencies: ["Uploader", "Simulator", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Simulator", "TestSupport"]),
        .testTarget(name: "KlingMediaCLITests", dependencies: ["kling-media", "kling-media-simulator", "TestSupport"]),
    ]
)
