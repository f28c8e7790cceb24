/// Something counsellors should know about at once, as the live-events feed carries it: the kind, the case's
/// handle and priority. Never text, never an id of her.
public struct StaffEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A case joined the queue.
        case queued
        /// She wrote in a case a counsellor holds (only that counsellor sees it).
        case message
        /// Emergency wording: `detail` is the category.
        case alert
        case claimed
        case released
        /// `counsellor` is the colleague who holds it now.
        case transferred
        case closed
    }

    /// Increasing: the feed's cursor.
    public var id: Int64
    public var at: Int64
    public var kind: Kind
    public var handle: String
    public var priority: Priority?
    /// Who holds the case after this event, if anyone.
    public var counsellor: String?
    /// A short, non-personal detail, such as the emergency category.
    public var detail: String?

    public init(
        id: Int64, at: Int64, kind: Kind, handle: String, priority: Priority?, counsellor: String? = nil, detail: String? = nil
    ) {
        self.id = id
        self.at = at
        self.kind = kind
        self.handle = handle
        self.priority = priority
        self.counsellor = counsellor
        self.detail = detail
    }

    /// Whether a member of staff may see this event: her messages only reach the counsellor holding the case;
    /// everything else is about the queue, which counsellors and supervisors both watch.
    public func isVisible(to member: StaffMember) -> Bool {
        switch member.role {
        case .admin: false
        case .supervisor: kind != .message
        case .counsellor: kind != .message || counsellor == member.name
        }
    }
}
