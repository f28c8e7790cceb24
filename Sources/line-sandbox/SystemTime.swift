import Foundation

/// `line-sandbox`'s composition root for time and ids: the process's one reading of the system clock and its one
/// source of random UUIDs, which the sandbox (LINE's stand-in) issues tokens and stamps deliveries by.
enum SystemTime {
    static let now: @Sendable () -> Date = { Date() }
    static let newID: @Sendable () -> UUID = { UUID() }
}
