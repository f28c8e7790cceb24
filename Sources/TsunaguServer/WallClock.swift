import Foundation

/// The server's one reading of wall-clock time, in the unit every store and lease uses: milliseconds since
/// the epoch.
enum WallClock {
    static func milliseconds(at date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }
}
