// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kling-media",
    products: [
        .library(name: "MediaKit", targets: ["MediaKit"]),
        .library(name: "Uploader", targets: ["Uploader"]),
        .executable(name: "kling-media", targets: ["kling-media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(name: "Uploader", dependencies: ["CCurl"]),
        .executableTarget(
            name: "kling-media",
            dependencies: [
                "MediaKit",
                "Uploader",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: fixture paths, running processes, the ffprobe oracle.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaKitTests", dependencies: ["MediaKit", "TestSupport"]),
        .testTarget(name: "UploaderTests", dependencies: ["Uploader", "TestSupport"]),
        .testTarget(name: "KlingMediaCLITests", dependencies: ["kling-media", "TestSupport"]),
    ]
)
