public import Foundation

/// The one reading of wall-clock time, in the unit every store, lease and record uses: milliseconds since the
/// epoch. The triage engine and the statistics never read it themselves; their callers pass `now` in.
public enum WallClock {
    public static func milliseconds(at date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }
}
