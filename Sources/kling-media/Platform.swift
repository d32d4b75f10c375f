// The system modules this target uses, named once for all its files: Foundation's essentials (on
// macOS, where they are not a module of their own, Foundation) and the C library (Glibc, Darwin).
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

// MARK: What differs between Linux and macOS, once

enum ThisProcess {
    /// The running executable's path: `/proc/self/exe` on Linux, `_NSGetExecutablePath` on macOS.
    static var executablePath: String {
        #if canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        if _NSGetExecutablePath(&buffer, &size) == 0 {
            let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        }
        return CommandLine.arguments[0]
        #else
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        #endif
    }
}

/// posix_spawn's file actions: a struct on Linux, an opaque pointer on Darwin.
#if canImport(Darwin)
typealias SpawnFileActions = posix_spawn_file_actions_t?
#else
typealias SpawnFileActions = posix_spawn_file_actions_t
#endif
