/// What a member of staff may do. A counsellor works cases; a supervisor reads statistics and the queue
/// summary, never message text; an admin manages staff.
public enum StaffRole: String, Sendable, Hashable, Codable, CaseIterable {
    case counsellor
    case supervisor
    case admin
}

/// A member of staff as operators see them: never their token, nor its hash.
public struct StaffMember: Sendable, Hashable, Codable {
    public var name: String
    public var role: StaffRole
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    /// When their token was revoked; `nil` while it works.
    public var revokedAt: Int64?

    public init(name: String, role: StaffRole, createdAt: Int64, revokedAt: Int64? = nil) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
