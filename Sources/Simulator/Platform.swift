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
