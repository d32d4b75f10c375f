import Foundation

/// The built `kling-media` executable, for end-to-end tests. SwiftPM puts it beside the test
/// bundle, in the same build folder.
public enum KlingMediaBinary {
    public static var path: String {
        #if os(macOS)
        // The tests run in a bundle loaded by `xctest`; the products sit beside the bundle.
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL ?? Bundle.main.bundleURL
        return bundle.deletingLastPathComponent().appendingPathComponent("kling-media").path
        #else
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: testExecutable).deletingLastPathComponent().appendingPathComponent("kling-media").path
        #endif
    }

    /// Runs `kling-media` with `arguments`, from the package root so fixture paths stay short.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> ProcessResult {
        try await ProcessRunner.run(path, arguments, environment: environment)
    }
}
