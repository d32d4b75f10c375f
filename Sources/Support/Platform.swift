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

// MARK: What differs between Glibc and Darwin, once

/// A thread handle before `pthread_create` fills it: a plain value on Linux, an optional pointer on Darwin.
#if canImport(Darwin)
typealias ThreadHandle = pthread_t?
#else
typealias ThreadHandle = pthread_t
#endif

/// Lets a started thread end on its own.
func detach(_ thread: ThreadHandle) {
    #if canImport(Darwin)
    if let thread { pthread_detach(thread) }
    #else
    pthread_detach(thread)
    #endif
}

/// The C library's calls whose names `SystemCalls` reuses for its own, reached through their module.
enum CLibrary {
    static func sync() {
        #if canImport(Darwin)
        Darwin.sync()
        #else
        Glibc.sync()
        #endif
    }

    static func rename(_ from: String, _ to: String) -> Int32 {
        #if canImport(Darwin)
        Darwin.rename(from, to)
        #else
        Glibc.rename(from, to)
        #endif
    }
}
