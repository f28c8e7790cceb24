import Foundation
import TsunaguCore

/// `tsunagud`'s composition root for time and ids: the process's one reading of the system clock and its one source
/// of random UUIDs, handed to the service (``Serve``) and to every command that opens the database. Nothing in the
/// libraries reads either by itself, so tests can run all of it at a time they choose.
enum SystemTime {
    static let clock = WallClock { Int64(Date().timeIntervalSince1970 * 1000) }
    static let ids: any IDSource = RandomIDs()
}
