public import Foundation
public import TsunaguCore

/// The tests' one reading of real time and of random ids, for the tests that run components at the real pace (over
/// loopback, with libcurl and the sandbox) or need names no other run uses (temporary folders and databases). A test
/// that pins time uses ``ManualClock`` and ``SequentialIDs`` instead.
public enum RealTime {
    public static let clock = WallClock { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Real time, shifted so that it reads `start` now and then runs at the real pace.
    public static func shiftedClock(startingAt start: Int64) -> WallClock {
        let offset = start - RealTime.clock.now()
        return WallClock { RealTime.clock.now() + offset }
    }

    public static let ids: any IDSource = RandomIDs()

    /// The same, in the shape `LineSandbox.Configuration` takes them (the sandbox knows nothing of Tsunagu's types).
    public static let now: @Sendable () -> Date = { RealTime.clock.date() }
    public static let newID: @Sendable () -> UUID = { RealTime.ids.next() }
}
