import Synchronization
public import TsunaguCore

/// A clock that stands still until the test moves it: hand ``clock`` to what is tested, then ``advance(by:)`` or
/// ``set(_:)`` to reach the moment a rule turns on (a lease lapsing, a cutoff passing, the office closing).
public final class ManualClock: Sendable {
    private let milliseconds: Mutex<Int64>

    /// - Parameter start: milliseconds since the epoch.
    public init(at start: Int64) { milliseconds = Mutex(start) }

    /// The clock to inject.
    public var clock: WallClock { WallClock { [self] in now() } }

    public func now() -> Int64 { milliseconds.withLock { $0 } }

    public func advance(by step: Int64) { milliseconds.withLock { $0 += step } }

    public func set(_ moment: Int64) { milliseconds.withLock { $0 = moment } }
}
