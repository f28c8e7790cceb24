/// Decides which instance runs a periodic job (the retention purge, forgetting old feed events) now.
///
/// Why it exists: several instances on one shared database would otherwise each run every job once per period.
/// A backend with one instance needs no agreement (``SoleInstanceSchedule``); a shared one records each run, so
/// that exactly one instance wins each period.
public protocol JobSchedule: Sendable {
    /// Whether the caller runs `job` now: `true` for one caller only, once `interval` has passed since the last
    /// run anyone made (or on the first call ever).
    /// - Parameter now: milliseconds since the epoch.
    func claim(_ job: String, every interval: Duration, now: Int64) async throws -> Bool
}

/// The schedule of a deployment with a single instance (SQLite's): it always runs its own jobs.
public struct SoleInstanceSchedule: JobSchedule {
    public init() {}

    public func claim(_ job: String, every interval: Duration, now: Int64) async throws -> Bool { true }
}
