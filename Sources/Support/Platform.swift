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

/// Keeps glibc's malloc from holding memory the process no longer uses.
/// - Arenas capped at one per core. glibc gives each new thread that meets a busy arena another
///   one, up to 8 per core, and keeps what each arena once held: a 20-line batch with 32 jobs in
///   flight (a thread per transfer) held 370 MB at its peak against 273 MB with 2; with the cap,
///   215 and 234 MB (`bench/batch.sh`).
/// - Blocks of 256 KB and more always mapped on their own (and unmapped when freed). By default
///   glibc raises that threshold each time such a block is freed, up to 32 MB, after which frames
///   and encoder buffers come from the arenas, and a freed hole among live blocks is kept: a
///   40-line batch peaked at 317 MB with 2 jobs in flight and 452 to 532 MB with 32, against 239
///   and 375 MB with the threshold fixed (its live heap, as heaptrack counts it, peaked at 87 MB).
/// Darwin's allocator has neither behaviour.
public enum MemoryArenas {
    public static func keepMallocLean() {
        #if canImport(Glibc)
        // <malloc.h> is not part of the Glibc module: mallopt is looked up; M_ARENA_MAX is glibc's
        // -8, M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-8, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        _ = mallopt(-3, 256 * 1024)
        #endif
    }
}
