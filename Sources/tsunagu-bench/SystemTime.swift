import Foundation
import TsunaguCore

/// `tsunagu-bench`'s composition root for time and ids: the tool's one reading of the system clock and its one source
/// of random UUIDs, for what it writes into a database and for its own measurements.
enum SystemTime {
    static let clock = WallClock { Int64(Date().timeIntervalSince1970 * 1000) }
    static let ids: any IDSource = RandomIDs()

    /// Now, in seconds since the epoch: the unit the sandbox reports its deliveries in.
    static func seconds() -> Double { Double(clock.now()) / 1000 }
}
