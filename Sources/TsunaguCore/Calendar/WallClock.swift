public import Foundation

/// The one clock: wall-clock time in milliseconds since the epoch, the unit every store, lease and record uses.
///
/// Nothing reads the system clock by itself. Each executable's entry (its composition root) makes the one reading
/// of real time and hands this clock to everything that needs "now"; tests hand in a clock they move
/// (`ManualClock` in `TsunaguCoreTesting`), so any hour, any lapse and any cutoff can be pinned. The triage engine and
/// the statistics never hold one at all: their callers pass `now` in.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// - Parameter milliseconds: reads the time, in milliseconds since the epoch.
    public init(milliseconds: @escaping @Sendable () -> Int64) { self.read = milliseconds }

    /// Now, in milliseconds since the epoch.
    public func now() -> Int64 { read() }

    /// Now as a `Date`, for the few APIs (LINE's webhook JSON, Foundation's formatters) that take one.
    public func date() -> Date { Date(timeIntervalSince1970: Double(read()) / 1000) }

    /// `date` in milliseconds since the epoch (rounded, so that a ``date()`` comes back as the milliseconds it was).
    public static func milliseconds(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
