/// How hard a commit tries to survive power loss: SQLite's `synchronous` level in WAL mode.
///
/// `full` (the default) syncs the write-ahead log on every commit, so an acknowledged event survives a power
/// cut. `normal` survives a process crash (`kill -9`) but may lose the last commits on power loss; it is for
/// operators who trust their storage's write cache. Group commit makes `full` cheap enough to keep.
public enum Durability: String, Sendable, CaseIterable {
    case full
    case normal

    /// The value `PRAGMA synchronous` reads back at this level.
    var synchronousPragmaValue: Int {
        switch self {
        case .full: 2
        case .normal: 1
        }
    }
}
