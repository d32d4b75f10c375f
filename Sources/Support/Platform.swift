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

/// Caps glibc's malloc arenas at one per core. glibc gives each new thread that meets a busy
/// arena another one, up to 8 per core, and keeps what each arena once held: a 20-line batch with
/// 32 jobs in flight (a thread per transfer) held 370 MB at its peak against 273 MB with 2; with
/// the cap, 215 and 234 MB (`bench/batch.sh`). Darwin's allocator has no such arenas.
public enum MemoryArenas {
    public static func capAtOnePerCore() {
        #if canImport(Glibc)
        // <malloc.h> is not part of the Glibc module: mallopt is looked up, M_ARENA_MAX is glibc's -8.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-8, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }
}
